"""The desktop window's model: which tasks it offers, what each needs, and the form → ``JobParams``.

No tkinter here, so it is tested without a window. Defaults (rubric, stage, output name) are not
decided here: an empty field stays empty and the job layer decides, exactly as for the command line.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tuoyu_excel.app.jobs import STEPS, TITLES, default_stage, rubric_for
from tuoyu_excel.app.kinds import TEMPLATES
from tuoyu_excel.app.params import JobParams
from tuoyu_excel.app.wording import WINDOW
from tuoyu_excel.errors import TuoyuError
from tuoyu_excel.intake.rubric_file import SHIPPED, default_rubric, load_rubric
from tuoyu_excel.text import DATE_EXAMPLE, date_from_text

JOBS_SHOWN = STEPS  # the window's tasks, in order
TASK_TEMPLATE, TASK_CHECK, TASK_REPORT, TASK_STAR, TASK_CITY, TASK_RUBRIC, TASK_REVIEW = (TITLES[j] for j in JOBS_SHOWN)
TASKS = tuple(TITLES[j] for j in JOBS_SHOWN)
JOB_OF = {TITLES[j]: j for j in JOBS_SHOWN}

# One line under the task buttons: what the task is for, in the order an official meets them.
ABOUT = {
    TASK_TEMPLATE: "第一步：生成空白表格，发给各机构（或各市）填写；也可生成星级评定历史记录表、全区平均水平表。",
    TASK_CHECK: "收到填好的表格后先校验：列出每个文件的问题和所在单元格，可生成标注副本发回修改。",
    TASK_REPORT: "县区汇总本县区机构的县级初评得分，生成初评报告和上报名单。",
    TASK_STAR: "市级核验后，按片区排名评定星级，生成星级评定结果、公示名单和待裁定名单；裁定后选择决定工作簿再运行一次。",
    TASK_CITY: "汇总各市的评分表，核算与全区平均水平比较的项目，计算总分并排名。",
    TASK_RUBRIC: "评分规则的维护：导出为 Excel 修改，检查后导入；修改后的规则文件可在各项工作中选用。",
    TASK_REVIEW: "获得星级满 3 年的机构复审：生成复审结果和处理建议；市卫生健康委填好处理决定后选择复审结果再运行一次，更新历史评定记录。",
}
# What each task asks for in the window.
NEEDS = {
    TASK_TEMPLATE: {"template", "output", "rubric"},
    TASK_CHECK: {"input", "stage", "date", "panel", "annotate", "output", "rubric"},
    TASK_STAR: {"input", "stage", "date", "panel", "history", "rulings", "notice_date", "notice_end", "name_date",
                "output", "rubric"},
    TASK_REPORT: {"input", "county", "date", "panel", "output", "rubric"},
    TASK_CITY: {"input", "stage", "date", "averages", "output", "rubric"},
    TASK_RUBRIC: {"action", "rubric", "output"},
    TASK_REVIEW: {"input", "stage", "date", "history", "decisions", "output", "rubric"},
}
KIND_OF = {TASK_CHECK: None, TASK_STAR: "star", TASK_REPORT: "star", TASK_CITY: "city", TASK_TEMPLATE: None,
           TASK_RUBRIC: None, TASK_REVIEW: "star"}
TEMPLATE_CHOICES = (("", "全部空白表（四种）"), ("star", "星级评定申报表及评分表"), ("city", "示范城市创建评分表"),
                    ("history", "星级评定历史记录表"), ("averages", "全区平均水平表"))
ACTION_CHOICES = (("export", "导出为 Excel（修改用）"), ("check", "检查规则文件"), ("import", "导入为文本规则（.toml）"))
# The star results are final-assessment results: the institutions' own column is not offered there.
HIDDEN_STAGES = {TASK_STAR: ("self",), TASK_REVIEW: ("self",)}  # a 复审 is the county's (or the city's) 审核验收


# Asked again every time: what to do with an existing output, and the decisions and dates of one
# evaluation (last year's decisions workbook would only be refused this year).
NOT_REMEMBERED = frozenset({"on_exists", "rulings", "notice_date", "notice_end", "name_date", "decisions", "panel"})
DATE_FIELDS = (("date", "评定日期"), ("notice_date", "公示开始日期"), ("notice_end", "公示结束日期"), ("name_date", "命名日期"))


@dataclass
class TaskParams:
    """The window's form, as typed (strings, so it is remembered as it was left)."""

    task: str = TASK_TEMPLATE
    input_dir: str = ""
    output_dir: str = ""
    stage: str = ""  # stage key; "" = the job's default
    date: str = ""  # any form the date parser takes; empty = today
    county: str = ""
    history: str = ""  # optional rating-history workbook (star task)
    rulings: str = ""  # the decisions workbook (its 待裁定 sheet holds the rulings; star task)
    notice_date: str = ""  # first day of the 公示 (star task)
    notice_end: str = ""  # last day of the 公示, when set by hand (star task; seldom)
    name_date: str = ""  # the day of 命名 (star task)
    decisions: str = ""  # the 复审结果 workbook with its 处理决定 filled in (review task)
    averages: str = ""  # optional official 全区平均水平 workbook (city task)
    rubric: str = ""  # optional rule file; empty = the shipped rubric
    template: str = ""  # template task: which blank form ("" = all)
    annotate: str = ""  # check task: folder for annotated copies (optional)
    action: str = "export"  # rubric task: export, check or import
    on_exists: str = "refuse"  # an existing output: refuse (then the window asks), overwrite, or rename
    panel: bool = False  # check, report, star: 多人评分 (several assessors' copies of one institution averaged)

    def job_params(self) -> JobParams:
        need = NEEDS[self.task]

        def path(key: str, text: str) -> Path | None:
            return Path(text.strip()) if key in need and text.strip() else None

        def day(key: str):
            return date_from_text(getattr(self, key)) if key in need else None

        return JobParams(job=JOB_OF[self.task], shell=WINDOW, source=path("input", self.input_dir),
                         output=path("output", self.output_dir), output_is_folder=True, rubric=self.rubric.strip(),
                         stage=self.stage if "stage" in need else "", eval_date=date_from_text(self.date),
                         county=self.county if "county" in need else "", history=path("history", self.history),
                         rulings=path("rulings", self.rulings), notice_date=day("notice_date"),
                         notice_end=day("notice_end"), name_date=day("name_date"),
                         decisions=path("decisions", self.decisions),
                         averages=path("averages", self.averages), annotate=path("annotate", self.annotate),
                         template=self.template if "template" in need else "",
                         action=self.action if "action" in need else "",
                         panel=self.panel and "panel" in need,
                         overwrite=self.on_exists == "overwrite",
                         on_exists="rename" if self.on_exists == "rename" else "refuse")


