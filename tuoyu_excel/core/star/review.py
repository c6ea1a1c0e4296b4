"""复审 and its 处理: the reviewed institutions judged against the rating conditions, a proposal for each,
and the commission's decisions checked and turned into history records. Pure: no I/O.

《柳州市托育机构星级评定工作方案》四（一）: “获得星级的托育机构，每3年复审1次。由星级托育机构向所在县区
卫生健康局申请，县区卫生健康局按照柳州市星级托育机构评估标准进行审核验收并上报市卫生健康委，对复审不合格的
作出限期整改或降级处理。” 四（三）: “对发现问题的责令限期整改，拒不整改或整改达不到要求的……市卫生健康委视情
给予降级或撤销称号处理。”

Readings (README, 规则口径): 合格 = every rating condition holds (eligibility.py, the same as for a
rating) and, when the rubric sets one, 综合得分 reaches the star's 复审最低分; no ranking, no quotas.
The proposal: 合格 → 保持星级; 不合格 → 限期整改; 不合格 again after a 限期整改 whose 期限 has passed →
降级为 the next lower star (撤销 for the lowest). The commission decides; its decisions become
history rows dated the decision day: 复审通过, 限期整改 (with its 期限), 降级 (the new star), 撤销.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tuoyu_excel.core.pipeline import FileResult, RunResult
from tuoyu_excel.core.star.rating import candidate_of
from tuoyu_excel.core.star.standing import Standing, standings
from tuoyu_excel.intake.history import HistoryRecord
from tuoyu_excel.intake.review import ReviewDecision, ReviewDecisions
from tuoyu_excel.issues import Issue, make_issue
from tuoyu_excel.layout.history import DOWNGRADED, RECTIFY, REVIEWED, REVOKED
from tuoyu_excel.layout.results import (
    QUALIFIED,
    R_CODE,
    REVIEWS,
    UNQUALIFIED,
    V_DEADLINE,
    V_DECISION,
    V_DOWN,
    V_PASS,
    V_RECTIFY,
    V_REVOKE,
    V_SCORE,
    V_STAR,
)
from tuoyu_excel.spec.model import Rubric
from tuoyu_excel.text import chinese_date

KEEP = "保持星级"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Reviewed:
    """One reviewed institution: where it stands, how it scored, what fails, and the proposal."""

    key: str
    name: str
    district: str
    file: str
    standing: Standing
    total: Decimal
    core_rate: Decimal
    failures: tuple[str, ...]  # every rating condition not met, with its reason (empty: all met)
    proposal: str  # 保持星级 / 限期整改 / 降级为X / 撤销
    choices: tuple[str, ...]  # what the commission may decide for it (only lower stars to 降级 to)

    @property
    def qualified(self) -> bool:
        return not self.failures

    @property
    def verdict(self) -> str:
        return QUALIFIED if self.qualified else UNQUALIFIED


@dataclass(frozen=True)
class NotReviewable:
    file: str
    name: str
    reason: str


@dataclass
class Review:
    run: RunResult
    history: list[HistoryRecord]
    rows: list[Reviewed]
    overdue: list[Standing]  # due by the history, but no workbook came (逾期未复审)
    not_reviewable: list[NotReviewable]
    issues: list[Issue] = field(default_factory=list)  # a workbook of an institution holding no star

    @property
    def rubric(self) -> Rubric:
        return self.run.rubric


def review_folder(run: RunResult, history: list[HistoryRecord]) -> Review:
    """The run's workbooks as a 复审 against the history (the run's date is the review's)."""
    rubric, day = run.rubric, run.eval_date
    held = standings(history)
    rows, skipped, issues = [], [], []
    for f in run.files:
        if f.submission is None or f.card is None:
            skipped.append(NotReviewable(f.file, _name(f, rubric), "表格有错误，未能计分（见“校验问题”）"))
            continue
        c = candidate_of(f, rubric)
        standing = held.get(c.key)
        if standing is None or standing.star is None:
            why = (f"已于 {chinese_date(standing.latest.date)} 被撤销{standing.latest.star}称号" if standing
                   else "历史评定记录中没有该机构的星级")
            issues.append(make_issue("NOT_REVIEWABLE", f.file, found=c.key, label=c.name, detail=why))
            skipped.append(NotReviewable(f.file, c.name, f"{why}，不能复审；如申请评定星级，请参加星级评定"))
            continue
        failures = tuple(r.text for r in f.reasons) + _below_minimum(rubric, standing.star, f.card.total)
        rows.append(Reviewed(c.key, c.name, c.district, f.file, standing, f.card.total, f.card.core_rate, failures,
                             _proposal(rubric, standing, failures, day), choices_for(rubric, standing.star)))
    seen = {r.key for r in rows}
    overdue = [s for s in held.values() if s.key not in seen and s.review_state(rubric, day)]
    overdue.sort(key=lambda s: (s.latest.date, s.key))
    return Review(run, history, rows, overdue, skipped, issues)


def _name(f: FileResult, rubric: Rubric) -> str:
    return f.submission.text(rubric.name_field) if f.submission is not None else ""


def _below_minimum(rubric: Rubric, star: str, total: Decimal) -> tuple[str, ...]:
    least = rubric.star.review_min_score(star)
    if least is None or total >= least:
        return ()
    return (f"复审得分 {total} 分，低于{star}的复审最低分 {least} 分",)


def lower_stars(rubric: Rubric, star: str) -> tuple[str, ...]:
    """The stars below `star`, highest first."""
    return rubric.star.stars[:rubric.star.stars.index(star)][::-1]


