"""The desktop window's model: which tasks it offers, what each needs, and the form → ``JobParams``.

No tkinter here, so it is tested without a window. Defaults (rubric, stage, output name) are not
decided here: an empty field stays empty and the job layer decides, exactly as for the command line.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tuoyu_excel.app.jobs import TITLES, default_stage, rubric_for
from tuoyu_excel.app.params import JOB_CHECK, JOB_CITY, JOB_REPORT, JOB_RUBRIC, JOB_STAR, JOB_TEMPLATE, JobParams
from tuoyu_excel.errors import TuoyuError
from tuoyu_excel.intake.rubric_file import SHIPPED
from tuoyu_excel.text import DATE_EXAMPLE, date_from_text

JOBS_SHOWN = (JOB_TEMPLATE, JOB_CHECK, JOB_REPORT, JOB_STAR, JOB_CITY, JOB_RUBRIC)  # the window's tasks, in order
TASK_TEMPLATE, TASK_CHECK, TASK_REPORT, TASK_STAR, TASK_CITY, TASK_RUBRIC = (TITLES[j] for j in JOBS_SHOWN)
TASKS = tuple(TITLES[j] for j in JOBS_SHOWN)
JOB_OF = {TITLES[j]: j for j in JOBS_SHOWN}

# One line under the task buttons: what the task is for, in the order an official meets them.
ABOUT = {
    TASK_TEMPLATE: "第一步：生成空白表格，发给各机构（或各市）填写；也可生成星级评定历史记录表、全区平均水平表。",
    TASK_CHECK: "收到填好的表格后先校验：列出每个文件的问题和所在单元格，可生成标注副本发回修改。",
    TASK_REPORT: "县区汇总本县区机构的县级初评得分，生成初评报告和上报名单。",
    TASK_STAR: "市级核验后，按片区排名评定星级，生成星级评定结果、公示名单和待裁定名单；裁定后选择裁定文件再运行一次。",
    TASK_CITY: "汇总各市的评分表，核算与全区平均水平比较的项目，计算总分并排名。",
    TASK_RUBRIC: "评分规则的维护：导出为 Excel 修改，检查后导入；修改后的规则文件可在各项工作中选用。",
}
# What each task asks for in the window.
NEEDS = {
    TASK_TEMPLATE: {"template", "output", "rubric"},
    TASK_CHECK: {"input", "stage", "date", "annotate", "output", "rubric"},
    TASK_STAR: {"input", "stage", "date", "history", "rulings", "publish_date", "output", "rubric"},
    TASK_REPORT: {"input", "county", "date", "output", "rubric"},
    TASK_CITY: {"input", "stage", "date", "averages", "output", "rubric"},
    TASK_RUBRIC: {"action", "rubric", "output"},
}
KIND_OF = {TASK_CHECK: None, TASK_STAR: "star", TASK_REPORT: "star", TASK_CITY: "city", TASK_TEMPLATE: None,
           TASK_RUBRIC: None}
TEMPLATE_CHOICES = (("", "全部空白表（四种）"), ("star", "星级评定申报表及评分表"), ("city", "示范城市创建评分表"),
                    ("history", "星级评定历史记录表"), ("averages", "全区平均水平表"))
ACTION_CHOICES = (("export", "导出为 Excel（修改用）"), ("check", "检查规则文件"), ("import", "导入为文本规则（.toml）"))
RUBRIC_CHOICES = SHIPPED  # the rule field also offers the shipped rules by name (for 评分规则 导出)
# The star results are final-assessment results: the institutions' own column is not offered there.
HIDDEN_STAGES = {TASK_STAR: ("self",)}


# Asked again every time: what to do with an existing output, and the rulings and naming date of one
# evaluation (last year's rulings file would only be refused this year).
NOT_REMEMBERED = frozenset({"on_exists", "rulings", "publish_date"})


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
    rulings: str = ""  # optional workbook whose 待裁定 sheet holds the rulings (star task)
    publish_date: str = ""  # optional day of 命名 (star task); empty = the evaluation date
    averages: str = ""  # optional official 全区平均水平 workbook (city task)
    rubric: str = ""  # optional rule file; empty = the shipped rubric
    template: str = ""  # template task: which blank form ("" = all)
    annotate: str = ""  # check task: folder for annotated copies (optional)
    action: str = "export"  # rubric task: export, check or import
    on_exists: str = "refuse"  # an existing output: refuse (then the window asks), overwrite, or rename

    def job_params(self) -> JobParams:
        need = NEEDS[self.task]

        def path(key: str, text: str) -> Path | None:
            return Path(text.strip()) if key in need and text.strip() else None

        return JobParams(job=JOB_OF[self.task], source=path("input", self.input_dir),
                         output=path("output", self.output_dir), output_is_folder=True, rubric=self.rubric.strip(),
                         stage=self.stage if "stage" in need else "", eval_date=date_from_text(self.date),
                         county=self.county if "county" in need else "", history=path("history", self.history),
                         rulings=path("rulings", self.rulings),
                         name_date=date_from_text(self.publish_date) if "publish_date" in need else None,
                         averages=path("averages", self.averages), annotate=path("annotate", self.annotate),
                         template=self.template if "template" in need else "",
                         action=self.action if "action" in need else "",
                         overwrite=self.on_exists == "overwrite",
                         on_exists="rename" if self.on_exists == "rename" else "refuse")


def task_rubric(p: TaskParams):
    """The rubric the task will use (the chosen file or the shipped one); None when it cannot be loaded."""
    if p.task == TASK_RUBRIC:
        return None
    try:
        return rubric_for(JobParams(job=JOB_OF[p.task], rubric=p.rubric.strip()), KIND_OF[p.task])
    except TuoyuError:
        return None


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
    if p.task == TASK_RUBRIC:
        if not p.rubric.strip():
            out.append("请选择规则文件，或从列表中选择内置规则。")
        elif p.rubric.strip() not in SHIPPED and not Path(p.rubric.strip()).is_file():
            out.append(f"找不到规则文件“{p.rubric}”。")
        if p.action == "import" and p.rubric.strip() in SHIPPED:
            out.append("内置规则已是文本规则，无需导入；请选择要导入的 Excel 规则文件。")
    elif p.rubric.strip() and task_rubric(p) is None:
        out.append(f"规则文件“{p.rubric}”无法使用：请检查文件，或留空使用内置规则。")
    if "input" in need and not (p.input_dir and Path(p.input_dir).is_dir()):
        out.append("请选择存放已填表格的输入文件夹。")
    if "output" in need and not p.output_dir:
        out.append("请选择输出文件夹。")
    if "county" in need and p.county not in county_choices(p):
        out.append("请选择县区。")
    if "date" in need and p.date.strip() and date_from_text(p.date) is None:
        out.append(f"评定日期“{p.date}”无效，请按 {DATE_EXAMPLE} 的格式填写。")
    if "publish_date" in need and p.publish_date.strip() and date_from_text(p.publish_date) is None:
        out.append(f"命名日期“{p.publish_date}”无效，请按 {DATE_EXAMPLE} 的格式填写，不需要时请留空。")
    for key, what in (("history", "历史评定记录"), ("averages", "全区平均水平表"), ("rulings", "裁定文件")):
        text = getattr(p, key).strip()
        if key in need and text and not Path(text).is_file():
            out.append(f"找不到{what}文件“{text}”，不需要时请留空。")
    if "stage" in need and stage_choices(p) and p.stage and p.stage not in [k for k, _ in stage_choices(p)]:
        out.append("请选择评分阶段。")
    return out


def settings_path() -> Path:
    base = os.environ.get("APPDATA") if sys.platform == "win32" else os.environ.get("XDG_CONFIG_HOME")
    return Path(base or Path.home() / ".config") / "tuoyu_excel" / "settings.json"


@dataclass
class Settings:
    last: TaskParams = field(default_factory=TaskParams)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        try:
            data = json.loads((path or settings_path()).read_text(encoding="utf-8"))
            known = {k: str(v) for k, v in data.get("last", {}).items()
                     if k in TaskParams.__dataclass_fields__ and k not in NOT_REMEMBERED}
            params = TaskParams(**known)
            if params.task not in TASKS:  # a new official (no settings) starts at step 1: TaskParams' default
                params.task = TASK_TEMPLATE
            return cls(params)
        except (OSError, ValueError, TypeError, AttributeError):
            return cls()

    def save(self, path: Path | None = None) -> None:
        path = path or settings_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"last": asdict(self.last)}, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError:
            pass  # remembering folders is a convenience; never fail a run for it
