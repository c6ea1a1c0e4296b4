"""Validation of one stage: raw cells → typed Submission + located issues.

Inputs are in-memory RawWorkbooks laid out exactly like the template (support.star.raw_workbook),
so every issue cell below is the cell a person would look at in Excel.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.star import (
    CITY,
    EVAL_DATE,
    STAR,
    city_form,
    field_cell,
    full_scores,
    keys,
    note_cell,
    raw_workbook,
    score_cell,
    valid_form,
)

from tuoyu_excel.intake import validate as validate_module
from tuoyu_excel.intake.credit_code import make_credit_code
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.intake.validate import _accepted_values, _clean_value, accepted_score, validate
from tuoyu_excel.issues import ERROR, WARNING, IssueLog

D = Decimal
F = "内存.xlsx"
FORM = "申报表"
SCORE = "评分表"


def check(stage="self", form=None, scores=None, notes=None, rubric=STAR, eval_date=EVAL_DATE):
    raw = raw_workbook(rubric, form, scores, notes, file=F)
    log = IssueLog(F)
    return validate(raw, rubric, stage, eval_date, log), log


def with_scores(stage_values: dict[str, dict[str, object]], rubric=STAR, stages=None):
    scores = full_scores(rubric, stages)
    for stage, values in stage_values.items():
        scores.setdefault(stage, {}).update(values)
    return scores


def sc(stage: str, code: str, rubric=STAR) -> str:
    return f"{SCORE}!{score_cell(rubric, stage, code)}"


def fc(key: str, rubric=STAR) -> str:
    return f"{layout_form(rubric)}!{field_cell(rubric, key)}"


def layout_form(rubric) -> str:
    return FORM if rubric.kind == "star" else "基础数据"


# ---- a clean workbook ---------------------------------------------------------------------------

def test_full_marks_validate_clean_for_every_stage():
    for stage in ("self", "county", "city"):
        sub, log = check(stage)
        assert log.items == []
        stages = ["self", "county", "city"]
        assert list(sub.scores) == stages[: stages.index(stage) + 1]  # later stages are not read
        assert sub.scores[stage]["2-03"] == D(20)
        assert sub.scores[stage]["1-01"] == "符合"
        assert isinstance(sub.form["capacity"], Decimal) and sub.form["filing_date"] == dt.date(2022, 3, 1)
        assert f"score:{stage}:2-03" not in sub.cells  # kept only for items the tool computes (city)
        assert sub.cells["field:name"] == fc("name")


# ---- stages: only the chosen one is required ---------------------------------------------------

def test_stage_column_is_required_earlier_ones_are_only_compared():
    scores = full_scores(STAR, ("county",))  # 自评 column left empty, 市级核验 too
    scores["county"]["2-03"] = ""
    sub, log = check("county", scores=scores)
    assert keys(log) == [("VALUE_REQUIRED", F, sc("county", "2-03"))]
    assert sub.scores["self"]["2-03"] is None  # blank earlier stage: no issue, nothing to compare
    assert sub.scores["county"]["2-03"] is None


def test_every_veto_and_scored_item_is_required():
    scores = {"self": {}}
    sub, log = check("self", scores=scores)
    assert {i.code for i in log.items} == {"VALUE_REQUIRED"}
    assert len(log.items) == len(STAR.items) == 68


def test_bad_value_in_an_earlier_stage_is_a_warning_and_ignored():
    scores = with_scores({"self": {"2-03": "八", "2-01": 8}})
    sub, log = check("county", scores=scores)
    assert keys(log) == [("EARLIER_STAGE_VALUE", F, sc("self", "2-01")),
                         ("EARLIER_STAGE_VALUE", F, sc("self", "2-03"))]
    assert all(i.severity == WARNING for i in log.items)
    assert sub.scores["self"]["2-03"] is None and sub.scores["self"]["2-01"] is None


def test_later_stage_is_not_read():
    scores = with_scores({"city": {"2-03": "乱填", "1-01": "?"}})
    sub, log = check("county", scores=scores)
    assert log.items == [] and "city" not in sub.scores


# ---- each value allowed by the item's rule -------------------------------------------------------

@pytest.mark.parametrize(("code", "typed", "issue", "value"), [
    # graded: 0..分值 on a 0.5 grid
    ("2-03", 8.5, None, D("8.5")),
    ("2-03", 0, None, D(0)),
    ("2-03", 8.499999999999, None, D("8.5")),  # a float artefact
    ("2-03", 20.5, "SCORE_OVER_MAX", None),
    ("2-03", -1, "SCORE_NEGATIVE", None),
    ("2-03", 8.3, "SCORE_STEP", None),
    # deduction: 分值 minus whole steps (2-01: 10, step 3 → 10/7/4/1/0; 3-06: 20, steps 3 and 2)
    ("2-01", 7, None, D(7)),
    ("2-01", 1, None, D(1)),
    ("2-01", 8, "SCORE_NOT_ALLOWED", None),
    ("2-01", 7.5, "SCORE_NOT_ALLOWED", None),
    ("3-06", 15, None, D(15)),
    ("3-06", 19, "SCORE_NOT_ALLOWED", None),
    ("3-06", 25, "SCORE_OVER_MAX", None),
    # all or nothing (7-10: 10)
    ("7-10", 0, None, D(0)),
    ("7-10", 5, "SCORE_NOT_ALLOWED", None),
    # 不适用 only where allowed (4-07 may be; 2-03 may not)
    ("4-07", "不适用", None, "不适用"),
    ("2-03", "不适用", "NA_NOT_ALLOWED", None),
    # as people type
    ("2-03", "八", "SCORE_NOT_NUMBER", None),
    ("2-03", "8-9", "SCORE_NOT_NUMBER", None),
    ("2-03", "#REF!", "SCORE_FORMULA_ERROR", None),
    ("2-03", dt.datetime(2024, 8, 5), "SCORE_IS_DATE", None),
    # 必备条件
    ("1-01", "不符合", None, "不符合"),
    ("1-01", "基本符合", "VETO_VALUE", None),
    ("1-01", "不适用", "NA_NOT_ALLOWED", None),
    ("1-05", "不适用", "NA_CONDITION_UNMET", None),  # 供餐方式 自行加工 (valid_form): see test_na_conditions.py
    ("1-01", 5, "VETO_VALUE", None),
])
def test_item_rules(code, typed, issue, value):
    scores = with_scores({"self": {code: typed}})
    notes = {code: "扣分原因"}
    sub, log = check("self", scores=scores, notes=notes)
    assert keys(log) == ([(issue, F, sc("self", code))] if issue else [])
    assert all(i.severity == ERROR for i in log.items)
    assert sub.scores["self"][code] == value


@pytest.mark.parametrize(("typed", "code", "value"), [
    ("8", "SCORE_TEXT_NUMBER", D(8)),
    ("８.５", "SCORE_TEXT_NUMBER", D("8.5")),
    ("8分", "SCORE_WITH_UNIT", D(8)),
    (" 8.5\u00a0", "SCORE_TEXT_NUMBER", D("8.5")),
])
def test_text_numbers_are_used_with_a_warning(typed, code, value):
    sub, log = check("self", scores=with_scores({"self": {"2-03": typed}}), notes={"2-03": "原因"})
    assert keys(log) == [(code, F, sc("self", "2-03"))]
    assert log.items[0].severity == WARNING
    assert sub.scores["self"]["2-03"] == value


def test_text_number_that_breaks_the_rule_is_still_an_error():
    _, log = check("self", scores=with_scores({"self": {"2-03": "25分"}}))
    assert keys(log) == [("SCORE_OVER_MAX", F, sc("self", "2-03")), ("SCORE_WITH_UNIT", F, sc("self", "2-03"))]


def test_issue_record_has_location_found_expected_and_chinese_message():
    _, log = check("self", scores=with_scores({"self": {"2-03": 25}}))
    issue = log.items[0]
    assert (issue.code, issue.severity, issue.file, issue.sheet, issue.cell, issue.row) == (
        "SCORE_OVER_MAX", ERROR, F, SCORE, score_cell(STAR, "self", "2-03"),
        int(score_cell(STAR, "self", "2-03")[1:]))
    assert (issue.found, issue.expected) == ("25", "20")
    assert issue.message == "得分 25 超过本项满分 20。请核对后重新填写"
    assert issue.text.startswith(f"{F} “评分表”工作表 {issue.cell} 单元格：")


# ---- 扣分说明 --------------------------------------------------------------------------------------

def test_lost_points_without_a_note_is_a_warning_at_the_note_cell():
    scores = with_scores({"self": {"2-03": 18, "2-01": 7, "1-03": "不符合", "4-07": "不适用"}})
    _, log = check("self", scores=scores, notes={"2-01": "缺少登记证书复印件"})
    assert keys(log) == sorted([("NOTE_MISSING", F, f"{SCORE}!{note_cell(STAR, '1-03')}"),
                                ("NOTE_MISSING", F, f"{SCORE}!{note_cell(STAR, '2-03')}")])
    assert all(i.severity == WARNING for i in log.items)


def test_note_is_not_asked_for_an_earlier_stage():
    scores = with_scores({"self": {"2-03": 18}})
    _, log = check("county", scores=scores)
    assert log.items == []


# ---- 申报表 ----------------------------------------------------------------------------------------

def form_with(**changes):
    return {**valid_form(1), **changes}


@pytest.mark.parametrize(("key", "typed", "code"), [
    ("credit_code", "91450200MA5K00001", "FIELD_CREDIT_CODE"),  # 17 characters
    ("credit_code", make_credit_code("91450200MA5K00001")[:-1] + "Y", "FIELD_CREDIT_CODE"),  # wrong check char
    ("credit_code", "91450200MA5K0000IX", "FIELD_CREDIT_CODE"),  # I is not in the character set
    ("district", "柳州市", "FIELD_CHOICE"),
    ("district", "城中", "FIELD_CHOICE"),
    ("filing_date", "2023-02-30", "FIELD_DATE"),
    ("filing_date", dt.date(2026, 11, 23), "FIELD_DATE_FUTURE"),  # the day after the evaluation date
    ("sign_date", "2027年1月1日", "FIELD_DATE_FUTURE"),
    ("capacity", -3, "FIELD_INT"),
    ("capacity", 80.5, "FIELD_INT"),
    ("staff_care", "十二", "FIELD_INT"),
    ("fee", -1, "FIELD_NUMBER"),
    ("is_puhui", "不确定", "FIELD_CHOICE"),
    ("meals", "食堂", "FIELD_CHOICE"),
    ("name", "", "VALUE_REQUIRED"),
    ("filing_date", " ", "VALUE_REQUIRED"),
])
def test_form_field_errors(key, typed, code):
    sub, log = check("self", form=form_with(**{key: typed}))
    assert keys(log) == [(code, F, fc(key))]
    assert log.items[0].severity == ERROR
    assert sub.form[key] is None


@pytest.mark.parametrize(("key", "typed", "value"), [
    ("credit_code", " " + make_credit_code("91450200MA5K00001").lower() + " ", make_credit_code("91450200MA5K00001")),
    ("district", " 城中区 ", "城中区"),
    ("filing_date", dt.date(2026, 11, 22), dt.date(2026, 11, 22)),  # on the evaluation date is fine
    ("filing_date", "2022/3/1", dt.date(2022, 3, 1)),
    ("capacity", 80.0, D(80)),
    ("previous_star", "", None),  # optional
])
def test_form_field_accepted(key, typed, value):
    sub, log = check("self", form=form_with(**{key: typed}))
    assert log.items == []
    assert sub.form[key] == value


def test_count_as_text_is_a_warning():
    sub, log = check("self", form=form_with(capacity="80"))
    assert keys(log) == [("FIELD_TEXT_NUMBER", F, fc("capacity"))]
    assert sub.form["capacity"] == D(80)


def test_enrolled_over_capacity():
    _, log = check("self", form=form_with(capacity=60, enrolled=61))
    assert keys(log) == [("ENROLLED_OVER_CAPACITY", F, fc("enrolled"))]
    assert (log.items[0].found, log.items[0].expected) == ("61", "60")
    _, log = check("self", form=form_with(capacity=60, enrolled=60))
    assert log.items == []


# ---- the city rubric --------------------------------------------------------------------------

def test_city_rate_numerator_over_denominator():
    _, log = check("self", rubric=CITY, form=city_form(orgs_filed=301, orgs_registered=300))
    assert keys(log) == [("RATE_NUMERATOR_OVER", F, fc("orgs_filed", CITY))]


def test_city_computed_items_are_not_required():
    scores = full_scores(CITY)
    for item in CITY.items:
        if item.computed:
            scores["self"][item.code] = ""
    _, log = check("self", rubric=CITY, scores=scores)
    assert log.items == []


def test_city_item_sharing_a_part_code_is_validated():
    _, log = check("self", rubric=CITY, scores=with_scores({"self": {"5": 2}}, rubric=CITY))
    assert keys(log) == [("SCORE_NOT_ALLOWED", F, sc("self", "5", CITY))]


# ---- the looked-up common case agrees with the item-by-item check -----------------------------------

_SAMPLES = st.one_of(
    st.floats(min_value=-2, max_value=120),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 1e300]),
    st.integers(min_value=-3, max_value=120),
    st.booleans(),
    st.sampled_from(["符合", "不符合", "不适用", "", "10", None, -0.0]),
    st.integers(min_value=0, max_value=480).map(lambda k: k / 4),  # the grid of quarter points
    st.integers(min_value=0, max_value=1200).map(lambda k: k / 10),
)


@pytest.mark.parametrize("rubric_name", ["liuzhou_star", "guangxi_demo_city"])
@settings(max_examples=400, deadline=None)
@given(value=_SAMPLES, pick=st.integers(min_value=0))
def test_accepted_values_are_exactly_what_the_check_accepts(rubric_name, value, pick):
    """validate() looks cell values up in a table built per rubric; the table must give what _clean_value
    gives for every item and value: the same Decimal (same digits: 10, not 10.0), or nothing."""
    items = _accepted_values(load_rubric(rubric_name))
    item, accepted = items[pick % len(items)]
    assert accepted is not None  # every item of the shipped rubrics is listed
    want = _clean_value(item, value)
    got = accepted_score(accepted, value)
    assert got == want and str(got) == str(want)


def test_the_accepted_values_are_kept_for_a_few_rubrics_only():
    """The window may load one custom rubric after another: the tables of old ones are let go."""
    rubric = load_rubric("liuzhou_star")
    copies = [dataclasses.replace(rubric, version=f"2026.{n}") for n in range(3 * validate_module._MAX_RUBRICS)]
    for copy in copies:
        assert _accepted_values(copy)[0][0] is copy.items[0]
    assert 0 < len(validate_module._ACCEPTED) <= validate_module._MAX_RUBRICS
