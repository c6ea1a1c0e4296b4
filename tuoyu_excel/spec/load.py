"""Load a rubric file (TOML) into a ``Rubric``, and check the rubric itself.

Every problem raises ``RubricError`` naming the file and the key, in Chinese,
so an official who edited the file can find the line. The shipped rubrics live
in ``tuoyu_excel/rubrics/NAME.toml``; ``rubric_check.py`` holds the checks.
"""

from __future__ import annotations

import dataclasses
import tomllib
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from tuoyu_excel.errors import RubricError
from tuoyu_excel.spec.check import check_rubric
from tuoyu_excel.spec.kinds import KINDS
from tuoyu_excel.spec.model import (
    PANEL_KEYS,
    REPORT_KEYS,
    CitySettings,
    FormField,
    Item,
    NaCondition,
    PanelSettings,
    Part,
    ReportText,
    Rubric,
    Stage,
    StarBand,
    StarSettings,
    Zone,
)

RUBRIC_FOLDER = resources.files("tuoyu_excel") / "rubrics"  # the shipped rubrics: every NAME.toml in it
SHIPPED = tuple(sorted(p.name.removesuffix(".toml") for p in RUBRIC_FOLDER.iterdir() if p.name.endswith(".toml")))


def shipped_path(name: str) -> Path:
    return Path(str(RUBRIC_FOLDER / f"{name}.toml"))


def load_rubric_toml(path: Path) -> Rubric:
    """Load a rubric text file (TOML). Rubric workbooks are read in ``intake.rubric_file``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(path.name, "格式", f"不是有效的 TOML 文本（{exc}）") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(path.name, "文件", f"无法读取（{exc}）") from exc
    return rubric_from_dict(data, path.name)


def rubric_from_dict(data: dict[str, Any], source: str) -> Rubric:
    r = _Reader(source)
    head = r.table(data, "rubric")
    kind = r.choice(head, "kind", "rubric", tuple(KINDS))
    rubric = Rubric(
        id=r.text(head, "id", "rubric"),
        kind=kind,
        name=r.text(head, "name", "rubric"),
        version=str(r.get(head, "version", "rubric")),
        total=r.dec(head, "total", "rubric"),
        stages=tuple(_stage(r, t, f"stages[{n}]") for n, t in enumerate(r.array(data, "stages"), 1)),
        parts=tuple(_part(r, t, f"parts[{n}]") for n, t in enumerate(r.array(data, "parts"), 1)),
        items=tuple(_item(r, t, f"items[{n}]") for n, t in enumerate(r.array(data, "items"), 1)),
        form=tuple(_field(r, t, f"fields[{n}]") for n, t in enumerate(r.array(data, "fields"), 1)),
        limits=_limits(r, head, rubric_items=data.get("items", [])),
        source=source,
        **{kind: _SETTINGS_READERS[kind](r, r.table(data, kind))},  # [star] or [city]: the kind's own table
    )
    rubric = dataclasses.replace(rubric, report=_report(r, data, rubric), panel=_panel(r, data))
    check_rubric(rubric)
    return rubric


def _limits(r: _Reader, head: dict, rubric_items: list) -> tuple[tuple[str, str], ...]:
    """Declared `limits = [["enrolled", "capacity"]]`, plus every comparative item's numerator ≤ denominator."""
    pairs = []
    for n, pair in enumerate(r.list(head, "limits", "rubric"), 1):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
            raise r.fail(f"rubric.limits[{n}]", "应写成 [\"不得超过的字段\", \"上限字段\"]，如 [\"enrolled\", \"capacity\"]")
        pairs.append((pair[0], pair[1]))
    for item in rubric_items:
        if isinstance(item, dict) and item.get("rule") == "comparative":
            pair = (str(item.get("numerator", "")), str(item.get("denominator", "")))
            if pair not in pairs:
                pairs.append(pair)
    return tuple(pairs)


