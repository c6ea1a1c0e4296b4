"""Drive the real window in a child process (tests/test_gui.py starts it under Xvfb).

A child process, because Tk keeps its X connection for the life of the interpreter: stopping
Xvfb under a live interpreter makes Xlib end the whole process.
Usage: python tests/gui_driver.py SCENARIO JSON_PARAMS OUT_JSON [SCREENSHOT]
Prints nothing; writes what the window showed to OUT_JSON.
Scenarios: "refuse" (nothing may run), "again:yes|no|cancel" (run the task twice; the second run meets
its own output and the official answers the 覆盖/另存为/取消 question with 是/否/取消), anything else
(run the task once).
"""

from __future__ import annotations

import json
import sys
import time
import tkinter as tk
from pathlib import Path
from tkinter import messagebox

from tuoyu_excel.gui.model import Settings, TaskParams
from tuoyu_excel.gui.window import App


def _wait(root, app, seconds: float = 300) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        root.update()
        text = app.status.cget("text")
        if str(app.start["state"]) == "normal" and text != "准备就绪。" and not text.startswith(("正在", "已处理")):
            return
        time.sleep(0.05)
    raise SystemExit("the window did not finish the task in time")


def main(scenario: str, params: str, out: str, screenshot: str = "") -> None:
    shown: dict[str, list[str]] = {"warnings": [], "errors": []}
    messagebox.showwarning = lambda title, msg, **kw: shown["warnings"].append(f"{title}|{msg}")
    messagebox.showerror = lambda title, msg, **kw: shown["errors"].append(f"{title}|{msg}")
    asked: list[str] = []
    answer = {"again:yes": True, "again:no": False, "again:cancel": None}.get(scenario)
    messagebox.askyesnocancel = lambda title, msg, **kw: asked.append(f"{title}|{msg}") or answer
    root = tk.Tk()
    calls = []
    settings = Settings(TaskParams(**json.loads(params)))
    app = (App(root, settings, run_task=lambda p, progress: calls.append(p)) if scenario == "refuse"
           else App(root, settings))
    root.update()
    app.start.invoke()
    if scenario == "refuse":
        root.update()
    else:
        _wait(root, app)
    if scenario.startswith("again:"):
        first = app.status.cget("text")
        written = Path(app.outcome.outputs[0])
        shown["first_inode"] = [str(written.stat().st_ino)]  # a file replaced in place gets a new one
        app.start.invoke()  # the same task again: its results file is there now
        _wait(root, app)
        shown["first_status"] = [first]
    root.update()
    time.sleep(0.3)
    root.update()
    if screenshot:
        from PIL import ImageGrab

        ImageGrab.grab(xdisplay=None).save(screenshot)
    result = {
        **shown, "asked": asked, "calls": len(calls), "summary": app.summary.get("1.0", "end"), "status": app.status.cget("text"),
        "open_file": str(app.open_file["state"]),
        "outputs": [str(p) for p in (app.outcome.outputs if app.outcome else [])],
    }
    Path(out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    root.destroy()


if __name__ == "__main__":
    main(*sys.argv[1:])
