"""Guangxi demonstration-city scoring as a pure core: rates, 全区平均水平, computed items, ranking.

《广西开展全国婴幼儿照护服务示范城市创建活动评分细则》:
“1.每千人口拥有3岁以下婴幼儿托位数高于全区平均水平得8分，否则不得分。” (likewise 2.2, 3.2, 22)
“4.市本级及所辖县（市、区）均出台婴幼儿照护服务发展联席会议制度的得3分，每少1个县（市、区）未出台的扣1分，扣完为止。”

Readings where the text is silent (each documented in the results' 运行信息 and tested):
- 全区平均水平 by default is the regional rate Σ numerators ÷ Σ denominators over the cities
  whose workbooks validated (not the mean of the cities' rates); official figures override it
  per indicator.
- 高于 is strict: a city exactly at the average gets 0. Rates and averages are compared as exact
  fractions, never rounded; they are rounded to 2 decimals only for display.
- A rate whose denominator is 0 is undefined: the city gets 0 on that item and a warning.
- Item 4: the 市本级 not having issued the system counts as one missing unit when the rubric's
  ``city_counts_as_unit`` is true (the shipped setting).
- Ranking: total descending; equal totals share a rank (standard competition ranking 1, 1, 3)
  and are listed in the rubric's city order, with a 备注. The rules name no tie-break.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

from tuoyu_excel.core.pipeline import FileResult, Progress, RunResult, run
from tuoyu_excel.core.scoring import ScoreCard, rebase
from tuoyu_excel.intake.averages import OfficialAverages
from tuoyu_excel.intake.validate import Submission
from tuoyu_excel.issues import Issue, make_issue
from tuoyu_excel.spec.comparative import comparative_items
from tuoyu_excel.spec.model import COMPARATIVE, NO, PER_UNIT, Item, Rubric

BASIS_COMPUTED = "计算（各市分子之和 ÷ 各市分母之和）"
BASIS_OFFICIAL = "官方公布"
ABOVE = "高于"
NOT_ABOVE = "不高于"
UNDEFINED = "无法计算"
RUN_SCOPE = "（全区汇总）"  # the 文件 of an issue about the whole run
CENT = Decimal("0.01")


# ---- rates and averages ------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    """numerator ÷ denominator × scale; undefined when the denominator is 0."""

    numerator: Decimal
    denominator: Decimal
    scale: Decimal = Decimal(1)

    @property
    def defined(self) -> bool:
        return self.denominator > 0

    @property
    def exact(self) -> Fraction | None:
        if not self.defined:
            return None
        return Fraction(self.numerator) * Fraction(self.scale) / Fraction(self.denominator)

    @property
    def value(self) -> Decimal | None:
        """For display and records (28 significant digits); comparisons use `exact`."""
        return self.numerator * self.scale / self.denominator if self.defined else None


@dataclass(frozen=True)
class Average:
    item: str  # comparative item code
    value: Decimal | None  # None when no city has a defined rate
    basis: str  # BASIS_COMPUTED or BASIS_OFFICIAL
    cities_covered: int
    exact: Fraction | None = None
    numerator: Decimal | None = None  # Σ numerators (computed basis)
    denominator: Decimal | None = None  # Σ denominators (computed basis)


def rate_of(sub: Submission, item: Item) -> Rate | None:
    """The city's rate for a comparative item; None when a figure is missing or invalid."""
    n, d = sub.form.get(item.numerator), sub.form.get(item.denominator)
    if not isinstance(n, Decimal) or not isinstance(d, Decimal):
        return None
    return Rate(n, d, item.scale)


def regional_averages(submissions: Iterable[Submission], rubric: Rubric,
                      official: Mapping[str, Decimal] | None = None) -> dict[str, Average]:
    """Per comparative item: the official value when given, else Σ numerators ÷ Σ denominators × scale."""
    subs = list(submissions)
    out: dict[str, Average] = {}
    for item in comparative_items(rubric):
        if official and item.code in official:
            value = official[item.code]
            out[item.code] = Average(item.code, value, BASIS_OFFICIAL, len(rubric.city.cities), Fraction(value))
            continue
        rates = [r for r in (rate_of(s, item) for s in subs) if r is not None and r.defined]
        total = Rate(sum((r.numerator for r in rates), Decimal(0)), sum((r.denominator for r in rates), Decimal(0)),
                     item.scale)
        out[item.code] = Average(item.code, total.value, BASIS_COMPUTED, len(rates), total.exact,
                                 total.numerator, total.denominator)
    return out


def compare(rate: Rate | None, average: Average) -> str:
    """高于 only when strictly higher, exactly; 无法计算 when either side is undefined."""
    if rate is None or rate.exact is None or average.exact is None:
        return UNDEFINED
    return ABOVE if rate.exact > average.exact else NOT_ABOVE


def shown(value: Decimal | None, places: Decimal = CENT) -> str:
    return "—" if value is None else str(value.quantize(places, rounding=ROUND_HALF_UP))


