"""命名 after the 公示 and its 核查: the published list + what the 核查 found → the named list, or the
problems that stop the run.

《柳州市托育机构星级评定工作方案》三（五）: “市卫生健康委对拟命名的一星级、二星级、三星级机构进行公示，
将星级托育机构名单向社会公示5个工作日，接受社会评议和监督。对有反映问题的，及时组织核查。通过公示和
核查的，由柳州市卫生健康委命名为‘星级托育机构’。”

So an institution is named when it was on the published list (this run's stars, everything ruled)
and the 公示核查 sheet does not mark it 不予命名; naming happens after the 公示期. A place freed by
不予命名 is not passed to the next in rank: that institution was not on the published list, so it has
not passed the 公示 (README, 规则口径). The 公示核查 rows must still describe this run: the same
institutions with the same stars and scores (otherwise the inputs changed since the 公示). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from tuoyu_excel.core.star.notice import NoticePeriod
from tuoyu_excel.core.star.ranking import PENDING, Placement
from tuoyu_excel.intake.publication import CheckRow, ChecksRead
from tuoyu_excel.intake.rulings import RulingsRead
from tuoyu_excel.issues import Issue, make_issue
from tuoyu_excel.layout.results import C_STAR, CHECKS, R_CODE, R_STAR, R_TOTAL, RULINGS, WITHHELD
from tuoyu_excel.spec.model import Rubric

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Withheld:
    placement: Placement  # as published (拟命名)
    basis: str  # 核查依据


@dataclass
class Naming:
    date: dt.date
    placements: list[Placement]  # every placement, the withheld ones marked 不予命名
    named: list[Placement]  # the named list: published and passed
    withheld: list[Withheld] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # any of them stops the run


def name_stars(rubric: Rubric, placements: list[Placement], checks: ChecksRead, name_date: dt.date,
               period: NoticePeriod, rulings: RulingsRead | None = None) -> Naming:
    """The named list from the published one and the 公示核查 rows, or the problems."""
    issues = _still_pending(placements, rulings, checks.file)
    issues += _too_early(name_date, period, checks)
    listed = {p.candidate.key: p for p in placements if p.star in rubric.star.stars}
    placed = {p.candidate.key: p for p in placements}
    seen: dict[str, CheckRow] = {}
    withheld: dict[str, str] = {}
    for row in checks.rows:
        problem = _row_problem(row, listed, placed, seen, checks.file)
        if problem is not None:
            issues.append(problem)
        elif row.result == WITHHELD:
            withheld[row.key] = row.basis
        if row.key:
            seen.setdefault(row.key, row)
    for key, p in listed.items():
        if key not in seen:
            issues.append(make_issue("CHECK_ROW_MISSING", checks.file, CHECKS.name, "", found=key,
                                     label=p.candidate.name))
    if issues or checks.issues:
        return Naming(name_date, placements, [], [], [*checks.issues, *issues])
    out = [_withhold(p, withheld[p.candidate.key]) if p.candidate.key in withheld else p for p in placements]
    return Naming(name_date, out, [p for p in out if p.star in rubric.star.stars],
                  [Withheld(p, withheld[p.candidate.key]) for p in placements if p.candidate.key in withheld])


def _row_problem(row: CheckRow, listed: dict[str, Placement], placed: dict[str, Placement],
                 seen: dict[str, CheckRow], file: str) -> Issue | None:
    """What keeps one 公示核查 row from describing this run's published list (None: it does)."""
    if not row.key:
        return None  # a row without its code: the reader has named it when it carries a decision
    where = row.cells
    if row.key in seen:
        other = seen[row.key].cells[R_CODE]
        return make_issue("CHECK_DUPLICATE", file, CHECKS.name, where[R_CODE], found=row.key,
                          other="".join(ch for ch in other if ch.isdigit()))
    p = listed.get(row.key)
    if p is None:
        now = placed.get(row.key)
        detail = f"本次评定为{now.star}（{now.zone}第 {now.rank} 名）" if now else "本次未参加排名"
        return make_issue("CHECK_NOT_LISTED", file, CHECKS.name, where[R_CODE], found=row.key, label=row.name,
                          detail=detail)
    if row.star != p.star:
        return make_issue("CHECK_STAR_CHANGED", file, CHECKS.name, where[C_STAR], found=row.star or "空白",
                          expected=p.star, label=p.candidate.name)
    if row.total is None or row.total.quantize(CENT) != p.candidate.total.quantize(CENT):
        found = row.total.quantize(CENT) if row.total is not None else "空白"
        return make_issue("CHECK_SCORES_CHANGED", file, CHECKS.name, where[R_TOTAL], found=found,
                          expected=p.candidate.total.quantize(CENT), label=p.candidate.name)
    return None


def _still_pending(placements: list[Placement], rulings: RulingsRead | None, file: str) -> list[Issue]:
    """Every institution still 待裁定, at its 裁定星级 cell: nothing is named before all are ruled."""
    rows = {r.key: r for r in rulings.rows} if rulings else {}
    out = []
    for p in placements:
        if p.star == PENDING:
            row = rows.get(p.candidate.key)
            out.append(make_issue("RULING_STILL_PENDING", file, RULINGS.name, row.cells.get(R_STAR, "") if row else "",
                                  label=p.candidate.name))
    return out


def _too_early(name_date: dt.date, period: NoticePeriod, checks: ChecksRead) -> list[Issue]:
    if period.end is None or name_date > period.end:
        return []
    cell = checks.end_cell if checks.notice_end == period.end else ""
    return [make_issue("CHECK_NAMED_EARLY", checks.file, CHECKS.name, cell, found=name_date.isoformat(),
                       expected=period.end.isoformat())]


def _withhold(p: Placement, basis: str) -> Placement:
    note = f"拟命名{p.star}，经公示核查不予命名：{basis}"
    return replace(p, star=WITHHELD, note=f"{p.note}；{note}" if p.note else note)
