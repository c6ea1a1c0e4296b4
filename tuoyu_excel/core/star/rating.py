"""The city's final job, as a pure core: a folder of workbooks → ranked, starred results.

pipeline.run (read, validate, score, eligibility) → candidates from the eligible →
ranking.rank_all → rating-history rules → StarResult. Nothing here writes a file.

History rules (《工作方案》四（一）): “获得星级的托育机构，每3年复审1次……已定级的托育机构
1年后方可申报高一等级的评审。” and 四（二） 撤销称号; how the history's records read together
(复审通过, 限期整改, 降级, 撤销) is ``core/star/standing.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from tuoyu_excel.core.pipeline import FileResult, Progress, RunResult, run
from tuoyu_excel.core.scoring import ScoreCard
from tuoyu_excel.core.star.eligibility import add_years, check_eligibility
from tuoyu_excel.core.star.naming import Naming
from tuoyu_excel.core.star.notice import NoticePeriod
from tuoyu_excel.core.star.ranking import NO_STAR, PENDING, Candidate, Placement, rank_all, star_level
from tuoyu_excel.core.star.rulings import Tie, apply_rulings
from tuoyu_excel.core.star.standing import standing_of, standings
from tuoyu_excel.intake.history import HistoryRecord
from tuoyu_excel.intake.rulings import RulingsRead
from tuoyu_excel.issues import Issue
from tuoyu_excel.layout.history import DOWNGRADED, VALID
from tuoyu_excel.spec.model import Rubric
from tuoyu_excel.text import chinese_date


@dataclass
class StarResult:
    run: RunResult
    placements: list[Placement]
    history: list[HistoryRecord] = field(default_factory=list)
    review_due: list[HistoryRecord] = field(default_factory=list)  # 复审到期
    stage_cards: dict[str, dict[str, ScoreCard | None]] = field(default_factory=dict)  # file -> stage -> card
    ranked: list[Placement] = field(default_factory=list)  # by rank and rulings, before the history rules
    ties: list[Tie] = field(default_factory=list)  # every institution the ranking left 待裁定 (and its ruling)
    rulings: RulingsRead | None = None  # the rulings file used, if any
    ruling_issues: list[Issue] = field(default_factory=list)  # rulings that do not fit: the run stops
    notice: NoticePeriod | None = None  # the 公示期 (final results: the notice and 公示核查 show it)
    naming: Naming | None = None  # after the 公示 and its 核查: who is named, who is not (with_naming)

    @property
    def rubric(self) -> Rubric:
        return self.run.rubric

    @property
    def excluded(self) -> list[FileResult]:
        """Workbooks not scored because of errors (listed with their issues)."""
        return [f for f in self.run.files if f.card is None]

    @property
    def ineligible(self) -> list[FileResult]:
        return [f for f in self.run.files if f.card is not None and f.reasons]

    @property
    def pending(self) -> list[Placement]:
        return [p for p in self.placements if p.star == PENDING]

    @property
    def provisional(self) -> bool:
        """Results of an earlier stage than the last (县级初评) are not the final rating."""
        return self.run.stage != self.rubric.stages[-1].key

    @property
    def final(self) -> bool:
        """The final rating with nothing left 待裁定: the list that goes to the 公示."""
        return not self.provisional and not self.pending

    @property
    def ruled(self) -> list[Tie]:
        return [t for t in self.ties if t.ruling is not None]

    @property
    def draft(self) -> bool:
        """The final stage with institutions still 待裁定: nothing in it may be published."""
        return not self.provisional and bool(self.pending)

    @property
    def named(self) -> bool:
        """Named after the 公示 and its 核查: what the history kept for next year records."""
        return self.naming is not None


def with_naming(result: StarResult, naming: Naming) -> StarResult:
    """The result as named: the placements the 公示核查 left (不予命名 marked), and the naming itself."""
    return replace(result, placements=naming.placements, naming=naming)


def candidate_of(f: FileResult, rubric: Rubric) -> Candidate:
    sub = f.submission
    district_key = next(x.key for x in rubric.form if x.type == "district")
    code_key = next(x.key for x in rubric.form if x.type == "credit_code")
    return Candidate(key=sub.text(code_key), name=sub.text(rubric.name_field), district=sub.text(district_key),
                     total=f.card.total, core=f.card.core, file=f.file)


def evaluate_star(source: Path, rubric: Rubric, stage: str, eval_date: dt.date,
                  history: list[HistoryRecord] | None = None, progress: Progress | None = None,
                  rulings: RulingsRead | None = None, panel: bool = False) -> StarResult:
    """Rank, apply the commission's rulings on ties (when given), then the history rules. Rulings that
    do not fit this run come back as `ruling_issues` (with the placements as ranked). With `panel`, each
    institution's copies (one per assessor) are combined first (core/panel_copies.py)."""
    result = run(source, rubric, stage, eval_date, progress, assess=check_eligibility, panel=panel)
    eligible = [candidate_of(f, rubric) for f in result.files if f.eligible]
    ruled = apply_rulings(rubric, rank_all(rubric, eligible), rulings)
    history = history or []
    placements = [apply_history(p, rubric, history, eval_date) for p in ruled.placements]
    due = review_due(history, rubric, eval_date)
    placements = [note_review(p, rubric, history, eval_date) for p in placements]
    return StarResult(run=result, placements=placements, history=history, review_due=due,
                      stage_cards=stage_cards(result, rubric, stage), ranked=ruled.placements, ties=ruled.ties,
                      rulings=rulings, ruling_issues=ruled.issues)


