"""Read a filled workbook with python-calamine into raw cells, keeping every cell's position.

Nothing after this module knows calamine. Rows are found by 编号 and columns by
header text, so a workbook whose rows were re-sorted or that gained a column is
still read right. The very-hidden metadata must match the rubric in use.
The input file is opened read-only and never modified.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import python_calamine as pc

from tuoyu_excel.intake.normalize import EXCEL_ERRORS
from tuoyu_excel.intake.preflight import load_input, os_detail
from tuoyu_excel.issues import IssueLog
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.spec.kinds import KINDS, kind_of
from tuoyu_excel.spec.model import Rubric
from tuoyu_excel.text import display_name, fold, strip_spaces

MAX_ROWS = 3000  # rows scanned per sheet; a template has fewer than 100
MAX_COLS = 60
HEADER_SCAN_ROWS = 20


class Cell(NamedTuple):  # a tuple: hundreds are made per workbook, and a tuple is made fastest
    value: object  # as read: str ("" when empty), int, float, bool, date, datetime, time, timedelta
    sheet: str
    row: int  # 0-based
    col: int  # 0-based

    @property
    def a1(self) -> str:
        return layout.cell_name(self.row, self.col)

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not strip_spaces(self.value))


@dataclass
class RawWorkbook:
    """What a workbook says, cell by cell, before any validation."""

    file: str
    path: Path
    meta: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Cell] = field(default_factory=dict)  # form key -> input cell
    scores: dict[str, dict[str, Cell]] = field(default_factory=dict)  # item code -> stage key -> cell
    notes: dict[str, Cell] = field(default_factory=dict)  # item code -> 扣分说明 cell
    assessors: dict[str, Cell] = field(default_factory=dict)  # assessing stage key -> its 评分人 cell (layout 2)


def read_workbook(path: Path, rubric: Rubric, log: IssueLog, stage: str | None = None,
                  data: bytes | None = None) -> RawWorkbook | None:
    """Read one workbook; problems go to `log`. None when nothing usable could be read.

    `data` is what preflight passed for the reader (``load_input(path).readable``); without it the
    file is read and checked here. `stage` names the score column being checked (None: all of them);
    only blank cells there are looked up again for Excel error values (see ``restore_error_values``).
    """
    if data is None:
        loaded = load_input(path)
        if loaded.issue is not None:
            log.extend([loaded.issue])
            return None
        data = loaded.readable
    try:
        wb = open_book(data)
        try:
            raw = _read(wb, path, rubric, log)
        finally:
            wb.close()
        if raw is not None:
            restore_error_values(raw, rubric, stage, data)
        return raw
    except pc.PasswordError:
        log.add("FILE_ENCRYPTED")
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError) as exc:
        log.add("FILE_CORRUPT", detail=f"表格内部数据无法解析；技术信息：{_short(exc)}")
    except OSError as exc:  # deleted, or locked by another program, after preflight
        log.add("FILE_UNREADABLE", detail=os_detail(exc))
    except BaseException as exc:  # a Rust panic inside python-calamine (pyo3 PanicException) is a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        log.add("FILE_CORRUPT", detail=f"表格内有无法解析的值（例如超出范围的日期或时间）；技术信息：{_short(exc)}")
    return None


def read_meta(path: Path) -> dict[str, str]:
    """The template metadata of a workbook (which tool, kind, rubric id, version and hash made it);
    {} when the file cannot be read safely or is not one of our templates. Never raises for the file."""
    loaded = load_input(path)
    if loaded.issue is not None:
        return {}
    try:
        wb = open_book(loaded.readable)
        try:
            if layout.META_SHEET not in wb.sheet_names:
                return {}
            rows = _grid(wb, layout.META_SHEET)
        finally:
            wb.close()
    except BaseException as exc:  # noqa: BLE001 - whatever python-calamine raises (a Rust panic too), the file just has no usable metadata
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return {}
    return {_meta_text(r[0]): _meta_text(r[1]) for r in rows if len(r) >= 2 and r[0]}


def open_book(data: bytes) -> pc.CalamineWorkbook:
    """python-calamine over the bytes preflight passed (``preflight.load_input(path).readable``):
    every sheet there has been measured, so loading one cannot take gigabytes."""
    return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def _grid(wb, name: str) -> list[list]:
    """Cells from A1 (positions kept: skip_empty_area=False), at most MAX_ROWS x MAX_COLS."""
    rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_ROWS)
    return [row[:MAX_COLS] for row in rows]


def _read(wb, path: Path, rubric: Rubric, log: IssueLog) -> RawWorkbook | None:
    raw = RawWorkbook(file=display_name(path.name), path=path)
    names = wb.sheet_names
    if layout.META_SHEET not in names:
        log.add("FILE_NOT_TEMPLATE", detail="缺少模板标识")
        return None
    raw.meta = {_meta_text(r[0]): _meta_text(r[1]) for r in _grid(wb, layout.META_SHEET) if len(r) >= 2 and r[0]}
    if not _meta_ok(raw.meta, rubric, log):
        return None
    missing = [s for s in (layout.form_sheet(rubric), layout.SCORE_SHEET) if s not in names]
    for sheet in missing:
        log.add("SHEET_MISSING", expected=sheet)
    if missing:
        return None
    _read_form(_grid(wb, layout.form_sheet(rubric)), rubric, raw, log)
    _read_scores(_grid(wb, layout.SCORE_SHEET), rubric, raw, log)
    return raw


def _meta_text(value: object) -> str:
    """A metadata value as written; a spreadsheet program may have turned "1" into the number 1.0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return strip_spaces(str(value))


