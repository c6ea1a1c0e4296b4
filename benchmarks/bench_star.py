"""Benchmark: `tuoyu star` end to end against the floor and against the naive approach.

    .venv/bin/python benchmarks/bench_star.py            # N = 100, 1000, 5000
    .venv/bin/python benchmarks/bench_star.py --n 100 1000
    .venv/bin/python benchmarks/bench_star.py --panel            # panel mode: N = 1000 → 3 × 1000 workbooks

For each N it makes N filled star workbooks (distinct institutions: a few filled
templates, copied with a new credit code and name patched into the xlsx), then times
side by side, in one run:
  (a) tuoyu star end to end: read, validate, score, rank, write the results workbook;
  (b) the floor: python-calamine reading the same 评分表 cells and nothing else (one core);
  (b2) the second floor: python-calamine reading every sheet the run must read (the template
       metadata, 申报表 and 评分表; one core);
  (c) the naive approach: a pandas.read_excel loop with default settings summing the score column.
It prints ms per file, the ratios a/b, a/b2 and c/a, and peak memory (RSS high-water mark of a
child process per measurement). With --phases it also prints where (a) spends its time, one core,
per file: preflight (read, check, repack), reading the cells (python-calamine and the walk over
them), checking and scoring; and the results workbook's writing. With --wine it also times the
Windows exe under Wine (dist/windows/tuoyu/, from scripts/build_windows.sh): `tuoyu.exe --help`
and `tuoyu.exe star` on 200 files with isolation on, beside the same native run, for information
(Wine is not Windows). The machine is shared: with --repeat R (default 3) the three are
measured R times, interleaved (a b c, a b c, …), each round printed, and the summary row is the
median of each column over the rounds, so one slow minute neither makes nor breaks a figure. Each measurement imports its libraries before its clock starts. Not part of the test suite: figures, not pass/fail.
Targets (issue 26): a/b ≤ 1.3 at N = 1000 and 5000, ≤ 2.0 at 100; c/a ≥ 10; linear from 1000 to 5000;
peak < 300 MB at 5000.

With --panel (issue 25) it compares instead, in one run, interleaved: panel mode over 3 × N workbooks
(N institutions, each scored by 3 assessors: same form and earlier stages, own 市级核验 scores and
评分人) against a normal run over 3 × N workbooks of distinct institutions (the same kind of workbooks,
each with its own credit code), both `tuoyu star` end to end; it prints ms per workbook for both and
panel ÷ normal. Target: ≤ ~1.0–1.1 (panel mode costs no more per workbook than a normal run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import multiprocessing
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

EVAL_DATE = dt.date(2026, 11, 22)
NAIVE_MAX_FILES = 300  # pandas is slow: time it on at most this many files and scale per file


def _seed_workbooks(folder: Path, count: int) -> list[Path]:
    """A few genuinely different filled workbooks (scores vary) to copy from."""
    from support.star import full_scores, valid_form

    from tuoyu_excel.intake.rubric_file import load_rubric
    from tuoyu_excel.render.template.fill import fill_workbook
    from tuoyu_excel.render.template.workbook import write_template

    rubric = load_rubric("liuzhou_star")
    template = write_template(rubric, folder / "tpl")
    rng = random.Random(7)
    seeds = []
    districts = rubric.star.districts
    for n in range(count):
        form = valid_form(n)
        form["district"] = districts[n % len(districts)]
        scores = full_scores(rubric)
        notes = {}
        for stage in scores.values():
            for item in rubric.scored_items:
                allowed = sorted(item.allowed_values() or [item.points - k for k in (0, 1, 2, 3)])
                stage[item.code] = rng.choice(allowed[-4:])
                if stage[item.code] < item.points:
                    notes[item.code] = "现场查看发现问题，已按评分标准扣分"  # as evaluators write them
        seeds.append(fill_workbook(template, folder / f"seed{n}.xlsx", rubric, form, scores, notes))
    return seeds


PANEL_ASSESSORS = ("张三", "李四", "王五")


def _panel_seeds(folder: Path, count: int) -> list[list[Path]]:
    """`count` institutions, each as 3 assessors' copies: one form and earlier stages, own 市级核验 scores."""
    from support.star import full_scores, valid_form

    from tuoyu_excel.intake.rubric_file import load_rubric
    from tuoyu_excel.render.template.fill import fill_workbook
    from tuoyu_excel.render.template.workbook import write_template

    rubric = load_rubric("liuzhou_star")
    template = write_template(rubric, folder / "tpl_panel")
    rng = random.Random(25)
    districts = rubric.star.districts
    out = []
    for n in range(count):
        form = valid_form(n)
        form["district"] = districts[n % len(districts)]
        shared = full_scores(rubric)
        for stage in ("self", "county"):
            for item in rubric.scored_items:
                shared[stage][item.code] = rng.choice(sorted(item.allowed_values() or [item.points - k for k in (0, 1, 2)])[-3:])
        copies = []
        for who in PANEL_ASSESSORS:
            scores = {**shared, "city": dict(shared["city"])}
            for item in rubric.scored_items:
                scores["city"][item.code] = rng.choice(sorted(item.allowed_values() or [item.points - k for k in (0, 1, 2, 3)])[-4:])
            notes = {c: "现场查看发现问题，已按评分标准扣分" for st in scores.values() for c, v in st.items()
                     if c in rubric.item_by_code and not rubric.item_by_code[c].veto and v < rubric.item_by_code[c].points}
            copies.append(fill_workbook(template, folder / f"panel_seed{n}_{who}.xlsx", rubric, form, scores, notes,
                                        assessors={"city": who}))
        out.append(copies)
    return out


