"""Side workbooks read in a supervised worker: the rating history, the official averages and rule
workbooks. A crash, an abort, runaway memory or a hang while parsing one of them ends only that read
(core/supervisor.py), never the run; it comes back as a Chinese problem.

- A history or averages file that cannot be read does not stop the run: the run goes on without it,
  the problem is one issue of that file (校验问题), the results say loudly what was not applied, and
  the job ends with status 1.
- A rule workbook that cannot be read is a RubricError (nothing can be scored without rules); a
  decisions workbook (待裁定, 公示核查) that cannot be read is a WorkbookError (the run must not go on as if nothing had
  been decided). Both end the job with status 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tuoyu_excel.core.supervisor import Failure, isolated_call, supervised_map
from tuoyu_excel.errors import RubricError, WorkbookError
from tuoyu_excel.intake.averages import OfficialAverages, read_averages
from tuoyu_excel.intake.decisions import DecisionsRead, read_decisions
from tuoyu_excel.intake.history import HistoryRead, read_history
from tuoyu_excel.intake.reader import read_meta
from tuoyu_excel.intake.rubric_file import (
    SHIPPED,
    WORKBOOK_SUFFIXES,
    is_rubric_workbook,
    load_rubric,
    workbook_problems,
)
from tuoyu_excel.issues import make_issue
from tuoyu_excel.layout.results import DECISION_SHEETS, DecisionSheet
from tuoyu_excel.spec.model import Rubric
from tuoyu_excel.text import display_name


def history_for(path: str | Path | None, rubric: Rubric, today: dt.date | None = None) -> HistoryRead | None:
    """The history workbook read (rows dated after `today`, the evaluation date, left out), or one marked
    unusable with the reason as its issue; None when none was given."""
    if not path:
        return None
    path = Path(path)
    got = _side_file(read_history, path, rubric, today)
    if isinstance(got, Failure):
        issue = make_issue("HISTORY_UNREADABLE", display_name(path.name), detail=_sentence("历史评定记录表", path, got))
        return HistoryRead([], [issue], display_name(path.name), "", usable=False)
    return got


def averages_for(path: str | Path | None, rubric: Rubric) -> OfficialAverages | None:
    """The official averages read; when unreadable, an empty table whose issue says why (every
    indicator then falls back to the rate computed from the cities' data); None when none was given."""
    if not path:
        return None
    path = Path(path)
    got = _side_file(read_averages, path, rubric)
    if isinstance(got, Failure):
        issue = make_issue("AVERAGES_UNREADABLE", display_name(path.name), detail=_sentence("全区平均水平表", path, got))
        return OfficialAverages(file=display_name(path.name), sha256="", values={}, issues=[issue])
    return got


def decisions_for(path: str | Path | None, wanted: tuple[DecisionSheet, ...] = DECISION_SHEETS) -> DecisionsRead | None:
    """The decision sheets `wanted` (the star run's: 待裁定, 公示核查) of a decisions workbook, read;
    WorkbookError when it cannot be read at all."""
    if not path:
        return None
    path = Path(path)
    got = isolated_call(read_decisions, path, wanted)
    if isinstance(got, Failure):
        raise WorkbookError(f"{_sentence('决定工作簿', path, got)}请用 Excel/WPS 打开该文件确认后另存为 .xlsx，再重新指定")
    return got


def rubric_from(name_or_path: str | Path) -> Rubric:
    """A shipped rubric or a rule file; a rule workbook is parsed in a worker."""
    if str(name_or_path) in SHIPPED or not _is_workbook(name_or_path):
        return load_rubric(name_or_path)
    return _checked(isolated_call(load_rubric, Path(name_or_path)), Path(name_or_path))


def rubric_workbook_problems(path: Path) -> list[RubricError]:
    """Every problem of a rule workbook ([] when sound), parsed in a worker."""
    return _checked(isolated_call(workbook_problems, Path(path)), Path(path))


def rule_workbooks(paths: list[Path]) -> list[Path]:
    """Those of `paths` that are rule workbooks (one that crashes its reader is not)."""
    found = supervised_map(is_rubric_workbook, paths)
    return [path for path, yes in zip(paths, found, strict=True) if yes is True]


def metas_of(paths: list[Path], workers: int) -> list[dict[str, str]]:
    """The template metadata of each workbook ({} for one that cannot be read, or crashed its reader)."""
    chunk = max(1, min(8, len(paths) // (workers * 8))) if workers > 1 else 1
    return [{} if isinstance(m, Failure) else m for m in supervised_map(read_meta, paths, workers=workers, chunk=chunk)]


def _side_file(reader, path: Path, rubric: Rubric, *more):
    """`reader(path, rubric, *more)` in a worker: what it read, or a Failure for a file it refused (its own
    WorkbookError sentence) or that ended its worker."""
    try:
        return isolated_call(reader, path, rubric, *more)
    except WorkbookError as exc:
        return Failure(str(exc))


def _sentence(what: str, path: Path, failure: Failure) -> str:
    """The reader's own sentence (it names the file), or one naming the file around a worker's failure."""
    text = failure.detail if display_name(path.name) in failure.detail else f"无法读取{what} {display_name(path.name)}：{failure.detail}"
    return text if text.endswith("。") else f"{text}。"


def _is_workbook(name_or_path: str | Path) -> bool:
    return Path(name_or_path).suffix.lower() in WORKBOOK_SUFFIXES and Path(name_or_path).is_file()


def _checked(got, path: Path):
    if isinstance(got, Failure):
        raise RubricError(display_name(path.name), "文件", f"无法读取（{got.detail}）。请用 Excel/WPS 打开该文件确认后"
                                                         "另存为 .xlsx，或改用内置规则")
    return got
