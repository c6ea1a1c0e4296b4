"""Where an institution stands according to the rating history: its current star, the day its star
was set (定级) and the day its review clock started, whether a 限期整改 runs or has run out.

《柳州市托育机构星级评定工作方案》四（一）: “获得星级的托育机构，每3年复审1次……对复审不合格的作出限期
整改或降级处理。已定级的托育机构1年后方可申报高一等级的评审。” 四（二）撤销称号, 四（三）“对发现问题的
责令限期整改，拒不整改或整改达不到要求的……视情给予降级或撤销称号处理”.

Readings (README, 规则口径): a 复审通过 restarts the 3-year clock but not the 1-year wait (a review
confirms a level, it is no new 定级); a 降级 is a new 定级 (both clocks restart); during a 限期整改 the
star is kept and the review stays due; after a 撤销 the institution holds no star. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tuoyu_excel.core.star.eligibility import add_years
from tuoyu_excel.intake.history import HistoryRecord
from tuoyu_excel.layout.history import RATED, RECTIFY, REVIEWED, REVOKED
from tuoyu_excel.spec.model import Rubric
from tuoyu_excel.text import chinese_date

DUE = "复审到期"
RECTIFYING = "限期整改中"
RECTIFY_OVER = "整改到期"


@dataclass(frozen=True)
class Standing:
    """An institution's records read together (the latest decides)."""

    key: str
    latest: HistoryRecord  # the latest record
    rated: HistoryRecord | None  # the latest 定级 (有效 or 降级) since any 撤销: the 1-year wait counts from it
    clock: HistoryRecord | None  # the latest 定级 or 复审通过: the review period counts from it

    @property
    def revoked(self) -> bool:
        return self.latest.status == REVOKED

    @property
    def star(self) -> str | None:
        """The star held now (None after a 撤销). A 限期整改 keeps it."""
        return None if self.revoked else self.latest.star

    @property
    def rectifying(self) -> bool:
        return self.latest.status == RECTIFY

    def rectify_over(self, day: dt.date) -> bool:
        """A 限期整改 whose 期限 has passed by `day`."""
        return self.rectifying and self.latest.deadline is not None and self.latest.deadline < day

    def review_state(self, rubric: Rubric, day: dt.date) -> str:
        """复审到期 / 限期整改中 / 整改到期, or "" when no review is due by `day`."""
        if self.revoked or self.clock is None:
            return ""
        if self.rectifying:
            return RECTIFY_OVER if self.rectify_over(day) else RECTIFYING
        return DUE if add_years(self.clock.date, rubric.star.review_years) <= day else ""

    def state_text(self, rubric: Rubric, day: dt.date) -> str:
        """The review state as a sentence for a 备注 (“” when none)."""
        state = self.review_state(rubric, day)
        if state == DUE:
            what = "复审通过" if self.clock.status == REVIEWED else f"评为{self.clock.star}"
            return f"{DUE}：{chinese_date(self.clock.date)} {what}，已满 {rubric.star.review_years} 年"
        if state:
            return (f"{state}：{chinese_date(self.latest.date)} 复审责令限期整改，期限 "
                    f"{chinese_date(self.latest.deadline) if self.latest.deadline else '未填'}，现为{self.latest.star}")
        return ""


def standing_of(history: list[HistoryRecord], key: str) -> Standing | None:
    """The institution's standing; None when the history has no record of it."""
    records = [h for h in history if h.key == key]
    return _standing(key, records) if records else None


def _standing(key: str, records: list[HistoryRecord]) -> Standing:
    records = sorted(records, key=lambda h: h.date)
    since = [h for h in records if h.status == REVOKED]
    after = [h for h in records if not since or h.date > since[-1].date]
    rated = [h for h in after if h.status in RATED]
    clock = [h for h in after if h.status in (*RATED, REVIEWED)]
    return Standing(key, records[-1], rated[-1] if rated else None, clock[-1] if clock else None)


def standings(history: list[HistoryRecord]) -> dict[str, Standing]:
    """Every institution of the history, by its code, in the order first met."""
    by_key: dict[str, list[HistoryRecord]] = {}
    for h in history:
        by_key.setdefault(h.key, []).append(h)
    return {key: _standing(key, records) for key, records in by_key.items()}
