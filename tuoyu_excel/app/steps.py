"""Steps every job shares: the rubric, stage, input folder and output path a ``JobParams`` asks for
(defaults decided here once), evaluating a folder, refusing an empty or wrong one with guidance that
names the right folder or task, saying where a file went. The jobs (``jobs.py``, ``review.py``) call
these; nothing here knows which job runs.
"""

from __future__ import annotations

from pathlib import Path

from tuoyu_excel.app.kinds import EVALUATIONS, evaluation_of
from tuoyu_excel.app.params import (
    JOB_CHECK,
    JOB_CITY,
    JOB_REPORT,
    JOB_REVIEW,
    JOB_RUBRIC,
    JOB_STAR,
    JOB_TEMPLATE,
    JobError,
    JobParams,
    Outcome,
)
from tuoyu_excel.app.untrusted import metas_of, rubric_from
from tuoyu_excel.app.wording import hint
from tuoyu_excel.core.pipeline import Progress, RunResult, input_files, run, worker_count
from tuoyu_excel.errors import OutputError, os_reason
from tuoyu_excel.intake.rubric_file import default_rubric
from tuoyu_excel.layout.submission import assessing_stages
from tuoyu_excel.render.output import OutputPath
from tuoyu_excel.spec.kinds import KINDS
from tuoyu_excel.spec.model import Rubric

TITLES = {JOB_TEMPLATE: "生成空白模板", JOB_CHECK: "校验", JOB_REPORT: "县区初评报告", JOB_STAR: "星级评定",
          JOB_CITY: "示范城市评分", JOB_RUBRIC: "评分规则", JOB_REVIEW: "复审"}
REPORT_STAGE = "county"  # the county's 初评 column (and its 复审 审核验收)
STEPS = (JOB_TEMPLATE, JOB_CHECK, JOB_REPORT, JOB_STAR, JOB_CITY, JOB_RUBRIC, JOB_REVIEW)  # the window's numbered tasks


def rubric_for(p: JobParams, kind: str | None) -> Rubric:
    """The rubric the official chose, or the shipped one of `kind`; refused when of another kind."""
    rubric = rubric_from(p.rubric) if p.rubric else default_rubric(kind or "star")
    if kind is not None and rubric.kind != kind:
        raise JobError(f"所选规则文件是{KINDS[rubric.kind].label}规则（《{rubric.name}》），不能用于{TITLES.get(p.job, KINDS[kind].title)}。"
                       f"请不指定规则文件（使用内置规则），或选择{KINDS[kind].label}规则")
    return rubric


def default_stage(job: str, rubric: Rubric) -> str:
    """The stage a job reads when none is chosen: the institutions' own for a check, the county's for
    its report and for a 复审 (the county's 审核验收), the final assessors' for star and city results."""
    if job == JOB_CHECK:
        return rubric.stages[0].key
    if job in (JOB_REPORT, JOB_REVIEW):  # 四（一）: the county does the 复审's 审核验收
        return REPORT_STAGE
    return rubric.stages[-1].key


def stage_for(p: JobParams, rubric: Rubric) -> str:
    stage = p.stage or default_stage(p.job, rubric)
    if stage not in [s.key for s in rubric.stages]:
        valid = "；".join(f"{s.key}（{s.label}）" for s in rubric.stages)
        raise JobError(f"评定阶段“{stage}”不存在。规则 {rubric.id} 的阶段有：{valid}")
    if p.panel and stage not in assessing_stages(rubric):
        scored = "、".join(rubric.stage(k).label for k in assessing_stages(rubric))
        raise JobError(f"多人评分只用于评分人打分的阶段（{scored}），本次的评定阶段是“{rubric.stage(stage).label}”。"
                       "请改选评定阶段，或不用多人评分")
    return stage


def source_for(p: JobParams, folder_only: bool) -> Path:
    what = "文件夹" if folder_only else ""
    if p.source is None or not Path(p.source).exists() or (folder_only and not Path(p.source).is_dir()):
        raise JobError(f"找不到{what} {p.source or '输入文件夹'}。请检查路径是否正确")
    return Path(p.source)