def _stage(r: _Reader, t: dict, where: str) -> Stage:
    return Stage(key=r.text(t, "key", where), label=r.text(t, "label", where), header=r.text(t, "header", where))


def _part(r: _Reader, t: dict, where: str) -> Part:
    return Part(code=r.text(t, "code", where), name=r.text(t, "name", where),
                total=r.dec(t, "total", where), veto=r.flag(t, "veto", where))


def _item(r: _Reader, t: dict, where: str) -> Item:
    code = r.text(t, "code", where)
    where = f"items[编号={code}]"
    return Item(
        code=code,
        part=r.text(t, "part", where),
        title=r.text(t, "title", where),
        content=r.text(t, "content", where, default=""),
        criteria=r.text(t, "criteria", where, default=""),
        points=r.dec(t, "points", where, default=Decimal(0)),
        rule=r.text(t, "rule", where),
        core=r.flag(t, "core", where),
        veto=r.flag(t, "veto", where),
        allow_na=r.flag(t, "allow_na", where),
        na_when=_na_when(r, t, where),
        steps=tuple(r.dec_value(v, f"{where}.steps") for v in r.list(t, "steps", where)),
        method=r.text(t, "method", where, default=""),
        evidence=r.text(t, "evidence", where, default=""),
        note=r.text(t, "note", where, default=""),
        numerator=r.text(t, "numerator", where, default=""),
        denominator=r.text(t, "denominator", where, default=""),
        scale=r.dec(t, "scale", where, default=Decimal(1)),
        per_unit=r.dec(t, "per_unit", where, default=Decimal(0)),
        unit_fields=tuple(str(v) for v in r.list(t, "unit_fields", where)),
    )


NA_WHEN_KEYS = ("field", "equals", "only")


def _na_when(r: _Reader, t: dict, where: str) -> NaCondition | None:
    """`na_when = { field = "meals", equals = ["不供餐"], only = true }`: when the item may be 不适用."""
    if "na_when" not in t:
        return None
    where = f"{where}.na_when"
    c = t["na_when"]
    if not isinstance(c, dict):
        raise r.fail(where, '应写成 { field = "申报表字段代码", equals = ["取值"], only = true }，'
                            '如 { field = "meals", equals = ["不供餐"], only = true }')
    unknown = sorted(set(c) - set(NA_WHEN_KEYS))
    if unknown:
        raise r.fail(f"{where}.{unknown[0]}", f"不是可识别的项目，可用：{'、'.join(NA_WHEN_KEYS)}")
    equals = c.get("equals", [])
    equals = [equals] if isinstance(equals, str) else r.list(c, "equals", where)
    if not all(isinstance(v, str) for v in equals):
        raise r.fail(f"{where}.equals", '应为文字列表，如 ["不供餐"]')
    return NaCondition(field=r.text(c, "field", where), equals=tuple(v.strip() for v in equals),
                       only=r.flag(c, "only", where))


def _field(r: _Reader, t: dict, where: str) -> FormField:
    key = r.text(t, "key", where)
    where = f"fields[key={key}]"
    return FormField(
        key=key,
        label=r.text(t, "label", where),
        type=r.text(t, "type", where),
        required=r.flag(t, "required", where, default=True),
        choices=tuple(str(v) for v in r.list(t, "choices", where)),
        hint=r.text(t, "hint", where, default=""),
        section=r.text(t, "section", where, default=""),
    )


