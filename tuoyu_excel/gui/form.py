"""The window's form: one fixed grid for every task, so nothing jumps when the task changes.

Each field has its own line (row) and its own place in it; a task shows the fields it needs and
leaves the other lines blank, every line keeps its height and the label column its width, so the
window keeps its size and a field never moves. Lines shared by fields that never meet in one task
(空白表 / 操作, 评分阶段 / 县区, 历史评定记录 / 全区平均水平表 / 标注副本文件夹) show one of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tuoyu_excel.gui.model import (
    ACTION_CHOICES,
    NEEDS,
    TASK_RUBRIC,
    TEMPLATE_CHOICES,
    TaskParams,
    shipped_titles,
)
from tuoyu_excel.gui.text import wrap

TABLE_FILES = [("表格文件", "*.xlsx *.xls *.ods"), ("全部文件", "*")]
RULE_FILES = [("规则文件", "*.toml *.xlsx"), ("全部文件", "*")]
LINES = 8  # input, 空白表/操作/阶段/县区 + 评定日期, side file, 决定工作簿, 公示/命名日期, 规则, 规则说明, 输出
RULE_LABEL = {True: "规则（内置规则或规则文件）：", False: "规则文件（留空用内置规则）："}
TEXT_FIELDS = ("input_dir", "output_dir", "date", "county", "history", "rulings", "notice_date", "notice_end",
               "name_date", "averages", "annotate", "decisions")


def _key_of(choices, label: str) -> str:
    return next((key for key, shown in choices if shown == label), "")


class Form:
    """The fields, in `frame` (a ttk.Frame with columns 0 = labels, 1 = fields, 2 = 浏览… buttons)."""

    def __init__(self, app, frame, first_row: int):
        self.app, self.tk, self.ttk, self.frame, self.first = app, app.tk, app.ttk, frame, first_row
        self.vars = {name: self.tk.StringVar() for name in TEXT_FIELDS}
        self.template, self.action = self.tk.StringVar(), self.tk.StringVar()
        self.stage, self.rubric_file, self.rubric_choice = self.tk.StringVar(), self.tk.StringVar(), self.tk.StringVar()
        self.panel = self.tk.BooleanVar()
        self.stage_keys: dict[str, str] = {}
        self.shown: list[tuple[tuple[str, ...], object]] = []  # (keys any of which shows it, widget)
        self.labels = []
        self._build()

    # ---- building ----------------------------------------------------------------------------
    def _place(self, widget, keys: tuple[str, ...], **grid) -> None:
        widget.grid(**grid)
        self.shown.append((keys, widget))

    def _label(self, line: int, text: str, keys: tuple[str, ...]):
        label = self.ttk.Label(self.frame, text=text)
        self._place(label, keys, row=self.first + line, column=0, sticky="w")
        self.labels.append(label)
        return label

    def _path_line(self, line: int, key: str, label: str, var, file_kinds=None):
        self._label(line, label, (key,))
        self._place(self.ttk.Entry(self.frame, textvariable=var), (key,), row=self.first + line, column=1,
                    sticky="ew", padx=6)
        self._place(self.ttk.Button(self.frame, text="浏览…", command=lambda: self.app.browse(var, file_kinds)),
                    (key,), row=self.first + line, column=2)

    def _inline(self, line: int, keys: tuple[str, ...]):
        box = self.ttk.Frame(self.frame)
        self._place(box, keys, row=self.first + line, column=1, columnspan=2, sticky="w", padx=6)
        return box

    def _build(self) -> None:
        ttk, v = self.ttk, self.vars
        self._path_line(0, "input", "输入文件夹（已填表格）：", v["input_dir"])
        self._label(1, "空白表：", ("template",))
        self._label(1, "操作：", ("action",))
        self._label(1, "评分阶段：", ("stage",))
        self._label(1, "县区：", ("county",))
        box = self._inline(1, ("template", "action", "stage", "county", "date"))
        self.template_box = ttk.Combobox(box, textvariable=self.template, state="readonly", width=30,
                                         values=[label for _, label in TEMPLATE_CHOICES])
        self.action_box = ttk.Combobox(box, textvariable=self.action, state="readonly", width=30,
                                       values=[label for _, label in ACTION_CHOICES])
        self.template_box.bind("<<ComboboxSelected>>", lambda _e: self.app.on_field_change())
        self.stage_box = ttk.Combobox(box, textvariable=self.stage, state="readonly", width=22)
        self.county_box = ttk.Combobox(box, textvariable=v["county"], state="readonly", width=22)
        pairs = ((self.template_box, "template"), (self.action_box, "action"), (self.stage_box, "stage"),
                 (self.county_box, "county"))
        for widget, key in pairs:  # one place for the four: no task has two of them
            widget.grid(row=0, column=0, sticky="w")
            self.shown.append(((key,), widget))
        box.columnconfigure(0, minsize=max(widget.winfo_reqwidth() for widget, _ in pairs))
        date_label = ttk.Label(box, text="评定日期：")
        date_label.grid(row=0, column=1, padx=(24, 4))
        date_entry = ttk.Entry(box, textvariable=v["date"], width=14)
        date_entry.grid(row=0, column=2)
        self.shown += [(("date",), date_label), (("date",), date_entry)]
        panel = ttk.Checkbutton(box, text="多人评分（取平均分）", variable=self.panel)
        panel.grid(row=0, column=3, padx=(24, 0))
        self.shown.append((("panel",), panel))
        self._path_line(2, "history", "历史评定记录（建议选上）：", v["history"], TABLE_FILES)
        self._path_line(2, "averages", "全区平均水平表（可选）：", v["averages"], TABLE_FILES)
        self._path_line(2, "annotate", "标注副本文件夹（可选）：", v["annotate"])
        self._path_line(3, "rulings", "决定工作簿（裁定/公示核查）：", v["rulings"], TABLE_FILES)
        self._path_line(3, "decisions", "复审结果（填好处理决定后选）：", v["decisions"], TABLE_FILES)
        self._label(4, "公示开始日期：", ("notice_date",))
        box = self.dates = self._inline(4, ("notice_date",))
        for column, (key, text) in enumerate((("notice_date", ""), ("notice_end", "公示结束日期（一般不填）："),
                                              ("name_date", "命名日期："))):
            if text:
                ttk.Label(box, text=text).grid(row=0, column=2 * column - 1, padx=(24, 4))
            ttk.Entry(box, textvariable=v[key], width=14).grid(row=0, column=2 * column)
        self._build_rule_line()
        self._path_line(7, "output", "输出文件夹：", v["output_dir"])

    def _build_rule_line(self) -> None:
        ttk, row = self.ttk, self.first + 5
        self.rule_label = self._label(5, RULE_LABEL[False], ("rubric",))
        self.rule_list = ttk.Combobox(self.frame, textvariable=self.rubric_choice,
                                      values=list(shipped_titles().values()))
        self.rule_entry = ttk.Entry(self.frame, textvariable=self.rubric_file)
        for widget in (self.rule_list, self.rule_entry):
            widget.grid(row=row, column=1, sticky="ew", padx=6)
        self._place(ttk.Button(self.frame, text="浏览…", command=self._browse_rule), ("rubric",), row=row, column=2)
        self.rule_note = ttk.Label(self.frame, text="")
        self._place(self.rule_note, ("rubric",), row=row + 1, column=1, columnspan=2, sticky="w", padx=6)
        for var in (self.rubric_choice, self.rubric_file):
            var.trace_add("write", lambda *_: self.app.on_field_change())

    def _browse_rule(self) -> None:
        self.app.browse(self.rubric_choice if self.app.task.get() == TASK_RUBRIC else self.rubric_file, RULE_FILES)

    def fix_sizes(self) -> None:
        """Every line as tall as the tallest, the label column as wide as the widest label."""
        self.frame.update_idletasks()
        height = max(w.winfo_reqheight() for _, w in self.shown if w is not self.rule_note) + 4
        for line in range(LINES):
            self.frame.rowconfigure(self.first + line, minsize=height)
        self.frame.columnconfigure(0, minsize=max(label.winfo_reqwidth() for label in self.labels) + 8)

    # ---- one task at a time ------------------------------------------------------------------
    def show(self, task: str) -> None:
        need = NEEDS[task]
        for keys, widget in self.shown:
            (widget.grid if any(k in need for k in keys) else widget.grid_remove)()
        rubric_task = task == TASK_RUBRIC
        (self.rule_list.grid if rubric_task else self.rule_list.grid_remove)()
        (self.rule_entry.grid_remove if rubric_task else self.rule_entry.grid)()
        self.rule_label.configure(text=RULE_LABEL[rubric_task])

    def load(self, p: TaskParams) -> None:
        """Fill the fields from a task's remembered form."""
        for name in TEXT_FIELDS:
            self.vars[name].set(getattr(p, name))
        if not p.date:
            self.vars["date"].set(dt.date.today().isoformat())
        self.template.set(dict(TEMPLATE_CHOICES).get(p.template, TEMPLATE_CHOICES[0][1]))
        self.action.set(dict(ACTION_CHOICES).get(p.action, ACTION_CHOICES[0][1]))
        self.panel.set(p.panel)
        if p.task == TASK_RUBRIC:
            self.rubric_choice.set(shipped_titles().get(p.rubric, p.rubric))
            self.rubric_file.set("")
        else:
            self.rubric_file.set(p.rubric)
            self.rubric_choice.set("")

    def read(self, task: str) -> TaskParams:
        text = {name: var.get().strip() for name, var in self.vars.items()}
        if task == TASK_RUBRIC:
            chosen = self.rubric_choice.get().strip()
            rubric = next((name for name, title in shipped_titles().items() if title == chosen), chosen)
        else:
            rubric = self.rubric_file.get().strip()
        return TaskParams(task=task, **text, stage=self.stage_keys.get(self.stage.get(), ""), rubric=rubric,
                          template=_key_of(TEMPLATE_CHOICES, self.template.get()),
                          action=_key_of(ACTION_CHOICES, self.action.get()) or "export", panel=self.panel.get())

    def set_stages(self, stages: list[tuple[str, str]], chosen: str) -> None:
        self.stage_box["values"] = [label for _, label in stages]
        self.stage_keys = {label: key for key, label in stages}
        keys = [k for k, _ in stages]
        if chosen in keys:
            self.stage_box.current(keys.index(chosen))
        else:
            self.stage.set("")

    def set_counties(self, counties: list[str]) -> None:
        self.county_box["values"] = counties
        if self.vars["county"].get() not in counties:
            self.vars["county"].set("")

    def show_rule(self, text: str, usable: bool) -> None:
        """Which rule is in use, or why the chosen one cannot be (broken for Chinese to fit its line)."""
        from tkinter import font as tkfont  # the window's toolkit loads only when a window is made

        measure = tkfont.nametofont("TkDefaultFont", root=self.frame).measure
        label_column = int(self.frame.grid_columnconfigure(0, "minsize") or 0)
        width = self.frame.winfo_width() - label_column - 40
        if width <= 200:  # before the first layout: as wide as the dates line, so the note never widens the window
            self.frame.update_idletasks()
            width = max(self.dates.winfo_reqwidth(), 400)
        lines = wrap(text, width, measure)
        self.rule_note.configure(text="\n".join(lines), foreground="#1f4e79" if usable else "#a4262c")


def browse(root, var, file_kinds=None) -> None:
    """A folder picker, or a file picker with `file_kinds`; the choice goes into `var`."""
    from tkinter import filedialog  # the window's toolkit loads only when a window is made

    start = var.get() or str(Path.home())
    if file_kinds:
        chosen = filedialog.askopenfilename(initialdir=str(Path(start).parent), parent=root, filetypes=file_kinds)
    else:
        chosen = filedialog.askdirectory(initialdir=start, parent=root)
    if chosen:
        var.set(chosen)
