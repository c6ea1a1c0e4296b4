"""The rubric as an editable workbook (rubric_excel.py): export → import returns an equal rubric;
every problem an official can type is reported with its cell; the closed choices have dropdowns.

Broken workbooks are the literal 东河市 rubric (tests/custom_rubric_rows.py) with a cell or two
changed; each test names the cells it changes and the cells the problems must point at.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from custom_rubric_rows import CUSTOM_ROWS, rows_copy, set_cell, write_book

from tuoyu_excel.errors import RubricError
from tuoyu_excel.intake.rubric_file import (
    SHIPPED,
    check_rubric_workbook,
    is_rubric_workbook,
    load_rubric,
    read_rubric_workbook,
    workbook_problems,
)
from tuoyu_excel.render.rubric_book import write_rubric_workbook


def is_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def broken(tmp_path: Path, changes: list[tuple[str, object]]) -> Path:
    rows = rows_copy()
    for ref, value in changes:
        set_cell(rows, ref, value)
    return write_book(tmp_path / "规则.xlsx", rows)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", SHIPPED)
def test_export_import_round_trip(name, tmp_path):
    rubric = load_rubric(name)
    path = write_rubric_workbook(rubric, tmp_path / f"{name}.xlsx")
    back = read_rubric_workbook(path)
    assert back == rubric
    assert back.content_hash == rubric.content_hash
    assert back.source == path.name
    assert load_rubric(path) == rubric  # every command's --rubric takes the workbook too
    assert check_rubric_workbook(path) == []


def test_hand_typed_workbook_round_trip(tmp_path):
    custom = load_rubric(write_book(tmp_path / "东河.xlsx", CUSTOM_ROWS))
    again = read_rubric_workbook(write_rubric_workbook(custom, tmp_path / "导出.xlsx"))
    assert again == custom and again.content_hash == custom.content_hash


def test_export_is_deterministic(tmp_path):
    rubric = load_rubric("liuzhou_star")
    a = write_rubric_workbook(rubric, tmp_path / "a.xlsx").read_bytes()
    assert write_rubric_workbook(rubric, tmp_path / "b.xlsx").read_bytes() == a


def test_sheets_and_headers(tmp_path):
    wb = openpyxl.load_workbook(write_rubric_workbook(load_rubric("liuzhou_star"), tmp_path / "r.xlsx"))
    assert wb.sheetnames == ["说明", "评分项", "部分", "设置"]
    assert [c.value for c in wb["评分项"][1]] == ["编号", "部分", "项目", "评估内容", "评分标准", "分值", "核心指标",
                                                "否决项", "计分方式", "步长", "可不适用", "评估方式", "佐证材料", "备注",
                                                "不适用条件字段", "不适用条件取值", "条件成立时只能不适用"]
    assert [c.value for c in wb["评分项"][12]][:11] == ["2-01", "2", "证照公示", wb["评分项"]["D12"].value,
                                                       wb["评分项"]["E12"].value, 10, "", "", "按固定分数扣分", 3, "否"]
    assert wb["评分项"]["J21"].value == "3、2"  # 3-06: two deduction steps
    city = openpyxl.load_workbook(write_rubric_workbook(load_rubric("guangxi_demo_city"), tmp_path / "c.xlsx"))
    assert [c.value for c in city["评分项"][1]][17:] == ["分子字段", "分母字段", "倍数", "每单位扣分", "计数字段"]


# ---------------------------------------------------------------- dropdowns


def _validations(ws) -> dict[str, str]:
    """Top-left cell of each list validation -> its source."""
    return {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}


def test_dropdowns_for_closed_choices(tmp_path):
    wb = openpyxl.load_workbook(write_rubric_workbook(load_rubric("liuzhou_star"), tmp_path / "r.xlsx"))
    items = _validations(wb["评分项"])
    assert items["I2"] == '"必备条件(符合/不符合),全有或全无,按固定分数扣分,酌情评分"'  # 计分方式 of a star rubric
    assert items["G2"] == '"★"' and items["H2"] == '"是"' and items["K2"] == '"是,否"'
    assert items["B2"] == "'部分'!$A$2:$A$100"
    settings = wb["设置"]
    rows = {settings.cell(r, 1).value: r for r in range(1, settings.max_row + 1)}
    found = _validations(settings)
    assert found[f"B{rows['类型']}"] == '"星级评定,示范城市创建"'
    assert found[f"B{rows['核心指标得分率口径']}"] == '"合计,逐项"'
    assert found[f"D{rows['【片区】'] + 2}"] == '"按名次,按分数"'
    assert found[f"C{rows['【申报表字段】'] + 2}"].startswith('"文字,统一社会信用代码,县区,')
    city = openpyxl.load_workbook(write_rubric_workbook(load_rubric("guangxi_demo_city"), tmp_path / "c.xlsx"))
    assert '与全区平均水平比较' in _validations(city["评分项"])["I2"]
    assert _validations(city["评分项"])["R2"].startswith("'设置'!$A$")  # 分子字段: the field keys


# ---------------------------------------------------------------- problems, each with its cell

PROBLEMS = [
    # cells that cannot be read
    pytest.param([("评分项!F2", "五十")], ["评分项!F2"], "不小于 0 的数字", id="points-not-a-number"),
    pytest.param([("评分项!F2", -5)], ["评分项!F2"], "不小于 0", id="points-negative"),
    pytest.param([("评分项!F2", True)], ["评分项!F2"], "不小于 0 的数字", id="points-bool"),
    pytest.param([("评分项!C2", None)], ["评分项!C2"], "“项目”未填写", id="title-blank"),
    pytest.param([("评分项!I4", "加分制")], ["评分项!I4"], "“加分制”，不是可选值", id="unknown-rule-kind"),
    pytest.param([("评分项!I4", "与全区平均水平比较")], ["评分项!I4"], "星级评定规则不能用", id="city-rule-in-star-rubric"),
    pytest.param([("评分项!G2", "重要")], ["评分项!G2"], "无法识别", id="unknown-core-mark"),
    pytest.param([("评分项!J4", "5、十")], ["评分项!J4"], "“十”不是大于 0 的数字", id="step-not-a-number"),
    pytest.param([("设置!B4", "县级评定")], ["设置!B4"], "不是可选值", id="unknown-rubric-kind"),
    pytest.param([("设置!B10", "平均")], ["设置!B10"], "合计、逐项", id="unknown-core-rate-reading"),
    pytest.param([("设置!B13", "抽签")], ["设置!B13"], "综合得分、核心指标得分", id="unknown-tie-break"),
    pytest.param([("设置!D29", "抽签")], ["设置!D29"], "按名次、按分数", id="unknown-award"),
    pytest.param([("设置!C30", 1.5)], ["设置!C30"], "应为整数", id="quota-not-integer"),
    pytest.param([("设置!C50", "整型")], ["设置!C50"], "不是可选值", id="unknown-field-type"),
    pytest.param([("设置!A37", "北区")], ["设置!A37"], "片区“北区”不在", id="band-in-unknown-zone"),
    pytest.param([("设置!C34", 1)], ["设置!C34"], "只填“最低分”", id="rank-in-score-band"),
    pytest.param([("设置!A18", "差异提示")], ["设置!A18", "设置!A1"], "不是可识别的项目", id="unknown-setting"),
    pytest.param([("评分项!F1", "分数")], ["评分项!A1"], "找不到“分值”列", id="missing-header"),
    # the renamed title leaves the zone rows under 【评分阶段】: the missing table is reported first
    pytest.param([("设置!A27", "片区")], ["设置!A1", "设置!B27", "设置!C27"], "找不到“【片区】”表", id="missing-table"),
    # the rubric checks (rubric_check.py), pointed at the cells they came from
    pytest.param([("部分!C3", 240)], ["部分!C3", "设置!B7"], "相加为 250", id="part-sum-wrong"),
    pytest.param([("设置!B7", 999)], ["设置!B7"], "相加为 1000", id="total-wrong"),
    pytest.param([("评分项!A3", "1-01")], ["评分项!A3"], "1-01", id="duplicate-item-code"),
    pytest.param([("评分项!B2", "9")], ["评分项!B2", "部分!C2"], "“9”不存在", id="unknown-part"),
    pytest.param([("评分项!J4", None)], ["评分项!J4"], "“步长”列填如 3", id="deduction-without-steps"),
    pytest.param([("评分项!J3", 3)], ["评分项!J3"], "整数倍", id="graded-step-not-dividing"),
    pytest.param([("评分项!H2", "是")], ["评分项!A2", "评分项!B2", "评分项!F2", "评分项!G2"], "（“否决项”填“是”）须且只能用",
                 id="veto-flag-on-scored-item"),
    pytest.param([("设置!A44", "name")], ["设置!A44"], "name", id="duplicate-field-key"),
    pytest.param([("设置!E56", None)], ["设置!E56"], "可选值", id="choice-without-choices"),
    pytest.param([("设置!A25", "self")], ["设置!A25"], "self", id="duplicate-stage"),
    pytest.param([("设置!C25", "自评得分")], ["设置!C25"], "自评得分", id="duplicate-stage-header"),
    pytest.param([("设置!B9", 80)], ["设置!B9"], "0 到 1", id="core-rate-not-a-fraction"),
    pytest.param([("设置!B8", 1200)], ["设置!B8"], "超过了总分", id="pass-mark-over-total"),
    pytest.param([("设置!B14", "is_puhui、is_public")], ["设置!B14"], "“is_public”不存在", id="unknown-field-referenced"),
    pytest.param([("设置!B16", "filed_on")], ["设置!B16"], "“filed_on”不存在", id="unknown-filing-field"),
    pytest.param([("设置!B60", "places")], ["设置!B60"], "“places”不存在", id="limit-unknown-field"),
    pytest.param([("设置!B30", "丙县、甲区")], ["设置!B30"], "“甲区”同时出现在两个片区", id="district-in-two-zones"),
    pytest.param([("设置!E35", 950)], ["设置!E35"], "从高到低", id="score-bands-overlap"),
    pytest.param([("设置!B34", "三星级"), ("设置!B36", "五星级")], ["设置!B34"], "更高的星级", id="score-bands-stars-reversed"),
    pytest.param([("设置!B34", "六星级")], ["设置!B34"], "“六星级”不在", id="unknown-star"),
    pytest.param([("设置!E34", 1200)], ["设置!E34"], "超过了总分", id="band-over-total"),
    pytest.param([("设置!D29", "按名次"), ("设置!C29", 6), ("设置!E34", None), ("设置!E35", None), ("设置!E36", None),
                  ("设置!C34", 1), ("设置!D34", 1), ("设置!C35", 3), ("设置!D35", 3), ("设置!C36", 4), ("设置!D36", 6)],
                 ["设置!C35"], "应从第 2 名开始", id="rank-bands-with-gap"),
    pytest.param([("设置!D29", "按名次"), ("设置!C29", 5), ("设置!E34", None), ("设置!E35", None), ("设置!E36", None),
                  ("设置!C34", 1), ("设置!D34", 1), ("设置!C35", 2), ("设置!D35", 3), ("设置!C36", 4), ("设置!D36", 6)],
                 ["设置!C29"], "各档次合计到第 6 名", id="quota-inconsistent-with-rank-bands"),
]


@pytest.mark.parametrize(("changes", "cells", "fragment"), PROBLEMS)
def test_problem_reported_with_its_cell(tmp_path, changes, cells, fragment):
    path = broken(tmp_path, changes)
    problems = workbook_problems(path)
    assert [p.key for p in problems] == cells
    assert fragment in problems[0].message
    assert all(is_chinese(p.message) and p.source == path.name for p in problems)
    with pytest.raises(RubricError) as info:  # reading raises the first, keyed by its cell
        read_rubric_workbook(path)
    assert (info.value.key, info.value.message) == (problems[0].key, problems[0].message)
    assert str(info.value).startswith(f"规则文件 规则.xlsx 的 {cells[0]}：")


def test_every_cell_problem_is_collected(tmp_path):
    path = broken(tmp_path, [("评分项!F2", "五十"), ("评分项!I4", "加分制"), ("设置!D29", "抽签")])
    assert [p.key for p in workbook_problems(path)] == ["设置!D29", "评分项!F2", "评分项!I4"]
    lines = check_rubric_workbook(path)
    assert len(lines) == 3 and lines[1].startswith("评分项!F2：“分值”填的是“五十”")


def test_every_rubric_problem_is_collected(tmp_path):
    # a sum that does not add up, a district in two zones and overlapping bands, all in one run
    path = broken(tmp_path, [("部分!C3", 240), ("设置!B30", "丙县、甲区"), ("设置!E35", 950)])
    assert [p.key for p in workbook_problems(path)] == ["部分!C3", "设置!B7", "设置!B30", "设置!E35"]


def test_missing_sheet(tmp_path):
    rows = rows_copy()
    del rows["部分"]
    problems = workbook_problems(write_book(tmp_path / "规则.xlsx", rows))
    assert [p.key for p in problems] == ["部分"]
    assert "缺少“部分”工作表" in problems[0].message


def test_not_a_workbook(tmp_path):
    path = tmp_path / "规则.xlsx"
    path.write_text("这不是表格", encoding="utf-8")
    with pytest.raises(RubricError) as info:
        workbook_problems(path)
    assert (info.value.source, info.value.key) == ("规则.xlsx", "文件")
    assert not is_rubric_workbook(path)


# ---------------------------------------------------------------- what officials type that is accepted


@pytest.mark.parametrize(("ref", "value"), [
    ("评分项!B2", "一、基础条件"),  # a part named by its name
    ("评分项!G2", "是"),  # 核心指标 as 是
    ("设置!B9", "80%"),  # 核心指标得分率 as a percentage
    ("设置!B6", 2027.1),  # 版本 typed as a number
    ("评分项!F2", "50"),  # 分值 stored as text
    ("评分项!I2", "graded"),  # the rule kind's English name
])
def test_accepted_spellings(tmp_path, ref, value):
    assert read_rubric_workbook(broken(tmp_path, [(ref, value)])) == load_rubric(write_book(tmp_path / "原.xlsx",
                                                                                            CUSTOM_ROWS))


def test_core_rate_percentage_reads_as_fraction(tmp_path):
    assert read_rubric_workbook(broken(tmp_path, [("设置!B9", "80%")])).star.core_rate == Decimal("0.8")


# ---------------------------------------------------------------- edited in LibreOffice / WPS


@pytest.mark.office
@pytest.mark.parametrize("name", SHIPPED)
def test_round_trip_through_libreoffice(name, tmp_path):
    from office import convert

    rubric = load_rubric(name)
    path = write_rubric_workbook(rubric, tmp_path / f"{name}.xlsx")
    resaved = convert(path, "xlsx", tmp_path / "lo")
    assert read_rubric_workbook(resaved) == rubric
    assert read_rubric_workbook(resaved).content_hash == rubric.content_hash
    ods = convert(path, "ods", tmp_path / "lo")  # calamine reads .ods (and .xls) the same way
    assert read_rubric_workbook(ods) == rubric


@pytest.mark.parametrize("text", ["多行\n文字", "=SUM(A1)", "_x0041_ 字面", "制表\t符", "控制\x01符", "'引号", "😀",
                                  "1.50", "0012"])
def test_awkward_text_round_trips(tmp_path, text):
    rubric = load_rubric("liuzhou_star")
    items = list(rubric.items)
    items[11] = dataclasses.replace(items[11], criteria=text, note=text, evidence=text)
    changed = dataclasses.replace(rubric, items=tuple(items))
    assert read_rubric_workbook(write_rubric_workbook(changed, tmp_path / "r.xlsx")) == changed


def test_unknown_rule_offers_the_rules_of_its_kind(tmp_path):
    [problem] = workbook_problems(broken(tmp_path, [("评分项!I4", "加分制")]))
    assert problem.message.endswith("请从下拉列表选择：必备条件(符合/不符合)、全有或全无、按固定分数扣分、酌情评分")


def test_review_minimum_scores_are_rubric_data_outside_the_hash(tmp_path):
    """复审 “合格”: every rating condition holds, and optionally a minimum 综合得分 per star (none by default).
    It judges a review, not a rating: the template (content_hash) does not change with it."""
    rubric = load_rubric("liuzhou_star")
    assert rubric.star.review_min_scores == () and rubric.star.review_min_score("二星级") is None
    mins = tuple(Decimal(v) for v in ("750", "800", "850.5"))
    stricter = dataclasses.replace(rubric, star=dataclasses.replace(rubric.star, review_min_scores=mins))
    back = read_rubric_workbook(write_rubric_workbook(stricter, tmp_path / "复审.xlsx"))
    assert back.star.review_min_scores == mins and back.star.review_min_score("三星级") == Decimal("850.5")
    assert back.content_hash == rubric.content_hash
    wrong = dataclasses.replace(rubric, star=dataclasses.replace(rubric.star, review_min_scores=mins[:2]))
    with pytest.raises(RubricError, match="应为 3 个分数"):
        read_rubric_workbook(write_rubric_workbook(wrong, tmp_path / "少一个.xlsx"))
