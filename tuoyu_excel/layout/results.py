"""Where things sit in the parts of the star results workbook that a later run reads back: the
decision sheets an official fills in (one mechanism, several decisions).

- 待裁定 (rulings): the ties the ranking cannot settle, for the commission to rule on; written by
  ``render/star/rulings_sheet.py``, read back by ``intake/rulings.py``, checked by ``core/star/rulings.py``.
- 公示核查 (publication check): the institutions of the published list, for the commission to record
  what the 核查 after the 公示 found; written by ``render/star/checks_sheet.py``, read back by
  ``intake/publication.py``, checked by ``core/star/naming.py``.

Both are filled in yellow dropdown columns (a decision and its basis), the rest locked without a
password, and read by the one reader ``intake/decisions.py`` with every problem naming its cell.
Writer and reader both ask this module, so they cannot drift apart. Columns are found by header
text (positions kept, so every problem names its cell); instruction lines sit above the table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DecisionSheet:
    """A sheet of decisions: the table's headers, which two columns the official fills in (a decision
    from a dropdown and its written basis), and which decisions need a basis."""

    name: str  # the sheet's name
    code: str  # the issue-code prefix of its problems (issues.py): RULING, CHECK
    headers: tuple[str, ...]
    key: str  # the header of the column naming the institution (统一社会信用代码)
    decision: str  # the header of the dropdown column
    basis: str  # the header of the written basis
    widths: dict[str, float]
    choices: tuple[str, ...] = ()  # the dropdown's values when the same for every row ("" = per row)
    needs_basis: tuple[str, ...] | None = None  # decisions that need a basis; None: every decision
    labels: tuple[str, ...] = ()  # label cells above the table whose right neighbour the reader also reads
    blank: str = ""  # what a blank decision means, said in the guide (e.g. 通过)

    @property
    def inputs(self) -> tuple[str, str]:
        return self.decision, self.basis

    def basis_needed(self, decision: str) -> bool:
        return bool(decision) and (self.needs_basis is None or decision in self.needs_basis)


# ---- 待裁定 -------------------------------------------------------------------------------------

RULINGS_SHEET = "待裁定"

R_ZONE = "片区"
R_RANK = "名次"
R_CODE = "统一社会信用代码"
R_NAME = "机构名称"
R_TOTAL = "综合得分"
R_CORE = "核心指标得分"
R_SPAN = "可裁定星级"  # the stars the tie's places carry, joined by SPAN_SEP
R_STAR = "裁定星级"  # input: one of the span's stars, or 未获评
R_BASIS = "裁定依据"  # input: the basis of the decision (text, required with a star)
HEADERS = (R_ZONE, R_RANK, R_CODE, R_NAME, R_TOTAL, R_CORE, R_SPAN, R_STAR, R_BASIS)
INPUTS = (R_STAR, R_BASIS)
WIDTHS = {R_ZONE: 8, R_RANK: 6, R_CODE: 22, R_NAME: 34, R_TOTAL: 10, R_CORE: 12, R_SPAN: 16, R_STAR: 12,
          R_BASIS: 44}
SPAN_SEP = "、"

RULINGS = DecisionSheet(RULINGS_SHEET, "RULING", HEADERS, key=R_CODE, decision=R_STAR, basis=R_BASIS, widths=WIDTHS)

# ---- 公示核查 -----------------------------------------------------------------------------------

CHECKS_SHEET = "公示核查"

C_NO = "序号"
C_STAR = "拟命名星级"
C_DISTRICT = "所在县区"
C_RESULT = "核查结果"  # input: 通过 / 不予命名; blank = 通过
C_BASIS = "核查依据"  # input: required with 不予命名
PASSED = "通过"
WITHHELD = "不予命名"
CHECK_HEADERS = (C_NO, C_STAR, R_NAME, C_DISTRICT, R_CODE, R_ZONE, R_RANK, R_TOTAL, R_CORE, C_RESULT, C_BASIS)
CHECK_WIDTHS = {C_NO: 6, C_STAR: 10, R_NAME: 36, C_DISTRICT: 15, R_CODE: 21, R_ZONE: 7, R_RANK: 6, R_TOTAL: 9,
                R_CORE: 10, C_RESULT: 11, C_BASIS: 36}
NOTICE_START = "公示开始日期"  # label cells above the table; the date sits in the cell to the right
NOTICE_END = "公示结束日期"

CHECKS = DecisionSheet(CHECKS_SHEET, "CHECK", CHECK_HEADERS, key=R_CODE, decision=C_RESULT, basis=C_BASIS,
                       widths=CHECK_WIDTHS, choices=(PASSED, WITHHELD), needs_basis=(WITHHELD,),
                       labels=(NOTICE_START, NOTICE_END), blank=PASSED)

DECISION_SHEETS = (RULINGS, CHECKS)

HEADER_SCAN_ROWS = 30  # the header row is looked for among the sheet's first rows
MAX_ROWS = 20000