def make_panel_inputs(folder: Path, n: int, seeds: list[list[Path]]) -> tuple[Path, Path]:
    """(panel folder: N institutions × 3 copies, normal folder: 3 × N distinct institutions), same workbooks."""
    from support.star import valid_form

    from tuoyu_excel.intake.credit_code import random_credit_code

    panel, normal = folder / f"panel{n}", folder / f"normal{n}"
    panel.mkdir(parents=True, exist_ok=True)
    normal.mkdir(parents=True, exist_ok=True)
    rng = random.Random(n)
    for i in range(n):
        k = i % len(seeds)
        form = valid_form(k)
        old = [form["credit_code"], form["name"]]
        code = random_credit_code(rng)
        for j, (who, seed) in enumerate(zip(PANEL_ASSESSORS, seeds[k], strict=True)):
            _patched_copy(seed, panel / f"机构{i:05d}_{who}.xlsx", old, [code, f"{form['name']}{i:05d}"])
            _patched_copy(seed, normal / f"机构{i:05d}_{j}.xlsx", old,
                          [random_credit_code(rng), f"{form['name']}{i:05d}{j}"])
    return panel, normal


def _patched_copy(seed: Path, out: Path, old: list[str], new: list[str]) -> None:
    """Copy an xlsx, replacing the credit code and name (openpyxl writes them inline in the sheet XML)."""
    with zipfile.ZipFile(seed) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/sharedStrings.xml" or info.filename.startswith("xl/worksheets/"):
                text = data.decode("utf-8")
                for a, b in zip(old, new, strict=True):
                    text = text.replace(a, b)
                data = text.encode("utf-8")
            zout.writestr(info, data)


def make_inputs(folder: Path, n: int, seeds: list[Path]) -> Path:
    from support.star import valid_form

    from tuoyu_excel.intake.credit_code import random_credit_code

    out = folder / f"n{n}"
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(n)
    for i in range(n):
        k = i % len(seeds)
        form = valid_form(k)
        _patched_copy(seeds[k], out / f"机构{i:05d}.xlsx", [form["credit_code"], form["name"]],
                      [random_credit_code(rng), f"{form['name']}{i:05d}"])
    return out


# ---- the three measurements, each run in a fresh child process -------------------------------

def measure_tuoyu(folder: str, out: str) -> None:
    from tuoyu_excel.core.star.rating import evaluate_star
    from tuoyu_excel.intake.rubric_file import load_rubric
    from tuoyu_excel.render.star.workbook import write_star_results

    result = evaluate_star(Path(folder), load_rubric("liuzhou_star"), "city", EVAL_DATE)
    start = time.perf_counter()
    write_star_results(result, Path(out))
    assert sum(1 for f in result.run.files if f.card is not None) == len(result.run.files)
    return {"write_ms": (time.perf_counter() - start) / len(result.run.files) * 1000}


def measure_panel(folder: str, out: str) -> None:
    from tuoyu_excel.core.star.rating import evaluate_star
    from tuoyu_excel.intake.rubric_file import load_rubric
    from tuoyu_excel.render.star.workbook import write_star_results

    result = evaluate_star(Path(folder), load_rubric("liuzhou_star"), "city", EVAL_DATE, panel=True)
    write_star_results(result, Path(out))
    files = result.run.files
    assert all(f.card is not None and f.panel is not None and len(f.panel.copies) == 3 for f in files), \
        [i.message for f in files for i in f.issues][:3]


def measure_floor(folder: str, out: str) -> None:
    import python_calamine as pc

    for path in sorted(Path(folder).glob("*.xlsx")):
        pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("评分表").to_python(skip_empty_area=False)


