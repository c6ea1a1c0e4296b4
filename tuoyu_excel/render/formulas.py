"""The few formulas the tool writes: counts over a results list that follow an official's edits.

A formula is built here from the tool's own words only (sheet names, the rubric's zone, district and
star names, cell positions), each text quoted as a formula string; text typed by users never becomes a
formula (``cells.put`` writes it with ``write_string``). Every formula is written with the value the
tool computed cached in the cell, so a viewer that does not recalculate still shows the right number.

The cached value is counted here the way Excel's COUNTIFS compares: text equal, ignoring case.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell


@dataclass(frozen=True)
class Formula:
    """A formula and the value it computes on the workbook as written."""

    text: str  # starts with "="
    value: int | float


def write_formula(ws, row: int, col: int, formula: Formula, fmt=None) -> None:
    ws.write_formula(row, col, formula.text, fmt, formula.value)


def text_literal(text: str) -> str:
    """`text` as a formula string: "…" with inner quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def equals(text: str) -> str:
    """A COUNTIFS criterion matching cells equal to `text` and nothing else: the text itself ("三星级"),
    its wildcards * ? ~ taken literally, and "=" first when it would otherwise read as a comparison
    (starts with = < >) or match blank cells (empty)."""
    escaped = re.sub(r"([~*?])", r"~\1", text)
    if not text or text[0] in "=<>":
        escaped = "=" + escaped
    return text_literal(escaped)


def column(sheet: str, col: int) -> str:
    """A whole column of another sheet, e.g. 星级评定结果!$I:$I (whole columns: rows added later count)."""
    letter = xl_col_to_name(col)
    return f"{quote_sheetname(sheet)}!${letter}:${letter}"


def cell(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col)


def same(value: object) -> str:
    """How COUNTIFS compares a cell's text: case folded."""
    return "" if value is None else str(value).casefold()


class Tally:
    """Rows of one list as written, counted by the values of chosen columns: the cached values of
    COUNTIFS formulas over that list's sheet."""

    def __init__(self, sheet: str, rows: Sequence[Sequence[object]]):
        self.sheet = sheet
        self.rows = rows
        self._counts: dict[tuple[int, ...], Counter] = {}

    def countifs(self, *conditions: tuple[int, str]) -> Formula:
        """=COUNTIFS(<sheet>!<col>, "=<value>", …) for (column index, value) pairs, with its count."""
        cols = tuple(c for c, _ in conditions)
        if cols not in self._counts:
            self._counts[cols] = Counter(tuple(same(r[c]) for c in cols) for r in self.rows)
        count = self._counts[cols][tuple(same(v) for _, v in conditions)]
        args = ",".join(f"{column(self.sheet, c)},{equals(v)}" for c, v in conditions)
        return Formula(f"=COUNTIFS({args})", count)


def total(cells: Iterable[tuple[int, int]], values: Iterable[int | float]) -> Formula:
    """=SUM of cells of this sheet (a contiguous run: A1:A5, or single cells joined by +)."""
    refs = [cell(r, c) for r, c in cells]
    value = sum(values)
    if not refs:
        return Formula("=0", 0)
    return Formula(f"=SUM({refs[0]}:{refs[-1]})", value)


def plus(cells: Iterable[tuple[int, int]], values: Iterable[int | float]) -> Formula:
    """=A1+C1+… of cells of this sheet."""
    refs = [cell(r, c) for r, c in cells]
    return Formula("=" + "+".join(refs) if refs else "=0", sum(values))
