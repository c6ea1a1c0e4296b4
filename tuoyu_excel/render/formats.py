"""Cell formats and text-measuring helpers shared by every workbook we write."""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

FONT = "宋体"  # the usual face of Chinese government forms; LibreOffice falls back to Noto CJK
INPUT_FILL = "#FFF2CC"  # pale yellow: “黄色单元格为填写区”
HEADER_FILL = "#DDEBF7"
PART_FILL = "#E2EFDA"
LINE_HEIGHT = 14.0  # points per text line at 10 pt


def make_formats(wb) -> dict:
    """Create the named formats once per workbook."""
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "border": 1, "text_wrap": True}

    def fmt(**extra):
        return wb.add_format({**base, **extra})

    return {
        "title": wb.add_format({"font_name": FONT, "font_size": 16, "bold": True, "align": "center",
                                "valign": "vcenter"}),
        "info": wb.add_format({"font_name": FONT, "font_size": 10, "valign": "vcenter", "text_wrap": True}),
        "header": fmt(bold=True, align="center", bg_color=HEADER_FILL),
        "text": fmt(),
        "center": fmt(align="center"),
        "part": fmt(bold=True, bg_color=PART_FILL),
        "part_center": fmt(bold=True, align="center", bg_color=PART_FILL),
        "part_number": fmt(bold=True, align="center", bg_color=PART_FILL, num_format="0.0#"),
        "input": fmt(locked=False, bg_color=INPUT_FILL, align="center"),
        "input_text": fmt(locked=False, bg_color=INPUT_FILL),
        "input_date": fmt(locked=False, bg_color=INPUT_FILL, align="center", num_format="yyyy-mm-dd"),
        "total": fmt(bold=True, align="center", num_format="0.0#"),
        "total_label": fmt(bold=True),
        "percent": fmt(bold=True, align="center", num_format="0.0%"),
        "label": fmt(bold=True, bg_color=HEADER_FILL),
        "hint": wb.add_format({"font_name": FONT, "font_size": 9, "font_color": "#595959", "valign": "vcenter",
                               "text_wrap": True, "border": 1}),
        "section": fmt(bold=True, bg_color=PART_FILL),
        "guide": wb.add_format({"font_name": FONT, "font_size": 11, "valign": "top", "text_wrap": True}),
        "guide_head": wb.add_format({"font_name": FONT, "font_size": 12, "bold": True, "valign": "vcenter"}),
    }


@lru_cache(maxsize=65536)
def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count 2 (cached: values repeat)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(display_width(p) / usable)) for p in str(text).split("\n"))


def row_height(cells: list[tuple[str, float]], minimum: float = 18.0) -> float:
    """Height (points) that shows every wrapped (text, column width) pair in full."""
    lines = max((lines_needed(t, w) for t, w in cells if t), default=1)
    return max(minimum, lines * LINE_HEIGHT + 4)


GUIDE_WIDTH = 110  # characters: one line of a guide sheet


def write_guide(ws, fmts: dict, title: str, lines: list[str]) -> None:
    """A guide sheet's text: the title in A1, then one line a row from row 3, each row tall enough for its
    wrapped line (Excel does not grow a row by itself)."""
    ws.set_column(0, 0, GUIDE_WIDTH)
    ws.write(0, 0, title, fmts["guide_head"])
    for n, line in enumerate(lines, start=2):
        ws.set_row(n, row_height([(line, GUIDE_WIDTH)], minimum=20))
        ws.write(n, 0, line, fmts["guide"])


def setup_print(ws, repeat_to_row: int) -> None:
    """A4 landscape, header rows repeated on every page, one page wide."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.repeat_rows(0, repeat_to_row)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")
