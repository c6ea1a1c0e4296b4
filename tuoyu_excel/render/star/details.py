"""The 得分明细 sheet of the star results: institution × part subtotals and item scores of the evaluated
stage, under a two-row header (row 1: the part over its items; row 2: “1-01 依法登记备案”).

Printed legibly rather than 78 columns squeezed onto one page: the columns are cut into page groups
(the part subtotals, then whole parts, as many as fit across an A4 landscape page), each group starting
a new page, with 机构名称 and both header rows repeated on every page.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuoyu_excel.core.scoring import ScoreCard
from tuoyu_excel.render.print_page import PAGE_PIXELS as PRINT_PAGE_PIXELS
from tuoyu_excel.render.print_page import column_pixels, setup_page, write_heading
from tuoyu_excel.render.star.data import StarReport
from tuoyu_excel.render.tables import SCORE, TEXT, Col, column_widths, write_table
from tuoyu_excel.spec.model import NOT_APPLICABLE, Item, Part

DETAILS_SHEET = "得分明细"
IDENTITY_COLS = (Col("机构名称", max_width=18), Col("统一社会信用代码"), Col("综合得分", SCORE))
PARTS_HEADER = "各部分得分"
ITEM_WIDTH = 9  # an item's column: a score, under a wrapped “1-01 依法登记备案”
PART_WIDTH = 9
# pages are cut by the widest reckoning of a column's printed width (print_page.PAGE_PIXELS), so that each
# fits in every program (Excel prints them a little smaller than it could)
PAGE_PIXELS = PRINT_PAGE_PIXELS[True]


@dataclass(frozen=True)
class Group:
    """Columns first..last (0-based) under one upper header cell."""

    label: str
    first: int
    last: int


def item_header(item: Item) -> str:
    """The lower header of an item's column: its code and short title (项目)."""
    return f"{item.code} {item.title}" if item.title else item.code


def detail_columns(rep: StarReport) -> tuple[list[Col], list[Group], list[Part]]:
    """The columns, the upper-header groups over them, and the parts whose subtotals are shown."""
    r = rep.rubric
    parts = [p for p in r.parts if not p.veto]
    cols = [*IDENTITY_COLS] + [Col(p.name, SCORE) for p in parts]
    groups = [Group(PARTS_HEADER, len(IDENTITY_COLS), len(cols) - 1)]
    for part in r.parts:
        items = r.part_items(part.code)
        if not items:
            continue
        first = len(cols)
        cols += [Col(item_header(i), TEXT if i.veto else SCORE) for i in items]
        groups.append(Group(part.name, first, len(cols) - 1))
    return cols, groups, parts


def detail_items(rep: StarReport) -> list[Item]:
    return [i for p in rep.rubric.parts for i in rep.rubric.part_items(p.code)]


def write_details(wb, fmts: dict, rep: StarReport, heading) -> None:
    """The sheet, under `heading` (a print_page.Heading)."""
    cols, groups, parts = detail_columns(rep)
    items = detail_items(rep)
    rows = []
    for f in rep.ranked_files:
        if f.card is None:
            continue
        row = [rep.text_of(f, "name"), rep.text_of(f, "credit_code"), f.card.total]
        row += [f.card.parts[p.code] for p in parts]
        row += [_item_value(f.card, i.code, i.veto) for i in items]
        rows.append(row)
    widths = column_widths(cols, rows)[:len(IDENTITY_COLS)] + [PART_WIDTH] * len(parts) + [ITEM_WIDTH] * len(items)
    ws = wb.add_worksheet(DETAILS_SHEET)
    upper = write_heading(ws, fmts, heading, widths[:len(IDENTITY_COLS) + len(parts)])
    _upper_header(ws, fmts, upper, groups)
    write_table(ws, fmts, cols, rows, upper + 1, widths)
    lower = upper + 1
    ws.freeze_panes(lower + 1, 1)
    ws.autofilter(lower, 0, lower + max(len(rows), 1), len(cols) - 1)
    breaks, scale = page_breaks(groups, widths)
    ws.set_v_pagebreaks(breaks)
    setup_page(ws, upper, header_rows=2, repeat_columns=(0, 0), scale=scale)


def _upper_header(ws, fmts: dict, row: int, groups: list[Group]) -> None:
    """Row `row`: each group's label over its columns, blank header cells over the identity columns
    (the row below is the header proper: one name a column, as in every other list)."""
    ws.set_row(row, 22)
    for c in range(len(IDENTITY_COLS)):
        ws.write_blank(row, c, None, fmts["header"])
    for g in groups:
        if g.first == g.last:
            ws.write_string(row, g.first, g.label, fmts["part_center"])
        else:
            ws.merge_range(row, g.first, row, g.last, g.label, fmts["part_center"])


def _pixels(widths: list[float], first: int, last: int) -> int:
    return column_pixels(widths[first:last + 1])


def page_breaks(groups: list[Group], widths: list[float]) -> tuple[list[int], int]:
    """(columns a new printed page starts at, print scale %): consecutive groups share a page while they
    fit beside the repeated 机构名称 column (the first page also holds 统一社会信用代码 and 综合得分);
    the scale makes the widest page fit, 100 % when all do."""
    repeated = _pixels(widths, 0, 0)
    pages: list[tuple[int, int]] = []  # (first, last) column of each page
    for n, g in enumerate(groups):
        first = 1 if n == 0 else g.first
        if pages and repeated + _pixels(widths, pages[-1][0], g.last) <= PAGE_PIXELS:
            pages[-1] = (pages[-1][0], g.last)
        else:
            pages.append((first, g.last))
    widest = max((repeated + _pixels(widths, a, b) for a, b in pages), default=PAGE_PIXELS)
    return [a for a, _ in pages[1:]], max(10, min(100, PAGE_PIXELS * 100 // widest))


def _item_value(card: ScoreCard, code: str, veto: bool) -> object:
    if veto:
        return card.veto.get(code) or ""
    value = card.items.get(code)
    return NOT_APPLICABLE if value is None else value
