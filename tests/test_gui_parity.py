"""Every task, clicked through in the real window under Xvfb, writes the workbook the command line writes.

The window is filled as a person fills it (folders, date; everything optional left empty) and
开始 is pressed; then the same job runs as `tuoyu …`. Cell values are compared on every sheet
(运行信息 aside: it records timing and paths).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest
from test_job_parity import cell_values
from xvfb import virtual_display

from tuoyu_excel.cli.main import main
from tuoyu_excel.gui.model import (
    TASK_CHECK,
    TASK_CITY,
    TASK_REPORT,
    TASK_RUBRIC,
    TASK_STAR,
    TASK_TEMPLATE,
    TaskParams,
)

ROOT = Path(__file__).resolve().parents[1]
STAR, CITY = ROOT / "samples" / "star", ROOT / "samples" / "city"
HISTORY = ROOT / "samples" / "history" / "历史评定.xlsx"
DATE = "2026-11-22"

CASES = {
    "template": (TaskParams(task=TASK_TEMPLATE, template="history"), [["template", "history"]]),
    "check": (TaskParams(task=TASK_CHECK, input_dir=str(CITY), date=DATE), [["check", str(CITY), "--date", DATE]]),
    "report": (TaskParams(task=TASK_REPORT, input_dir=str(STAR), county="城中区", date=DATE),
               [["report", str(STAR), "--county", "城中区", "--date", DATE]]),
    "star": (TaskParams(task=TASK_STAR, input_dir=str(STAR), date=DATE, history=str(HISTORY)),
             [["star", str(STAR), "--date", DATE, "--history", str(HISTORY)]]),
    "city": (TaskParams(task=TASK_CITY, input_dir=str(CITY), date=DATE), [["city", str(CITY), "--date", DATE]]),
    "rubric": (TaskParams(task=TASK_RUBRIC, rubric="guangxi_demo_city", action="export"),
               [["rubric", "export", "guangxi_demo_city"]]),
}


def drive(params: TaskParams, tmp_path: Path, screenshot: Path | None = None) -> dict:
    out = tmp_path / "shown.json"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with virtual_display() as display:
        done = subprocess.run([sys.executable, str(ROOT / "tests" / "gui_driver.py"), "run",
                               json.dumps(asdict(params), ensure_ascii=False), str(out), str(screenshot or "")],
                              env={**env, "DISPLAY": display}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("task", sorted(CASES))
def test_each_task_in_the_window_writes_what_the_cli_writes(task, tmp_path, capsys, monkeypatch):
    params, commands = CASES[task]
    params.output_dir = str(tmp_path / "窗口")
    shown = drive(params, tmp_path)
    assert shown["told"] == [], shown
    assert shown["status"].startswith(f"{params.task}：完成") and shown["outputs"], shown
    cli_out = tmp_path / "命令行"
    cli_out.mkdir()
    monkeypatch.chdir(cli_out)
    for argv in commands:
        assert main(argv) in (0, 1)
    capsys.readouterr()
    window_files = sorted(Path(p).name for p in shown["outputs"])
    assert window_files == sorted(p.name for p in cli_out.iterdir())
    for name in window_files:
        if name.endswith(".xlsx"):
            assert cell_values(tmp_path / "窗口" / name) == cell_values(cli_out / name), name
