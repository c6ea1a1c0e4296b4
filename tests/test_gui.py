"""The desktop window, driven for real under Xvfb: a star rating on the bundled samples.

The test starts its own Xvfb, builds the real window, fills it in, presses 开始, waits
for the worker thread, then checks the results workbook and the summary text, and saves
a screenshot to test-artifacts/gui_star.png.
"""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import pytest
from xvfb import virtual_display

from tuoyu_excel.gui_model import TASK_STAR, TASK_TEMPLATE, Settings, TaskParams, problems, stage_choices

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def test_model_needs_folders_and_a_stage(tmp_path):
    p = TaskParams(task=TASK_STAR, input_dir=str(tmp_path / "无此文件夹"), output_dir="", stage="", date="2026-13-01")
    msgs = problems(p)
    assert "请选择存放已填表格的输入文件夹。" in msgs
    assert "请选择输出文件夹。" in msgs
    assert any("评定日期“2026-13-01”无效" in m for m in msgs)
    assert [k for k, _ in stage_choices(TASK_STAR)] == ["county", "city"]
    assert problems(TaskParams(task=TASK_TEMPLATE, output_dir=str(tmp_path))) == []


def test_settings_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    Settings(TaskParams(task=TASK_STAR, input_dir="D:/托育 表格", output_dir="D:/结果")).save(path)
    assert Settings.load(path).last.input_dir == "D:/托育 表格"
    path.write_text("{坏的", encoding="utf-8")
    assert Settings.load(path).last == TaskParams()


def _wait(root, app, seconds: float = 300) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        root.update()
        if str(app.start["state"]) == "normal" and app.status.cget("text") != "准备就绪。" \
                and not app.status.cget("text").startswith(("正在", "已处理")):
            return
        time.sleep(0.05)
    raise AssertionError("the window did not finish the task in time")


def test_star_rating_through_the_window(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    samples = ROOT / "samples" / "star"
    assert samples.is_dir(), "samples/star is missing: run scripts/make_samples.py"
    out = tmp_path / "结果 文件夹"
    errors = []
    with virtual_display() as display:
        import tkinter as tk
        from tkinter import messagebox

        from tuoyu_excel.gui import App

        # a modal dialog would block the test forever: record it instead
        monkeypatch.setattr(messagebox, "showerror", lambda title, msg, **kw: errors.append(msg))

        root = tk.Tk()
        try:
            app = App(root, Settings(TaskParams(task=TASK_STAR, input_dir=str(samples), output_dir=str(out),
                                                date="2026-11-22",
                                                history=str(ROOT / "samples" / "history" / "历史评定.xlsx"))))
            app.stage_box.current(1)  # 市级核验
            root.update()
            app.start.invoke()
            _wait(root, app)
            summary = app.summary.get("1.0", "end")
            open_state = str(app.open_file["state"])
            ARTIFACTS.mkdir(exist_ok=True)
            root.update()
            time.sleep(0.3)
            root.update()
            from PIL import ImageGrab

            ImageGrab.grab(xdisplay=display).save(ARTIFACTS / "gui_star.png")
        finally:
            root.destroy()
    assert not errors, errors
    assert app.outcome is not None, summary
    results = app.outcome.outputs[0]
    assert results.exists() and results.parent == out
    wb = openpyxl.load_workbook(results, read_only=True)
    assert "星级评定结果" in wb.sheetnames and "公示名单" in wb.sheetnames
    assert "结果表格：" in summary and "星级" in summary
    assert open_state == "normal"
    assert (tmp_path / "config" / "tuoyu_excel" / "settings.json").exists()


@pytest.mark.parametrize("task", [TASK_STAR])
def test_window_refuses_to_start_without_folders(tmp_path, monkeypatch, task):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    shown = []
    with virtual_display():
        import tkinter as tk
        from tkinter import messagebox

        from tuoyu_excel.gui import App

        monkeypatch.setattr(messagebox, "showwarning", lambda title, msg, **kw: shown.append((title, msg)))
        root = tk.Tk()
        try:
            calls = []
            app = App(root, Settings(TaskParams(task=task)), run_task=lambda p, progress: calls.append(p))
            app.start.invoke()
            root.update()
        finally:
            root.destroy()
    assert calls == []
    assert shown and shown[0][0] == "还不能开始" and "输入文件夹" in shown[0][1]
