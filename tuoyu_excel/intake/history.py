"""The rating history (星级评定历史记录): read the officials' table, and write its blank template.

《柳州市托育机构星级评定工作方案》四（一）: “获得星级的托育机构，每3年复审1次……已定级的托育机构
1年后方可申报高一等级的评审。” 四（二）/（三）: 撤销称号、降级处理.

One row per rating event: 统一社会信用代码, 机构名称, 星级, 评定日期, 状态.
- 有效: the star was awarded (or confirmed at a review) on 评定日期.
- 降级: the star was lowered on 评定日期; 星级 is the star held *after* the downgrade, and it
  counts as a current rating from that date (the 1-year wait and the 3-year review run from it).
- 撤销: the title was revoked on 评定日期; no current star (noted on the institution's result).
Columns are found by header text on any sheet (positions kept, so every issue names its cell).
A row with a bad value is left out and reported; nothing here raises for the data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import python_calamine as pc

from tuoyu_excel.core.star.rating import REVOKED, HistoryRecord
from tuoyu_excel.errors import RubricError, WorkbookError
from tuoyu_excel.intake.credit_code import credit_code_problem
from tuoyu_excel.intake.normalize import parse_choice, parse_code, parse_date, parse_text
from tuoyu_excel.intake.preflight import load_input
from tuoyu_excel.intake.reader import open_book
from tuoyu_excel.issues import Issue, IssueLog
from tuoyu_excel.layout.submission import cell_name
from tuoyu_excel.render.formats import make_formats, setup_print, write_guide
from tuoyu_excel.render.output import prepare_output
from tuoyu_excel.render.template.validation import EARLIEST_DATE, LATEST_DATE
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.spec.model import Rubric
from tuoyu_excel.text import fold

VALID = "有效"
DOWNGRADED = "降级"
STATUSES = (VALID, REVOKED, DOWNGRADED)

H_CODE = "统一社会信用代码"
H_NAME = "机构名称"
H_STAR = "星级"
H_DATE = "评定日期"
H_STATUS = "状态"
HEADERS = (H_CODE, H_NAME, H_STAR, H_DATE, H_STATUS)

HISTORY_SHEET = "历史记录"
GUIDE_SHEET = "说明"
INPUT_ROWS = 200
HEADER_SCAN_ROWS = 20
MAX_ROWS = 20000


# ---------------------------------------------------------------- reading


def read_history(path: Path, rubric: Rubric) -> tuple[list[HistoryRecord], list[Issue]]:
    """Every usable row of the history workbook, and an issue for each row left out.

    Raises WorkbookError when the file cannot be opened at all (the run must not go on
    as if there were no history).
    """
    path = Path(path)
    loaded = load_input(path)  # read once, and checked (a stray far cell must not cost gigabytes)
    if loaded.issue is not None:
        raise WorkbookError(f"历史记录文件 {loaded.issue.text}")
    log = IssueLog(path.name, cap=500)
    try:
        wb = open_book(loaded.readable)
        sheets = {name: _grid(wb, name) for name in wb.sheet_names}
    except (pc.CalamineError, pc.ZipError, pc.XmlError, pc.PasswordError, ValueError, OSError) as exc:
        raise WorkbookError(f"无法读取历史记录文件 {path.name}：{str(exc).splitlines()[0][:120] if str(exc) else exc!r}。"
                            "请用 Excel/WPS 打开确认后重新保存") from exc
    sheet, header_row, cols = _find_header(sheets)
    if len(cols) < len(HEADERS):
        where = cell_name(header_row, 0) if cols else ""
        for header in (h for h in HEADERS if h not in cols):
            log.add("HISTORY_HEADER_MISSING", sheet, where, expected=header)
        return [], log.items
    records = _read_rows(sheets[sheet], sheet, header_row, cols, rubric, log)
    return records, log.items


def _grid(wb, name: str) -> list[list]:
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_ROWS)


def _find_header(sheets: dict[str, list[list]]) -> tuple[str, int, dict[str, int]]:
    """(sheet, row, header -> column) of the row holding the most of the five headers (the first such row)."""
    wanted = {fold(h): h for h in HEADERS}
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
               log: IssueLog) -> list[HistoryRecord]:
    records: list[HistoryRecord] = []
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
        records.append(record)
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
        log.add("HISTORY_DATE", sheet, where[H_DATE], found=cells[H_DATE])
    if len(log.items) > before:
        return None
    return HistoryRecord(key=code, name=parse_text(cells[H_NAME]).value, star=star, date=date.value, status=status)


def _choice(value: object, choices: tuple[str, ...], header: str, sheet: str, where: dict[str, str],
            log: IssueLog) -> str | None:
    parsed = parse_choice(value, choices)
    if parsed.code:
        log.add("HISTORY_CHOICE", sheet, where[header], found=value, expected="、".join(choices), label=header)
    return parsed.value


# ---------------------------------------------------------------- the blank template


def history_template_name(rubric: Rubric) -> str:
    return f"星级评定历史记录_{rubric.id}.xlsx"


def write_history_template(rubric: Rubric, out_dir: Path, filename: str | None = None) -> Path:
    """Write the blank history workbook into `out_dir` and return its path.

    With `filename` the file is written under exactly that name (the caller chose it, as
    ``tuoyu template`` does through output.prepare_output). Without it an existing file, which may
    be a history an official has filled in place, is never replaced: a free name is used instead.
    """
    if rubric.star is None:
        raise RubricError(rubric.source or rubric.id, "star", "不是星级评定规则，没有星级评定历史记录表")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / filename if filename else prepare_output(out_dir / history_template_name(rubric)).path
    with writing_workbook(path, "星级评定历史记录") as wb:
        fmts = make_formats(wb)
        _write_records_sheet(wb, fmts, rubric)
        _write_guide(wb, fmts, rubric)
    return path


def _stop(title: str, message: str, error: str, **rule) -> dict:
    return {**rule, "input_title": title, "input_message": message, "error_title": "输入有误",
            "error_message": error, "error_type": "stop"}


def _validations(rubric: Rubric) -> dict[str, dict]:
    stars = list(rubric.star.stars[::-1])
    return {
        H_CODE: _stop(H_CODE, "18 位，与营业执照一致。", "统一社会信用代码应为 18 位，请核对营业执照。",
                      validate="length", criteria="==", value=18),
        H_NAME: _stop(H_NAME, "与营业执照（法人登记证书）一致。", "机构名称不能超过 200 个字。",
                      validate="length", criteria="between", minimum=1, maximum=200),
        H_STAR: _stop(H_STAR, f"从下拉列表选择：{'/'.join(stars)}。降级的填降级后的星级。",
                      "星级只能从下拉列表中选择。", validate="list", source=stars),
        H_DATE: _stop(H_DATE, "命名、复审、降级或撤销的日期，如 2024-03-15。", "请填写有效日期，格式如 2024-03-15。",
                      validate="date", criteria="between", minimum=EARLIEST_DATE, maximum=LATEST_DATE),
        H_STATUS: _stop(H_STATUS, "有效：获评或复审通过；降级：降为所填星级；撤销：撤销称号。",
                        "状态只能为“有效”“撤销”或“降级”。", validate="list", source=list(STATUSES)),
    }


def _write_records_sheet(wb, fmts, rubric: Rubric) -> None:
    ws = wb.add_worksheet(HISTORY_SHEET)
    widths = {H_CODE: 24, H_NAME: 40, H_STAR: 10, H_DATE: 14, H_STATUS: 10}
    text_input = wb.add_format({"font_name": "宋体", "font_size": 10, "border": 1, "locked": False,
                                "bg_color": "#FFF2CC", "num_format": "@"})
    inputs = {H_DATE: fmts["input_date"], H_CODE: text_input}
    rules = _validations(rubric)
    for c, header in enumerate(HEADERS):
        fmt = inputs.get(header, fmts["input_text"])
        ws.set_column(c, c, widths[header], fmt)  # rows typed below the 200 keep the format too
        ws.write_string(0, c, header, fmts["header"])
        for r in range(1, INPUT_ROWS + 1):
            ws.write_blank(r, c, None, fmt)
        ws.data_validation(1, c, INPUT_ROWS, c, rules[header])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, INPUT_ROWS, len(HEADERS) - 1)
    setup_print(ws, 0)
    ws.activate()


def _guide_lines(rubric: Rubric) -> list[str]:
    s = rubric.star
    return [
        f"1. 在“{HISTORY_SHEET}”工作表中，每次命名、复审、降级或撤销填写一行；第 1 行是表头，请勿修改或删除。",
        "2. 统一社会信用代码须与机构评分表中填写的一致（18 位），工具按此代码查找机构的评定历史。",
        f"3. 星级从下拉列表选择（{'、'.join(s.stars[::-1])}）；评定日期按 2024-03-15 格式填写。",
        f"4. 状态：“{VALID}”表示获评或复审通过；“{DOWNGRADED}”表示降级，星级填降级后的星级；"
        f"“{REVOKED}”表示撤销称号。",
        f"5. 同一机构有多行时，以评定日期最新的一行为准。评定日期距本次评定不满 {s.rerate_wait_years} 年的，"
        f"本次不得评定高于原星级的等级；满 {s.review_years} 年的列入“复审到期”名单。",
        "6. 行数不够时可在表格下方继续填写；也可以把本工作表复制到自己的台账中使用，只要表头文字不变。",
        f"规则：{rubric.id} {rubric.version}。",
    ]


def _write_guide(wb, fmts, rubric: Rubric) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    write_guide(ws, fmts, "星级评定历史记录 填写说明", _guide_lines(rubric))  # rows as tall as their lines
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
