"""What the star-results workbook shows, computed once from a StarResult (no spreadsheet code here)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from tuoyu_excel.core.pipeline import FileResult
from tuoyu_excel.core.star.ranking import NO_STAR, PENDING, Placement
from tuoyu_excel.core.star.rating import StarResult
from tuoyu_excel.intake.history import HistoryRead, HistoryRecord
from tuoyu_excel.issues import ERROR, Issue
from tuoyu_excel.spec.model import Rubric

OUTCOMES = (NO_STAR, PENDING)


@dataclass
class StarReport:
    result: StarResult
    history: HistoryRead | None = None  # the history workbook read for this run, if any

    @property
    def rubric(self) -> Rubric:
        return self.result.rubric

    @property
    def stage_key(self) -> str:
        return self.result.run.stage

    @property
    def stage_label(self) -> str:
        return self.rubric.stage(self.stage_key).label

    @property
    def provisional(self) -> bool:
        """Results of an earlier stage than the last (县级初评) are not the final rating."""
        return self.stage_key != self.rubric.stages[-1].key

    @property
    def stars_high_first(self) -> tuple[str, ...]:
        return tuple(reversed(self.rubric.star.stars))

    @property
    def files(self) -> list[FileResult]:
        return self.result.run.files

    @cached_property
    def by_file(self) -> dict[str, FileResult]:
        return {f.file: f for f in self.files}

    def text_of(self, f: FileResult, kind: str) -> str:
        """The 机构名称 (kind "name"), 统一社会信用代码 ("credit_code") or 所在县区 ("district") of a file."""
        if f.submission is None:
            return ""
        key = self.rubric.name_field if kind == "name" else next(x.key for x in self.rubric.form if x.type == kind)
        return f.submission.text(key)

    @cached_property
    def placements(self) -> list[Placement]:
        """Zone (rubric order), then rank, then code."""
        zones = [z.name for z in self.rubric.star.zones]
        return sorted(self.result.placements, key=lambda p: (zones.index(p.zone), p.rank, p.candidate.key))

    @cached_property
    def ranked_files(self) -> list[FileResult]:
        """The files in the order of the results, never of their names: the ranked by zone (rubric order) and
        rank, then the others by 所在县区 (rubric order) and 综合得分, highest first; unscored files last."""
        order = {p.candidate.file: n for n, p in enumerate(self.placements)}
        districts = {d: n for n, d in enumerate(self.rubric.star.districts)}

        def key(f: FileResult) -> tuple:
            if f.file in order:
                return 0, order[f.file], 0, 0, ""
            return (1 if f.card else 2, districts.get(self.text_of(f, "district"), len(districts)), 0,
                    -(f.card.total if f.card else 0), f.file)
        return sorted(self.files, key=key)

    def starred(self) -> list[Placement]:
        """The published list: highest star first; within a star by zone, then rank."""
        level = {s: n for n, s in enumerate(self.stars_high_first)}
        return sorted((p for p in self.placements if p.star in level), key=lambda p: level[p.star])

    def published(self) -> list[Placement]:
        """The list as the 公示 published it: after naming, the withheld (不予命名) with their published star."""
        naming = self.result.naming
        level = {s: n for n, s in enumerate(self.stars_high_first)}
        withheld = {w.placement.candidate.key: w.placement for w in naming.withheld} if naming else {}
        shown = [withheld.get(p.candidate.key, p) for p in self.placements]
        return sorted((p for p in shown if p.star in level), key=lambda p: level[p.star])

    def zone_placements(self, zone: str) -> list[Placement]:
        return [p for p in self.placements if p.zone == zone]

    def counts(self, zone: str) -> dict[str, int]:
        out = {s: 0 for s in (*self.stars_high_first, *OUTCOMES)}
        for p in self.zone_placements(zone):
            out[p.star] = out.get(p.star, 0) + 1
        return out

    def zone_order(self, zone: str) -> int:
        return [z.name for z in self.rubric.star.zones].index(zone)

    @cached_property
    def capped(self) -> list[tuple[Placement, str]]:
        """Placements whose star the history held down: (placement, the star its rank, or the ruling on
        its tie, would give)."""
        by_rank = {p.candidate.file: p.star for p in self.result.ranked}
        return [(p, by_rank[p.candidate.file]) for p in self.placements
                if p.candidate.file in by_rank and by_rank[p.candidate.file] != p.star]

    @cached_property
    def unplaced(self) -> list[FileResult]:
        """Eligible files that no zone ranked (their 所在县区 belongs to no zone)."""
        placed = {p.candidate.file for p in self.result.placements}
        return [f for f in self.files if f.eligible and f.file not in placed]

    @property
    def pending(self) -> list[Placement]:
        return [p for p in self.placements if p.star == PENDING]

    @property
    def issues(self) -> list[Issue]:
        return self.result.run.issues + self.history_issues

    @property
    def history_issues(self) -> list[Issue]:
        return list(self.history.issues) if self.history else []

    @property
    def review_due(self) -> list[HistoryRecord]:
        return self.result.review_due

    def excluded_reason(self, f: FileResult) -> str:
        """“表格有错误，未参加评定：<first error> 等 N 项”."""
        errors = [i for i in f.issues if i.severity == ERROR] or f.issues
        first = errors[0].text if errors else f"{f.file}：{f.status}"
        return f"表格有错误，未参加评定：{first} 等 {len(errors)} 项"

    def core_rate_reading(self) -> str:
        s = self.rubric.star
        pct = f"{(s.core_rate * 100).normalize():f}%"
        if s.core_rate_reading == "per_item":
            return f"每个核心指标的得分率均不低于 {pct}（逐项计算）"
        return f"核心指标合计得分率不低于 {pct}（核心指标实得分之和 ÷ 应得分之和，不适用项不计入）"

    def zone_rule(self, zone) -> str:
        if zone.award == "rank":
            bands = "；".join(f"第 {b.rank_from}—{b.rank_to} 名 {b.star}" for b in zone.bands)
        else:
            bands = "；".join(f"{b.min_score.normalize():f} 分及以上 {b.star}" for b in zone.bands)
        quota = f"名额 {zone.quota} 家" if zone.quota else "不限名额"
        return f"{'、'.join(zone.districts)}：{quota}，{bands}"
