"""The rating history (星级评定历史记录): read the officials' table (its blank template is
``render/history_template.py``; where things sit, ``layout/history.py``).

《柳州市托育机构星级评定工作方案》四（一）: “获得星级的托育机构，每3年复审1次……已定级的托育机构
1年后方可申报高一等级的评审。” 四（二）/（三）: 撤销称号、降级处理.

One row per rating event: 统一社会信用代码, 机构名称, 星级, 评定日期, 状态 (and 整改期限, a column
added with the 复审; a history written before it has no such column and still reads).
- 有效: the star was awarded on 评定日期.
- 降级: the star was lowered on 评定日期; 星级 is the star held *after* the downgrade, and it
  counts as a current rating from that date (the 1-year wait and the 3-year review run from it).
- 撤销: the title was revoked on 评定日期; no current star (noted on the institution's result).
- 复审通过: the 3-year review confirmed 星级 on 评定日期 (the review clock restarts from it).
- 限期整改: the review found problems; 星级 is kept until 整改期限, the review stays due.
Columns are found by header text on any sheet (positions kept, so every issue names its cell).
A row with a bad value is left out and reported; nothing here raises for the data. Then the rows of
each institution are read in date order against each other (四（二）、四（三）): a 撤销, 降级, 复审 or
整改 needs an earlier rating, a 降级 must lower the star, nothing but a new rating follows a 撤销, and
no row is dated after the evaluation date. A row that breaks one of these is left out and reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import python_calamine as pc

from tuoyu_excel.errors import WorkbookError
from tuoyu_excel.intake.credit_code import credit_code_problem
from tuoyu_excel.intake.normalize import parse_choice, parse_code, parse_date, parse_text
from tuoyu_excel.intake.preflight import load_input
from tuoyu_excel.intake.reader import open_book
from tuoyu_excel.issues import Issue, IssueLog
from tuoyu_excel.layout.history import (
    COLUMNS,
    DOWNGRADED,
    H_CODE,
    H_DATE,
    H_DEADLINE,
    H_NAME,
    H_STAR,
    H_STATUS,
    HEADERS,
    HISTORY_SHEET,
    RECTIFY,
    REVOKED,
    STATUSES,
    VALID,
)
from tuoyu_excel.layout.submission import cell_name
from tuoyu_excel.spec.model import Rubric
from tuoyu_excel.text import fold

HEADER_SCAN_ROWS = 20
MAX_ROWS = 20000


@dataclass(frozen=True)
class HistoryRecord:
    """One rating event of the history workbook (a plain record; the rating rules are core/star/rating.py)."""

    key: str  # 统一社会信用代码
    name: str
    star: str
    date: dt.date  # 评定日期
    status: str  # 有效 / 撤销 / 降级 / 复审通过 / 限期整改
    deadline: dt.date | None = None  # 整改期限 (限期整改 only)


@dataclass(frozen=True)
class HistoryRead:
    """A history workbook, read: its usable records, an issue per row left out, and the file's name
    and the SHA-256 of the very bytes read (the results record it; the file is not read twice)."""

    records: list[HistoryRecord]
    issues: list[Issue]
    file: str
    sha256: str
    usable: bool = True  # False: the file could not be read at all (the run went on without history rules)


def read_history(path: Path, rubric: Rubric, today: dt.date | None = None) -> HistoryRead:
    """Every usable row of the history workbook, and an issue for each row left out. With `today`
    (the evaluation date) a row dated after it is left out too.

    Raises WorkbookError when the file cannot be opened at all (the run must not go on
    as if there were no history).
    """
    path = Path(path)
    loaded = load_input(path)  # read once, and checked (a stray far cell must not cost gigabytes)
    if loaded.issue is not None:
        raise WorkbookError(f"历史记录文件 {loaded.issue.text}")
    sha256 = hashlib.sha256(loaded.data).hexdigest()
    log = IssueLog(path.name, cap=500)
    try:
        wb = open_book(loaded.readable)
        sheets = {name: _grid(wb, name) for name in wb.sheet_names}
    except (pc.CalamineError, pc.ZipError, pc.XmlError, pc.PasswordError, ValueError, OSError) as exc:
        raise WorkbookError(f"无法读取历史记录文件 {path.name}：{str(exc).splitlines()[0][:120] if str(exc) else exc!r}。"
                            "请用 Excel/WPS 打开确认后重新保存") from exc
    sheet, header_row, cols = _find_header(sheets)
    if any(h not in cols for h in HEADERS):
        where = cell_name(header_row, 0) if cols else ""
        for header in (h for h in HEADERS if h not in cols):
            log.add("HISTORY_HEADER_MISSING", sheet, where, expected=header)
        return HistoryRead([], log.items, path.name, sha256)
    rows = _read_rows(sheets[sheet], sheet, header_row, cols, rubric, log)
    records = _in_order(rows, rubric, today, sheet, log)
    return HistoryRead(records, log.items, path.name, sha256)


def _grid(wb, name: str) -> list[list]:
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_ROWS)


def _find_header(sheets: dict[str, list[list]]) -> tuple[str, int, dict[str, int]]:
    """(sheet, row, header -> column) of the row holding the most of the headers (the first such row)."""
    wanted = {fold(h): h for h in COLUMNS}
    best = (HISTORY_SHEET if HISTORY_SHEET in sheets else next(iter(sheets), ""), 0, {})
    for name, grid in sheets.items():
        for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
            cols: dict[str, int] = {}
            for c, v in enumerate(row):
                if isinstance(v, str) and fold(v) in wanted:
                    cols.setdefault(wanted[fold(v)], c)
            if len(cols) > len(best[2]):
                best = (name, r, cols)
    return best


def _read_rows(grid: list[list], sheet: str, header_row: int, cols: dict[str, int], rubric: Rubric,
               log: IssueLog) -> list[tuple[HistoryRecord, dict[str, str]]]:
    records: list[tuple[HistoryRecord, dict[str, str]]] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for r in range(header_row + 1, len(grid)):
        cells = {h: grid[r][c] if c < len(grid[r]) else "" for h, c in cols.items()}
        if all(parse_text(v).value is None for v in cells.values()):
            continue
        where = {h: cell_name(r, c) for h, c in cols.items()}
        record = _record(cells, where, sheet, rubric, log)
        if record is None:
            continue
        first = seen.get((record.key, record.date))
        if first is not None:
            log.add("HISTORY_DUPLICATE", sheet, where[H_CODE], found=record.key, expected=record.date.isoformat(),
                    other=first)
            continue
        seen[(record.key, record.date)] = r + 1
        records.append((record, where))
    return records


def _record(cells: dict[str, object], where: dict[str, str], sheet: str, rubric: Rubric,
            log: IssueLog) -> HistoryRecord | None:
    """One row as a record, or None (with issues logged) when any of its values is unusable."""
    before = len(log.items)
    for header in HEADERS:
        if parse_text(cells[header]).value is None:
            log.add("HISTORY_VALUE_REQUIRED", sheet, where[header], label=header)
    code = parse_code(cells[H_CODE]).value
    if code and credit_code_problem(code):
        log.add("HISTORY_CREDIT_CODE", sheet, where[H_CODE], found=code, detail=credit_code_problem(code))
    star = _choice(cells[H_STAR], rubric.star.stars[::-1], H_STAR, sheet, where, log)
    status = _choice(cells[H_STATUS], STATUSES, H_STATUS, sheet, where, log)
    date = parse_date(cells[H_DATE])
    if date.code:
        log.add("HISTORY_DATE", sheet, where[H_DATE], found=cells[H_DATE], label=H_DATE)
    deadline = _deadline(cells, where, status, date.value if not date.code else None, sheet, log)
    if len(log.items) > before:
        return None
    return HistoryRecord(key=code, name=parse_text(cells[H_NAME]).value, star=star, date=date.value, status=status,
                         deadline=deadline)


def _deadline(cells: dict[str, object], where: dict[str, str], status: str | None, day: dt.date | None, sheet: str,
              log: IssueLog) -> dt.date | None:
    """The 整改期限 of a 限期整改 row: required, a date, not before the row's own date. Other rows: none."""
    value = cells.get(H_DEADLINE)
    if status != RECTIFY:
        return None
    cell = where.get(H_DEADLINE, where[H_STATUS])
    if parse_text(value).value is None:
        log.add("HISTORY_DEADLINE_MISSING", sheet, cell)
        return None
    parsed = parse_date(value)
    if parsed.code:
        log.add("HISTORY_DATE", sheet, cell, found=value, label=H_DEADLINE)
        return None
    if day is not None and parsed.value < day:
        log.add("HISTORY_DEADLINE_EARLY", sheet, cell, found=parsed.value.isoformat(), expected=day.isoformat())
        return None
    return parsed.value


