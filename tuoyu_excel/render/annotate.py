"""Annotated copies that go back to the institutions: each offending cell filled red (错误) or orange
(警告), clearly unlike the template's pale-yellow input cells, with a comment saying why, plus a first
sheet 校验意见 (a title, what to do, then every issue of the file by its Chinese name). Everything is
worded for whoever filled the file in (``Issue.for_submitter``): no advice meant for the official.

The original is never written: its bytes are read once, hashed (they must match the
SHA-256 recorded by the run, so we annotate exactly what was checked), loaded from
memory with openpyxl and saved under ``out_dir`` via ``output.prepare_output``.
openpyxl keeps sheet protection, data validations and hidden sheets; it cannot write
.xls/.ods, so those get a reason instead of a copy.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import warnings
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tuoyu_excel.core.pipeline import FileResult, RunResult
from tuoyu_excel.core.supervisor import Failure, isolated_map
from tuoyu_excel.errors import OutputError
from tuoyu_excel.issues import ERROR, Issue
from tuoyu_excel.render.check_report import sorted_issues
from tuoyu_excel.render.formats import MARK_ERROR_FILL, MARK_WARNING_FILL, display_width, row_height
from tuoyu_excel.render.output import OVERWRITE, RENAME, atomic_path, current_policy, output_policy, prepare_output

OPINION_SHEET = "校验意见"
AUTHOR = "tuoyu_excel"
EDITABLE_SUFFIXES = (".xlsx", ".xlsm")
ERROR_FILL = "FF" + MARK_ERROR_FILL[1:]  # strong red and orange: clearly unlike the template's pale-yellow
WARNING_FILL = "FF" + MARK_WARNING_FILL[1:]  # input cells (formats.INPUT_FILL)
# the institution's list: no file column (it is this file) and no issue code (the 问题类型 names it)
OPINION_HEADERS = ("序号", "工作表", "单元格", "严重程度", "问题类型", "说明（请按此修改）", "发现值", "应为")
OPINION_WIDTHS = (6, 10, 8, 9, 18, 64, 18, 16)
SEVERITY_COL = OPINION_HEADERS.index("严重程度")
HEADER_ROW = 4  # under the title, the file's name and what to do
_WRAPPED = (5, 6, 7)  # 说明, 发现值, 应为: measured for the row height
OPINION_TITLE = "校验意见"
OPINION_GUIDE = ("以下是对本表格的校验意见，共 {n} 条（错误 {e} 条，警告 {w} 条）。请按“说明”逐条修改：红色单元格为错误，"
                 "必须改正；橙色单元格为警告，请核对。单元格上的批注写明了原因。改好后请保存本表格并重新提交。")
# a file preflight could not open is not handed to openpyxl (it may be a zip bomb, encrypted, …)
_UNOPENABLE = frozenset({"FILE_NOT_SPREADSHEET", "FILE_ENCRYPTED", "FILE_CORRUPT", "FILE_TOO_LARGE", "SHEET_TOO_LARGE",
                         "FILE_UNSAFE_XML",
                         "FILE_UNREADABLE"})

NO_FORMAT = "该格式无法标注，请查看校验报告"
NO_OPEN = "文件无法读取，未标注，请查看校验报告"
CHANGED = "文件在校验后已被修改，未标注。请重新校验后再生成标注副本"
# openpyxl loads a whole workbook, styles included: a copy is only made of what it can load quickly
# (a filled template's styles.xml is a few KB; 2 million cell formats take minutes and gigabytes)
MAX_STYLES_BYTES = 8 * 1024 * 1024
MAX_UNPACKED_BYTES = 160 * 1024 * 1024
TOO_HEAVY = "文件的{what}过大（{size} MB，标注上限 {limit} MB），未标注，请查看校验报告。如需标注副本，请把内容复制到新模板后重新校验"
ANNOTATE_WORKERS = 2  # openpyxl is memory-hungry: at most two copies are made at once

Annotation = tuple[str, Path | None, str]  # (file, annotated copy or None, what happened)


def annotate_copies(result: RunResult, out_dir: Path) -> list[Annotation]:
    """An annotated copy in `out_dir` of every input with issues; one (file, path, note) per such input.

    Each copy is made in a supervised worker (core/supervisor.py): openpyxl parses the whole foreign
    file, and a crash, an abort or runaway memory there ends only that copy."""
    # copies sit beside earlier copies: a new name rather than a refusal, unless overwriting was asked for
    policy = OVERWRITE if current_policy() == OVERWRITE else RENAME
    todo = [f for f in result.files if f.issues]
    workers = max(1, min(ANNOTATE_WORKERS, os.cpu_count() or 1, len(todo)))
    done = isolated_map(_annotate_under, [(f, Path(out_dir), policy) for f in todo], workers=workers)
    return [_failed(f, got, Path(out_dir)) if isinstance(got, Failure) else got
            for f, got in zip(todo, done, strict=True)]


def _annotate_under(f: FileResult, out_dir: Path, policy: str) -> Annotation:
    with output_policy(policy):  # the policy travels with the call (a worker does not share this context)
        return annotate_file(f, out_dir)


def _failed(f: FileResult, failure: Failure, out_dir: Path) -> Annotation:
    """A copy whose worker died: nothing of it may stay behind, not even its temporary file."""
    if failure.pid is not None:
        for leftover in out_dir.glob(f".{failure.pid}.*.tmp*"):
            leftover.unlink(missing_ok=True)
    return f.file, None, f"标注时程序异常（{failure.detail}），未标注，请查看校验报告"


def too_heavy(data: bytes) -> str:
    """Why openpyxl must not load this workbook ("" when it may): the sizes its parts claim."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""  # not a zip: openpyxl refuses it itself, quickly
    styles = sum(p.file_size for p in parts if p.filename.lower().endswith("styles.xml"))
    if styles > MAX_STYLES_BYTES:
        return TOO_HEAVY.format(what="样式表（styles.xml）", size=_mb(styles), limit=_mb(MAX_STYLES_BYTES))
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        return TOO_HEAVY.format(what="内容", size=_mb(unpacked), limit=_mb(MAX_UNPACKED_BYTES))
    return ""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def annotate_file(f: FileResult, out_dir: Path) -> Annotation:
    """Annotate one checked input; the original is only read, never written."""
    if not f.sha256 or any(i.code in _UNOPENABLE for i in f.issues):
        return f.file, None, NO_OPEN
    if f.path.suffix.lower() not in EDITABLE_SUFFIXES:
        return f.file, None, NO_FORMAT
    try:
        data = f.path.read_bytes()
    except OSError as exc:
        return f.file, None, f"无法读取原文件（{exc.strerror or exc}），未标注"
    if hashlib.sha256(data).hexdigest() != f.sha256:
        return f.file, None, CHANGED
    heavy = too_heavy(data)
    if heavy:
        return f.file, None, heavy
    with warnings.catch_warnings(record=True) as dropped:  # openpyxl warns when it drops an extension
        warnings.simplefilter("always")
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=f.path.suffix.lower() == ".xlsm", keep_links=True)
            marked = mark_cells(wb, f.issues)
            add_opinion_sheet(wb, sorted_issues([f]), f.file)
        except Exception as exc:  # noqa: BLE001 — any library failure on a foreign file is a reason, not a crash
            return f.file, None, f"无法打开此文件进行标注（{type(exc).__name__}），请查看校验报告"
    out = prepare_output(out_dir / f.file)
    problem = _save(wb, out.path)
    if problem:
        return f.file, None, problem
    notes = [f"已标注 {marked} 个单元格", out.notice]
    if dropped:
        notes.append("副本中有部分 Excel 扩展功能（如部分数据有效性、条件格式）未能保留，以原文件为准")
    return f.file, out.path, "；".join(n for n in notes if n)


