"""Decision sheets read back: one reader for every sheet an official fills in (待裁定, 公示核查).

The tool proposes, the official decides in the yellow dropdown columns of a workbook the tool wrote,
and the next run reads the decision back (STYLE.md, “Decisions an official types back”). Where each
sheet's columns sit is ``layout/results.py``; what a decision must satisfy against this run is the
core's business (``core/star/rulings.py``, ``core/star/naming.py``). Here only what a row says by
itself: a decision that needs a basis has one, a basis has its decision, the decision is one of the
dropdown's values (when the dropdown is the same for every row), the row names its institution, and
where the sheet has a date column, a decision that needs the date has one and it is a date.

The file is untrusted input like any other: read once through preflight, by python-calamine, with
its failures (a Rust panic too) turned into a Chinese ``WorkbookError``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import python_calamine as pc

from tuoyu_excel.errors import WorkbookError
from tuoyu_excel.intake.normalize import parse_code, parse_date, parse_number, parse_text
from tuoyu_excel.intake.preflight import load_input
from tuoyu_excel.intake.reader import open_book
from tuoyu_excel.issues import Issue, IssueLog
from tuoyu_excel.layout.results import DECISION_SHEETS, HEADER_SCAN_ROWS, MAX_ROWS, DecisionSheet
from tuoyu_excel.layout.submission import cell_name
from tuoyu_excel.text import fold


@dataclass(frozen=True)
class DecisionRow:
    """One non-blank row of a decision sheet: its values and cells by header (layout/results.py)."""

    values: dict[str, object]
    cells: dict[str, str]  # header -> A1 cell
    key: str  # the institution's code ("" when blank)
    decision: str  # "" = not decided (its meaning is the sheet's `blank`)
    basis: str
    date: dt.date | None = None  # the sheet's date input (None: blank, not a date, or no such column)

    def text(self, header: str) -> str:
        return parse_text(self.values.get(header)).value or ""


@dataclass(frozen=True)
class SheetRead:
    sheet: DecisionSheet
    rows: list[DecisionRow]
    labels: dict[str, object] = field(default_factory=dict)  # label -> the value right of it
    label_cells: dict[str, str] = field(default_factory=dict)  # label -> the A1 cell of that value
    header_row: int = 0  # as Excel shows it

    def label_date(self, label: str) -> tuple[dt.date | None, bool]:
        """The date right of `label` above the table (公示开始日期, 复审日期 …): (the date, False); (None, False)
        when it is blank or the sheet has no such label; (None, True) when it holds something that is no date."""
        value = self.labels.get(label)
        if value in (None, ""):
            return None, False
        parsed = parse_date(value)
        return (parsed.value, False) if isinstance(parsed.value, dt.date) else (None, True)


def decimal_of(value: object) -> Decimal | None:
    """A number cell of a decision sheet's row (the tool wrote it: 综合得分 …) as a Decimal, None when it is none."""
    parsed = parse_number(value)
    return parsed.value if isinstance(parsed.value, Decimal) else None


@dataclass(frozen=True)
class DecisionsRead:
    """A decisions workbook, read: each decision sheet it has, the problems found in the rows, the
    file's name and the SHA-256 of the very bytes read (the results record both)."""

    file: str
    sha256: str
    sheets: dict[str, SheetRead]
    issues: list[Issue]

    def sheet(self, layout: DecisionSheet) -> SheetRead | None:
        return self.sheets.get(layout.name)

    def issues_of(self, layout: DecisionSheet) -> list[Issue]:
        return [i for i in self.issues if i.sheet == layout.name]


def read_decisions(path: Path, wanted: tuple[DecisionSheet, ...] = DECISION_SHEETS) -> DecisionsRead:
    """Every sheet of `wanted` that the workbook at `path` has. Raises WorkbookError when the file cannot
    be read or has none of them: the run must not go on as if nothing had been decided."""
    path = Path(path)
    loaded = load_input(path)  # read once and checked: a stray far cell must not cost gigabytes
    if loaded.issue is not None:
        raise WorkbookError(f"决定工作簿 {loaded.issue.text}")
    sha256 = hashlib.sha256(loaded.data).hexdigest()
    grids = _grids(loaded.readable, path.name, wanted)
    log = IssueLog(path.name, cap=500)
    sheets = {layout.name: _read_sheet(layout, grid, log) for layout, grid in grids}
    return DecisionsRead(path.name, sha256, sheets, log.items)