def rubric_kind(p: TaskParams) -> str | None:
    """The kind of rule the task takes (None: any; the check picks by each workbook's template)."""
    if p.task == TASK_TEMPLATE:
        return TEMPLATES[p.template].rubric_kind if p.template in TEMPLATES else None
    return KIND_OF[p.task]


def task_rubric(p: TaskParams):
    """The rubric the task will use (the chosen file or the shipped one); None when it cannot be used."""
    try:
        return _rubric(p)
    except TuoyuError:
        return None


def _rubric(p: TaskParams):
    if p.task == TASK_RUBRIC:
        return load_rubric(p.rubric.strip()) if p.rubric.strip() else None
    return rubric_for(JobParams(job=JOB_OF[p.task], rubric=p.rubric.strip()), rubric_kind(p))


@functools.cache
def shipped_titles() -> dict[str, str]:
    """The shipped rules by name → their Chinese titles (the window shows titles, never names)."""
    return {name: load_rubric(name).name for name in SHIPPED}


def rule_in_use(p: TaskParams) -> tuple[str, bool]:
    """The sentence under the rule field: which rule the task uses, by its title; (why not, False)
    when the chosen file cannot be used for this task."""
    text = p.rubric.strip()
    if p.task == TASK_RUBRIC and not text:
        return "请选择内置规则，或选择规则文件。", False
    if not text and p.task == TASK_CHECK:
        return "使用内置规则（按每份表格的模板自动选择）。", True
    try:
        rubric = _rubric(p)
    except TuoyuError as exc:
        return str(exc), False
    if text in SHIPPED or not text:
        kind = rubric_kind(p)
        if not text and kind is None:
            return "使用内置规则（" + "、".join(f"《{t}》" for t in shipped_titles().values()) + "）。", True
        return f"使用内置规则《{(rubric or default_rubric(kind or 'star')).name}》。", True
    return f"使用规则文件《{rubric.name}》（{Path(text).name}）。", True


def stage_choices(p: TaskParams) -> list[tuple[str, str]]:
    """(key, label) of the stages a task offers, and nothing for a task without stages."""
    rubric = task_rubric(p)
    if "stage" not in NEEDS[p.task] or rubric is None:
        return []
    hidden = HIDDEN_STAGES.get(p.task, ())
    return [(s.key, s.label) for s in rubric.stages if s.key not in hidden]


def preselected_stage(p: TaskParams) -> str:
    """The remembered stage when the task offers it, else the job's own default (as the CLI uses)."""
    keys = [k for k, _ in stage_choices(p)]
    if p.stage in keys:
        return p.stage
    rubric = task_rubric(p)
    return default_stage(JOB_OF[p.task], rubric) if rubric is not None else ""


def county_choices(p: TaskParams) -> list[str]:
    rubric = task_rubric(p)
    return list(rubric.choices_for("district")) if rubric is not None else []


