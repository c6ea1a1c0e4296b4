"""Annotated copies that go back to the institutions: each offending cell filled red (错误) or orange
(警告), clearly unlike the template's pale-yellow input cells, with a comment saying why, plus a first
sheet 校验意见 (render/opinion_sheet.py: a title, what to do, where to send it back, then every issue of
the file by its Chinese name, item and cell). Everything is
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
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from tuoyu_excel.core.pipeline import FileResult, RunResult
from tuoyu_excel.core.results import per_copy
from tuoyu_excel.core.supervisor import Failure, isolated_map
from tuoyu_excel.errors import OutputError
from tuoyu_excel.issues import ERROR, Issue
from tuoyu_excel.render.check_report import sorted_issues
from tuoyu_excel.render.formats import display_width
from tuoyu_excel.render.opinion_sheet import ERROR_FILL, OPINION_SHEET, WARNING_FILL, add_opinion_sheet, clean
from tuoyu_excel.render.output import OVERWRITE, RENAME, atomic_path, current_policy, output_policy, prepare_output
from tuoyu_excel.spec.model import Rubric

__all__ = ["AUTHOR", "ERROR_FILL", "OPINION_SHEET", "WARNING_FILL", "annotate_copies", "annotate_file", "mark_cells"]

AUTHOR = "tuoyu_excel"
EDITABLE_SUFFIXES = (".xlsx", ".xlsm")
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
    todo = [c for f in result.files if f.issues for c in per_copy(f) if c.issues]  # a panel: each copy its own
    workers = max(1, min(ANNOTATE_WORKERS, os.cpu_count() or 1, len(todo)))
    done = isolated_map(_annotate_under, [(f, Path(out_dir), policy, result.rubric) for f in todo], workers=workers)
    return [_failed(f, got, Path(out_dir)) if isinstance(got, Failure) else got
            for f, got in zip(todo, done, strict=True)]


def _annotate_under(f: FileResult, out_dir: Path, policy: str, rubric: Rubric) -> Annotation:
    with output_policy(policy):  # the policy travels with the call (a worker does not share this context)
        return annotate_file(f, out_dir, rubric)


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


def annotate_file(f: FileResult, out_dir: Path, rubric: Rubric | None) -> Annotation:
    """Annotate one checked input; the original is only read, never written. `rubric`: the one it was
    checked by (names the items and fields of 校验意见; None: cells only)."""
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
            add_opinion_sheet(wb, sorted_issues([f]), f.file, rubric)
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
        cell.comment = readable_comment(clean(text))
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
