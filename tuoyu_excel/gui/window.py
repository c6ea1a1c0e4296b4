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
import sys
import threading
import traceback
from pathlib import Path

from tuoyu_excel import __version__
from tuoyu_excel.app.crash import append_log
from tuoyu_excel.app.jobs import run_job
from tuoyu_excel.errors import TuoyuError, os_reason
from tuoyu_excel.gui.model import (
    ABOUT,
    ACTION_CHOICES,
    NEEDS,
    SHIPPED,
    TASK_RUBRIC,
    TASKS,
    TEMPLATE_CHOICES,
    Settings,
    TaskParams,
    county_choices,
    preselected_stage,
    problems,
    stage_choices,
)
from tuoyu_excel.platform_support import open_with_default_program as open_path
from tuoyu_excel.platform_support import setup_console_streams, ui_font
from tuoyu_excel.render.output import OutputExists

log = logging.getLogger("tuoyu_excel.gui.window")


def chinese_dialogs(root) -> None:
    """Tk's own dialogs (folder and file pickers, message boxes) in Chinese, from Tk's zh_cn catalogue;
    on X11 the file picker hides dot-folders (a button shows them)."""
    import tkinter as tk  # the window's toolkit loads only when a window is made

    try:
        root.tk.call("::msgcat::mclocale", "zh_cn")
        root.tk.call("::msgcat::mcload", root.tk.call("file", "join", root.tk.call("set", "::tk_library"), "msgs"))
    except tk.TclError:
        return  # a Tk without its message catalogues: its dialogs stay in English
    if root.tk.call("tk", "windowingsystem") != "x11":
        return
    try:
        root.tk.call("tk_getOpenFile", "-no-such-option")  # loads the dialog's code and its settings
    except tk.TclError:
        pass
    root.tk.call("set", "::tk::dialog::file::showHiddenBtn", "1")
    root.tk.call("set", "::tk::dialog::file::showHiddenVar", "0")


def _key_of(choices, label: str) -> str:
    return next((key for key, shown in choices if shown == label), "")


def run_task(params: TaskParams, progress=None):
    """Run the window's task through the job layer (the command line runs the very same job)."""
    return run_job(params.job_params(), progress)


