"""Ranking within zones and stars by rank bands (or by score bands), as the rubric says.

《柳州市托育机构星级评定工作方案》二（二）: “根据各托育机构的综合得分进行评定，综合评分排名
1-3名为三星级机构……综合评分相同的机构，核心指标得分高的排名在前。”

- Order: 综合得分 descending, then 核心指标得分 descending (rubric tie_break).
- Institutions equal on both share one rank (competition ranking: 1, 2, 2, 4).
- A shared rank whose places fall in one band gets that band's star. When the places of a
  tie straddle a band boundary or the quota cut, the tie is never broken silently: every
  institution in it is 待裁定 with the reason, for the commission to decide.
- With fewer eligible institutions than places, bands fill from the top.
Pure functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tuoyu_excel.spec.model import Rubric, Zone

NO_STAR = "未获评"
PENDING = "待裁定"


@dataclass(frozen=True)
class Candidate:
    key: str  # 统一社会信用代码
    name: str
    district: str
    total: Decimal  # 综合得分
    core: Decimal  # 核心指标得分
    file: str = ""


@dataclass(frozen=True)
class Placement:
    candidate: Candidate
    zone: str
    rank: int  # 片区排名 (shared by institutions tied on total and core)
    star: str  # a star name, NO_STAR or PENDING
    note: str = ""


def _band_for_place(zone: Zone, place: int) -> str:
    for band in zone.bands:
        if band.rank_from <= place <= band.rank_to:
            return band.star
    return NO_STAR


def _band_for_score(zone: Zone, total: Decimal) -> str:
    for band in zone.bands:  # highest first
        if total >= band.min_score:
            return band.star
    return NO_STAR


def _tie_groups(ordered: list[Candidate]) -> list[list[Candidate]]:
    groups: list[list[Candidate]] = []
    for c in ordered:
        if groups and (groups[-1][0].total, groups[-1][0].core) == (c.total, c.core):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def place_stars(zone: Zone, first: int, count: int, total: Decimal) -> list[str]:
    """The star each of the places first..first+count-1 carries (NO_STAR past the bands or the quota),
    for institutions scoring `total` (score bands)."""
    places = range(first, first + count)
    if zone.award == "rank":
        return [_band_for_place(zone, p) for p in places]
    star = _band_for_score(zone, total)  # score bands; a quota, when set, still cuts by place
    return [NO_STAR if zone.quota and p > zone.quota else star for p in places]


def tie_span(stars: list[str]) -> tuple[str, ...]:
    """The distinct stars of a tie's places, in place order (highest first): what a ruling may pick."""
    return tuple(dict.fromkeys(stars))


def _group_star(zone: Zone, first: int, group: list[Candidate], body: str) -> tuple[str, str]:
    """The star of a tie group occupying places first..first+len-1, and a note."""
    places = range(first, first + len(group))
    stars = place_stars(zone, first, len(group), group[0].total)
    if len(set(stars)) == 1:
        note = f"与其他 {len(group) - 1} 家机构并列（综合得分、核心指标得分均相同）" if len(group) > 1 else ""
        return stars[0], note
    span = f"第 {places[0]}—{places[-1]} 名"
    what = "、".join(tie_span(stars))
    reason = (f"{len(group)} 家机构综合得分（{_fmt(group[0].total)}）与核心指标得分（{_fmt(group[0].core)}）均相同，"
              f"并列占据{span}，跨越{what}的分界，须由{body}裁定")
    return PENDING, reason


def rank_zone(zone: Zone, candidates: Iterable[Candidate], body: str = "评定单位") -> list[Placement]:
    """Rank one zone's eligible institutions and assign stars; `body` decides ties (the rubric's ruling_body)."""
    ordered = sorted(candidates, key=lambda c: (-c.total, -c.core, c.key, c.name))
    placements: list[Placement] = []
    place = 1
    for group in _tie_groups(ordered):
        star, note = _group_star(zone, place, group, body)
        placements += [Placement(c, zone.name, place, star, note) for c in group]
        place += len(group)
    return placements


def rank_all(rubric: Rubric, candidates: Iterable[Candidate]) -> list[Placement]:
    """Rank every zone of the rubric; candidates whose district is in no zone are not ranked."""
    by_zone: dict[str, list[Candidate]] = {z.name: [] for z in rubric.star.zones}
    for c in candidates:
        zone = rubric.star.zone_of.get(c.district)
        if zone:
            by_zone[zone].append(c)
    out: list[Placement] = []
    for zone in rubric.star.zones:
        out += rank_zone(zone, by_zone[zone.name], rubric.report.ruling_body or "评定单位")
    return out


def star_level(rubric: Rubric, star: str) -> int:
    """0 for no star; 1 for the lowest star, and so on."""
    return rubric.star.stars.index(star) + 1 if star in rubric.star.stars else 0
