"""The check report (校验报告.xlsx): 汇总 (one row per file, under a printable heading: title, issuing
unit, date), 问题清单 (one row per issue, the shared 校验问题 columns), 运行信息 (the shared run
information).

Each table has one header row with an autofilter, so officials can filter and sort in Excel. Every
piece of text that came from a submitted workbook is written with ``write_string``:
a name such as ``=HYPERLINK(...)`` stays literal text and never becomes a formula.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from tuoyu_excel.core.pipeline import STATUS_ERROR, STATUS_OK, STATUS_UNREADABLE, STATUS_WARN, FileResult, RunResult
from tuoyu_excel.issues import Issue
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.cells import put
from tuoyu_excel.render.formats import ERROR_FILL, OK_FILL, WARNING_FILL, cell, make_formats, row_height
from tuoyu_excel.render.issues_sheet import write_issues_sheet
from tuoyu_excel.render.output import OutputPath, prepare_output
from tuoyu_excel.render.print_page import fit_widths, heading_for, setup_page, write_heading
from tuoyu_excel.render.run_info import RUN_SHEET, InputFile, RunInfo, write_run_info
from tuoyu_excel.render.tables import INT, TEXT, Col, column_floors
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.spec.kinds import kind_of
from tuoyu_excel.spec.model import Rubric

SUMMARY_SHEET = "汇总"
REPORT_TITLE = "校验报告"
ISSUES_SHEET = "问题清单"
ISSUES_TITLE = "校验问题清单"
INFO_SHEET = RUN_SHEET
STATUS_FILLS = {STATUS_OK: OK_FILL, STATUS_WARN: WARNING_FILL, STATUS_ERROR: ERROR_FILL,
                STATUS_UNREADABLE: ERROR_FILL}
# this workbook's own formats: each file status on its colour, 综合得分 as 0.0#
FORMATS = {f"status:{status}": cell(align="center", bg_color=color) for status, color in STATUS_FILLS.items()}
FORMATS["score_1dp"] = cell(align="center", num_format="0.0#")
SUMMARY_FORMATS = {"int": "int", "score": "score_1dp", "percent": "rate_2dp"}  # SummaryColumn.kind -> format


@dataclass(frozen=True)
class SummaryColumn:
    header: str
    width: float
    kind: str = "text"  # text, int, score, percent, status


IDENTITY_WIDTHS = {"credit_code": 22, "district": 10}  # field type -> column width in 汇总
ELIGIBILITY_COLUMNS = (SummaryColumn("核心指标得分率", 14, "percent"), SummaryColumn("未达评定条件", 50))


def summary_columns(rubric: Rubric) -> list[SummaryColumn]:
    kind = kind_of(rubric)
    name = rubric.field_by_key[rubric.name_field].label
    cols = [SummaryColumn("文件", 28), SummaryColumn(name, 30)]
    cols += [SummaryColumn(header, IDENTITY_WIDTHS.get(t, 16)) for header, t in kind.identity_columns]
    cols += [SummaryColumn("状态", 9, "status"), SummaryColumn("错误数", 7, "int"),
             SummaryColumn("警告数", 7, "int"), SummaryColumn("综合得分", 9, "score")]
    return cols + list(ELIGIBILITY_COLUMNS if kind.checks_eligibility else ())


def _field_key(rubric: Rubric, field_type: str) -> str:
    return next((f.key for f in rubric.form if f.type == field_type), "")


def summary_row(f: FileResult, rubric: Rubric) -> list[object]:
    """The values of one 汇总 row, in the order of `summary_columns`."""
    sub = f.submission

    def text(key: str) -> str:
        return sub.text(key) if sub is not None and key else ""

    kind = kind_of(rubric)
    row: list[object] = [f.file, text(rubric.name_field)]
    row += [text(_field_key(rubric, t)) for _, t in kind.identity_columns]
    row += [f.status, f.errors, f.warnings, f.card.total if f.card else None]
    if kind.checks_eligibility:
        row += [f.card.core_rate if f.card else None, "；".join(r.text for r in f.reasons)]
    return row


def _sheet_rank(sheet: str) -> tuple[int, str]:
    order = {"": 0, **{form: 1 for form in layout.FORM_SHEETS.values()}, layout.SCORE_SHEET: 2}
    return order.get(sheet, 3), sheet


def _column_number(cell: str) -> int:
    letters = "".join(ch for ch in cell if ch.isalpha()).upper()
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def sorted_issues(files: list[FileResult]) -> list[Issue]:
    """Every issue, by file (in run order), then sheet (workbook order), then row and column."""
    keyed = [((n, *_sheet_rank(i.sheet), i.row or 0, _column_number(i.cell)), i)
             for n, f in enumerate(files) for i in f.issues]
    return [i for _, i in sorted(keyed, key=lambda pair: pair[0])]


def write_check_report(result: RunResult, wanted: Path) -> OutputPath:
    """Write the check report at `wanted`, or beside it under a free name; never overwrites."""
    out = prepare_output(Path(wanted))
    with writing_workbook(out.path, "校验报告") as wb:
        fmts = make_formats(wb, FORMATS)
        _write_summary(wb, fmts, result)
        write_issues_sheet(wb, fmts, ISSUES_SHEET, sorted_issues(result.files),
                           heading_for(result.rubric, ISSUES_TITLE, result.eval_date))
        write_run_info(wb, fmts, dataclasses.replace(run_info(result), summary=(_status_line(result),)))
    return out


def run_info(result: RunResult, settings: list[tuple[str, object]] | None = None,
             issues: list[Issue] | None = None) -> RunInfo:
    """The 运行信息 of a checked run (the star results add their own `settings`, and the history's issues)."""
    key = result.rubric.name_field
    files = [InputFile(f.file, f.sha256, f.status, f.submission.text(key) if f.submission else "")
             for f in result.inputs]  # a panel: every copy, with its own hash
    return RunInfo(result.rubric, result.stage, result.eval_date, files, result.issues if issues is None else issues, result.started,
                   result.seconds, list(settings or []))


def _status_line(result: RunResult) -> str:
    counts = {status: sum(1 for f in result.inputs if f.status == status) for status in STATUS_FILLS}
    said = "，".join(f"{status} {n} 份" for status, n in counts.items() if n) or "没有读取到文件"
    return f"各文件的校验结论：{said}。每份文件一行见“{SUMMARY_SHEET}”，每个问题一行见“{ISSUES_SHEET}”。"


def _write_summary(wb, fmts, result: RunResult) -> None:
    """One row per file under the printable heading (title, issuing unit, date); text columns wrap, each
    row as tall as its longest text (a long file name never runs over the next row)."""
    ws = wb.add_worksheet(SUMMARY_SHEET)
    cols = summary_columns(result.rubric)
    rows = [summary_row(f, result.rubric) for f in result.inputs]  # a panel: a row per copy
    measured = [Col(col.header, TEXT if col.kind == "text" else INT) for col in cols]
    widths = fit_widths([col.width for col in cols], column_floors(measured, rows, [col.width for col in cols]))
    heading = heading_for(result.rubric, REPORT_TITLE, result.eval_date)
    header = write_heading(ws, fmts, heading, widths)
    for c, col in enumerate(cols):
        ws.write_string(header, c, col.header, fmts["header"])
    ws.set_row(header, row_height([(col.header, w) for col, w in zip(cols, widths, strict=True)], minimum=22))
    ws.freeze_panes(header + 1, 0)
    setup_page(ws, header)
    for r, row in enumerate(rows, start=header + 1):
        texts = [(str(v), w) for v, col, w in zip(row, cols, widths, strict=True) if col.kind == "text" and v]
        ws.set_row(r, row_height(texts))
        for c, (col, value) in enumerate(zip(cols, row, strict=True)):
            _write_value(ws, r, c, col.kind, value, fmts)
    ws.autofilter(header, 0, header + max(len(rows), 1), len(cols) - 1)
    ws.activate()


def _write_value(ws, r: int, c: int, kind: str, value: object, fmts) -> None:
    if value is None or value == "":
        put(ws, r, c, None, fmts["plain"])
    elif kind == "status":
        put(ws, r, c, str(value), fmts[f"status:{value}"])
    elif kind in ("int", "score", "percent"):
        put(ws, r, c, float(value), fmts[SUMMARY_FORMATS[kind]])
    else:
        put(ws, r, c, str(value), fmts["text"])