def output_for(p: JobParams, default_name: str, several: bool = False) -> Path:
    """`p.output` as a file path: a folder gets the default name inside; no folder means the current one.
    A job writing `several` files treats `p.output` as a folder."""
    wanted = Path(p.output) if p.output else Path.cwd() / default_name
    if (p.output_is_folder or several) and p.output:
        make_folder(wanted)
    if wanted.is_dir():
        wanted = wanted / default_name
    return wanted if wanted.suffix.lower() == ".xlsx" else wanted.with_name(wanted.name + ".xlsx")


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {folder}：{os_reason(exc)}") from exc


def evaluate_folder(p: JobParams, rubric: Rubric, stage: str, progress: Progress | None,
                    paths: list[Path] | None = None) -> RunResult:
    source = source_for(p, folder_only=False)
    try:
        result = run(paths if paths is not None else source, rubric, stage, p.date(), progress,
                     assess=evaluation_of(rubric).assess, panel=p.panel)
    except OSError as exc:
        raise JobError(f"无法读取文件夹 {source}：{os_reason(exc)}") from exc
    refuse_empty(source, result)
    return result


def refuse_empty(source: Path, result: RunResult, of_kind: bool = False) -> None:
    """Nothing to work on: no file at all, or (for results) no workbook of the job's kind, or a stage
    whose score column is blank in every workbook (the wrong stage was chosen)."""
    if not result.files:
        raise JobError(_in_subfolders(source) or f"{source} 中没有找到任何文件。请把填好的表格放进这个文件夹后重新运行")
    below = "" if any(f.submission is not None for f in result.files) else _in_subfolders(source)
    if below:
        raise JobError(below)
    if not of_kind:
        return
    title = KINDS[result.rubric.kind].title
    if not any(f.submission is not None for f in result.files):
        other = _other_kind(result)
        if other is not None:
            job = next(job for job, evaluation in EVALUATIONS.items() if evaluation.kind == other)
            raise JobError(f"{source} 中是{KINDS[other].template_title}（{len(result.inputs)} 个文件），"
                           f"不是{KINDS[result.rubric.kind].template_title}。"
                           + hint("other_task", step=STEPS.index(job) + 1, title=TITLES[job], command=job))
        raise JobError(f"{source} 中没有{title}表格（共 {len(result.inputs)} 个文件，都不是{title}模板填写的表格）。"
                       "请确认选择的文件夹和要做的事是否一致")
    filled = [f for f in result.files if f.submission is not None]
    if not any(v is not None for f in filled for v in f.submission.scores.get(result.stage, {}).values()):
        stage = result.rubric.stage(result.stage)
        raise JobError(f"所选评分阶段“{stage.label}”（“{stage.header}”列）在全部 {len(filled)} 份表格中全部为空，"
                       "是否选错了阶段？请选择已填写得分的阶段后重新运行")


def _in_subfolders(source: Path) -> str:
    """No form here but in subfolders (the parent folder was chosen): the sentence naming them, or ""."""
    try:
        below = [(d.name, len(input_files(d))) for d in sorted(source.iterdir())
                 if d.is_dir() and not d.name.startswith(".")] if source.is_dir() else []
    except OSError:
        below = []
    below = [(name, count) for name, count in below if count]
    if not below:
        return ""
    where = "、".join(f"“{name}”中有 {count} 份" for name, count in below[:5]) + ("等" if len(below) > 5 else "")
    which = "这个子文件夹" if len(below) == 1 else "其中一个子文件夹"
    return f"这个文件夹（{source}）里没有表格，但子文件夹{where}：请选择{which}"


def _other_kind(result: RunResult) -> str | None:
    """The kind of template most of the folder's workbooks were made from, when it is not the job's."""
    paths = [f.path for f in result.files]
    kinds = [m.get("kind", "") for m in metas_of(paths, worker_count(len(paths)))]
    found = [k for k in kinds if k in KINDS and k != result.rubric.kind]
    return max(set(found), key=found.count) if found else None


def saved(outcome: Outcome, label: str, out: OutputPath, source: Path | None) -> None:
    outcome.lines.append(f"{label}：{out.path.resolve()}")
    if out.notice:
        outcome.lines.append(f"  {out.notice}")
    if source is not None and source.is_dir() and out.path.resolve().parent == source.resolve():
        outcome.lines.append(f"  注意：{label}保存在被读取的文件夹中，再次运行前请把它移出该文件夹")
    outcome.outputs.append(out.path)
