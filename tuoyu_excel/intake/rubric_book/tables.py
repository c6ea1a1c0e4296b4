"""The tables of a rubric workbook, each read into its part of the rubric dict.

评分项 → ``items``; 部分 → ``parts`` (设置 is ``rubric_excel_settings.py``). Columns are found
by header text, rows read one by one; blank rows are skipped. Problems and key → cell marks go
to ``Cells``.
"""

from __future__ import annotations

from typing import Any

from tuoyu_excel.intake.rubric_book.cells import Cells, Sheet
from tuoyu_excel.layout import rubric_book as book
from tuoyu_excel.spec.kinds import KIND_LABELS, KINDS
from tuoyu_excel.text import fold


def columns(sheet: Sheet, header_row: int, headers: tuple[str, ...], cells: Cells,
             optional: tuple[str, ...] = ()) -> dict[str, int] | None:
    """Header text -> column; every missing required header is a problem (then None)."""
    found = {fold(v): c for c, v in enumerate(sheet.grid[header_row]) if isinstance(v, str) and v.strip()}
    cols = {h: found[fold(h)] for h in headers + optional if fold(h) in found}
    missing = [h for h in headers if h not in cols]
    for h in missing:
        cells.fail(sheet.ref(header_row, 0), f"找不到“{h}”列标题。请不要修改或删除表头（第 {header_row + 1} 行）", structural=True)
    return None if missing else cols


def _table(sheet: Sheet | None, markers: tuple[str, ...], named: str, headers: tuple[str, ...], cells: Cells,
           optional: tuple[str, ...] = ()) -> tuple[int, dict[str, int]] | None:
    """(header row, header text -> column) of a table sheet; None when the sheet is missing or its header
    is (a problem for each missing header; `named` lists the headers in the message)."""
    if sheet is None:
        return None
    header = sheet.find_header(markers)
    if header is None:
        cells.fail(sheet.ref(0, 0), f"找不到表头（{named}）。请不要修改或删除表头", structural=True)
        return None
    cols = columns(sheet, header, headers, cells, optional)
    return None if cols is None else (header, cols)


def data_rows(sheet: Sheet, first: int, stop: int):
    for r in range(first, stop):
        if not sheet.blank_row(r):
            yield r


def mark_duplicate(cells: Cells, key: str, seen: set, value: str, cell: str) -> None:
    if value in seen:
        cells.mark(key, cell)
    seen.add(value)


# ---- 部分 -----------------------------------------------------------------------------------------

def read_parts(sheet: Sheet | None, data: dict[str, Any], cells: Cells) -> None:
    data["parts"] = []
    found = _table(sheet, ("编号", "满分"), "“编号”“名称”“满分”“必备条件部分”", book.PART_HEADERS[:4], cells)
    if found is None:
        return
    header, cols = found
    seen: set[str] = set()
    for r in data_rows(sheet, header + 1, len(sheet.grid)):
        code = cells.text(sheet, r, cols["编号"], "编号")
        key = f"parts[编号={code}]"
        mark_duplicate(cells, "parts", seen, code, sheet.ref(r, cols["编号"]))
        cells.mark(f"parts[{len(data['parts']) + 1}]", sheet.ref(r, cols["编号"]))
        for attr, h in (("", "编号"), (".name", "名称"), (".total", "满分"), (".veto", "必备条件部分")):
            cells.mark(key + attr, sheet.ref(r, cols[h]))
        part = {"code": code, "name": cells.text(sheet, r, cols["名称"], "名称"),
                "veto": cells.flag(sheet, r, cols["必备条件部分"], "必备条件部分")}
        total = cells.number(sheet, r, cols["满分"], "满分")
        if total is not None:
            part["total"] = total
        data["parts"].append(part)


# ---- 评分项 ---------------------------------------------------------------------------------------

_TEXT_ATTRS = ("content", "criteria", "method", "evidence", "note", "numerator", "denominator")


