"""The check report (校验报告.xlsx): 汇总 (one row per file), 问题清单 (one row per issue), 运行信息.

Row 1 of each table is its header, so officials can filter and sort in Excel. Every
piece of text that came from a submitted workbook is written with ``write_string``:
a name such as ``=HYPERLINK(...)`` stays literal text and never becomes a formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tuoyu_excel import __version__
from tuoyu_excel.core.pipeline import STATUS_ERROR, STATUS_OK, STATUS_UNREADABLE, STATUS_WARN, FileResult, RunResult
from tuoyu_excel.issues import ERROR, Issue
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.formats import FONT, row_height, setup_print
from tuoyu_excel.render.output import OutputPath, prepare_output
from tuoyu_excel.render.xlsx import writing_workbook
from tuoyu_excel.spec.model import Rubric

SUMMARY_SHEET = "汇总"
ISSUES_SHEET = "问题清单"
INFO_SHEET = "运行信息"
ISSUE_HEADERS = ("文件", "工作表", "单元格", "行号", "代码", "级别", "说明", "填写值", "应为")
ISSUE_WIDTHS = (24, 10, 8, 6, 22, 6, 60, 18, 16)
_ROW_COL = 3  # 行号: a number
_WRAPPED = (0, 6, 7, 8)  # 文件, 说明, 填写值, 应为
ERROR_FILL = "#FFC7CE"  # light red
WARNING_FILL = "#FFEB9C"  # light yellow
OK_FILL = "#C6EFCE"  # light green
STATUS_FILLS = {STATUS_OK: OK_FILL, STATUS_WARN: WARNING_FILL, STATUS_ERROR: ERROR_FILL,
                STATUS_UNREADABLE: ERROR_FILL}


@dataclass(frozen=True)
class SummaryColumn:
    header: str
    width: float
    kind: str = "text"  # text, int, score, percent, status


def summary_columns(rubric: Rubric) -> list[SummaryColumn]:
    name = rubric.field_by_key[layout.name_field_key(rubric)].label
    cols = [SummaryColumn("文件", 28), SummaryColumn(name, 30)]
    if rubric.star is not None:
        cols += [SummaryColumn("统一社会信用代码", 22), SummaryColumn("所在县区", 10)]
    cols += [SummaryColumn("状态", 9, "status"), SummaryColumn("错误数", 7, "int"),
             SummaryColumn("警告数", 7, "int"), SummaryColumn("综合得分", 9, "score")]
    if rubric.star is not None:
        cols += [SummaryColumn("核心指标得分率", 14, "percent"), SummaryColumn("未达评定条件", 50)]
    return cols


def _field_key(rubric: Rubric, field_type: str) -> str:
    return next((f.key for f in rubric.form if f.type == field_type), "")


def summary_row(f: FileResult, rubric: Rubric) -> list[object]:
    """The values of one 汇总 row, in the order of `summary_columns`."""
    sub = f.submission

    def text(key: str) -> str:
        return sub.text(key) if sub is not None and key else ""

    row: list[object] = [f.file, text(layout.name_field_key(rubric))]
    if rubric.star is not None:
        row += [text(_field_key(rubric, "credit_code")), text(_field_key(rubric, "district"))]
    row += [f.status, f.errors, f.warnings, f.card.total if f.card else None]
    if rubric.star is not None:
        row += [f.card.core_rate if f.card else None, "；".join(r.text for r in f.reasons)]
    return row


def _sheet_rank(sheet: str) -> tuple[int, str]:
    order = {"": 0, layout.FORM_SHEETS["star"]: 1, layout.FORM_SHEETS["city"]: 1, layout.SCORE_SHEET: 2}
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
        fmts = _formats(wb)
        _write_summary(wb, fmts, result)
        _write_issues(wb, fmts, result)
        _write_info(wb, fmts, result)
    return out


def _formats(wb) -> dict:
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "border": 1}

    def fmt(**extra):
        return wb.add_format({**base, **extra})

    fmts = {
        "header": fmt(bold=True, align="center", bg_color="#DDEBF7", text_wrap=True),
        "text": fmt(), "wrap": fmt(text_wrap=True), "int": fmt(align="center", num_format="0"),
        "score": fmt(align="center", num_format="0.0#"), "percent": fmt(align="center", num_format="0.00%"),
        "date": fmt(align="left", num_format="yyyy-mm-dd"), "time": fmt(align="left", num_format="yyyy-mm-dd hh:mm:ss"),
        "label": fmt(bold=True, bg_color="#DDEBF7"), "number_left": fmt(align="left"),
    }
    for status, color in STATUS_FILLS.items():
        fmts[f"status:{status}"] = fmt(align="center", bg_color=color)
    for severity, color in ((ERROR, ERROR_FILL), ("警告", WARNING_FILL)):
        fmts[f"{severity}:text"] = fmt(bg_color=color)
        fmts[f"{severity}:wrap"] = fmt(bg_color=color, text_wrap=True)
        fmts[f"{severity}:int"] = fmt(bg_color=color, align="center", num_format="0")
    return fmts


def _table_header(ws, fmts, headers, widths) -> None:
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(0, col, header, fmts["header"])
    ws.set_row(0, 22)
    ws.freeze_panes(1, 0)
    setup_print(ws, 0)


def _write_summary(wb, fmts, result: RunResult) -> None:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    cols = summary_columns(result.rubric)
    _table_header(ws, fmts, [c.header for c in cols], [c.width for c in cols])
    for r, f in enumerate(result.files, start=1):
        for c, (col, value) in enumerate(zip(cols, summary_row(f, result.rubric), strict=True)):
            _write_value(ws, r, c, col.kind, value, fmts)
    ws.autofilter(0, 0, max(len(result.files), 1), len(cols) - 1)
    ws.activate()


def _write_value(ws, r: int, c: int, kind: str, value: object, fmts) -> None:
    if value is None or value == "":
        ws.write_blank(r, c, None, fmts["text"])
    elif kind == "status":
        ws.write_string(r, c, str(value), fmts[f"status:{value}"])
    elif kind in ("int", "score", "percent"):
        ws.write_number(r, c, float(value), fmts[kind])
    else:
        ws.write_string(r, c, str(value), fmts["wrap" if len(str(value)) > 20 else "text"])


def _write_issues(wb, fmts, result: RunResult) -> None:
    ws = wb.add_worksheet(ISSUES_SHEET)
    _table_header(ws, fmts, ISSUE_HEADERS, ISSUE_WIDTHS)
    issues = sorted_issues(result.files)
    for r, issue in enumerate(issues, start=1):
        values = (issue.file, issue.sheet, issue.cell, issue.row, issue.code, issue.severity,
                  issue.message, issue.found, issue.expected)
        sev = ERROR if issue.severity == ERROR else "警告"
        for c, value in enumerate(values):
            if c == _ROW_COL:
                ws.write(r, c, value, fmts[f"{sev}:int"])  # an int or None (blank)
            else:
                ws.write_string(r, c, str(value), fmts[f"{sev}:wrap" if c in _WRAPPED else f"{sev}:text"])
        ws.set_row(r, row_height([(str(v), w) for v, w in zip(values, ISSUE_WIDTHS, strict=True) if v]))
    ws.autofilter(0, 0, max(len(issues), 1), len(ISSUE_HEADERS) - 1)


def info_rows(result: RunResult) -> list[tuple[str, object]]:
    """(label, value) pairs describing the run: rubric, stage, dates, counts."""
    rubric = result.rubric
    stage = rubric.stage(result.stage)
    return [
        ("规则名称", rubric.name), ("规则编号", rubric.id), ("规则版本", rubric.version),
        ("规则校验码", rubric.content_hash), ("评定阶段", f"{stage.label}（{stage.key}）"),
        ("评定日期", result.eval_date), ("运行时间", result.started), ("用时（秒）", round(result.seconds, 2)),
        ("文件数", len(result.files)), ("问题数", len(result.issues)),
        ("工具版本", f"tuoyu_excel {__version__}"),
    ]


def _write_info(wb, fmts, result: RunResult) -> None:
    ws = wb.add_worksheet(INFO_SHEET)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 68)
    ws.set_column(2, 2, 10)
    setup_print(ws, 0)
    ws.set_portrait()
    rows = info_rows(result)
    for r, (label, value) in enumerate(rows):
        ws.write_string(r, 0, label, fmts["label"])
        if label == "评定日期":
            ws.write_datetime(r, 1, value, fmts["date"])
        elif label == "运行时间":
            ws.write_datetime(r, 1, value, fmts["time"])
        elif isinstance(value, (int, float)):
            ws.write_number(r, 1, value, fmts["number_left"])
        else:
            ws.write_string(r, 1, str(value), fmts["text"])
    top = len(rows) + 1
    for c, header in enumerate(("文件", "SHA-256", "状态")):
        ws.write_string(top, c, header, fmts["header"])
    for r, f in enumerate(result.files, start=top + 1):
        ws.write_string(r, 0, f.file, fmts["wrap"])
        ws.write_string(r, 1, f.sha256, fmts["text"])
        ws.write_string(r, 2, f.status, fmts[f"status:{f.status}"])
