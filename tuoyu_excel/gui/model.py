"""The desktop window's model: which tasks exist, what each needs, remembered settings.

No tkinter here, so it is tested without a window. The view (gui.py) only shows
this model and calls ``tasks.run_task`` off the UI thread.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tuoyu_excel.intake.rubric_file import load_rubric

TASK_TEMPLATE = "生成空白模板"
TASK_CHECK = "校验"
TASK_STAR = "星级评定"
TASK_REPORT = "县区初评报告"
TASK_CITY = "示范城市评分"
TASKS = (TASK_TEMPLATE, TASK_CHECK, TASK_STAR, TASK_REPORT, TASK_CITY)

# What each task asks for in the window.
NEEDS = {
    TASK_TEMPLATE: {"output"},
    TASK_CHECK: {"input", "stage", "date", "output"},
    TASK_STAR: {"input", "stage", "date", "history", "output"},
    TASK_REPORT: {"input", "county", "date", "output"},
    TASK_CITY: {"input", "stage", "output"},
}
RUBRIC_OF = {TASK_TEMPLATE: "liuzhou_star", TASK_CHECK: "liuzhou_star", TASK_STAR: "liuzhou_star",
             TASK_REPORT: "liuzhou_star", TASK_CITY: "guangxi_demo_city"}
DEFAULT_STAGE = {TASK_CHECK: "self", TASK_STAR: "city", TASK_CITY: "review"}


@dataclass
class TaskParams:
    task: str = TASK_STAR
    input_dir: str = ""
    output_dir: str = ""
    stage: str = ""
    date: str = ""  # YYYY-MM-DD; empty = today
    county: str = ""
    history: str = ""  # optional rating-history workbook (star task)

    def eval_date(self) -> dt.date:
        return dt.date.fromisoformat(self.date) if self.date.strip() else dt.date.today()


def stage_choices(task: str) -> list[tuple[str, str]]:
    """(key, label) of the stages a task offers; the star results skip the self stage."""
    if task not in DEFAULT_STAGE:
        return []
    rubric = load_rubric(RUBRIC_OF[task])
    stages = [(s.key, s.label) for s in rubric.stages]
    return [s for s in stages if s[0] != "self"] if task == TASK_STAR else stages


def county_choices() -> list[str]:
    return list(load_rubric("liuzhou_star").star.districts)


def problems(p: TaskParams) -> list[str]:
    """What is missing or wrong before the task can start, in Chinese."""
    need = NEEDS[p.task]
    out = []
    if "input" in need and not (p.input_dir and Path(p.input_dir).is_dir()):
        out.append("请选择存放已填表格的输入文件夹。")
    if "output" in need and not p.output_dir:
        out.append("请选择输出文件夹。")
    if "county" in need and p.county not in county_choices():
        out.append("请选择县区。")
    if "date" in need and p.date.strip():
        try:
            p.eval_date()
        except ValueError:
            out.append(f"评定日期“{p.date}”无效，请按 2026-11-22 的格式填写。")
    if "history" in need and p.history.strip() and not Path(p.history.strip()).is_file():
        out.append(f"找不到历史评定记录文件“{p.history}”，不需要时请留空。")
    if "stage" in need and p.stage not in [k for k, _ in stage_choices(p.task)]:
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
            known = {k: str(v) for k, v in data.get("last", {}).items() if k in TaskParams.__dataclass_fields__}
            params = TaskParams(**known)
            if params.task not in TASKS:
                params.task = TASK_STAR
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
