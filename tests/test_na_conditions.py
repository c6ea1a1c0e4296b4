"""A rule across the form and the table, declared in the rubric: an item's 不适用 condition (``na_when``).

The researched default 评分表 (shared/reference/liuzhou_star_rubric_default.csv), item 1-05 供餐资质:
“自行加工膳食的取得《食品经营许可证》；外购餐食的，供餐单位具备相应资质并签订供餐协议。不供餐的此项不适用。”
and its README: “不适用 (not applicable) for items that can't apply (e.g. no meals served), with the total
re-based”. Issue 17 (5): “供餐方式 = 不供餐 makes 1-05 不适用 the only valid answer and allows 不适用 on
4-07/4-09; any other 供餐方式 with 1-05 不适用 is an error naming both cells.” The shipped rubric says so
with ``na_when = { field = "meals", equals = ["不供餐"], only = true }`` on 1-05; 4-07 and 4-09 keep their
plain ``allow_na`` (不适用 whatever the 供餐方式, as before: 4-09 also covers an institution without a 乳儿班).

Here: the rubric as loaded and self-checked; validation (codes and cells, messages naming both cells);
scoring of valid inputs unchanged; the template text; the TOML dump; the rubric workbook round trip and an
official's edit in it; a different rubric declaring its own condition on another field.
"""

from __future__ import annotations

import dataclasses
import tomllib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from custom_rubric_rows import rows_copy, set_cell, write_book
from support.star import (
    EVAL_DATE,
    STAR,
    field_cell,
    filled,
    full_scores,
    keys,
    raw_workbook,
    score_cell,
    valid_form,
)

from tuoyu_excel.cli.main import main
from tuoyu_excel.core.pipeline import process_file
from tuoyu_excel.core.scoring import score
from tuoyu_excel.errors import RubricError
from tuoyu_excel.intake.rubric_file import load_rubric, read_rubric_workbook, workbook_problems
from tuoyu_excel.intake.validate import validate
from tuoyu_excel.issues import ERROR, TITLES, IssueLog
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.rubric_book import write_rubric_workbook
from tuoyu_excel.render.template.workbook import write_template
from tuoyu_excel.spec.check import rubric_problems
from tuoyu_excel.spec.dump import dump_rubric_toml
from tuoyu_excel.spec.load import rubric_from_dict, shipped_path
from tuoyu_excel.spec.model import NaCondition

D = Decimal
F = "内存.xlsx"
NA = "不适用"


def form(meals: str) -> dict[str, object]:
    return {**valid_form(1), "meals": meals}


def check(meals: str, values: dict[str, object], stage: str = "city", rubric=STAR, the_form=None):
    """Validate `stage` of a workbook whose form says `meals` and whose `stage` column holds `values`."""
    scores = full_scores(rubric)
    scores[stage].update(values)
    raw = raw_workbook(rubric, the_form or form(meals), scores, {c: "原因" for c in values}, file=F)
    log = IssueLog(F)
    return validate(raw, rubric, stage, EVAL_DATE, log), log


def sc(code: str, stage: str = "city", rubric=STAR) -> str:
    return f"{layout.SCORE_SHEET}!{score_cell(rubric, stage, code)}"


# ---------------------------------------------------------------- the shipped rubric


def test_shipped_rule_is_data():
    assert STAR.item_by_code["1-05"].na_when == NaCondition("meals", ("不供餐",), only=True)
    assert STAR.item_by_code["1-05"].allow_na
    for code in ("4-07", "4-09"):
        assert STAR.item_by_code[code].allow_na and STAR.item_by_code[code].na_when is None
    assert [i.code for i in STAR.items if i.na_when] == ["1-05"]
    assert STAR.options_of("meals") == ("自行加工", "外购餐食", "不供餐")
    assert STAR.options_of("is_puhui") == ("是", "否") and STAR.options_of("capacity") == ()


def test_conditions_are_not_part_of_the_content_hash():
    """Checked when a workbook is read, no template cell depends on them: templates already sent out stay valid."""
    items = tuple(dataclasses.replace(i, na_when=None) for i in STAR.items)
    assert dataclasses.replace(STAR, items=items).content_hash == STAR.content_hash
    assert dataclasses.replace(STAR, items=items) != STAR


