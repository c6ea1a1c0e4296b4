"""The comparative items of a rubric (rule ``comparative``: a city's rate against the regional
average) and the unit their rates are shown in. Plain rubric facts, used by the city scoring,
the official-averages reader and the workbooks that show rates."""

from __future__ import annotations

from decimal import Decimal

from tuoyu_excel.spec.model import COMPARATIVE, Item, Rubric


def comparative_items(rubric: Rubric) -> tuple[Item, ...]:
    return tuple(i for i in rubric.items if i.rule == COMPARATIVE)


def unit_label(item: Item) -> str:
    """每千人 for scale 1000, % for scale 100."""
    return {Decimal(1000): "每千人", Decimal(100): "%", Decimal(1): ""}.get(item.scale, f"每{item.scale}")
