"""Checks of a rubric against itself: the spec is consistent before any data meets it.

One generator per rule; each yields a ``RubricError`` naming the file and the key.
``rubric_problems`` collects them all (for ``tuoyu rubric check``); ``check_rubric``
raises the first, as ``RubricProblems`` carrying the full list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from tuoyu_excel.errors import RubricError
from tuoyu_excel.spec.kinds import kind_of
from tuoyu_excel.spec.model import (
    CLOSED_TYPES,
    COMPARATIVE,
    DEDUCTION,
    FIELD_TYPES,
    GRADED,
    PASS_FAIL,
    PER_UNIT,
    REPORT_KEYS,
    RULE_KINDS,
    Rubric,
    Zone,
)

Problems = Iterator[RubricError]


class RubricProblems(RubricError):
    """The first problem of a rubric (its source, key and message); ``problems`` holds all of them."""

    def __init__(self, problems: list[RubricError]):
        first = problems[0]
        super().__init__(first.source, first.key, first.message)
        self.problems = problems

    def __reduce__(self):  # rebuilt from its problems (it comes back from worker processes)
        return type(self), (self.problems,)


def rubric_problems(rubric: Rubric) -> list[RubricError]:
    """Every problem of the rubric, in the order the checks run."""
    checks = [_unique_codes, _parts_known, _item_rules, _sums, _core_flags, _form_fields, _na_conditions, _limits,
              _stages, _report_fields, SETTINGS_CHECKS[rubric.kind]]
    return [problem for check in checks for problem in check(rubric)]


def check_rubric(rubric: Rubric) -> None:
    problems = rubric_problems(rubric)
    if problems:
        raise RubricProblems(problems)


def _report_fields(rubric: Rubric) -> Problems:
    """[report]'s field keys name fields of the form."""
    for key in REPORT_KEYS:
        value = getattr(rubric.report, key)
        inherited = key == "name_field" and value == getattr(rubric.settings, "name_field", None)
        if key.endswith("_field") and value and value not in rubric.field_by_key and not inherited:
            yield _fail(rubric, f"report.{key}", f"字段“{value}”不在申报表（基础数据）字段中（fields 中的 key）")


def _fail(rubric: Rubric, key: str, message: str) -> RubricError:
    return RubricError(rubric.source or rubric.id, key, message)


def _duplicates(values) -> list[str]:
    return [v for v, n in Counter(values).items() if n > 1]


def _unique_codes(rubric: Rubric) -> Problems:
    for what, values in (("items", [i.code for i in rubric.items]), ("parts", [p.code for p in rubric.parts]),
                         ("fields", [f.key for f in rubric.form]), ("fields", [f.label for f in rubric.form])):
        dup = _duplicates(values)
        if dup:
            yield _fail(rubric, what, f"编号/名称重复：{'、'.join(dup)}，每个只能出现一次")


def _parts_known(rubric: Rubric) -> Problems:
    codes = {p.code for p in rubric.parts}
    for item in rubric.items:
        if item.part not in codes:
            yield _fail(rubric, f"items[编号={item.code}].part", f"所属部分“{item.part}”不存在，应为：{'、'.join(codes)}")


def _item_rules(rubric: Rubric) -> Problems:
    allowed = kind_of(rubric).rules
    parts = {p.code: p for p in rubric.parts}
    for item in rubric.items:
        key = f"items[编号={item.code}]"
        if item.rule not in RULE_KINDS or item.rule not in allowed:
            yield _fail(rubric, f"{key}.rule", f"计分方式“{item.rule}”未知，应为：{'、'.join(allowed)}")
        if item.veto != (item.rule == PASS_FAIL):
            yield _fail(rubric, key, "必备条件（veto = true）须且只能用 pass_fail 计分方式")
        if item.part in parts and item.veto != parts[item.part].veto:
            yield _fail(rubric, f"{key}.part", "必备条件只能放在必备条件部分，计分项不能放在必备条件部分")
        if item.veto and item.points != 0:
            yield _fail(rubric, f"{key}.points", "必备条件不计分，分值应为 0")
        if not item.veto and item.points <= 0:
            yield _fail(rubric, f"{key}.points", "计分项的分值应大于 0")
        yield from _rule_parameters(rubric, item, key)


def _rule_parameters(rubric: Rubric, item, key: str) -> Problems:
    if item.rule == DEDUCTION:
        if not item.steps or any(s <= 0 or s > item.points for s in item.steps):
            yield _fail(rubric, f"{key}.steps", "扣分项须给出每次扣分的分数（大于 0 且不超过分值），如 steps = [3]")
    if item.rule == GRADED and item.steps:
        if len(item.steps) != 1 or item.steps[0] <= 0 or item.points % item.steps[0] != 0:
            yield _fail(rubric, f"{key}.steps", "酌情评分项的步长只能有一个，且分值应是步长的整数倍，如 steps = [0.5]")
    if item.rule == COMPARATIVE:
        for attr in ("numerator", "denominator"):
            name = getattr(item, attr)
            if name not in rubric.field_by_key:
                yield _fail(rubric, f"{key}.{attr}", f"比较项须指明{'分子' if attr == 'numerator' else '分母'}所用的基础数据项（fields 中的 key），“{name}”不存在")
        if item.scale <= 0:
            yield _fail(rubric, f"{key}.scale", "比率倍数应大于 0")
    if item.rule == PER_UNIT:
        if item.per_unit <= 0 or not item.unit_fields:
            yield _fail(rubric, key, "按单位扣分项须给出 per_unit（每个单位扣几分）和 unit_fields（计数的基础数据项）")
        for name in item.unit_fields:
            if name not in rubric.field_by_key:
                yield _fail(rubric, f"{key}.unit_fields", f"基础数据项“{name}”不存在")


