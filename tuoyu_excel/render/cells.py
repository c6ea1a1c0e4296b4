"""The one way a value reaches a cell of a workbook we write (XlsxWriter).

Text always goes through ``write_string`` (a name typed as ``=HYPERLINK(...)`` stays text, never a
formula); numbers (``Decimal`` too) become numbers, dates become dates, booleans 是/否, None and ""
a formatted blank.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuoyu_excel.spec.model import NO, YES

MAX_TEXT = 32767  # Excel's limit on the characters in one cell


def put(ws, row: int, col: int, value: object, fmt=None) -> None:
    """Write one value by its type; strings always as strings, never as formulas."""
    if value is None or (isinstance(value, str) and value == ""):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, YES if value else NO, fmt)
    elif isinstance(value, (Decimal, int, float)):
        ws.write_number(row, col, float(value), fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_string(row, col, str(value)[:MAX_TEXT], fmt)


def span(ws, row: int, first: int, last: int, value: object, fmt) -> None:
    """`value` across columns first..last of `row` (merged when more than one column)."""
    if first != last:
        ws.merge_range(row, first, row, last, None, fmt)
    put(ws, row, first, value, fmt)
