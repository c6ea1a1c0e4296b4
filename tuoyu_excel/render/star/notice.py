"""The 公示 notice: the sheet a commission posts as it is (final results only).

《柳州市托育机构星级评定工作方案》三（五）: “市卫生健康委对拟命名的一星级、二星级、三星级机构进行公示，
将星级托育机构名单向社会公示5个工作日，接受社会评议和监督。”

Portrait A4, one page wide: the title ([report] public_title); an opening sentence citing the plan
([report] plan), the steps taken (the rubric's stages) and the number per star; the list (序号, 星级,
机构名称, 所在县区, 统一社会信用代码); the 公示期 “自 D 至 E（5个工作日）” (blank lines to fill in when no
date was given; a red line when the calendar lacks the year); how to raise an 异议 (受理单位, 联系电话,
通讯地址 from [report]; blank lines where not set, never invented); “特此公示。”; the issuing unit and the
date at the bottom right, with room for the seal. No 制表人／审核人 line: this is not an internal table.
"""

from __future__ import annotations

import math

from tuoyu_excel.core.star.notice import NoticePeriod
from tuoyu_excel.render.cells import put, span
from tuoyu_excel.render.formats import display_width
from tuoyu_excel.render.print_page import sheet_title
from tuoyu_excel.render.star.data import StarReport
from tuoyu_excel.text import chinese_date

NOTICE_SHEET = "公示"
# Portrait A4 at 85 % or more by LibreOffice's widest reckoning (print_page.PAGE_PIXELS), names of up to 16
# characters on one line: the samples' 30 institutions print on one page at 9 pt or more.
COLS = (("序号", 5), ("星级", 8), ("机构名称", 36), ("所在县区", 15), ("统一社会信用代码", 19))
WIDTH = sum(w for _, w in COLS)
BLANK_DATE = "______年____月____日"
BLANK_LINE = "________________________________"
TEXT_PT = 12  # body text size
ONE_PAGE_ROWS = 36  # up to this many institutions the notice is fitted to one page
GAP = 8  # points: an empty row between the parts
TABLE_PT = 12
FORMATS = {
    "n_title": {"font_name": "宋体", "font_size": 18, "bold": True, "align": "center", "valign": "vcenter",
                "text_wrap": True},
    "n_text": {"font_name": "宋体", "font_size": TEXT_PT, "valign": "top", "text_wrap": True},
    "n_warn": {"font_name": "宋体", "font_size": TEXT_PT, "bold": True, "font_color": "#C00000", "valign": "top",
               "text_wrap": True},
    "n_right": {"font_name": "宋体", "font_size": TEXT_PT, "align": "right", "valign": "vcenter"},
    "n_head": {"font_name": "宋体", "font_size": TABLE_PT, "bold": True, "align": "center", "valign": "vcenter",
               "border": 1, "text_wrap": True},
    "n_cell": {"font_name": "宋体", "font_size": TABLE_PT, "valign": "vcenter", "border": 1, "text_wrap": True},
    "n_center": {"font_name": "宋体", "font_size": TABLE_PT, "align": "center", "valign": "vcenter", "border": 1},
    # the 18-character code a point smaller, so it keeps to its column without widening the page
    "n_code": {"font_name": "宋体", "font_size": TABLE_PT - 1, "align": "center", "valign": "vcenter", "border": 1},
}


def notice_title(rep: StarReport) -> str:
    return rep.rubric.report.public_title or sheet_title(rep.rubric, NOTICE_SHEET)


def opening(rep: StarReport) -> str:
    """The first paragraph: the plan, the steps taken, the number per star."""
    r = rep.rubric.report
    plan = f"根据《{r.plan}》，" if r.plan else ""
    steps = "、".join(s.label for s in rep.rubric.stages)
    starred = rep.starred()
    counts = "、".join(f"{s} {n} 家" for s in rep.stars_high_first if (n := sum(1 for p in starred if p.star == s)))
    body = r.ruling_body or r.issuer or "评定单位"
    return (f"　　{plan}经{steps}和{body}综合评定，拟命名{counts or '0 家'}，共 {len(starred)} 家星级托育机构。"
            "现将名单予以公示，接受社会评议和监督。")


def period_line(period: NoticePeriod | None, days: int) -> str:
    start = chinese_date(period.start) if period and period.start else BLANK_DATE
    end = chinese_date(period.end) if period and period.end else BLANK_DATE
    return f"　　一、公示期：自{start}至{end}（{days}个工作日）。"


