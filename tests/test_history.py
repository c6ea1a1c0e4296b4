"""The rating history: its blank template, reading it (issues with cells), and the history rules end to end.

《柳州市托育机构星级评定工作方案》四（一）“获得星级的托育机构，每3年复审1次……已定级的托育机构1年后方可申报
高一等级的评审。” 四（二）“……给予撤销称号处理。” 四（三）“……视情给予降级或撤销称号处理。”
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from support.results import EVAL_DATE, Inst, code_for, make_folder, sheet_rows

from tuoyu_excel.cli.main import main
from tuoyu_excel.core.star.rating import evaluate_star
from tuoyu_excel.errors import RubricError, WorkbookError
from tuoyu_excel.intake.history import HistoryRecord, read_history
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.layout.history import COLUMNS, HEADERS
from tuoyu_excel.render.formats import display_width
from tuoyu_excel.render.history_template import write_history_template
from tuoyu_excel.render.star.workbook import write_star_results
from tuoyu_excel.render.template.workbook import write_template

CODE_A, CODE_B = code_for(1), code_for(2)


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("liuzhou_star")


def _read(path: Path, rubric) -> tuple[list[HistoryRecord], list]:
    got = read_history(path, rubric)
    assert got.file == path.name and got.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    return got.records, got.issues


def history_book(path: Path, rows: list[list[object]], sheet: str = "历史记录", header_row: int = 1,
                 headers: tuple[str, ...] = HEADERS) -> Path:
    """A history workbook as an official might keep it: `rows` below the header (None = blank cell)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for c, h in enumerate(headers, start=1):
        ws.cell(header_row, c, h)
    for r, row in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    wb.save(path)
    return path


# ---------------------------------------------------------------- the template


def test_template_has_header_validations_and_guide(rubric, tmp_path):
    path = write_history_template(rubric, tmp_path)
    assert path.name == "星级评定历史记录表.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["历史记录", "说明"]
    ws = wb["历史记录"]
    assert [c.value for c in ws[1]] == list(COLUMNS) == [*HEADERS, "整改期限"]
    assert ws.freeze_panes == "A2"
    rules = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    assert set(rules) == {"A2:A201", "B2:B201", "C2:C201", "D2:D201", "E2:E201", "F2:F201"}
    assert (rules["A2:A201"].type, rules["A2:A201"].operator, rules["A2:A201"].formula1) == ("textLength", "equal", "18")
    assert (rules["C2:C201"].type, rules["C2:C201"].formula1) == ("list", '"三星级,二星级,一星级"')
    assert (rules["E2:E201"].type, rules["E2:E201"].formula1) == ("list", '"有效,撤销,降级,复审通过,限期整改"')
    assert rules["D2:D201"].type == rules["F2:F201"].type == "date"
    assert all(v.showInputMessage and re.search(r"[\u4e00-\u9fff]", v.prompt) for v in rules.values())
    assert ws["A2"].number_format == "@"  # 18-character codes stay text
    guide = " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    assert "降级" in guide and "撤销" in guide and "复审到期" in guide and "整改到期" in guide
    # 四（二）: the six cases for 撤销称号, as the plan words them
    for case in ("有行政处罚信息、有列入经营异常名录信息、有列入严重违法失信名单信息", "发生重大安全事故",
                 "发生严重婴幼儿伤害事件", "托育机构经营地址发生变更，或者机构关停不再提供托育服务等情形",
                 "发生歧视、体罚、变相体罚、侮辱、虐待婴幼儿等行为", "发生造成社会重大负面影响或不能满足评定等级条件的其他情形"):
        assert case in guide
    # Excel does not grow a row by itself: a line that wraps has a row tall enough for two lines
    sheet = wb["说明"]
    wrapped = [r for r in range(3, sheet.max_row + 1) if display_width(str(sheet.cell(r, 1).value or "")) > 110]
    assert wrapped and all(sheet.row_dimensions[r].height >= 2 * 14 for r in wrapped)


