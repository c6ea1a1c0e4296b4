"""Ranking by zone: rules with hand-made candidates, then Hypothesis properties of ``rank_all`` and of
``evaluate_star`` (an ineligible or errored institution never gets a star).

《柳州市托育机构星级评定工作方案》二（二）: “根据各托育机构的综合得分进行评定，综合评分排名1-3名为三星级机构，
综合评分排名4-9名为二星级机构，综合评分排名10-18名为一星级机构。综合评分相同的机构，核心指标得分高的排名在前。”
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections import Counter
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.results import EVAL_DATE, Inst, clear_field, make_folder

from tuoyu_excel.core.star.ranking import NO_STAR, PENDING, Candidate, rank_all, star_level
from tuoyu_excel.core.star.rating import evaluate_star
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.render.template.workbook import write_template
from tuoyu_excel.spec.model import StarBand

RUBRIC = load_rubric("liuzhou_star")
URBAN = ("城中区", "鱼峰区", "柳南区", "柳北区", "柳江区")
COUNTY = ("柳城县", "鹿寨县", "融安县", "融水苗族自治县", "三江侗族自治县")


def cand(n: int, total, core=400, district="城中区") -> Candidate:
    return Candidate(key=f"K{n:04d}", name=f"机构{n}", district=district, total=D(str(total)), core=D(str(core)))


def stars_of(placements) -> list[str]:
    return [p.star for p in placements]


# ---------------------------------------------------------------- the rules


def test_urban_quota_and_bands():
    # “柳北区、城中区、鱼峰区、柳南区及柳江区：每年共评定星级机构不超过18家，其中一星级机构9家、二星级机构6家、三星级机构3家。”
    placements = rank_all(RUBRIC, [cand(n, 990 - 10 * n, district=URBAN[n % 5]) for n in range(20)])
    assert stars_of(placements) == ["三星级"] * 3 + ["二星级"] * 6 + ["一星级"] * 9 + [NO_STAR] * 2
    assert [p.rank for p in placements] == list(range(1, 21))


def test_county_quota_and_bands():
    # “柳城、鹿寨、融安、融水及三江县：每年共评定星级机构不超过12家，其中一星级机构6家、二星级机构4家、三星级机构2家。”
    placements = rank_all(RUBRIC, [cand(n, 950 - 10 * n, district=COUNTY[n % 5]) for n in range(13)])
    assert stars_of(placements) == ["三星级"] * 2 + ["二星级"] * 4 + ["一星级"] * 6 + [NO_STAR]


def test_equal_total_is_broken_by_core():
    # “综合评分相同的机构，核心指标得分高的排名在前。”
    placements = rank_all(RUBRIC, [cand(1, 900, 400), cand(2, 900, 410), cand(3, 950), cand(4, 960)])
    assert [(p.candidate.key, p.rank, p.star) for p in placements] == [
        ("K0004", 1, "三星级"), ("K0003", 2, "三星级"), ("K0002", 3, "三星级"), ("K0001", 4, "二星级")]


def test_full_tie_inside_a_band_shares_rank_and_star():
    # Equal total and core within 第4-9名: one shared rank, the same star, the next rank skips (4, 4, 6).
    cands = [cand(n, 990 - 10 * n) for n in range(3)] + [cand(3, 900), cand(4, 900), cand(5, 890)]
    placements = rank_all(RUBRIC, cands)
    assert [(p.rank, p.star) for p in placements[3:]] == [(4, "二星级"), (4, "二星级"), (6, "二星级")]
    assert "并列" in placements[3].note


def test_full_tie_across_a_band_boundary_is_pending():
    # The plan breaks a tie on total by core only; equal on both across 第3/4名 cannot be decided by rule.
    cands = [cand(0, 990), cand(1, 980), cand(2, 900), cand(3, 900), cand(4, 890)]
    placements = rank_all(RUBRIC, cands)
    assert [(p.rank, p.star) for p in placements] == [(1, "三星级"), (2, "三星级"), (3, PENDING), (3, PENDING),
                                                      (5, "二星级")]
    assert "第 3—4 名" in placements[2].note and "须由市卫生健康委裁定" in placements[2].note


def test_full_tie_across_the_quota_cut_is_pending():
    # “每年共评定星级机构不超过18家”: a tie over 第18/19名 cannot all get a star, nor be cut by rule.
    cands = [cand(n, 990 - 10 * n) for n in range(17)] + [cand(17, 800), cand(18, 800)]
    placements = rank_all(RUBRIC, cands)
    assert stars_of(placements)[-2:] == [PENDING, PENDING]
    assert sum(1 for p in placements if p.star not in (NO_STAR, PENDING)) == 17


def test_fewer_eligible_than_places_fill_from_the_top():
    placements = rank_all(RUBRIC, [cand(n, 900 - n, district=COUNTY[0]) for n in range(4)])
    assert stars_of(placements) == ["三星级", "三星级", "二星级", "二星级"]


def test_district_outside_every_zone_is_not_ranked():
    assert rank_all(RUBRIC, [cand(1, 900, district="南宁市")]) == []


def test_score_bands_with_a_quota():
    zone = dataclasses.replace(RUBRIC.star.zones[0], award="score", quota=2, bands=(
        StarBand("三星级", min_score=D(950)), StarBand("二星级", min_score=D(900)), StarBand("一星级", min_score=D(750))))
    star = dataclasses.replace(RUBRIC.star, zones=(zone,))
    rubric = dataclasses.replace(RUBRIC, star=star)
    placements = rank_all(rubric, [cand(1, 960), cand(2, 910), cand(3, 800)])
    assert stars_of(placements) == ["三星级", "二星级", NO_STAR]  # the quota cuts the third


# ---------------------------------------------------------------- properties of rank_all

TOTALS = st.one_of(st.sampled_from([D(750), D(800), D("850.5"), D(900), D(950)]),
                   st.integers(1500, 2000).map(lambda x: D(x) / 2))
CORES = st.one_of(st.sampled_from([D(344), D(400)]), st.integers(688, 860).map(lambda x: D(x) / 2))
DISTRICTS = st.sampled_from(URBAN + COUNTY + ("南宁市",))


@st.composite
def candidates(draw, max_size: int = 40) -> list[Candidate]:
    rows = draw(st.lists(st.tuples(TOTALS, CORES, DISTRICTS), max_size=max_size))
    return [Candidate(key=f"K{n:04d}", name=f"机构{n}", district=d, total=t, core=c) for n, (t, c, d) in enumerate(rows)]


@given(candidates())
def test_no_zone_over_its_quota_and_no_band_over_its_size(cands):
    placements = rank_all(RUBRIC, cands)
    for zone in RUBRIC.star.zones:
        stars = Counter(p.star for p in placements if p.zone == zone.name)
        assert sum(n for s, n in stars.items() if s not in (NO_STAR, PENDING)) <= zone.quota
        for band in zone.bands:
            assert stars[band.star] <= band.rank_to - band.rank_from + 1


@given(candidates(), st.randoms(use_true_random=False))
def test_input_order_changes_nothing(cands, rnd):
    shuffled = list(cands)
    rnd.shuffle(shuffled)
    assert rank_all(RUBRIC, shuffled) == rank_all(RUBRIC, cands)


@given(candidates())
def test_ranks_follow_total_then_core_exactly(cands):
    # “综合评分相同的机构，核心指标得分高的排名在前。” — and nothing else decides the rank
    placements = rank_all(RUBRIC, cands)
    for p in placements:
        same_zone = [q for q in placements if q.zone == p.zone]
        better = [q for q in same_zone if (q.candidate.total, q.candidate.core) > (p.candidate.total, p.candidate.core)]
        assert p.rank == 1 + len(better)


@given(candidates())
def test_equal_total_and_core_never_split_across_stars(cands):
    placements = rank_all(RUBRIC, cands)
    groups: dict[tuple, set[str]] = {}
    for p in placements:
        groups.setdefault((p.zone, p.candidate.total, p.candidate.core), set()).add(p.star)
    assert all(len(stars) == 1 for stars in groups.values())


@given(candidates())
def test_every_zoned_candidate_placed_once_and_better_never_gets_less(cands):
    placements = rank_all(RUBRIC, cands)
    assert sorted(p.candidate.key for p in placements) == sorted(
        c.key for c in cands if c.district in RUBRIC.star.zone_of)
    decided = [p for p in placements if p.star != PENDING]
    for a in decided:
        for b in decided:
            if a.zone == b.zone and a.rank < b.rank:
                assert star_level(RUBRIC, a.star) >= star_level(RUBRIC, b.star)


# ---------------------------------------------------------------- evaluate_star: never a star for the ineligible

GOOD = {"g_u1": ("城中区", 950), "g_u2": ("鱼峰区", 900), "g_u3": ("柳南区", 900), "g_c1": ("柳城县", 880),
        "g_c2": ("鹿寨县", 760), "dup_1": ("柳北区", 800), "dup_2": ("柳北区", 810)}
FLAWED = {"f_puhui": {"form": {"is_puhui": "否"}}, "f_veto": {"veto_fail": "1-05"},
          "f_low": {"total": D("749.5")}, "f_core": {"total": D(900), "core": D("343.5")},
          "f_decl": {"form": {"decl_accident": "是"}}}


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> Path:
    """One workbook per kind; Hypothesis picks which of them sit in the folder."""
    base = tmp_path_factory.mktemp("pool")
    template = write_template(RUBRIC, base / "template")
    insts = [Inst(f"机构{name}", d, total=D(t), seed=700 + n, file=name) for n, (name, (d, t)) in enumerate(GOOD.items())]
    insts[-1].form["credit_code"] = insts[-2].code  # dup_1 and dup_2: the same institution twice
    insts += [Inst(f"机构{name}", "柳江区", seed=720 + n, file=name, **kw) for n, (name, kw) in enumerate(FLAWED.items())]
    folder = make_folder(base / "pool", template, RUBRIC, insts)
    make_folder(folder, template, RUBRIC, [Inst("无名", "柳城县", seed=740, file="e_blank")])
    clear_field(folder / "e_blank.xlsx", RUBRIC, "name")
    (folder / "e_broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    return folder


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.sampled_from(sorted(GOOD) + sorted(FLAWED) + ["e_blank", "e_broken"]), min_size=1))
def test_ineligible_or_errored_never_get_a_star(pool, chosen):
    with tempfile.TemporaryDirectory() as tmp:
        for name in chosen:
            shutil.copy(pool / f"{name}.xlsx", tmp)
        result = evaluate_star(Path(tmp), RUBRIC, "city", EVAL_DATE)
    placed = {p.candidate.file for p in result.placements}
    both_dups = {"dup_1", "dup_2"} <= chosen
    should_place = {f"{n}.xlsx" for n in chosen if n in GOOD and not (both_dups and n.startswith("dup_"))}
    assert placed == should_place
    for f in result.run.files:
        if f.file not in should_place:
            assert f.card is None or f.reasons, f.file
