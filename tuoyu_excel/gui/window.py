"""The desktop window (tkinter: ships with Python, bundles cleanly). A thin view.

One window in Chinese: pick the task, fill in its fields (each task keeps its own), press 开始.
Work runs on a worker thread and reports progress through a queue polled by the UI thread, so the
window never freezes. The result leads with what needs the official's action, in colour. A job
that cannot run says why in the window's own dialog; only an internal error writes a log file.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import traceback
from pathlib import Path

from tuoyu_excel import __version__
from tuoyu_excel.app.crash import append_log
from tuoyu_excel.app.jobs import run_job
from tuoyu_excel.app.wording import ACTION, WARN, flagged, headline, level_of
from tuoyu_excel.errors import TuoyuError, os_reason
from tuoyu_excel.gui import dialogs
from tuoyu_excel.gui.form import LINES, Form, browse
from tuoyu_excel.gui.model import (
    ABOUT,
    TASKS,
    Settings,
    TaskParams,
    county_choices,
    open_failure,
    open_target,
    preselected_stage,
    problems,
    rule_in_use,
    stage_choices,
    theme_for,
)
from tuoyu_excel.gui.text import wrap
from tuoyu_excel.platform_support import (
    open_with_default_program,
    setup_console_streams,
    sharp_on_scaled_screens,
    ui_font,
)
from tuoyu_excel.render.output import OutputExists

log = logging.getLogger("tuoyu_excel.gui.window")
COLOURS = {ACTION: "#a4262c", WARN: "#8a5300"}
HEADINGS = {ACTION: "需要处理：", WARN: "请留意："}
OPEN_CHECK_MS = 2500  # how long the opener (xdg-open) gets to say it found no program


def chinese_dialogs(root) -> None:
    """Tk's own dialogs (folder and file pickers) in Chinese, from Tk's zh_cn catalogue; on X11 the
    file picker hides dot-folders (a button shows them)."""
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


def _chinese_fonts(root) -> None:
    """Tk's named fonts in the platform's Chinese UI font (微软雅黑 on Windows), so every widget and
    dialog draws Chinese in one face rather than through a fallback."""
    from tkinter import font as tkfont  # the window's toolkit loads only when a window is made

    spec = ui_font(root, 10)
    if not isinstance(spec, tuple):
        return
    for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont", "TkTooltipFont"):
        tkfont.nametofont(name, root=root).configure(family=spec[0])


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
        self.lines: list[str] = []
        self.opened = None  # the opener process of the last 打开 (its exit status is checked)
        root.title(f"托育评定 Excel 工具 {__version__}")
        root.report_callback_exception = self._on_crash
        style = ttk.Style(root)
        style.theme_use(theme_for(sys.platform, style.theme_names()))
        style.configure("TButton", padding=(8, 2))
        _chinese_fonts(root)
        chinese_dialogs(root)
        self._build()
        self.shown_task = self.settings.task
        self.form.load(self.settings.form(self.shown_task))
        self._on_task_change()
        self._fix_size()

    # ---- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        tk, ttk = self.tk, self.ttk
        frame = ttk.Frame(self.root, padding=(12, 8))
        frame.pack(fill="both", expand=True)
        frame.columnconfigure(1, weight=1)
        self.task = tk.StringVar(value=self.settings.task)
        tasks = ttk.Frame(frame)
        tasks.grid(row=0, column=0, columnspan=3, sticky="w")
        for n, name in enumerate(TASKS):
            ttk.Radiobutton(tasks, text=f"{n + 1}. {name}", value=name, variable=self.task,
                            command=self._on_task_change).grid(row=0, column=n, padx=(0, 14))
        self.about = ttk.Label(frame, text="", foreground="#1f4e79")
        self.about.grid(row=1, column=0, columnspan=3, sticky="w", pady=(4, 4))
        self.form = Form(self, frame, first_row=2)
        self._build_actions(frame, row=2 + LINES)

    def _build_actions(self, frame, row: int) -> None:
        ttk = self.ttk
        bar = ttk.Frame(frame)
        bar.grid(row=row, column=0, columnspan=3, sticky="ew", pady=(6, 2))
        bar.columnconfigure(1, weight=1)
        self.start = ttk.Button(bar, text="开始", command=self.on_start)
        self.start.grid(row=0, column=0, ipadx=24)
        self.progress = ttk.Progressbar(bar, mode="determinate")
        self.progress.grid(row=0, column=1, sticky="ew", padx=(12, 0))
        self.status = ttk.Label(frame, text="准备就绪。")
        self.status.grid(row=row + 1, column=0, columnspan=3, sticky="w", pady=2)
        box = ttk.Frame(frame)
        box.grid(row=row + 2, column=0, columnspan=3, sticky="nsew")
        box.columnconfigure(0, weight=1)
        box.rowconfigure(0, weight=1)
        frame.rowconfigure(row + 2, weight=1)
        self.summary_font = ui_font(self.root, 10)
        self.summary = self.tk.Text(box, height=12, wrap="char", font=self.summary_font, padx=6, pady=4)
        self.summary.grid(row=0, column=0, sticky="nsew")
        scroll = ttk.Scrollbar(box, orient="vertical", command=self.summary.yview)
        scroll.grid(row=0, column=1, sticky="ns")
        self.summary.configure(yscrollcommand=scroll.set, state="disabled")
        for level, colour in COLOURS.items():
            self.summary.tag_configure(level, foreground=colour)
        self.summary.tag_configure("heading", font=(*self._font_of(self.summary_font), "bold"))
        self.summary.bind("<Configure>", lambda _e: self._render())
        buttons = ttk.Frame(frame)
        buttons.grid(row=row + 3, column=0, columnspan=3, pady=(6, 0))
        self.open_file = ttk.Button(buttons, text="打开结果表格", state="disabled", command=self._open_result)
        self.open_dir = ttk.Button(buttons, text="打开所在文件夹", state="disabled", command=self._open_folder)
        self.open_file.pack(side="left", padx=6)
        self.open_dir.pack(side="left", padx=6)

    def _font_of(self, spec) -> tuple:
        from tkinter import font as tkfont  # as above: tkinter only with a window

        if isinstance(spec, tuple):
            return spec
        actual = tkfont.nametofont(spec, root=self.root).actual()
        return actual["family"], actual["size"]

    def _fix_size(self) -> None:
        """One size for every task: the largest any task asks for, within the screen."""
        self.form.fix_sizes()
        task, width = self.task.get(), 0
        for name in TASKS:
            self.form.show(name)
            self.root.update_idletasks()
            width = max(width, self.root.winfo_reqwidth())
        self.form.show(task)
        self.root.update_idletasks()
        screen_w, screen_h = self.root.winfo_screenwidth(), self.root.winfo_screenheight()
        width = min(width, screen_w - 20)
        height = min(self.root.winfo_reqheight(), screen_h - 70)  # leave room for a task bar and the title
        self.root.geometry(f"{width}x{height}+{max(0, (screen_w - width) // 2)}+0")
        self.root.minsize(min(width, 640), min(height, 480))
        self.root.update_idletasks()
        self.on_field_change()  # the rule's note, broken at the width the window now has

    # ---- behaviour ---------------------------------------------------------------------------
    def browse(self, var, file_kinds=None) -> None:
        browse(self.root, var, file_kinds)

    def params(self) -> TaskParams:
        return self.form.read(self.task.get())

    def _on_task_change(self) -> None:
        """Keep what was typed for the task left; show the chosen task's own fields."""
        if self.shown_task != self.task.get():
            self.settings.remember(self.form.read(self.shown_task))
            self.shown_task = self.task.get()
            self.form.load(self.settings.form(self.shown_task))
        task = self.shown_task
        self.about.configure(text=ABOUT[task])
        self.form.show(task)
        self.on_field_change(stage=self.settings.form(task).stage)
        self.outcome = None  # a result belongs to the task that made it
        self.open_file.configure(state="disabled", text="打开结果表格")
        self.open_dir.configure(state="disabled")
        self.progress.configure(value=0)
        self.status.configure(text="准备就绪。", foreground="")
        self._set_summary([])

    def on_field_change(self, stage: str | None = None) -> None:
        """The rule (and so the stages and counties) may have changed: say which rule is in use."""
        form = self.params()
        if stage is not None:
            form.stage = stage
        self.form.show_rule(*rule_in_use(form))
        self.form.set_stages(stage_choices(form), preselected_stage(form))
        self.form.set_counties(county_choices(form))

    def on_start(self) -> None:
        params = self.params()
        missing = problems(params)
        if missing:
            dialogs.tell(self.root, "还不能开始", "还不能开始：\n" + "\n".join(missing))
            return
        self.settings.remember(params)
        self.settings.save()
        self._launch(params)

    def _launch(self, params: TaskParams) -> None:
        self.start.configure(state="disabled")
        self.open_file.configure(state="disabled")
        self.open_dir.configure(state="disabled")
        self.progress.configure(value=0, maximum=1)
        self._set_summary([])
        self.status.configure(text=f"正在{params.task}……", foreground="")
        threading.Thread(target=self._work, args=(params,), daemon=True).start()
        self.root.after(100, self._poll)

    def _work(self, params: TaskParams) -> None:
        def progress(done: int, total: int, name: str) -> None:
            self.events.put(("progress", done, total, name))

        try:
            self.events.put(("done", self.run_task(params, progress)))
        except OutputExists as exc:  # the official decides: 覆盖 / 另存为新文件 / 取消
            self.events.put(("exists", params, exc.path))
        except TuoyuError as exc:
            self.events.put(("error", str(exc), ""))
        except OSError as exc:  # the system refused something the job did not foresee
            self.events.put(("error", f"未能完成：{os_reason(exc)}（{getattr(exc, 'filename', '') or ''}）", ""))
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
        self.status.configure(text=f"{path.name} 已存在，请选择：覆盖、另存为新文件或取消。", foreground="")
        answer = dialogs.ask_existing(self.root, path)
        if answer == dialogs.CANCEL:
            self.status.configure(text="已取消，没有写入任何文件。", foreground="")
            return
        params.on_exists = "overwrite" if answer == dialogs.OVERWRITE else "rename"
        self._launch(params)

    def _show_outcome(self, outcome) -> None:
        self.outcome = outcome
        self.progress.configure(value=self.progress["maximum"])
        about = headline(outcome.lines)
        self.status.configure(text=f"{outcome.title}：完成" + (f"，{about}。" if about else "。"),
                              foreground=COLOURS[ACTION] if about else "")
        self._set_summary(outcome.lines)
        self._log(f"{outcome.title} 完成\n" + "\n".join(outcome.lines))  # beside the results: a record of the run
        label, target = open_target(self.task.get(), outcome.outputs)
        if target is not None:
            self.open_file.configure(state="normal", text=label)
            self.open_dir.configure(state="normal")

    def _show_error(self, message: str, trace: str) -> None:
        """A job that cannot run says why; only a bug (with its traceback) leaves a log file."""
        self.status.configure(text="未能完成。", foreground=COLOURS[ACTION])
        self._set_summary(message.split("\n"))
        where = self._log(message + "\n" + trace) if trace else None
        extra = f"\n详细记录已保存到：{where}" if where else ""
        dialogs.tell(self.root, "未能完成", "未能完成：\n" + message + extra, icon="error")

    def _on_crash(self, exc_type, exc, tb) -> None:
        self._show_error(f"程序出现意外错误：{exc}", "".join(traceback.format_exception(exc_type, exc, tb)))

    def _log(self, text: str) -> Path | None:
        return append_log(Path(self.form.vars["output_dir"].get().strip() or Path.home()), text)

    # ---- the result area ---------------------------------------------------------------------
    def _set_summary(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self._render()

    def _render(self) -> None:
        """What needs action first (coloured, under a heading), then the rest in the job's order;
        every line broken for Chinese at the area's width."""
        from tkinter import font as tkfont  # as above: tkinter only with a window

        font = tkfont.Font(root=self.root, font=self.summary_font)
        width = max(200, self.summary.winfo_width() - 2 * int(self.summary.cget("padx")) - 12)
        first = flagged(self.lines)
        blocks = [(HEADINGS[level], level, [line for line in first if level_of(line) == level])
                  for level in (ACTION, WARN)]
        rest = [line for line in self.lines if not level_of(line)]
        self.summary.configure(state="normal")
        self.summary.delete("1.0", "end")
        for heading, level, lines in blocks:
            if lines:
                self.summary.insert("end", heading + "\n", (level, "heading"))
                for line in lines:
                    self.summary.insert("end", "\n".join(wrap(line, width, font.measure)) + "\n", level)
        if first and rest:
            self.summary.insert("end", "\n")
        for line in rest:
            self.summary.insert("end", "\n".join(wrap(line, width, font.measure)) + "\n")
        self.summary.configure(state="disabled")

    def shown_text(self) -> str:
        return self.summary.get("1.0", "end")

    # ---- opening the results -----------------------------------------------------------------
    def _open_result(self) -> None:
        if self.outcome and self.outcome.outputs:
            self._open(open_target(self.task.get(), self.outcome.outputs)[1])

    def _open_folder(self) -> None:
        if self.outcome and self.outcome.outputs:
            self._open(self.outcome.outputs[0].parent)

    def _open(self, path: Path) -> None:
        """Open with the default program; when there is none, say where the results are (they are safe)."""
        try:
            self.opened = open_with_default_program(path)
        except OSError as exc:
            self._cannot_open(path, f"找不到系统的打开程序：{os_reason(exc.__cause__ or exc)}")
            return
        if self.opened is not None:
            self.root.after(OPEN_CHECK_MS, lambda proc=self.opened: self._check_opened(proc, path))

    def _check_opened(self, proc, path: Path) -> None:
        code = proc.poll()
        if code not in (None, 0):
            self._cannot_open(path, f"系统的打开程序报告失败，代码 {code}")

    def _cannot_open(self, path: Path, reason: str) -> None:
        dialogs.tell(self.root, "无法打开", "无法自动打开：\n" + open_failure(path, reason))


def main() -> int:
    import tkinter as tk  # the window's toolkit loads only when a window is made

    setup_console_streams()
    sharp_on_scaled_screens()
    try:
        root = tk.Tk()
    except tk.TclError as exc:  # no screen to show the window on (a server, a remote shell)
        print(f"错误：无法打开窗口：没有可用的图形显示（{exc}）。请在桌面环境中运行", file=sys.stderr)
        return 2
    App(root)
    root.mainloop()
    return 0
