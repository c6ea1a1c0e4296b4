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
from collections.abc import Sequence
from dataclasses import dataclass

from tuoyu_excel.render.cells import span
from tuoyu_excel.render.formats import row_height, setup_print
from tuoyu_excel.spec.model import Rubric

TITLE_SEP = "——"
ISSUER_LABEL = "发布单位"
DATE_LABEL = "评定日期"
SIGNATURE = "制表人：____________　　　审核人：____________　　　日期：______年____月____日"
TITLE_HEIGHT = 30
BYLINE_HEIGHT = 20
SIGNATURE_HEIGHT = 30


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


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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
        if issuer and date and last >= 1:
            middle = (last + 1) // 2
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
