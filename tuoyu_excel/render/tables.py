"""Plain tables in results workbooks (XlsxWriter): a header row (row 1, or under a printable heading),
typed cells, widths for Chinese text.

Every string goes through ``write_string`` (text a person typed, such as an institution named
“=HYPERLINK(...)”, stays text); numbers are written as numbers with a display format (scores
0.00, rates 0.0%). Each list sheet gets a frozen header row, an autofilter and A4 landscape print
setup, so it can be filtered, printed, or copied into an official's own spreadsheet as it is.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tuoyu_excel.render.cells import put
from tuoyu_excel.render.formats import display_width, row_height
from tuoyu_excel.render.print_page import Heading, fit_widths, setup_page, write_heading, write_signature

TEXT = "text"
SCORE = "score"  # 0.00
RATE = "rate"  # 0.0%
INT = "int"
DATE = "date"

MIN_WIDTH = 6
NUMBER_WIDTH = 9  # a score such as 1000.00, a rate such as 100.0%, with a margin
TEXT_FLOOR = 8  # a wrapping text column is not narrowed below 3 Chinese characters a line
_UNBREAKABLE = re.compile(r"[\x21-\x7e]+")  # a run of Latin letters, digits and signs: wraps only at spaces


@dataclass(frozen=True)
class Col:
    header: str
    kind: str = TEXT
    max_width: float = 50  # wider text wraps


def shown(value: object) -> str:
    """Roughly what a cell shows, for measuring widths."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return "0" * (NUMBER_WIDTH - 2)
    if isinstance(value, dt.date):
        return "2024年12月31日"
    return str(value)


_NUMBERS = (Decimal, int, float)
WIDTH_SAMPLE_ROWS = 2000  # widths from the first rows: enough for the look, cheap for 10 000 institutions


def column_widths(cols: Sequence[Col], rows: Sequence[Sequence[object]]) -> list[float]:
    """Each column as wide as its longest value (up to its max_width; header cells wrap, so a number
    column's header may take two lines)."""
    widths = []
    sample = rows[:WIDTH_SAMPLE_ROWS]
    for c, col in enumerate(cols):
        if col.kind in (SCORE, RATE, INT):  # numbers, blanks and the odd text such as 不适用: measured faster
            values = [r[c] for r in sample]
            longest = max([math.ceil(display_width(col.header) / 2)]
                          + [display_width(v) if type(v) is str else _number_width(col.kind, v) for v in values
                             if v is not None])
        else:
            longest = max([display_width(col.header)] + [display_width(shown(r[c])) for r in sample])
        widths.append(min(max(longest + 2, MIN_WIDTH), col.max_width))
    return widths


def _number_width(kind: str, value: object) -> int:
    """The width of a number as its column shows it (0.00, 0.0%, 0)."""
    if type(value) not in _NUMBERS:
        return NUMBER_WIDTH - 2
    if kind == SCORE:
        return len(f"{value:.2f}")
    if kind == RATE:
        return len(f"{value * 100:.1f}%")
    return len(f"{value:.0f}")


def column_floors(cols: Sequence[Col], rows: Sequence[Sequence[object]], widths: Sequence[float]) -> list[float]:
    """How narrow each column may get: a text column wraps, down to TEXT_FLOOR or its longest run of Latin
    letters and digits (a credit code, a file's extension: they do not wrap); other columns keep `widths`."""
    floors = []
    sample = rows[:WIDTH_SAMPLE_ROWS]
    for c, (col, width) in enumerate(zip(cols, widths, strict=True)):
        if col.kind != TEXT:
            floors.append(width)
            continue
        runs = [len(run) for r in sample if type(r[c]) is str for run in _UNBREAKABLE.findall(r[c])]
        runs += [len(run) for run in _UNBREAKABLE.findall(col.header)]
        floors.append(min(width, max(TEXT_FLOOR, max(runs, default=0) + 1)))
    return floors


def printed_widths(cols: Sequence[Col], rows: Sequence[Sequence[object]], landscape: bool = True) -> list[float]:
    """The widths of a printable table: measured, then narrowed to print legibly (print_page.fit_widths)."""
    widths = column_widths(cols, rows)
    return fit_widths(widths, column_floors(cols, rows, widths), landscape)


def write_table(ws, fmts: dict, cols: Sequence[Col], rows: Sequence[Sequence[object]], first_row: int = 0,
                widths: Sequence[float] | None = None) -> int:
    """Header at `first_row`, then the rows; returns the row after the table. Sets widths (measured, or
    `widths`) and row heights."""
    widths = list(widths) if widths is not None else column_widths(cols, rows)
    for c, col in enumerate(cols):
        ws.set_column(c, c, widths[c])
        ws.write_string(first_row, c, col.header, fmts["header"])
    ws.set_row(first_row, row_height([(col.header, widths[c]) for c, col in enumerate(cols)], minimum=20))
    formats = [fmts[col.kind] for col in cols]
    for n, row in enumerate(rows, start=first_row + 1):
        height = _wrapped_height(row, widths)
        if ws.plain_row(n, row, formats, height if height > 18 else None):  # nearly every row, in one piece
            continue
        if height > 18:
            ws.set_row(n, height)
        for c, value in enumerate(row):
            put(ws, n, c, value, formats[c])
    return first_row + 1 + len(rows)


def _wrapped_height(row: Sequence[object], widths: list[float]) -> float:
    """The row height its text needs; a text that surely fits on one line is not measured
    (a character is at most 2 units wide)."""
    texts = [(v, w) for v, w in zip(row, widths, strict=True) if type(v) is str and v and (len(v) * 2 > w - 1.5 or "\n" in v)]
    return row_height(texts) if texts else 18.0


def finish_list(ws, ncols: int, nrows: int, header_row: int = 0) -> None:
    """A list sheet: frozen header row, autofilter over header and rows, A4 landscape printing with
    only the header row repeated."""
    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, header_row + max(nrows, 1), max(ncols - 1, 0))
    setup_page(ws, header_row)


def table_sheet(wb, fmts: dict, name: str, cols: Sequence[Col], rows: Sequence[Sequence[object]],
                heading: Heading | None = None, signature: bool = False):
    """A whole sheet holding one list: the `heading` if any (title, issuing unit, date), the header row,
    the rows, and with `signature` the 制表人／审核人／日期 line under them."""
    ws = wb.add_worksheet(name)
    widths = printed_widths(cols, rows)
    header_row = write_heading(ws, fmts, heading, widths) if heading else 0
    end = write_table(ws, fmts, cols, rows, header_row, widths)
    if signature:
        write_signature(ws, fmts, end, len(cols))
    finish_list(ws, len(cols), len(rows), header_row)
    return ws