def problems(p: TaskParams) -> list[str]:
    """What is missing or wrong before the task can start, in Chinese."""
    need = NEEDS[p.task]
    out = []
    text, usable = rule_in_use(p)
    if not usable:
        out.append(text)
    if p.task == TASK_RUBRIC and p.action == "import" and p.rubric.strip() in SHIPPED:
        out.append("内置规则已是文本规则，无需导入；请选择要导入的 Excel 规则文件。")
    if "input" in need and not (p.input_dir and Path(p.input_dir).is_dir()):
        out.append("请选择存放已填表格的输入文件夹。")
    if "output" in need and not p.output_dir:
        out.append("请选择输出文件夹。")
    if "county" in need and p.county not in county_choices(p):
        out.append("请选择县区。")
    for key, what in DATE_FIELDS:
        value = getattr(p, key).strip()
        if key in need and value and date_from_text(value) is None:
            out.append(f"{what}“{value}”无效，请按 {DATE_EXAMPLE} 的格式填写" + ("。" if key == "date" else "，不需要时请留空。"))
    for key, what in (("history", "历史评定记录"), ("averages", "全区平均水平表"), ("rulings", "决定工作簿")):
        value = getattr(p, key).strip()
        if key in need and value and not Path(value).is_file():
            out.append(f"找不到{what}文件“{value}”，不需要时请留空。")
    if "stage" in need and stage_choices(p) and p.stage and p.stage not in [k for k, _ in stage_choices(p)]:
        out.append("请选择评分阶段。")
    return out


def settings_path() -> Path:
    base = os.environ.get("APPDATA") if sys.platform == "win32" else os.environ.get("XDG_CONFIG_HOME")
    return Path(base or Path.home() / ".config") / "tuoyu_excel" / "settings.json"


@dataclass
class Settings:
    """What the window remembers: the task last chosen, and each task's own form (a rule file or an
    output folder chosen for one task never reaches another)."""

    task: str = TASK_TEMPLATE
    forms: dict[str, TaskParams] = field(default_factory=dict)

    @classmethod
    def of(cls, params: TaskParams) -> Settings:
        return cls(params.task, {params.task: params})

    def form(self, task: str) -> TaskParams:
        """The task's remembered form (a fresh one for a task never run)."""
        return self.forms.get(task) or TaskParams(task=task)

    def remember(self, params: TaskParams) -> None:
        self.task = params.task
        self.forms[params.task] = params

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        try:
            data = json.loads((path or settings_path()).read_text(encoding="utf-8"))
            forms = {}
            tasks = data.get("tasks", {})
            if "last" in data and not tasks:  # an older window kept one form for every task: its own task keeps it
                old = {k: v for k, v in data["last"].items() if k != "rubric"}  # its rule leaked between tasks
                tasks, data["task"] = {old.get("task"): old}, old.get("task")
            for task, fields in tasks.items():
                if task in TASKS and isinstance(fields, dict):
                    known = {k: str(v) for k, v in fields.items()
                             if k in TaskParams.__dataclass_fields__ and k not in NOT_REMEMBERED}
                    forms[task] = TaskParams(**{**known, "task": task})
            task = data.get("task")
            # a new official (no settings) starts at step 1: the dataclass' default
            return cls(task if task in TASKS else TASK_TEMPLATE, forms)
        except (OSError, ValueError, TypeError, AttributeError):
            return cls()

    def save(self, path: Path | None = None) -> None:
        path = path or settings_path()
        forms = {task: {k: v for k, v in asdict(form).items() if k not in NOT_REMEMBERED and k != "task"}
                 for task, form in self.forms.items()}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"task": self.task, "tasks": forms}, ensure_ascii=False, indent=2),
                            encoding="utf-8")
        except OSError:
            pass  # remembering folders is a convenience; never fail a run for it


def open_target(task: str, outputs: list[Path]) -> tuple[str, Path | None]:
    """What 打开结果表格 opens, and its label: the main file; the folder when the task wrote several
    files of equal standing (blank forms); nothing when nothing was written."""
    if not outputs:
        return "打开结果表格", None
    if task == TASK_TEMPLATE and len(outputs) > 1:
        return f"打开结果文件夹（{len(outputs)} 个文件）", outputs[0].parent
    return ("打开结果表格" if outputs[0].suffix.lower() in (".xlsx", ".xls") else "打开结果文件"), outputs[0]


def open_failure(path: Path, reason: str) -> str:
    """Why a result did not open, said so the official knows the results are safe."""
    what = "文件夹" if path.is_dir() else f" {path.suffix} 文件" if path.suffix else "这种文件"
    where = path if path.is_dir() else path.parent
    return (f"结果已保存在 {where}，但本机没有可以打开{what}的默认程序（{reason}）。"
            + ("请在文件管理器中打开这个文件夹。" if path.is_dir() else "请在文件夹中用 Excel/WPS 打开它。"))


def theme_for(platform: str, available) -> str:
    """The ttk theme that looks native: Windows' own (vista), macOS' (aqua), else clam (X11's default
    theme is the 1990s Motif look)."""
    wanted = {"win32": ("vista", "winnative"), "darwin": ("aqua",)}.get(platform, ()) + ("clam", "default")
    return next(theme for theme in wanted if theme in available)
