"""Where things sit in the parts of the star results workbook that a later run reads back: the
decision sheets an official fills in (one mechanism, several decisions).

- 待裁定 (rulings): the ties the ranking cannot settle, for the commission to rule on; written by
  ``render/star/rulings_sheet.py``, read back by ``intake/rulings.py``, checked by ``core/star/rulings.py``.
- 公示核查 (publication check): the institutions of the published list, for the commission to record
  what the 核查 after the 公示 found; written by ``render/star/checks_sheet.py``, read back by
  ``intake/publication.py``, checked by ``core/star/naming.py``.
- 复审处理 (review decisions): the reviewed institutions, for the commission to decide 通过 / 限期整改
  (with its 整改期限, a third, date input column) / 降级 / 撤销; written by ``render/star/review.py``,
  read back by ``intake/review.py``, checked by ``core/star/review.py``.

All are filled in yellow dropdown columns (a decision and its basis, and where a sheet has one, a
date), the rest locked without a password, and read by the one reader ``intake/decisions.py`` with every problem naming its cell.
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
    book: str = ""  # the workbook that carries the sheet, as a refusal names it
    date: str = ""  # the header of an optional third input column, a date ("" = none)
    needs_date: tuple[str, ...] = ()  # decisions that need that date

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.decision, self.basis, self.date) if self.date else (self.decision, self.basis)

    def basis_needed(self, decision: str) -> bool:
        return bool(decision) and (self.needs_basis is None or decision in self.needs_basis)

    def date_needed(self, decision: str) -> bool:
        return bool(self.date) and decision in self.needs_date


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

RULINGS = DecisionSheet(RULINGS_SHEET, "RULING", HEADERS, key=R_CODE, decision=R_STAR, basis=R_BASIS, widths=WIDTHS,
                        book="有待裁定时的星级评定结果")

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
                       labels=(NOTICE_START, NOTICE_END), blank=PASSED, book="最终的星级评定结果")

# ---- 复审处理 -----------------------------------------------------------------------------------

REVIEW_SHEET = "复审处理"

V_NO = "序号"
V_STAR = "现星级"
V_SINCE = "定级或复审日期"
V_SCORE = "复审得分"
V_CORE_RATE = "核心指标得分率"
V_CONDITIONS = "评定条件"
V_VERDICT = "复审结论"
V_PROPOSAL = "建议处理"
V_DECISION = "处理决定"  # input: 通过 / 限期整改 / 降级为X / 撤销 (the lower stars only, per row)
V_DEADLINE = "整改期限"  # input: a date, required with 限期整改
V_BASIS = "依据"  # input: required with every decision
V_PASS = "通过"
V_RECTIFY = "限期整改"
V_REVOKE = "撤销"
V_DOWN = "降级为"  # + a lower star: 降级为一星级
QUALIFIED = "合格"
UNQUALIFIED = "不合格"
REVIEW_DATE = "复审日期"  # label cell above the table: the date the review was judged on
REVIEW_HEADERS = (V_NO, R_NAME, C_DISTRICT, R_CODE, V_STAR, V_SINCE, V_SCORE, V_CORE_RATE, V_CONDITIONS, V_VERDICT,
                  V_PROPOSAL, V_DECISION, V_DEADLINE, V_BASIS)
REVIEW_WIDTHS = {V_NO: 5, R_NAME: 26, C_DISTRICT: 9, R_CODE: 20, V_STAR: 8, V_SINCE: 11, V_SCORE: 9,
                 V_CORE_RATE: 9, V_CONDITIONS: 30, V_VERDICT: 8, V_PROPOSAL: 12, V_DECISION: 12, V_DEADLINE: 11,
                 V_BASIS: 26}

REVIEWS = DecisionSheet(REVIEW_SHEET, "REVIEW", REVIEW_HEADERS, key=R_CODE, decision=V_DECISION, basis=V_BASIS,
                        widths=REVIEW_WIDTHS, labels=(REVIEW_DATE,), book="tuoyu review 写出的复审结果", date=V_DEADLINE,
                        needs_date=(V_RECTIFY,))

DECISION_SHEETS = (RULINGS, CHECKS)  # the star run's decisions workbook; the review's is REVIEWS alone

HEADER_SCAN_ROWS = 30  # the header row is looked for among the sheet's first rows
MAX_ROWS = 20000