class App:
    """The main window. `run_task` is injectable for tests."""

    def __init__(self, root, settings: Settings | None = None, run_task=run_task):
        import tkinter as tk  # the window's toolkit loads only when a window is made
        from tkinter import ttk  # the window's toolkit loads only when a window is made

        self.tk, self.ttk, self.root = tk, ttk, root
        self.settings = settings or Settings.load()
        self.run_task = run_task
        self.events: queue.Queue = queue.Queue()
        self.outcome = None
        root.title(f"托育评定 Excel 工具 {__version__}")
        root.minsize(760, 560)
        root.report_callback_exception = self._on_crash
        chinese_dialogs(root)
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
            ttk.Radiobutton(tasks, text=f"{n + 1}. {name}", value=name, variable=self.task,
                            command=self._on_task_change).grid(row=0, column=n, padx=6)
        self.about = ttk.Label(frame, text="", foreground="#1f4e79", wraplength=720, justify="left")
        self.about.grid(row=1, column=0, columnspan=3, sticky="w", pady=(6, 2))
        self.input_dir = tk.StringVar(value=last.input_dir)
        self.output_dir = tk.StringVar(value=last.output_dir)
        self.stage = tk.StringVar()
        self.date = tk.StringVar(value=last.date or dt.date.today().isoformat())
        self.county = tk.StringVar(value=last.county)
        self.history = tk.StringVar(value=last.history)
        self.rulings = tk.StringVar(value=last.rulings)
        self.publish_date = tk.StringVar(value=last.publish_date)
        self.averages = tk.StringVar(value=last.averages)
        self.rubric = tk.StringVar(value=last.rubric)
        self.annotate = tk.StringVar(value=last.annotate)
        self.template = tk.StringVar()
        self.action = tk.StringVar()
        self.rows = {}
        self.rows["input"] = self._folder_row(frame, 2, "输入文件夹（已填表格）：", self.input_dir)
        self.template_box = self._combo_row(frame, 3, "空白表：", self.template, "template", width=30)
        self.template_box["values"] = [label for _, label in TEMPLATE_CHOICES]
        self.template_box.current([k for k, _ in TEMPLATE_CHOICES].index(last.template)
                                  if last.template in [k for k, _ in TEMPLATE_CHOICES] else 0)
        self.action_box = self._combo_row(frame, 4, "操作：", self.action, "action", width=30)
        self.action_box["values"] = [label for _, label in ACTION_CHOICES]
        self.action_box.current([k for k, _ in ACTION_CHOICES].index(last.action)
                                if last.action in [k for k, _ in ACTION_CHOICES] else 0)
        self.stage_box = self._combo_row(frame, 5, "评分阶段：", self.stage, "stage")
        self.county_box = self._combo_row(frame, 6, "县区：", self.county, "county")
        self.rows["date"] = self._entry_row(frame, 7, "评定日期：", self.date)
        self.rows["history"] = self._folder_row(frame, 8, "历史评定记录（可选）：", self.history, file=True)
        self.rows["rulings"] = self._folder_row(frame, 9, "裁定文件（可选，填好“待裁定”的结果工作簿）：", self.rulings,
                                                file=True)
        self.rows["publish_date"] = self._entry_row(frame, 10, "命名日期（可选，默认评定日期）：", self.publish_date)
        self.rows["averages"] = self._folder_row(frame, 11, "全区平均水平表（可选）：", self.averages, file=True)
        self.rows["rubric"] = self._folder_row(frame, 12, "规则文件（可选，留空用内置规则）：", self.rubric, file=True,
                                               kinds=[("规则文件", "*.toml *.xlsx"), ("全部文件", "*")], choices=SHIPPED)
        self.rows["annotate"] = self._folder_row(frame, 13, "标注副本文件夹（可选）：", self.annotate)
        self.rows["output"] = self._folder_row(frame, 14, "输出文件夹：", self.output_dir)
        self._build_actions(frame)

    def _label(self, frame, row: int, text: str):
        label = self.ttk.Label(frame, text=text)
        label.grid(row=row, column=0, sticky="w", pady=4)
        return label

    def _folder_row(self, frame, row: int, text: str, var, file: bool = False, kinds=None, choices=()):
        label = self._label(frame, row, text)
        entry = self.ttk.Combobox(frame, textvariable=var, values=list(choices)) if choices else \
            self.ttk.Entry(frame, textvariable=var)
        entry.grid(row=row, column=1, sticky="ew", padx=6)
        button = self.ttk.Button(frame, text="浏览…", command=lambda: self._browse(var, file, kinds))
        button.grid(row=row, column=2)
        return (label, entry, button)

    def _entry_row(self, frame, row: int, text: str, var):
        label = self._label(frame, row, text)
        entry = self.ttk.Entry(frame, textvariable=var, width=14)
        entry.grid(row=row, column=1, sticky="w", padx=6)
        return (label, entry)

    def _combo_row(self, frame, row: int, text: str, var, key: str, width: int = 24):
        label = self._label(frame, row, text)
        box = self.ttk.Combobox(frame, textvariable=var, state="readonly", width=width)
        box.grid(row=row, column=1, sticky="w", padx=6)
        self.rows[key] = (label, box)
        return box

    def _build_actions(self, frame) -> None:
        ttk = self.ttk
        self.start = ttk.Button(frame, text="开始", command=self.on_start)
        self.start.grid(row=15, column=0, columnspan=3, pady=(10, 4), ipadx=30)
        self.progress = ttk.Progressbar(frame, mode="determinate")
        self.progress.grid(row=16, column=0, columnspan=3, sticky="ew")
        self.status = ttk.Label(frame, text="准备就绪。")
        self.status.grid(row=17, column=0, columnspan=3, sticky="w", pady=4)
        self.summary = self.tk.Text(frame, height=14, wrap="word", font=ui_font(self.root, 10))
        self.summary.grid(row=18, column=0, columnspan=3, sticky="nsew")
        scroll = ttk.Scrollbar(frame, orient="vertical", command=self.summary.yview)
        scroll.grid(row=18, column=3, sticky="ns")
        self.summary.configure(yscrollcommand=scroll.set)
        frame.rowconfigure(18, weight=1)
        self.summary.configure(state="disabled")
        buttons = ttk.Frame(frame)
        buttons.grid(row=19, column=0, columnspan=3, pady=(6, 0))
        self.open_file = ttk.Button(buttons, text="打开结果表格", state="disabled", command=self._open_result)
        self.open_dir = ttk.Button(buttons, text="打开所在文件夹", state="disabled", command=self._open_folder)
        self.open_file.pack(side="left", padx=6)
        self.open_dir.pack(side="left", padx=6)

    # ---- behaviour ---------------------------------------------------------------------------
    def _browse(self, var, file: bool = False, kinds=None) -> None:
        from tkinter import filedialog  # as above: tkinter only with a window

        start = var.get() or str(Path.home())
        if file:
            chosen = filedialog.askopenfilename(initialdir=str(Path(start).parent), parent=self.root,
                                                filetypes=kinds or [("表格文件", "*.xlsx *.xls *.ods"), ("全部文件", "*")])
        else:
            chosen = filedialog.askdirectory(initialdir=start, parent=self.root)
        if chosen:
            var.set(chosen)

    def _on_task_change(self) -> None:
        task = self.task.get()
        need = NEEDS[task]
        self.about.configure(text=ABOUT[task])
        self.rows["rubric"][0].configure(text="规则（内置规则名或规则文件）：" if task == TASK_RUBRIC
                                         else "规则文件（可选，留空用内置规则）：")
        for key, widgets in self.rows.items():
            for w in widgets:
                (w.grid if key in need else w.grid_remove)()
        form = self.params()
        form.stage = self.settings.last.stage if self.settings.last.task == task else ""
        stages = stage_choices(form)
        self.stage_box["values"] = [label for _, label in stages]
        self.stage_keys = {label: key for key, label in stages}
        keys = [k for k, _ in stages]
        chosen = preselected_stage(form)
        if chosen in keys:
            self.stage_box.current(keys.index(chosen))
        self.county_box["values"] = county_choices(form)
        self.outcome = None  # a result belongs to the task that made it
        self.open_file.configure(state="disabled")
        self.open_dir.configure(state="disabled")
        self.progress.configure(value=0)
        self.status.configure(text="准备就绪。")
        self._set_summary("")

    def params(self) -> TaskParams:
        stage = getattr(self, "stage_keys", {}).get(self.stage.get(), "")
        return TaskParams(task=self.task.get(), input_dir=self.input_dir.get().strip(),
                          output_dir=self.output_dir.get().strip(), stage=stage, date=self.date.get().strip(),
                          county=self.county.get(), history=self.history.get().strip(),
                          rulings=self.rulings.get().strip(), publish_date=self.publish_date.get().strip(),
                          averages=self.averages.get().strip(), rubric=self.rubric.get().strip(),
                          annotate=self.annotate.get().strip(),
                          template=_key_of(TEMPLATE_CHOICES, self.template.get()),
                          action=_key_of(ACTION_CHOICES, self.action.get()) or "export")

    def on_start(self) -> None:
        from tkinter import messagebox  # as above: tkinter only with a window

        params = self.params()
        missing = problems(params)
        if missing:
            messagebox.showwarning("还不能开始", "\n".join(missing), parent=self.root)
            return
        self.settings.last = params
        self.settings.save()
        self._launch(params)

    def _launch(self, params: TaskParams) -> None:
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
        except OutputExists as exc:  # the official decides: 覆盖 / 另存为 / 取消
            self.events.put(("exists", params, exc.path))
        except TuoyuError as exc:
            self.events.put(("error", str(exc), ""))
        except OSError as exc:  # the system refused something the job did not foresee
            self.events.put(("error", f"未能完成：{os_reason(exc)}（{getattr(exc, 'filename', '') or ''}）",
                             traceback.format_exc()))
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
        if event[0] == "exists":
            self._ask_about_existing(event[1], event[2])
        elif event[0] == "done":
            self._show_outcome(event[1])
        else:
            self._show_error(event[1], event[2])
        return True

    def _ask_about_existing(self, params: TaskParams, path: Path) -> None:
        from tkinter import messagebox  # as above: tkinter only with a window

        answer = messagebox.askyesnocancel(
            "文件已存在", f"{path.name} 已存在（{path.parent}）。\n\n是：覆盖它\n否：另存为新文件名（如 {path.stem}(2){path.suffix}）"
                        "\n取消：这次不运行", parent=self.root)
        if answer is None:
            self.status.configure(text="已取消，没有写入任何文件。")
            return
        params.on_exists = "overwrite" if answer else "rename"
        self._launch(params)

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
        from tkinter import messagebox  # as above: tkinter only with a window

        self.status.configure(text="未能完成。")
        self._set_summary(message)
        where = self._log(message + ("\n" + trace if trace else ""))
        extra = f"\n\n详细记录已保存到：{where}" if where else ""
        messagebox.showerror("未能完成", message + extra, parent=self.root)

    def _on_crash(self, exc_type, exc, tb) -> None:
        self._show_error(f"程序出现意外错误：{exc}", "".join(traceback.format_exception(exc_type, exc, tb)))

    def _log(self, text: str) -> Path | None:
        return append_log(Path(self.output_dir.get().strip() or Path.home()), text)

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
    import tkinter as tk  # the window's toolkit loads only when a window is made

    setup_console_streams()
    try:
        root = tk.Tk()
    except tk.TclError as exc:  # no screen to show the window on (a server, a remote shell)
        print(f"错误：无法打开窗口：没有可用的图形显示（{exc}）。请在桌面环境中运行", file=sys.stderr)
        return 2
    App(root)
    root.mainloop()
    return 0