def _in_order(rows: list[tuple[HistoryRecord, dict[str, str]]], rubric: Rubric, today: dt.date | None, sheet: str,
              log: IssueLog) -> list[HistoryRecord]:
    """The rows that fit the institution's earlier rows (read in date order); each one that does not is
    reported at its cell and left out. 《工作方案》四（二）、四（三）."""
    left_out: dict[int, tuple[str, str, dict]] = {}  # row index -> (code, cell, context)
    by_key: dict[str, list[HistoryRecord]] = {}
    for n, (record, where) in sorted(enumerate(rows), key=lambda nrw: (nrw[1][0].key, nrw[1][0].date)):
        problem = _order_problem(record, by_key.get(record.key, []), rubric, today)
        if problem is None:
            by_key.setdefault(record.key, []).append(record)
        else:
            left_out[n] = (problem[0], where[problem[1]], problem[2])
    for n in sorted(left_out):  # reported in the sheet's order
        code, cell, context = left_out[n]
        log.add(code, sheet, cell, found=rows[n][0].status, label=rows[n][0].name, **context)
    return [record for n, (record, _) in enumerate(rows) if n not in left_out]


def _order_problem(record: HistoryRecord, earlier: list[HistoryRecord], rubric: Rubric,
                   today: dt.date | None) -> tuple[str, str, dict] | None:
    if today is not None and record.date > today:
        return "HISTORY_FUTURE_DATE", H_DATE, {"value": record.date.isoformat(), "expected": today.isoformat()}
    last = earlier[-1] if earlier else None
    if record.status == VALID:
        return None  # a rating (also a new one after a 撤销: the institution applied again as new)
    if last is None:
        return "HISTORY_NO_RATING", H_STATUS, {}
    if last.status == REVOKED:
        return "HISTORY_AFTER_REVOKED", H_STATUS, {"value": last.date.isoformat()}
    if record.status == DOWNGRADED and rubric.star.stars.index(record.star) >= rubric.star.stars.index(last.star):
        return "HISTORY_NOT_LOWER", H_STAR, {"value": record.star, "expected": last.star}
    return None


def _choice(value: object, choices: tuple[str, ...], header: str, sheet: str, where: dict[str, str],
            log: IssueLog) -> str | None:
    parsed = parse_choice(value, choices)
    if parsed.code:
        log.add("HISTORY_CHOICE", sheet, where[header], found=value, expected="、".join(choices), label=header)
    return parsed.value
