"""The 图表 sheet: per zone, a native Excel bar chart of 综合得分 by 片区排名, each bar coloured by the
star it gives; each chart on a page of its own, its data table from the next page.

Bars run across (one line per institution, rank 1 at the top, the chart as tall as the zone is long), so
long names never overlap; the score axis starts at 0 and the title states the pass mark. One series per
star (and 未获评, 待裁定), so the legend says which colour is which star. The chart data sits in a table on
the same sheet (片区排名, 机构名称, 评定星级, 综合得分, then one column per star holding the scores of
that star), so the charts keep working when the workbook is copied or the sheet is moved.
"""

from __future__ import annotations

from tuoyu_excel.core.star.ranking import NO_STAR, PENDING
from tuoyu_excel.render.cells import put
from tuoyu_excel.render.star.data import OUTCOMES, StarReport
from tuoyu_excel.render.tables import INT, SCORE, TEXT, Col

CHART_SHEET = "图表"
BASE_COLS = (Col("片区排名", INT), Col("机构名称", TEXT), Col("评定星级", TEXT), Col("综合得分", SCORE))
BASE_WIDTHS = (9, 30, 10, 10)  # with the stars: one A4 landscape page at 10 pt
STAR_WIDTH = 9
STAR_COLORS = ("#7F6000", "#BF8F00", "#FFD966", "#FFE699", "#FFF2CC")  # highest star darkest (gold)
OUTCOME_COLORS = {NO_STAR: "#A6A6A6", PENDING: "#C00000"}
ROW_PIXELS = 20  # a default row
BAR_PIXELS = 22  # chart height per institution
CHART_PADDING = 130  # title, axis and legend
CHART_WIDTH = 760


def outcome_colors(rep: StarReport) -> dict[str, str]:
    """Each star (highest first) and outcome -> its bar colour."""
    stars = rep.stars_high_first
    colors = {s: STAR_COLORS[min(n, len(STAR_COLORS) - 1)] for n, s in enumerate(stars)}
    return {**colors, **{o: OUTCOME_COLORS[o] for o in OUTCOMES}}


def write_charts(wb, fmts: dict, rep: StarReport) -> None:
    """Per zone: its chart on a page of its own, then its data table from the next page."""
    ws = wb.add_worksheet(CHART_SHEET)
    outcomes = [*rep.stars_high_first, *OUTCOMES]
    for c, width in enumerate(BASE_WIDTHS + (STAR_WIDTH,) * len(outcomes)):
        ws.set_column(c, c, width)
    row, breaks = 0, []
    for zone in rep.rubric.star.zones:
        if row:
            breaks.append(row)
        row, table = _zone_block(wb, ws, fmts, rep, zone.name, outcomes, row)
        breaks.append(table)
        row += 2
    ws.set_h_pagebreaks(breaks)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _zone_block(wb, ws, fmts: dict, rep: StarReport, zone: str, outcomes: list[str], top: int) -> tuple[int, int]:
    """Heading, chart and data table of one zone from row `top`; returns (the last row used, the row of
    the table's header)."""
    placements = rep.zone_placements(zone)
    cols = [*BASE_COLS, *(Col(o, SCORE) for o in outcomes)]
    ws.merge_range(top, 0, top, len(cols) - 1, "", fmts["label"])
    ws.write_string(top, 0, f"{zone}：综合得分（按片区排名，颜色表示星级）", fmts["label"])
    if not placements:
        ws.write_string(top + 1, 0, "本片区没有参加排名的机构。", fmts["note"])
        return top + 1, top + 1
    height = CHART_PADDING + BAR_PIXELS * len(placements)
    header = top + 2 + height // ROW_PIXELS
    first, last = header + 1, header + len(placements)
    present = [o for o in outcomes if any(p.star == o for p in placements)]
    chart = _chart(wb, ws.name, zone, first, last, rep, {o: len(BASE_COLS) + outcomes.index(o) for o in present})
    chart.set_size({"width": CHART_WIDTH, "height": height})
    ws.insert_chart(top + 1, 0, chart)
    for c, col in enumerate(cols):
        ws.write_string(header, c, col.header, fmts["header"])
    formats = [fmts[col.kind] for col in cols]
    for n, p in enumerate(placements, start=first):
        values = [p.rank, p.candidate.name, p.star, p.candidate.total]
        values += [p.candidate.total if p.star == o else None for o in outcomes]
        if ws.plain_row(n, values, formats):  # the row in one piece, as put() would write it cell by cell
            continue
        for c, value in enumerate(values):
            put(ws, n, c, value, formats[c])
    return last, header


def _chart(wb, sheet: str, zone: str, first: int, last: int, rep: StarReport, series: dict[str, int]):
    """A bar chart over rows first..last: one series per star in `series` (star -> its column)."""
    colors = outcome_colors(rep)
    chart = wb.add_chart({"type": "bar"})
    for star, col in series.items():
        chart.add_series({"name": star, "categories": [sheet, first, 1, last, 1], "values": [sheet, first, col, last, col],
                          "fill": {"color": colors[star]}, "border": {"color": "#595959", "width": 0.5},
                          "overlap": 100, "gap": 40,
                          "data_labels": {"value": True, "num_format": "0.0#", "position": "inside_end",
                                          "font": {"size": 9}}})
    pass_mark = f"{rep.rubric.star.pass_mark.normalize():f}"
    chart.set_title({"name": f"{zone} 综合得分（合格线 {pass_mark} 分，满分 {rep.rubric.total.normalize():f} 分）",
                     "name_font": {"size": 12}})
    # a bar chart's x axis is the horizontal one: the scores, from 0 to full marks
    chart.set_x_axis({"name": "综合得分", "min": 0, "max": float(rep.rubric.total), "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 10}})  # rank 1 at the top
    chart.set_legend({"position": "bottom"})
    return chart
