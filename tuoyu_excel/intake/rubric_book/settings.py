"""The 设置 sheet of a rubric workbook: sub-tables one under another, each opened by a title
cell in column A (“【基本信息】” …), then its header row, then its rows up to the next title.

【基本信息】 → ``rubric`` and ``star`` / ``city`` settings; 【评分阶段】 → ``stages``; 【片区】 and
【星级档次】 → ``star.zones``; 【申报表字段】 (【基础数据字段】) → ``fields``; 【数值限制】 → limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tuoyu_excel.intake.rubric_book.cells import Cells, Sheet, is_blank
from tuoyu_excel.intake.rubric_book.tables import columns, data_rows, mark_duplicate
from tuoyu_excel.layout import rubric_book as book
from tuoyu_excel.spec.kinds import KIND_LABELS, KINDS
from tuoyu_excel.text import fold

_TITLES = {fold(t): t for t in (book.T_BASIC, book.T_STAGES, book.T_ZONES, book.T_BANDS, book.T_FIELDS,
                                book.T_LIMITS)}
_TITLES.update({fold(t): book.T_FIELDS for t in book.FIELDS_TITLES})  # each kind names the form table its own way
_YES_NO = {"yes": book.YES, "no": book.NO}


@dataclass(frozen=True)
class Table:
    row: int  # the title's row; the header is the next row
    stop: int  # first row after the table


def _tables(sheet: Sheet) -> dict[str, Table]:
    starts = [(r, _TITLES[fold(row[0])]) for r, row in enumerate(sheet.grid)
              if row and isinstance(row[0], str) and fold(row[0]) in _TITLES]
    ends = [r for r, _ in starts[1:]] + [len(sheet.grid)]
    return {title: Table(r, end) for (r, title), end in zip(starts, ends, strict=True)}


def _open(sheet: Sheet, tables: dict[str, Table], title: str, headers: tuple[str, ...],
          cells: Cells) -> tuple[Table, dict[str, int]] | None:
    table = tables.get(title)
    if table is None:
        cells.fail(f"{sheet.name}!A1", f"找不到“{title}”表。请不要修改或删除 A 列中的表名（如“{title}”）", structural=True)
        return None
    cols = columns(sheet, table.row + 1, headers, cells)
    return None if cols is None else (table, cols)


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    head, key = path.split(".")
    data.setdefault(head, {})[key] = value


def read_settings(sheet: Sheet | None, data: dict[str, Any], cells: Cells) -> None:
    data.setdefault("rubric", {})
    if sheet is None:
        return
    tables = _tables(sheet)
    kind = _basic(sheet, tables, data, cells)
    data.setdefault(kind, {})
    data["stages"] = _stages(sheet, tables, cells)
    if KINDS[kind].ranks_in_zones:
        data[kind]["zones"] = _zones(sheet, tables, cells)
    data["fields"] = _fields(sheet, tables, cells)
    if book.T_LIMITS in tables:
        data["rubric"]["limits"] = _limits(sheet, tables, cells)
    cells.resolve_references(data)
    for key, title in (("rubric", book.T_BASIC), ("star", book.T_BASIC), ("city", book.T_BASIC),
                       ("stages", book.T_STAGES), ("star.zones", book.T_ZONES), ("fields", book.T_FIELDS),
                       ("rubric.limits", book.T_LIMITS)):
        if title in tables:
            cells.mark(key, sheet.ref(tables[title].row, 0))


# ---- 基本信息 -------------------------------------------------------------------------------------

def _basic(sheet: Sheet, tables: dict[str, Table], data: dict[str, Any], cells: Cells) -> str:
    opened = _open(sheet, tables, book.T_BASIC, book.BASIC_HEADERS[:2], cells)
    if opened is None:
        return "star"
    table, cols = opened
    rows: dict[str, int] = {}
    for r in data_rows(sheet, table.row + 2, table.stop):
        label = fold(cells.text(sheet, r, cols["项目"]))
        if label in rows:
            cells.fail(sheet.ref(r, cols["项目"]), f"“{label}”出现了两次（另一处在第 {rows[label] + 1} 行）。请删除多余的一行")
        rows.setdefault(label, r)
    kind_row = rows.get(fold("类型"))
    kind = "star" if kind_row is None else cells.choice(sheet, kind_row, cols["内容"], KIND_LABELS, "类型")
    kind = kind or "star"
    if kind_row is not None:
        cells.mark("rubric.kind", sheet.ref(kind_row, cols["内容"]))
    known = {fold(s.label) for k in KIND_LABELS for s in book.settings_for(k)}
    for label, r in rows.items():
        if label and label not in known:
            cells.fail(sheet.ref(r, cols["项目"]), f"“{label}”不是可识别的项目。请不要修改“项目”列的文字")
    _set(data, "rubric.kind", kind)
    for s in book.settings_for(kind):
        r = rows.get(fold(s.label))
        if s.path == "rubric.kind" and r is not None:
            continue  # read above
        if r is None:
            if s.required:
                cells.fail(sheet.ref(table.row, 0), f"“{book.T_BASIC}”中缺少“{s.label}”一行。请补上（{s.hint}）")
            continue
        cells.mark(s.path, sheet.ref(r, cols["内容"]))
        if not s.required and is_blank(sheet.value(r, cols["内容"])):
            continue  # an optional setting left blank: the rubric's default
        value = _setting_value(sheet, r, cols["内容"], s, cells)
        if value is not None:
            _set(data, s.path, value)
    return kind


def _setting_value(sheet: Sheet, r: int, c: int, s: book.Setting, cells: Cells) -> Any:
    if s.kind in ("number", "int"):
        return cells.number(sheet, r, c, s.label, integer=s.kind == "int")
    if s.kind == "choice":
        return cells.choice(sheet, r, c, s.labels, s.label)
    if s.kind == "yesno":
        found = cells.choice(sheet, r, c, _YES_NO, s.label)
        return None if found is None else found == "yes"
    if s.kind == "labels":
        values = [book.label_lookup(s.labels).get(fold(v)) for v in cells.values(sheet, r, c)]
        if None in values:
            cells.fail(sheet.ref(r, c), f"“{s.label}”只能填：{'、'.join(s.labels.values())}（用“、”分隔）")
        return [v for v in values if v]
    if s.kind in ("list", "keys"):
        return cells.values(sheet, r, c)
    return cells.text(sheet, r, c, s.label)


# ---- 评分阶段 -------------------------------------------------------------------------------------

def _stages(sheet: Sheet, tables: dict[str, Table], cells: Cells) -> list[dict]:
    opened = _open(sheet, tables, book.T_STAGES, book.STAGE_HEADERS, cells)
    if opened is None:
        return []
    (table, cols), out = opened, []
    seen: dict[str, set] = {"key": set(), "header": set()}
    for r in data_rows(sheet, table.row + 2, table.stop):
        stage = {attr: cells.text(sheet, r, cols[h], h) for attr, h in zip(("key", "label", "header"),
                                                                          book.STAGE_HEADERS, strict=True)}
        for attr, h in (("key", "代码"), ("header", "得分列标题")):
            mark_duplicate(cells, f"stages.{attr}", seen[attr], stage[attr], sheet.ref(r, cols[h]))
        for attr, h in zip(("key", "label", "header"), book.STAGE_HEADERS, strict=True):
            cells.mark(f"stages[{len(out) + 1}].{attr}", sheet.ref(r, cols[h]))
        out.append(stage)
    return out


# ---- 片区 and 星级档次 ------------------------------------------------------------------------------

def _zones(sheet: Sheet, tables: dict[str, Table], cells: Cells) -> list[dict]:
    opened = _open(sheet, tables, book.T_ZONES, book.ZONE_HEADERS, cells)
    if opened is None:
        return []
    (table, cols), zones = opened, []
    names: set[str] = set()
    districts: set[str] = set()
    for r in data_rows(sheet, table.row + 2, table.stop):
        name = cells.text(sheet, r, cols["片区"], "片区")
        zone = {"name": name, "districts": cells.values(sheet, r, cols["县区"]),
                "quota": cells.number(sheet, r, cols["名额"], "名额", required=False, integer=True) or 0,
                "award": cells.choice(sheet, r, cols["评定方式"], book.AWARD_LABELS, "评定方式"),
                "bands": []}
        mark_duplicate(cells, "star.zones", names, name, sheet.ref(r, cols["片区"]))
        for d in zone["districts"]:
            mark_duplicate(cells, "star.zones", districts, d, sheet.ref(r, cols["县区"]))
        key = f"star.zones[name={name}]"
        cells.mark(f"star.zones[{len(zones) + 1}]", sheet.ref(r, cols["片区"]))
        for attr, h in (("", "片区"), (".name", "片区"), (".districts", "县区"), (".quota", "名额"),
                        (".award", "评定方式")):
            cells.mark(key + attr, sheet.ref(r, cols[h]))
        zones.append(zone)
    _bands(sheet, tables, zones, cells)
    return zones


def _bands(sheet: Sheet, tables: dict[str, Table], zones: list[dict], cells: Cells) -> None:
    opened = _open(sheet, tables, book.T_BANDS, book.BAND_HEADERS, cells)
    if opened is None:
        return
    (table, cols), by_name = opened, {}
    for z in zones:
        by_name.setdefault(z["name"], z)
    for r in data_rows(sheet, table.row + 2, table.stop):
        name = cells.text(sheet, r, cols["片区"], "片区")
        zone = by_name.get(name)
        if zone is None:
            if name:
                cells.fail(sheet.ref(r, cols["片区"]), f"片区“{name}”不在“{book.T_ZONES}”表中。请改正片区名称，或先在该表中列出此片区")
            continue
        key = f"star.zones[name={name}].bands"
        n = len(zone["bands"]) + 1
        for attr, h in (("", "星级"), (f"[{n}]", "星级"), (f"[{n}].star", "星级"), (f"[{n}].ranks", "起始名次"),
                        (f"[{n}].min_score", "最低分")):
            cells.mark(key + attr, sheet.ref(r, cols[h]))
        zone["bands"].append(_band(sheet, r, cols, zone["award"], cells))
    for z in zones:
        z["award"] = z["award"] or "rank"  # unreadable: already a problem
        cells.mark(f"star.zones[name={z['name']}].bands", sheet.ref(table.row, 0))


def _band(sheet: Sheet, r: int, cols: dict[str, int], award: str | None, cells: Cells) -> dict:
    band: dict[str, Any] = {"star": cells.text(sheet, r, cols["星级"], "星级")}
    if award is None:  # the zone's 评定方式 is unreadable (already a problem): nothing to check against
        return band
    unused = ("起始名次", "结束名次") if award == "score" else ("最低分",)
    for h in unused:
        if not is_blank(sheet.value(r, cols[h])):
            how = "按分数评定的片区只填“最低分”" if award == "score" else "按名次评定的片区只填“起始名次”和“结束名次”"
            cells.fail(sheet.ref(r, cols[h]), f"{how}，此格应留空。如要改变评定方式，请修改“{book.T_ZONES}”表的“评定方式”")
    if award == "score":
        low = cells.number(sheet, r, cols["最低分"], "最低分")
        if low is not None:
            band["min_score"] = low
        return band
    ranks = [cells.number(sheet, r, cols[h], h, integer=True) for h in ("起始名次", "结束名次")]
    if None not in ranks:
        band["ranks"] = ranks
    return band


# ---- 申报表字段 and 数值限制 -----------------------------------------------------------------------

def _fields(sheet: Sheet, tables: dict[str, Table], cells: Cells) -> list[dict]:
    opened = _open(sheet, tables, book.T_FIELDS, book.FIELD_HEADERS, cells)
    if opened is None:
        return []
    (table, cols), out = opened, []
    keys: set[str] = set()
    labels: set[str] = set()
    for r in data_rows(sheet, table.row + 2, table.stop):
        f = {"key": cells.text(sheet, r, cols["字段代码"], "字段代码"), "label": cells.text(sheet, r, cols["名称"], "名称"),
             "type": cells.choice(sheet, r, cols["类型"], book.FIELD_TYPE_LABELS, "类型") or "",
             "required": cells.flag(sheet, r, cols["必填"], "必填", default=True),
             "choices": cells.values(sheet, r, cols["可选值"]), "hint": cells.text(sheet, r, cols["说明"]),
             "section": cells.text(sheet, r, cols["分组"])}
        mark_duplicate(cells, "fields", keys, f["key"], sheet.ref(r, cols["字段代码"]))
        mark_duplicate(cells, "fields", labels, f["label"], sheet.ref(r, cols["名称"]))
        cells.mark(f"fields[{len(out) + 1}]", sheet.ref(r, cols["字段代码"]))
        for attr, h in (("", "字段代码"), (".label", "名称"), (".type", "类型"), (".required", "必填"),
                        (".choices", "可选值"), (".hint", "说明"), (".section", "分组")):
            cells.mark(f"fields[key={f['key']}]{attr}", sheet.ref(r, cols[h]))
        out.append(f)
    return out


def _limits(sheet: Sheet, tables: dict[str, Table], cells: Cells) -> list[list[str]]:
    opened = _open(sheet, tables, book.T_LIMITS, book.LIMIT_HEADERS, cells)
    if opened is None:
        return []
    (table, cols), out = opened, []
    for r in data_rows(sheet, table.row + 2, table.stop):
        pair = [cells.text(sheet, r, cols[h], h) for h in book.LIMIT_HEADERS]
        cells.refs += [("rubric.limits", key, sheet.ref(r, cols[h])) for key, h in zip(pair, book.LIMIT_HEADERS,
                                                                                        strict=True)]
        out.append(pair)
    return out
