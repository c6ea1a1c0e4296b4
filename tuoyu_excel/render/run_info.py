"""The 运行信息 sheet of every results workbook (check report, star and city results, county 初评报告):
first a few sentences a person reads (what produced the workbook, from what, what came out), then the
record kept for checking later, all in Chinese labels: what produced it — tool version, rubric (name,
id, version, 校验码), stage, 评定日期, when it ran — then the workbook's own settings and counts, then
every input file with its 校验值 (SHA-256, to show later that a file was not changed), and any further
tables a workbook adds below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from tuoyu_excel import __version__
from tuoyu_excel.issues import ERROR, Issue
from tuoyu_excel.render.cells import span
from tuoyu_excel.render.formats import row_height
from tuoyu_excel.render.print_page import setup_page
from tuoyu_excel.render.tables import Col, write_table
from tuoyu_excel.spec.kinds import kind_of
from tuoyu_excel.spec.model import Rubric
from tuoyu_excel.text import chinese_date

RUN_SHEET = "运行信息"
PAIR_COLS = (Col("项目", max_width=40), Col("内容", max_width=70))
WIDTHS = (30, 46, 9, 16)  # one A4 landscape page wide at 10 pt; a SHA-256 wraps onto two lines
EXTRA_WIDTH = 14
NOT_USED = "—"
SHA_HEADER = "校验值（SHA-256）"
RECORD_NOTE = ("以下为核对用的运行记录：规则和每个输入文件的校验值（SHA-256）由文件内容算出，文件改动一个字就会不同，"
               "可用来证明结果依据的正是这些文件。")


@dataclass(frozen=True)
class InputFile:
    """One input of the run as the 运行信息 lists it."""

    file: str
    sha256: str
    status: str
    name: str = ""  # the subject the file is about (机构名称 / 城市名称), when read
    extra: tuple[str, ...] = ()  # values of RunInfo.file_extra


@dataclass
class RunInfo:
    rubric: Rubric
    stage: str  # stage key
    eval_date: dt.date
    files: Sequence[InputFile]
    issues: Sequence[Issue] = ()
    started: dt.datetime | None = None  # None: not a timed run (e.g. a report built from one)
    seconds: float | None = None
    settings: list[tuple[str, object]] = field(default_factory=list)  # the workbook's own rows
    file_extra: tuple[str, ...] = ()  # headers of further columns of the file list (e.g. 填报单位)
    summary: tuple[str, ...] = ()  # the workbook's own sentences of the human summary (what came out)


def summary_lines(info: RunInfo) -> list[str]:
    """The sentences above the record: what produced the workbook and from what, then the workbook's own.
    Nothing that changes from run to run of the same inputs (the time) is said here: it is in the record."""
    r = info.rubric
    stage = r.stage(info.stage)
    errors = sum(1 for i in info.issues if i.severity == ERROR)
    lines = [f"本工作簿由 tuoyu_excel {__version__} 生成：依据“{r.name}”（版本 {r.version}），"
             f"按{stage.label}的“{stage.header}”列计算，评定日期 {chinese_date(info.eval_date)}。",
             f"共读取 {len(info.files)} 个文件，发现问题 {len(info.issues)} 条"
             f"（错误 {errors} 条，警告 {len(info.issues) - errors} 条）。"]
    return lines + list(info.summary)


def common_rows(info: RunInfo) -> list[list[object]]:
    """The rows every 运行信息 starts with, in this order."""
    r = info.rubric
    stage = r.stage(info.stage)
    errors = sum(1 for i in info.issues if i.severity == ERROR)
    rows: list[list[object]] = [
        ["工具版本", f"tuoyu_excel {__version__}"],
        ["规则名称", r.name],
        ["规则编号", r.id],
        ["规则版本", r.version],
        ["规则校验码", r.content_hash],
        ["评定阶段", f"{stage.label}（按“{stage.header}”列）"],
        ["评定日期", chinese_date(info.eval_date)],
        ["运行开始时间", f"{chinese_date(info.started.date())} {info.started:%H:%M:%S}" if info.started else NOT_USED],
        ["运行用时（秒）", f"{info.seconds:.2f}" if info.seconds is not None else NOT_USED],
        ["输入文件数", len(info.files)],
        ["问题数", f"{len(info.issues)}（错误 {errors} 条，警告 {len(info.issues) - errors} 条）"],
    ]
    return rows + [[label, value] for label, value in info.settings]


def file_rows(info: RunInfo) -> tuple[list[Col], list[list[object]]]:
    cols = [Col("输入文件", max_width=40), Col(SHA_HEADER, max_width=70), Col("状态"),
            Col(kind_of(info.rubric).name_header, max_width=30)] + [Col(h, max_width=30) for h in info.file_extra]
    return cols, [[f.file, f.sha256 or NOT_USED, f.status, f.name, *f.extra] for f in info.files]


def run_widths(columns: int) -> list[float]:
    """The widths of the first `columns` columns of 运行信息 (its tables share the columns)."""
    return [*WIDTHS, *[EXTRA_WIDTH] * max(columns - len(WIDTHS), 0)][:max(columns, len(WIDTHS))]


def write_run_info(wb, fmts: dict, info: RunInfo):
    """The 运行信息 sheet; returns (sheet, next free row) so a workbook may add tables below."""
    ws = wb.add_worksheet(RUN_SHEET)
    last = len(WIDTHS) - 1
    ws.set_row(0, 24)
    span(ws, 0, 0, last, RUN_SHEET, fmts["guide_head"])
    row = 1
    for line in [*summary_lines(info), RECORD_NOTE]:
        ws.set_row(row, row_height([(line, sum(WIDTHS))], minimum=20))
        span(ws, row, 0, last, line, fmts["info"])
        row += 1
    header = row + 1
    row = write_table(ws, fmts, PAIR_COLS, common_rows(info), header, WIDTHS[:2])
    cols, files = file_rows(info)
    row = write_table(ws, fmts, cols, files, row + 1, run_widths(len(cols)))
    for c, width in enumerate(run_widths(len(cols))):
        ws.set_column(c, c, width)
    ws.freeze_panes(header + 1, 0)
    setup_page(ws, header)
    return ws, row
