"""The 图表 sheet: per zone, a native Excel column chart of 综合得分 by 片区排名 with the pass mark as a line.

The chart data sits in a small table on the same sheet (片区排名, 机构名称, 综合得分, 合格线),
so the charts keep working when the workbook is copied or the sheet is moved.
"""

from __future__ import annotations

from decimal import Decimal

from tuoyu_excel.render.cells import put
from tuoyu_excel.render.star.data import StarReport
from tuoyu_excel.render.tables import INT, SCORE, TEXT, Col

CHART_SHEET = "图表"
CHART_COLS = (Col("片区排名", INT), Col("机构名称", TEXT), Col("综合得分", SCORE), Col("合格线", SCORE))
CHART_ROWS = 18  # rows a chart covers; a zone block is at least this tall
CHART_FIRST_COL = 5  # charts start in column F


def write_charts(wb, fmts: dict, rep: StarReport) -> None:
    ws = wb.add_worksheet(CHART_SHEET)
    for c, width in enumerate((10, 36, 10, 10)):
        ws.set_column(c, c, width)
    row = 0
    for zone in rep.rubric.star.zones:
        row = _zone_block(wb, ws, fmts, rep, zone.name, row) + 2
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _zone_block(wb, ws, fmts: dict, rep: StarReport, zone: str, top: int) -> int:
    """Heading, data table and chart of one zone from row `top`; returns the last row used."""
    placements = rep.zone_placements(zone)
    ws.merge_range(top, 0, top, len(CHART_COLS) - 1, "", fmts["label"])
    ws.write_string(top, 0, f"{zone}：综合得分（按片区排名）", fmts["label"])
    for c, col in enumerate(CHART_COLS):
        ws.write_string(top + 1, c, col.header, fmts["header"])
    pass_mark = rep.rubric.star.pass_mark
    for n, p in enumerate(placements, start=top + 2):
        for c, value in enumerate((p.rank, p.candidate.name, p.candidate.total, pass_mark)):
            put(ws, n, c, value, fmts[CHART_COLS[c].kind])
    if not placements:
        ws.write_string(top + 2, 0, "本片区没有参加排名的机构。", fmts["note"])
        return top + 2
    first, last = top + 2, top + 1 + len(placements)
    ws.insert_chart(top, CHART_FIRST_COL, _chart(wb, ws.name, zone, first, last, rep, placements),
                    {"x_scale": 1.6, "y_scale": 1.2})
    return max(last, top + CHART_ROWS)


def _chart(wb, sheet: str, zone: str, first: int, last: int, rep: StarReport, placements):
    pass_mark = rep.rubric.star.pass_mark
    column = wb.add_chart({"type": "column"})
    column.add_series({"name": "综合得分", "categories": [sheet, first, 1, last, 1],
                       "values": [sheet, first, 2, last, 2], "fill": {"color": "#5B9BD5"}, "gap": 60})
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": f"合格线（{pass_mark.normalize():f} 分）", "categories": [sheet, first, 1, last, 1],
                     "values": [sheet, first, 3, last, 3], "line": {"color": "#C00000", "width": 2, "dash_type": "dash"},
                     "marker": {"type": "none"}})
    column.combine(line)
    low = min([pass_mark] + [p.candidate.total for p in placements])
    column.set_title({"name": f"{zone} 综合得分（按片区排名）", "name_font": {"size": 12}})
    column.set_y_axis({"name": "综合得分", "min": float(_floor(low - 50, Decimal(50))),
                       "max": float(rep.rubric.total), "major_gridlines": {"visible": True}})
    column.set_x_axis({"name": "机构（按片区排名）", "num_font": {"rotation": -45}})
    column.set_legend({"position": "bottom"})
    return column


def _floor(value: Decimal, step: Decimal) -> Decimal:
    return max(Decimal(0), (value // step) * step)
