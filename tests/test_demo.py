"""``tuoyu demo``: every job on the bundled samples, into one folder, samples only read."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

from support.samples import make_samples

from tuoyu_excel.app import demo as cli_demo
from tuoyu_excel.app.kinds import TEMPLATES
from tuoyu_excel.cli import main as cli
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.render.city_results import results_filename
from tuoyu_excel.render.county.report import report_filename

DEMO_DATE = dt.date.fromisoformat(cli_demo.DEMO_DATE)
SAMPLES = Path(__file__).resolve().parents[1] / "samples"

def _tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def test_demo_runs_every_step_and_writes_every_output(tmp_path, capsys):
    before = _tree_digest(SAMPLES)
    out = tmp_path / "演示结果"
    assert cli.main(["demo", "-o", str(out)]) == 0
    star, city = load_rubric("liuzhou_star"), load_rubric("guangxi_demo_city")
    expected = {TEMPLATES[k].filename(star if TEMPLATES[k].rubric_kind == "star" else city) for k in TEMPLATES}
    expected |= {"校验报告_机构自评_20261122.xlsx", results_filename(DEMO_DATE)}
    # the star rating from the draft to the named list (issue 22): every step's file, the decisions typed in
    expected |= {"星级评定结果_待裁定稿_市级核验_20261122.xlsx", "演示_已填写裁定.xlsx", "星级评定结果_市级核验_20261122.xlsx",
                 "演示_已填写公示核查.xlsx", "星级评定结果_命名_20261204.xlsx", "柳州市星级托育机构名单_20261204.xlsx",
                 "历史评定记录_更新至20261204.xlsx"}
    expected |= {"星级评定结果_多人评分_市级核验_20261122.xlsx"}  # samples/panel with --panel (issue 25)
    expected |= {report_filename(c, DEMO_DATE) for c in star.star.districts}  # the samples cover all ten
    written = {p.name for p in out.iterdir()}
    assert written == expected  # every name carries the samples' date, never today's
    assert not [n for n in written if re.search(r"[A-Za-z]", n.removesuffix(".xlsx"))]  # Chinese names only
    printed = capsys.readouterr().out
    assert all(str((out / n).resolve()) in printed for n in written)  # the closing list names every file
    assert "无法运行" not in printed
    assert "命名：2026年12月4日命名星级托育机构 29 家" in printed and "经公示核查不予命名 1 家" in printed
    # the panel step: 3 assessors × 40 institutions, averaged, each listed with the three totals (samples/README.md)
    assert "共读取 120 个文件" in printed and "多人评分（各机构评分人数）：3 位评分人 40 家" in printed
    listed = [line.strip() for line in printed.splitlines() if re.match(r"\s+(城区|县)第 \d+ 名 ", line)]
    assert len(listed) == 40
    assert "城区第 1 名 柳州市柳南区小星星托育园：莫志强 964、韦海燕 968、黄秋萍 967 → 966.34，三星级" in listed
    assert "县第 12 名 融安县育英托育中心：莫志强 827、韦海燕 830.5、黄秋萍 824 → 827.17，一星级" in listed
    assert sum("差异较大：" in line for line in printed.splitlines()) == 3
    assert _tree_digest(SAMPLES) == before  # inputs are only read


# ---- the shell itself, with the jobs stubbed (runs whatever else exists) ---------------------------


class _Outcome:
    def __init__(self, title: str, path: Path):
        self.lines = [f"{title} 完成"]
        self.outputs = [path]


def test_a_step_that_cannot_run_is_reported_and_the_rest_still_run(tmp_path, monkeypatch, capsys):
    calls = []

    def fake_run(params):
        calls.append((params.job, params.county))
        if params.job == "star":
            raise ImportError("cannot import name 'summary_lines'")
        path = tmp_path / f"{params.job}{params.county}.xlsx"
        path.write_bytes(b"")
        return _Outcome(params.job, path)

    monkeypatch.setattr(cli_demo, "run_job", fake_run)
    monkeypatch.setattr(cli_demo, "counties_in", lambda folder: ["城中区", "鹿寨县"])
    assert cli.main(["demo", "-o", str(tmp_path)]) == 2
    printed = capsys.readouterr().out
    # the star rating's three runs (draft, final, naming) and the panel run each fail; the two filling steps
    # find no workbook
    assert [t for t, _ in calls] == ["template", "check", "report", "report", "star", "star", "star", "star", "city"]
    assert [c for t, c in calls if c] == ["城中区", "鹿寨县"]
    assert "无法运行：程序不完整" in printed and "有 6 步无法运行" in printed
    assert str((tmp_path / "city.xlsx").resolve()) in printed
    assert "已跳过 ~$" in printed  # the Office lock file among the samples


def test_demo_date_is_the_samples_date():
    assert make_samples().EVAL_DATE == DEMO_DATE
    assert cli_demo.DEMO_DATE in (SAMPLES / "README.md").read_text(encoding="utf-8")


def test_bundled_path_from_source_and_when_frozen(tmp_path, monkeypatch):
    assert cli_demo.bundled_path("samples") == SAMPLES
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert cli_demo.bundled_path("samples", "star") == tmp_path / "samples" / "star"


def test_missing_samples_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli_demo, "bundled_path", lambda *parts: tmp_path.joinpath(*parts))
    assert cli.main(["demo", "-o", str(tmp_path / "out")]) == 2
    assert "找不到内置样例文件夹" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_demo_from_an_installed_package(tmp_path):
    """`pip install .` then `tuoyu demo`: the samples travel inside the package (tuoyu_excel/samples)."""
    wheels, target = tmp_path / "wheel", tmp_path / "site"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                            "-w", str(wheels), str(SAMPLES.parent)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = wheels.glob("*.whl")
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                                str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    assert (target / "tuoyu_excel" / "samples" / "star").is_dir()
    out = tmp_path / "演示 结果"
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run([sys.executable, "-c", "import sys, tuoyu_excel; print(tuoyu_excel.__file__); "
                          "from tuoyu_excel.cli.main import main; sys.exit(main(['demo', '-o', sys.argv[1]]))", str(out)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert run.stdout.splitlines()[0].startswith(str(target)), run.stdout[:300]
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "找不到内置样例文件夹" not in run.stdout + run.stderr
    assert any(p.name.startswith("星级评定结果") for p in out.iterdir())
