"""``tuoyu demo [-o DIR]``: every job of the tool, run on the bundled samples, outputs into one folder.

The samples (samples/ in the repository; bundled into the frozen app) are only read. The steps run
through ``tasks`` — the same jobs the window runs — in the order an official meets them:
blank templates → 机构自评 check → each county's 初评报告 → star results → city results.
Issues found in the samples are expected (they are there to be found), so they never fail the demo.

Exit codes: 0 = every step ran, 2 = a step could not run (the others still run).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

DEMO_DATE = "2026-11-22"  # the samples' fixed 评定日期 (samples/README.md)
DEFAULT_OUTPUT = "演示结果"
HISTORY_FILE = ("history", "历史评定.xlsx")


def bundled_path(*parts: str) -> Path:
    """A path inside the bundled data: PyInstaller's unpack folder when frozen, else the repository root."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if getattr(sys, "frozen", False) and base else Path(__file__).resolve().parents[2]
    return root.joinpath(*parts)


def register(sub) -> None:
    p = sub.add_parser("demo", help="用内置样例演示全部功能（模板、校验、初评报告、星级评定、示范城市评分）",
                       description="读取内置样例表格（只读，不会改动），依次生成空白模板、机构自评校验报告、"
                                   "各县区初评报告、星级评定结果和示范城市评分结果，全部保存到一个文件夹。")
    p.add_argument("-o", "--output", default=DEFAULT_OUTPUT,
                   help=f"输出文件夹（默认当前文件夹下的“{DEFAULT_OUTPUT}”）")
    p.set_defaults(func=run_demo)


def run_demo(args) -> int:
    samples = bundled_path("samples")
    out = Path(args.output)
    if not (samples / "star").is_dir() or not (samples / "city").is_dir():
        print(f"错误：找不到内置样例文件夹 {samples}（应包含 star 和 city）。请从完整的程序包或源代码目录运行",
              file=sys.stderr)
        return 2
    print(f"演示：读取内置样例 {samples}（只读），评定日期 {DEMO_DATE}，结果保存到 {out.resolve()}")
    _note_skipped(samples / "star")
    failed: list[str] = []
    outputs: list[Path] = []
    steps = _steps(samples, out)
    n = 0
    while n < len(steps):
        title, job = steps[n]
        n += 1
        print(f"\n【第 {n} 步】{title}")
        try:
            outcome = job()
        except Exception as exc:  # noqa: BLE001 — a demo step that cannot run is reported, the rest go on
            print(f"  无法运行：{_why(exc)}")
            failed.append(title)
            continue
        if isinstance(outcome, list):  # the step that finds the counties adds one step per county
            steps[n:n] = outcome
            continue
        for line in outcome.lines:
            print(f"  {line}")
        outputs += outcome.outputs
    _print_outputs(outputs, failed)
    return 2 if failed else 0


def _steps(samples: Path, out: Path) -> list[tuple[str, Callable]]:
    from tuoyu_excel.gui.model import TASK_CHECK, TASK_CITY, TASK_STAR, TASK_TEMPLATE, TaskParams

    def task(**kw) -> TaskParams:
        return TaskParams(output_dir=str(out), date=DEMO_DATE, **kw)

    star, city = str(samples / "star"), str(samples / "city")
    return [
        ("生成空白模板", lambda: _run(task(task=TASK_TEMPLATE))),
        ("机构自评校验（样例中的错误示例会被找出）", lambda: _run(task(task=TASK_CHECK, input_dir=star, stage="self"))),
        ("县区初评报告：查找有申报机构的县区", lambda: _county_steps(samples, task)),
        ("星级评定（市级核验，含历史评定记录）", lambda: _run(_star_params(task(task=TASK_STAR, input_dir=star, stage="city"),
                                                              samples))),
        ("示范城市创建评分（评估组评估）", lambda: _run(task(task=TASK_CITY, input_dir=city, stage="review"))),
    ]


def _run(params):
    from tuoyu_excel.app.jobs import run_task

    return run_task(params)


def _county_steps(samples: Path, task) -> list[tuple[str, Callable]]:
    """One 初评报告 step per 县区 of the rubric that has at least one workbook in the samples."""
    from tuoyu_excel.gui.model import TASK_REPORT

    counties = counties_in(samples / "star")
    print(f"  有申报机构的县区：{'、'.join(counties)}")
    return [(f"{c}初评报告", lambda c=c: _run(task(task=TASK_REPORT, input_dir=str(samples / "star"), county=c)))
            for c in counties]


def counties_in(folder: Path) -> list[str]:
    """The rubric's 县区 (in rubric order) named by at least one readable workbook in `folder`."""
    import datetime as dt

    from tuoyu_excel.core.pipeline import run
    from tuoyu_excel.intake.rubric_file import load_rubric

    rubric = load_rubric("liuzhou_star")
    key = next(f.key for f in rubric.form if f.type == "district")
    result = run(folder, rubric, "county", dt.date.fromisoformat(DEMO_DATE))
    found = {f.submission.text(key) for f in result.files if f.submission is not None}
    return [d for d in rubric.star.districts if d in found]


def _star_params(params, samples: Path):
    """Point the star task at the bundled rating history, when the task takes one."""
    history = samples.joinpath(*HISTORY_FILE)
    if "history" in type(params).__dataclass_fields__:
        params.history = str(history)
    else:
        print(f"  注意：当前版本的星级评定任务不能读取历史评定记录，未使用 {history.name}")
    return params


def _note_skipped(folder: Path) -> None:
    """Say which files of the sample folder the tools leave out on purpose (Office lock files)."""
    from tuoyu_excel.intake.preflight import list_inputs

    listed = {p.name for p in list_inputs(folder)}
    skipped = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in listed)
    for name in skipped:
        print(f"  已跳过 {name}：Excel/WPS 打开表格时产生的临时文件，不是填报表格")


def _why(exc: BaseException) -> str:
    from tuoyu_excel.errors import TuoyuError

    if isinstance(exc, TuoyuError):
        return str(exc)
    if isinstance(exc, ImportError):
        return f"程序不完整，缺少所需的部分（{exc}）"
    return f"{type(exc).__name__}: {exc}"


def _print_outputs(outputs: list[Path], failed: list[str]) -> None:
    print("\n演示完成。" if not failed else f"\n演示结束，有 {len(failed)} 步无法运行：{'、'.join(failed)}")
    print(f"共写出 {len(outputs)} 个文件：")
    for path in outputs:
        print(f"  {Path(path).resolve()}")
