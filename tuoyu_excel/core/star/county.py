"""A county's 初评报告, as a pure core: a run of the county stage in, a ``CountyReport`` out.

《柳州市托育机构星级评定工作方案》三（三）县级初评: “县区卫生健康局对申报机构进行初评……
对照《柳州市托育机构星级评定评分表》，对申报机构进行综合评分，并将达到星级评定申报条件的机构
申报表、机构评分表及县区初评报告上报柳州市卫生健康委。”

Only workbooks whose 所在县区 is the county are taken in; workbooks of other counties are
counted, never shown; workbooks that could not be scored (or whose county cannot be told)
are listed with their issues so the county can have them corrected. Nothing here writes a file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tuoyu_excel.core.pipeline import FileResult, RunResult
from tuoyu_excel.core.scoring import ScoreCard
from tuoyu_excel.core.star.rating import stage_cards
from tuoyu_excel.errors import TuoyuError
from tuoyu_excel.issues import Issue
from tuoyu_excel.spec.model import FAIL, NOT_APPLICABLE, Rubric
from tuoyu_excel.text import chinese_date

# Form-field keys the summary table shows (stable ids of the star rubric; blank when a rubric lacks one).

ELIGIBLE = "符合申报条件"
INELIGIBLE = "不符合申报条件"
ALL_PASS = "全部符合"


class CountyError(TuoyuError, ValueError):
    """The report cannot be made as asked (an unknown county, a rubric without districts)."""


@dataclass(frozen=True)
class PartLine:
    code: str
    name: str
    possible: Decimal  # 应得分 at the county stage
    self_score: Decimal | None  # None when the self stage is incomplete
    county: Decimal
    diff: Decimal | None  # 初评 − 自评


@dataclass(frozen=True)
class VetoLine:
    code: str
    title: str
    self_result: str  # 符合 / 不符合 / 不适用 / "" when not filled
    county_result: str
    note: str  # 扣分说明


@dataclass(frozen=True)
class Problem:
    """An item that lost points (or a 必备条件 not met) at the county stage."""

    code: str
    title: str
    score: Decimal | str  # points, or 不符合
    points: Decimal | None  # 分值; None for a 必备条件
    note: str  # 扣分说明 ("" when none was written)


@dataclass
class Institution:
    file: str
    name: str
    credit_code: str
    district: str
    capacity: Decimal | None
    enrolled: Decimal | None
    puhui: str
    form: list[tuple[str, str]]  # (label, value as shown) for every form field of the rubric
    county: ScoreCard
    self_card: ScoreCard | None  # None when the self stage is incomplete
    veto: list[VetoLine]
    parts: list[PartLine]
    problems: list[Problem]
    reasons: list[str]  # eligibility failures; empty = 符合申报条件
    assessors: tuple[str, ...] = ()  # panel mode: who scored (the scores are their average); () = one workbook

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def conclusion(self) -> str:
        return ELIGIBLE if self.eligible else INELIGIBLE

    @property
    def self_total(self) -> Decimal | None:
        return self.self_card.total if self.self_card else None

    @property
    def diff(self) -> Decimal | None:
        """初评总分 − 自评总分, exact."""
        return self.county.total - self.self_card.total if self.self_card else None

    @property
    def veto_text(self) -> str:
        failed = self.county.failed_veto
        return f"{FAIL}：{'、'.join(failed)}" if failed else ALL_PASS


@dataclass(frozen=True)
class UnscoredFile:
    """A workbook of this county (or of no known county) that could not be scored."""

    file: str
    name: str  # 机构名称 when it could be read
    status: str
    errors: int
    warnings: int
    issues: list[Issue]


@dataclass
class CountyReport:
    county: str
    eval_date: dt.date
    rubric: Rubric
    stage: str  # the stage assessed (county)
    institutions: list[Institution] = field(default_factory=list)
    unscored: list[UnscoredFile] = field(default_factory=list)  # this county's workbooks that could not be scored
    unattributed: list[UnscoredFile] = field(default_factory=list)  # files naming no county: not applications
    other_county: int = 0  # workbooks of other counties, left out
    issues: list[Issue] = field(default_factory=list)  # every issue of the files taken in

    @property
    def applied(self) -> int:
        return len(self.institutions) + len(self.unscored)

    @property
    def eligible(self) -> list[Institution]:
        return [i for i in self.institutions if i.eligible]

    @property
    def ineligible(self) -> list[Institution]:
        return [i for i in self.institutions if not i.eligible]

    @property
    def forward(self) -> list[Institution]:
        """上报名单: the eligible, by 初评总分 then core score, both descending."""
        return sorted(self.eligible, key=rank_order)


def check_county(rubric: Rubric, county: str) -> None:
    """Raise CountyError unless `county` is one of the rubric's districts."""
    districts = rubric.choices_for("district")
    if county not in districts:
        raise CountyError(f"县区“{county}”不在规则 {rubric.id} 的县区中。可选的县区：{'、'.join(districts)}")


