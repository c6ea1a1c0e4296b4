"""Panel scoring (issue 25): “市卫生健康委组织有关人员，通过查阅资料、现场查看、座谈等方式进行市级核验，
并对申报机构进行综合评分”. Several assessors score one institution on their own; per item the panel's score
is the mean, from `panel.trim_from` (5) assessors on without one highest and one lowest score, rounded half
up to `panel.decimals` (2). 必备条件 and 不适用 must be unanimous.

The rule is rubric data outside the content hash, read from the TOML text and the rubric workbook."""

from __future__ import annotations

import dataclasses
import tomllib
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuoyu_excel.core.panel import Split, Spread, combine, panel_mean, round_mean
from tuoyu_excel.errors import RubricError
from tuoyu_excel.intake.rubric_file import load_rubric, read_rubric_workbook
from tuoyu_excel.render.rubric_book import write_rubric_workbook
from tuoyu_excel.spec.dump import dump_rubric_toml
from tuoyu_excel.spec.load import rubric_from_dict
from tuoyu_excel.spec.model import PanelSettings

D = Decimal
STAR = load_rubric("liuzhou_star")
DEFAULT = PanelSettings()


def mean(*values, **settings) -> Decimal:
    return panel_mean([D(v) for v in values], dataclasses.replace(DEFAULT, **settings))


# ---- the rule, against values worked out by hand ---------------------------------------------------

def test_defaults_are_five_two_and_half_the_points():
    assert (DEFAULT.trim_from, DEFAULT.decimals, DEFAULT.spread_warn) == (5, 2, None)
    assert STAR.panel == DEFAULT
    assert DEFAULT.spread_limit(STAR.item_by_code["2-01"]) == STAR.item_by_code["2-01"].points / 2


def test_plain_mean_of_three_assessors():
    assert mean("8", "9", "10") == D("9.00")
    assert mean("7", "8", "8") == D("7.67")  # 23 ÷ 3 = 7.666…
    assert mean("2.5", "2", "2") == D("2.17")  # 6.5 ÷ 3 = 2.1666…
    assert mean("3", "3", "2") == D("2.67")
    assert mean("5") == D("5.00")  # one assessor: the score itself


def test_half_up_at_the_rounding_boundary():
    assert mean("1.00", "1.01") == D("1.01")  # 1.005 exactly: half up, not to even (1.00)
    assert mean("2.02", "2.03") == D("2.03")  # 2.025 → 2.03 (banker's rounding would give 2.02)
    assert mean("2", "3", decimals=0) == D("3")  # 2.5 → 3
    assert mean("1", "2", decimals=0) == D("2")  # 1.5 → 2
    assert mean("1.004", "1.005", decimals=2) == D("1.00")  # 1.0045 is below the half: down
    assert mean("0.5", "0.5", "0", decimals=1) == D("0.3")  # 0.333…


def test_trimmed_panel_of_five_drops_one_highest_and_one_lowest():
    assert mean("10", "2", "7", "8", "9") == D("8.00")  # (7 + 8 + 9) ÷ 3
    assert mean("6", "6.5", "7", "9.5", "3") == D("6.50")  # (6 + 6.5 + 7) ÷ 3
    assert mean("4", "4", "4", "4", "0") == D("4.00")  # only one 4 and the 0 go
    assert mean("10", "2", "7", "8") == D("6.75")  # four assessors: no trimming, 27 ÷ 4
    assert mean("20", "18", "17", "19", "10") == D("18.00")  # README: (18 + 17 + 19) ÷ 3


def test_seven_judges_three_decimals_as_in_bid_evaluation():
    """Seven judges, drop the highest and lowest, average the other five, three decimals half up."""
    assert mean("8", "8.5", "9", "7", "10", "6", "8", decimals=3) == D("8.100")  # 40.5 ÷ 5
    assert mean("8", "8.5", "9", "7.5", "10", "6", "8.25", decimals=3) == D("8.250")  # 41.25 ÷ 5
    assert mean("1", "1", "1", "1", "1", "1", "2", decimals=3, trim_from=8) == D("1.143")  # 8 ÷ 7


def test_trim_from_is_rubric_data():
    assert mean("10", "2", "7", "8", trim_from=4) == D("7.50")  # (7 + 8) ÷ 2
    assert mean("10", "2", "7", "8", "9", trim_from=6) == D("7.20")  # 36 ÷ 5


scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(scores, min_size=1, max_size=9), st.integers(3, 9), st.integers(0, 4))
def test_mean_is_the_exact_fraction_rounded_half_up(values, trim_from, decimals):
    got = panel_mean(values, PanelSettings(trim_from=trim_from, decimals=decimals))
    kept = sorted(values)[1:-1] if len(values) >= trim_from else values
    exact = sum(Fraction(v) for v in kept) / len(kept) * 10 ** decimals
    expected = int(exact) + (1 if exact - int(exact) >= Fraction(1, 2) else 0)
    assert got == Decimal(expected).scaleb(-decimals)
    assert got.as_tuple().exponent == -decimals
    assert min(kept) - D("0.5").scaleb(-decimals) <= got <= max(kept) + D("0.5").scaleb(-decimals)


@given(scores, st.integers(1, 9), st.integers(0, 4))
def test_an_agreed_score_is_combined_as_the_mean_of_equal_scores(value, count, decimals):
    """combine() takes a short cut where every assessor gave the same score: it must be panel_mean's value,
    with panel_mean's decimals (18 -> 18.00), however many decimals the score itself has."""
    settings = PanelSettings(decimals=decimals)
    rubric = dataclasses.replace(STAR, panel=settings)
    code = next(i.code for i in STAR.scored_items if i.points >= value) if value <= 30 else None
    if code is None:
        return
    got = combine(rubric, [(f"评分人{n}", {code: value}) for n in range(count)]).scores[code]
    assert got == panel_mean([value] * count, settings) and str(got) == str(panel_mean([value] * count, settings))
    assert got.as_tuple().exponent == -decimals