def shown_pair(a: Decimal, b: Decimal) -> tuple[str, str]:
    """Two values to 2 decimals, or with just enough more (up to 8) to tell them apart when they differ."""
    if a != b:
        for digits in range(2, 9):
            places = Decimal(1).scaleb(-digits)
            if shown(a, places) != shown(b, places):
                return shown(a, places), shown(b, places)
    return shown(a), shown(b)


# ---- item 4: units that have not issued the system ------------------------------------------------

def missing_units(sub: Submission, item: Item, rubric: Rubric) -> int:
    """Counts typed in int fields, plus 1 for each yes/no field answered 否 when the 市本级 counts."""
    count = 0
    for key in item.unit_fields:
        value = sub.form.get(key)
        if rubric.field_by_key[key].type == "yesno":
            count += int(value == NO and rubric.city.city_counts_as_unit)
        elif isinstance(value, Decimal):
            count += int(value)
    return count


def per_unit_points(item: Item, missing: int) -> Decimal:
    """分值 minus per_unit for each missing unit, 扣完为止."""
    return max(item.points - item.per_unit * missing, Decimal(0))


# ---- one city -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComputedItem:
    code: str
    points: Decimal  # computed by the tool: this is what counts
    typed: Decimal | None  # typed by the evaluator in the stage column, None when blank
    rate: Rate | None = None  # comparative items
    outcome: str = ""  # 高于 / 不高于 / 无法计算, or “少 N 个单位”
    missing: int | None = None  # per-unit items


@dataclass(frozen=True)
class CityScore:
    city: str
    file: str
    items: dict[str, Decimal | None]  # final item points (computed items replaced), None when 不适用
    computed: dict[str, ComputedItem]
    parts: dict[str, Decimal]
    part_possible: dict[str, Decimal]
    total: Decimal
    issues: tuple[Issue, ...] = ()

    def part_rate(self, code: str) -> Decimal:
        possible = self.part_possible.get(code, Decimal(0))
        return self.parts[code] / possible if possible else Decimal(0)


def _cell(sub: Submission, key: str) -> tuple[str, str]:
    sheet, _, a1 = sub.cells.get(key, "").partition("!")
    return sheet, a1


def _comparative(sub: Submission, item: Item, rubric: Rubric, average: Average,
                 typed: Decimal | None) -> tuple[ComputedItem, list[Issue]]:
    rate = rate_of(sub, item)
    outcome = compare(rate, average)
    issues = []
    if rate is not None and not rate.defined:
        sheet, a1 = _cell(sub, f"field:{item.denominator}")
        issues.append(make_issue("RATE_UNDEFINED", sub.file, sheet, a1, found=0,
                                 label=rubric.field_by_key[item.denominator].label, detail=item.title, other=item.code))
    points = item.points if outcome == ABOVE else Decimal(0)
    return ComputedItem(item.code, points, typed, rate, outcome), issues


def _explain(item: Item, c: ComputedItem, average: Average | None, rubric: Rubric) -> str:
    if item.rule == PER_UNIT:
        city = "市本级未出台也算1个" if rubric.city.city_counts_as_unit else "市本级不计入"
        return f"未出台的单位共 {c.missing} 个（{city}），每个扣 {item.per_unit.normalize():f} 分，扣完为止。"
    if c.outcome == UNDEFINED or average is None or c.rate is None:
        return f"本市{item.title}或全区平均水平无法计算，本项按 0 分计。"
    mine, avg = shown_pair(c.rate.value, average.value)
    unit = "%" if item.scale == 100 else ""
    return (f"本市{item.title} {mine}{unit}，全区平均水平 {avg}{unit}（{average.basis}），"
            f"{c.outcome}全区平均水平（“高于”不含等于）。")


def score_city(sub: Submission, card: ScoreCard, rubric: Rubric, averages: Mapping[str, Average]) -> CityScore:
    """Recompute the computed items, re-sum parts and total; a typed score that differs is a warning."""
    typed_all = sub.scores.get(card.stage, {})
    items = dict(card.items)
    computed: dict[str, ComputedItem] = {}
    issues: list[Issue] = []
    for item in rubric.items:
        if not item.computed:
            continue
        typed = typed_all.get(item.code)
        typed = typed if isinstance(typed, Decimal) else None
        if item.rule == COMPARATIVE:
            c, found = _comparative(sub, item, rubric, averages[item.code], typed)
            issues += found
        else:
            missing = missing_units(sub, item, rubric)
            c = ComputedItem(item.code, per_unit_points(item, missing), typed, outcome=f"少 {missing} 个单位",
                             missing=missing)
        computed[item.code] = c
        items[item.code] = c.points
        if typed is not None and typed != c.points:
            sheet, a1 = _cell(sub, f"score:{card.stage}:{item.code}")
            issues.append(make_issue("COMPUTED_SCORE_DIFFERS", sub.file, sheet, a1, found=typed, expected=c.points,
                                     detail=_explain(item, c, averages.get(item.code), rubric)))
    return _totals(sub, rubric, items, computed, issues)


