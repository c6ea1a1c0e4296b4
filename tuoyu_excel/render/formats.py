"""The one cell-format factory, and the text-measuring and page helpers, of every workbook we write."""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

FONT = "宋体"  # the usual face of Chinese government forms; LibreOffice falls back to Noto CJK
INPUT_FILL = "#FFF2CC"  # pale yellow: “黄色单元格为填写区”
HEADER_FILL = "#DDEBF7"
PART_FILL = "#E2EFDA"
WARN_COLOR = "#C00000"
PENDING_FILL = "#FCE4D6"
ERROR_FILL = "#FFC7CE"  # light red: 错误
WARNING_FILL = "#FFEB9C"  # light yellow: 警告
OK_FILL = "#C6EFCE"  # light green: 通过
MARK_ERROR_FILL = "#FF5050"  # an annotated copy's cells: strong red (错误) and orange (警告), saturated,
MARK_WARNING_FILL = "#FF9933"  # so that neither looks like the pale-yellow INPUT_FILL of a template
LINE_HEIGHT = 14.0  # points per text line at 10 pt
CHINESE_DATE = 'yyyy"年"m"月"d"日"'  # the one date style of printed sheets (text.chinese_date for text)


CELL = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "border": 1}  # a bordered table cell


def cell(**extra) -> dict:
    """The properties of a bordered table cell, plus `extra`."""
    return {**CELL, **extra}


def wrapped(**extra) -> dict:
    """A bordered table cell whose text wraps, plus `extra`."""
    return {**CELL, "text_wrap": True, **extra}


# Every named format of every workbook we write. A workbook gets them all (XlsxWriter writes only the
# formats a cell uses, so unused ones cost nothing); a writer adds its own few through `extra`.
STANDARD: dict[str, dict] = {
    # titles, guides and notes
    "title": {"font_name": FONT, "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"},
    "info": {"font_name": FONT, "font_size": 10, "valign": "vcenter", "text_wrap": True},
    "note": {"font_name": FONT, "font_size": 10, "valign": "vcenter", "text_wrap": True},
    "hint": {"font_name": FONT, "font_size": 9, "font_color": "#595959", "valign": "vcenter", "text_wrap": True,
             "border": 1},
    "guide": {"font_name": FONT, "font_size": 11, "valign": "top", "text_wrap": True},
    "guide_head": {"font_name": FONT, "font_size": 12, "bold": True, "valign": "vcenter"},
    "warn": {"font_name": FONT, "font_size": 11, "bold": True, "font_color": WARN_COLOR, "valign": "vcenter",
             "text_wrap": True, "border": 2, "border_color": WARN_COLOR},
    "paragraph": wrapped(valign="top", font_size=11),
    "sign": {"font_name": FONT, "font_size": 11, "valign": "vcenter"},
    "byline": {"font_name": FONT, "font_size": 11, "valign": "vcenter"},  # 发布单位 under a title
    "byline_right": {"font_name": FONT, "font_size": 11, "valign": "vcenter", "align": "right"},  # 评定日期
    "remark": {"font_name": FONT, "font_size": 10, "valign": "vcenter"},  # one line, runs on over empty cells
    # table cells: headers, labels, text
    "header": wrapped(bold=True, align="center", bg_color=HEADER_FILL),
    "label": wrapped(bold=True, bg_color=HEADER_FILL),
    "text": wrapped(),
    "plain": cell(),  # text that does not wrap
    "center": wrapped(align="center"),
    "section": wrapped(bold=True, bg_color=PART_FILL),
    "block": wrapped(bold=True, font_size=12, bg_color=PART_FILL),
    "part": wrapped(bold=True, bg_color=PART_FILL),
    "part_center": wrapped(bold=True, align="center", bg_color=PART_FILL),
    # numbers
    "num": wrapped(align="center"),
    "pct": wrapped(align="center", num_format="0.00%"),
    "date_left": wrapped(align="left", num_format=CHINESE_DATE),
    "part_number": wrapped(bold=True, align="center", bg_color=PART_FILL, num_format="0.0#"),
    "total": wrapped(bold=True, align="center", num_format="0.0#"),
    "total_label": wrapped(bold=True),
    "percent": wrapped(bold=True, align="center", num_format="0.0%"),
    "score_2dp": cell(align="center", num_format="0.00"),
    "rate_2dp": cell(align="center", num_format="0.00%"),
    # the typed columns of a results list (tables.Col kinds)
    "score": cell(num_format="0.00"),
    "rate": cell(num_format="0.0%"),
    "int": cell(num_format="0", align="center"),
    "date": cell(num_format=CHINESE_DATE, align="center"),
    "cn_date_label": cell(num_format=CHINESE_DATE, align="center"),  # a date shown beside its label
    "pending": {"bg_color": PENDING_FILL, "font_color": WARN_COLOR, "bold": True},
    # row tints by severity (conditional formats of the 校验问题 sheet)
    "error_row": {"bg_color": ERROR_FILL},
    "warning_row": {"bg_color": WARNING_FILL},
    # input cells of a template (yellow, unlocked)
    "input": wrapped(locked=False, bg_color=INPUT_FILL, align="center"),
    "input_text": wrapped(locked=False, bg_color=INPUT_FILL),
    "input_date": wrapped(locked=False, bg_color=INPUT_FILL, align="center", num_format="yyyy-mm-dd"),
    "input_block": wrapped(valign="top", locked=False, bg_color=INPUT_FILL),
}


def make_formats(wb, extra: dict[str, dict] | None = None) -> dict:
    """The named formats of one workbook: STANDARD, plus a writer's own `extra` (name -> properties,
    e.g. ``cell(num_format="0.##")``); an extra may not reuse a standard name."""
    clash = sorted(set(extra or {}) & set(STANDARD))
    if clash:
        raise ValueError(f"format names already standard: {clash}")
    return {name: wb.add_format(props) for name, props in {**STANDARD, **(extra or {})}.items()}


@lru_cache(maxsize=65536)
def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count 2 (cached: values repeat)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: object, width: float) -> int:
    """Lines a wrapped text takes in a column of `width`."""
    return _lines_needed(str(text), width)


@lru_cache(maxsize=65536)
def _lines_needed(text: str, width: float) -> int:
    """(cached: names and part titles recur row after row)"""
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(display_width(p) / usable)) for p in text.split("\n"))


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


def setup_print(ws, repeat_to_row: int | None, repeat_from: int = 0, fit_width: bool = True) -> None:
    """A4 landscape, rows repeat_from..repeat_to_row repeated on every page (None: none), one page wide
    (or not: `fit_width` False), page numbers in the footer."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if repeat_to_row is not None:
        ws.repeat_rows(repeat_from, repeat_to_row)
    if fit_width:
        ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")
