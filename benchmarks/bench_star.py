"""Benchmark: `tuoyu star` end to end against the floor and against the naive approach.

    .venv/bin/python benchmarks/bench_star.py            # N = 100, 1000, 5000
    .venv/bin/python benchmarks/bench_star.py --n 100 1000
    .venv/bin/python benchmarks/bench_star.py --panel            # panel mode: N = 1000 → 3 × 1000 workbooks

For each N it makes N filled star workbooks (distinct institutions: a few filled
templates, copied with a new credit code and name patched into the xlsx), then times
side by side, in one run:
  (a) tuoyu star end to end: read, validate, score, rank, write the results workbook;
  (b) the floor: python-calamine reading the same 评分表 cells and nothing else;
  (c) the naive approach: a pandas.read_excel loop with default settings summing the score column.
It prints ms per file, the ratios a/b and c/a, and peak memory (RSS high-water mark of a
child process per measurement). The machine is shared: with --repeat R (default 3) the three are
measured R times, interleaved (a b c, a b c, …), each round printed, and the summary row is the
median of each column over the rounds, so one slow minute neither makes nor breaks a figure. Each measurement imports its libraries before its clock starts. Not part of the test suite: figures, not pass/fail.
Targets (issue 7): a/b ≤ 2.0 at N = 1000; c/a ≥ 10; linear from 1000 to 5000; peak < 300 MB at 5000.

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
    write_star_results(result, Path(out))
    assert sum(1 for f in result.run.files if f.card is not None) == len(result.run.files)


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


def measure_naive(folder: str, out: str) -> None:
    import pandas as pd

    totals = {}
    for path in sorted(Path(folder).glob("*.xlsx"))[:NAIVE_MAX_FILES]:
        frame = pd.read_excel(path, sheet_name="评分表", header=2)
        totals[path.name] = pd.to_numeric(frame["市级核验得分"], errors="coerce").sum()


MEASURES = {"tuoyu": measure_tuoyu, "panel": measure_panel, "floor": measure_floor, "naive": measure_naive}
# Imported before the clock starts, for all three alike: the figures are the work per file, not the
# interpreter's start-up (the frozen program's start-up is timed on its own, below).
IMPORTS = {"tuoyu": ("tuoyu_excel.render.star.workbook", "tuoyu_excel.intake.rubric_file", "tuoyu_excel.core.star.rating"),
           "panel": ("tuoyu_excel.render.star.workbook", "tuoyu_excel.intake.rubric_file", "tuoyu_excel.core.star.rating"),
           "floor": ("python_calamine",),
           "naive": ("pandas", "openpyxl")}  # openpyxl: the engine pandas.read_excel picks for .xlsx


def _child(kind: str, folder: str, out: str) -> None:
    for module in IMPORTS[kind]:
        importlib.import_module(module)
    start = time.perf_counter()
    MEASURES[kind](folder, out)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": max(peak_kb, children_kb) / 1024}))


def run_child(kind: str, folder: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(folder), str(out)],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"measurement {kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(n: int, work: Path, seeds: list[Path], repeat: int) -> dict:
    folder = make_inputs(work, n, seeds)
    c_files = min(n, NAIVE_MAX_FILES)
    rounds = []
    for k in range(repeat):
        a = run_child("tuoyu", folder, work / f"结果_{n}.xlsx")
        b = run_child("floor", folder, work)
        c = run_child("naive", folder, work)
        row = {"n": n, "a_ms": a["seconds"] / n * 1000, "b_ms": b["seconds"] / n * 1000,
               "c_ms": c["seconds"] / c_files * 1000, "a_peak_mb": a["peak_mb"]}
        row["a/b"] = row["a_ms"] / row["b_ms"]
        row["c/a"] = row["c_ms"] / row["a_ms"]
        rounds.append(row)
        if repeat > 1:
            _print_row(row, f"#{k + 1}")
    shutil.rmtree(folder)
    if repeat == 1:
        return rounds[0]
    summary = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
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


def _print_row(row: dict, label: str = "") -> None:
    print(f"{row['n']:>6} {row['a_ms']:>10.2f} {row['b_ms']:>10.2f} {row['c_ms']:>10.2f} {row['a/b']:>6.2f} "
          f"{row['c/a']:>6.1f} {row['a_peak_mb']:>10.1f} {label}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", help="institutions (default 100 1000 5000; with --panel 1000)")
    parser.add_argument("--panel", action="store_true",
                        help="panel mode over N × 3 workbooks against a normal run over 3 × N distinct institutions")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per N, interleaved; the summary is the median")
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
    print(f"{'N':>6} {'a ms/file':>10} {'b ms/file':>10} {'c ms/file':>10} {'a/b':>6} {'c/a':>6} {'a peak MB':>10}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="tuoyu_bench_") as tmp:
        work = Path(tmp)
        seeds = _seed_workbooks(work, 8)
        for n in args.n:
            row = bench(n, work, seeds, args.repeat)
            rows.append(row)
            _print_row(row, "median" if args.repeat > 1 else "")
    by_n = {r["n"]: r for r in rows}
    if 1000 in by_n and 5000 in by_n:
        print(f"linearity: ms/file at 5000 ÷ ms/file at 1000 = {by_n[5000]['a_ms'] / by_n[1000]['a_ms']:.2f} (1.00 = linear)")
    _templates_and_help()


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
