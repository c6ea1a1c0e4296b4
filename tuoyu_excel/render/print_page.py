"""Sheets an official prints or forwards as they are: a heading above the table (title, issuing unit,
date, notes), a signature line below it, and the page setup (A4, only the table's own header rows
repeated on every page, one page wide, page numbers in the footer).

    heading = heading_for(rubric, "星级评定结果", eval_date)
    header_row = write_heading(ws, fmts, heading, widths)   # rows 0.. ; returns the table's header row
    ...write the table's header at header_row, then its rows...
    write_signature(ws, fmts, last_row + 1, len(widths))
    setup_page(ws, header_row)

Rows are written strictly top to bottom (the star results stream with XlsxWriter's constant_memory):
heading first, then the table, then the signature. The words come from the rubric's [report] table
(``title``, ``public_title``, ``issuer``), never from code.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from tuoyu_excel.render.cells import span
from tuoyu_excel.render.formats import display_width, row_height, setup_print
from tuoyu_excel.spec.model import Rubric
from tuoyu_excel.text import chinese_date

TITLE_SEP = "——"
ISSUER_LABEL = "发布单位"
DATE_LABEL = "评定日期"
SIGNATURE = "制表人：____________　　　审核人：____________　　　日期：______年____月____日"
TITLE_HEIGHT = 30
BYLINE_HEIGHT = 20
SIGNATURE_HEIGHT = 30

# A4 less the margins (0.4 inch each side), in pixels at 96 dpi, 3 % spare for rounding; landscape and
# portrait. A column of width w takes 7w + 5 pixels in Excel and WPS (Calibri's digits), up to 9.5w + 5 in a
# LibreOffice that has no Calibri and measures with DejaVu Sans: printable tables are laid out by the widest
# reckoning, so that they print legibly in every program (Excel prints them a little larger than needed).
PAGE_PIXELS = {True: int((11.69 - 0.8) * 96 * 0.97), False: int((8.27 - 0.8) * 96 * 0.97)}
CHAR_PIXELS = 9.5
# The smallest print scale a printable table is laid out for: fitted to the page width, its 10 pt text prints
# at 9 pt or more. Columns that wrap are narrowed (never below their floor) rather than the page shrunk.
MIN_SCALE = 0.9


@dataclass(frozen=True)
class Heading:
    """The lines above a printable table."""

    title: str
    issuer: str = ""  # the issuing unit, shown as “发布单位：…”
    date: dt.date | None = None  # shown as “评定日期：YYYY年M月D日”
    notes: tuple[str, ...] = ()  # further lines under the issuer and date (e.g. “初步结果，不得公示”)
    issuer_label: str = ISSUER_LABEL
    date_label: str = DATE_LABEL

    @property
    def byline(self) -> tuple[str, str]:
        """(issuer text, date text); either may be ""."""
        issuer = f"{self.issuer_label}：{self.issuer}" if self.issuer else ""
        date = f"{self.date_label}：{chinese_date(self.date)}" if self.date else ""
        return issuer, date

    @property
    def rows(self) -> int:
        """How many rows the heading takes (the table's header row follows)."""
        return 1 + (1 if any(self.byline) else 0) + len(self.notes)


def column_pixels(widths: Sequence[float]) -> int:
    """The printed width of columns of `widths` by the widest reckoning (see PAGE_PIXELS)."""
    return sum(int(w * CHAR_PIXELS + 5) for w in widths)


def fit_scale(widths: Sequence[float], landscape: bool = True) -> float:
    """The scale fitting columns of `widths` to one page width (1 when they fit as they are)."""
    return min(1.0, PAGE_PIXELS[landscape] / max(column_pixels(widths), 1))


def fit_widths(widths: Sequence[float], floors: Sequence[float], landscape: bool = True) -> list[float]:
    """`widths` narrowed so that the table prints at MIN_SCALE or more when fitted to the page width: every
    column above its floor is cut to the same share of its width, not below the floor (a long name keeps
    more room than a short district; columns whose floor is their width, such as numbers, keep it; text
    columns wrap). When even the floors are too wide, every column ends at its floor."""
    budget = PAGE_PIXELS[landscape] / MIN_SCALE
    if column_pixels(widths) <= budget:
        return [float(w) for w in widths]

    def at(share: float) -> list[float]:
        return [max(float(f), float(math.floor(w * share))) for w, f in zip(widths, floors, strict=True)]

    low, high = 0.0, 1.0  # the largest share that still fits
    for _ in range(20):
        middle = (low + high) / 2
        low, high = (middle, high) if column_pixels(at(middle)) <= budget else (low, middle)
    return at(low)


def sheet_title(rubric: Rubric, name: str) -> str:
    """“<[report] title, or the rubric's name>——<name>”."""
    return f"{rubric.report.title or rubric.name}{TITLE_SEP}{name}"


def heading_for(rubric: Rubric, name: str, date: dt.date | None, notes: Sequence[str] = (),
                title: str = "") -> Heading:
    """The heading of a printable sheet called `name` (its title `title` when given), issued by the
    rubric's [report] issuer on `date`."""
    return Heading(title or sheet_title(rubric, name), rubric.report.issuer, date, tuple(n for n in notes if n))


def write_heading(ws, fmts: dict, heading: Heading, widths: Sequence[float], row: int = 0) -> int:
    """The heading from `row` across the columns of `widths` (widths as set on the sheet, which it sets
    too); returns the row after it, where the table's header goes."""
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    last = max(len(widths) - 1, 0)
    ws.set_row(row, TITLE_HEIGHT)
    span(ws, row, 0, last, heading.title, fmts["title"])
    row += 1
    issuer, date = heading.byline
    if issuer or date:
        ws.set_row(row, BYLINE_HEIGHT)
        middle = _byline_split(widths, issuer, date) if issuer and date else None
        if middle is not None:
            span(ws, row, 0, middle - 1, issuer, fmts["byline"])
            span(ws, row, middle, last, date, fmts["byline_right"])
        else:
            span(ws, row, 0, last, "　　".join(t for t in (issuer, date) if t), fmts["byline"])
        row += 1
    for note in heading.notes:
        ws.set_row(row, row_height([(note, sum(widths))], minimum=BYLINE_HEIGHT))
        span(ws, row, 0, last, note, fmts["note"])
        row += 1
    return row


def _byline_split(widths: Sequence[float], issuer: str, date: str) -> int | None:
    """The column the date starts at: the issuer on the left has room for its text (the middle column
    when both halves have room); None when the two do not fit side by side (they share one line)."""
    need = display_width(issuer) + 2
    splits = [c for c in range(1, len(widths)) if sum(widths[:c]) >= need
              and sum(widths[c:]) >= display_width(date) + 2]
    if not splits:
        return None
    middle = len(widths) // 2
    return middle if middle in splits else splits[0]


def write_signature(ws, fmts: dict, row: int, columns: int) -> int:
    """The 制表人／审核人／日期 line, one blank row under `row` (the row after the table), across
    `columns` columns; returns the row after it."""
    row += 1
    ws.set_row(row, SIGNATURE_HEIGHT)
    span(ws, row, 0, max(columns - 1, 0), SIGNATURE, fmts["sign"])
    return row + 1


def setup_page(ws, header_row: int | None, *, header_rows: int = 1, landscape: bool = True,
               repeat_columns: tuple[int, int] | None = None, scale: int | None = None) -> None:
    """A4, the table's header (`header_rows` rows from `header_row`; None: nothing) on every page,
    page numbers in the footer; one page wide, or at `scale` percent (manual page breaks need that:
    fitting to a width ignores them), with columns `repeat_columns` on every page."""
    last = header_row + header_rows - 1 if header_row is not None else None
    setup_print(ws, last, header_row or 0, fit_width=scale is None)
    if not landscape:
        ws.set_portrait()
    if scale is not None:
        ws.set_print_scale(scale)
    if repeat_columns is not None:
        ws.repeat_columns(*repeat_columns)