def read_items(sheet: Sheet | None, data: dict[str, Any], cells: Cells) -> None:
    data["items"] = []
    optional = tuple(h for h, _, _ in book.ITEM_COLUMNS[13:] + book.CITY_ITEM_COLUMNS)
    found = _table(sheet, ("编号", "计分方式"), "“编号”“部分”“项目”……“计分方式”", book.REQUIRED_ITEM_HEADERS, cells,
                   optional)
    if found is None:
        return
    header, cols = found
    attrs = {attr: cols[h] for h, attr, _ in book.ITEM_COLUMNS + book.CITY_ITEM_COLUMNS if h in cols}
    kind = data.get("rubric", {}).get("kind", "star")
    part_codes = {fold(p["name"]): p["code"] for p in data.get("parts", []) if p.get("name")}
    field_keys = {fold(f[k]): f["key"] for f in data.get("fields", []) for k in ("key", "label") if f.get(k)}
    seen: set[str] = set()
    for r in data_rows(sheet, header + 1, len(sheet.grid)):
        item = _item(sheet, r, attrs, cells, kind)
        item["part"] = part_codes.get(fold(item["part"]), item["part"])  # a part's name also names it
        na_when = _na_when(sheet, r, attrs, cells, field_keys)
        if na_when is not None:
            item["na_when"] = na_when
            cells.mark(f"items[编号={item['code']}].na_when", sheet.ref(r, attrs["na_when.field"]))
        mark_duplicate(cells, "items", seen, item["code"], sheet.ref(r, attrs["code"]))
        cells.mark(f"items[{len(data['items']) + 1}]", sheet.ref(r, attrs["code"]))
        cells.mark(f"items[编号={item['code']}]", sheet.ref(r, attrs["code"]))
        for attr, c in attrs.items():
            cells.mark(f"items[编号={item['code']}].{attr}", sheet.ref(r, c))
        data["items"].append(item)


def _item(sheet: Sheet, r: int, attrs: dict[str, int], cells: Cells, kind: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": cells.text(sheet, r, attrs["code"], "编号"),
        "part": cells.text(sheet, r, attrs["part"], "部分"),
        "title": cells.text(sheet, r, attrs["title"], "项目"),
        "core": cells.flag(sheet, r, attrs["core"], "核心指标"),
        "veto": cells.flag(sheet, r, attrs["veto"], "否决项"),
        "allow_na": cells.flag(sheet, r, attrs["allow_na"], "可不适用"),
        "steps": cells.numbers(sheet, r, attrs["steps"], "步长"),
        "rule": _rule(sheet, r, attrs["rule"], cells, kind) or "",
    }
    for attr in _TEXT_ATTRS:
        if attr in attrs:
            item[attr] = cells.text(sheet, r, attrs[attr])
    for attr, what in (("points", "分值"), ("scale", "倍数"), ("per_unit", "每单位扣分")):
        if attr in attrs:
            value = cells.number(sheet, r, attrs[attr], what, required=False)
            if value is not None:
                item[attr] = value
    if "unit_fields" in attrs:
        item["unit_fields"] = cells.values(sheet, r, attrs["unit_fields"])
    return item


def _na_when(sheet: Sheet, r: int, attrs: dict[str, int], cells: Cells,
             field_keys: dict[str, str]) -> dict[str, Any] | None:
    """The three 不适用 condition cells as `na_when` (the field by its code or its name); None when blank."""
    if "na_when.field" not in attrs:
        return None
    field = cells.text(sheet, r, attrs["na_when.field"])
    equals = cells.values(sheet, r, attrs["na_when.equals"]) if "na_when.equals" in attrs else []
    only = cells.flag(sheet, r, attrs["na_when.only"], book.NA_ONLY) if "na_when.only" in attrs else False
    if field:
        return {"field": field_keys.get(fold(field), field), "equals": equals, "only": only}
    if equals or only:
        cells.fail(sheet.ref(r, attrs["na_when.field"]), f"填了不适用条件，但“{book.NA_FIELD}”未填。请填申报表字段代码，"
                                                         f"或清空本行的“{book.NA_EQUALS}”“{book.NA_ONLY}”")
    return None


def _rule(sheet: Sheet, r: int, c: int, cells: Cells, kind: str) -> str | None:
    allowed = KINDS[kind].rules if kind in KINDS else ()
    rule = cells.choice(sheet, r, c, book.RULE_LABELS, "计分方式", [book.RULE_LABELS[k] for k in allowed])
    if rule is not None and rule not in allowed:
        labels = "、".join(book.RULE_LABELS[k] for k in allowed)
        cells.fail(sheet.ref(r, c), f"{KIND_LABELS.get(kind, kind)}规则不能用“{book.RULE_LABELS[rule]}”计分。"
                                    f"请从下拉列表选择：{labels}")
    return rule