def build_county_report(result: RunResult, rubric: Rubric, county: str) -> CountyReport:
    """The 初评报告 of `county` from a run (normally of the county stage)."""
    check_county(rubric, county)
    compare = rubric.stages[0].key
    report = CountyReport(county=county, eval_date=result.eval_date, rubric=rubric, stage=result.stage)
    cards = stage_cards(result, rubric, result.stage)
    for f in result.files:
        district = _district_of(f, rubric)
        if district and district != county:
            report.other_county += 1
            continue
        if not district:  # a stray file, an unreadable one, a form without 所在县区: no county's application
            report.unattributed.append(_unscored(f, rubric))
            continue
        report.issues += f.issues
        if f.card is None:
            report.unscored.append(_unscored(f, rubric))
        else:
            report.institutions.append(institution_of(f, rubric, cards.get(f.file, {}).get(compare)))
    report.institutions.sort(key=rank_order)
    return report


def rank_order(inst: Institution) -> tuple:
    """The report's order: those meeting the conditions first, each group by 初评总分 then core score, both
    descending (the order of the 上报名单), never the order of the file names."""
    return not inst.eligible, -inst.county.total, -inst.county.core, inst.credit_code, inst.file


def _district_of(f: FileResult, rubric: Rubric) -> str:
    key = _key_of_type(rubric, "district")
    return f.submission.text(key) if f.submission is not None and key else ""


def _key_of_type(rubric: Rubric, field_type: str) -> str:
    return next((f.key for f in rubric.form if f.type == field_type), "")


def _unscored(f: FileResult, rubric: Rubric) -> UnscoredFile:
    name = f.submission.text(rubric.name_field) if f.submission is not None else ""
    return UnscoredFile(file=f.file, name=name, status=f.status, errors=f.errors, warnings=f.warnings,
                        issues=list(f.issues))


def institution_of(f: FileResult, rubric: Rubric, self_card: ScoreCard | None) -> Institution:
    sub, card = f.submission, f.card
    form, shown = sub.form, rubric.report  # the fields the report shows are named in the rubric's [report]
    return Institution(
        file=f.file, name=sub.text(rubric.name_field), credit_code=sub.text(_key_of_type(rubric, "credit_code")),
        district=sub.text(_key_of_type(rubric, "district")),
        capacity=_number(form.get(shown.capacity_field)), enrolled=_number(form.get(shown.enrolled_field)),
        puhui=sub.text(shown.puhui_field) if shown.puhui_field in rubric.field_by_key else "",
        form=[(x.label, show(form.get(x.key))) for x in rubric.form],
        county=card, self_card=self_card,
        veto=_veto_lines(f, rubric),
        parts=part_lines(rubric, card, self_card),
        problems=problems_of(f, rubric),
        reasons=[r.text for r in f.reasons],
        assessors=f.panel.assessors if f.panel else (),
    )


def _number(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def show(value: object) -> str:
    """A form value as text: dates as 2024-03-15, numbers without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return chinese_date(value)
    return str(value)


def _veto_lines(f: FileResult, rubric: Rubric) -> list[VetoLine]:
    scores = f.submission.scores
    compare = scores.get(rubric.stages[0].key, {})
    return [VetoLine(code=i.code, title=i.title, self_result=_text(compare.get(i.code)),
                     county_result=f.card.veto.get(i.code, ""), note=f.submission.notes.get(i.code, ""))
            for i in rubric.veto_items]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def part_lines(rubric: Rubric, county: ScoreCard, self_card: ScoreCard | None) -> list[PartLine]:
    lines = []
    for part in rubric.parts:
        if part.veto:
            continue
        mine = self_card.parts[part.code] if self_card else None
        lines.append(PartLine(code=part.code, name=part.name, possible=county.part_possible[part.code],
                              self_score=mine, county=county.parts[part.code],
                              diff=None if mine is None else county.parts[part.code] - mine))
    return lines


def problems_of(f: FileResult, rubric: Rubric) -> list[Problem]:
    """Items that lost points at the assessed stage (and 必备条件 not met), in rubric order, with 扣分说明."""
    values = f.submission.scores.get(f.card.stage, {})
    found = []
    for item in rubric.items:
        value = values.get(item.code)
        note = f.submission.notes.get(item.code, "")
        if item.veto and value == FAIL:
            found.append(Problem(item.code, item.title, FAIL, None, note))
        elif not item.veto and value != NOT_APPLICABLE and isinstance(value, Decimal) and value < item.points:
            found.append(Problem(item.code, item.title, value, item.points, note))
    return found
