"""The 机构明细 sheet of the county 初评报告: one block per institution, each on its own page.

A block holds the 申报 data (with a blank 核实情况 column to record what was found), the
必备条件 results, part subtotals 自评 vs 初评, core score and rate, the problems found (from
扣分说明), a blank 整改意见 cell and the conclusion with its reasons.
"""

from __future__ import annotations

from tuoyu_excel.core.star.county import CountyReport, Institution
from tuoyu_excel.render.cells import span
from tuoyu_excel.render.county.style import DETAIL_SHEET, protect, setup_page, text_height

WIDTHS = (8, 26, 11, 11, 11, 42)
LAST_COL = len(WIDTHS) - 1
# (first column, last column, header) of each small table
FORM_COLS = ((0, 1, "项目"), (2, 4, "申报内容"), (5, 5, "核实情况（评估组填写）"))
VETO_COLS = ((0, 0, "编号"), (1, 1, "项目"), (2, 2, "自评"), (3, 4, "初评"), (5, 5, "说明"))
PART_COLS = ((0, 0, "编号"), (1, 1, "部分"), (2, 2, "分值"), (3, 3, "自评"), (4, 4, "初评"),
             (5, 5, "差值（初评−自评）"))
TOTAL_COLS = ((0, 1, ""), (2, 2, ""), (3, 3, ""), (4, 4, ""), (5, 5, ""))
PROBLEM_COLS = ((0, 0, "编号"), (1, 1, "项目"), (2, 2, "初评得分"), (3, 3, "分值"), (4, 5, "扣分说明"))
ADVICE_HEIGHT = 90
NO_NOTE = "（未写扣分说明）"


def write_detail_sheet(wb, fmts, report: CountyReport) -> None:
    ws = wb.add_worksheet(DETAIL_SHEET)
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    ws.set_row(0, 36)
    span(ws, 0, 0, LAST_COL, f"{report.county}托育机构星级评定初评机构明细", fmts["title"])
    r, breaks = 2, []
    for n, inst in enumerate(report.institutions, start=1):
        if n > 1:
            breaks.append(r)
        r = write_block(ws, fmts, report, n, inst, r) + 2
    if not report.institutions:
        span(ws, r, 0, LAST_COL, "（没有可评分的申报机构）", fmts["text"])
    ws.set_h_pagebreaks(breaks)
    protect(ws)
    setup_page(ws, landscape=True, repeat=None)


def write_block(ws, fmts, report: CountyReport, n: int, inst: Institution, r: int) -> int:
    """One institution's block from row r; returns its last row."""
    ws.set_row(r, 26)
    span(ws, r, 0, LAST_COL, f"{n}. {inst.name}", fmts["block"])
    info = f"统一社会信用代码：{inst.credit_code}    所在县区：{inst.district}    文件：{inst.file}"
    ws.set_row(r + 1, text_height(info, sum(WIDTHS), minimum=20))
    span(ws, r + 1, 0, LAST_COL, info, fmts["text"])
    r = _form_rows(ws, fmts, inst, r + 2)
    r = _veto_rows(ws, fmts, inst, r + 1)
    r = _score_rows(ws, fmts, report, inst, r + 1)
    r = _problem_rows(ws, fmts, inst, r + 1)
    return _closing_rows(ws, fmts, inst, r + 1)


def _section(ws, fmts, r: int, text: str) -> None:
    ws.set_row(r, 22)
    span(ws, r, 0, LAST_COL, text, fmts["section"])


def _headers(ws, fmts, r: int, cols) -> None:
    for first, last, header in cols:
        span(ws, r, first, last, header, fmts["header"])


def _table_row(ws, fmts, r: int, cols, values, kinds, minimum: float = 20) -> None:
    widths = [sum(WIDTHS[first:last + 1]) for first, last, _ in cols]
    ws.set_row(r, text_height([(v, w) for v, w in zip(values, widths, strict=True) if isinstance(v, str)],
                              minimum=minimum))
    for (first, last, _), value, kind in zip(cols, values, kinds, strict=True):
        span(ws, r, first, last, value, fmts[kind])