# ---------------------------------------------------------------- rubric self-checks


def star_data() -> dict:
    return tomllib.loads(shipped_path("liuzhou_star").read_text(encoding="utf-8"))


def item(data: dict, code: str) -> dict:
    return next(t for t in data["items"] if t["code"] == code)


def set_condition(code: str, condition) -> dict:
    data = star_data()
    item(data, code)["na_when"] = condition
    return data


@pytest.mark.parametrize(("data", "key", "fragments"), [
    pytest.param(set_condition("1-05", {"field": "meal", "equals": ["不供餐"]}), "items[编号=1-05].na_when.field",
                 ["1-05", "“meal”", "不在申报表"], id="unknown-field"),
    pytest.param(set_condition("1-05", {"field": "meals", "equals": ["不提供"]}), "items[编号=1-05].na_when.equals",
                 ["1-05", "“不提供”", "供餐方式", "自行加工、外购餐食、不供餐"], id="value-not-a-choice"),
    pytest.param(set_condition("1-05", {"field": "meals", "equals": []}), "items[编号=1-05].na_when.equals",
                 ["1-05", "没有列出取值"], id="no-values"),
    pytest.param(set_condition("1-01", {"field": "meals", "equals": ["不供餐"]}), "items[编号=1-01].na_when",
                 ["1-01", "不可填“不适用”", "allow_na"], id="item-without-allow-na"),
    pytest.param(set_condition("4-07", {"field": "capacity", "equals": ["0"]}), "items[编号=4-07].na_when.field",
                 ["4-07", "备案托位数", "没有固定的可选值"], id="open-field"),
    pytest.param(set_condition("4-07", {"field": "previous_star", "equals": ["无"]}), "items[编号=4-07].na_when.field",
                 ["4-07", "原星级", "选填"], id="optional-field"),
])
def test_a_broken_condition_is_a_rubric_error_naming_the_item(data, key, fragments):
    with pytest.raises(RubricError) as info:
        rubric_from_dict(data, "测试.toml")
    assert (info.value.source, info.value.key) == ("测试.toml", key)
    assert all(f in info.value.message for f in fragments), info.value.message


@pytest.mark.parametrize(("condition", "key", "fragment"), [
    ("meals", "items[编号=1-05].na_when", 'field = "meals"'),
    ({"field": "meals", "equals": ["不供餐"], "when": "always"}, "items[编号=1-05].na_when.when", "field、equals、only"),
    ({"equals": ["不供餐"]}, "items[编号=1-05].na_when.field", "缺少此项"),
    ({"field": "meals", "equals": [1]}, "items[编号=1-05].na_when.equals", "文字列表"),
    ({"field": "meals", "equals": ["不供餐"], "only": "是"}, "items[编号=1-05].na_when.only", "true 或 false"),
])
def test_a_malformed_condition_is_refused_when_read(condition, key, fragment):
    with pytest.raises(RubricError) as info:
        rubric_from_dict(set_condition("1-05", condition), "测试.toml")
    assert info.value.key == key and fragment in info.value.message


def test_one_value_may_be_written_without_brackets():
    rubric = rubric_from_dict(set_condition("1-05", {"field": "meals", "equals": "不供餐", "only": True}), "x")
    assert rubric == STAR


def test_every_condition_problem_is_listed():
    def condition(i):
        return {"1-05": NaCondition("meals", ("不提供",)), "1-01": NaCondition("meal", ("x",))}.get(i.code, i.na_when)

    broken = dataclasses.replace(STAR, items=tuple(dataclasses.replace(i, na_when=condition(i)) for i in STAR.items))
    assert [p.key for p in rubric_problems(broken)] == [
        "items[编号=1-01].na_when", "items[编号=1-01].na_when.field", "items[编号=1-05].na_when.equals"]


# ---------------------------------------------------------------- validation


def test_no_meals_and_1_05_not_applicable_is_clean():
    sub, log = check("不供餐", {"1-05": NA})
    assert log.items == [] and sub.scores["city"]["1-05"] == NA