def measure_floor_all(folder: str, out: str) -> None:
    import python_calamine as pc

    from tuoyu_excel.layout.submission import META_SHEET, SCORE_SHEET
    from tuoyu_excel.spec.kinds import KINDS

    sheets = (META_SHEET, KINDS["star"].form_sheet, SCORE_SHEET)  # what the reader opens (intake/reader.py)
    for path in sorted(Path(folder).glob("*.xlsx")):
        book = pc.CalamineWorkbook.from_path(str(path))
        for name in sheets:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def measure_phases(folder: str, out: str) -> dict:
    """(a)'s work per file on one core, phase by phase, as the worker does it (core/pipeline.process_file)."""
    from tuoyu_excel.core.results import stage_cards
    from tuoyu_excel.core.scoring import score
    from tuoyu_excel.core.star.eligibility import check_eligibility
    from tuoyu_excel.intake.preflight import load_input
    from tuoyu_excel.intake.reader import read_workbook
    from tuoyu_excel.intake.rubric_file import load_rubric
    from tuoyu_excel.intake.validate import validate
    from tuoyu_excel.issues import IssueLog

    rubric = load_rubric("liuzhou_star")
    clock = {"preflight": 0.0, "read": 0.0, "check_score": 0.0}
    paths = sorted(Path(folder).glob("*.xlsx"))
    for path in paths:
        t0 = time.perf_counter()
        loaded = load_input(path)
        t1 = time.perf_counter()
        log = IssueLog(path.name)
        raw = read_workbook(path, rubric, log, "city", loaded.readable)
        t2 = time.perf_counter()
        sub = validate(raw, rubric, "city", EVAL_DATE, log)
        card = score(sub, rubric, "city")
        stage_cards(sub, card, rubric, "city")
        check_eligibility(sub, card, rubric, EVAL_DATE)
        t3 = time.perf_counter()
        clock["preflight"] += t1 - t0
        clock["read"] += t2 - t1
        clock["check_score"] += t3 - t2
    return {k: v / len(paths) * 1000 for k, v in clock.items()}


def measure_naive(folder: str, out: str) -> None:
    import pandas as pd

    totals = {}
    for path in sorted(Path(folder).glob("*.xlsx"))[:NAIVE_MAX_FILES]:
        frame = pd.read_excel(path, sheet_name="评分表", header=2)
        totals[path.name] = pd.to_numeric(frame["市级核验得分"], errors="coerce").sum()


MEASURES = {"tuoyu": measure_tuoyu, "panel": measure_panel, "floor": measure_floor, "floor_all": measure_floor_all,
            "naive": measure_naive, "phases": measure_phases}
# Imported before the clock starts, for all three alike: the figures are the work per file, not the
# interpreter's start-up (the frozen program's start-up is timed on its own, below).
IMPORTS = {"tuoyu": ("tuoyu_excel.render.star.workbook", "tuoyu_excel.intake.rubric_file", "tuoyu_excel.core.star.rating"),
           "panel": ("tuoyu_excel.render.star.workbook", "tuoyu_excel.intake.rubric_file", "tuoyu_excel.core.star.rating"),
           "floor": ("python_calamine",),
           "floor_all": ("python_calamine", "tuoyu_excel.layout.submission", "tuoyu_excel.spec.kinds"),
           "phases": ("tuoyu_excel.core.pipeline", "tuoyu_excel.core.star.eligibility", "tuoyu_excel.intake.rubric_file"),
           "naive": ("pandas", "openpyxl")}  # openpyxl: the engine pandas.read_excel picks for .xlsx


def _child(kind: str, folder: str, out: str) -> None:
    for module in IMPORTS[kind]:
        importlib.import_module(module)
    start = time.perf_counter()
    extra = MEASURES[kind](folder, out) or {}
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": max(peak_kb, children_kb) / 1024, **extra}))


