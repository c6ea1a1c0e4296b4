"""Typed reading of single cells of a rubric workbook, collecting every problem with its cell.

``Cells`` holds what reading found: the problems (``RubricError`` keyed “评分项!F12”) and where
each rubric key came from (``where``). Values come back shaped as TOML would give them (str,
int, float, bool, list), so ``rubric_from_dict`` treats a workbook exactly like a text rubric.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from tuoyu_excel.errors import RubricError
from tuoyu_excel.layout import rubric_book as book
from tuoyu_excel.layout.submission import cell_name
from tuoyu_excel.text import fold
from tuoyu_excel.text import strip_spaces as clean

TRUE_MARKS = {"★", "☆", "是", "√", "✓", "✔", "Y", "YES", "TRUE", "1"}
FALSE_MARKS = {"", "否", "N", "NO", "FALSE", "0", "×"}


@dataclass
class Sheet:
    name: str
    grid: list[list]

    def value(self, r: int, c: int) -> object:
        if r < len(self.grid) and c < len(self.grid[r]):
            return self.grid[r][c]
        return ""

    def ref(self, r: int, c: int) -> str:
        return f"{self.name}!{cell_name(r, c)}"

    def blank_row(self, r: int, cols: int | None = None) -> bool:
        row = self.grid[r][:cols] if r < len(self.grid) else []
        return all(is_blank(v) for v in row)

    def find_header(self, markers: tuple[str, ...], start: int = 0, stop: int = 10) -> int | None:
        for r in range(start, min(stop, len(self.grid))):
            found = {fold(v) for v in self.grid[r] if isinstance(v, str)}
            if all(fold(m) in found for m in markers):
                return r
        return None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean(value))


def plain(number: Decimal) -> int | float:
    """A Decimal as TOML would hand it over: int when whole, else float."""
    return int(number) if number == number.to_integral_value() else float(number)


def shown(value: object) -> str:
    """A cell value as the official sees it, for messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value)) if isinstance(value, str) else str(value)


@dataclass
class Cells:
    source: str
    structure_problems: list[RubricError] = field(default_factory=list)  # missing sheets, tables, headers
    value_problems: list[RubricError] = field(default_factory=list)  # cells that cannot be read
    where: dict[str, str] = field(default_factory=dict)  # rubric key -> "sheet!A1"
    refs: list[tuple[str, str, str]] = field(default_factory=list)  # (rubric key, field key, cell)

    @property
    def problems(self) -> list[RubricError]:
        """Structure first: a missing table or header explains the odd values that follow from it."""
        return self.structure_problems + self.value_problems

    def fail(self, cell: str, message: str, structural: bool = False) -> None:
        (self.structure_problems if structural else self.value_problems).append(RubricError(self.source, cell, message))

    def mark(self, key: str, cell: str) -> None:
        """Remember where `key` came from (the first place wins)."""
        self.where.setdefault(key, cell)

    def text(self, sheet: Sheet, r: int, c: int, what: str = "") -> str:
        """The cell as text; when `what` is given the cell must not be blank."""
        value = sheet.value(r, c)
        if isinstance(value, bool):
            self.fail(sheet.ref(r, c), f"“{what or '此格'}”应填文字，现为逻辑值 {value}。请改为文字")
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        text = shown(value) if not isinstance(value, str) else clean(value)
        if what and not text:
            self.fail(sheet.ref(r, c), f"“{what}”未填写。请填上")
        return text

    def number(self, sheet: Sheet, r: int, c: int, what: str, required: bool = True,
               integer: bool = False) -> int | float | None:
        value = sheet.value(r, c)
        if is_blank(value):
            if required:
                self.fail(sheet.ref(r, c), f"“{what}”未填写。请填{'整数' if integer else '数字'}")
            return None
        number = _decimal(value)
        if number is None or number < 0:
            self.fail(sheet.ref(r, c), f"“{what}”填的是“{shown(value)}”，应为不小于 0 的{'整数' if integer else '数字'}，"
                                       "如 10 或 0.5。请只填阿拉伯数字")
            return None
        if integer and number != number.to_integral_value():
            self.fail(sheet.ref(r, c), f"“{what}”填的是“{shown(value)}”，应为整数。请改为整数，如 3")
            return None
        return plain(number)

    def numbers(self, sheet: Sheet, r: int, c: int, what: str) -> list[int | float]:
        """A cell holding one number or several joined by “、”: 3 / 2、5."""
        value = sheet.value(r, c)
        if is_blank(value):
            return []
        if not isinstance(value, str):
            single = self.number(sheet, r, c, what)
            return [] if single is None else [single]
        out = []
        for part in split(value):
            number = _decimal(part)
            if number is None or number <= 0:
                self.fail(sheet.ref(r, c), f"“{what}”中的“{part}”不是大于 0 的数字。多个数字用“、”分隔，如 2、5")
                return []
            out.append(plain(number))
        return out

    def values(self, sheet: Sheet, r: int, c: int) -> list[str]:
        value = sheet.value(r, c)
        return [] if is_blank(value) else split(shown(value))

    def choice(self, sheet: Sheet, r: int, c: int, labels: dict[str, str], what: str,
               offered: list[str] | None = None) -> str | None:
        """The value whose Chinese label (or English value) is in the cell; `offered` labels go in the message."""
        text = self.text(sheet, r, c)
        found = book.label_lookup(labels).get(fold(text))
        if found is None:
            wanted = "、".join(offered or labels.values())
            self.fail(sheet.ref(r, c), f"“{what}”填的是“{text}”，不是可选值。请从下拉列表选择：{wanted}" if text
                      else f"“{what}”未填写。请从下拉列表选择：{wanted}")
        return found

    def flag(self, sheet: Sheet, r: int, c: int, what: str, default: bool = False) -> bool:
        value = sheet.value(r, c)
        if isinstance(value, bool):
            return value
        text = fold(shown(value)).upper() if not is_blank(value) else ""
        if not text:
            return default
        if text in TRUE_MARKS:
            return True
        if text in FALSE_MARKS:
            return False
        self.fail(sheet.ref(r, c), f"“{what}”填的是“{shown(value)}”，无法识别。请填“是”（核心指标填 ★）或留空")
        return default

    def resolve_references(self, data: dict) -> None:
        """Point a rubric key that names no single cell (“rubric.limits”) at its first unknown field."""
        keys = {f.get("key") for f in data.get("fields", [])}
        for rubric_key, key, cell in self.refs:
            if key not in keys:
                self.mark(rubric_key, cell)


def split(text: str) -> list[str]:
    for sep in book.LIST_SEPARATORS[1:]:
        text = text.replace(sep, book.LIST_SEPARATORS[0])
    return [clean(p) for p in text.split(book.LIST_SEPARATORS[0]) if clean(p)]


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    if not isinstance(value, str):
        return None
    text = fold(value)
    percent = text.endswith("%")
    try:
        number = Decimal(text.removesuffix("%"))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number / 100 if percent else number
