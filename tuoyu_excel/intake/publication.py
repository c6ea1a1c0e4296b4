"""What the 核查 after the 公示 found, as read from a decisions workbook's 公示核查 sheet.

《柳州市托育机构星级评定工作方案》三（五）: “将星级托育机构名单向社会公示5个工作日，接受社会评议和监督。
对有反映问题的，及时组织核查。通过公示和核查的，由柳州市卫生健康委命名为‘星级托育机构’。”

The sheet is written by ``render/star/checks_sheet.py`` with the final results (one row per
institution of the published list, and the 公示期 above the table) and read by the one
decision-sheet reader (``intake/decisions.py``); here its rows become ``CheckRow``s. Whether they fit
this run (the same institutions, stars and scores; the naming day after the 公示期) is decided by
``core/star/naming.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tuoyu_excel.intake.decisions import DecisionsRead, decimal_of
from tuoyu_excel.issues import Issue, make_issue
from tuoyu_excel.layout.results import C_STAR, CHECKS, NOTICE_END, NOTICE_START, PASSED, R_NAME, R_TOTAL


@dataclass(frozen=True)
class CheckRow:
    key: str  # 统一社会信用代码
    name: str
    star: str  # 拟命名星级 as written
    total: Decimal | None
    result: str  # 通过 (also when left blank) or 不予命名
    basis: str
    cells: dict[str, str] = field(default_factory=dict)  # header -> A1 cell


@dataclass(frozen=True)
class ChecksRead:
    rows: list[CheckRow]
    issues: list[Issue]
    file: str
    notice_start: dt.date | None = None  # the 公示期 as the final results wrote it (None: left blank)
    notice_end: dt.date | None = None
    end_cell: str = ""  # where 公示结束日期 sits (a refusal names it)
    sheet: str = CHECKS.name


def checks_of(read: DecisionsRead) -> ChecksRead | None:
    """The 公示核查 rows of a decisions workbook; None when it has no such sheet (a draft)."""
    sheet = read.sheet(CHECKS)
    if sheet is None:
        return None
    issues = list(read.issues_of(CHECKS))
    dates = {}
    for label in (NOTICE_START, NOTICE_END):
        dates[label], bad = sheet.label_date(label)
        if bad:
            issues.append(make_issue("CHECK_NOTICE_DATE", read.file, CHECKS.name, sheet.label_cells[label],
                                     found=sheet.labels[label], label=label))
    rows = [CheckRow(key=row.key, name=row.text(R_NAME), star=row.text(C_STAR), total=decimal_of(row.values[R_TOTAL]),
                     result=row.decision or PASSED, basis=row.basis, cells=row.cells) for row in sheet.rows]
    return ChecksRead(rows, issues, read.file, dates[NOTICE_START], dates[NOTICE_END],
                      sheet.label_cells.get(NOTICE_END, ""))