@pytest.mark.parametrize("typed", ["符合", "不符合"])
def test_no_meals_and_1_05_answered_is_an_error_naming_both_cells(typed):
    sub, log = check("不供餐", {"1-05": typed})
    assert keys(log) == [("NA_REQUIRED", F, sc("1-05"))]
    [issue] = log.items
    assert issue.severity == ERROR and (issue.found, issue.expected) == (typed, NA)
    form_cell = f"“申报表”工作表 {field_cell(STAR, 'meals')} 单元格"
    assert issue.message == (f"{form_cell}的“供餐方式”填的是“不供餐”，1-05 供餐资质只能填“不适用”，现为“{typed}”。"
                             f"请把本项改为“不适用”；如果是“供餐方式”填错了，请改正{form_cell}")
    assert issue.text.startswith(f"{F} “评分表”工作表 {score_cell(STAR, 'city', '1-05')} 单元格：")
    assert sub.scores["city"]["1-05"] is None


@pytest.mark.parametrize("meals", ["自行加工", "外购餐食"])
def test_meals_served_and_1_05_not_applicable_is_an_error_naming_both_cells(meals):
    sub, log = check(meals, {"1-05": "N/A"})  # typed as people do: read as 不适用
    assert keys(log) == [("NA_CONDITION_UNMET", F, sc("1-05"))]
    [issue] = log.items
    form_cell = f"“申报表”工作表 {field_cell(STAR, 'meals')} 单元格"
    assert (issue.found, issue.expected) == (NA, "不供餐")
    assert issue.message == (f"1-05 供餐资质填的是“不适用”，但{form_cell}的“供餐方式”填的是“{meals}”，"
                             "只有“供餐方式”为“不供餐”时本项才能填“不适用”。请按评分标准填写本项；"
                             f"如果是“供餐方式”填错了，请改正{form_cell}")
    assert issue.title == TITLES["NA_CONDITION_UNMET"] == "不适用与申报表不符"
    assert TITLES["NA_REQUIRED"] == "应填不适用"
    assert sub.scores["city"]["1-05"] is None


@pytest.mark.parametrize("values", [{"4-07": NA}, {"4-09": NA}, {"4-07": NA, "4-09": NA}, {"4-07": 20}])
def test_no_meals_allows_not_applicable_on_4_07_and_4_09(values):
    _, log = check("不供餐", {"1-05": NA, **values})
    assert log.items == []


@pytest.mark.parametrize("code", ["4-07", "4-09"])
def test_4_07_and_4_09_stay_not_applicable_whatever_the_meals(code):
    """As before this rule: their allow_na has no condition (a rubric can add one: see the workbook edit below)."""
    _, log = check("自行加工", {code: NA})
    assert log.items == []


def test_only_the_stage_being_scored_is_judged():
    scores = full_scores(STAR)
    scores["self"]["1-05"] = "符合"  # the institution's own answer, compared only
    scores["county"]["1-05"] = NA
    raw = raw_workbook(STAR, form("不供餐"), scores, file=F)
    log = IssueLog(F)
    sub = validate(raw, STAR, "county", EVAL_DATE, log)
    assert log.items == [] and sub.scores["self"]["1-05"] == "符合"


def test_a_form_value_that_does_not_read_leaves_the_condition_unjudged():
    _, log = check("食堂", {"1-05": NA})
    assert keys(log) == [("FIELD_CHOICE", F, f"申报表!{field_cell(STAR, 'meals')}")]
    _, log = check("", {"1-05": "符合"})
    assert keys(log) == [("VALUE_REQUIRED", F, f"申报表!{field_cell(STAR, 'meals')}")]


def test_rebasing_of_a_valid_no_meals_submission_is_unchanged():
    """折算分 = 实得分 ÷ 应得分 × 1000: 4-07 (core, 20) and 4-09 (15) 不适用 → 应得 965; 2-03 loses 10 → 955."""
    sub, log = check("不供餐", {"1-05": NA, "4-07": NA, "4-09": NA, "2-03": 10}, stage="self")
    assert log.items == []
    card = score(sub, STAR, "self")
    assert (card.earned, card.possible, card.total) == (D(955), D(965), D("989.64"))
    assert (card.core, card.core_possible) == (D(410), D(410)) and card.failed_veto == []