def _totals(sub: Submission, rubric: Rubric, items: dict, computed: dict, issues: list[Issue]) -> CityScore:
    parts = {p.code: Decimal(0) for p in rubric.parts if not p.veto}
    possible = dict(parts)
    for item in rubric.scored_items:
        if items.get(item.code) is not None:
            parts[item.part] += items[item.code]
            possible[item.part] += item.points
    total = rebase(sum(parts.values(), Decimal(0)), sum(possible.values(), Decimal(0)), rubric.total)
    return CityScore(city=sub.text(rubric.city.name_field), file=sub.file, items=items, computed=computed,
                     parts=parts, part_possible=possible, total=total, issues=tuple(issues))


# ---- ranking ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RankedCity:
    rank: int
    score: CityScore
    note: str = ""


def rank_cities(scores: Iterable[CityScore], rubric: Rubric) -> list[RankedCity]:
    """Total descending; equal totals share a rank (1, 1, 3), listed in the rubric's city order."""
    order = {name: n for n, name in enumerate(rubric.city.cities)}
    ordered = sorted(scores, key=lambda s: (-s.total, order.get(s.city, len(order)), s.file))
    out: list[RankedCity] = []
    place = 1
    while place <= len(ordered):
        group = [s for s in ordered[place - 1:] if s.total == ordered[place - 1].total]
        for s in group:
            others = "、".join(o.city for o in group if o is not s)
            note = f"与{others}总分相同，并列第 {place} 名" if others else ""
            out.append(RankedCity(place, s, note))
        place += len(group)
    return out


# ---- the whole run ------------------------------------------------------------------------------

@dataclass
class CityResult:
    run: RunResult
    averages: dict[str, Average]
    scores: list[CityScore]
    ranking: list[RankedCity]
    official: OfficialAverages | None = None
    notices: list[Issue] = field(default_factory=list)  # about the whole run (too few cities, …)

    @property
    def rubric(self) -> Rubric:
        return self.run.rubric

    @property
    def issues(self) -> list[Issue]:
        return self.notices + (self.official.issues if self.official else []) + self.run.issues

    @property
    def clean(self) -> bool:
        return not self.issues

    @property
    def not_scored(self) -> list[FileResult]:
        return [f for f in self.run.files if f.card is None]

    def basis_text(self) -> str:
        """Which 全区平均水平 was used, in one Chinese sentence."""
        computed = [code for code, a in self.averages.items() if a.basis == BASIS_COMPUTED]
        covered = max((a.cities_covered for a in self.averages.values() if a.basis == BASIS_COMPUTED), default=0)
        by_cities = f"按参与评分各市的基础数据计算（各市分子之和 ÷ 各市分母之和），覆盖 {covered} 个城市"
        if self.official is None or len(computed) == len(self.averages):
            return by_cities
        if not computed:
            return f"{BASIS_OFFICIAL}（{self.official.file}）"
        return f"{BASIS_OFFICIAL}（{self.official.file}），其中第 {'、'.join(computed)} 项{by_cities}"


def run_notices(rubric: Rubric, scores: list[CityScore], averages: Mapping[str, Average]) -> list[Issue]:
    """Too few cities in, and averages that cannot be computed."""
    notices = []
    expected = len(rubric.city.cities)
    if len(scores) < expected:
        scored = {s.city for s in scores}
        missing = "、".join(c for c in rubric.city.cities if c not in scored)
        computed = any(a.basis == BASIS_COMPUTED for a in averages.values())
        detail = (f"全区平均水平只按这 {len(scores)} 个城市的数据计算，名次也只在这些城市之间；收齐后请重新运行。"
                  if computed else "名次只在这些城市之间；收齐后请重新运行。")
        notices.append(make_issue("CITIES_MISSING", RUN_SCOPE, found=len(scores), expected=expected, other=missing,
                                  detail=detail))
    for item in comparative_items(rubric) if scores else ():  # no city scored: nothing to compare
        if averages[item.code].exact is None:
            notices.append(make_issue("AVERAGE_UNDEFINED", RUN_SCOPE, label=f"{item.code} {item.title}",
                                      other=rubric.field_by_key[item.denominator].label))
    return notices


def evaluate_cities(source: Path | Iterable[Path], rubric: Rubric, stage: str,
                    averages: OfficialAverages | None = None, progress: Progress | None = None,
                    eval_date: dt.date | None = None) -> CityResult:
    """Read and validate every city's workbook (pipeline.run), then averages, scores and ranking."""
    result = run(source, rubric, stage, eval_date or dt.date.today(), progress)
    scored = [f for f in result.files if f.card is not None]
    avgs = regional_averages([f.submission for f in scored], rubric, averages.values if averages else None)
    scores = []
    for f in scored:
        city = score_city(f.submission, f.card, rubric, avgs)
        f.issues.extend(city.issues)  # so the file's status (有警告) and issue list include them
        scores.append(city)
    return CityResult(run=result, averages=avgs, scores=scores, ranking=rank_cities(scores, rubric),
                      official=averages, notices=run_notices(rubric, scores, avgs))
