"""Eligibility for a star rating, one test per condition of 《柳州市托育机构星级评定工作方案》.

Every test quotes (in its docstring) the sentence of the plan it implements. Section 一、评定对象:
“本方案评定对象为托育机构，应同时具备以下条件：（一）……（二）……（三）……（四）……”
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from support.star import EVAL_DATE, STAR, full_scores, lose, raw_workbook, valid_form

from tuoyu_excel.core.scoring import score
from tuoyu_excel.core.star.eligibility import add_years, check_eligibility
from tuoyu_excel.intake.validate import validate
from tuoyu_excel.issues import IssueLog

D = Decimal
CJK = re.compile(r"[\u4e00-\u9fff]")


def reasons(form_changes=None, values=None, rubric=STAR, eval_date=EVAL_DATE):
    """Eligibility reasons for the 市级核验 stage of a submission built from literal values."""
    form = {**valid_form(1), **(form_changes or {})}
    scores = full_scores(rubric)
    scores["city"].update(values or {})
    raw = raw_workbook(rubric, form=form, scores=scores, notes={i.code: "原因" for i in rubric.items})
    log = IssueLog(raw.file)
    sub = validate(raw, rubric, "city", eval_date, log)
    assert not log.has_errors, [i.key() for i in log.items]
    card = score(sub, rubric, "city")
    found = check_eligibility(sub, card, rubric, eval_date)
    assert all(CJK.search(r.text) for r in found)  # every reason is a Chinese sentence
    return found


def codes(found) -> list[str]:
    return [r.code for r in found]


def test_a_valid_full_marks_institution_is_eligible():
    """一（一）至（四）全部满足：备案且运营满一年、普惠且执行政府指导价、四项申报为“否”、必备条件符合、高分。"""
    assert reasons() == []


# ---- （一）备案，且连续运营满一年以上 ----------------------------------------------------------------

@pytest.mark.parametrize(("start", "ok"), [
    (dt.date(2025, 11, 22), True),  # exactly one year by the evaluation date
    (dt.date(2025, 11, 23), False),  # one day short
    (dt.date(2020, 1, 1), True),
    (dt.date(2026, 6, 1), False),
])
def test_one_full_year_of_operation(start, ok):
    """一（一）“在县区卫生健康局备案，且连续运营满一年以上”：开始收托日期至评定日期满一年。"""
    found = reasons({"start_date": start, "filing_date": dt.date(2025, 1, 1)})
    assert codes(found) == ([] if ok else ["OPERATION_TOO_SHORT"])


def test_one_year_from_a_leap_day():
    """一（一）“连续运营满一年以上”：2024-02-29 开始收托，2025-02-28 满一年。"""
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    form = {"start_date": dt.date(2024, 2, 29), "filing_date": dt.date(2024, 1, 1), "sign_date": dt.date(2025, 1, 1)}
    assert reasons(form, eval_date=dt.date(2025, 2, 28)) == []
    assert codes(reasons(form, eval_date=dt.date(2025, 2, 27))) == ["OPERATION_TOO_SHORT"]


def test_not_filed():
    """一（一）“在县区卫生健康局备案”：没有备案日期的机构不符合条件。"""
    scores = full_scores(STAR)
    raw = raw_workbook(STAR, scores=scores)
    log = IssueLog(raw.file)
    sub = validate(raw, STAR, "city", EVAL_DATE, log)
    sub.form["filing_date"] = None  # as if the field were optional: eligibility does not rely on validation
    found = check_eligibility(sub, score(sub, STAR, "city"), STAR, EVAL_DATE)
    assert codes(found) == ["NOT_FILED"]


# ---- （二）普惠托育机构，并执行政府指导价 ------------------------------------------------------------

@pytest.mark.parametrize(("key", "code"), [("is_puhui", "NOT_IS_PUHUI"), ("gov_price", "NOT_GOV_PRICE")])
def test_puhui_and_government_price(key, code):
    """一（二）“经各县区卫生健康局认定为普惠托育机构，并执行政府指导价”。"""
    found = reasons({key: "否"})
    assert codes(found) == [code]
    assert "应为“是”" in found[0].text


# ---- （三）申请年度内的四项声明 ----------------------------------------------------------------------

@pytest.mark.parametrize(("key", "code"), [
    ("decl_credit", "DECLARED_DECL_CREDIT"),  # “无失信惩戒不良记录”
    ("decl_abuse", "DECLARED_DECL_ABUSE"),  # “无歧视、体罚、变相体罚、侮辱、虐待婴幼儿等行为”
    ("decl_accident", "DECLARED_DECL_ACCIDENT"),  # “未发生安全事故和严重婴幼儿伤害事件”
    ("decl_dispute", "DECLARED_DECL_DISPUTE"),  # “未发生重大服务纠纷等其他造成社会负面影响的事件”
])
def test_declarations_in_the_application_year(key, code):
    """一（三）“申请年度内无失信惩戒不良记录，无歧视、体罚、变相体罚、侮辱、虐待婴幼儿等行为，未发生安全事故和
    严重婴幼儿伤害事件，未发生重大服务纠纷等其他造成社会负面影响的事件。”"""
    assert codes(reasons({key: "是"})) == [code]


# ---- （四）必备条件、750 分（含）、核心指标 80% -------------------------------------------------------

def test_every_veto_condition_must_be_met():
    """一（四）“需满足必备条件”：任一必备条件“不符合”即不具备评定条件（“不适用”不算不符合）。"""
    found = reasons({"meals": "不供餐"}, values={"1-03": "不符合", "1-08": "不符合", "1-05": "不适用"})
    assert codes(found) == ["VETO_FAILED", "VETO_FAILED"]
    assert "1-03" in found[0].text and "1-08" in found[1].text


@pytest.mark.parametrize(("lost", "ok"), [("250", True), ("250.5", False), ("0", True), ("400", False)])
def test_pass_mark_is_750_inclusive(lost, ok):
    """一（四）“评估分数达到750分(含)以上”：750 分合格，749.5 分不合格。"""
    found = reasons(values=lose(STAR, lost, core=False))
    assert codes(found) == ([] if ok else ["BELOW_PASS_MARK"])


def test_pass_mark_uses_the_rebased_score():
    """一（四）“评估分数达到750分(含)以上”，有“不适用”项时按折算分（实得分 ÷ 应得分 × 1000）比较：
    4-09（15 分）不适用，实得 740 / 应得 985 → 折算 751.27 分，合格。"""
    values = {"4-09": "不适用", **lose(STAR, 245, core=False, skip=("4-09",))}
    assert reasons(values=values) == []


@pytest.mark.parametrize(("lost", "ok"), [("86", True), ("86.5", False)])
def test_core_rate_at_least_80_percent(lost, ok):
    """一（四）“核心指标得分不得低于80%”：核心指标满分 430，得 344 分（80%）合格，343.5 分不合格。"""
    found = reasons(values=lose(STAR, lost, core=True))
    assert codes(found) == ([] if ok else ["CORE_RATE_LOW"])


def test_core_rate_with_a_core_item_not_applicable():
    """一（四）“核心指标得分不得低于80%”：4-07（核心，20 分）不适用时，应得 410，80% 为 328 分。"""
    values = {"4-07": "不适用", **lose(STAR, 82, core=True, skip=("4-07",))}
    assert reasons(values=values) == []
    values = {"4-07": "不适用", **lose(STAR, D("82.5"), core=True, skip=("4-07",))}
    assert codes(reasons(values=values)) == ["CORE_RATE_LOW"]


def test_core_rate_per_item_reading():
    """一（四）“核心指标得分不得低于80%”的另一种读法（规则设置 core_rate_reading = "per_item"）：
    每个核心指标各自不低于 80%。3-02（25 分）得 19.5 分 = 78%，虽合计得分率高仍不合格。"""
    per_item = dataclasses.replace(STAR, star=dataclasses.replace(STAR.star, core_rate_reading="per_item"))
    found = reasons(values={"3-02": D("19.5")}, rubric=per_item)
    assert codes(found) == ["CORE_RATE_LOW"] and "3-02" in found[0].text
    assert reasons(values={"3-02": 20}, rubric=per_item) == []


def test_every_failure_is_reported_not_just_the_first():
    """一“应同时具备以下条件”：每一条不满足的条件都列出原因。"""
    found = reasons({"is_puhui": "否", "decl_abuse": "是", "start_date": dt.date(2026, 6, 1)},
                    values={"1-01": "不符合", **lose(STAR, 300, core=False)})
    assert sorted(codes(found)) == sorted(["OPERATION_TOO_SHORT", "NOT_IS_PUHUI", "DECLARED_DECL_ABUSE",
                                           "VETO_FAILED", "BELOW_PASS_MARK"])
