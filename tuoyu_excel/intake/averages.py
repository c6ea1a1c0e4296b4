"""The official 全区平均水平 workbook, read back (its blank template is ``render/averages_template.py``).

One row per comparative item, keyed by the item's title in the rubric (so the rubric stays the
single source of indicator names): 指标 | 数值 | 说明. A value is in the rate's own unit —
每千人 for “每千人口托位数”, % for the rates (62.5 means 62.5%). A missing or bad value is an
issue and that indicator falls back to the regional rate computed from the cities' figures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import python_calamine as pc

from tuoyu_excel.errors import WorkbookError
from tuoyu_excel.intake.normalize import parse_count
from tuoyu_excel.intake.preflight import load_input
from tuoyu_excel.intake.reader import open_book
from tuoyu_excel.issues import Issue, IssueLog
from tuoyu_excel.layout.averages import H_INDICATOR, H_VALUE
from tuoyu_excel.layout.submission import cell_name
from tuoyu_excel.spec.comparative import comparative_items
from tuoyu_excel.spec.model import Item, Rubric
from tuoyu_excel.text import fold

HEADER_SCAN_ROWS = 20
MAX_ROWS = 200


@dataclass
class OfficialAverages:
    """An official averages workbook, read: item code -> value in the rate's unit (每千人, %)."""

    file: str
    sha256: str
    values: dict[str, Decimal]
    issues: list[Issue] = field(default_factory=list)


def read_averages(path: Path, rubric: Rubric) -> OfficialAverages:
    """Read an official averages workbook. Raises WorkbookError when it is not one (cannot continue)."""
    path = Path(path)
    loaded = load_input(path)  # read once, and checked (a stray far cell must not cost gigabytes)
    if loaded.issue is not None:
        raise WorkbookError(f"全区平均水平表 {loaded.issue.text}")
    try:
        wb = open_book(loaded.readable)
        grids = {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_ROWS)
                 for name in wb.sheet_names}
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
        raise WorkbookError(f"无法读取全区平均水平表 {path.name}：{str(exc)[:120]}") from exc
    found = _find_table(grids)
    if found is None:
        raise WorkbookError(f"{path.name} 不是全区平均水平表：找不到“{H_INDICATOR}”“{H_VALUE}”列标题。"
                            f"请用“tuoyu template averages”生成的表格填写")
    sheet, header_row, cols = found
    log = IssueLog(path.name)
    values = _read_rows(grids[sheet], sheet, header_row, cols, rubric, log)
    return OfficialAverages(file=path.name, sha256=hashlib.sha256(loaded.data).hexdigest(), values=values,
                            issues=log.items)


def _find_table(grids: dict[str, list[list]]) -> tuple[str, int, tuple[int, int]] | None:
    """(sheet, header row, (指标 column, 数值 column)) of the first sheet carrying both headers."""
    for name, grid in grids.items():
        for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
            cols = {fold(v): c for c, v in enumerate(row) if isinstance(v, str) and v}
            if H_INDICATOR in cols and H_VALUE in cols:
                return name, r, (cols[H_INDICATOR], cols[H_VALUE])
    return None


def _read_rows(grid: list[list], sheet: str, header_row: int, cols: tuple[int, int], rubric: Rubric,
               log: IssueLog) -> dict[str, Decimal]:
    by_name = {fold(i.title): i for i in comparative_items(rubric)}
    names = "、".join(i.title for i in comparative_items(rubric))
    seen: dict[str, int] = {}
    values: dict[str, Decimal] = {}
    bad: set[str] = set()
    ind_col, val_col = cols
    for r in range(header_row + 1, len(grid)):
        row = grid[r]
        text = row[ind_col] if ind_col < len(row) else ""
        value = row[val_col] if val_col < len(row) else ""
        if not fold(text or ""):
            continue
        item = by_name.get(fold(text))
        a1 = cell_name(r, val_col)
        if item is None:
            log.add("AVERAGE_UNKNOWN", sheet, cell_name(r, ind_col), found=text, expected=names)
        elif item.code in seen:
            log.add("AVERAGE_DUPLICATE", sheet, cell_name(r, ind_col), label=item.title, other=seen[item.code] + 1)
            bad.add(item.code)
        else:
            seen[item.code] = r
            number = _value(item, value, sheet, a1, log)
            if number is not None:
                values[item.code] = number
    for item in comparative_items(rubric):
        if item.code not in seen:
            log.add("AVERAGE_MISSING", sheet, label=item.title)
    return {code: v for code, v in values.items() if code not in bad}


def _value(item: Item, value: object, sheet: str, a1: str, log: IssueLog) -> Decimal | None:
    parsed = parse_count(value, integer=False)
    if parsed.blank:
        log.add("AVERAGE_MISSING", sheet, a1, label=item.title)
        return None
    if not parsed.ok or parsed.value > item.scale:
        log.add("AVERAGE_VALUE", sheet, a1, found=value, expected=item.scale, label=item.title)
        return None
    if parsed.code:  # a text number: accepted with a warning
        log.add(parsed.code, sheet, a1, label=item.title, **parsed.context)
    number = parsed.value
    if item.scale == 100 and 0 < number <= 1:
        log.add("AVERAGE_LOOKS_FRACTION", sheet, a1, found=number, label=item.title, value=number * 100)
    return number
