"""Sheet names and page helpers shared by the sheets of the county 初评报告 (cells are written
through ``render/cells.py``, formats come from ``render/formats.make_formats``)."""

from __future__ import annotations

from tuoyu_excel.render.formats import row_height

REPORT_SHEET = "初评报告"
DETAIL_SHEET = "机构明细"
FORWARD_SHEET = "上报名单"
ISSUES_SHEET = "校验问题"


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