def _grids(data: bytes, name: str, wanted: tuple[DecisionSheet, ...]) -> list[tuple[DecisionSheet, list[list]]]:
    try:
        wb = open_book(data)
        try:
            present = [layout for layout in wanted if layout.name in wb.sheet_names]
            if not present:
                names = "或".join(f"“{layout.name}”" for layout in wanted)
                where = "，".join(f"{layout.book}中有“{layout.name}”工作表" for layout in wanted)
                raise WorkbookError(f"决定工作簿 {name} 中没有{names}工作表。请选择本工具写出的工作簿：{where}")
            return [(layout, wb.get_sheet_by_name(layout.name).to_python(skip_empty_area=False, nrows=MAX_ROWS))
                    for layout in present]
        finally:
            wb.close()
    except WorkbookError:
        raise
    except (pc.CalamineError, pc.ZipError, pc.XmlError, pc.PasswordError, ValueError, OSError) as exc:
        raise WorkbookError(f"无法读取决定工作簿 {name}：{_short(exc)}。请用 Excel/WPS 打开确认后重新保存") from exc
    except BaseException as exc:  # a Rust panic inside python-calamine (pyo3 PanicException) is a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise WorkbookError(f"无法读取决定工作簿 {name}：表格内有无法解析的值（{_short(exc)}）。"
                            "请用 Excel/WPS 打开确认后重新保存") from None


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0][:120] if text else repr(exc)


def _read_sheet(layout: DecisionSheet, grid: list[list], log: IssueLog) -> SheetRead:
    header_row, cols = _find_header(layout, grid)
    labels, label_cells = _labels(layout, grid[:header_row] if cols else grid[:HEADER_SCAN_ROWS])
    missing = [h for h in layout.headers if h not in cols]
    if missing:
        for header in missing:
            log.add(f"{layout.code}_HEADER_MISSING", layout.name, cell_name(header_row, 0) if cols else "",
                    expected=header)
        return SheetRead(layout, [], labels, label_cells, header_row + 1)
    rows = []
    for r in range(header_row + 1, len(grid)):
        row = _row(layout, grid[r], r, cols, log)
        if row is None:
            break  # the table ends at its first blank row (the signature line follows)
        rows.append(row)
    return SheetRead(layout, rows, labels, label_cells, header_row + 1)


def _find_header(layout: DecisionSheet, grid: list[list]) -> tuple[int, dict[str, int]]:
    """(row, header -> column) of the row holding the most of the headers (the first such row)."""
    wanted = {fold(h): h for h in layout.headers}
    best: tuple[int, dict[str, int]] = (0, {})
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        cols: dict[str, int] = {}
        for c, v in enumerate(row):
            if isinstance(v, str) and fold(v) in wanted:
                cols.setdefault(wanted[fold(v)], c)
        if len(cols) > len(best[1]):
            best = (r, cols)
    return best


def _labels(layout: DecisionSheet, rows: list[list]) -> tuple[dict[str, object], dict[str, str]]:
    """The value right of each of the sheet's label cells above the table (a date stays a date)."""
    wanted = {fold(label): label for label in layout.labels}
    values: dict[str, object] = {}
    cells: dict[str, str] = {}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, str) and fold(v) in wanted and wanted[fold(v)] not in values:
                label = wanted[fold(v)]
                value = row[c + 1] if c + 1 < len(row) else None
                values[label] = value.date() if isinstance(value, dt.datetime) else value
                cells[label] = cell_name(r, c + 1)
    return values, cells


def _row(layout: DecisionSheet, cells_row: list, r: int, cols: dict[str, int], log: IssueLog) -> DecisionRow | None:
    """One row as a DecisionRow; None for a blank row. A row whose decision cannot stand gets issues."""
    values = {h: cells_row[c] if c < len(cells_row) else None for h, c in cols.items()}
    where = {h: cell_name(r, c) for h, c in cols.items()}
    if all(parse_text(v).value is None for v in values.values()):
        return None
    decision = parse_text(values[layout.decision]).value or ""
    basis = parse_text(values[layout.basis]).value or ""
    key = parse_code(values[layout.key]).value or ""
    if layout.choices and decision and decision not in layout.choices:
        log.add(f"{layout.code}_VALUE_OUTSIDE", layout.name, where[layout.decision], found=decision,
                expected="、".join(layout.choices), label=layout.decision)
    elif layout.basis_needed(decision) and not basis:
        log.add(f"{layout.code}_BASIS_MISSING", layout.name, where[layout.basis], found=decision)
    elif basis and not decision:
        log.add(f"{layout.code}_DECISION_MISSING", layout.name, where[layout.decision])
    if decision and not key:
        log.add(f"{layout.code}_CODE_MISSING", layout.name, where[layout.key])
    return DecisionRow(values, where, key, decision, basis, _date(layout, values, where, decision, log))


def _date(layout: DecisionSheet, values: dict[str, object], where: dict[str, str], decision: str,
          log: IssueLog) -> dt.date | None:
    """The row's date input: required for the decisions that need it, a date whenever filled."""
    if not layout.date:
        return None
    value = values[layout.date]
    if parse_text(value).value is None:
        if layout.date_needed(decision):
            log.add(f"{layout.code}_DATE_MISSING", layout.name, where[layout.date], found=decision, label=layout.date)
        return None
    if decision and not layout.date_needed(decision):  # typed beside another decision: which was meant?
        log.add(f"{layout.code}_DATE_UNUSED", layout.name, where[layout.date], found=decision, label=layout.date,
                expected="、".join(layout.needs_date))
        return None
    parsed = parse_date(value)
    if parsed.code or not isinstance(parsed.value, dt.date):
        log.add(f"{layout.code}_DATE_INVALID", layout.name, where[layout.date], found=value, label=layout.date)
        return None
    return parsed.value
