"""The blank rating-history workbook (星级评定历史记录): 历史记录 (five headed, validated input columns)
and 说明. Read back by ``intake/history.py``; where things sit is ``layout/history.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tuoyu_excel.errors import RubricError
from tuoyu_excel.intake.history import HistoryRecord
from tuoyu_excel.layout.history import (
    DOWNGRADED,
    GUIDE_SHEET,
    H_CODE,
    H_DATE,
    H_NAME,
    H_STAR,
    H_STATUS,
    HEADERS,
    HISTORY_SHEET,
    INPUT_ROWS,
    REVOKED,
    STATUSES,
    VALID,
    WIDTHS,
    history_template_name,
)
from tuoyu_excel.render.cells import put
from tuoyu_excel.render.formats import FONT, INPUT_FILL, make_formats, setup_print, write_guide
from tuoyu_excel.render.output import prepare_output
from tuoyu_excel.render.template.validation import EARLIEST_DATE, LATEST_DATE
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.spec.kinds import kind_of
from tuoyu_excel.spec.model import Rubric

# the credit-code input: typed as text (an 18-character code must not turn into a number)
FORMATS = {"input_code": {"font_name": FONT, "font_size": 10, "border": 1, "locked": False, "bg_color": INPUT_FILL,
                          "num_format": "@"}}


def write_history_template(rubric: Rubric, out_dir: Path, filename: str | None = None) -> Path:
    """Write the blank history workbook into `out_dir` and return its path.

    With `filename` the file is written under exactly that name (the caller chose it, as
    ``tuoyu template`` does through output.prepare_output). Without it an existing file, which may
    be a history an official has filled in place, is never replaced: a free name is used instead.
    """
    if not kind_of(rubric).keeps_history:
        raise RubricError(rubric.source or rubric.id, "star", "不是星级评定规则，没有星级评定历史记录表")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / filename if filename else prepare_output(out_dir / history_template_name(rubric)).path
    with writing_workbook(path, "星级评定历史记录") as wb:
        fmts = make_formats(wb, FORMATS)
        _write_records_sheet(wb, fmts, rubric)
        _write_guide(wb, fmts, rubric)
    return path


def write_history_records(rubric: Rubric, records: Sequence[HistoryRecord], path: Path,
                          about: Sequence[str] = ()) -> Path:
    """The rating history to keep, in the blank template's exact layout (so ``intake/history.py`` reads
    it back as it reads a history an official typed): `records` in 历史记录, blank input rows below them,
    and 说明 with `about` (where the records came from). Written at `path` as it is (the caller chose it
    through output.prepare_output), atomically."""
    with writing_workbook(Path(path), "星级评定历史记录") as wb:
        fmts = make_formats(wb, FORMATS)
        _write_records_sheet(wb, fmts, rubric, records)
        _write_guide(wb, fmts, rubric, about)
    return Path(path)


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


def _write_records_sheet(wb, fmts, rubric: Rubric, records: Sequence[HistoryRecord] = ()) -> None:
    """The five headed input columns: `records` first (none in the blank template), then INPUT_ROWS
    blank rows, all formatted and validated alike."""
    ws = wb.add_worksheet(HISTORY_SHEET)
    inputs = {H_DATE: fmts["input_date"], H_CODE: fmts["input_code"]}
    rules = _validations(rubric)
    last = len(records) + INPUT_ROWS
    for c, header in enumerate(HEADERS):
        fmt = inputs.get(header, fmts["input_text"])
        ws.set_column(c, c, WIDTHS[header], fmt)  # rows typed below the last keep the format too
        ws.write_string(0, c, header, fmts["header"])
        for r in range(1, last + 1):
            put(ws, r, c, _field(records[r - 1], header) if r <= len(records) else None, fmt)
        ws.data_validation(1, c, last, c, rules[header])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last, len(HEADERS) - 1)
    setup_print(ws, 0)
    ws.activate()


def _field(record: HistoryRecord, header: str) -> object:
    return {H_CODE: record.key, H_NAME: record.name, H_STAR: record.star, H_DATE: record.date,
            H_STATUS: record.status}[header]


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


def _write_guide(wb, fmts, rubric: Rubric, about: Sequence[str] = ()) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    lines = _guide_lines(rubric)
    write_guide(ws, fmts, "星级评定历史记录 填写说明", [*lines[:-1], *about, lines[-1]])  # rows as tall as their lines
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