def test_template_is_deterministic_and_never_overwrites(rubric, tmp_path):
    a = write_history_template(rubric, tmp_path / "a")
    b = write_history_template(rubric, tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    history_book(a, [[CODE_A, "甲", "一星级", dt.date(2025, 1, 1), "有效"]])  # an official filled it in place
    filled = a.read_bytes()
    again = write_history_template(rubric, tmp_path / "a")
    assert again.name == "星级评定历史记录表(2).xlsx" and a.read_bytes() == filled
    named = write_history_template(rubric, tmp_path / "a", a.name)  # a name the caller chose: written as asked
    assert named == a and a.read_bytes() == b.read_bytes()


def test_template_needs_a_star_rubric(tmp_path):
    with pytest.raises(RubricError, match="不是星级评定规则"):
        write_history_template(load_rubric("guangxi_demo_city"), tmp_path)


def test_filled_template_reads_back(rubric, tmp_path):
    path = write_history_template(rubric, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["历史记录"]
    rows = [[CODE_A, "甲托育", "二星级", dt.date(2024, 5, 6), "有效"],
            [CODE_B, "乙托育", "三星级", dt.date(2021, 1, 2), "有效"],
            [f" {CODE_B.lower()} ", "乙托育", "三星级", "2023/1/2", "撤销"]]  # typed loosely: still read
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    wb.save(path)
    records, issues = _read(path, rubric)
    assert issues == []
    assert records == [HistoryRecord(CODE_A, "甲托育", "二星级", dt.date(2024, 5, 6), "有效"),
                       HistoryRecord(CODE_B, "乙托育", "三星级", dt.date(2021, 1, 2), "有效"),
                       HistoryRecord(CODE_B, "乙托育", "三星级", dt.date(2023, 1, 2), "撤销")]


# ---------------------------------------------------------------- reading


def test_header_found_by_text_anywhere(rubric, tmp_path):
    headers = ("备注", "状态", "机构名称", "评定日期", "统一社会信用代码", "星级")
    rows = [["x", "降级", "甲", dt.date(2025, 3, 1), CODE_A, "一星级"], [None] * 6,
            [None, "有效", "乙", dt.date(2024, 3, 1), CODE_B, "二星级"],
            [None, "有效", "甲", dt.date(2023, 3, 1), CODE_A, "二星级"]]  # 甲's rating, listed after its 降级
    path = history_book(tmp_path / "台账.xlsx", rows, sheet="台账", header_row=3, headers=headers)
    records, issues = _read(path, rubric)
    assert issues == []
    assert [(r.key, r.star, r.status) for r in records] == [(CODE_A, "一星级", "降级"), (CODE_B, "二星级", "有效"),
                                                            (CODE_A, "二星级", "有效")]


def test_bad_rows_are_left_out_with_located_issues(rubric, tmp_path):
    good = [CODE_A, "甲", "三星级", dt.date(2024, 1, 1), "有效"]
    rows = [
        good,  # row 2
        [CODE_B, "乙", "四星级", dt.date(2024, 1, 1), "有效"],  # 3: no such star
        [CODE_B, "乙", "二星级", dt.date(2024, 1, 1), "暂停"],  # 4: no such status
        [CODE_B, "乙", "二星级", "2024-13-01", "有效"],  # 5: not a date
        ["91450200MA5L000000", "丙", "二星级", dt.date(2024, 1, 1), "有效"],  # 6: bad check character
        [CODE_B, None, "二星级", dt.date(2024, 1, 1), "有效"],  # 7: no name
        [None, None, None, None, None],  # 8: blank, skipped
        list(good),  # 9: the same record again
        [CODE_B, "乙", "二星级", 45000, "有效"],  # 10: a number, not a date
    ]
    path = history_book(tmp_path / "h.xlsx", rows)
    records, issues = _read(path, rubric)
    assert [r.key for r in records] == [CODE_A]
    assert [(i.code, i.file, f"{i.sheet}!{i.cell}") for i in issues] == [
        ("HISTORY_CHOICE", "h.xlsx", "历史记录!C3"),
        ("HISTORY_CHOICE", "h.xlsx", "历史记录!E4"),
        ("HISTORY_DATE", "h.xlsx", "历史记录!D5"),
        ("HISTORY_CREDIT_CODE", "h.xlsx", "历史记录!A6"),
        ("HISTORY_VALUE_REQUIRED", "h.xlsx", "历史记录!B7"),
        ("HISTORY_DUPLICATE", "h.xlsx", "历史记录!A9"),
        ("HISTORY_DATE", "h.xlsx", "历史记录!D10"),
    ]
    assert issues[0].row == 3 and "只能为：三星级、二星级、一星级" in issues[0].message
    assert "与第 2 行重复" in issues[5].message


def test_missing_header_is_an_issue(rubric, tmp_path):
    path = history_book(tmp_path / "h.xlsx", [[CODE_A, "甲", "一星级", dt.date(2024, 1, 1)]], headers=HEADERS[:4])
    records, issues = _read(path, rubric)
    assert records == []
    assert [(i.code, i.cell, i.expected) for i in issues] == [("HISTORY_HEADER_MISSING", "A1", "状态")]


def test_unreadable_history_cannot_continue(rubric, tmp_path):
    path = tmp_path / "h.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(WorkbookError, match="历史记录文件"):
        read_history(path, rubric)


# ---------------------------------------------------------------- the rules, end to end


@pytest.fixture(scope="module")
def history_run(rubric, tmp_path_factory):
    base = tmp_path_factory.mktemp("history")
    template = write_template(rubric, base / "template")
    insts = [Inst(name, "城中区", total=D(t), seed=600 + n) for n, (name, t) in
             enumerate([("甲", 990), ("乙", 980), ("丙", 970), ("丁", 960), ("戊", 950)])]
    folder = make_folder(base / "in", template, rubric, insts)
    code = {i.name: i.code for i in insts}
    rows = [
        [code["甲"], "甲", "一星级", dt.date(2026, 5, 1), "有效"],  # rated under a year ago → held at 一星级
        [code["乙"], "乙", "三星级", dt.date(2023, 11, 22), "有效"],  # exactly 3 years → 复审到期
        [code["丙"], "丙", "二星级", dt.date(2025, 11, 22), "有效"],  # exactly 1 year → may rise
        [code["丁"], "丁", "三星级", dt.date(2024, 1, 10), "有效"],
        [code["丁"], "丁", "三星级", dt.date(2026, 1, 10), "撤销"],  # revoked → noted
        [code["戊"], "戊", "二星级", dt.date(2020, 1, 1), "有效"],
        [code["戊"], "戊", "一星级", dt.date(2026, 3, 1), "降级"],  # downgraded this year → held at 一星级
        [code_for(650), "已停办", "二星级", dt.date(2023, 11, 23), "有效"],  # one day short of 3 years
        [code_for(651), "老机构", "一星级", dt.date(2022, 1, 1), "有效"],  # 复审到期
    ]
    hist = history_book(base / "历史.xlsx", rows)
    history = read_history(hist, rubric)
    assert history.issues == []
    assert history.file == "历史.xlsx" and history.sha256 == hashlib.sha256(hist.read_bytes()).hexdigest()
    result = evaluate_star(folder, rubric, "city", EVAL_DATE, history.records)
    out = write_star_results(result, base / "结果.xlsx", history=history)
    return result, hist, openpyxl.load_workbook(out.path)


def test_star_capped_within_a_year_of_rating(history_run):
    # “已定级的托育机构1年后方可申报高一等级的评审。”
    _, _, wb = history_run
    rows = {r["机构名称"]: r for r in sheet_rows(wb, "星级评定结果")}
    assert (rows["甲"]["片区排名"], rows["甲"]["评定星级"]) == (1, "一星级")
    assert "2026年5月1日 已评为一星级，不满 1 年不得评定高一等级，按排名应为三星级，现保持一星级" in rows["甲"]["备注"]
    assert rows["丙"]["评定星级"] == "三星级" and rows["丙"]["备注"] is None  # a full year has passed
    assert rows["戊"]["评定星级"] == "一星级"  # 降级 on 2026-03-01 counts as the current rating
    public = {r["机构名称"]: r["星级"] for r in sheet_rows(wb, "公示", first="序号")}
    assert public["甲"] == "一星级"
    summary = [c for row in wb["汇总"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("有 2 家机构定级未满 1 年" in c for c in summary)


def test_revoked_title_is_noted(history_run):
    # 四（二）“……情况属实的，给予撤销称号处理。”
    _, _, wb = history_run
    rows = {r["机构名称"]: r for r in sheet_rows(wb, "星级评定结果")}
    assert rows["丁"]["评定星级"] == "二星级"  # its rank decides
    assert rows["丁"]["备注"] == "曾于 2026年1月10日 被撤销三星级称号"


def test_review_due_after_three_years(history_run):
    # “获得星级的托育机构，每3年复审1次。”
    result, hist, wb = history_run
    assert [h.name for h in result.review_due] == ["老机构", "乙"]
    values = list(wb["运行信息"].iter_rows(values_only=True))
    start = next(n for n, r in enumerate(values) if r[0] == "复审到期（评定满 3 年）")
    assert [r[0] for r in values[start + 1:]] == ["老机构", "乙"]
    info = {r[0]: r[1] for r in values}
    assert info["历史评定记录文件"].startswith("历史.xlsx（9 条有效记录，0 个问题）")
    assert len(info["历史评定记录文件校验值（SHA-256）"]) == 64
    assert info["因定级未满期限保持原星级的机构数"] == 2
    assert info["历史评定记录文件校验值（SHA-256）"] == hashlib.sha256(hist.read_bytes()).hexdigest()


def test_cli_star_with_history(history_run, tmp_path, capsys):
    result, hist, _ = history_run
    folder = result.run.files[0].path.parent
    code = main(["star", str(folder), "--history", str(hist), "--date", "2026-11-22", "-o", str(tmp_path / "r.xlsx")])
    assert code == 0
    assert "复审到期 2 家" in capsys.readouterr().out
    history_book(hist.parent / "坏历史.xlsx", [[CODE_A, "甲", "五星级", dt.date(2024, 1, 1), "有效"]])
    code = main(["star", str(folder), "--history", str(hist.parent / "坏历史.xlsx"), "--date", "2026-11-22",
                 "-o", str(tmp_path / "r2.xlsx")])
    assert code == 1  # the history has a bad row
    issues = sheet_rows(openpyxl.load_workbook(tmp_path / "r2.xlsx"), "校验问题")
    assert [(r["文件"], r["单元格"], r["代码"]) for r in issues] == [("坏历史.xlsx", "C2", "HISTORY_CHOICE")]