def _form_rows(ws, fmts, inst: Institution, r: int) -> int:
    _section(ws, fmts, r, "（一）申报信息核对（申报内容取自机构申报表；核实情况由评估组填写）")
    _headers(ws, fmts, r + 1, FORM_COLS)
    for n, (label, value) in enumerate(inst.form, start=r + 2):
        _table_row(ws, fmts, n, FORM_COLS, (label, value, None), ("label", "text", "input_text"))
    return r + 1 + len(inst.form)


def _veto_rows(ws, fmts, inst: Institution, r: int) -> int:
    _section(ws, fmts, r, f"（二）必备条件（{inst.veto_text}）")
    _headers(ws, fmts, r + 1, VETO_COLS)
    for n, line in enumerate(inst.veto, start=r + 2):
        values = (line.code, line.title, line.self_result, line.county_result, line.note)
        _table_row(ws, fmts, n, VETO_COLS, values, ("center", "text", "center", "center", "text"))
    return r + 1 + len(inst.veto)


def _score_rows(ws, fmts, report: CountyReport, inst: Institution, r: int) -> int:
    _section(ws, fmts, r, "（三）各部分得分（自评与初评对比）")
    _headers(ws, fmts, r + 1, PART_COLS)
    r += 2
    for line in inst.parts:
        values = (line.code, line.name, line.possible, line.self_score, line.county, line.diff)
        _table_row(ws, fmts, r, PART_COLS, values, ("center", "text", "num", "num", "num", "num"))
        r += 1
    card, mine = inst.county, inst.self_card
    rebased = "（有不适用项，按应得分折算）" if card.possible != report.rubric.total else ""
    rows = ((f"综合得分{rebased}", report.rubric.total, inst.self_total, card.total, inst.diff, "num"),
            ("核心指标得分", card.core_possible, mine.core if mine else None, card.core,
             card.core - mine.core if mine else None, "num"),
            (f"核心指标得分率（不得低于 {report.rubric.star.core_rate:.0%}）", None,
             mine.core_rate if mine else None, card.core_rate, None, "pct"))
    for *values, kind in rows:
        _table_row(ws, fmts, r, TOTAL_COLS, values, ("total_label", "num", kind, kind, "num"))
        r += 1
    return r - 1


def _problem_rows(ws, fmts, inst: Institution, r: int) -> int:
    _section(ws, fmts, r, "（四）发现的问题（初评扣分项及扣分说明）")
    _headers(ws, fmts, r + 1, PROBLEM_COLS)
    if not inst.problems:
        span(ws, r + 2, 0, LAST_COL, "（初评未扣分，未发现问题）", fmts["text"])
        return r + 2
    for n, p in enumerate(inst.problems, start=r + 2):
        values = (p.code, p.title, p.score, "否决项" if p.points is None else p.points, p.note or NO_NOTE)
        _table_row(ws, fmts, n, PROBLEM_COLS, values, ("center", "text", "num", "num", "text"))
    return r + 1 + len(inst.problems)


def conclusion_text(inst: Institution) -> str:
    if inst.eligible:
        return f"{inst.conclusion}，推荐参加市级核验。"
    return f"{inst.conclusion}，不推荐参加市级核验。原因：{'；'.join(inst.reasons)}。"


def _closing_rows(ws, fmts, inst: Institution, r: int) -> int:
    _section(ws, fmts, r, "（五）整改意见（评估组填写）")
    ws.set_row(r + 1, ADVICE_HEIGHT)
    span(ws, r + 1, 0, LAST_COL, None, fmts["input_block"])
    _section(ws, fmts, r + 2, "（六）初评结论")
    text = conclusion_text(inst)
    _table_row(ws, fmts, r + 3, ((0, 1, ""), (2, LAST_COL, "")), ("结论", text), ("label", "text"), minimum=28)
    return r + 3
