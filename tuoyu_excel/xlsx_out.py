"""Writing our workbooks with XlsxWriter: one way to open, one way to close.

- Text never turns into a formula, number or link (``=HYPERLINK(...)`` typed by a user stays text).
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

from . import __version__
from .errors import OutputError

FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)


def new_workbook(path: Path, title: str, constant_memory: bool = False) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook that never turns text into formulas, numbers or URLs.

    constant_memory: each row is flushed to disk once the next row is written (large results);
    the writer must then write every sheet strictly row by row."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
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