def _star(r: _Reader, t: dict) -> StarSettings:
    w = "star"
    return StarSettings(
        pass_mark=r.dec(t, "pass_mark", w),
        core_rate=r.dec(t, "core_rate", w),
        core_rate_reading=r.choice(t, "core_rate_reading", w, ("together", "per_item")),
        min_operation_years=r.int(t, "min_operation_years", w),
        stars=tuple(str(s) for s in r.list(t, "stars", w)),
        tie_break=tuple(str(s) for s in r.list(t, "tie_break", w)),
        zones=tuple(_zone(r, z, f"star.zones[{n}]") for n, z in enumerate(r.array(t, "zones", w), 1)),
        required_yes=tuple(str(s) for s in r.list(t, "required_yes", w)),
        required_no=tuple(str(s) for s in r.list(t, "required_no", w)),
        filing_date_field=r.text(t, "filing_date_field", w),
        start_date_field=r.text(t, "start_date_field", w),
        gap_threshold=r.dec(t, "gap_threshold", w),
        rerate_wait_years=r.int(t, "rerate_wait_years", w, default=1),
        review_years=r.int(t, "review_years", w, default=3),
        notice_working_days=_positive(r, r.int(t, "notice_working_days", w, default=5), f"{w}.notice_working_days"),
        review_min_scores=_review_min_scores(r, t, w),
    )


def _review_min_scores(r: _Reader, t: dict, w: str) -> tuple[Decimal, ...]:
    """One 复审 minimum per star (lowest first), or none at all."""
    key = f"{w}.review_min_scores"
    raw = r.get(t, "review_min_scores", w, default=[])
    if not isinstance(raw, list):
        raise r.fail(key, "应为分数列表，如 [750, 800, 850]，或 []")
    values = tuple(r.dec_value(v, key) for v in raw)
    stars = r.list(t, "stars", w)
    if values and len(values) != len(stars):
        raise r.fail(key, f"应为 {len(stars)} 个分数（按星级从低到高，每个星级一个），或不填（复审只看评定条件）")
    return values


def _positive(r: _Reader, value: int, key: str) -> int:
    if value < 1:
        raise r.fail(key, "应为不小于 1 的整数（公示至少 1 个工作日）")
    return value


def _report(r: _Reader, data: dict, rubric: Rubric) -> ReportText:
    """The optional [report] table. A rubric file older than it still loads: the subject's name field
    is then the city settings' name field, or the form's first text field."""
    t = r.table(data, "report") if "report" in data else {}
    unknown = sorted(set(t) - set(REPORT_KEYS))
    if unknown:
        raise r.fail(f"report.{unknown[0]}", f"不是可识别的项目，可用：{'、'.join(REPORT_KEYS)}")
    values = {key: r.text(t, key, "report", default="") for key in REPORT_KEYS}
    if not values["name_field"]:
        first_text = next((f.key for f in rubric.form if f.type == "text"), "")
        values["name_field"] = getattr(rubric.settings, "name_field", "") or first_text
    return ReportText(**values)


MAX_PANEL_DECIMALS = 6


def _panel(r: _Reader, data: dict) -> PanelSettings:
    """The optional [panel] table: how several assessors' scores of one item become one score."""
    t = r.table(data, "panel") if "panel" in data else {}
    unknown = sorted(set(t) - set(PANEL_KEYS))
    if unknown:
        raise r.fail(f"panel.{unknown[0]}", f"不是可识别的项目，可用：{'、'.join(PANEL_KEYS)}")
    trim_from = r.int(t, "trim_from", "panel", default=5)
    if trim_from < 3:
        raise r.fail("panel.trim_from", "应为不小于 3 的整数（去掉一个最高分和一个最低分后至少还剩 1 个分数）")
    decimals = r.int(t, "decimals", "panel", default=2)
    if decimals > MAX_PANEL_DECIMALS:
        raise r.fail("panel.decimals", f"应为 0 到 {MAX_PANEL_DECIMALS} 之间的整数（平均分保留的小数位数）")
    spread = r.dec(t, "spread_warn", "panel") if "spread_warn" in t else None
    return PanelSettings(trim_from=trim_from, decimals=decimals, spread_warn=spread)