def run_child(kind: str, folder: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(folder), str(out)],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"measurement {kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(n: int, work: Path, seeds: list[Path], repeat: int, phases: bool = False) -> dict:
    folder = make_inputs(work, n, seeds)
    c_files = min(n, NAIVE_MAX_FILES)
    rounds = []
    for k in range(repeat):
        a = run_child("tuoyu", folder, work / f"结果_{n}.xlsx")
        b = run_child("floor", folder, work)
        b2 = run_child("floor_all", folder, work)
        c = run_child("naive", folder, work)
        row = {"n": n, "a_ms": a["seconds"] / n * 1000, "b_ms": b["seconds"] / n * 1000,
               "b2_ms": b2["seconds"] / n * 1000, "c_ms": c["seconds"] / c_files * 1000,
               "a_peak_mb": a["peak_mb"], "write_ms": a["write_ms"]}
        row["a/b"] = row["a_ms"] / row["b_ms"]
        row["a/b2"] = row["a_ms"] / row["b2_ms"]
        row["c/a"] = row["c_ms"] / row["a_ms"]
        if phases:
            row.update(run_child("phases", folder, work))
        rounds.append(row)
        if repeat > 1:
            _print_row(row, f"#{k + 1}")
    shutil.rmtree(folder)
    if repeat == 1:
        return rounds[0]
    summary = {key: statistics.median(r[key] for r in rounds) for key in rounds[0] if key not in ("seconds", "peak_mb")}
    summary["n"] = n
    return summary


def bench_panel(n: int, work: Path, seeds: list[list[Path]], repeat: int) -> dict:
    """Panel mode over N × 3 workbooks against a normal run over 3 × N distinct institutions, interleaved."""
    panel, normal = make_panel_inputs(work, n, seeds)
    files = 3 * n
    rounds = []
    for k in range(repeat):
        order = (("normal", normal, "tuoyu"), ("panel", panel, "panel"))
        row = {"n": n, "files": files}
        for name, folder, kind in order if k % 2 == 0 else reversed(order):  # alternate who goes first
            got = run_child(kind, folder, work / f"结果_{name}_{n}.xlsx")
            row[f"{name}_ms"] = got["seconds"] / files * 1000
            row[f"{name}_peak_mb"] = got["peak_mb"]
        row["ratio"] = row["panel_ms"] / row["normal_ms"]
        rounds.append(row)
        if repeat > 1:
            _print_panel_row(row, f"#{k + 1}")
    shutil.rmtree(panel)
    shutil.rmtree(normal)
    summary = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    summary.update(n=n, files=files)
    return summary


def _print_panel_row(row: dict, label: str = "") -> None:
    print(f"{row['n']:>6} {row['files']:>9} {row['normal_ms']:>12.2f} {row['panel_ms']:>11.2f} {row['ratio']:>7.2f} "
          f"{row['normal_peak_mb']:>12.1f} {row['panel_peak_mb']:>11.1f} {label}", flush=True)


def main_panel(ns: list[int], repeat: int) -> None:
    print(f"cores: {multiprocessing.cpu_count()}; panel mode (N institutions × 3 assessors) vs normal "
          f"(3 × N distinct institutions), tuoyu star end to end; {repeat} interleaved round(s) per N")
    print(f"{'N':>6} {'workbooks':>9} {'normal ms/wb':>12} {'panel ms/wb':>11} {'panel/normal':>7} "
          f"{'normal peak MB':>12} {'panel peak MB':>11}")
    with tempfile.TemporaryDirectory(prefix="tuoyu_bench_panel_") as tmp:
        work = Path(tmp)
        seeds = _panel_seeds(work, 8)
        for n in ns:
            _print_panel_row(bench_panel(n, work, seeds, repeat), "median" if repeat > 1 else "")


HEADER = (f"{'N':>6} {'a ms/file':>10} {'b ms/file':>10} {'b2 ms/file':>10} {'c ms/file':>10} {'a/b':>6} "
          f"{'a/b2':>6} {'c/a':>6} {'a peak MB':>10}")


def _print_row(row: dict, label: str = "") -> None:
    print(f"{row['n']:>6} {row['a_ms']:>10.2f} {row['b_ms']:>10.2f} {row['b2_ms']:>10.2f} {row['c_ms']:>10.2f} "
          f"{row['a/b']:>6.2f} {row['a/b2']:>6.2f} {row['c/a']:>6.1f} {row['a_peak_mb']:>10.1f} {label}", flush=True)


