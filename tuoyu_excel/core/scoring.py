"""Scoring of one stage, in Decimal: item points, part subtotals, total, core total and rate.

With 不适用 items the total is re-based: 应得分 = Σ 分值 of applicable items,
折算分 = 实得分 ÷ 应得分 × 满分 — the 综合得分 used for thresholds and ranking.
Formula cells in workbooks are never trusted: everything is summed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tuoyu_excel.intake.validate import Submission
from tuoyu_excel.spec.model import NOT_APPLICABLE, Rubric

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ScoreCard:
    stage: str
    items: dict[str, Decimal | None]  # scored item code -> points, None when 不适用
    veto: dict[str, str]  # 必备条件 code -> 符合 / 不符合 / 不适用
    parts: dict[str, Decimal]  # part code -> 实得
    part_possible: dict[str, Decimal]  # part code -> 应得
    earned: Decimal  # 实得分
    possible: Decimal  # 应得分
    total: Decimal  # 综合得分 (折算分 when items are 不适用, else 实得分)
    core: Decimal  # 核心指标实得
    core_possible: Decimal  # 核心指标应得
    core_rate: Decimal  # core / core_possible (0..1), unrounded

    @property
    def failed_veto(self) -> list[str]:
        return [code for code, v in self.veto.items() if v == "不符合"]


def rebase(earned: Decimal, possible: Decimal, full: Decimal) -> Decimal:
    """折算分 = 实得分 ÷ 应得分 × 满分, to two decimals (half up)."""
    if possible == 0:
        return Decimal(0)
    if possible == full:
        return earned
    return (earned / possible * full).quantize(CENT, rounding=ROUND_HALF_UP)


def score(sub: Submission, rubric: Rubric, stage: str) -> ScoreCard:
    """Score a submission that validated without errors for `stage`."""
    values = sub.scores.get(stage, {})
    items: dict[str, Decimal | None] = {}
    veto: dict[str, str] = {}
    parts = {p.code: Decimal(0) for p in rubric.parts if not p.veto}
    possible_parts = dict(parts)
    zero = Decimal(0)
    for item in rubric.items:
        value = values.get(item.code)
        if item.veto:
            veto[item.code] = value if type(value) is str else ""
            continue
        if type(value) is str and value == NOT_APPLICABLE:  # (a Decimal compared with a str asks an ABC: slow)
            items[item.code] = None
            continue
        points = value if type(value) is Decimal else zero
        items[item.code] = points
        parts[item.part] += points
        possible_parts[item.part] += item.points
    return _card(rubric, stage, items, veto, parts, possible_parts)


def _card(rubric: Rubric, stage: str, items, veto, parts, possible_parts) -> ScoreCard:
    earned = sum(parts.values(), Decimal(0))
    possible = sum(possible_parts.values(), Decimal(0))
    core_items = [i for i in rubric.scored_items if i.core and items.get(i.code) is not None]
    core = sum((items[i.code] for i in core_items), Decimal(0))
    core_possible = sum((i.points for i in core_items), Decimal(0))
    rate = core / core_possible if core_possible else Decimal(1)  # exact; rounded only for display
    return ScoreCard(
        stage=stage, items=items, veto=veto, parts=parts, part_possible=possible_parts,
        earned=earned, possible=possible, total=rebase(earned, possible, rubric.total),
        core=core, core_possible=core_possible, core_rate=rate,
    )
