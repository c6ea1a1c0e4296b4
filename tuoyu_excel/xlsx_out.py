"""Writing our workbooks with XlsxWriter: one way to open, one way to close.

- Text never turns into a formula, number or link (``=HYPERLINK(...)`` typed by a user stays text),
  nor into raw XML (see ``TextSafeWorksheet``).
- Document timestamps are fixed, so the same input gives the same bytes.
- An XlsxWriter warning means something was silently dropped (e.g. a validation message over
  Excel's 255-character cap): it is an error here.
- A file that cannot be written (folder missing, held open by Excel) is an ``OutputError`` in Chinese.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.worksheet import Worksheet

from . import __version__
from .errors import OutputError

FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)


class TextSafeWorksheet(Worksheet):
    """XlsxWriter copies a string that starts with "<r>" and ends with "</r>" into the sheet XML as it
    is, taking it for rich text it built itself. A name typed as
    ``<r><t>a</t></r></is><f>HYPERLINK(...)</f><is><r><t>b</t></r>`` would become a formula, and any
    other such text a file Excel must repair. Those strings are written as rich text of plain
    pieces instead: escaped like any text, and shown exactly as typed."""

    def _write_string(self, row: int, col: int, string: str, cell_format=None):
        if isinstance(string, str) and string.startswith("<r>") and string.endswith("</r>"):
            if cell_format is None:  # three pieces: XlsxWriter wants more than two tokens
                return self._write_rich_string(row, col, string[:1], string[1:2], string[2:])
            # each piece in the cell's own font
            return self._write_rich_string(row, col, cell_format, string[:1], cell_format, string[1:], cell_format)
        return super()._write_string(row, col, string, cell_format)

    def number(self, row: int, col: int, value: float, cell_format=None):
        """write_number for (row, col) only: the public method's decorator, which also takes "A1",
        costs as much as the write itself in long tables."""
        return self._write_number(row, col, value, cell_format)

    def text(self, row: int, col: int, value: str, cell_format=None):
        """write_string for (row, col) only (see ``number``); still never a formula or raw XML."""
        return self._write_string(row, col, value, cell_format)

    def _escape_attributes(self, attribute):
        # every formatted cell passes its style index, an int: XlsxWriter finds out by catching a TypeError
        return attribute if type(attribute) is int else super()._escape_attributes(attribute)


class _Workbook(xlsxwriter.Workbook):
    def add_worksheet(self, name: str | None = None, worksheet_class=None) -> Worksheet:
        return super().add_worksheet(name, worksheet_class or TextSafeWorksheet)


def new_workbook(path: Path, title: str, constant_memory: bool = False) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook that never turns text into formulas, numbers or URLs.

    constant_memory: each row is flushed to disk once the next row is written (large results);
    the writer must then write every sheet strictly row by row."""
    wb = _Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False, "constant_memory": constant_memory})
    wb.set_properties({"title": title, "author": "tuoyu_excel", "company": "", "created": FIXED_TIME,
                       "comments": f"tuoyu_excel {__version__}"})
    return wb


@contextmanager
def writing_workbook(path: Path, title: str, constant_memory: bool = False) -> Iterator[xlsxwriter.Workbook]:
    """``with writing_workbook(path, "标题") as wb: ...`` — closed (written) on leaving the block."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wb = new_workbook(Path(path), title, constant_memory)
        yield wb
        try:
            wb.close()
        except (OSError, XlsxWriterException) as exc:
            raise OutputError(f"无法写入 {path}：{exc}。请确认文件夹存在且可写、文件未被 Excel/WPS 打开。") from exc
