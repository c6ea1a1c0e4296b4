"""The blank rating-history workbook (星级评定历史记录): 历史记录 (six headed, validated input columns:
the five a history always had and 整改期限) and 说明 (with the six 撤销 cases of 四（二）). Read back by ``intake/history.py``; where things sit is ``layout/history.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tuoyu_excel.errors import RubricError
from tuoyu_excel.intake.history import HistoryRecord
from tuoyu_excel.layout.history import (
    COLUMNS,
    DOWNGRADED,
    GUIDE_SHEET,
    H_CODE,
    H_DATE,
    H_DEADLINE,
    H_NAME,
    H_STAR,
    H_STATUS,
    HISTORY_SHEET,
    INPUT_ROWS,
    RECTIFY,
    REVIEWED,
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
        H_STATUS: _stop(H_STATUS, "有效：获评；复审通过；限期整改（填整改期限）；降级：降为所填星级；撤销：撤销称号。",
                        f"状态只能为：{'、'.join(STATUSES)}。", validate="list", source=list(STATUSES)),
        H_DEADLINE: _stop(H_DEADLINE, "仅状态为“限期整改”时填写，如 2027-06-30。", "请填写有效日期，格式如 2027-06-30。",
                          validate="date", criteria="between", minimum=EARLIEST_DATE, maximum=LATEST_DATE),
    }


def _write_records_sheet(wb, fmts, rubric: Rubric, records: Sequence[HistoryRecord] = ()) -> None:
    """The headed input columns: `records` first (none in the blank template), then INPUT_ROWS
    blank rows, all formatted and validated alike."""
    ws = wb.add_worksheet(HISTORY_SHEET)
    inputs = {H_DATE: fmts["input_date"], H_DEADLINE: fmts["input_date"], H_CODE: fmts["input_code"]}
    rules = _validations(rubric)
    last = len(records) + INPUT_ROWS
    for c, header in enumerate(COLUMNS):
        fmt = inputs.get(header, fmts["input_text"])
        ws.set_column(c, c, WIDTHS[header], fmt)  # rows typed below the last keep the format too
        ws.write_string(0, c, header, fmts["header"])
        for r in range(1, last + 1):
            put(ws, r, c, _field(records[r - 1], header) if r <= len(records) else None, fmt)
        ws.data_validation(1, c, last, c, rules[header])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last, len(COLUMNS) - 1)
    setup_print(ws, 0)
    ws.activate()


def _field(record: HistoryRecord, header: str) -> object:
    return {H_CODE: record.key, H_NAME: record.name, H_STAR: record.star, H_DATE: record.date,
            H_STATUS: record.status, H_DEADLINE: record.deadline}[header]


def _guide_lines(rubric: Rubric) -> list[str]:
    s = rubric.star
    return [
        f"1. 在“{HISTORY_SHEET}”工作表中，每次命名、复审、降级或撤销填写一行；第 1 行是表头，请勿修改或删除。",
        "2. 统一社会信用代码须与机构评分表中填写的一致（18 位），工具按此代码查找机构的评定历史。",
        f"3. 星级从下拉列表选择（{'、'.join(s.stars[::-1])}）；评定日期按 2024-03-15 格式填写。",
        f"4. 状态：“{VALID}”表示获评星级（定级）；“{REVIEWED}”表示 {s.review_years} 年一次的复审合格，星级不变；"
        f"“{RECTIFY}”表示复审不合格或动态管理中发现问题，责令限期整改，须在“{H_DEADLINE}”列填写期限，整改期间保持原星级；"
        f"“{DOWNGRADED}”表示降级，星级填降级后的星级；“{REVOKED}”表示撤销称号。",
        f"5. 同一机构有多行时，以评定日期最新的一行为准。获评或降级（“{VALID}”“{DOWNGRADED}”）距本次评定不满 "
        f"{s.rerate_wait_years} 年的，本次不得评定高于原星级的等级（复审通过不重新计算这一年）；获评、降级或复审通过满 "
        f"{s.review_years} 年的列入“复审到期”名单；“{RECTIFY}”的机构仍须复审，期限已过的标为“整改到期”。",
        f"6. 工具读取时逐家机构按日期核对：“{REVOKED}”“{DOWNGRADED}”“{REVIEWED}”“{RECTIFY}”之前须有获评记录；"
        f"降级后的星级须低于原星级；撤销之后只能重新获评（按新申报评定）；日期不得晚于评定日期。不符合的行不使用，并指出单元格。",
        "7. 《柳州市托育机构星级评定工作方案》四（二）：获得星级托育机构称号后，有下列情形之一的，由机构所在县区卫生健康局"
        "核实情况并上报市卫生健康委，情况属实的，给予撤销称号处理：",
        "  （1）有行政处罚信息、有列入经营异常名录信息、有列入严重违法失信名单信息；",
        "  （2）发生歧视、体罚、变相体罚、侮辱、虐待婴幼儿等行为；",
        "  （3）发生重大安全事故；",
        "  （4）发生严重婴幼儿伤害事件；",
        "  （5）托育机构经营地址发生变更，或者机构关停不再提供托育服务等情形；",
        "  （6）发生造成社会重大负面影响或不能满足评定等级条件的其他情形。",
        "  撤销称号的，填一行状态“撤销”，评定日期填撤销日期，星级填被撤销的星级。",
        "8. 四（三）：对发现问题的责令限期整改（填“限期整改”及整改期限），拒不整改或整改达不到要求的，"
        "市卫生健康委视情给予降级（填“降级”及降级后的星级）或撤销称号（填“撤销”）处理。",
        "9. 复审用“tuoyu review”：生成复审结果，市卫生健康委在其中填写处理决定后，工具据此写出更新后的历史评定记录，无需手工填写。",
        "10. 行数不够时可在表格下方继续填写；也可以把本工作表复制到自己的台账中使用，只要表头文字不变。",
        f"规则：{rubric.id} {rubric.version}。",
    ]


def _write_guide(wb, fmts, rubric: Rubric, about: Sequence[str] = ()) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    lines = _guide_lines(rubric)
    write_guide(ws, fmts, "星级评定历史记录 填写说明", [*lines[:-1], *about, lines[-1]])  # rows as tall as their lines
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