def apply_history(p: Placement, rubric: Rubric, history: list[HistoryRecord], eval_date: dt.date) -> Placement:
    """Cap a star that rises within the waiting period (counted from the last 定级: 有效 or 降级, not a
    复审通过); note a revoked title (the institution applied again as new: its ranking stands)."""
    standing = standing_of(history, p.candidate.key)
    if standing is None:
        return p
    if standing.revoked:
        record = standing.latest
        return replace(p, note=_join(p.note, f"曾于 {chinese_date(record.date)} 被撤销{record.star}称号"))
    rated = standing.rated
    if rated is None:
        return p
    waiting = add_years(rated.date, rubric.star.rerate_wait_years) > eval_date
    held = standing.star
    if waiting and p.star not in (NO_STAR, PENDING) and star_level(rubric, p.star) > star_level(rubric, held):
        how = "降为" if rated.status == DOWNGRADED else "评为"
        note = (f"{chinese_date(rated.date)} 已{how}{held}，不满 {rubric.star.rerate_wait_years} 年不得评定高一等级，"
                f"按排名应为{p.star}，现保持{held}")
        return replace(p, star=held, note=_join(p.note, note))
    return p


def note_review(p: Placement, rubric: Rubric, history: list[HistoryRecord], eval_date: dt.date) -> Placement:
    """《工作方案》四（一）“每3年复审1次”: a ranked institution whose review is due (or whose 限期整改 runs
    or has run out) says so in its own 备注."""
    standing = standing_of(history, p.candidate.key)
    text = standing.state_text(rubric, eval_date) if standing is not None else ""
    return replace(p, note=_join(p.note, text)) if text else p


def review_due(history: list[HistoryRecord], rubric: Rubric, eval_date: dt.date) -> list[HistoryRecord]:
    """Institutions whose review is due by `eval_date` (每3年复审1次, counted from the last 定级 or 复审通过),
    or under a 限期整改 (the review stays due): the record the clock counts from, or the 限期整改 record."""
    out = []
    for standing in standings(history).values():
        state = standing.review_state(rubric, eval_date)
        if state:
            out.append(standing.latest if standing.rectifying else standing.clock)
    return sorted(out, key=lambda h: (h.date, h.key))


def stage_cards(result: RunResult, rubric: Rubric, stage: str) -> dict[str, dict[str, ScoreCard | None]]:
    """Per scored file, a card for every stage up to `stage` (for 自评与核验差异; worked out per file
    in pipeline.process_file)."""
    return {f.file: f.stage_cards for f in result.files if f.submission is not None and f.card is not None}


@dataclass(frozen=True)
class CarriedHistory:
    """The history to keep for next year: the records used, then this run's awards."""

    records: list[HistoryRecord]
    added: int  # 有效 rows for this run's stars
    replaced: int  # records of the history used on the same day for the same institution, replaced
    held: int  # stars the history held down (保持原星级): their earlier record stands, no new row


def carried_history(result: StarResult, named_on: dt.date) -> CarriedHistory:
    """《工作方案》三（五）“由柳州市卫生健康委命名为‘星级托育机构’” and 四（一）“每3年复审1次……1年后方可申报
    高一等级”: every record of the history used, plus one 有效 row per star this run awards, dated the day
    of naming, so next year's run applies both rules without re-keying. A star the history held down is
    no new rating (the earlier record keeps its date); an institution the 核查 withheld (不予命名) gets
    none either. Call only for named results (with_naming)."""
    ranked = {p.candidate.key: p.star for p in result.ranked}
    stars = result.rubric.star.stars
    awarded = [p for p in result.placements if p.star in stars]
    held = [p for p in awarded if ranked.get(p.candidate.key, p.star) != p.star]
    new = [HistoryRecord(p.candidate.key, p.candidate.name, p.star, named_on, VALID)
           for p in awarded if p not in held]
    same_day = {(h.key, h.date): h for h in new}  # e.g. the same run again with last time's file as history
    kept = [h for h in result.history if (h.key, h.date) not in same_day]
    replaced = sum(1 for h in result.history if (h.key, h.date) in same_day and h != same_day[h.key, h.date])
    return CarriedHistory(kept + new, len(new), replaced, len(held))


def _join(a: str, b: str) -> str:
    return f"{a}；{b}" if a else b
