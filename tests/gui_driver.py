"""Drive the real window in a child process (tests/test_gui.py starts it under Xvfb).

A child process, because Tk keeps its X connection for the life of the interpreter: stopping
Xvfb under a live interpreter makes Xlib end the whole process.
Usage: python tests/gui_driver.py SCENARIO JSON_PARAMS OUT_JSON [SCREENSHOT [SCALING]]
Prints nothing; writes what the window showed to OUT_JSON.
Scenarios:
  "refuse"          nothing may run (the form is incomplete);
  "again:<button>"  run the task twice; the second run meets its own output and the driver clicks
                    <button> (覆盖, 另存为新文件 or 取消) in the window's dialog with xdotool;
  "tasks"           click through every task, recording the window's size, where the fields sit
                    and which rule each task shows;
  "open"            run the task, then press 打开结果表格 (no default program on the test machine);
  anything else     run the task once.
The window's messages (dialogs.tell) are recorded instead of shown.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tkinter as tk
from pathlib import Path

from tuoyu_excel.gui import dialogs
from tuoyu_excel.gui.model import TASKS, Settings, TaskParams
from tuoyu_excel.gui.window import OPEN_CHECK_MS, App


def _settle(root, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        root.update()
        time.sleep(0.02)


def _wait(root, app, seconds: float = 300) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        root.update()
        text = app.status.cget("text")
        if str(app.start["state"]) == "normal" and text != "准备就绪。" and not text.startswith(("正在", "已处理")):
            return
        time.sleep(0.05)
    raise SystemExit("the window did not finish the task in time")


def _box(widget) -> list[int]:
    """(left, top, right, bottom) of a widget on the screen."""
    x, y = widget.winfo_rootx(), widget.winfo_rooty()
    return [x, y, x + widget.winfo_width(), y + widget.winfo_height()]


def _click_when_asked(root, button: str, seen: dict, screenshot: str) -> None:
    """Once the window's dialog is up: note what it says (and take the screenshot with it), click
    `button` with the real mouse (xdotool)."""
    dialog = dialogs.last_dialog
    if dialog is None or not dialog.top.winfo_viewable():
        root.after(100, _click_when_asked, root, button, seen, screenshot)
        return
    _settle(root, 0.3)
    if screenshot:
        _grab(screenshot)
    seen["asked"].append({"head": dialog.head.cget("text"), "lines": [lb.cget("text") for lb in dialog.labels],
                          "buttons": list(dialog.buttons), "name_box": _box(dialog.labels[0]),
                          "dialog_box": _box(dialog.top)})
    left, top, right, bottom = _box(dialog.buttons[button])
    subprocess.run(["xdotool", "mousemove", str((left + right) // 2), str((top + bottom) // 2), "click", "1"],
                   check=True, timeout=30)


def _grab(path: str) -> None:
    from PIL import ImageGrab  # only a scenario with a screenshot needs Pillow's grabber

    ImageGrab.grab(xdisplay=None).save(path)


def _tasks(root, app) -> list[dict]:
    """Every task in turn: the window's size, the fields' places, the rule it names."""
    seen = []
    for name in TASKS:
        app.task.set(name)
        app._on_task_change()
        _settle(root, 0.2)
        form = app.form
        seen.append({"task": name, "size": [root.winfo_width(), root.winfo_height()],
                     "output_entry": _box(form.frame.grid_slaves(row=form.first + 7, column=1)[0]),
                     "open_file": _box(app.open_file), "rule_note": form.rule_note.cget("text"),
                     "rule_file": form.rubric_file.get(), "rule_choice": form.rubric_choice.get(),
                     "output_dir": form.vars["output_dir"].get()})
    return seen


def main(scenario: str, params: str, out: str, screenshot: str = "", scaling: str = "") -> None:
    shown: dict[str, list] = {"told": [], "asked": []}
    dialogs.tell = lambda root, title, text, icon="warn": shown["told"].append(f"{title}|{text}")
    root = tk.Tk()
    if scaling:
        root.tk.call("tk", "scaling", float(scaling) * float(root.tk.call("tk", "scaling")))
    calls = []
    given = json.loads(params)
    settings = Settings.of(TaskParams(**given)) if isinstance(given, dict) else Settings.load()
    app = (App(root, settings, run_task=lambda p, progress: calls.append(p)) if scenario == "refuse"
           else App(root, settings))
    _settle(root)
    result: dict = {}
    if scenario == "tasks":
        result["tasks"] = _tasks(root, app)
    else:
        app.start.invoke()
        if scenario == "refuse":
            root.update()
        else:
            _wait(root, app)
    if scenario.startswith("again:"):
        result["first_status"] = app.status.cget("text")
        # a file replaced in place gets a new inode
        result["first_outputs"] = [Path(p).name for p in app.outcome.outputs]
        result["first_inodes"] = {Path(p).name: Path(p).stat().st_ino for p in app.outcome.outputs}
        root.after(200, _click_when_asked, root, scenario.partition(":")[2], shown, screenshot)
        screenshot = ""  # taken with the dialog on screen
        app.start.invoke()  # the same task again: its results file is there now
        _wait(root, app)
    if scenario == "open":
        result["before"] = app.status.cget("text")
        app.open_file.invoke()
        _settle(root, OPEN_CHECK_MS / 1000 + 1)  # the opener's exit status is looked at after OPEN_CHECK_MS
    _settle(root)
    if screenshot:
        _grab(screenshot)
    result.update({
        **shown, "calls": len(calls), "summary": app.shown_text(), "status": app.status.cget("text"),
        "status_colour": str(app.status.cget("foreground")), "open_file": str(app.open_file["state"]),
        "open_label": app.open_file.cget("text"), "open_box": _box(app.open_file), "open_dir_box": _box(app.open_dir),
        "window": [root.winfo_rootx(), root.winfo_rooty(), root.winfo_width(), root.winfo_height()],
        "screen": [root.winfo_screenwidth(), root.winfo_screenheight()],
        "outputs": [str(p) for p in (app.outcome.outputs if app.outcome else [])],
        "tags": {tag: app.summary.get(*app.summary.tag_ranges(tag)[:2]) if app.summary.tag_ranges(tag) else ""
                 for tag in ("action", "warn")},
    })
    Path(out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    root.destroy()


if __name__ == "__main__":
    main(*sys.argv[1:])
