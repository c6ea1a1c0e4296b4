"""What the pipeline gives back: one ``FileResult`` per workbook (or per panel of copies), one ``RunResult``.

Kept apart from ``pipeline`` so that folder-level steps (panel scoring) can build and change results
without importing the pipeline that calls them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tuoyu_excel.core.panel import Panel
from tuoyu_excel.core.scoring import ScoreCard, score
from tuoyu_excel.intake.validate import Submission
from tuoyu_excel.issues import ERROR, Issue
from tuoyu_excel.spec.model import Rubric


@dataclass(frozen=True)
class Reason:
    """Why a scored workbook may not take part (未达评定条件): a stable code and a Chinese text."""

    code: str
    text: str  # Chinese, shown in 未达条件名单


# A kind's judgement of one scored workbook (the star rating's eligibility); the kind registry supplies it.
Assess = Callable[[Submission, ScoreCard, Rubric, dt.date], list[Reason]]

STATUS_OK = "通过"
STATUS_WARN = "有警告"
STATUS_ERROR = "有错误"
STATUS_UNREADABLE = "无法读取"


@dataclass
class FileResult:
    file: str
    path: Path
    sha256: str = ""
    issues: list[Issue] = field(default_factory=list)
    submission: Submission | None = None
    card: ScoreCard | None = None  # None when the file has errors
    # with a card: one per stage up to the checked one (that one is `card`); None where a stage is incomplete
    stage_cards: dict[str, ScoreCard | None] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)  # eligibility failures (star rubric)
    panel: Panel | None = None  # panel mode: the assessors' copies this result's averaged scores come from

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == ERROR)

    @property
    def warnings(self) -> int:
        return len(self.issues) - self.errors

    @property
    def status(self) -> str:
        if self.submission is None:
            return STATUS_UNREADABLE
        if self.errors:
            return STATUS_ERROR
        return STATUS_WARN if self.issues else STATUS_OK

    @property
    def scored(self) -> bool:
        return self.card is not None

    @property
    def eligible(self) -> bool:
        return self.card is not None and not self.reasons


@dataclass
class RunResult:
    rubric: Rubric
    stage: str
    eval_date: dt.date
    files: list[FileResult]
    started: dt.datetime
    seconds: float
    panel: bool = False  # panel mode: copies of one institution were combined (FileResult.panel)

    @property
    def issues(self) -> list[Issue]:
        return [i for f in self.files for i in f.issues]

    @property
    def clean(self) -> bool:
        return not self.issues

    @property
    def inputs(self) -> list[FileResult]:
        """One result per input file: a panel's result as its copies (see ``per_copy``)."""
        return [c for f in self.files for c in per_copy(f)]


def stage_cards(submission: Submission, card: ScoreCard, rubric: Rubric, stage: str) -> dict[str, ScoreCard | None]:
    """A card for every stage up to `stage` (自评与核验差异, 初评报告); None where a stage is incomplete."""
    keys = [s.key for s in rubric.stages]
    codes = rubric.item_by_code.keys()
    cards: dict[str, ScoreCard | None] = {}
    for key in keys[: keys.index(stage) + 1]:
        values = submission.scores.get(key, {})
        complete = all(values.get(code) is not None for code in codes)  # (`None in` compares each Decimal with None: slow)
        cards[key] = card if key == stage else (score(submission, rubric, key) if complete else None)
    return cards


def per_copy(f: FileResult) -> list[FileResult]:
    """A result as its input files: a panel's result as one result per copy, each with that copy's own
    issues (every copy's issues travel on the panel's result, each naming its file) and its assessor's
    own score card; others as they are. For lists of files (check report, 运行信息, annotated copies)."""
    if f.panel is None:
        return [f]
    return [dataclasses.replace(f, file=a.file, path=a.path, sha256=a.sha256, card=a.card,
                                issues=[i for i in f.issues if i.file == a.file]) for a in f.panel.copies]
