"""The commission's rulings on ties, applied: placements + rulings → the final placements, or the
problems that stop the run.

《柳州市托育机构星级评定工作方案》二（二）: stars by rank band, “综合评分相同的机构，核心指标得分高的
排名在前”; a tie equal on both that straddles a band boundary or the quota is 待裁定 (ranking.py).
三（四）: “市卫生健康委……评选出一星级、二星级、三星级机构” — the commission decides such a tie.

A ruling is accepted when it
- names an institution that is 待裁定 in this run, with the 综合得分, 核心指标得分, 片区, 名次 and
  可裁定星级 it had when the sheet was written (otherwise the inputs changed since);
- picks one of the stars the tie's places carry, or 未获评;
- together with the other rulings of its tie, gives a star to no more institutions than the tie
  has places of that star. The tie's places keep their bands: a tie of two on places 6 and 7 of
  县 (二星级 | 一星级) may get at most one 二星级 and at most one 一星级, so no band grows beyond its
  size and no zone beyond its quota (places past the quota carry 未获评, which any number may get).
Ruled institutions take the tie's places by their star (higher first; equal stars share a rank);
an unruled one stays 待裁定 on the tie's first place. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from tuoyu_excel.core.star.ranking import NO_STAR, PENDING, Placement, place_stars, star_level, tie_span
from tuoyu_excel.intake.rulings import Ruling, RulingsRead
from tuoyu_excel.issues import Issue, make_issue
from tuoyu_excel.layout.results import R_CODE, R_CORE, R_RANK, R_STAR, R_TOTAL, SPAN_SEP
from tuoyu_excel.spec.model import Rubric

CENT = Decimal("0.01")  # scores are compared as the sheet shows them (0.00)


@dataclass(frozen=True)
class Tie:
    """One institution of a tie the ranking left 待裁定, and the ruling applied to it (if any)."""

    placement: Placement  # as ranked: 待裁定, on the tie's shared (first) place
    stars: tuple[str, ...]  # the star each place of the tie carries, in place order
    ruling: Ruling | None = None

    @property
    def span(self) -> tuple[str, ...]:
        """The distinct stars of the tie's places (可裁定星级)."""
        return tie_span(list(self.stars))

    @property
    def choices(self) -> tuple[str, ...]:
        """What a ruling may pick: the span's stars and 未获评."""
        return tuple(dict.fromkeys((*self.span, NO_STAR)))

    @property
    def group(self) -> tuple[str, int]:
        return self.placement.zone, self.placement.rank


@dataclass
class Ruled:
    placements: list[Placement]  # with the accepted rulings applied (all of them, or none when issues)
    ties: list[Tie]  # every institution the ranking left 待裁定, with its accepted ruling
    issues: list[Issue] = field(default_factory=list)  # any of them stops the run

    @property
    def ruled(self) -> list[Tie]:
        return [t for t in self.ties if t.ruling is not None]


def find_ties(rubric: Rubric, placements: list[Placement]) -> list[Tie]:
    """Every 待裁定 placement with the stars of its tie's places."""
    zones = {z.name: z for z in rubric.star.zones}
    groups: dict[tuple[str, int], list[Placement]] = {}
    for p in placements:
        if p.star == PENDING:
            groups.setdefault((p.zone, p.rank), []).append(p)
    ties = []
    for (zone, rank), group in groups.items():
        stars = tuple(place_stars(zones[zone], rank, len(group), group[0].candidate.total))
        ties += [Tie(p, stars) for p in group]
    return ties


def apply_rulings(rubric: Rubric, placements: list[Placement], rulings: RulingsRead | None) -> Ruled:
    """The placements with the rulings applied, or (when any ruling does not fit) the problems."""
    ties = find_ties(rubric, placements)
    if rulings is None:
        return Ruled(placements, ties)
    check = _Checker(rulings, {t.placement.candidate.key: t for t in ties},
                     {p.candidate.key: p for p in placements})
    accepted = {row.key: row for row in rulings.ruled if row.key and check.fits(row)}
    check.places(ties, accepted)
    if check.issues:
        return Ruled(placements, ties, check.issues)
    body = rubric.report.ruling_body or "评定单位"
    ties = [replace(t, ruling=accepted.get(t.placement.candidate.key)) for t in ties]
    decided = {t.placement.candidate.key: t for t in ties if t.ruling is not None}
    out = [_ruled(p, decided[p.candidate.key], ties, rubric, body) if p.candidate.key in decided else p for p in placements]
    return Ruled(out, ties)