def _print_phases(row: dict) -> None:
    """Where (a)'s time goes, per file: the worker's phases on one core, and the writing (after the ranking)."""
    work = row["preflight"] + row["read"] + row["check_score"]
    print(f"  N={row['n']}: one core per file: preflight {row['preflight']:.2f} + read {row['read']:.2f} + "
          f"check and score {row['check_score']:.2f} = {work:.2f} ms (b2 {row['b2_ms']:.2f}); "
          f"writing the results {row['write_ms']:.2f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", help="institutions (default 100 1000 5000; with --panel 1000)")
    parser.add_argument("--panel", action="store_true",
                        help="panel mode over N × 3 workbooks against a normal run over 3 × N distinct institutions")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per N, interleaved; the summary is the median")
    parser.add_argument("--phases", action="store_true", help="also time (a)'s phases on one core (one more child per round)")
    parser.add_argument("--wine", action="store_true",
                        help="also time the Windows exe under Wine (dist/windows/tuoyu/, scripts/build_windows.sh)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    if args.panel:
        main_panel(args.n or [1000], args.repeat)
        return
    args.n = args.n or [100, 1000, 5000]
    print(f"cores: {multiprocessing.cpu_count()}; naive (c) timed on at most {NAIVE_MAX_FILES} files per N; "
          f"{args.repeat} interleaved round(s) per N")
    print(HEADER)
    rows = []
    with tempfile.TemporaryDirectory(prefix="tuoyu_bench_") as tmp:
        work = Path(tmp)
        seeds = _seed_workbooks(work, 8)
        for n in args.n:
            row = bench(n, work, seeds, args.repeat, args.phases)
            rows.append(row)
            _print_row(row, "median" if args.repeat > 1 else "")
        if args.phases:
            for row in rows:
                _print_phases(row)
        if args.wine:
            _wine(work, seeds)
    by_n = {r["n"]: r for r in rows}
    if 1000 in by_n and 5000 in by_n:
        print(f"linearity: ms/file at 5000 ÷ ms/file at 1000 = {by_n[5000]['a_ms'] / by_n[1000]['a_ms']:.2f} (1.00 = linear)")
    _templates_and_help()


WINE_FILES = 200


def _wine(work: Path, seeds: list[Path]) -> None:
    """The Windows exe under Wine beside the native program, same files (for information: Wine is not Windows)."""
    exe = ROOT / "dist" / "windows" / "tuoyu" / "tuoyu.exe"
    if not exe.exists():
        print("Wine: dist/windows/tuoyu/tuoyu.exe not built (run `bash scripts/build_windows.sh` first)")
        return
    setup = subprocess.run(["bash", "-c", "source scripts/wine_env.sh && wine_setup_prefix >&2 && env -0"], cwd=ROOT,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    if setup.returncode:
        print(f"Wine: prefix not usable: {setup.stderr.decode(errors='replace')[-500:]}")
        return
    env = dict(item.split("=", 1) for item in setup.stdout.decode().split("\0") if "=" in item)
    env = {k: v for k, v in env.items() if not k.startswith("TUOYU_")}  # isolation on, as officials run it
    folder = make_inputs(work, WINE_FILES, seeds)

    def timed(command: list[str]) -> float:
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=1800)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{command[:2]} failed ({done.returncode}): {done.stderr[-1500:]!r}")
        return time.perf_counter() - start

    def windows(path: Path) -> str:
        return "Z:" + str(path.resolve()).replace("/", "\\")

    star = ["star", "--date", EVAL_DATE.isoformat()]
    native = [sys.executable, "-m", "tuoyu_excel"]
    loader = env.get("WINE_LOADER", "wine")
    try:
        wine_help = timed([loader, str(exe), "--help"])
        wine_star = timed([loader, str(exe), *star, windows(folder), "-o", windows(work / "结果_wine.xlsx")])
        native_star = timed([*native, *star, str(folder), "-o", str(work / "结果_native.xlsx")])
    finally:
        subprocess.run(["bash", "-c", "source scripts/wine_env.sh && wine_stop"], cwd=ROOT, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=120)
    print(f"Wine (information, not a goal): tuoyu.exe --help {wine_help:.2f} s; tuoyu.exe star on {WINE_FILES} files "
          f"{wine_star:.2f} s ({wine_star / WINE_FILES * 1000:.1f} ms/file, isolation on), native `python -m tuoyu_excel "
          f"star` on the same files {native_star:.2f} s ({native_star / WINE_FILES * 1000:.1f} ms/file), "
          f"both including start-up")
    shutil.rmtree(folder)


def _templates_and_help() -> None:
    from tuoyu_excel.intake.rubric_file import load_rubric
    from tuoyu_excel.render.template.workbook import write_template

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for name in ("liuzhou_star", "guangxi_demo_city"):
            write_template(load_rubric(name), Path(tmp))
        print(f"both templates generated in {time.perf_counter() - start:.3f} s (target < 1 s)")
    frozen = ROOT / "dist" / "tuoyu" / "tuoyu"
    if frozen.exists():
        start = time.perf_counter()
        subprocess.run([str(frozen), "--help"], capture_output=True, check=True)
        print(f"frozen CLI --help: {time.perf_counter() - start:.3f} s (target < 2 s)")
    else:
        print("frozen CLI --help: not built (run `.venv/bin/pyinstaller build_exe.spec` first)")


if __name__ == "__main__":
    main()
