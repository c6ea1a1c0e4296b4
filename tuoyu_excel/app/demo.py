"""``tuoyu demo [-o DIR]``: every job of the tool, run on the bundled samples, outputs into one folder.

The samples (samples/ in the repository; bundled into the frozen app) are only read. The steps run
through ``app.jobs`` — the same jobs the window runs — in the order an official meets them:
blank templates → 机构自评 check → each county's 初评报告 → star results → city results.
Issues found in the samples are expected (they are there to be found), so they never fail the demo.

Exit codes: 0 = every step ran, 2 = a step could not run (the others still run).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from tuoyu_excel.app.jobs import run_job
from tuoyu_excel.app.params import (
    CANNOT_RUN,
    DONE_CLEAN,
    JOB_CHECK,
    JOB_CITY,
    JOB_REPORT,
    JOB_STAR,
    JOB_TEMPLATE,
    JobParams,
)
from tuoyu_excel.core.pipeline import run
from tuoyu_excel.errors import TuoyuError
from tuoyu_excel.intake.preflight import list_inputs
from tuoyu_excel.intake.rubric_file import default_rubric

DEMO_DATE = "2026-11-22"  # the samples' fixed 评定日期 (samples/README.md)
DEFAULT_OUTPUT = "演示结果"
HISTORY_FILE = ("history", "历史评定.xlsx")


def bundled_path(*parts: str) -> Path:
    """A path inside the bundled data: PyInstaller's unpack folder when frozen; the installed package
    (which carries samples/ as tuoyu_excel/samples); else the repository root (a source checkout)."""
    base = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and base:
        return Path(base).joinpath(*parts)
    package = Path(__file__).resolve().parents[1]
    if parts and parts[0] == "samples" and (package / "samples").is_dir():
        return package.joinpath(*parts)
    return package.parent.joinpath(*parts)


def _complain(text: str) -> None:
    print(text, file=sys.stderr)


def run_demo(out: Path, say: Callable[[str], None] = print, complain: Callable[[str], None] = _complain) -> int:
    """Every job on the bundled samples; `say` shows each line, `complain` a reason it cannot run."""
    samples = bundled_path("samples")
    if not (samples / "star").is_dir() or not (samples / "city").is_dir():
        complain(f"错误：找不到内置样例文件夹 {samples}（应包含 star 和 city）。请从完整的程序包或源代码目录运行")
        return CANNOT_RUN
    say(f"演示：读取内置样例 {samples}（只读），评定日期 {DEMO_DATE}，结果保存到 {out.resolve()}")
    _note_skipped(samples / "star", say)
    failed: list[str] = []
    outputs: list[Path] = []
    steps = _steps(samples, out, say)
    n = 0
    while n < len(steps):
        title, job = steps[n]
        n += 1
        say(f"\n【第 {n} 步】{title}")
        try:
            outcome = job()
        except Exception as exc:  # noqa: BLE001 — a demo step that cannot run is reported, the rest go on
            say(f"  无法运行：{_why(exc)}")
            failed.append(title)
            continue
        if isinstance(outcome, list):  # the step that finds the counties adds one step per county
            steps[n:n] = outcome
            continue
        for line in outcome.lines:
            say(f"  {line}")
        outputs += outcome.outputs
    _print_outputs(outputs, failed, say)
    return CANNOT_RUN if failed else DONE_CLEAN


def _steps(samples: Path, out: Path, say: Callable[[str], None]) -> list[tuple[str, Callable]]:
    def job(name: str, **kw) -> JobParams:
        return JobParams(job=name, output=out, output_is_folder=True, eval_date=dt.date.fromisoformat(DEMO_DATE),
                         overwrite=True, **kw)  # the demo's own folder: a second demo replaces the first

    star, city = samples / "star", samples / "city"
    return [
        ("生成空白模板", lambda: run_job(job(JOB_TEMPLATE))),
        ("机构自评校验（样例中的错误示例会被找出）", lambda: run_job(job(JOB_CHECK, source=star, stage="self"))),
        ("县区初评报告：查找有申报机构的县区", lambda: _county_steps(samples, job, say)),
        ("星级评定（市级核验，含历史评定记录）",
         lambda: run_job(job(JOB_STAR, source=star, stage="city", history=samples.joinpath(*HISTORY_FILE)))),
        ("示范城市创建评分（评估组评估）", lambda: run_job(job(JOB_CITY, source=city, stage="review"))),
    ]


def _county_steps(samples: Path, job, say: Callable[[str], None]) -> list[tuple[str, Callable]]:
    """One 初评报告 step per 县区 of the rubric that has at least one workbook in the samples."""
    counties = counties_in(samples / "star")
    say(f"  有申报机构的县区：{'、'.join(counties)}")
    return [(f"{c}初评报告", lambda c=c: run_job(job(JOB_REPORT, source=samples / "star", county=c)))
            for c in counties]


def counties_in(folder: Path) -> list[str]:
    """The rubric's 县区 (in rubric order) named by at least one readable workbook in `folder`."""
    rubric = default_rubric("star")
    key = next(f.key for f in rubric.form if f.type == "district")
    result = run(folder, rubric, "county", dt.date.fromisoformat(DEMO_DATE))
    found = {f.submission.text(key) for f in result.files if f.submission is not None}
    return [d for d in rubric.star.districts if d in found]


def _note_skipped(folder: Path, say: Callable[[str], None]) -> None:
    """Say which files of the sample folder the tools leave out on purpose (Office lock files)."""
    listed = {p.name for p in list_inputs(folder)}
    skipped = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in listed)
    for name in skipped:
        say(f"  已跳过 {name}：Excel/WPS 打开表格时产生的临时文件，不是填报表格")


def _why(exc: BaseException) -> str:
    if isinstance(exc, TuoyuError):
        return str(exc)
    if isinstance(exc, ImportError):
        return f"程序不完整，缺少所需的部分（{exc}）"
    return f"{type(exc).__name__}: {exc}"


def _print_outputs(outputs: list[Path], failed: list[str], say: Callable[[str], None]) -> None:
    say("\n演示完成。" if not failed else f"\n演示结束，有 {len(failed)} 步无法运行：{'、'.join(failed)}")
    say(f"共写出 {len(outputs)} 个文件：")
    for path in outputs:
        say(f"  {Path(path).resolve()}")
