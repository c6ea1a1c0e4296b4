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
import math
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.format import Format
from xlsxwriter.utility import _preserve_whitespace, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter

from tuoyu_excel import __version__
from tuoyu_excel.errors import OutputError, os_reason
from tuoyu_excel.render.output import atomic_path

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

    _plain_plan: tuple[Sequence[Format], list[tuple[str, str]]] | None = None  # (formats, cell openings) of plain_row

    def plain_row(self, row: int, values: Sequence[object], formats: Sequence[Format], height: float | None = None) -> bool:
        """Write a whole row of numbers, text and blanks (column c in formats[c]; height in points or None)
        and return True; return False, writing nothing, for a row holding anything else.

        Constant-memory sheets only: the row's XML is made here in one piece, exactly as XlsxWriter makes
        it cell by cell (with its own escaping; tests compare the bytes), ten times faster, which is most
        of the time spent writing a results workbook for thousands of institutions."""
        if not self.constant_memory or row < self.previous_row or self.table.get(row):
            return False
        if row > self.previous_row:
            self._write_single_row(row)  # what XlsxWriter still holds goes out first (style numbers follow use)
        if self._plain_plan is None or self._plain_plan[0] is not formats:  # a table's rows share one list
            self._plain_plan = (formats, _cell_openings(formats))
        cells = []
        number_row = row + 1
        longest = self.xls_strmax // 2
        for value, (opening, style) in zip(values, self._plain_plan[1], strict=True):
            kind = type(value)
            if kind is Decimal or kind is int or kind is float:
                if kind is Decimal and not value.is_finite():
                    return False
                number = _number_text(value)
                if number is None:
                    return False
                cells.append(f'{opening}{number_row}{style}><v>{number}</v></c>')
            elif kind is str and value:
                if len(value) > longest or (value.startswith("<r>") and value.endswith("</r>")):
                    return False  # long text (XlsxWriter measures it in UTF-16), or text it takes for rich text
                cells.append(f'{opening}{number_row}{style} t="inlineStr">{_inline_text(value)}</c>')
            elif value is None or (kind is str and not value):
                cells.append(f'{opening}{number_row}{style}/>')
            else:
                return False
        if height is not None:
            self.set_row(row, height)
        if values:
            self._check_dimensions(row, 0)
            self._check_dimensions(row, len(values) - 1)
        info = self.row_info.get(row)
        if info is None and self.default_row_height == self.original_row_height and self.excel_version != 2010:
            self.fh.write(f'<row r="{number_row}">' + "".join(cells) + "</row>")  # what _write_row writes for it
        else:
            self._write_row(row, None, info)
            self.fh.write("".join(cells) + "</row>")
        self.previous_row = row + 1  # nothing held: XlsxWriter writes no row twice
        return True

    def _escape_attributes(self, attribute):
        # every formatted cell passes its style index, an int: XlsxWriter finds out by catching a TypeError
        return attribute if type(attribute) is int else super()._escape_attributes(attribute)


_XML = XMLwriter()  # XlsxWriter's own escaping, for the fast rows


def _number_text(value: Decimal | int | float) -> str | None:
    """A number as XlsxWriter writes it in <v>, None for NaN and infinities (a finite Decimal only)."""
    if not value:  # 0 and -0 are equal as cache keys but written "0" and "-0"
        return f"{float(value):.16G}"
    text = _NUMBER_TEXTS.get(value)  # a dict, not lru_cache: this is asked for every number of every row
    if text is None:
        number = float(value)
        if not math.isfinite(number):
            return None
        text = f"{number:.16G}"
        if len(_NUMBER_TEXTS) < _MAX_NUMBER_TEXTS:
            _NUMBER_TEXTS[value] = text
    return text


_NUMBER_TEXTS: dict[Decimal | int | float, str] = {}  # nonzero number -> its text (scores repeat; equal numbers, same float)
_MAX_NUMBER_TEXTS = 65536


@lru_cache(maxsize=64)
def _column_letters(count: int) -> tuple[str, ...]:
    """A, B, … for the first `count` columns."""
    return tuple(xl_rowcol_to_cell_fast(0, col)[:-1] for col in range(count))


def _cell_openings(formats: Sequence[Format]) -> list[tuple[str, str]]:
    """Per column, what a cell's XML holds before and after its row number: ('<c r="B', '" s="3"').
    The style numbers are taken in column order, as XlsxWriter would number them writing the first row."""
    styles = [f._get_xf_index() for f in formats]
    return [(f'<c r="{letters}', f'" s="{style}"') for letters, style in zip(_column_letters(len(styles)), styles, strict=True)]


@lru_cache(maxsize=65536)
def _inline_text(value: str) -> str:
    """<is>…</is> of an inline string cell as XlsxWriter writes it (cached: names recur in every row
    of an institution)."""
    text = _XML._escape_control_characters(value)
    space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    return f"<is><t{space}>{_XML._escape_data(text)}</t></is>"


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
    with warnings.catch_warnings(), atomic_path(Path(path)) as temporary:  # complete, or not there at all
        warnings.simplefilter("error")
        wb = new_workbook(temporary, title, constant_memory)
        try:
            yield wb
        finally:
            try:
                wb.close()  # also on failure: XlsxWriter's temporary files go, and the zip handle is closed
            except (OSError, XlsxWriterException) as exc:
                system = exc if isinstance(exc, OSError) else (exc.__cause__ or exc.__context__)  # XlsxWriter wraps it
                raise OutputError(f"无法写入 {path}：{os_reason(system) if isinstance(system, OSError) else exc}。"
                                  "请确认文件夹存在且可写、磁盘有空间、文件未被 Excel/WPS 打开") from exc