def _meta_ok(meta: dict[str, str], rubric: Rubric, log: IssueLog) -> bool:
    want = layout.metadata(rubric)
    if meta.get("tool") != layout.META_TOOL:
        log.add("FILE_NOT_TEMPLATE", detail="模板标识不符")
        return False
    if meta.get("kind") != rubric.kind:
        found = KINDS[meta["kind"]].title if meta.get("kind") in KINDS else meta.get("kind", "")
        log.add("FILE_WRONG_KIND", found=found, expected=kind_of(rubric).title)
        return False
    if meta.get("layout_version") not in layout.READABLE_LAYOUTS:
        log.add("FILE_WRONG_LAYOUT", found=meta.get("layout_version", "未知"), expected=want["layout_version"])
        return False
    if meta.get("rubric_id") != rubric.id or meta.get("rubric_hash") != rubric.content_hash:
        # in words an official can act on (issue 23): rule ids and fingerprints belong on 运行信息 only
        version = meta.get("rubric_version", "未知")
        if meta.get("rubric_id") != rubric.id:
            found = f"另一份评分规则（版本 {version}）"
        elif version == rubric.version:
            found = f"“{rubric.name}”修改前的内容（版本同为 {version}，评分内容不同）"
        else:
            found = f"“{rubric.name}”的另一版本（版本 {version}）"
        log.add("FILE_WRONG_RUBRIC", found=found, expected=f"“{rubric.name}”（版本 {rubric.version}）")
        return False
    return True


def _read_form(grid: list[list], rubric: Rubric, raw: RawWorkbook, log: IssueLog) -> None:
    sheet = layout.form_sheet(rubric)
    wanted = {fold(f.label): f.key for f in rubric.form}
    for r, row in enumerate(grid):
        for c, value in enumerate(row[:-1]):
            if not isinstance(value, str) or not value:
                continue
            key = wanted.get(layout.label_key(fold(value)))
            if key and key not in raw.fields:
                raw.fields[key] = Cell(row[c + 1], sheet, r, c + 1)
    for f in rubric.form:
        if f.key not in raw.fields:
            log.add("FIELD_MISSING", sheet, expected=f.label)


def _find_header(grid: list[list]) -> int | None:
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        folded = {fold(v) for v in row if isinstance(v, str)}
        if layout.H_CODE in folded and layout.H_POINTS in folded:
            return r
    return None


def _read_scores(grid: list[list], rubric: Rubric, raw: RawWorkbook, log: IssueLog) -> None:
    sheet = layout.SCORE_SHEET
    header_row = _find_header(grid)
    if header_row is None:
        log.add("HEADER_MISSING", sheet, expected=layout.H_CODE)
        return
    cols: dict[str, int] = {}
    for c, v in enumerate(grid[header_row]):
        if isinstance(v, str) and v:
            cols.setdefault(fold(v), c)  # a header typed again further right does not move the column
    wanted = [layout.H_CODE] + [s.header for s in rubric.stages] + [layout.H_NOTE]
    missing = [h for h in wanted if fold(h) not in cols]
    for h in missing:
        log.add("HEADER_MISSING", sheet, layout.cell_name(header_row, 0), expected=h)
    if missing:
        return
    note_col = cols[layout.H_NOTE]
    stage_cols = [(s.key, cols[fold(s.header)]) for s in rubric.stages]
    width = max(note_col, *(c for _, c in stage_cols)) + 1
    new = tuple.__new__  # a Cell made straight from its fields: hundreds per workbook
    for code, r in _item_rows(grid, header_row, cols, rubric, log).items():
        row = grid[r]
        if len(row) < width:  # (python-calamine gives a rectangle; a cell past a short row reads as empty)
            row = row + [""] * (width - len(row))
        raw.scores[code] = {key: new(Cell, (row[c], sheet, r, c)) for key, c in stage_cols}
        raw.notes[code] = new(Cell, (row[note_col], sheet, r, note_col))
    for item in rubric.items:
        if item.code not in raw.scores:
            log.add("ITEM_ROW_MISSING", sheet, expected=item.code)
    _read_assessors(grid, header_row, cols[layout.H_CODE], dict(stage_cols), rubric, raw)


