"""``tuoyu demo [-o DIR]``: every job of the tool, run on the bundled samples, outputs into one folder.

The samples (samples/ in the repository; bundled into the frozen app) are only read. The steps run
through ``app.jobs`` — the same jobs the window runs — in the order an official meets them:
blank templates → 机构自评 check → each county's 初评报告 → the star rating from the draft to the named
list (draft with 待裁定 → the rulings typed in → final results with the 公示 → the 公示核查 typed in,
one institution 不予命名 → 命名, the named list and next year's history) → panel scoring (samples/panel:
three assessors' copies of each institution, ``--panel``), its results listed → city results.
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
    Outcome,
)
from tuoyu_excel.core.pipeline import run
from tuoyu_excel.errors import TuoyuError
from tuoyu_excel.intake.decisions import read_decisions
from tuoyu_excel.intake.listing import read_listings
from tuoyu_excel.intake.preflight import list_inputs
from tuoyu_excel.intake.rubric_file import default_rubric
from tuoyu_excel.layout.results import CHECKS, R_RANK, R_SPAN, R_ZONE, RULINGS, SPAN_SEP, WITHHELD
from tuoyu_excel.render.decision_sheet import fill_decisions
from tuoyu_excel.render.star.panel_sheet import PANEL_SHEET
from tuoyu_excel.render.star.sheets import RESULTS_SHEET

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
        # the demo's own folder: a second demo replaces the first
        return JobParams(**{"job": name, "output": out, "output_is_folder": True, "overwrite": True,
                            "eval_date": dt.date.fromisoformat(DEMO_DATE), **kw})

    star, city = samples / "star", samples / "city"
    return [
        ("生成空白模板", lambda: run_job(job(JOB_TEMPLATE))),
        ("机构自评校验（样例中的错误示例会被找出）", lambda: run_job(job(JOB_CHECK, source=star, stage="self"))),
        ("县区初评报告：查找有申报机构的县区", lambda: _county_steps(samples, job, say)),
        *_star_steps(star, samples.joinpath(*HISTORY_FILE), out, job),
        ("多人评分：星级评定（市级核验，40 家机构各由 3 位评分人分别评分，每项取平均分）",
         lambda: _panel_step(samples / "panel", out, job)),
        ("示范城市创建评分（评估组评估）", lambda: run_job(job(JOB_CITY, source=city, stage="review"))),
    ]


NOTICE_DATE = "2026-11-25"  # 公示 from a Wednesday: 5 working days end on Tuesday 2026-12-01
NAME_DATE = "2026-12-04"
RULED_FILE = "演示_已填写裁定.xlsx"
CHECKED_FILE = "演示_已填写公示核查.xlsx"
RULING_BASIS = "（演示）市卫生健康委主任办公会议纪要"
WITHHELD_BASIS = "（演示）公示期间接到反映，经核查存在安全隐患，不予命名"


def _star_steps(star: Path, history: Path, out: Path, job) -> list[tuple[str, Callable]]:
    """The star rating as an official lives it (《工作方案》三（四）（五））, the decisions typed in as
    the commission would type them."""
    day = dt.date.fromisoformat
    common = {"source": star, "stage": "city", "history": history}
    draft = out / "星级评定结果_待裁定稿_市级核验_20261122.xlsx"
    final = out / "星级评定结果_市级核验_20261122.xlsx"
    return [
        ("星级评定：草稿（市级核验，含历史评定记录；有并列待裁定）", lambda: run_job(job(JOB_STAR, **common))),
        ("市卫生健康委裁定：在草稿的“待裁定”工作表中选择星级、写明依据（演示自动填写）",
         lambda: _filled(draft, out / RULED_FILE, RULINGS, _rulings_for(draft))),
        (f"星级评定：最终结果和公示（决定工作簿＝已填写裁定的草稿，公示开始日期 {NOTICE_DATE}）",
         lambda: run_job(job(JOB_STAR, rulings=out / RULED_FILE, notice_date=day(NOTICE_DATE), **common))),
        ("公示期满后核查：在最终结果的“公示核查”中把一家机构填为“不予命名”（演示自动填写）",
         lambda: _filled(final, out / CHECKED_FILE, CHECKS, _one_withheld(final))),
        (f"星级评定：命名（决定工作簿＝已填写公示核查的最终结果，命名日期 {NAME_DATE}）",
         lambda: run_job(job(JOB_STAR, rulings=out / CHECKED_FILE, name_date=day(NAME_DATE), **common))),
    ]


PANEL_FILE = f"星级评定结果_多人评分_市级核验_{DEMO_DATE.replace('-', '')}.xlsx"  # beside the star results, not over them


def _panel_step(folder: Path, out: Path, job) -> Outcome:
    """`star --panel` on samples/panel, then each institution's panel as the results workbook lists it."""
    outcome = run_job(job(JOB_STAR, source=folder, stage="city", panel=True, output=out / PANEL_FILE,
                          output_is_folder=False))
    outcome.lines += panel_listing(out / PANEL_FILE)
    return outcome


def panel_listing(results: Path) -> list[str]:
    """From the written results: per institution in rank order, each assessor's total, the average and the star,
    then the items 评分人明细 flags (scores spread over the rubric's limit)."""
    needed = ("机构名称", "统一社会信用代码")
    tables = read_listings(results, {RESULTS_SHEET: "片区排名", PANEL_SHEET: "评分人"}, needed)
    ranked, panel = tables[RESULTS_SHEET], tables[PANEL_SHEET]
    by_code: dict[str, list[dict]] = {}
    for row in panel:
        by_code.setdefault(row["统一社会信用代码"], []).append(row)
    lines = ["多人评分结果（各评分人合计 → 每项平均后的综合得分）："]
    for r in ranked:
        rows = by_code.get(r["统一社会信用代码"], [])
        own = "、".join(f"{x['评分人']} {_n(x['评分人合计得分'])}" for x in rows)
        lines.append(f"  {r['片区']}第 {_n(r['片区排名'])} 名 {r['机构名称']}：{own} → {_n(r['综合得分'])}，{r['评定星级']}")
    lines += [f"  差异较大：{rows[0]['机构名称']} {rows[0]['各评分人差异较大的项目']}"
              for rows in by_code.values() if rows[0]["各评分人差异较大的项目"]]
    return lines


def _n(value: object) -> str:
    """968.0 -> 968, 966.34 -> 966.34 (as the results show them)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _rulings_for(draft: Path) -> dict[str, tuple[str, str]]:
    """Each tie's institutions get the tie's stars in order (the samples' tie: 三星级 and 二星级)."""
    rows = read_decisions(draft).sheets[RULINGS.name].rows
    groups: dict[tuple[str, str], list] = {}
    for row in rows:
        groups.setdefault((row.text(R_ZONE), row.text(R_RANK)), []).append(row)
    decided = {}
    for group in groups.values():
        for n, row in enumerate(group):
            span = [s for s in row.text(R_SPAN).split(SPAN_SEP) if s]
            decided[row.key] = (span[min(n, len(span) - 1)], RULING_BASIS)
    return decided


def _one_withheld(final: Path) -> dict[str, tuple[str, str]]:
    """The last institution of the published list is marked 不予命名 (the others pass)."""
    rows = read_decisions(final).sheets[CHECKS.name].rows
    return {rows[-1].key: (WITHHELD, WITHHELD_BASIS)}


def _filled(src: Path, dest: Path, layout, decisions: dict[str, tuple[str, str]]) -> Outcome:
    fill_decisions(src, dest, layout, decisions)
    lines = [f"已在“{layout.name}”工作表中填写 {len(decisions)} 行，另存为：{dest.resolve()}"]
    return Outcome("演示填写", lines, [dest])


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
