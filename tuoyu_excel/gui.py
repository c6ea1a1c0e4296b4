"""The desktop window (tkinter: ships with Python, bundles cleanly). A thin view.

One window in Chinese: pick the task, the folders, the stage/date/county where
they apply, press 开始. Work runs on a worker thread and reports progress through
a queue polled by the UI thread, so the window never freezes. Errors show in a
plain-Chinese dialog and go to a log file next to the output.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import traceback
from pathlib import Path

from . import __version__
from .errors import TuoyuError
from .gui_model import (
    NEEDS,
    TASK_STAR,
    TASKS,
    Settings,
    TaskParams,
    county_choices,
    problems,
    stage_choices,
)
from .platform_support import open_with_default_program as open_path
from .platform_support import setup_console_streams, ui_font

LOG_NAME = "tuoyu_运行日志.txt"
log = logging.getLogger("tuoyu_excel.gui")


class App:
    """The main window. `run_task` is injectable for tests."""

    def __init__(self, root, settings: Settings | None = None, run_task=None):
        import tkinter as tk
        from tkinter import ttk

        from .tasks import run_task as default_run

        self.tk, self.ttk, self.root = tk, ttk, root
        self.settings = settings or Settings.load()
        self.run_task = run_task or default_run
        self.events: queue.Queue = queue.Queue()
        self.outcome = None
        root.title(f"托育评定 Excel 工具 {__version__}")
        root.minsize(760, 560)
        root.report_callback_exception = self._on_crash
        self._build(self.settings.last)
        self._on_task_change()

    # ---- layout ------------------------------------------------------------------------------
    def _build(self, last: TaskParams) -> None:
        tk, ttk = self.tk, self.ttk
        frame = ttk.Frame(self.root, padding=12)
        frame.pack(fill="both", expand=True)
        frame.columnconfigure(1, weight=1)
        self.task = tk.StringVar(value=last.task)
        tasks = ttk.LabelFrame(frame, text="选择要做的事", padding=8)
        tasks.grid(row=0, column=0, columnspan=3, sticky="ew")
        for n, name in enumerate(TASKS):
            ttk.Radiobutton(tasks, text=name, value=name, variable=self.task,
                            command=self._on_task_change).grid(row=0, column=n, padx=8)
        self.input_dir = tk.StringVar(value=last.input_dir)
        self.output_dir = tk.StringVar(value=last.output_dir)
        self.stage = tk.StringVar()
        self.date = tk.StringVar(value=last.date or dt.date.today().isoformat())
        self.county = tk.StringVar(value=last.county)
        self.history = tk.StringVar(value=last.history)
        self.rows = {}
        self.rows["input"] = self._folder_row(frame, 1, "输入文件夹（已填表格）：", self.input_dir)
        self.stage_box = self._combo_row(frame, 2, "评分阶段：", self.stage, "stage")
        self.county_box = self._combo_row(frame, 3, "县区：", self.county, "county")
        self.county_box["values"] = county_choices()
        self.rows["date"] = self._entry_row(frame, 4, "评定日期：", self.date)
        self.rows["history"] = self._folder_row(frame, 5, "历史评定记录（可选）：", self.history, file=True)
        self.rows["output"] = self._folder_row(frame, 6, "输出文件夹：", self.output_dir)
        self._build_actions(frame)

    def _label(self, frame, row: int, text: str):
        label = self.ttk.Label(frame, text=text)
        label.grid(row=row, column=0, sticky="w", pady=4)
        return label

    def _folder_row(self, frame, row: int, text: str, var, file: bool = False):
        label = self._label(frame, row, text)
        entry = self.ttk.Entry(frame, textvariable=var)
        entry.grid(row=row, column=1, sticky="ew", padx=6)
        button = self.ttk.Button(frame, text="浏览…", command=lambda: self._browse(var, file))
        button.grid(row=row, column=2)
        return (label, entry, button)

    def _entry_row(self, frame, row: int, text: str, var):
        label = self._label(frame, row, text)
        entry = self.ttk.Entry(frame, textvariable=var, width=14)
        entry.grid(row=row, column=1, sticky="w", padx=6)
        return (label, entry)

    def _combo_row(self, frame, row: int, text: str, var, key: str):
        label = self._label(frame, row, text)
        box = self.ttk.Combobox(frame, textvariable=var, state="readonly", width=24)
        box.grid(row=row, column=1, sticky="w", padx=6)
        self.rows[key] = (label, box)
        return box

    def _build_actions(self, frame) -> None:
        ttk = self.ttk
        self.start = ttk.Button(frame, text="开始", command=self.on_start)
        self.start.grid(row=7, column=0, columnspan=3, pady=(10, 4), ipadx=30)
        self.progress = ttk.Progressbar(frame, mode="determinate")
        self.progress.grid(row=8, column=0, columnspan=3, sticky="ew")
        self.status = ttk.Label(frame, text="准备就绪。")
        self.status.grid(row=9, column=0, columnspan=3, sticky="w", pady=4)
        self.summary = self.tk.Text(frame, height=14, wrap="word", font=ui_font(self.root, 10))
        self.summary.grid(row=10, column=0, columnspan=3, sticky="nsew")
        scroll = ttk.Scrollbar(frame, orient="vertical", command=self.summary.yview)
        scroll.grid(row=10, column=3, sticky="ns")
        self.summary.configure(yscrollcommand=scroll.set)
        frame.rowconfigure(10, weight=1)
        self.summary.configure(state="disabled")
        buttons = ttk.Frame(frame)
        buttons.grid(row=11, column=0, columnspan=3, pady=(6, 0))
        self.open_file = ttk.Button(buttons, text="打开结果表格", state="disabled", command=self._open_result)
        self.open_dir = ttk.Button(buttons, text="打开所在文件夹", state="disabled", command=self._open_folder)
        self.open_file.pack(side="left", padx=6)
        self.open_dir.pack(side="left", padx=6)

    # ---- behaviour ---------------------------------------------------------------------------
    def _browse(self, var, file: bool = False) -> None:
        from tkinter import filedialog

        start = var.get() or str(Path.home())
        if file:
            chosen = filedialog.askopenfilename(initialdir=str(Path(start).parent), parent=self.root,
                                                filetypes=[("表格文件", "*.xlsx *.xls *.ods"), ("全部文件", "*")])
        else:
            chosen = filedialog.askdirectory(initialdir=start, parent=self.root)
        if chosen:
            var.set(chosen)

    def _on_task_change(self) -> None:
        task = self.task.get()
        need = NEEDS[task]
        for key, widgets in self.rows.items():
            for w in widgets:
                (w.grid if key in need else w.grid_remove)()
        stages = stage_choices(task)
        self.stage_box["values"] = [f"{label}（{key}）" for key, label in stages]
        keys = [k for k, _ in stages]
        last = self.settings.last.stage
        if stages:
            self.stage_box.current(keys.index(last) if last in keys else (len(keys) - 1 if task == TASK_STAR else 0))

    def params(self) -> TaskParams:
        stage_text = self.stage.get()
        stage = stage_text[stage_text.rfind("（") + 1:-1] if "（" in stage_text else ""
        return TaskParams(task=self.task.get(), input_dir=self.input_dir.get().strip(),
                          output_dir=self.output_dir.get().strip(), stage=stage, date=self.date.get().strip(),
                          county=self.county.get(), history=self.history.get().strip())

    def on_start(self) -> None:
        from tkinter import messagebox

        params = self.params()
        missing = problems(params)
        if missing:
            messagebox.showwarning("还不能开始", "\n".join(missing), parent=self.root)
            return
        self.settings.last = params
        self.settings.save()
        self.start.configure(state="disabled")
        self.open_file.configure(state="disabled")
        self.open_dir.configure(state="disabled")
        self.progress.configure(value=0, maximum=1)
        self._set_summary("")
        self.status.configure(text=f"正在{params.task}……")
        threading.Thread(target=self._work, args=(params,), daemon=True).start()
        self.root.after(100, self._poll)

    def _work(self, params: TaskParams) -> None:
        def progress(done: int, total: int, name: str) -> None:
            self.events.put(("progress", done, total, name))

        try:
            self.events.put(("done", self.run_task(params, progress)))
        except TuoyuError as exc:
            self.events.put(("error", str(exc), ""))
        except Exception as exc:  # a bug: show it plainly, log the traceback
            self.events.put(("error", f"程序出现意外错误：{exc}", traceback.format_exc()))

    def _poll(self) -> None:
        try:
            while True:
                event = self.events.get_nowait()
                if self._handle(event):
                    return
        except queue.Empty:
            self.root.after(100, self._poll)

    def _handle(self, event) -> bool:
        """Apply one worker event; True when the task has ended."""
        if event[0] == "progress":
            _, done, total, name = event
            self.progress.configure(maximum=max(total, 1), value=done)
            self.status.configure(text=f"已处理 {done}/{total}：{name}")
            return False
        self.start.configure(state="normal")
        if event[0] == "done":
            self._show_outcome(event[1])
        else:
            self._show_error(event[1], event[2])
        return True

    def _show_outcome(self, outcome) -> None:
        self.outcome = outcome
        self.progress.configure(value=self.progress["maximum"])
        self.status.configure(text=f"{outcome.title}：完成。")
        self._set_summary("\n".join(outcome.lines))
        if outcome.outputs:
            self.open_file.configure(state="normal")
            self.open_dir.configure(state="normal")
        self._log(f"{outcome.title} 完成\n" + "\n".join(outcome.lines))

    def _show_error(self, message: str, trace: str) -> None:
        from tkinter import messagebox

        self.status.configure(text="未能完成。")
        self._set_summary(message)
        where = self._log(message + ("\n" + trace if trace else ""))
        extra = f"\n\n详细记录已保存到：{where}" if where else ""
        messagebox.showerror("未能完成", message + extra, parent=self.root)

    def _on_crash(self, exc_type, exc, tb) -> None:
        self._show_error(f"程序出现意外错误：{exc}", "".join(traceback.format_exception(exc_type, exc, tb)))

    def _log(self, text: str) -> Path | None:
        folder = Path(self.output_dir.get().strip() or Path.home())
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOG_NAME
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"[{dt.datetime.now():%Y-%m-%d %H:%M:%S}] {text}\n")
            return path
        except OSError:
            return None

    def _set_summary(self, text: str) -> None:
        self.summary.configure(state="normal")
        self.summary.delete("1.0", "end")
        self.summary.insert("1.0", text)
        self.summary.configure(state="disabled")

    def _open_result(self) -> None:
        if self.outcome and self.outcome.outputs:
            open_path(self.outcome.outputs[0])

    def _open_folder(self) -> None:
        if self.outcome and self.outcome.outputs:
            open_path(self.outcome.outputs[0].parent)


def main() -> int:
    import tkinter as tk

    setup_console_streams()
    root = tk.Tk()
    App(root)
    root.mainloop()
    return 0