def _zone(r: _Reader, t: dict, where: str) -> Zone:
    name = r.text(t, "name", where)
    where = f"star.zones[name={name}]"
    award = r.choice(t, "award", where, ("rank", "score"), default="rank")
    bands = []
    for n, b in enumerate(r.list(t, "bands", where), 1):
        bw = f"{where}.bands[{n}]"
        if not isinstance(b, dict):
            raise RubricError(r.source, bw, "每个星级档次应写成 { star = \"三星级\", ranks = [1, 3] } 的形式")
        if award == "rank":
            ranks = r.list(b, "ranks", bw)
            if len(ranks) != 2 or not all(isinstance(x, int) and not isinstance(x, bool) for x in ranks):
                raise RubricError(r.source, f"{bw}.ranks", "应为两个整数 [起始名次, 结束名次]，如 [1, 3]")
            bands.append(StarBand(star=r.text(b, "star", bw), rank_from=ranks[0], rank_to=ranks[1]))
        else:
            bands.append(StarBand(star=r.text(b, "star", bw), min_score=r.dec(b, "min_score", bw)))
    return Zone(name=name, districts=tuple(str(d) for d in r.list(t, "districts", where)),
                quota=r.int(t, "quota", where, default=0), award=award, bands=tuple(bands))


def _city(r: _Reader, t: dict) -> CitySettings:
    w = "city"
    return CitySettings(cities=tuple(str(c) for c in r.list(t, "cities", w)),
                        city_counts_as_unit=r.flag(t, "city_counts_as_unit", w, default=True),
                        name_field=r.text(t, "name_field", w))


_SETTINGS_READERS = {"star": _star, "city": _city}  # each kind's settings table, read into Rubric.<kind>

_MISSING = object()


class _Reader:
    """Typed access to the parsed TOML; every failure names file and key."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, message: str) -> RubricError:
        return RubricError(self.source, key, message)

    def get(self, t: dict, key: str, where: str, default: Any = _MISSING) -> Any:
        if key in t:
            return t[key]
        if default is _MISSING:
            raise self.fail(f"{where}.{key}", "缺少此项，请补上")
        return default

    def table(self, t: dict, key: str, where: str = "") -> dict:
        value = self.get(t, key, where or "(顶层)")
        if not isinstance(value, dict):
            raise self.fail(key, f"应为表 [{key}]")
        return value

    def array(self, t: dict, key: str, where: str = "") -> list[dict]:
        value = self.get(t, key, where or "(顶层)")
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, f"应为表数组 [[{key}]]")
        return value

    def list(self, t: dict, key: str, where: str) -> list:
        value = self.get(t, key, where, default=[])
        if not isinstance(value, list):
            raise self.fail(f"{where}.{key}", "应为列表，如 [\"a\", \"b\"]")
        return value

    def text(self, t: dict, key: str, where: str, default: Any = _MISSING) -> str:
        value = self.get(t, key, where, default)
        if not isinstance(value, str) or (default is _MISSING and not value.strip()):
            raise self.fail(f"{where}.{key}", "应为非空文字（用英文双引号括起来）")
        return value.strip()

    def choice(self, t: dict, key: str, where: str, options: tuple[str, ...], default: Any = _MISSING) -> str:
        value = self.text(t, key, where, default)
        if value not in options:
            raise self.fail(f"{where}.{key}", f"“{value}”不是可选值，应为：{'、'.join(options)}")
        return value

    def flag(self, t: dict, key: str, where: str, default: bool = False) -> bool:
        value = self.get(t, key, where, default)
        if not isinstance(value, bool):
            raise self.fail(f"{where}.{key}", "应为 true 或 false")
        return value

    def int(self, t: dict, key: str, where: str, default: Any = _MISSING) -> int:
        value = self.get(t, key, where, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"{where}.{key}", "应为不小于 0 的整数")
        return value

    def dec(self, t: dict, key: str, where: str, default: Any = _MISSING) -> Decimal:
        value = self.get(t, key, where, default)
        return value if isinstance(value, Decimal) else self.dec_value(value, f"{where}.{key}")

    def dec_value(self, value: Any, key: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.fail(key, "应为数字")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(key, f"“{value}”不是数字") from None
        if not number.is_finite() or number < 0:
            raise self.fail(key, "应为不小于 0 的数字")
        return number
