"""The rubric model: plain frozen dataclasses, no I/O and no validation code.

A rubric is the whole official table plus the rules around it (parts, items,
stages, form fields, thresholds, zones, quotas, star bands). Loading a rubric
file and checking it lives in ``rubric_load.py``; everything after loading
only reads these objects.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

# Scoring rule kinds an item may have.
PASS_FAIL = "pass_fail"  # 必备条件: 符合 / 不符合 (/ 不适用)
ALL_OR_NOTHING = "all_or_nothing"  # only 0 or 分值
DEDUCTION = "deduction"  # 分值 minus whole multiples of fixed steps, not below 0
GRADED = "graded"  # any value 0..分值 in multiples of one step
PER_UNIT = "per_unit_deduction"  # city: 分值 minus per_unit for each unit missing
COMPARATIVE = "comparative"  # city: full points when the rate is above the regional average
RULE_KINDS = (PASS_FAIL, ALL_OR_NOTHING, DEDUCTION, GRADED, PER_UNIT, COMPARATIVE)
COMPUTED_RULES = (PER_UNIT, COMPARATIVE)

# Form field types.
FIELD_TYPES = ("text", "credit_code", "district", "city", "date", "int", "number", "yesno", "choice", "phone")
CLOSED_TYPES = ("choice", "yesno", "district", "city")  # a closed set of values: what a 不适用 condition may test

NOT_APPLICABLE = "不适用"
PASS = "符合"
FAIL = "不符合"
YES = "是"
NO = "否"

# A deduction item enumerates its reachable values; past this many combinations
# of steps we stop enumerating (a rubric with such steps should be "graded").
_MAX_DEDUCTION_VALUES = 400


@dataclass(frozen=True)
class Stage:
    key: str  # "self", "county", "city" / "self", "review"
    label: str  # 机构自评
    header: str  # 自评得分 — the score column's header text


@dataclass(frozen=True)
class Part:
    code: str
    name: str
    total: Decimal
    veto: bool = False


@dataclass(frozen=True)
class NaCondition:
    """When an item may be 不适用, read off the form: only while form field `field` holds one of
    `equals`; with `only`, 不适用 is then the one valid answer. 1-05 供餐资质:
    ``na_when = { field = "meals", equals = ["不供餐"], only = true }``.

    Not part of ``Rubric.content_hash``: the condition is checked when a filled workbook is read, and
    no cell or dropdown of the template depends on it (only its guide text does), so declaring or
    changing one does not invalidate the templates already sent out."""

    field: str  # key of a form field with a closed set of values (choice, yesno, district, city)
    equals: tuple[str, ...]  # the values under which 不适用 is allowed
    only: bool = False  # True: under those values 不适用 is the only valid answer

    def holds(self, value: object) -> bool:
        return value is not None and str(value) in self.equals


@dataclass(frozen=True)
class Item:
    code: str
    part: str
    title: str  # 项目
    content: str  # 评估内容
    criteria: str  # 评分标准
    points: Decimal  # 分值 (0 for a 必备条件)
    rule: str
    core: bool = False  # 核心指标 ★
    veto: bool = False  # 否决项 (必备条件)
    allow_na: bool = False  # may be 不适用
    na_when: NaCondition | None = None  # 不适用 only under this form value (allow_na must be set)
    steps: tuple[Decimal, ...] = ()  # deduction steps, or the one graded step
    method: str = ""  # 评估方式
    evidence: str = ""  # 佐证材料
    note: str = ""  # 自拟说明 / source remarks
    # city rubric only
    numerator: str = ""  # form-field key of the rate's numerator
    denominator: str = ""  # form-field key of the rate's denominator
    scale: Decimal = Decimal(1)  # rate shown per `scale` (e.g. 每千人口 -> 1000)
    per_unit: Decimal = Decimal(0)  # points lost per missing unit
    unit_fields: tuple[str, ...] = ()  # form fields counting the missing units

    @property
    def scored(self) -> bool:
        return not self.veto

    @property
    def computed(self) -> bool:
        """True when the tool computes the score from raw figures."""
        return self.rule in COMPUTED_RULES

    def allowed_values(self) -> frozenset[Decimal] | None:
        """The finite set of scores this item admits, or None for a range (cached: asked for every score cell)."""
        return _allowed_values(self.rule, self.points, self.steps, self.per_unit)

    @property
    def step(self) -> Decimal:
        """The grid a graded score must sit on (0.5 by default)."""
        if self.rule == GRADED and self.steps:
            return self.steps[0]
        return Decimal("0.5") if self.rule == GRADED else Decimal(1)


@lru_cache(maxsize=4096)
def _allowed_values(rule: str, points: Decimal, steps: tuple[Decimal, ...], per_unit: Decimal) -> frozenset[Decimal] | None:
    if rule == ALL_OR_NOTHING or rule == COMPARATIVE:
        return frozenset({Decimal(0), points})
    if rule == PER_UNIT:
        return frozenset(max(points - k * per_unit, Decimal(0)) for k in range(int(points / per_unit) + 1))
    if rule == DEDUCTION:
        return _deduction_values(points, steps)
    return None


@lru_cache(maxsize=1024)
def _deduction_values(points: Decimal, steps: tuple[Decimal, ...]) -> frozenset[Decimal]:
    """分值 minus any sum of the steps; 扣完为止, so 0 is always reachable."""
    lost = {Decimal(0)}
    frontier = {Decimal(0)}
    while frontier and len(lost) < _MAX_DEDUCTION_VALUES:
        frontier = {x + s for x in frontier for s in steps if x + s < points} - lost
        lost |= frontier
    return frozenset({points - x for x in lost} | {Decimal(0)})


@dataclass(frozen=True)
class FormField:
    key: str  # stable English id used in code and rules
    label: str  # the Chinese label shown left of the input cell
    type: str
    required: bool = True
    choices: tuple[str, ...] = ()
    hint: str = ""  # shown in the 说明 column and in the input message
    section: str = ""  # heading the field sits under


@dataclass(frozen=True)
class StarBand:
    star: str
    rank_from: int = 0  # award by rank: ranks rank_from..rank_to inclusive
    rank_to: int = 0
    min_score: Decimal | None = None  # award by score: 综合得分 >= min_score


@dataclass(frozen=True)
class Zone:
    name: str
    districts: tuple[str, ...]
    quota: int  # at most this many stars in the zone (0 = no limit, score mode)
    award: str  # "rank" or "score"
    bands: tuple[StarBand, ...]


@dataclass(frozen=True)
class StarSettings:
    pass_mark: Decimal  # 综合得分 >= pass_mark (inclusive)
    core_rate: Decimal  # 核心指标得分率 >= core_rate
    core_rate_reading: str  # "together" (Σ实得 / Σ应得) or "per_item"
    min_operation_years: int  # 连续运营满 N 年
    stars: tuple[str, ...]  # lowest first: 一星级, 二星级, 三星级
    tie_break: tuple[str, ...]  # ("total", "core")
    zones: tuple[Zone, ...]
    required_yes: tuple[str, ...]  # form fields that must be 是 (普惠, 政府指导价)
    required_no: tuple[str, ...]  # declarations that must be 否
    filing_date_field: str
    start_date_field: str
    gap_threshold: Decimal  # flag 自评 vs 核验 part gaps above this many points
    rerate_wait_years: int = 1  # 已定级的 1 年后方可申报高一等级
    review_years: int = 3  # 每3年复审1次
    notice_working_days: int = 5  # “向社会公示5个工作日” (publication, not scoring: not in content_hash)
    # 复审 “合格”: every rating condition holds and, when set, 综合得分 reaches the minimum of the star held
    # (one per star, lowest first; () = none). Judges a review, not a rating: not in content_hash.
    review_min_scores: tuple[Decimal, ...] = ()

    def review_min_score(self, star: str) -> Decimal | None:
        """The 复审 minimum for `star`, or None when the rubric sets none."""
        return self.review_min_scores[self.stars.index(star)] if self.review_min_scores else None

    @property
    def field_choices(self) -> dict[str, tuple[str, ...]]:
        """Form-field type -> the values these settings allow for it (县区)."""
        return {"district": self.districts}

    @cached_property
    def zone_of(self) -> dict[str, str]:
        return {d: z.name for z in self.zones for d in z.districts}

    @property
    def districts(self) -> tuple[str, ...]:
        return tuple(d for z in self.zones for d in z.districts)


@dataclass(frozen=True)
class CitySettings:
    cities: tuple[str, ...]
    city_counts_as_unit: bool  # item 4: 市本级 counts as one unit
    name_field: str  # form field holding 城市名称

    @property
    def field_choices(self) -> dict[str, tuple[str, ...]]:
        """Form-field type -> the values these settings allow for it (城市)."""
        return {"city": self.cities}


@dataclass(frozen=True)
class ReportText:
    """What results and reports print about the rubric's setting: the plan they follow, who issues
    them, which form fields they show. Not part of the scoring rules, so not part of ``content_hash``:
    renaming an issuing unit does not invalidate workbooks already filled from a template."""

    plan: str = ""  # 《工作方案》 the evaluation follows, e.g. 柳州市托育机构星级评定工作方案
    issuer: str = ""  # the unit that issues results, e.g. 柳州市卫生健康委
    title: str = ""  # the start of every printed sheet's title (“<title>——星级评定结果”); "" = the rubric's name
    public_title: str = ""  # the title of the published list (公示名单); "" = “<title>——公示名单”
    ruling_body: str = ""  # who decides ties (待裁定) and publishes, e.g. 市卫生健康委
    county_body: str = ""  # who runs the county stage and signs its report, e.g. 县区卫生健康局
    name_field: str = ""  # form field naming the subject (机构名称 / 城市名称)
    capacity_field: str = ""  # form fields the county report shows: 备案托位数
    enrolled_field: str = ""  # 实际收托人数 (≤ capacity: its own issue code)
    puhui_field: str = ""  # 是否普惠
    naming_title: str = ""  # the title of the named list (命名名单); "" = “<title>——命名名单”
    objection_body: str = ""  # 公示 notice: who receives objections (受理单位); "" = a blank line to fill in
    objection_phone: str = ""  # 公示 notice: 联系电话; "" = a blank line
    objection_address: str = ""  # 公示 notice: 通讯地址 (and 邮编); "" = a blank line
    return_to: str = ""  # annotated copy: the unit the corrected workbook goes back to; "" = a blank line
    return_contact: str = ""  # annotated copy: 联系人及电话 there; "" = a blank line
    return_deadline: str = ""  # annotated copy: when it is due, e.g. 收到后5个工作日内; "" = a blank line


REPORT_KEYS = tuple(f.name for f in dataclasses.fields(ReportText))


@dataclass(frozen=True)
class PanelSettings:
    """How a panel's item scores become one score, when several assessors score one institution on
    their own (“市卫生健康委组织有关人员……进行市级核验，并对申报机构进行综合评分”): the mean per
    item; from `trim_from` assessors on, one highest and one lowest score are dropped first; rounded
    half up to `decimals`. An item whose scores spread (max − min) more than `spread_warn` points
    (None = half the item's 分值) is highlighted for the panel.

    Not part of ``Rubric.content_hash``: the rule combines filled workbooks, and no cell of the
    template depends on it, so changing it does not invalidate the templates already sent out."""

    trim_from: int = 5  # with at least this many assessors, drop one highest and one lowest score
    decimals: int = 2  # the averaged item score keeps this many decimals (half up)
    spread_warn: Decimal | None = None  # highlight a spread above this many points; None = half the 分值

    def spread_limit(self, item: Item) -> Decimal:
        return item.points / 2 if self.spread_warn is None else self.spread_warn


PANEL_KEYS = tuple(f.name for f in dataclasses.fields(PanelSettings))


@dataclass(frozen=True)
class Rubric:
    id: str
    kind: str  # "star" or "city"
    name: str
    version: str
    total: Decimal
    stages: tuple[Stage, ...]
    parts: tuple[Part, ...]
    items: tuple[Item, ...]
    form: tuple[FormField, ...]
    limits: tuple[tuple[str, str], ...] = ()  # (field, other): field may not exceed other
    star: StarSettings | None = None
    city: CitySettings | None = None
    report: ReportText = field(default_factory=ReportText)
    panel: PanelSettings = field(default_factory=PanelSettings)
    source: str = field(default="", compare=False)  # where it was loaded from

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the rubric's content (not of its file), first 16 hex digits."""
        data = dataclasses.asdict(self)
        data.pop("source", None)
        data.pop("report", None)  # printed words, not scoring rules (see ReportText)
        data.pop("panel", None)  # combines filled workbooks, fixes no template cell (see PanelSettings)
        if data.get("star"):  # when to publish is not how to score: no template depends on it
            data["star"].pop("notice_working_days", None)
            data["star"].pop("review_min_scores", None)  # judges a 复审, not a rating: no template depends on it
        for item in data["items"]:  # checks applied when reading, not fixed in a template: see NaCondition
            item.pop("na_when", None)
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @cached_property
    def item_by_code(self) -> dict[str, Item]:
        return {i.code: i for i in self.items}

    @cached_property
    def field_by_key(self) -> dict[str, FormField]:
        return {f.key: f for f in self.form}

    def part_items(self, part_code: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.part == part_code)

    def stage(self, key: str) -> Stage:
        for s in self.stages:
            if s.key == key:
                return s
        raise KeyError(key)

    @cached_property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.scored)

    @cached_property
    def veto_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.veto)

    @property
    def settings(self) -> StarSettings | CitySettings:
        """The kind's own settings ([star] or [city]): exactly one is set."""
        return self.star or self.city

    def options_of(self, key: str) -> tuple[str, ...]:
        """The values a closed form field allows (下拉选择 / 是否 / 县区 / 城市); () for an open one."""
        f = self.field_by_key.get(key)
        if f is None or f.type not in CLOSED_TYPES:
            return ()
        return {"choice": f.choices, "yesno": (YES, NO)}.get(f.type) or self.choices_for(f.type)

    def choices_for(self, field_type: str) -> tuple[str, ...]:
        """The allowed values of a form field of this type that the kind's settings list (县区 / 城市)."""
        return self.settings.field_choices.get(field_type, ()) if self.settings else ()

    @cached_property
    def name_field(self) -> str:
        """The form field holding the subject's name (机构名称 / 城市名称)."""
        return self.report.name_field

    @cached_property
    def identity_field(self) -> str:
        """The form field that tells two submissions are the same subject: a credit code where the
        form has one (institutions), else the name (cities)."""
        return next((f.key for f in self.form if f.type == "credit_code"), self.name_field)

    @property
    def core_total(self) -> Decimal:
        return sum((i.points for i in self.items if i.core), Decimal(0))