def period_warning(period: NoticePeriod | None) -> str:
    """The red line under the 公示期 when its end could not be checked against the official calendar."""
    if period is None or not period.known or period.checked:
        return ""
    years = "、".join(f"{y}年" for y in period.unknown_years)
    return (f"　　（注意：本工具尚未收录{years}的法定节假日安排，结束日期暂按周一至周五计算，"
            "请对照国务院办公厅公布的当年节假日安排核对后再发布。）")


def objection_lines(rep: StarReport) -> list[str]:
    r = rep.rubric.report
    return [
        "　　二、公示期间，任何单位和个人对公示名单有异议的，可以书面形式向受理单位反映。反映情况须实事求是，"
        "署真实姓名，写明工作单位、联系电话；以单位名义反映的，须加盖单位公章。匿名、冒名或超过公示期的反映不予受理。",
        f"　　受理单位：{r.objection_body or BLANK_LINE}",
        f"　　联系电话：{r.objection_phone or BLANK_LINE}",
        f"　　通讯地址：{r.objection_address or BLANK_LINE}",
    ]


def write_notice(wb, fmts: dict, rep: StarReport) -> None:
    """The notice, for final results (everything ruled) only."""
    f = {name: wb.add_format(props) for name, props in FORMATS.items()}
    ws = wb.add_worksheet(NOTICE_SHEET)
    last = len(COLS) - 1
    for c, (_, width) in enumerate(COLS):
        ws.set_column(c, c, width)
    ws.set_row(0, 36)
    span(ws, 0, 0, last, notice_title(rep), f["n_title"])
    ws.set_row(1, GAP)
    row = _paragraph(ws, f, 2, opening(rep))
    ws.set_row(row, GAP)
    row += 1
    ws.set_row(row, 18)
    for c, (header, _) in enumerate(COLS):
        ws.write_string(row, c, header, f["n_head"])
    header_row = row
    for n, p in enumerate(rep.starred(), start=1):
        row += 1
        c = p.candidate
        ws.set_row(row, _height(c.name, COLS[2][1], TABLE_PT, 15))
        for col, (value, fmt) in enumerate(((n, "n_center"), (p.star, "n_center"), (c.name, "n_cell"),
                                            (c.district, "n_center"), (c.key, "n_code"))):
            put(ws, row, col, value, f[fmt])  # names typed by institutions stay text, never formulas
    ws.set_row(row + 1, GAP)
    row += 2
    period = rep.result.notice
    row = _paragraph(ws, f, row, period_line(period, rep.rubric.star.notice_working_days))
    warning = period_warning(period)
    if warning:
        row = _paragraph(ws, f, row, warning, "n_warn")
    for line in objection_lines(rep):
        row = _paragraph(ws, f, row, line)
    ws.set_row(row, GAP)
    row = _paragraph(ws, f, row + 1, "　　特此公示。")
    for seal in range(row, row + 3):  # room for the seal
        ws.set_row(seal, 14)
    row += 3
    issuer = rep.rubric.report.issuer or BLANK_LINE
    for text in (issuer, chinese_date(period.start) if period and period.start else BLANK_DATE):
        ws.set_row(row, 20)
        span(ws, row, 0, last, f"{text}　　", f["n_right"])
        row += 1
    ws.set_portrait()
    ws.set_paper(9)
    ws.set_margins(left=0.5, right=0.5, top=0.45, bottom=0.45)
    if len(rep.starred()) <= ONE_PAGE_ROWS:  # the quotas' 30 stars: one page, shrunk a little if need be
        ws.fit_to_pages(1, 1)
    else:  # a rubric with larger quotas: one page wide, the table's header on every page
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row, header_row)
        ws.set_footer("&C第 &P 页，共 &N 页")
    ws.hide_gridlines(2)


def _paragraph(ws, f: dict, row: int, text: str, fmt: str = "n_text") -> int:
    """`text` across the page at `row`, tall enough for its lines; returns the next row."""
    ws.set_row(row, _height(text, WIDTH, TEXT_PT, 20))
    span(ws, row, 0, len(COLS) - 1, text, f[fmt])
    return row + 1


def _height(text: str, width: float, points: int, minimum: float) -> float:
    """Row height (points) for `text` wrapped in `width` Excel units at a `points` font size: Excel's unit is
    about 7 pixels, a Chinese character (two display units) `points` × 4/3 pixels wide."""
    per_line = max((width - 0.5) * 7 * 2 / (points * 4 / 3), 1)
    lines = math.ceil(display_width(text) / per_line)
    return max(minimum, lines * points * 1.3 + 3)
