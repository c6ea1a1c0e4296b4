"""The city core (city.py) with literal numbers: rates, 全区平均水平, computed items, ranking.

Seed: 《广西开展全国婴幼儿照护服务示范城市创建活动评分细则》.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.city import city_submission, score_cell

from tuoyu_excel.core.city.evaluate import (
    ABOVE,
    BASIS_COMPUTED,
    BASIS_OFFICIAL,
    NOT_ABOVE,
    UNDEFINED,
    CityScore,
    Rate,
    compare,
    missing_units,
    rank_cities,
    rate_of,
    regional_averages,
    run_notices,
    score_city,
    shown_pair,
)
from tuoyu_excel.core.scoring import score
from tuoyu_excel.intake.rubric_file import load_rubric

D = Decimal


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("guangxi_demo_city")


def scored(rubric, sub, averages):
    return score_city(sub, score(sub, rubric, "review"), rubric, averages)


# ---- Rate ---------------------------------------------------------------------------------------

def test_rate_is_numerator_over_denominator_times_scale():
    # 每千人口托位数 = 托位数 ÷ 常住人口 × 1000: 3 500 places for 1 000 000 people = 3.5 per thousand
    rate = Rate(D(3500), D(1_000_000), D(1000))
    assert rate.value == D("3.5")
    assert rate.exact == Fraction(7, 2)
    # 覆盖率 = 8 ÷ 12 × 100% — kept exact, not 66.67
    assert Rate(D(8), D(12), D(100)).exact == Fraction(200, 3)


def test_rate_with_zero_denominator_is_undefined():
    rate = Rate(D(0), D(0), D(100))
    assert not rate.defined and rate.value is None and rate.exact is None


# ---- 全区平均水平 -----------------------------------------------------------------------------------

def test_average_is_regional_rate_not_mean_of_rates(rubric):
    # A: 10 places per 1 000 people (10‰), B: 18 per 9 000 (2‰), C: 8 per 2 000 (4‰).
    # Regional rate = (10 + 18 + 8) ÷ (1 000 + 9 000 + 2 000) × 1000 = 36 ÷ 12 000 × 1000 = 3‰;
    # the mean of the rates would be (10 + 2 + 4) ÷ 3 = 5.33‰.
    subs = [city_submission(rubric, "南宁市", population=1000, nursery_places=10),
            city_submission(rubric, "柳州市", population=9000, nursery_places=18),
            city_submission(rubric, "桂林市", population=2000, nursery_places=8)]
    avg = regional_averages(subs, rubric)["1"]
    assert (avg.value, avg.basis, avg.cities_covered) == (D(3), BASIS_COMPUTED, 3)
    assert (avg.numerator, avg.denominator) == (D(36), D(12000))
    # “1.每千人口拥有3岁以下婴幼儿托位数高于全区平均水平得8分，否则不得分。” — C's 4‰ is above 3‰
    assert scored(rubric, subs[2], regional_averages(subs, rubric)).items["1"] == D(8)
    assert scored(rubric, subs[1], regional_averages(subs, rubric)).items["1"] == D(0)


def test_city_exactly_at_average_gets_zero_even_when_the_rate_repeats(rubric):
    # 2.2 覆盖率: 8 of 12 counties = 66.666…%; the region: 74 of 111 = 66.666…% (both exactly 2/3).
    # “高于全区平均水平得3分，否则不得分” — equal is not higher.
    at = city_submission(rubric, "百色市", county_total=12, county_centers=8)
    rest = city_submission(rubric, "南宁市", county_total=99, county_centers=66)
    avg = regional_averages([at, rest], rubric)["2.2"]
    assert avg.exact == Fraction(200, 3)
    assert compare(rate_of(at, rubric.item_by_code["2.2"]), avg) == NOT_ABOVE
    assert scored(rubric, at, regional_averages([at, rest], rubric)).items["2.2"] == D(0)


def test_comparison_is_exact_not_on_rounded_display(rubric):
    # 6 667 of 10 000 = 66.67% is above 2/3 = 66.666…%, although both show as 66.67.
    item = rubric.item_by_code["2.2"]
    avg = regional_averages([city_submission(rubric, "南宁市", county_total=3, county_centers=2)], rubric)["2.2"]
    rate = Rate(D(6667), D(10000), item.scale)
    assert compare(rate, avg) == ABOVE
    assert shown_pair(rate.value, avg.value) == ("66.670", "66.667")


def test_official_average_overrides_computed_one(rubric):
    subs = [city_submission(rubric, "南宁市", population=1000, nursery_places=4)]
    avgs = regional_averages(subs, rubric, {"1": D("4.5")})
    assert (avgs["1"].value, avgs["1"].basis, avgs["1"].cities_covered) == (D("4.5"), BASIS_OFFICIAL, 14)
    assert avgs["2.2"].basis == BASIS_COMPUTED
    # the city's 4‰ is above its own (computed) 4‰? no: not above the official 4.5‰ either
    assert scored(rubric, subs[0], avgs).items["1"] == D(0)
    assert scored(rubric, subs[0], regional_averages(subs, rubric, {"1": D("3.99")})).items["1"] == D(8)


def test_zero_denominator_scores_zero_with_a_warning(rubric):
    # a city with no registered 托育机构: 备案率 = 0 ÷ 0 cannot be computed
    none = city_submission(rubric, "北海市", orgs_registered=0, orgs_filed=0)
    other = city_submission(rubric, "南宁市", orgs_registered=100, orgs_filed=50)
    avgs = regional_averages([none, other], rubric)
    assert avgs["3.2"].cities_covered == 1 and avgs["3.2"].value == D(50)
    result = scored(rubric, none, avgs)
    assert result.items["3.2"] == D(0) and result.computed["3.2"].outcome == UNDEFINED
    assert [i.key() for i in result.issues] == [("RATE_UNDEFINED", "北海市.xlsx", "基础数据!B15")]


def test_no_city_with_a_defined_rate_means_no_average(rubric):
    subs = [city_submission(rubric, "南宁市", orgs_registered=0, orgs_filed=0)]
    avgs = regional_averages(subs, rubric)
    assert avgs["3.2"].value is None
    notices = run_notices(rubric, [scored(rubric, subs[0], avgs)], avgs)
    assert [n.code for n in notices] == ["CITIES_MISSING", "AVERAGE_UNDEFINED"]


# ---- item 4.1: 联席会议制度 ---------------------------------------------------------------------------

@pytest.mark.parametrize(("city_has", "counties_missing", "points"), [
    ("是", 0, 3),  # “市本级及所辖县（市、区）均出台……的得3分”
    ("是", 2, 1),  # “每少1个县（市、区）未出台的扣1分”
    ("否", 0, 2),  # the 市本级 counts as one unit (city_counts_as_unit = true)
    ("否", 2, 0),
    ("是", 7, 0),  # “扣完为止”: never below 0
])
def test_joint_meeting_units(rubric, city_has, counties_missing, points):
    sub = city_submission(rubric, "南宁市", city_joint_meeting=city_has, counties_no_joint_meeting=counties_missing)
    assert scored(rubric, sub, regional_averages([sub], rubric)).items["4.1"] == D(points)


def test_city_level_not_counted_when_the_setting_is_off(rubric):
    off = dataclasses.replace(rubric, city=dataclasses.replace(rubric.city, city_counts_as_unit=False))
    sub = city_submission(off, "南宁市", city_joint_meeting="否", counties_no_joint_meeting=1)
    assert missing_units(sub, off.item_by_code["4.1"], off) == 1
    assert missing_units(sub, rubric.item_by_code["4.1"], rubric) == 2


# ---- typed scores, parts and total ---------------------------------------------------------------

def test_typed_score_that_differs_warns_and_computed_counts(rubric):
    # 北海 is exactly at the average (3.5‰ both): computed 0, the evaluator typed 8
    at = city_submission(rubric, "北海市", typed={"1": 8, "4.1": 3}, population=2000, nursery_places=7)
    other = city_submission(rubric, "南宁市", population=2000, nursery_places=7)
    result = scored(rubric, at, regional_averages([at, other], rubric))
    assert result.items["1"] == D(0) and result.items["4.1"] == D(3)
    assert [i.key() for i in result.issues] == [("COMPUTED_SCORE_DIFFERS", "北海市.xlsx",
                                                 f"评分表!{score_cell(rubric, 'review', '1')}")]
    issue = result.issues[0]
    assert (issue.severity, issue.found, issue.expected) == ("警告", "8", "0")
    assert "本市每千人口托位数 3.50，全区平均水平 3.50" in issue.message and "不高于" in issue.message


def test_parts_and_total_are_resummed_with_computed_items(rubric):
    # full points on every scored item, every rate above the average (the other city is lower on all),
    # but 2 counties without 联席会议制度: 4.1 = 3 − 2 = 1, so part 二 = 12 − 2 = 10 and total 98
    best = city_submission(rubric, "南宁市", counties_no_joint_meeting=2, nursery_places=4000, county_centers=6,
                           orgs_filed=90, infants_enrolled=9000)
    low = city_submission(rubric, "柳州市")
    result = scored(rubric, best, regional_averages([best, low], rubric))
    assert result.parts == {"1": D(22), "2": D(10), "3": D(20), "4": D(20), "5": D(14), "6": D(12)}
    assert result.total == D(98)
    assert result.part_rate("2") == D(10) / D(12)


# ---- ranking ------------------------------------------------------------------------------------

def card(city: str, total: int | str) -> CityScore:
    return CityScore(city=city, file=f"{city}.xlsx", items={}, computed={}, parts={}, part_possible={},
                     total=D(total))


def test_equal_totals_share_a_rank_competition_style(rubric):
    scores = [card("桂林市", 92), card("南宁市", 100), card("钦州市", 92), card("柳州市", 91)]
    ranked = rank_cities(scores, rubric)
    assert [(r.rank, r.score.city) for r in ranked] == [(1, "南宁市"), (2, "桂林市"), (2, "钦州市"), (4, "柳州市")]
    assert ranked[1].note == "与钦州市总分相同，并列第 2 名"
    assert ranked[0].note == ""


@given(st.lists(st.sampled_from(["90", "90.5", "88", "100", "75.25"]), min_size=1, max_size=14), st.randoms())
def test_ranking_is_independent_of_file_order(totals, rng):
    rubric = load_rubric("guangxi_demo_city")
    scores = [card(city, t) for city, t in zip(rubric.city.cities, totals, strict=False)]
    shuffled = scores[:]
    rng.shuffle(shuffled)
    ranked = rank_cities(shuffled, rubric)
    assert ranked == rank_cities(scores, rubric)
    for r in ranked:  # rank = 1 + number of cities with a strictly higher total
        assert r.rank == 1 + sum(1 for s in scores if s.total > r.score.total)


def test_typed_joint_meeting_score_that_differs_names_the_units(rubric):
    # 市本级 否 and 1 county without the system: 2 units missing, 3 − 2 = 1; the evaluator typed 3
    sub = city_submission(rubric, "梧州市", typed={"4.1": 3}, city_joint_meeting="否", counties_no_joint_meeting=1)
    result = scored(rubric, sub, regional_averages([sub], rubric))
    assert result.items["4.1"] == D(1)
    assert [(i.code, i.found, i.expected) for i in result.issues] == [("COMPUTED_SCORE_DIFFERS", "3", "1")]
    assert "未出台的单位共 2 个（市本级未出台也算1个）" in result.issues[0].message
