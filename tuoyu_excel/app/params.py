"""What a job takes and what it gives back: one parameters object in, one outcome out.

The command line and the window build a ``JobParams`` and show the ``Outcome``; every default
(rubric, stage, date, output name) is decided here and in ``jobs.py``, once, so the two cannot
disagree. A job that cannot run raises ``JobError`` (Chinese text, exit status 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from tuoyu_excel.errors import TuoyuError

# The jobs, in the order an official meets them.
JOB_TEMPLATE = "template"
JOB_CHECK = "check"
JOB_REPORT = "report"
JOB_STAR = "star"
JOB_CITY = "city"
JOB_RUBRIC = "rubric"  # the rule-file jobs (list, export, check, import)
JOB_REVIEW = "review"  # 复审: the 3-year review, and with decisions the updated history

# Exit status of a job (and of the `tuoyu` command).
DONE_CLEAN = 0
DONE_WITH_ISSUES = 1  # done; issues were found, or institutions wait for a ruling (待裁定)
CANNOT_RUN = 2
INTERNAL_ERROR = 3  # a bug: the traceback goes to the log file (crash.LOG_NAME) beside the output


class JobError(TuoyuError, ValueError):
    """A job cannot run as asked (a missing folder, a rubric of the wrong kind, …); the text says how to fix it."""


class DecisionsRefused(JobError):
    """The decisions workbook (待裁定, 公示核查, 复审处理) does not fit this run: every problem, each naming its
    cell; nothing is written."""

    def __init__(self, file: str, texts: list[str]):
        self.problems = [f"决定工作簿 {file} 有 {len(texts)} 处问题，未生成任何文件：", *texts]
        super().__init__("\n".join(self.problems))


@dataclass
class JobParams:
    """Everything a job may take. Empty values mean "the default", decided by the job."""

    job: str
    shell: str = "cli"  # who asked: "cli" or "window"; words the how-to hints of the summary (app/wording.py)
    source: Path | None = None  # folder (or single workbook) of filled workbooks
    rubric: str = ""  # shipped rubric name or a rubric file's path; "" = the shipped rubric of the job's kind
    stage: str = ""  # stage key; "" = the job's default stage for the rubric
    eval_date: dt.date | None = None  # None = today
    output: Path | None = None  # a file, or a folder for the default file name; None = the current folder
    output_is_folder: bool = False  # `output` names a folder even before it exists (the window's 输出文件夹)
    overwrite: bool = False  # replace an existing output file (asked for explicitly)
    on_exists: str = "refuse"  # otherwise: "refuse" (exit 2, nothing written) or "rename" (name(2).xlsx)
    template: str = ""  # template job: "star", "city", "history" or "averages"; "" = both submission templates
    county: str = ""  # report job: the 县区
    history: Path | None = None  # star and review jobs: the rating-history workbook
    rulings: Path | None = None  # star job: the decisions workbook (its 待裁定 and 公示核查 sheets, filled in)
    notice_date: dt.date | None = None  # star job: first day of the 公示 (None: the notice leaves the dates blank)
    notice_end: dt.date | None = None  # star job: last day of the 公示 set by hand (None: counted in working days)
    name_date: dt.date | None = None  # star job: the day of 命名; given, the run names and writes the history
    decisions: Path | None = None  # review job: the 复审结果 workbook with its 处理决定 filled in; given, the
    #                                job checks them and writes the updated history (dated eval_date)
    averages: Path | None = None  # city job: the official 全区平均水平 workbook
    annotate: Path | None = None  # check job: folder for annotated copies
    action: str = ""  # rubric job: list, export, check or import
    panel: bool = False  # check, report, star: several copies of one institution, one per 评分人, are averaged

    def date(self) -> dt.date:
        return self.eval_date or dt.date.today()


@dataclass
class Outcome:
    """What a job did: summary lines (Chinese), the files it wrote (first = the main one), its status."""

    title: str
    lines: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    status: int = DONE_CLEAN