def _ruled(p: Placement, tie: Tie, ties: list[Tie], rubric: Rubric, body: str) -> Placement:
    """The ruled star, its place in the tie (after every ruled one of a higher star) and the 备注."""
    level = star_level(rubric, tie.ruling.star)
    above = sum(1 for t in ties if t.group == tie.group and t.ruling is not None
                and star_level(rubric, t.ruling.star) > level)
    return replace(p, star=tie.ruling.star, rank=p.rank + above, note=f"经{body}裁定：{tie.ruling.basis}")


class _Checker:
    """Collects the problems of a rulings file against this run's ties."""

    def __init__(self, rulings: RulingsRead, tie_of: dict[str, Tie], placed: dict[str, Placement]):
        self.rulings, self.tie_of, self.placed = rulings, tie_of, placed
        self.issues: list[Issue] = []
        self.seen: dict[str, int] = {}

    def add(self, code: str, cell: str, **context: object) -> None:
        self.issues.append(make_issue(code, self.rulings.file, self.rulings.sheet, cell, **context))

    def fits(self, row: Ruling) -> bool:
        """The ruling names this run's tie as written, once, with a star the tie allows."""
        where = row.cells
        if row.key in self.seen:
            self.add("RULING_DUPLICATE", where[R_CODE], found=row.key, other=self.seen[row.key])
            return False
        self.seen[row.key] = _row_number(where[R_CODE])
        tie = self.tie_of.get(row.key)
        if tie is None:
            p = self.placed.get(row.key)
            now = f"本次评定为{p.star}（{p.zone}第 {p.rank} 名）" if p else "本次未参加排名"
            self.add("RULING_NOT_PENDING", where[R_CODE], found=row.key, label=row.name, detail=now)
            return False
        c = tie.placement.candidate
        for header, was, now in ((R_TOTAL, row.total, c.total), (R_CORE, row.core, c.core)):
            if was is None or _cents(was) != _cents(now):
                self.add("RULING_SCORES_CHANGED", where[header], found=_cents(was) if was is not None else "空白",
                         expected=_cents(now), label=c.name, detail=header)
                return False
        written = _tie_text(row.zone, row.rank, row.span)
        current = _tie_text(tie.placement.zone, Decimal(tie.placement.rank), tie.span)
        if written != current:
            self.add("RULING_TIE_CHANGED", where[R_RANK], found=written, expected=current, label=c.name)
            return False
        if row.star not in tie.choices:
            self.add("RULING_STAR_OUTSIDE", where[R_STAR], found=row.star, expected="、".join(tie.choices),
                     label=c.name)
            return False
        return True

    def places(self, ties: list[Tie], accepted: dict[str, Ruling]) -> None:
        """Per tie and star: no more institutions ruled to it than the tie has places of it."""
        groups: dict[tuple[str, int], list[Tie]] = {}
        for t in ties:
            groups.setdefault(t.group, []).append(t)
        for (zone, rank), group in groups.items():
            stars = group[0].stars
            rows = [accepted[t.placement.candidate.key] for t in group if t.placement.candidate.key in accepted]
            for star in (s for s in tie_span(list(stars)) if s != NO_STAR):
                chosen = sorted((r for r in rows if r.star == star), key=lambda r: _row_number(r.cells[R_STAR]))
                room = stars.count(star)
                if len(chosen) > room:
                    where = f"{zone}片区第 {rank}—{rank + len(stars) - 1} 名由并列的 {len(stars)} 家机构占据，其中"
                    self.add("RULING_OVER_PLACES", chosen[room].cells[R_STAR], found=star, expected=room,
                             value=len(chosen), other="、".join(r.cells[R_STAR] for r in chosen), detail=where)


def _tie_text(zone: str, rank: Decimal | None, span: tuple[str, ...]) -> str:
    shown = "?" if rank is None else format(rank.normalize(), "f")
    return f"{zone}片区第 {shown} 名并列、可裁定{SPAN_SEP.join(span)}"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _row_number(cell: str) -> int:
    return int("".join(ch for ch in cell if ch.isdigit()) or 0)
