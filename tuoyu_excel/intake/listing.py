"""A table of a results workbook the tool wrote, read back as rows by header (the demo prints the panel
results it wrote: what an official would see on opening them). The workbook is our own, just written,
and is read through preflight and python-calamine like any other input."""

from __future__ import annotations

from pathlib import Path

from tuoyu_excel.errors import WorkbookError
from tuoyu_excel.intake.preflight import load_input
from tuoyu_excel.intake.reader import open_book


def read_listings(path: Path, tables: dict[str, str], required: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """For each sheet of `tables` (sheet -> a header of its table), the rows under the first row holding that
    header, as header -> value, without the rows where a header of `required` is blank (notes and totals
    under the table). The workbook is read once for all of them."""
    loaded = load_input(path)
    if loaded.issue is not None:
        raise WorkbookError(f"无法读取 {path.name}：{loaded.issue.message}")
    book = open_book(loaded.readable)
    try:
        grids = {sheet: book.get_sheet_by_name(sheet).to_python() for sheet in tables}
    finally:
        book.close()
    return {sheet: _rows(path, sheet, grids[sheet], key, required) for sheet, key in tables.items()}


def _rows(path: Path, sheet: str, grid: list[list], key: str, required: tuple[str, ...]) -> list[dict]:
    start = next((n for n, row in enumerate(grid) if key in row), None)
    if start is None:
        raise WorkbookError(f"{path.name} 的“{sheet}”工作表中没有“{key}”列")
    header = grid[start]
    rows = [dict(zip(header, row, strict=False)) for row in grid[start + 1:]]
    return [r for r in rows if all(r.get(name) for name in required)]
