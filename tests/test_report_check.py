"""The check report: template → fill as a person would → break cells → run → write report → read it back."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from support import EVAL_DATE
from support.results import header_of
from support.star import assert_literal_text, field_cell, full_scores, score_cell, store_text, valid_form

from tuoyu_excel.core import pipeline
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.render.check_report import INFO_SHEET, ISSUES_SHEET, SUMMARY_SHEET, summary_columns, write_check_report
from tuoyu_excel.render.formats import ERROR_FILL, WARNING_FILL
from tuoyu_excel.render.issues_sheet import ISSUE_HEADERS, NO_ISSUES
from tuoyu_excel.render.template import fill
from tuoyu_excel.render.template.workbook import write_template

NAME = '=HYPERLINK("http://x","y")'
BAD_CODE = "+91450200MA5K00000G"


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("liuzhou_star")


@pytest.fixture(scope="module")
def inputs(rubric, tmp_path_factory) -> Path:
    """a.xlsx clean, b.xlsx with errors (and literal =/+/-/@ text), c.xlsx with warnings only, notes.txt."""
    root = tmp_path_factory.mktemp("check_inputs")
    template = write_template(rubric, root / "template")
    folder = root / "in"
    ten = [i.code for i in rubric.scored_items if i.points == 10]
    fill.fill_workbook(template, folder / "a.xlsx", rubric, valid_form(1), full_scores(rubric))
    scores = full_scores(rubric)
    scores["self"][ten[0]] = 12  # over the 10-point maximum
    scores["self"][ten[1]] = "八"
    fill.fill_workbook(template, folder / "b.xlsx", rubric, dict(valid_form(2), phone=None), scores)
    store_text(folder / "b.xlsx", "申报表", {field_cell(rubric, "name"): NAME,
                                            field_cell(rubric, "credit_code"): BAD_CODE,
                                            field_cell(rubric, "district"): "@城中区"})
    store_text(folder / "b.xlsx", "评分表", {score_cell(rubric, "self", ten[2]): "-3"})
    scores = full_scores(rubric)
    scores["self"][ten[3]] = "8分"  # read as 8, with a warning; and no 扣分说明
    fill.fill_workbook(template, folder / "c.xlsx", rubric, valid_form(3), scores)
    (folder / "notes.txt").write_text("不是表格", encoding="utf-8")
    return folder


def expected_issues(rubric) -> list[tuple[str, str, str]]:
    ten = [i.code for i in rubric.scored_items if i.points == 10]
    return [
        ("b.xlsx", "FIELD_CREDIT_CODE", field_cell(rubric, "credit_code")),
        ("b.xlsx", "FIELD_CHOICE", field_cell(rubric, "district")),
        ("b.xlsx", "VALUE_REQUIRED", field_cell(rubric, "phone")),
        ("b.xlsx", "SCORE_OVER_MAX", score_cell(rubric, "self", ten[0])),
        ("b.xlsx", "SCORE_NOT_NUMBER", score_cell(rubric, "self", ten[1])),
        ("b.xlsx", "SCORE_TEXT_NUMBER", score_cell(rubric, "self", ten[2])),
        ("b.xlsx", "SCORE_NEGATIVE", score_cell(rubric, "self", ten[2])),
        ("c.xlsx", "SCORE_WITH_UNIT", score_cell(rubric, "self", ten[3])),
        ("c.xlsx", "NOTE_MISSING", "L" + score_cell(rubric, "self", ten[3])[1:]),
        ("notes.txt", "FILE_NOT_SPREADSHEET", ""),
    ]


@pytest.fixture(scope="module")
def run_result(rubric, inputs):
    return pipeline.run(inputs, rubric, "self", EVAL_DATE)


@pytest.fixture(scope="module")
def report(run_result, tmp_path_factory) -> Path:
    out = write_check_report(run_result, tmp_path_factory.mktemp("report") / "校验报告.xlsx")
    assert out.notice == ""
    return out.path


def rows(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def test_sheets_and_headers(report, rubric):
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames == [SUMMARY_SHEET, ISSUES_SHEET, INFO_SHEET]
    assert header_of(wb[SUMMARY_SHEET]) == [c.header for c in summary_columns(rubric)]
    assert wb[SUMMARY_SHEET]["A1"].value == "柳州市托育机构星级评定——校验报告"
    assert [v for v in next(wb[SUMMARY_SHEET].iter_rows(min_row=2, max_row=2, values_only=True)) if v] == [
        "发布单位：柳州市卫生健康委", f"评定日期：{EVAL_DATE.year}年{EVAL_DATE.month}月{EVAL_DATE.day}日"]
    assert wb[SUMMARY_SHEET].print_title_rows == "$3:$3"  # the header, not the title, repeats on every page
    assert [c.header for c in summary_columns(rubric)][:9] == [
        "文件", "机构名称", "统一社会信用代码", "所在县区", "状态", "错误数", "警告数", "综合得分", "核心指标得分率"]
    assert wb[ISSUES_SHEET]["A1"].value == "柳州市托育机构星级评定——校验问题清单"
    assert tuple(c.value for c in wb[ISSUES_SHEET][3]) == ISSUE_HEADERS == (
        "文件", "工作表", "单元格", "严重程度", "问题类型", "说明", "发现值", "应为", "代码")
    assert wb[ISSUES_SHEET].column_dimensions["I"].hidden  # the English code is neither shown nor printed
    for name, header in ((SUMMARY_SHEET, 3), (ISSUES_SHEET, 3)):
        assert wb[name].freeze_panes == f"A{header + 1}"
        assert wb[name].auto_filter.ref.startswith(f"A{header}:")


def test_one_row_per_file(report, run_result):
    body = rows(report, SUMMARY_SHEET)[3:]
    assert [r[0] for r in body] == ["a.xlsx", "b.xlsx", "c.xlsx", "notes.txt"]
    assert [r[4] for r in body] == ["通过", "有错误", "有警告", "无法读取"]
    assert [(r[5], r[6]) for r in body] == [(0, 0), (6, 1), (0, 2), (1, 0)]
    a, b, c, txt = body
    assert a[1] == "柳州市阳光托育中心" and a[2] == run_result.files[0].submission.text("credit_code")
    assert a[3] == "城中区"
    assert (a[7], a[8]) == (1000, 1) and (c[7], c[8]) == (998, 1)
    assert b[1] == NAME and b[7] is None and b[8] is None
    assert txt[1] is None and txt[7] is None
    ws = openpyxl.load_workbook(report)[SUMMARY_SHEET]
    assert ws["I4"].number_format.endswith("%")


def test_one_row_per_issue_sorted(report, rubric):
    body = rows(report, ISSUES_SHEET)[3:]
    assert [(r[0], r[8], r[2] or "") for r in body] == expected_issues(rubric)
    by_code = {r[8]: r for r in body}
    over = by_code["SCORE_OVER_MAX"]
    assert over[1] == "评分表" and over[3] == "错误" and over[4] == "分数超过满分"
    assert (over[6], over[7]) == ("12", "10") and "超过本项满分" in over[5]
    assert by_code["SCORE_WITH_UNIT"][3:5] == ("警告", "分数带文字")
    assert by_code["FILE_NOT_SPREADSHEET"][1:3] == (None, None)
    assert by_code["FILE_NOT_SPREADSHEET"][4] == "不是表格文件"


def test_error_rows_red_warning_rows_yellow(report):
    """A conditional format on 严重程度 (column D) tints each whole issue row."""
    ws = openpyxl.load_workbook(report)[ISSUES_SHEET]
    assert {c.value for c in ws["D"][3:]} == {"错误", "警告"}
    tints = {}
    for cf in ws.conditional_formatting:
        assert str(cf.sqref) == f"A4:I{ws.max_row}"
        for rule in cf.rules:
            tints[rule.formula[0]] = rule.dxf.fill.bgColor.rgb[-6:]
    assert tints == {'$D4="错误"': ERROR_FILL[1:], '$D4="警告"': WARNING_FILL[1:]}


def test_user_text_is_never_a_formula(report):
    assert_literal_text(report, SUMMARY_SHEET, {NAME})
    assert_literal_text(report, ISSUES_SHEET, {BAD_CODE, "@城中区", "-3"})


def test_run_info(report, run_result, rubric):
    body = rows(report, INFO_SHEET)
    info = {r[0]: r[1] for r in body if r[0]}
    assert info["规则编号"] == rubric.id and info["规则版本"] == rubric.version
    assert info["规则校验码"] == rubric.content_hash
    assert info["工具版本"].startswith("tuoyu_excel ") and info["规则名称"] == rubric.name
    assert info["评定阶段"] == "机构自评（按“自评得分”列）"
    assert info["评定日期"] == f"{EVAL_DATE.year}年{EVAL_DATE.month}月{EVAL_DATE.day}日"
    assert info["运行开始时间"] == run_result.started.strftime("%Y年%-m月%-d日 %H:%M:%S") and info["输入文件数"] == 4
    assert info["问题数"] == f"{len(run_result.issues)}（错误 7 条，警告 3 条）"
    files = body[body.index(("输入文件", "校验值（SHA-256）", "状态", "机构名称")) + 1:]
    hashes = {r[0]: r[1] for r in files}
    assert hashes == {f.file: f.sha256 for f in run_result.files}
    assert {r[0]: r[2] for r in files} == {f.file: f.status for f in run_result.files}
    assert {r[0]: r[3] for r in files}["b.xlsx"] == NAME
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes.values())


def test_inputs_untouched_and_never_overwrites(run_result, inputs, tmp_path):
    before = {p.name: p.read_bytes() for p in inputs.iterdir()}
    first = write_check_report(run_result, tmp_path / "r.xlsx")
    first_bytes = first.path.read_bytes()
    second = write_check_report(run_result, tmp_path / "r.xlsx")
    assert first.path.name == "r.xlsx" and second.path.name == "r(2).xlsx"
    assert "r(2).xlsx" in second.notice
    assert first.path.read_bytes() == first_bytes
    assert {p.name: p.read_bytes() for p in inputs.iterdir()} == before


def test_city_rubric_and_no_files(tmp_path):
    city = load_rubric("guangxi_demo_city")
    result = pipeline.RunResult(city, city.stages[0].key, EVAL_DATE, [], dt.datetime(2026, 11, 22, 9, 30), 0.0)
    path = write_check_report(result, tmp_path / "city.xlsx").path
    assert rows(path, SUMMARY_SHEET)[2:] == [("文件", "城市名称", "状态", "错误数", "警告数", "综合得分")]
    assert rows(path, SUMMARY_SHEET)[0][0] == "广西婴幼儿照护服务示范城市创建评分——校验报告"
    assert rows(path, ISSUES_SHEET)[2:] == [ISSUE_HEADERS, (NO_ISSUES,) + (None,) * 8]


def test_single_file_run(rubric, inputs, tmp_path):
    shutil.copy(inputs / "c.xlsx", tmp_path / "c.xlsx")
    result = pipeline.run(tmp_path / "c.xlsx", rubric, "self", EVAL_DATE)
    path = write_check_report(result, tmp_path / "out" / "r.xlsx").path
    assert [r[0] for r in rows(path, SUMMARY_SHEET)[3:]] == ["c.xlsx"]
    assert result.files[0].card.total == Decimal(998)
