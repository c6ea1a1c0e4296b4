"""The pure core of every command: a folder (or a file) of workbooks in, typed results out.

preflight → read → validate → score → eligibility, one file at a time; then
folder-level checks (the same institution or city twice). One bad workbook never
stops the others. Nothing here prints, opens a dialog or writes a file.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import functools
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from tuoyu_excel.core.panel_copies import combine_copies
from tuoyu_excel.core.results import STATUS_ERROR as STATUS_ERROR
from tuoyu_excel.core.results import STATUS_OK as STATUS_OK
from tuoyu_excel.core.results import STATUS_UNREADABLE as STATUS_UNREADABLE
from tuoyu_excel.core.results import STATUS_WARN as STATUS_WARN
from tuoyu_excel.core.results import Assess, FileResult, RunResult, stage_cards
from tuoyu_excel.core.results import Reason as Reason
from tuoyu_excel.core.scoring import score
from tuoyu_excel.core.supervisor import Failure, supervised_map
from tuoyu_excel.intake.preflight import list_inputs, load_input
from tuoyu_excel.intake.reader import read_workbook
from tuoyu_excel.intake.validate import validate
from tuoyu_excel.issues import IssueLog, make_issue
from tuoyu_excel.platform_support import process_start_method
from tuoyu_excel.spec.kinds import kind_of
from tuoyu_excel.spec.model import Rubric
from tuoyu_excel.text import display_name

Progress = Callable[[int, int, str], None]  # (done, total, file name)


def process_file(path: Path, rubric: Rubric, stage: str, eval_date: dt.date, cap: int = 200,
                 assess: Assess | None = None) -> FileResult:
    """Everything about one workbook; never raises for anything in the file. `assess` judges a
    scored workbook (eligibility) where the kind of evaluation has such a rule."""
    result = FileResult(file=display_name(path.name), path=path)
    log = IssueLog(result.file, cap=cap)
    loaded = load_input(path)  # read once: checked, hashed and read are the same bytes
    if loaded.data is not None:
        result.sha256 = hashlib.sha256(loaded.data).hexdigest()  # for every readable input, even one we cannot use
    if loaded.issue is not None:
        result.issues = [loaded.issue]
        return result
    raw = read_workbook(path, rubric, log, stage, loaded.readable)
    if raw is not None and not log.has_errors:
        result.submission = validate(raw, rubric, stage, eval_date, log)
        if not log.has_errors:
            result.card = score(result.submission, rubric, stage)
            result.stage_cards = stage_cards(result.submission, result.card, rubric, stage)
            if assess is not None:
                result.reasons = assess(result.submission, result.card, rubric, eval_date)
    elif raw is not None:  # structural errors (missing rows/fields): still validate what is there
        result.submission = validate(raw, rubric, stage, eval_date, log)
    result.issues = log.items
    return result


def input_files(source: Path) -> list[Path]:
    return [source] if source.is_file() else list_inputs(source)


@functools.lru_cache(maxsize=8192)
def _shared_decimal(text: str) -> Decimal:
    return Decimal(text)


# Results come back from worker processes pickled; unpickle each score value as a shared object
# (a folder repeats the same few values — 10, 8.5, 0 — hundreds of thousands of times).
copyreg.pickle(Decimal, lambda d: (_shared_decimal, (str(d),)))

# Below this many files one worker reads them all (isolated, but a second costs more than it saves).
# A forked worker starts in milliseconds: a second pays from a few dozen files (100 files: a third less
# time, benchmarks/bench_star.py). A spawned one (Windows, the packaged app) first imports everything,
# a second or so of a core: only a large folder repays it.
PARALLEL_MIN_FILES = {"fork": 24, "spawn": 200}


def worker_count(files: int) -> int:
    """Worker processes to use: one for small folders, both cores for large ones (TUOYU_WORKERS overrides;
    1 = everything in this process, without isolation)."""
    wanted = os.environ.get("TUOYU_WORKERS", "").strip()
    if wanted.isdigit():
        return max(1, int(wanted))
    if files < PARALLEL_MIN_FILES[process_start_method()]:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def _process_all(paths: list[Path], rubric: Rubric, stage: str, eval_date: dt.date,
                 assess: Assess | None) -> Iterator[FileResult]:
    """Each file read in a supervised worker (core/supervisor.py): one that crashes, aborts, eats memory
    or hangs becomes that file's issue, and the run goes on. The rubric goes to each worker once."""
    workers = worker_count(len(paths))
    # small chunks: a worker left with a last big chunk would keep the other core idle
    chunk = max(1, min(8, len(paths) // (workers * 8))) if workers > 1 else 1
    results = supervised_map(_process_in_worker, paths, workers=workers, chunk=chunk, setup=_start_worker,
                             setup_args=(rubric, stage, eval_date, assess), ahead=1)
    for path, result in zip(paths, results, strict=True):
        yield _failed(path, result.detail) if isinstance(result, Failure) else result


def _failed(path: Path, detail: str) -> FileResult:
    result = FileResult(file=display_name(path.name), path=path)
    result.issues = [make_issue("FILE_PROCESS_FAILED", result.file, detail=detail)]
    return result


_worker_job: tuple[Rubric, str, dt.date, Assess | None] | None = None  # set in each worker by _start_worker


def _start_worker(rubric: Rubric, stage: str, eval_date: dt.date, assess: Assess | None) -> None:
    global _worker_job
    _worker_job = (rubric, stage, eval_date, assess)


def _process_in_worker(path: Path) -> FileResult:
    rubric, stage, eval_date, assess = _worker_job
    return process_file(path, rubric, stage, eval_date, assess=assess)


def run(source: Path | Iterable[Path], rubric: Rubric, stage: str, eval_date: dt.date,
        progress: Progress | None = None, assess: Assess | None = None, panel: bool = False) -> RunResult:
    """Process a folder, a single file, or a list of files (in parallel for large folders). With `panel`,
    the copies of one institution (one per assessor) are combined into one result (core/panel_copies.py);
    without it they are the duplicate-submission error."""
    started = dt.datetime.now()
    clock = time.perf_counter()
    paths = input_files(Path(source)) if isinstance(source, (str, Path)) else list(source)
    files = []
    for n, result in enumerate(_process_all(paths, rubric, stage, eval_date, assess), 1):
        files.append(result)
        if progress:
            progress(n, len(paths), result.file)
    if panel:
        files = combine_copies(files, rubric, stage, eval_date, assess)
    else:
        mark_duplicates(files, rubric)
    return RunResult(rubric, stage, eval_date, files, started, time.perf_counter() - clock, panel=panel)


def identity(result: FileResult, rubric: Rubric) -> str:
    """The key that must be unique in a folder: 统一社会信用代码, or 城市名称."""
    if result.submission is None:
        return ""
    return result.submission.text(rubric.identity_field)


def mark_duplicates(files: list[FileResult], rubric: Rubric) -> None:
    """The same institution (or city) twice: an error on every copy, naming the others; none is scored."""
    groups: dict[str, list[FileResult]] = {}
    for f in files:
        key = identity(f, rubric)
        if key:
            groups.setdefault(key, []).append(f)
    code = kind_of(rubric).duplicate_code
    for key, same in groups.items():
        if len(same) < 2:
            continue
        for f in same:
            others = "、".join(o.file for o in same if o is not f)
            cell = f.submission.cells.get(f"field:{rubric.identity_field}", "")
            sheet, _, a1 = cell.partition("!")
            f.issues.append(make_issue(code, f.file, sheet, a1, found=key, other=others))
            f.card = None
            f.reasons = []
