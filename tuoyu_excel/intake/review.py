"""What the commission decided on each reviewed institution, as read from a 复审结果 workbook's 复审处理 sheet.

《柳州市托育机构星级评定工作方案》四（一）: “获得星级的托育机构，每3年复审1次……县区卫生健康局按照柳州市
星级托育机构评估标准进行审核验收并上报市卫生健康委，对复审不合格的作出限期整改或降级处理。”

The sheet is written by ``render/star/review.py`` with the review results (one row per reviewed
institution, the 复审日期 above the table) and read by the one decision-sheet reader
(``intake/decisions.py``: a decision without 依据, a 限期整改 without 整改期限, a 期限 that is no date,
a decision without its code are its issues); here its rows become ``ReviewDecision``s. Whether they
fit this run (the same institutions, stars and scores; a decision the row offers; a 期限 after the
decision date) is decided by ``core/star/review.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tuoyu_excel.intake.decisions import DecisionsRead, decimal_of
from tuoyu_excel.issues import Issue
from tuoyu_excel.layout.results import R_NAME, REVIEW_DATE, REVIEWS, V_SCORE, V_STAR


@dataclass(frozen=True)
class ReviewDecision:
    key: str  # 统一社会信用代码
    name: str
    star: str  # 现星级 as written
    score: Decimal | None  # 复审得分 as written
    decision: str  # "" = not decided yet
    basis: str
    deadline: dt.date | None  # 整改期限
    cells: dict[str, str] = field(default_factory=dict)  # header -> A1 cell


@dataclass(frozen=True)
class ReviewDecisions:
    rows: list[ReviewDecision]
    issues: list[Issue]
    file: str
    reviewed_on: dt.date | None = None  # the 复审日期 the results were made for
    date_cell: str = ""  # where it sits (a refusal names it)
    sheet: str = REVIEWS.name


def review_decisions_of(read: DecisionsRead) -> ReviewDecisions | None:
    """The 复审处理 rows of a decisions workbook; None when it has no such sheet."""
    sheet = read.sheet(REVIEWS)
    if sheet is None:
        return None
    reviewed_on, _ = sheet.label_date(REVIEW_DATE)  # written by the tool, for one check; unreadable: not checked
    rows = [ReviewDecision(key=row.key, name=row.text(R_NAME), star=row.text(V_STAR), score=decimal_of(row.values[V_SCORE]),
                           decision=row.decision, basis=row.basis, deadline=row.date, cells=row.cells)
            for row in sheet.rows]
    return ReviewDecisions(rows, list(read.issues_of(REVIEWS)), read.file, reviewed_on,
                           sheet.label_cells.get(REVIEW_DATE, ""))

