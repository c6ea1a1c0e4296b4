"""The one writer of decision sheets (待裁定, 公示核查, 复审处理): a printable heading with the guide lines,
the table with its yellow input columns (a dropdown decision, its written basis and, where the sheet
has one, a date), the rest locked without a password. Where the columns sit is ``layout/results.py`` (the reader asks it too).

    rows = [DecisionRowOut(values, choices=("三星级", "二星级", "未获评")), ...]
    write_decision_sheet(wb, fmts, RULINGS, heading, rows, basis_prompt="写明裁定依据……")

Written strictly row by row (the star results stream in constant-memory mode).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from tuoyu_excel.layout.results import DecisionSheet
from tuoyu_excel.render.cells import put
from tuoyu_excel.render.formats import row_height
from tuoyu_excel.render.print_page import Heading, fit_widths, setup_page, write_heading, write_signature
from tuoyu_excel.render.template.validation import EARLIEST_DATE, LATEST_DATE
from tuoyu_excel.text import DATE_EXAMPLE

BASIS_MAX = 500  # characters of a basis
TEXT_FLOOR = 12  # a text column is not narrowed below six Chinese characters


@dataclass(frozen=True)
class DecisionRowOut:
    """One row to write: a value per header of the sheet, and the dropdown's choices for it (the
    sheet's own choices when empty)."""

    values: Sequence[object]
    choices: tuple[str, ...] = ()


def write_decision_sheet(wb, fmts: dict, layout: DecisionSheet, heading: Heading, rows: list[DecisionRowOut],
                         *, basis_prompt: str, score_headers: tuple[str, ...] = (), int_headers: tuple[str, ...] = (),
                         rate_headers: tuple[str, ...] = (), date_headers: tuple[str, ...] = (), labels: Sequence[tuple[str, object]] = (),
                         label_col: int = 0, signature: bool = True, date_prompt: str = ""):
    """The sheet: heading, optional label/value pairs (e.g. the 公示期; one a row, the label in column
    `label_col`, its value right of it, where the reader looks), the table, the signature line."""
    ws = wb.add_worksheet(layout.name)
    fixed = {*score_headers, *int_headers, layout.key, layout.decision}  # numbers, the code, the dropdown: whole
    floors = [layout.widths[h] if h in fixed else min(layout.widths[h], TEXT_FLOOR) for h in layout.headers]
    widths = fit_widths([layout.widths[h] for h in layout.headers], floors)  # printed legibly, not shrunk
    width_of = dict(zip(layout.headers, widths, strict=True))
    row = write_heading(ws, fmts, heading, widths)
    for label, value in labels:
        put(ws, row, label_col, label, fmts["label"])
        put(ws, row, label_col + 1, value, fmts["cn_date_label"] if value is not None else fmts["plain"])
        row += 1
    if labels:
        row += 1
    header_row = row
    for c, header in enumerate(layout.headers):
        ws.write_string(header_row, c, header, fmts["header"])
    decision_col, basis_col = layout.headers.index(layout.decision), layout.headers.index(layout.basis)
    date_col = layout.headers.index(layout.date) if layout.date else -1
    for n, out in enumerate(rows, start=header_row + 1):
        for c, (header, value) in enumerate(zip(layout.headers, out.values, strict=True)):
            kind = ("input" if c == decision_col else "input_text" if c == basis_col else "input_date" if c == date_col
                    else "score" if header in score_headers else "int" if header in int_headers
                    else "rate" if header in rate_headers else "date" if header in date_headers else "text")
            put(ws, n, c, value, fmts[kind])  # text typed by officials stays text: never a formula
        ws.set_row(n, row_height([(str(v), width_of[h]) for h, v in zip(layout.headers, out.values, strict=True)
                                  if isinstance(v, str)]))
    first, end = header_row + 1, header_row + len(rows)
    for n, out in enumerate(rows, start=first):
        ws.data_validation(n, decision_col, n, decision_col, _choice_rule(layout, out.choices or layout.choices))
    if rows:
        ws.data_validation(first, basis_col, end, basis_col, {
            "validate": "length", "criteria": "<=", "value": BASIS_MAX, "input_title": layout.basis,
            "input_message": basis_prompt, "error_title": "输入有误",
            "error_message": f"{layout.basis}不超过 {BASIS_MAX} 个字。", "error_type": "stop"})
    if rows and layout.date:
        ws.data_validation(first, date_col, end, date_col, {
            "validate": "date", "criteria": "between", "minimum": EARLIEST_DATE, "maximum": LATEST_DATE,
            "input_title": layout.date, "input_message": date_prompt or f"{layout.date}，如 {DATE_EXAMPLE}。",
            "error_title": "输入有误", "error_message": f"请填写有效日期，格式如 {DATE_EXAMPLE}。", "error_type": "stop"})
    if signature:
        write_signature(ws, fmts, end + 1, len(layout.headers))
    ws.freeze_panes(header_row + 1, 0)
    setup_page(ws, header_row)  # pages after the first repeat the table's own header only
    ws.protect("", {"format_columns": True, "format_rows": True})  # no password: officials may unprotect
    return ws


def _choice_rule(layout: DecisionSheet, choices: tuple[str, ...]) -> dict:
    blank = f"留空表示{layout.blank}。" if layout.blank else "暂不决定的留空。"
    return {"validate": "list", "source": list(choices), "input_title": layout.decision,
            "input_message": f"从下拉列表选择：{'/'.join(choices)}。{blank}",
            "error_title": "输入有误", "error_message": f"{layout.decision}只能为：{'、'.join(choices)}。",
            "error_type": "stop"}


def fill_decisions(src: Path, dest: Path, layout: DecisionSheet, decisions: dict[str, tuple[str, str]]) -> Path:
    """A copy of the workbook `src` with decisions typed into its sheet `layout`, as an official types
    them: key (统一社会信用代码) -> (decision, basis[, date]). For the demo (``tuoyu demo`` shows the whole
    flow); openpyxl ignores the sheet protection as Excel's 撤销保护 would. Text stays text."""
    wb = openpyxl.load_workbook(src)
    try:
        ws = wb[layout.name]
        rows = list(ws.iter_rows())
        header = next(r for r in rows if [c.value for c in r[:len(layout.headers)]] == list(layout.headers))
        col = {c.value: c.column - 1 for c in header if c.value in layout.headers}
        for row in rows[header[0].row:]:
            key = row[col[layout.key]].value if len(row) > col[layout.key] else None
            if key in decisions:
                for header_text, value in zip(layout.inputs, decisions[key], strict=True):
                    cell = row[col[header_text]]
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"
        wb.save(dest)
    finally:
        wb.close()
    return dest
