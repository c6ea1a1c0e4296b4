"""Panel scoring: several assessors score one institution on their own; the panel gives one score per item.

“市卫生健康委组织有关人员，通过查阅资料、现场查看、座谈等方式进行市级核验，并对申报机构进行综合评分”:
the 市级核验 (and often the county 初评) is a team. The rule is rubric data (``Rubric.panel``): per scored
item the arithmetic mean of the assessors' scores; with at least ``trim_from`` assessors one highest and
one lowest score are dropped first; the mean is rounded half up to ``decimals``. 必备条件 (符合 / 不符合) and
不适用 are not averaged: the panel must agree, and a disagreement is a ``Split`` listing who said what.

Everything after this step (totals, core rate, 750 mark, 不适用 rebasing, ranking) takes the averaged item
scores exactly as it takes one assessor's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tuoyu_excel.core.scoring import ScoreCard
from tuoyu_excel.spec.model import PanelSettings, Rubric

Score = Decimal | str | None  # points, 符合 / 不符合 / 不适用, or nothing


@dataclass(frozen=True)
class Split:
    """An item the panel must agree on (必备条件, 不适用) and did not: who said what, in panel order."""

    item: str
    said: tuple[tuple[str, Score], ...]  # (assessor, value)


@dataclass(frozen=True)
class Spread:
    """A scored item whose highest and lowest score differ by more than the rubric's limit."""

    item: str
    low: Decimal
    high: Decimal
    limit: Decimal

    @property
    def width(self) -> Decimal:
        return self.high - self.low


@dataclass(frozen=True)
class PanelScores:
    scores: dict[str, Score]  # item code -> the panel's value (absent for a split item)
    splits: tuple[Split, ...]
    spreads: tuple[Spread, ...]


@dataclass(frozen=True)
class Assessment:
    """One assessor's copy of an institution's workbook, scored on its own."""

    assessor: str
    file: str
    sha256: str
    card: ScoreCard
    path: Path | None = None  # the copy itself (annotated copies mark each file with its own issues)


@dataclass(frozen=True)
class Panel:
    """The assessors whose copies made one institution's scores (results: 评分人明细, 运行信息)."""

    stage: str
    copies: tuple[Assessment, ...]  # by assessor's name
    spreads: tuple[Spread, ...]  # items whose scores spread over the limit

    @property
    def assessors(self) -> tuple[str, ...]:
        return tuple(a.assessor for a in self.copies)


def panel_mean(values: Sequence[Decimal], settings: PanelSettings) -> Decimal:
    """The panel's score of one item: the mean (trimmed from ``settings.trim_from`` assessors on),
    rounded half up to ``settings.decimals``. Exact: no intermediate rounding."""
    if not values:
        raise ValueError("a panel score needs at least one assessor's score")
    kept = sorted(values)
    if len(kept) >= settings.trim_from:
        kept = kept[1:-1]  # one highest and one lowest
    return round_mean(sum(kept, Decimal(0)), len(kept), settings.decimals)


def round_mean(total: Decimal, count: int, decimals: int) -> Decimal:
    """total ÷ count rounded half up to `decimals` places, computed exactly (total ≥ 0: points are)."""
    unit = Decimal(1).scaleb(-decimals)
    step = unit * count
    whole = total // step
    rest = total - whole * step
    if 2 * rest >= step:
        whole += 1
    return (whole * unit).quantize(unit)


def combine(rubric: Rubric, sheets: Sequence[tuple[str, Mapping[str, Score]]]) -> PanelScores:
    """The panel's item scores from each assessor's (name, item code -> value) of one stage."""
    settings = rubric.panel
    unit = Decimal(1).scaleb(-settings.decimals)
    names = [who for who, _ in sheets]
    columns = [values for _, values in sheets]
    scores: dict[str, Score] = {}
    splits: list[Split] = []
    spreads: list[Spread] = []
    for item in rubric.items:
        code = item.code
        found = [values.get(code) for values in columns]
        first = found[0] if found else None
        if not item.veto and found and all(type(v) is Decimal for v in found):
            if all(v == first for v in found):  # the panel agrees (most items): the mean is the score itself
                scores[code] = first.quantize(unit, rounding=ROUND_HALF_UP)  # = panel_mean(found, settings)
                continue
            scores[code] = panel_mean(found, settings)
            low, high, limit = min(found), max(found), settings.spread_limit(item)
            if high - low > limit:
                spreads.append(Spread(code, low, high, limit))
        elif all(type(v) is type(first) and v == first for v in found):
            scores[code] = first
        else:
            splits.append(Split(code, tuple(zip(names, found, strict=True))))
    return PanelScores(scores, tuple(splits), tuple(spreads))
