"""The 评分人明细 sheet of panel-mode star results: per institution, each assessor's own total and the
panel's score, and the items whose scores spread more than the rubric allows (``panel.spread_warn``),
highlighted for the panel to look at. Written only in panel mode (the other sheets are unchanged).
"""

from __future__ import annotations

from tuoyu_excel.core.panel import Panel, Spread
from tuoyu_excel.core.panel_copies import assessor_counts
from tuoyu_excel.render.print_page import write_heading
from tuoyu_excel.render.star.data import StarReport
from tuoyu_excel.render.star.sheets import star_heading
from tuoyu_excel.render.tables import SCORE, Col, finish_list, printed_widths, write_table
from tuoyu_excel.spec.model import Rubric

PANEL_SHEET = "评分人明细"
SPREAD_HEADER = "各评分人差异较大的项目"
PANEL_COLS = (Col("机构名称", max_width=30), Col("统一社会信用代码"), Col("评分人"), Col("评分文件", max_width=30),
              Col("评分人合计得分", SCORE), Col("评定用综合得分（平均）", SCORE), Col(SPREAD_HEADER, max_width=50))


def spread_text(rubric: Rubric, spread: Spread) -> str:
    """“2-03 保育照护（最低 9 分，最高 20 分，相差 11 分，超过 10 分）”."""
    item = rubric.item_by_code[spread.item]
    def n(d):
        return format(d.normalize(), "f")
    return (f"{item.code} {item.title}（最低 {n(spread.low)} 分，最高 {n(spread.high)} 分，相差 {n(spread.width)} 分，"
            f"超过 {n(spread.limit)} 分）")


def rule_text(rubric: Rubric) -> str:
    """The rule in one sentence, for 运行信息 and the summary."""
    p = rubric.panel
    warn = "该项分值的一半" if p.spread_warn is None else f"{format(p.spread_warn.normalize(), 'f')} 分"
    return (f"每项取各评分人得分的平均分；评分人达到 {p.trim_from} 人时先去掉一个最高分和一个最低分；"
            f"保留 {p.decimals} 位小数（四舍五入）；必备条件和“不适用”须一致；最高与最低相差超过{warn}的项目标出")


def panel_settings(rubric: Rubric, files, panel: bool) -> list[tuple[str, object]]:
    """The 运行信息 rows of panel mode: the rule and who scored (none without panel mode: unchanged results)."""
    if not panel:
        return []
    names = sorted({a.assessor for f in files if f.panel for a in f.panel.copies})
    return [("多人评分", "是"), ("多人评分规则", rule_text(rubric)), ("评分人", "、".join(names) or "无"),
            ("各机构评分人数", assessor_counts(files))]


def panel_rows(rep: StarReport) -> list[list[object]]:
    rows: list[list[object]] = []
    for f in rep.ranked_files:
        panel: Panel | None = f.panel
        if panel is None:
            continue
        spreads = "；".join(spread_text(rep.rubric, s) for s in panel.spreads)
        for n, a in enumerate(panel.copies):
            rows.append([rep.text_of(f, "name"), rep.text_of(f, "credit_code"), a.assessor, a.file, a.card.total,
                         f.card.total, spreads if n == 0 else ""])
    return rows


def write_panel(wb, fmts: dict, rep: StarReport) -> None:
    rows = panel_rows(rep) or [["（没有多人评分的机构）", "", "", "", None, None, ""]]
    ws = wb.add_worksheet(PANEL_SHEET)
    widths = printed_widths(PANEL_COLS, rows)
    header_row = write_heading(ws, fmts, star_heading(rep, PANEL_SHEET), widths)
    write_table(ws, fmts, PANEL_COLS, rows, header_row, widths)
    col = len(PANEL_COLS) - 1  # the spread cells that hold text: highlighted for the panel's attention
    ws.conditional_format(header_row + 1, col, header_row + len(rows), col,
                          {"type": "no_blanks", "format": fmts["pending"]})
    finish_list(ws, len(PANEL_COLS), len(rows), header_row)


def panel_line(files) -> str:
    """The summary's sentence: how many assessors scored each institution, and where to look."""
    return f"多人评分（各机构评分人数）：{assessor_counts(files)}。各评分人的合计得分见“{PANEL_SHEET}”工作表。"
