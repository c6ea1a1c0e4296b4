"""Write a ``Rubric`` as TOML text that loads back equal: ``load(dump(x)) == x``.

A small hand-written emitter (the standard library reads TOML but does not write it). Numbers
are written as the loader produced them (``Decimal("0.5")`` → ``0.5``, ``Decimal("1000")`` →
``1000``), so the content hash survives the round trip; strings are TOML basic strings.
Values equal to the loader's defaults are left out, as in the shipped rubric files.
"""

from __future__ import annotations

from decimal import Decimal

from tuoyu_excel.spec.model import REPORT_KEYS, CitySettings, FormField, Item, NaCondition, Rubric, StarSettings, Zone

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_comment(text: str) -> str:
    """Text for a `# ...` line: control characters (a newline would end the comment) become spaces."""
    return "".join(" " if ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in text)


def toml_number(value: Decimal) -> str:
    text = str(value)
    return format(value, "f") if "E" in text.upper() else text


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return toml_number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, NaCondition):
        pairs = [("field", value.field), ("equals", value.equals)] + ([("only", True)] if value.only else [])
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in pairs) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _pairs(pairs: list[tuple[str, object]]) -> list[str]:
    return [f"{key} = {toml_value(value)}" for key, value in pairs]


def dump_rubric_toml(rubric: Rubric) -> str:
    lines = [
        f"# {toml_comment(rubric.name)}",
        f"# 规则编号 {toml_comment(rubric.id)}，版本 {toml_comment(rubric.version)}，校验码 {rubric.content_hash}。",
        "# 由 tuoyu rubric import 生成；可直接修改本文件，或用 tuoyu rubric export 导出为 Excel 修改后再导入。",
        "# 以“#”开头的行是注释。数字不加引号，文字用英文双引号。",
        "",
        "[rubric]",
        *_pairs([("id", rubric.id), ("kind", rubric.kind), ("name", rubric.name), ("version", rubric.version),
                 ("total", rubric.total)]),
    ]
    if rubric.limits:
        lines.append("# 不得超过：[字段, 上限字段]")
        lines.append(f"limits = {toml_value([list(p) for p in rubric.limits])}")
    report = [(key, getattr(rubric.report, key)) for key in REPORT_KEYS if getattr(rubric.report, key)]
    lines += ["", "# 结果表与报告上的文字和显示的字段（不影响计分，不计入校验码）", "[report]", *_pairs(report)]
    lines += _panel(rubric)
    lines += ["", "# 评分阶段：每个阶段在评分表中有一列得分。"]
    for s in rubric.stages:
        lines += ["[[stages]]", *_pairs([("key", s.key), ("label", s.label), ("header", s.header)]), ""]
    lines += SETTINGS_DUMPERS[rubric.kind](rubric.settings)
    lines.append("# 评分表的部分（部分满分须等于该部分各项分值之和）")
    for p in rubric.parts:
        pairs = [("code", p.code), ("name", p.name), ("total", p.total)] + ([("veto", True)] if p.veto else [])
        lines += ["[[parts]]", *_pairs(pairs), ""]
    lines.append("# 申报表（基础数据表）字段：key 供程序和规则引用，label 是表上显示的文字")
    for f in rubric.form:
        lines += ["[[fields]]", *_pairs(_field_pairs(f)), ""]
    lines.append("# 评分项。rule：pass_fail 必备条件；all_or_nothing 只能得 0 分或满分；deduction 按 steps 逐次扣分；"
                 "graded 按步长酌情评分；per_unit_deduction 按单位扣分；comparative 与全区平均水平比较")
    lines.append("# allow_na = true：本项可填“不适用”。na_when = { field = \"字段\", equals = [\"取值\"] }：申报表该字段为"
                 "所列取值时本项才可填“不适用”；加 only = true：此时只能填“不适用”")
    for i in rubric.items:
        lines += ["[[items]]", *_pairs(_item_pairs(i)), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _panel(rubric: Rubric) -> list[str]:
    p = rubric.panel
    pairs = [("trim_from", p.trim_from), ("decimals", p.decimals)]
    pairs += [("spread_warn", p.spread_warn)] if p.spread_warn is not None else []
    return ["", "# 多人评分（--panel）：每项取评分人的平均分；评分人达到 trim_from 人时先去掉一个最高分和一个最低分；"
                "保留 decimals 位小数（四舍五入）；最高与最低相差超过 spread_warn 分的项目标出（不写则为该项分值的一半）。"
                "不计入校验码", "[panel]", *_pairs(pairs)]


def _star(s: StarSettings) -> list[str]:
    lines = ["# 评定规则", "[star]", *_pairs([
        ("pass_mark", s.pass_mark), ("core_rate", s.core_rate), ("core_rate_reading", s.core_rate_reading),
        ("min_operation_years", s.min_operation_years), ("filing_date_field", s.filing_date_field),
        ("start_date_field", s.start_date_field), ("required_yes", s.required_yes), ("required_no", s.required_no),
        ("stars", s.stars), ("tie_break", s.tie_break), ("gap_threshold", s.gap_threshold),
        ("rerate_wait_years", s.rerate_wait_years), ("review_years", s.review_years),
        ("notice_working_days", s.notice_working_days), ("review_min_scores", s.review_min_scores)]), ""]
    for z in s.zones:
        lines += ["[[star.zones]]", *_pairs([("name", z.name), ("districts", z.districts), ("quota", z.quota),
                                             ("award", z.award)]), "bands = ["]
        lines += [f"  {_band(z, b)}," for b in z.bands]
        lines += ["]", ""]
    return lines


def _band(zone: Zone, band) -> str:
    if zone.award == "rank":
        return f"{{ star = {toml_string(band.star)}, ranks = [{band.rank_from}, {band.rank_to}] }}"
    return f"{{ star = {toml_string(band.star)}, min_score = {toml_number(band.min_score)} }}"


def _field_pairs(f: FormField) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = [("key", f.key), ("label", f.label), ("type", f.type)]
    optional = [("section", f.section, ""), ("required", f.required, True), ("hint", f.hint, ""),
                ("choices", f.choices, ())]
    return pairs + [(k, v) for k, v, default in optional if v != default]


def _item_pairs(i: Item) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = [("code", i.code), ("part", i.part), ("title", i.title), ("content", i.content),
                                       ("criteria", i.criteria), ("points", i.points), ("rule", i.rule)]
    optional = [("core", i.core, False), ("veto", i.veto, False), ("allow_na", i.allow_na, False),
                ("na_when", i.na_when, None), ("steps", i.steps, ()), ("method", i.method, ""), ("evidence", i.evidence, ""), ("note", i.note, ""),
                ("numerator", i.numerator, ""), ("denominator", i.denominator, ""), ("scale", i.scale, Decimal(1)),
                ("per_unit", i.per_unit, Decimal(0)), ("unit_fields", i.unit_fields, ())]
    return pairs + [(k, v) for k, v, default in optional if not _is_default(v, default)]


def _is_default(value: object, default: object) -> bool:
    """Equal to the loader's default, and written the same (Decimal("1.0") is kept: it hashes differently)."""
    if isinstance(value, Decimal):
        return str(value) == str(default)
    return value == default


def _city(c: CitySettings) -> list[str]:
    return ["# 城市设置", "[city]", *_pairs([("cities", c.cities), ("city_counts_as_unit", c.city_counts_as_unit),
                                           ("name_field", c.name_field)]), ""]


SETTINGS_DUMPERS = {"star": _star, "city": _city}  # each kind's own settings table
