"""The official 全区平均水平 workbook: its blank template, and reading it back.

One row per comparative item, keyed by the item's title in the rubric (so the rubric stays the
single source of indicator names): 指标 | 数值 | 说明. A value is in the rate's own unit —
每千人 for “每千人口托位数”, % for the rates (62.5 means 62.5%). A missing or bad value is an
issue and that indicator falls back to the regional rate computed from the cities' figures.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import python_calamine as pc

from tuoyu_excel.core.city.evaluate import OfficialAverages, comparative_items, unit_label
from tuoyu_excel.errors import RubricError, WorkbookError
from tuoyu_excel.intake.normalize import parse_count
from tuoyu_excel.intake.preflight import load_input
from tuoyu_excel.intake.reader import open_book
from tuoyu_excel.issues import IssueLog
from tuoyu_excel.layout.submission import cell_name
from tuoyu_excel.render.formats import make_formats, row_height
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.spec.model import Item, Rubric
from tuoyu_excel.text import fold

SHEET = "全区平均水平"
H_INDICATOR = "指标"
H_VALUE = "数值"
H_NOTE = "说明"
TITLE_ROW, INFO_ROW, HEADER_ROW, FIRST_ROW = 0, 1, 2, 3
HEADER_SCAN_ROWS = 20
MAX_ROWS = 200


def averages_filename(rubric: Rubric) -> str:
    return f"全区平均水平_{rubric.id}_v{rubric.version}.xlsx"


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def item_note(item: Item, rubric: Rubric) -> str:
    """The 说明 text: unit first, then how the rate is formed from the cities' figures."""
    num, den = rubric.field_by_key[item.numerator].label, rubric.field_by_key[item.denominator].label
    unit = unit_label(item)
    if item.scale == 100:
        return f"单位：%。{num} ÷ {den} × 100%。填 62.5 表示 62.5%（不要填 0.625）"
    return f"单位：{unit or '无'}。{num} ÷ {den} × {_number(item.scale)}。只填数字，如 3.52"


# ---- the blank template -------------------------------------------------------------------------

def write_averages_template(rubric: Rubric, out_dir: Path, filename: str | None = None) -> Path:
    """Write the blank official-averages workbook into `out_dir` (replacing a file of the same name)."""
    if not comparative_items(rubric):
        raise RubricError(rubric.source or rubric.id, "items",
                          "没有与全区平均水平比较的项目（rule = \"comparative\"），不需要全区平均水平表")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / (filename or averages_filename(rubric))
    with writing_workbook(path, f"{rubric.name}——全区平均水平") as wb:
        _write_sheet(wb, make_formats(wb), rubric)
    return path


def _write_sheet(wb, fmts, rubric: Rubric) -> None:
    ws = wb.add_worksheet(SHEET)
    widths = (30, 14, 60)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, 2, f"{rubric.name}——全区平均水平（官方公布值）", fmts["title"])
    ws.set_row(TITLE_ROW, 32)
    info = ("在黄色单元格填写自治区公布的全区平均水平，运行“tuoyu city 文件夹 --averages 本文件”时使用。"
            "留空的指标按各市填报的基础数据计算（Σ分子÷Σ分母）。请不要修改“指标”列。")
    ws.merge_range(INFO_ROW, 0, INFO_ROW, 2, info, fmts["info"])
    ws.set_row(INFO_ROW, row_height([(info, sum(widths))], minimum=30))
    ws.write_row(HEADER_ROW, 0, [H_INDICATOR, H_VALUE, H_NOTE], fmts["header"])
    for n, item in enumerate(comparative_items(rubric)):
        r = FIRST_ROW + n
        note = item_note(item, rubric)
        ws.set_row(r, row_height([(note, widths[2]), (item.title, widths[0])], minimum=22))
        ws.write_string(r, 0, item.title, fmts["label"])
        ws.write_blank(r, 1, None, fmts["input"])
        ws.write_string(r, 2, note, fmts["hint"])
        ws.data_validation(r, 1, r, 1, _value_validation(item))
    ws.freeze_panes(FIRST_ROW, 0)
    ws.protect()
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.activate()


def _value_validation(item: Item) -> dict:
    unit = unit_label(item)
    top = _number(item.scale)
    return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": _plain(item.scale),
            "input_title": item.title[:32], "input_message": f"填不小于 0 的数字（单位：{unit}），最大 {top}。",
            "error_title": "输入有误", "error_message": f"“{item.title}”应为 0 至 {top} 之间的数字。",
            "error_type": "stop"}


# ---- reading ------------------------------------------------------------------------------------

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
