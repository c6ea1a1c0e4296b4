"""samples/panel: 40 institutions × 3 assessors (多人评分). Rated with --panel, the ranking comes from averaged
item scores that this test computes on its own, from the three copies' raw cells; without --panel the
copies are the duplicate-submission error.

If a test here fails after a change to the rubric, the layout or the fill helper, regenerate the
samples (`.venv/bin/python scripts/make_samples.py`) and review the diff of samples/README.md.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import python_calamine as pc
from support.samples import make_samples

from tuoyu_excel.core.pipeline import run
from tuoyu_excel.layout import submission as layout

ROOT = Path(__file__).resolve().parents[1]
PANEL = ROOT / "samples" / "panel"
CENT = Decimal("0.01")


ms = make_samples()
STAR = ms.STAR


def _grid(path: Path, sheet: str) -> list[list]:
    wb = pc.CalamineWorkbook.from_path(str(path))
    try:
        return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        wb.close()


def _raw_copy(path: Path) -> dict:
    """One copy as typed: credit code, name, district, 评分人, and every item's score per stage (raw cells)."""
    form = _grid(path, layout.form_sheet(STAR))
    rows = layout.form_field_rows(STAR)
    scores = _grid(path, layout.SCORE_SHEET)
    kinds = layout.score_rows(STAR)
    item_rows = {r.item.code: layout.SCORE_FIRST_ROW + n for n, r in enumerate(kinds) if r.kind == "item"}
    assessor_row = next(layout.SCORE_FIRST_ROW + n for n, r in enumerate(kinds) if r.kind == "assessor")
    cols = {s.key: layout.column_index(STAR, s.header) for s in STAR.stages}
    return {
        "file": path.name,
        **{key: form[rows[key]][layout.FORM_VALUE_COL] for key in ("credit_code", "name", "district")},
        "assessor": scores[assessor_row][cols["city"]],
        "scores": {s: {code: scores[r][c] for code, r in item_rows.items()} for s, c in cols.items()},
    }


def _number(value) -> Decimal | None:
    return None if isinstance(value, str) else Decimal(str(value))  # 不适用 / 符合 are text


def _hand_card(copies: list[dict]) -> tuple[Decimal, Decimal]:
    """(综合得分, 核心指标得分) from the raw 市级核验 cells: each item the mean of the three, half up to
    2 decimals; summed; 折算 to 1000 (half up) when items are 不适用."""
    total = core = possible = Decimal(0)
    for item in STAR.scored_items:
        values = [_number(c["scores"]["city"][item.code]) for c in copies]
        if values[0] is None:
            assert all(v is None for v in values), item.code  # 不适用 is unanimous
            continue
        mean = (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)
        total += mean
        possible += item.points
        if item.core:
            core += mean
    if possible != 1000:
        total = (total * 1000 / possible).quantize(CENT, rounding=ROUND_HALF_UP)
    return total, core


@pytest.fixture(scope="module")
def copies() -> dict[str, list[dict]]:
    """Credit code -> its three copies, read from the raw cells."""
    out: dict[str, list[dict]] = {}
    for path in sorted(PANEL.iterdir()):
        c = _raw_copy(path)
        out.setdefault(c["credit_code"], []).append(c)
    return out


@pytest.fixture(scope="module")
def rated():
    from tuoyu_excel.core.star.rating import evaluate_star

    return evaluate_star(PANEL, STAR, "city", ms.EVAL_DATE, panel=True)