def test_in_real_workbooks(tmp_path):
    scores = full_scores(STAR)
    for stage in scores.values():
        stage["1-05"] = NA
    good = process_file(filled(tmp_path / "不供餐.xlsx", form=form("不供餐"), scores=scores), STAR, "city", EVAL_DATE)
    assert good.issues == [] and good.card is not None
    bad = process_file(filled(tmp_path / "自行加工.xlsx", form=form("自行加工"), scores=scores), STAR, "city", EVAL_DATE)
    assert [i.key() for i in bad.issues] == [("NA_CONDITION_UNMET", "自行加工.xlsx", sc("1-05"))]
    assert bad.card is None


# ---------------------------------------------------------------- the template says it, from the data


def template_texts(path: Path) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """(guide lines, item code -> 评分标准 cell, top-left stage cell -> input message) of a template."""
    wb = openpyxl.load_workbook(path)
    guide = [v for row in wb[layout.GUIDE_SHEET].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    ws = wb[layout.SCORE_SHEET]
    headers = [c.value for c in ws[layout.SCORE_HEADER_ROW + 1]]
    code_col, criteria_col = headers.index(layout.H_CODE), headers.index(layout.H_CRITERIA)
    criteria = {row[code_col].value: row[criteria_col].value for row in ws.iter_rows(min_row=layout.SCORE_FIRST_ROW + 1)
                if row[code_col].value}
    prompts = {str(dv.sqref).split(":")[0]: dv.prompt for dv in ws.data_validations.dataValidation}
    return guide, criteria, prompts


def test_star_template_text_comes_from_the_condition(tmp_path):
    guide, criteria, prompts = template_texts(write_template(STAR, tmp_path))
    rule = "申报表“供餐方式”为“不供餐”时须填“不适用”，其他情况不能填“不适用”"
    assert any(f"（1-05 供餐资质：{rule}）" in line for line in guide)
    assert criteria["1-05"].endswith(f"（{rule}）")
    assert prompts[score_cell(STAR, "self", "1-05")] == f"请从下拉列表选择：符合/不符合/不适用。{rule}。"
    assert criteria["4-07"].endswith("（可填“不适用”）")  # no condition: as before
    changed = dataclasses.replace(STAR, items=tuple(
        dataclasses.replace(i, na_when=NaCondition("meals", ("外购餐食", "不供餐"))) if i.code in ("1-05", "4-07")
        else i for i in STAR.items))
    guide, criteria, prompts = template_texts(write_template(changed, tmp_path / "changed"))
    rule = "仅申报表“供餐方式”为“外购餐食”或“不供餐”时可填“不适用”"
    assert criteria["1-05"].endswith(f"（{rule}）") and criteria["4-07"].endswith(f"（{rule}）")
    assert f"；{rule}。" in prompts[score_cell(STAR, "self", "4-07")]
    assert any(line.endswith(f"取决于“申报表”的填写：4-07 膳食营养{rule}。") for line in guide)


def test_a_long_condition_keeps_the_input_message_within_excel_s_cap(tmp_path):
    label = "供餐方式" + "（按实际情况填写）" * 20
    fields = tuple(dataclasses.replace(f, label=label) if f.key == "meals" else f for f in STAR.form)
    items = tuple(dataclasses.replace(i, na_when=NaCondition("meals", ("不供餐",))) if i.code == "4-07" else i
                  for i in STAR.items)
    rubric = dataclasses.replace(STAR, form=fields, items=items)
    assert rubric_problems(rubric) == []
    _, criteria, prompts = template_texts(write_template(rubric, tmp_path))  # XlsxWriter would drop a long one
    assert label in criteria["4-07"] and label in criteria["1-05"]
    assert "何时填“不适用”见“评分标准”列" in prompts[score_cell(STAR, "self", "4-07")]
    assert "何时填“不适用”见“评分标准”列" in prompts[score_cell(STAR, "self", "1-05")]


# ---------------------------------------------------------------- TOML dump


def test_dump_writes_the_condition_back():
    text = dump_rubric_toml(STAR)
    assert 'na_when = { field = "meals", equals = ["不供餐"], only = true }' in text
    assert rubric_from_dict(tomllib.loads(text), "x") == STAR
    loose = dataclasses.replace(STAR, items=tuple(
        dataclasses.replace(i, na_when=NaCondition("meals", ("外购餐食", "不供餐"))) if i.code == "4-07" else i
        for i in STAR.items))
    text = dump_rubric_toml(loose)
    assert 'na_when = { field = "meals", equals = ["外购餐食", "不供餐"] }' in text
    assert rubric_from_dict(tomllib.loads(text), "x") == loose


def test_the_shipped_file_documents_the_key():
    text = shipped_path("liuzhou_star").read_text(encoding="utf-8")
    assert "# na_when = { field = \"字段代码\", equals = [\"取值\", ...], only = true }：不适用条件" in text


# ---------------------------------------------------------------- the rubric workbook


def items_sheet_rows(path: Path) -> tuple[openpyxl.Workbook, dict[str, int], dict[str, int]]:
    wb = openpyxl.load_workbook(path)
    ws = wb["评分项"]
    cols = {c.value: c.column for c in ws[1]}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    return wb, cols, rows


def test_the_condition_round_trips_through_the_workbook(tmp_path):
    path = write_rubric_workbook(STAR, tmp_path / "规则.xlsx")
    wb, cols, rows = items_sheet_rows(path)
    ws = wb["评分项"]
    r = rows["1-05"]
    assert [ws.cell(r, cols[h]).value for h in ("可不适用", "不适用条件字段", "不适用条件取值", "条件成立时只能不适用")] == [
        "是", "meals", "不供餐", "是"]
    assert not any(ws.cell(rows["4-07"], cols[h]).value for h in ("不适用条件字段", "不适用条件取值", "条件成立时只能不适用"))
    found = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    field_col = openpyxl.utils.get_column_letter(cols["不适用条件字段"])
    only_col = openpyxl.utils.get_column_letter(cols["条件成立时只能不适用"])
    assert found[f"{field_col}2"].startswith("'设置'!$A$") and found[f"{only_col}2"] == '"是,否"'
    guide = " ".join(str(v) for row in wb["说明"].iter_rows(values_only=True) for v in row if v)
    assert "例：1-05 供餐资质 填 meals、不供餐、是。" in guide
    assert read_rubric_workbook(path) == STAR


def test_an_official_edits_the_condition_in_the_workbook(tmp_path, capsys):
    """Export, change the cells as an official would (a field by its name too), import, use."""
    xlsx, toml = tmp_path / "规则.xlsx", tmp_path / "规则.toml"
    assert main(["rubric", "export", "liuzhou_star", "-o", str(xlsx)]) == 0
    wb, cols, rows = items_sheet_rows(xlsx)
    ws = wb["评分项"]
    ws.cell(rows["4-07"], cols["不适用条件字段"]).value = "供餐方式"  # the field's name: read as its code
    ws.cell(rows["4-07"], cols["不适用条件取值"]).value = "不供餐"
    for h in ("不适用条件字段", "不适用条件取值", "条件成立时只能不适用"):  # 1-05: the condition cleared
        ws.cell(rows["1-05"], cols[h]).value = None
    wb.save(xlsx)
    assert main(["rubric", "import", str(xlsx), "-o", str(toml)]) == 0
    assert "已导入规则" in capsys.readouterr().out
    rubric = load_rubric(toml)
    assert rubric == read_rubric_workbook(xlsx)
    assert rubric.item_by_code["4-07"].na_when == NaCondition("meals", ("不供餐",))
    assert rubric.item_by_code["1-05"].na_when is None
    assert 'na_when = { field = "meals", equals = ["不供餐"] }' in toml.read_text(encoding="utf-8")
    assert rubric.content_hash == STAR.content_hash  # templates already sent out stay valid
    _, log = check("自行加工", {"4-07": NA, "1-05": NA}, rubric=rubric)
    assert keys(log) == [("NA_CONDITION_UNMET", F, sc("4-07", rubric=rubric))]
    _, log = check("不供餐", {"4-07": 18, "1-05": "符合"}, rubric=rubric)
    assert log.items == []


@pytest.mark.parametrize(("cells", "where", "fragment"), [
    ({"不适用条件字段": "餐"}, "不适用条件字段", "“餐”不在申报表（基础数据）字段中（“设置”表中的“字段代码”，也可填字段名称）"),
    ({"不适用条件取值": "不提供"}, "不适用条件取值", "“不适用条件取值”只能填（多个用“、”分隔）：自行加工、外购餐食、不供餐"),
    ({"可不适用": "否"}, "不适用条件字段", "请把“可不适用”改为“是”，或清空本行的"),
    ({"不适用条件字段": None}, "不适用条件字段", "“不适用条件字段”未填"),
    ({"条件成立时只能不适用": "也许"}, "条件成立时只能不适用", "无法识别"),
])
def test_workbook_problems_point_at_the_condition_cells(tmp_path, cells, where, fragment):
    path = write_rubric_workbook(STAR, tmp_path / "规则.xlsx")
    wb, cols, rows = items_sheet_rows(path)
    for header, value in cells.items():
        wb["评分项"].cell(rows["1-05"], cols[header]).value = value
    wb.save(path)
    [problem] = workbook_problems(path)
    assert problem.key == f"评分项!{openpyxl.utils.get_column_letter(cols[where])}{rows['1-05']}"
    assert fragment in problem.message, problem.message


# ---------------------------------------------------------------- another rubric, its own condition


def donghe_with_condition(tmp_path: Path) -> Path:
    """The 东河市 rubric typed into Excel (custom_rubric_rows), plus a form field 是否提供膳食 and, on 3-03
    膳食营养 and 3-04 食品留样, conditions on it: 3-03 may be 不适用 when no meals are served, 3-04 must be."""
    rows = rows_copy()
    rows["评分项"][0] += ["不适用条件字段", "不适用条件取值", "条件成立时只能不适用"]
    set_cell(rows, "设置!A57", "meals_served")
    for ref, value in (("B57", "是否提供膳食"), ("C57", "是否"), ("D57", "是"), ("G57", "四、申报")):
        set_cell(rows, f"设置!{ref}", value)
    for row, only in ((14, "否"), (15, "是")):  # 3-03, 3-04
        for col, value in (("K", "是"), ("N", "是否提供膳食"), ("O", "否"), ("P", only)):
            set_cell(rows, f"评分项!{col}{row}", value)
    return write_book(tmp_path / "东河规则.xlsx", rows)


def donghe_form(meals_served: str) -> dict[str, object]:
    base = valid_form(5)
    return {**{k: base[k] for k in ("name", "credit_code", "filing_date", "start_date", "capacity", "enrolled")},
            "district": "甲区", "is_puhui": "是", "gov_price": "是", "decl_credit": "否", "decl_abuse": "否",
            "decl_accident": "否", "decl_dispute": "否", "meals_served": meals_served}


def test_another_rubric_declares_its_own_condition(tmp_path):
    rubric = load_rubric(donghe_with_condition(tmp_path))
    assert rubric.item_by_code["3-03"].na_when == NaCondition("meals_served", ("否",))
    assert rubric.item_by_code["3-04"].na_when == NaCondition("meals_served", ("否",), only=True)

    def run(meals_served: str, values: dict[str, object]):
        return check("", values, stage="review", rubric=rubric, the_form=donghe_form(meals_served))

    sub, log = run("否", {"3-03": NA, "3-04": NA})
    assert log.items == []
    card = score(sub, rubric, "review")
    assert (card.possible, card.earned, card.total) == (D(900), D(900), D(1000))
    _, log = run("否", {"3-03": 40, "3-04": NA})  # 3-03 may still be scored
    assert log.items == []
    _, log = run("否", {"3-04": 50})
    assert keys(log) == [("NA_REQUIRED", F, sc("3-04", "review", rubric))]
    assert "“申报表”工作表" in log.items[0].message and "“是否提供膳食”填的是“否”" in log.items[0].message
    _, log = run("是", {"3-03": NA, "3-04": NA})
    assert keys(log) == [("NA_CONDITION_UNMET", F, sc("3-03", "review", rubric)),
                         ("NA_CONDITION_UNMET", F, sc("3-04", "review", rubric))]
    guide, criteria, _ = template_texts(write_template(rubric, tmp_path / "t"))
    assert criteria["3-03"].endswith("（仅申报表“是否提供膳食”为“否”时可填“不适用”）")
    assert any("以下项目能否填“不适用”取决于“申报表”的填写：3-03 膳食营养仅申报表“是否提供膳食”为“否”时可填“不适用”；"
               "3-04 食品留样申报表“是否提供膳食”为“否”时须填“不适用”，其他情况不能填“不适用”。" in line for line in guide)
