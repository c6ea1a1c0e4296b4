"""The 运行信息 sheet of every results workbook (check report, star and city results, county 初评报告):
what produced it — tool version, rubric (name, id, version, 校验码), stage, 评定日期, when it ran —
then the workbook's own settings and counts, then every input file with its SHA-256 (to show later
that a file was not changed), and any further tables a workbook adds below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from tuoyu_excel import __version__
from tuoyu_excel.issues import ERROR, Issue
from tuoyu_excel.render.formats import setup_print
from tuoyu_excel.render.tables import Col, write_table
from tuoyu_excel.spec.kinds import kind_of
from tuoyu_excel.spec.model import Rubric

RUN_SHEET = "运行信息"
PAIR_COLS = (Col("项目", max_width=40), Col("内容", max_width=70))
WIDTHS = (40, 70, 12, 30)
NOT_USED = "—"


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
        ["评定日期", info.eval_date.isoformat()],
        ["运行开始时间", info.started.strftime("%Y-%m-%d %H:%M:%S") if info.started else NOT_USED],
        ["运行用时（秒）", f"{info.seconds:.2f}" if info.seconds is not None else NOT_USED],
        ["输入文件数", len(info.files)],
        ["问题数", f"{len(info.issues)}（错误 {errors} 条，警告 {len(info.issues) - errors} 条）"],
    ]
    return rows + [[label, value] for label, value in info.settings]


def file_rows(info: RunInfo) -> tuple[list[Col], list[list[object]]]:
    cols = [Col("输入文件", max_width=40), Col("SHA-256", max_width=70), Col("状态"),
            Col(kind_of(info.rubric).name_header, max_width=30)] + [Col(h, max_width=30) for h in info.file_extra]
    return cols, [[f.file, f.sha256 or NOT_USED, f.status, f.name, *f.extra] for f in info.files]


def write_run_info(wb, fmts: dict, info: RunInfo):
    """The 运行信息 sheet; returns (sheet, next free row) so a workbook may add tables below."""
    ws = wb.add_worksheet(RUN_SHEET)
    row = write_table(ws, fmts, PAIR_COLS, common_rows(info))
    cols, files = file_rows(info)
    row = write_table(ws, fmts, cols, files, row + 1)
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    ws.freeze_panes(1, 0)
    setup_print(ws, 0)
    return ws, row