def _sums(rubric: Rubric) -> Problems:
    for part in rubric.parts:
        got = sum((i.points for i in rubric.part_items(part.code)), Decimal(0))
        if not rubric.part_items(part.code):
            yield _fail(rubric, f"parts[编号={part.code}]", "该部分没有任何评分项")
        elif got != part.total:
            yield _fail(rubric, f"parts[编号={part.code}].total",
                        f"部分满分为 {part.total}，但其各项分值相加为 {got}，两者应相等")
    got = sum((p.total for p in rubric.parts), Decimal(0))
    if got != rubric.total:
        yield _fail(rubric, "rubric.total", f"总分为 {rubric.total}，但各部分满分相加为 {got}，两者应相等")


def _core_flags(rubric: Rubric) -> Problems:
    for item in rubric.items:
        if item.core and item.veto:
            yield _fail(rubric, f"items[编号={item.code}].core", "核心指标只能标在计分项上，必备条件不能标为核心指标")


def _form_fields(rubric: Rubric) -> Problems:
    for f in rubric.form:
        if f.type not in FIELD_TYPES:
            yield _fail(rubric, f"fields[key={f.key}].type", f"类型“{f.type}”未知，应为：{'、'.join(FIELD_TYPES)}")
        if f.type == "choice" and not f.choices:
            yield _fail(rubric, f"fields[key={f.key}].choices", "下拉选择项须列出可选值")


def _na_conditions(rubric: Rubric) -> Problems:
    """An item's 不适用 condition (na_when) tests a required, closed form field against values it offers."""
    for item in rubric.items:
        c = item.na_when
        if c is None:
            continue
        key, what = f"items[编号={item.code}].na_when", f"评分项 {item.code} 的不适用条件"
        if not item.allow_na:
            yield _fail(rubric, key, f"评分项 {item.code} 不可填“不适用”{NA_OFF}，不能设不适用条件。{NA_OFF_FIX}")
        f = rubric.field_by_key.get(c.field)
        if f is None:
            yield _fail(rubric, f"{key}.field", f"{what}所用字段“{c.field}”不在申报表（基础数据）字段中{FIELD_KEYS}")
            continue
        if f.type not in CLOSED_TYPES:
            yield _fail(rubric, f"{key}.field", f"{what}所用字段“{f.label}”没有固定的可选值。"
                                                "条件只能用下拉选择、是否、县区或城市字段")
            continue
        if not f.required:
            yield _fail(rubric, f"{key}.field", f"{what}所用字段“{f.label}”是选填项，不填时无法判断。"
                                                "请改用必填字段，或把该字段设为必填")
        options = rubric.options_of(f.key)
        wrong = [v for v in c.equals if v not in options]
        if not c.equals:
            yield _fail(rubric, f"{key}.equals", f"{what}没有列出取值。{NA_VALUES}“{f.label}”的可选值：{'、'.join(options)}")
        elif wrong:
            yield _fail(rubric, f"{key}.equals", f"{what}取值“{'、'.join(wrong)}”不是“{f.label}”的可选值。"
                                                 f"{NA_VALUES}：{'、'.join(options)}")


# Phrases of the 不适用 condition messages that a rubric workbook's user reads in its own words
# (layout.rubric_book.WORKBOOK_WORDS).
NA_OFF = "（allow_na = false）"
NA_OFF_FIX = "请把 allow_na 改为 true，或删去 na_when"
FIELD_KEYS = "（[[fields]] 的 key）"
NA_VALUES = "equals 只能填"


def _limits(rubric: Rubric) -> Problems:
    for small, big in rubric.limits:
        for key in (small, big):
            if key not in rubric.field_by_key:
                yield _fail(rubric, "rubric.limits", f"字段“{key}”不存在")


def _stages(rubric: Rubric) -> Problems:
    if not rubric.stages:
        yield _fail(rubric, "stages", "至少需要一个评分阶段")
    for what, values in (("key", [s.key for s in rubric.stages]), ("header", [s.header for s in rubric.stages])):
        if _duplicates(values):
            yield _fail(rubric, f"stages.{what}", f"评分阶段重复：{'、'.join(_duplicates(values))}")


