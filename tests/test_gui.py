"""The desktop window, driven for real under Xvfb: a star rating on the bundled samples.

The test starts its own Xvfb, builds the real window, fills it in, presses 开始, waits
for the worker thread, then checks the results workbook and the summary text, and saves
a screenshot to test-artifacts/gui_star.png.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import openpyxl
import pytest
from xvfb import virtual_display

from tuoyu_excel.gui.model import TASK_STAR, TASK_TEMPLATE, Settings, TaskParams, problems, stage_choices

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def test_model_needs_folders_and_a_stage(tmp_path):
    p = TaskParams(task=TASK_STAR, input_dir=str(tmp_path / "无此文件夹"), output_dir="", stage="", date="2026-13-01")
    msgs = problems(p)
    assert "请选择存放已填表格的输入文件夹。" in msgs
    assert "请选择输出文件夹。" in msgs
    assert any("评定日期“2026-13-01”无效" in m for m in msgs)
    assert [k for k, _ in stage_choices(TaskParams(task=TASK_STAR))] == ["county", "city"]
    assert problems(TaskParams(task=TASK_TEMPLATE, output_dir=str(tmp_path))) == []


def test_settings_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    Settings(TaskParams(task=TASK_STAR, input_dir="D:/托育 表格", output_dir="D:/结果")).save(path)
    assert Settings.load(path).last.input_dir == "D:/托育 表格"
    path.write_text("{坏的", encoding="utf-8")
    assert Settings.load(path).last == TaskParams()


def drive(scenario: str, params: TaskParams, tmp_path: Path, screenshot: Path | None = None) -> dict:
    """Run the window in a child process under a fresh Xvfb; return what it showed."""
    out = tmp_path / "shown.json"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with virtual_display() as display:
        done = subprocess.run([sys.executable, str(ROOT / "tests" / "gui_driver.py"), scenario,
                               json.dumps(asdict(params), ensure_ascii=False), str(out), str(screenshot or "")],
                              env={**env, "DISPLAY": display}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_star_rating_through_the_window(tmp_path):
    samples = ROOT / "samples" / "star"
    assert samples.is_dir(), "samples/star is missing: run scripts/make_samples.py"
    out = tmp_path / "结果 文件夹"
    ARTIFACTS.mkdir(exist_ok=True)
    params = TaskParams(task=TASK_STAR, input_dir=str(samples), output_dir=str(out), date="2026-11-22",
                        history=str(ROOT / "samples" / "history" / "历史评定.xlsx"))
    shown = drive("star", params, tmp_path, ARTIFACTS / "gui_star.png")
    assert shown["errors"] == [] and shown["warnings"] == []
    assert shown["status"] == "星级评定：完成。"
    results = Path(shown["outputs"][0])
    assert results.exists() and results.parent == out
    wb = openpyxl.load_workbook(results, read_only=True)
    assert "星级评定结果" in wb.sheetnames and "待裁定" in wb.sheetnames and "公示" not in wb.sheetnames  # a draft
    summary = shown["summary"]
    assert "结果工作簿：" in summary and "城区：三星级" in summary and "待裁定" in summary
    assert shown["open_file"] == "normal"
    assert (tmp_path / "config" / "tuoyu_excel" / "settings.json").exists()
    assert (ARTIFACTS / "gui_star.png").stat().st_size > 10_000


def test_window_refuses_to_start_without_folders(tmp_path):
    shown = drive("refuse", TaskParams(task=TASK_STAR), tmp_path)
    assert shown["calls"] == 0
    assert shown["warnings"] and shown["warnings"][0].startswith("还不能开始|") and "输入文件夹" in shown["warnings"][0]


@pytest.mark.parametrize(("answer", "files", "status"), [
    ("yes", ["星级评定结果_待裁定稿_市级核验_20261122.xlsx"], "星级评定：完成。"),
    ("no", ["星级评定结果_待裁定稿_市级核验_20261122(2).xlsx", "星级评定结果_待裁定稿_市级核验_20261122.xlsx"], "星级评定：完成。"),
    ("cancel", ["星级评定结果_待裁定稿_市级核验_20261122.xlsx"], "已取消，没有写入任何文件。"),
])
def test_an_existing_results_file_is_the_officials_choice(tmp_path, answer, files, status):
    """The window runs the same task twice: the second run finds its results file and asks
    覆盖（是）/ 另存为（否）/ 取消; nothing is overwritten unless 是 was chosen."""
    out = tmp_path / "结果"
    params = TaskParams(task=TASK_STAR, input_dir=str(ROOT / "samples" / "star"), output_dir=str(out),
                        date="2026-11-22", history=str(ROOT / "samples" / "history" / "历史评定.xlsx"))
    shown = drive(f"again:{answer}", params, tmp_path)
    assert shown["first_status"] == ["星级评定：完成。"]
    assert len(shown["asked"]) == 1 and "星级评定结果_待裁定稿_市级核验_20261122.xlsx 已存在" in shown["asked"][0]
    assert "是：覆盖它" in shown["asked"][0] and "否：另存为新文件名" in shown["asked"][0]
    assert shown["errors"] == [] and shown["status"] == status
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".xlsx") == files
    for name in files:
        assert openpyxl.load_workbook(out / name, read_only=True).sheetnames[0] == "汇总"
    replaced = str((out / files[-1]).stat().st_ino) != shown["first_inode"][0]
    assert replaced == (answer == "yes")  # 是 replaced the first run's file; 否 and 取消 left it as it was