@given(st.lists(scores, min_size=1, max_size=9), st.randoms())
def test_mean_does_not_depend_on_the_assessors_order(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert panel_mean(shuffled, DEFAULT) == panel_mean(values, DEFAULT)


@given(st.lists(scores, min_size=5, max_size=9), scores)
def test_a_trimmed_panel_ignores_how_far_one_outlier_goes(values, outlier):
    """From trim_from on, raising the highest score further does not move the panel's score."""
    top = max(values)
    raised = sorted(values)[:-1] + [max(top, outlier)]
    assert panel_mean(raised, DEFAULT) == panel_mean(values, DEFAULT)


def test_round_mean_refuses_nothing_but_an_empty_panel():
    assert round_mean(D(0), 3, 2) == D("0.00")
    with pytest.raises(ValueError):
        panel_mean([], DEFAULT)


# ---- one institution's panel: averaged items, unanimous 必备条件 and 不适用, spreads ----------------------

def sheet(**values):
    return {code.replace("_", "-"): (D(v) if v[0].isdigit() else v) for code, v in values.items()}


def test_combine_averages_scored_items_and_keeps_agreed_words():
    panel = combine(STAR, [("张三", sheet(**{"1_01": "符合", "2_01": "8", "4_07": "不适用"})),
                           ("李四", sheet(**{"1_01": "符合", "2_01": "9", "4_07": "不适用"})),
                           ("王五", sheet(**{"1_01": "符合", "2_01": "9", "4_07": "不适用"}))])
    assert panel.splits == () and panel.spreads == ()
    assert panel.scores["2-01"] == D("8.67") and panel.scores["1-01"] == "符合"
    assert panel.scores["4-07"] == "不适用"


def test_a_split_pass_fail_item_lists_who_said_what():
    panel = combine(STAR, [("张三", {"1-01": "符合"}), ("李四", {"1-01": "不符合"}), ("王五", {"1-01": "符合"})])
    assert panel.splits == (Split("1-01", (("张三", "符合"), ("李四", "不符合"), ("王五", "符合"))),)
    assert "1-01" not in panel.scores


def test_not_applicable_must_be_unanimous():
    panel = combine(STAR, [("张三", {"4-07": "不适用"}), ("李四", {"4-07": D(5)})])
    assert panel.splits == (Split("4-07", (("张三", "不适用"), ("李四", D(5)))),)


def test_spread_over_half_the_points_is_flagged_and_exactly_half_is_not():
    item = STAR.item_by_code["2-01"]
    half = item.points / 2
    wide = combine(STAR, [("张三", {"2-01": item.points}), ("李四", {"2-01": half - D("0.5")})])
    assert wide.spreads == (Spread("2-01", half - D("0.5"), item.points, half),)
    at_limit = combine(STAR, [("张三", {"2-01": item.points}), ("李四", {"2-01": half})])
    assert at_limit.spreads == ()
    strict = dataclasses.replace(STAR, panel=PanelSettings(spread_warn=D(1)))
    assert combine(strict, [("张三", {"2-01": D(3)}), ("李四", {"2-01": D("1.5")})]).spreads[0].limit == D(1)


# ---- the settings are rubric data: TOML, rubric workbook, outside the content hash -------------------

CHANGED = PanelSettings(trim_from=7, decimals=3, spread_warn=D("2.5"))


def test_panel_settings_do_not_change_the_content_hash():
    changed = dataclasses.replace(STAR, panel=CHANGED)
    assert changed != STAR and changed.content_hash == STAR.content_hash


def test_panel_settings_round_trip_through_toml():
    changed = dataclasses.replace(STAR, panel=CHANGED)
    text = dump_rubric_toml(changed)
    assert "[panel]\ntrim_from = 7\ndecimals = 3\nspread_warn = 2.5\n" in text
    assert rubric_from_dict(tomllib.loads(text), "dump.toml") == changed
    assert rubric_from_dict(tomllib.loads(dump_rubric_toml(STAR)), "dump.toml").panel == DEFAULT


def test_panel_settings_round_trip_through_the_rubric_workbook(tmp_path):
    changed = dataclasses.replace(STAR, panel=CHANGED)
    assert read_rubric_workbook(write_rubric_workbook(changed, tmp_path / "多人.xlsx")).panel == CHANGED
    assert read_rubric_workbook(write_rubric_workbook(STAR, tmp_path / "默认.xlsx")).panel == DEFAULT


def test_a_rubric_without_panel_table_gets_the_defaults():
    data = tomllib.loads(dump_rubric_toml(STAR))
    del data["panel"]
    assert rubric_from_dict(data, "旧规则.toml").panel == DEFAULT


@pytest.mark.parametrize(("panel", "key", "words"), [
    ({"trim_from": 2}, "panel.trim_from", "不小于 3"),
    ({"decimals": 7}, "panel.decimals", "0 到 6"),
    ({"spread_warn": -1}, "panel.spread_warn", "不小于 0"),
    ({"trim": 5}, "panel.trim", "不是可识别的项目"),
])
def test_bad_panel_settings_name_the_key(panel, key, words):
    data = tomllib.loads(dump_rubric_toml(STAR))
    data["panel"] = panel
    with pytest.raises(RubricError, match=words) as caught:
        rubric_from_dict(data, "规则.toml")
    assert key in str(caught.value)