def _star_settings(rubric: Rubric) -> Problems:
    s = rubric.star
    if not 0 < s.core_rate <= 1:
        yield _fail(rubric, "star.core_rate", "核心指标得分率应在 0 到 1 之间，如 0.8 表示 80%")
    if s.pass_mark > rubric.total:
        yield _fail(rubric, "star.pass_mark", f"合格分 {s.pass_mark} 超过了总分 {rubric.total}")
    refs = [("required_yes", k) for k in s.required_yes] + [("required_no", k) for k in s.required_no]
    for attr, key in refs + [("filing_date_field", s.filing_date_field), ("start_date_field", s.start_date_field)]:
        if key not in rubric.field_by_key:
            yield _fail(rubric, f"star.{attr}", f"引用的申报表字段“{key}”不存在")
    if not set(s.tie_break) <= {"total", "core"} or not s.tie_break or s.tie_break[0] != "total":
        yield _fail(rubric, "star.tie_break", "排序依据应为 [\"total\", \"core\"]（先综合得分，再核心指标得分）")
    yield from _districts_once(rubric)
    if _duplicates(z.name for z in s.zones):
        yield _fail(rubric, "star.zones", "片区名称重复")
    for zone in s.zones:
        yield from _zone_bands(rubric, zone)


def _districts_once(rubric: Rubric) -> Problems:
    seen: set[str] = set()
    for zone in rubric.star.zones:
        dup = [d for d in zone.districts if d in seen]
        seen.update(zone.districts)
        if dup:
            yield _fail(rubric, f"star.zones[name={zone.name}].districts",
                        f"县区“{'、'.join(dup)}”同时出现在两个片区，每个县区只能属于一个片区")


def _zone_bands(rubric: Rubric, zone: Zone) -> Problems:
    key = f"star.zones[name={zone.name}]"
    stars = rubric.star.stars
    if not zone.districts:
        yield _fail(rubric, f"{key}.districts", "片区至少包含一个县区")
    if not zone.bands:
        yield _fail(rubric, f"{key}.bands", "片区至少需要一个星级档次")
        return
    unknown = [n for n, b in enumerate(zone.bands, 1) if b.star not in stars]
    for n in unknown:
        yield _fail(rubric, f"{key}.bands[{n}].star", f"星级“{zone.bands[n - 1].star}”不在 star.stars（{'、'.join(stars)}）中")
    if _duplicates(b.star for b in zone.bands):
        yield _fail(rubric, f"{key}.bands", "同一星级在片区内出现了两次")
    if zone.award == "score":
        yield from _score_bands(rubric, zone, key, ordered=not unknown)
    else:
        yield from _rank_bands(rubric, zone, key, ordered=not unknown)


def _score_bands(rubric: Rubric, zone: Zone, key: str, ordered: bool) -> Problems:
    bands = zone.bands
    wrong = next((n for n in range(2, len(bands) + 1) if bands[n - 1].min_score >= bands[n - 2].min_score), None)
    if wrong:
        yield _fail(rubric, f"{key}.bands[{wrong}].min_score", "按分数评定时，各档次最低分应从高到低排列且互不相同")
    elif ordered and _stars_not_descending(rubric, zone):
        yield _fail(rubric, f"{key}.bands", "按分数评定时，最低分高的档次应是更高的星级（从最高星级到最低星级排列）")
    for n, band in enumerate(bands, 1):
        if band.min_score > rubric.total:
            yield _fail(rubric, f"{key}.bands[{n}].min_score", f"“{band.star}”的最低分 {band.min_score} 超过了总分 {rubric.total}")


def _rank_bands(rubric: Rubric, zone: Zone, key: str, ordered: bool) -> Problems:
    expected = 1
    for n, band in enumerate(zone.bands, 1):  # highest star first, contiguous ranks
        if band.rank_from != expected or band.rank_to < band.rank_from:
            yield _fail(rubric, f"{key}.bands[{n}].ranks",
                        f"名次档次应从第 1 名起连续、不重叠、不留空：“{band.star}”应从第 {expected} 名开始")
            return
        expected = band.rank_to + 1
    if zone.quota != expected - 1:
        yield _fail(rubric, f"{key}.quota", f"名额为 {zone.quota}，但各档次合计到第 {expected - 1} 名，两者应相等")
    if ordered and _stars_not_descending(rubric, zone):
        yield _fail(rubric, f"{key}.bands", "名次档次应从最高星级到最低星级排列")


def _stars_not_descending(rubric: Rubric, zone: Zone) -> bool:
    order = [rubric.star.stars.index(b.star) for b in zone.bands]
    return order != sorted(order, reverse=True)


def _city_settings(rubric: Rubric) -> Problems:
    c = rubric.city
    if c.name_field not in rubric.field_by_key:
        yield _fail(rubric, "city.name_field", f"城市名称字段“{c.name_field}”不存在")
    if not c.cities or _duplicates(c.cities):
        yield _fail(rubric, "city.cities", "城市列表不能为空，也不能重复")


SETTINGS_CHECKS = {"star": _star_settings, "city": _city_settings}  # each kind's own settings table