def _read_assessors(grid: list[list], header_row: int, code_col: int, stage_cols: dict[str, int], rubric: Rubric,
                    raw: RawWorkbook) -> None:
    """The 评分人 row (the score sheet's last, from layout 2 on): one name cell per assessing stage.
    Optional: a workbook without it reads as before, and only panel mode asks for the names."""
    for r in range(len(grid) - 1, header_row, -1):
        row = grid[r]
        if code_col < len(row) and isinstance(row[code_col], str) and fold(row[code_col]) == layout.ASSESSOR_LABEL:
            for key in layout.assessing_stages(rubric):
                c = stage_cols[key]
                raw.assessors[key] = Cell(row[c] if c < len(row) else "", layout.SCORE_SHEET, r, c)
            return


def _item_rows(grid: list[list], header_row: int, cols: dict[str, int], rubric: Rubric,
               log: IssueLog) -> dict[str, int]:
    """Item code -> 0-based row, found by the 编号 column wherever the row was moved.
    (Part heading rows leave 编号 blank, so only item rows carry codes.)"""
    code_col = cols[layout.H_CODE]
    seen: dict[str, int] = {}
    for r in range(header_row + 1, len(grid)):
        row = grid[r]
        code = fold(row[code_col]) if code_col < len(row) else ""
        if code not in rubric.item_by_code:
            continue
        if code in seen:
            log.add("ITEM_ROW_DUPLICATE", layout.SCORE_SHEET, layout.cell_name(r, code_col), found=code,
                    other=seen[code] + 1)
            continue
        seen[code] = r
    return seen


# ---- Excel error values ---------------------------------------------------------------------------
# python-calamine reads a cell holding an error value (#REF!, #DIV/0! …) as "", which would pass
# for an unfilled cell. For .xlsx/.xlsm, the score cells that read blank in the checked stage are
# looked up once more with openpyxl (read-only, cached values), so a complete file never pays.

def restore_error_values(raw: RawWorkbook, rubric: Rubric, stage: str | None, data: bytes) -> None:
    """Put the error text (e.g. "#REF!") into score cells that calamine read as blank."""
    if not data.startswith(b"PK\x03\x04"):  # openpyxl reads .xlsx/.xlsm only (an .ods just fails there)
        return
    stages = [s.key for s in rubric.stages if stage is None or s.key == stage]
    blank = [(code, key) for code, cells in raw.scores.items() for key in stages
             if key in cells and cells[key].blank]
    if not blank:
        return
    found = error_values(data, layout.SCORE_SHEET, {(raw.scores[c][k].row, raw.scores[c][k].col) for c, k in blank})
    for code, key in blank:
        cell = raw.scores[code][key]
        if (cell.row, cell.col) in found:
            raw.scores[code][key] = cell._replace(value=found[(cell.row, cell.col)])


def error_values(data: bytes, sheet: str, positions: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """(row, col) -> Excel error text, for those of `positions` (0-based) that hold an error value."""
    rows = [r for r, _ in positions]
    cols = [c for _, c in positions]
    import openpyxl  # only files with blank score cells get here

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # best effort only: the cells then stay blank (VALUE_REQUIRED)
        return {}
    try:
        ws = wb[sheet]
        grid = ws.iter_rows(min_row=min(rows) + 1, max_row=max(rows) + 1, min_col=min(cols) + 1,
                            max_col=max(cols) + 1, values_only=True)
        found = {}
        for r, values in enumerate(grid, start=min(rows)):
            for c, value in enumerate(values, start=min(cols)):
                if (r, c) in positions and isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
                    found[(r, c)] = value.strip()
        return found
    except Exception:  # same: a sheet openpyxl cannot parse leaves the cells blank
        return {}
    finally:
        wb.close()