def _save(wb, path: Path) -> str:
    """Save to the (new, free) `path`; "" when done, else why not. A half-written copy is removed."""
    try:
        with atomic_path(path) as temporary:  # complete, or not there at all
            wb.save(temporary)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise OutputError(f"无法写入标注副本 {path}：{exc}。请确认文件夹可写。") from exc
    except Exception as exc:  # noqa: BLE001 — openpyxl could not write back what it read
        path.unlink(missing_ok=True)
        return f"无法保存标注副本（{type(exc).__name__}），请查看校验报告"
    return ""


def _clean(text: str) -> str:
    """Text openpyxl will accept (it refuses control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def mark_cells(wb, issues: list[Issue]) -> int:
    """Fill and comment every located issue; several issues on one cell share one comment. Returns cells marked."""
    by_cell: dict[tuple[str, str], list[Issue]] = {}
    for issue in issues:
        if issue.cell and issue.sheet in wb.sheetnames:
            by_cell.setdefault((issue.sheet, issue.cell), []).append(issue)
    marked = 0
    for (sheet, a1), found in by_cell.items():
        cell = _target_cell(wb[sheet], a1)
        if cell is None:
            continue
        marked += 1
        worst = ERROR if any(i.severity == ERROR for i in found) else found[0].severity
        cell.fill = PatternFill("solid", fgColor=ERROR_FILL if worst == ERROR else WARNING_FILL)
        text = "\n".join(f"【{i.severity}】{i.for_submitter}" for i in found)
        if cell.comment is not None and cell.comment.text:
            text = f"{cell.comment.text}\n{text}"
        cell.comment = readable_comment(_clean(text))
    return marked


def _target_cell(ws, a1: str):
    """The cell at `a1`, or the top-left cell of the merged range holding it; None if there is none."""
    if not isinstance(ws, Worksheet):
        return None  # a chart sheet
    try:
        cell = ws[a1]
    except (ValueError, KeyError, IndexError):
        return None
    if isinstance(cell, MergedCell):
        rng = next((r for r in ws.merged_cells.ranges if a1 in r), None)
        return ws.cell(rng.min_row, rng.min_col) if rng else None
    return cell


def readable_comment(text: str, width_px: int = 320) -> Comment:
    """A comment box wide and tall enough to read `text` without resizing (about 7 px per half-width char)."""
    chars_per_line = max(width_px // 7 - 2, 10)
    lines = sum(max(1, math.ceil(display_width(part) / chars_per_line)) for part in text.split("\n"))
    return Comment(text, AUTHOR, height=min(40 + lines * 18, 600), width=width_px)


def opinion_row(n: int, issue: Issue) -> list[object]:
    """One row of 校验意见, in the order of OPINION_HEADERS, worded for the institution."""
    return [n, issue.sheet, issue.cell, issue.severity, issue.title, issue.for_submitter, issue.found, issue.expected]


def add_opinion_sheet(wb, issues: list[Issue], file: str = "") -> None:
    """A first sheet telling the institution what to fix: a title, the file's name, what to do, then one
    row per issue of the file (file-level ones too); opened on load."""
    if OPINION_SHEET in wb.sheetnames:  # a copy annotated before: replace its list
        del wb[OPINION_SHEET]
    ws = wb.create_sheet(OPINION_SHEET, 0)
    last = get_column_letter(len(OPINION_HEADERS))
    for col, width in enumerate(OPINION_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    errors = sum(1 for i in issues if i.severity == ERROR)
    guide = OPINION_GUIDE.format(n=len(issues), e=errors, w=len(issues) - errors)
    lines = ((OPINION_TITLE, Font(bold=True, size=16), Alignment(horizontal="center", vertical="center"), 30),
             (f"表格：{file}" if file else "", Font(size=11), Alignment(vertical="center"), 20),
             (guide, Font(size=11), Alignment(wrap_text=True, vertical="center"),
              row_height([(guide, sum(OPINION_WIDTHS))], minimum=20)))
    for r, (text, font, alignment, height) in enumerate(lines, start=1):
        ws.merge_cells(f"A{r}:{last}{r}")
        _write_literal(ws.cell(r, 1), _clean(text))
        ws.cell(r, 1).font, ws.cell(r, 1).alignment = font, alignment
        ws.row_dimensions[r].height = height
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="center")
    for col, header in enumerate(OPINION_HEADERS, start=1):
        ws.cell(HEADER_ROW, col, header).font = bold
    for r, issue in enumerate(issues, start=HEADER_ROW + 1):
        values = opinion_row(r - HEADER_ROW, issue)
        fill = PatternFill("solid", fgColor=ERROR_FILL if issue.severity == ERROR else WARNING_FILL)
        for col, value in enumerate(values, start=1):
            _write_literal(ws.cell(r, col), value)
            ws.cell(r, col).alignment = wrap
        ws.cell(r, SEVERITY_COL + 1).fill = fill
        ws.row_dimensions[r].height = row_height([(str(values[c]), OPINION_WIDTHS[c]) for c in _WRAPPED])
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(issues), 1)}"
    _print_setup(ws)
    _select_only(wb, ws)


def _print_setup(ws) -> None:
    """A4 landscape, one page wide, the header row (not the title) on every page, page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _write_literal(cell, value: object) -> None:
    """openpyxl turns a string starting with "=" into a formula; user text must stay text."""
    if value == "":
        return
    if isinstance(value, str):
        cell.value = _clean(value)
        cell.data_type = "s"
    else:
        cell.value = value


def _select_only(wb, ws) -> None:
    """Open on `ws`; more than one selected tab would put Excel in group-editing mode."""
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws
    wb.active = ws
