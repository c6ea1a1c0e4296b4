"""The blank official 全区平均水平 workbook: one row per comparative item, keyed by the item's title
(指标 | 数值 | 说明). Read back by ``intake/averages.py``; where things sit is ``layout/averages.py``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tuoyu_excel.errors import RubricError
from tuoyu_excel.layout.averages import (
    FIRST_ROW,
    HEADER_ROW,
    HEADERS,
    INFO_ROW,
    SHEET,
    TITLE_ROW,
    WIDTHS,
    averages_filename,
)
from tuoyu_excel.render.formats import make_formats, row_height
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.spec.comparative import comparative_items, unit_label
from tuoyu_excel.spec.model import Item, Rubric


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
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, 2, f"{rubric.name}——全区平均水平（官方公布值）", fmts["title"])
    ws.set_row(TITLE_ROW, 32)
    info = ("在黄色单元格填写自治区公布的全区平均水平，在“示范城市评分”中把本表选作“全区平均水平表”时使用。"
            "留空的指标按各市填报的基础数据计算（各市分子之和 ÷ 各市分母之和）。请不要修改“指标”列。")
    ws.merge_range(INFO_ROW, 0, INFO_ROW, 2, info, fmts["info"])
    ws.set_row(INFO_ROW, row_height([(info, sum(WIDTHS))], minimum=30))
    ws.write_row(HEADER_ROW, 0, list(HEADERS), fmts["header"])
    for n, item in enumerate(comparative_items(rubric)):
        r = FIRST_ROW + n
        note = item_note(item, rubric)
        ws.set_row(r, row_height([(note, WIDTHS[2]), (item.title, WIDTHS[0])], minimum=22))
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