def test_the_folder_is_40_institutions_times_3_assessors(copies):
    assert len(list(PANEL.iterdir())) == 120 and len(copies) == 40
    for group in copies.values():
        assert sorted(c["assessor"] for c in group) == sorted(ms.PANEL_ASSESSORS)
        assert {c["file"] for c in group} == {f"{c['name']}_评分人{c['assessor']}.xlsx" for c in group}
        assert len({(c["name"], c["district"]) for c in group}) == 1
        for stage in ("self", "county"):  # earlier stages: the same in every copy
            assert all(c["scores"][stage] == group[0]["scores"][stage] for c in group), stage
        for item in STAR.items:
            if item.veto:
                assert {c["scores"]["city"][item.code] for c in group} <= {"符合", "不适用"}
    districts = Counter(group[0]["district"] for group in copies.values())
    assert sum(n for d, n in districts.items() if STAR.star.zone_of[d] == "城区") == 24
    assert set(districts) == set(STAR.star.districts)
    # the assessors really differ: most institutions have at least one item scored differently
    differing = sum(1 for g in copies.values()
                    if any(len({str(c["scores"]["city"][i.code]) for c in g}) > 1 for i in STAR.scored_items))
    assert differing >= 30


def test_averaged_totals_are_the_hand_computed_ones(copies, rated):
    got = {f.submission.text("credit_code"): f for f in rated.run.files}
    assert len(got) == 40 and all(f.card is not None and f.panel is not None for f in got.values())
    for code, group in copies.items():
        total, core = _hand_card(group)
        assert (got[code].card.total, got[code].card.core) == (total, core), group[0]["name"]
        assert len(got[code].panel.copies) == 3


def test_a_few_averaged_totals_by_hand():
    """Three institutions of samples/README.md, worked through: rows are the three copies' raw cells."""
    by_name = {}
    for path in PANEL.iterdir():
        c = _raw_copy(path)
        by_name.setdefault(c["name"], []).append(c)
    for name, expected in (("柳州市城中区童梦婴幼儿照护中心", "877.51"), ("柳州市鱼峰区爱心树托育中心", "858.90"),
                           ("三江侗族自治县爱贝婴幼儿照护中心", "968.33")):
        assert _hand_card(by_name[name])[0] == Decimal(expected), name
    # not the mean of the three totals: 童梦 881.5 / 882 / 869 -> 877.50, the items' means give 877.51
    mean_of_totals = sum(Decimal(ms.fmt(ms.assessor_total(p, w))) for p in ms.panel_plan()
                         if p.inst.name == "柳州市城中区童梦婴幼儿照护中心" for w in ms.PANEL_ASSESSORS) / 3
    assert mean_of_totals.quantize(CENT, rounding=ROUND_HALF_UP) == Decimal("877.50")


def test_the_ranking_comes_from_the_averaged_scores(copies, rated):
    hand = {code: _hand_card(group) for code, group in copies.items()}
    got = {p.candidate.key: (p.zone, p.rank, p.star) for p in rated.placements}
    assert rated.ineligible == [] and rated.excluded == []
    for zone in STAR.star.zones:
        mine = sorted((code for code in hand if STAR.star.zone_of[copies[code][0]["district"]] == zone.name),
                      key=lambda code: (-hand[code][0], -hand[code][1]))
        assert [got[code][1] for code in mine] == list(range(1, len(mine) + 1)), zone.name
    assert got == {code: v[:3] for code, v in ms.expected_panel_outcome().items()}
    stars = Counter((p.zone, p.star) for p in rated.placements)
    assert stars[("城区", "三星级")] == 3 and stars[("城区", "未获评")] == 6 and stars[("县", "未获评")] == 4
    assert not any(p.star == "待裁定" for p in rated.placements)


def test_wide_spreads_are_the_designed_ones(rated):
    flagged = {f.submission.text("name"): [s.item for s in f.panel.spreads] for f in rated.run.files if f.panel.spreads}
    assert flagged == {p.inst.name: [p.wide] for p in ms.panel_plan() if p.wide}
    assert len(flagged) == 3


def test_without_panel_the_copies_are_duplicate_submissions():
    result = run(PANEL, STAR, "city", ms.EVAL_DATE)
    assert len(result.files) == 120 and all(f.card is None for f in result.files)
    assert {i.code for i in result.issues} == {"DUPLICATE_INSTITUTION"}
    assert all(any(i.code == "DUPLICATE_INSTITUTION" for i in f.issues) for f in result.files)
    assert "多人评分" in result.issues[0].message
