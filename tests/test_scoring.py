"""Scoring one stage in Decimal: item points, part subtotals, 实得分/应得分/折算分, core total and rate.

Most tests score in-memory RawWorkbooks; one scores a real workbook whose formula cells lie.
Property tests (Hypothesis) draw random valid fillings from each item's allowed values.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from support.star import (
    EVAL_DATE,
    STAR,
    edit,
    filled,
    fillings,
    full_scores,
    lose,
    raw_workbook,
    valid_form,
)

from tuoyu_excel.core.pipeline import process_file
from tuoyu_excel.core.scoring import rebase, score
from tuoyu_excel.core.star.eligibility import check_eligibility
from tuoyu_excel.intake.validate import validate
from tuoyu_excel.issues import IssueLog
from tuoyu_excel.layout import submission as layout

D = Decimal


def card_for(stage_values: dict[str, object], stage: str = "self", rubric=STAR, form=None):
    scores = full_scores(rubric)
    scores[stage].update(stage_values)
    raw = raw_workbook(rubric, form=form, scores=scores, notes={i.code: "原因" for i in rubric.items})
    log = IssueLog(raw.file)
    sub = validate(raw, rubric, stage, EVAL_DATE, log)
    assert not log.has_errors, [i.key() for i in log.items]
    return sub, score(sub, rubric, stage)


def test_full_marks():
    _, card = card_for({})
    assert (card.earned, card.possible, card.total) == (D(1000), D(1000), D(1000))
    assert (card.core, card.core_possible, card.core_rate) == (D(430), D(430), D(1))
    assert card.parts == {p.code: p.total for p in STAR.parts if not p.veto}
    assert card.part_possible == card.parts
    assert set(card.items) == {i.code for i in STAR.scored_items} and len(card.items) == 58
    assert set(card.veto.values()) == {"符合"} and len(card.veto) == 10
    assert card.failed_veto == []
    assert all(isinstance(v, Decimal) for v in [card.total, card.core, *card.items.values(), *card.parts.values()])


def test_deductions_add_up_per_part_and_in_total():
    _, card = card_for({"2-01": 7, "2-03": D("12.5"), "4-01": D("19.5"), "6-03": 0})  # 6-03 is core (25)
    assert card.parts["2"] == D("49.5")  # 60 - 3 - 7.5
    assert card.parts["4"] == D("199.5")
    assert card.parts["6"] == D(115)
    assert card.earned == card.total == D(1000) - 3 - D("7.5") - D("0.5") - 25
    assert card.core == D(430) - 25  # of these only 6-03 is a core item (★)
    assert card.possible == D(1000)


def test_not_applicable_rebases_the_total():
    # 4-07 (core, 20) and 4-09 (15) do not apply: 应得分 965; 2-03 loses 10 → 实得分 955
    no_meals = {**valid_form(1), "meals": "不供餐"}  # 1-05 供餐资质 is 不适用 only then (its na_when)
    sub, card = card_for({"4-07": "不适用", "4-09": "不适用", "2-03": 10, "1-05": "不适用"}, form=no_meals)
    assert card.items["4-07"] is None and card.items["4-09"] is None
    assert card.veto["1-05"] == "不适用" and card.failed_veto == []
    assert (card.earned, card.possible) == (D(955), D(965))
    assert card.part_possible["4"] == D(165)
    assert card.total == D("989.64")  # 955 ÷ 965 × 1000 = 989.637… → 989.64 (折算分)
    assert (card.core, card.core_possible) == (D(410), D(410))
    assert card.core_rate == D(1)


def test_stage_is_scored_from_its_own_column():
    scores = full_scores(STAR)
    scores["self"]["2-03"] = 20
    scores["county"]["2-03"] = 15
    raw = raw_workbook(STAR, scores=scores, notes={"2-03": "原因"})
    log = IssueLog(raw.file)
    sub = validate(raw, STAR, "county", EVAL_DATE, log)
    assert score(sub, STAR, "self").total == D(1000)
    assert score(sub, STAR, "county").total == D(995)


def test_rebase():
    assert rebase(D(955), D(965), D(1000)) == D("989.64")
    assert rebase(D(700), D(1000), D(1000)) == D(700)
    assert rebase(D(0), D(0), D(1000)) == D(0)
    assert rebase(D(1), D(3), D(1000)) == D("333.33")
    assert rebase(D(2), D(3), D(1000)) == D("666.67")  # half up


def test_formula_cells_are_never_trusted(tmp_path):
    """Part subtotals, 合计 and 核心指标得分 cells overwritten with wrong numbers change nothing."""
    path = filled(tmp_path / "机构.xlsx", scores={**full_scores(STAR), "self": {**full_scores(STAR)["self"],
                                                                                 **lose(STAR, 100)}},
                  notes={code: "原因" for code in lose(STAR, 100)})
    rows = layout.score_rows(STAR)
    col = layout.column_index(STAR, STAR.stage("self").header) + 1

    def lie(wb):
        ws = wb[layout.SCORE_SHEET]
        for n, row in enumerate(rows):
            if row.kind != "item":
                ws.cell(layout.SCORE_FIRST_ROW + n + 1, col, 999)

    edit(path, lie)
    result = process_file(path, STAR, "self", EVAL_DATE)
    assert [i.key() for i in result.issues] == []
    assert result.card.total == D(900)


# ---- properties over random valid fillings (in memory: fast) -------------------------------------

def expected_total(values: dict[str, object]) -> tuple[Decimal, Decimal, Decimal]:
    """An independent oracle: (实得分, 应得分, 折算分) from the filled values."""
    earned = sum((v for v in values.values() if isinstance(v, Decimal)), D(0))
    possible = sum((i.points for i in STAR.scored_items if values[i.code] != "不适用"), D(0))
    total = earned if possible == 1000 else (earned / possible * 1000).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    return earned, possible, total


@settings(max_examples=200, deadline=None)
@given(fillings())
def test_property_total_is_sum_of_item_points(values):
    sub, card = card_for(values)
    earned, possible, total = expected_total(values)
    assert card.earned == sum(v for v in card.items.values() if v is not None) == earned
    assert (card.possible, card.total) == (possible, total)
    assert D(0) <= card.earned <= card.possible <= STAR.total
    assert card.total <= STAR.total
    for part in STAR.parts:
        if not part.veto:
            assert card.parts[part.code] <= card.part_possible[part.code] <= part.total
    assert card.failed_veto == [c for c, v in values.items() if v == "不符合"]


@settings(max_examples=200, deadline=None)
@given(fillings())
def test_property_eligibility_matches_the_thresholds(values):
    """Plan 一（四）："评估分数达到750分(含)以上，核心指标得分不得低于80%"；“需满足必备条件”."""
    sub, card = card_for(values)
    codes = [r.code for r in check_eligibility(sub, card, STAR, EVAL_DATE)]
    core = sum((v for c, v in values.items() if STAR.item_by_code[c].core and isinstance(v, Decimal)), D(0))
    core_possible = sum((i.points for i in STAR.scored_items if i.core and values[i.code] != "不适用"), D(0))
    assert ("BELOW_PASS_MARK" in codes) == (card.total < 750)
    assert ("CORE_RATE_LOW" in codes) == (core < D("0.8") * core_possible)
    assert codes.count("VETO_FAILED") == len(card.failed_veto)
    assert set(codes) <= {"BELOW_PASS_MARK", "CORE_RATE_LOW", "VETO_FAILED"}  # the form is valid
