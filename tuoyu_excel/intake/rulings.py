"""The commission's rulings on ties (待裁定): read the 待裁定 sheet of a filled results workbook.

《柳州市托育机构星级评定工作方案》三（四）/（五）: the city commission “评选出一星级、二星级、三星级机构”
and publishes them; a tie the rank bands cannot settle is theirs to decide (core/star/ranking.py).

The sheet is written by ``render/star/rulings_sheet.py``; where things sit is ``layout/results.py``.
The file is untrusted input like any other: read once through preflight, by python-calamine, with
its failures (a Rust panic too) turned into a Chinese ``WorkbookError``. Problems within a filled row
(a star without its basis, a basis without a star) are issues naming their cells; whether a ruling
fits this run's ties (its star, the places, the scores) is decided by ``core/star/rulings.py``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import python_calamine as pc

from tuoyu_excel.errors import WorkbookError
from tuoyu_excel.intake.normalize import parse_code, parse_number, parse_text
from tuoyu_excel.intake.preflight import load_input
from tuoyu_excel.intake.reader import open_book
from tuoyu_excel.issues import Issue, IssueLog
from tuoyu_excel.layout.results import (
    HEADER_SCAN_ROWS,
    HEADERS,
    MAX_ROWS,
    R_BASIS,
    R_CODE,
    R_CORE,
    R_NAME,
    R_RANK,
    R_SPAN,
    R_STAR,
    R_TOTAL,
    R_ZONE,
    RULINGS_SHEET,
    SPAN_SEP,
)
from tuoyu_excel.layout.submission import cell_name
from tuoyu_excel.text import fold


@dataclass(frozen=True)
class Ruling:
    """One filled row of a 待裁定 sheet: the tie it was written for, and the decision (if any)."""

    key: str  # 统一社会信用代码
    name: str
    zone: str
    rank: Decimal | None
    total: Decimal | None
    core: Decimal | None
    span: tuple[str, ...]  # 可裁定星级 as written
    star: str  # 裁定星级 as written (core checks it against the tie); "" = not ruled: stays 待裁定
    basis: str  # 裁定依据
    cells: dict[str, str] = field(default_factory=dict)  # header (layout/results.py) -> A1 cell


@dataclass(frozen=True)
class RulingsRead:
    """A rulings workbook, read: its rows, the problems found in them, the file's name and the
    SHA-256 of the very bytes read (the results record both)."""

    rows: list[Ruling]
    issues: list[Issue]
    file: str
    sha256: str
    sheet: str = RULINGS_SHEET

    @property
    def ruled(self) -> list[Ruling]:
        return [r for r in self.rows if r.star]


def read_rulings(path: Path) -> RulingsRead:
    """The rows of the 待裁定 sheet of `path`. Raises WorkbookError when the file cannot be read or
    has no 待裁定 sheet: the run must not go on as if nothing had been decided."""
    path = Path(path)
    loaded = load_input(path)  # read once and checked: a stray far cell must not cost gigabytes
    if loaded.issue is not None:
        raise WorkbookError(f"裁定文件 {loaded.issue.text}")
    sha256 = hashlib.sha256(loaded.data).hexdigest()
    grid = _sheet_grid(loaded.readable, path.name)
    log = IssueLog(path.name, cap=500)
    header_row, cols = _find_header(grid)
    missing = [h for h in HEADERS if h not in cols]
    if missing:
        for header in missing:
            log.add("RULING_HEADER_MISSING", RULINGS_SHEET, cell_name(header_row, 0) if cols else "", expected=header)
        return RulingsRead([], log.items, path.name, sha256)
    rows = []
    for r in range(header_row + 1, len(grid)):
        row = _ruling(grid[r], r, cols, log)
        if row is not None:
            rows.append(row)
    return RulingsRead(rows, log.items, path.name, sha256)


def _sheet_grid(data: bytes, name: str) -> list[list]:
    try:
        wb = open_book(data)
        try:
            if RULINGS_SHEET not in wb.sheet_names:
                raise WorkbookError(f"裁定文件 {name} 中没有“{RULINGS_SHEET}”工作表。请选择有机构待裁定时生成的"
                                    f"星级评定结果工作簿，在其“{RULINGS_SHEET}”工作表中填写裁定星级和裁定依据后再指定")
            return wb.get_sheet_by_name(RULINGS_SHEET).to_python(skip_empty_area=False, nrows=MAX_ROWS)
        finally:
            wb.close()
    except WorkbookError:
        raise
    except (pc.CalamineError, pc.ZipError, pc.XmlError, pc.PasswordError, ValueError, OSError) as exc:
        raise WorkbookError(f"无法读取裁定文件 {name}：{_short(exc)}。请用 Excel/WPS 打开确认后重新保存") from exc
    except BaseException as exc:  # a Rust panic inside python-calamine (pyo3 PanicException) is a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise WorkbookError(f"无法读取裁定文件 {name}：表格内有无法解析的值（{_short(exc)}）。"
                            "请用 Excel/WPS 打开确认后重新保存") from None


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0][:120] if text else repr(exc)


def _find_header(grid: list[list]) -> tuple[int, dict[str, int]]:
    """(row, header -> column) of the row holding the most of the headers (the first such row)."""
    wanted = {fold(h): h for h in HEADERS}
    best: tuple[int, dict[str, int]] = (0, {})
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        cols: dict[str, int] = {}
        for c, v in enumerate(row):
            if isinstance(v, str) and fold(v) in wanted:
                cols.setdefault(wanted[fold(v)], c)
        if len(cols) > len(best[1]):
            best = (r, cols)
    return best


def _ruling(cells_row: list, r: int, cols: dict[str, int], log: IssueLog) -> Ruling | None:
    """One row as a Ruling; None for a blank row. A row whose decision cannot be used gets issues."""
    cells = {h: cells_row[c] if c < len(cells_row) else None for h, c in cols.items()}
    where = {h: cell_name(r, c) for h, c in cols.items()}
    if all(parse_text(v).value is None for v in cells.values()):
        return None
    star = parse_text(cells[R_STAR]).value or ""
    basis = parse_text(cells[R_BASIS]).value or ""
    code = parse_code(cells[R_CODE]).value or ""
    if star and not basis:
        log.add("RULING_BASIS_MISSING", RULINGS_SHEET, where[R_BASIS], found=star)
    elif basis and not star:
        log.add("RULING_STAR_MISSING", RULINGS_SHEET, where[R_STAR])
    if star and not code:
        log.add("RULING_CODE_MISSING", RULINGS_SHEET, where[R_CODE])
    span = tuple(s for s in (parse_text(cells[R_SPAN]).value or "").split(SPAN_SEP) if s)
    return Ruling(key=code, name=parse_text(cells[R_NAME]).value or "", zone=parse_text(cells[R_ZONE]).value or "",
                  rank=_number(cells[R_RANK]), total=_number(cells[R_TOTAL]), core=_number(cells[R_CORE]),
                  span=span, star=star, basis=basis, cells=where)


def _number(value: object) -> Decimal | None:
    parsed = parse_number(value)
    return parsed.value if isinstance(parsed.value, Decimal) else None
