"""Sheet names, cell formats and cell writers shared by the sheets of the county 初评报告.

``put`` is the only way a value reaches a cell: text goes through ``write_string`` (never a
formula), ``Decimal`` points become numbers, dates become dates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuoyu_excel.render.formats import FONT, PART_FILL, make_formats, row_height

REPORT_SHEET = "初评报告"
DETAIL_SHEET = "机构明细"
FORWARD_SHEET = "上报名单"
ISSUES_SHEET = "校验问题"


def make_report_formats(wb) -> dict:
    """The template formats plus the report's own (numbers, percentages, paragraphs, signature lines)."""
    fmts = make_formats(wb)
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "border": 1, "text_wrap": True}
    fmts.update({
        "num": wb.add_format({**base, "align": "center"}),
        "pct": wb.add_format({**base, "align": "center", "num_format": "0.00%"}),
        "date": wb.add_format({**base, "align": "left", "num_format": "yyyy-mm-dd"}),
        "paragraph": wb.add_format({**base, "valign": "top", "font_size": 11}),
        "sign": wb.add_format({"font_name": FONT, "font_size": 11, "valign": "vcenter"}),
        "block": wb.add_format({**base, "bold": True, "font_size": 12, "bg_color": PART_FILL}),
        "input_block": wb.add_format({**base, "valign": "top", "locked": False, "bg_color": "#FFF2CC"}),
    })
    return fmts


def put(ws, r: int, c: int, value: object, fmt) -> None:
    """Write one cell by the value's type; text is always a string, never a formula."""
    if value is None or value == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        raise TypeError("a bool is not a report value")
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(r, c, int(value) if isinstance(value, int) else float(value), fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def span(ws, r: int, first: int, last: int, value: object, fmt) -> None:
    """`value` across columns first..last of row r (merged when more than one column)."""
    if first != last:
        ws.merge_range(r, first, r, last, None, fmt)
    put(ws, r, first, value, fmt)


def text_height(cells: str | list[tuple[str, float]], width: float = 0, minimum: float = 18.0) -> float:
    """Row height showing wrapped text in full: one text and its width, or (text, width) pairs."""
    pairs = [(cells, width)] if isinstance(cells, str) else cells
    return row_height([(t, w) for t, w in pairs if t], minimum=minimum)


def protect(ws, autofilter: bool = False) -> None:
    """Protect without a password; column widths and row heights may still be changed."""
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": autofilter, "sort": autofilter})


def setup_page(ws, landscape: bool, repeat: int | None) -> None:
    """A4, one page wide, row `repeat` (a header) printed on every page, page numbers below."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.center_horizontally()
    if repeat is not None:
        ws.repeat_rows(repeat)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")