def choices_for(rubric: Rubric, star: str) -> tuple[str, ...]:
    return (V_PASS, V_RECTIFY, *(f"{V_DOWN}{s}" for s in lower_stars(rubric, star)), V_REVOKE)


def _proposal(rubric: Rubric, standing: Standing, failures: tuple[str, ...], day: dt.date) -> str:
    if not failures:
        return KEEP
    if not standing.rectify_over(day):
        return V_RECTIFY  # a first failure (or one within a running 整改期)
    lower = lower_stars(rubric, standing.star)
    return f"{V_DOWN}{lower[0]}" if lower else V_REVOKE


# ---- the commission's decisions ----------------------------------------------------------------

@dataclass
class Decided:
    records: list[HistoryRecord]  # one new history row per decided institution, dated the decision day
    undecided: list[Reviewed]
    issues: list[Issue]  # any of them stops the run


def apply_decisions(review: Review, read: ReviewDecisions, day: dt.date) -> Decided:
    """The new history rows the decisions make, or every problem (each at its cell)."""
    rubric = review.rubric
    by_key = {r.key: r for r in review.rows}
    issues = list(read.issues)
    if read.reviewed_on is not None and day < read.reviewed_on:  # decided before the review was made
        issues.append(make_issue("REVIEW_DECIDED_EARLY", read.file, REVIEWS.name, read.date_cell,
                                 found=day.isoformat(), expected=read.reviewed_on.isoformat()))
    seen: dict[str, ReviewDecision] = {}
    records, decided = [], set()
    for row in read.rows:
        if not row.key:
            continue  # the reader has named a decision without its code
        problem = _row_problem(row, by_key, seen, read.file, day, rubric)
        seen.setdefault(row.key, row)
        if problem is not None:
            issues.append(problem)
        elif row.decision:
            records.append(_record(by_key[row.key], row, day))
            decided.add(row.key)
    for key, r in by_key.items():
        if key not in seen:
            issues.append(make_issue("REVIEW_ROW_MISSING", read.file, REVIEWS.name, "", found=key, label=r.name))
    if issues:
        return Decided([], [], issues)
    return Decided(records, [r for r in review.rows if r.key not in decided], [])


def _row_problem(row: ReviewDecision, by_key: dict[str, Reviewed], seen: dict[str, ReviewDecision], file: str,
                 day: dt.date, rubric: Rubric) -> Issue | None:
    where = row.cells
    if row.key in seen:
        return make_issue("REVIEW_DUPLICATE", file, REVIEWS.name, where[R_CODE], found=row.key,
                          other="".join(ch for ch in seen[row.key].cells[R_CODE] if ch.isdigit()))
    r = by_key.get(row.key)
    if r is None:
        return make_issue("REVIEW_NOT_REVIEWED", file, REVIEWS.name, where[R_CODE], found=row.key, label=row.name)
    if row.star != r.standing.star:
        return make_issue("REVIEW_STAR_CHANGED", file, REVIEWS.name, where[V_STAR], found=row.star or "空白",
                          expected=r.standing.star, label=r.name)
    if row.score is None or row.score.quantize(CENT) != r.total.quantize(CENT):
        return make_issue("REVIEW_SCORES_CHANGED", file, REVIEWS.name, where[V_SCORE],
                          found=row.score.quantize(CENT) if row.score is not None else "空白",
                          expected=r.total.quantize(CENT), label=r.name)
    return _decision_problem(row, r, file, day, rubric)


def _decision_problem(row: ReviewDecision, r: Reviewed, file: str, day: dt.date, rubric: Rubric) -> Issue | None:
    if not row.decision or row.decision in r.choices:
        if row.decision == V_RECTIFY and row.deadline is not None and row.deadline < day:
            return make_issue("REVIEW_DEADLINE_EARLY", file, REVIEWS.name, row.cells[V_DEADLINE],
                              found=row.deadline.isoformat(), expected=day.isoformat(), label=r.name)
        return None
    target = row.decision.removeprefix(V_DOWN)
    if row.decision.startswith(V_DOWN) and target in rubric.star.stars:
        return make_issue("REVIEW_NOT_LOWER", file, REVIEWS.name, row.cells[V_DECISION], found=row.decision,
                          expected="、".join(r.choices), label=r.name, value=r.standing.star)
    return make_issue("REVIEW_VALUE_OUTSIDE", file, REVIEWS.name, row.cells[V_DECISION], found=row.decision,
                      expected="、".join(r.choices), label=V_DECISION)


def _record(r: Reviewed, row: ReviewDecision, day: dt.date) -> HistoryRecord:
    star = r.standing.star
    if row.decision == V_PASS:
        return HistoryRecord(r.key, r.name, star, day, REVIEWED)
    if row.decision == V_RECTIFY:
        return HistoryRecord(r.key, r.name, star, day, RECTIFY, row.deadline)
    if row.decision == V_REVOKE:
        return HistoryRecord(r.key, r.name, star, day, REVOKED)
    return HistoryRecord(r.key, r.name, row.decision.removeprefix(V_DOWN), day, DOWNGRADED)


def updated_history(history: list[HistoryRecord], new: list[HistoryRecord]) -> list[HistoryRecord]:
    """The history with the decisions' rows after it; a record of the same institution and day is
    replaced (the same decisions applied again)."""
    same_day = {(h.key, h.date) for h in new}
    return [h for h in history if (h.key, h.date) not in same_day] + new
