"""Read a rubric workbook (规则.xlsx) into the dict ``rubric_from_dict`` takes, cell by cell.

Every cell problem (a bad number, an unknown Chinese label, a missing sheet or header) is
collected as a ``RubricError`` keyed by sheet and A1 cell (“评分项!F12”). While reading, each
rubric key (“items[编号=2-01].points”) is mapped to the cell it came from, so the rubric checks'
errors can be pointed at cells too (``locate``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import python_calamine as pc

from tuoyu_excel.errors import RubricError
from tuoyu_excel.intake.rubric_book.cells import Cells, Sheet
from tuoyu_excel.intake.rubric_book.settings import read_settings
from tuoyu_excel.intake.rubric_book.tables import read_items, read_parts
from tuoyu_excel.layout import rubric_book as book
from tuoyu_excel.spec.check import RubricProblems
from tuoyu_excel.spec.load import rubric_from_dict
from tuoyu_excel.spec.model import Rubric

_LAST_SEGMENT = re.compile(r"(\.[^.\[\]]*|\[[^\]]*\])$")
_FALLBACK = {"items": f"{book.ITEMS}!A1", "parts": f"{book.PARTS}!A1"}


def parse_workbook(path: Path) -> tuple[dict[str, Any], Cells]:
    """The rubric dict and the reading state (problems, key -> cell) of the workbook at `path`."""
    cells = Cells(path.name)
    sheets = _open(path, cells)
    data: dict[str, Any] = {}
    if sheets is None:
        return data, cells
    read_settings(sheets.get(book.SETTINGS), data, cells)
    read_parts(sheets.get(book.PARTS), data, cells)
    read_items(sheets.get(book.ITEMS), data, cells)
    return data, cells


def _open(path: Path, cells: Cells) -> dict[str, Sheet] | None:
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
        sheets = {name: Sheet(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in (book.ITEMS, book.PARTS, book.SETTINGS) if name in names}
    except pc.PasswordError as exc:
        raise RubricError(path.name, "文件", "文件设置了打开密码，请取消密码后再使用") from exc
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
        raise RubricError(path.name, "文件", f"不是可读取的 Excel 规则文件（{str(exc)[:120]}）") from exc
    for name in (book.ITEMS, book.PARTS, book.SETTINGS):
        if name not in sheets:
            cells.fail(name, f"缺少“{name}”工作表。规则工作簿须有 {book.ITEMS}、{book.PARTS}、{book.SETTINGS} 三个工作表，"
                             "请用 tuoyu rubric export 导出的工作簿修改", structural=True)
    return sheets if len(sheets) == 3 else None


def is_rubric_workbook(path: Path) -> bool:
    """True for a workbook with the 评分项 and 设置 sheets (cheap: reads the sheet names only)."""
    try:
        names = pc.CalamineWorkbook.from_path(str(path)).sheet_names
    except (pc.CalamineError, pc.ZipError, pc.XmlError, pc.PasswordError, ValueError, OSError):
        return False
    return book.ITEMS in names and book.SETTINGS in names


def locate(key: str, cells: Cells) -> str:
    """The cell a rubric key came from: the key itself, else its nearest enclosing key, else its sheet."""
    probe = key
    while probe:
        if probe in cells.where:
            return cells.where[probe]
        shorter = _LAST_SEGMENT.sub("", probe)
        if shorter == probe:
            break
        probe = shorter
    head = re.split(r"[.\[]", key, maxsplit=1)[0]
    return _FALLBACK.get(head, f"{book.SETTINGS}!A1")


def _translate(error: RubricError, cells: Cells) -> RubricError:
    return RubricError(cells.source, locate(error.key, cells), book.in_workbook_words(error.message))


def _check(data: dict[str, Any], cells: Cells) -> tuple[Rubric | None, list[RubricError]]:
    try:
        return rubric_from_dict(data, cells.source), []
    except RubricError as exc:
        return None, [_translate(p, cells) for p in getattr(exc, "problems", [exc])]


def workbook_rubric(path: Path) -> Rubric:
    """The rubric in the workbook; raises its problems (the first as the exception) keyed by cell."""
    data, cells = parse_workbook(path)
    problems = cells.problems
    rubric = None
    if not problems:
        rubric, problems = _check(data, cells)
    if problems:
        raise RubricProblems(problems)
    return rubric


def rubric_problems_in(path: Path) -> list[RubricError]:
    """Every problem of the workbook. The rubric checks (sums, bands, …) run once the cells read cleanly."""
    data, cells = parse_workbook(path)
    if cells.problems:
        return cells.problems
    return _check(data, cells)[1]
