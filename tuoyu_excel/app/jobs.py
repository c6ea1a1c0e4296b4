"""The jobs: one function each, ``JobParams`` in, ``Outcome`` out. The CLI and the window call only these.

Defaults live here once: the rubric (the shipped one of the job's kind), the stage (check: the
first; star and city: the last, i.e. the final assessors' column; report: the county stage), the
date (today) and the output name. A job that cannot run raises ``JobError`` with a Chinese
sentence saying how to fix it.
"""

from __future__ import annotations

from pathlib import Path

from tuoyu_excel.app.kinds import EVALUATIONS, TEMPLATES, evaluation_of
from tuoyu_excel.app.params import (
    DONE_CLEAN,
    DONE_WITH_ISSUES,
    JOB_CHECK,
    JOB_CITY,
    JOB_REPORT,
    JOB_RUBRIC,
    JOB_STAR,
    JOB_TEMPLATE,
    JobError,
    JobParams,
    Outcome,
)
from tuoyu_excel.app.rubric_jobs import run_rubric
from tuoyu_excel.app.summaries import check_summary, county_summary
from tuoyu_excel.app.untrusted import metas_of, rubric_from
from tuoyu_excel.app.wording import hint, shell_words
from tuoyu_excel.core.pipeline import Progress, RunResult, input_files, run, worker_count
from tuoyu_excel.core.star.county import build_county_report, check_county
from tuoyu_excel.errors import OutputError, TuoyuError, os_reason
from tuoyu_excel.intake.rubric_file import SHIPPED, default_rubric, load_rubric
from tuoyu_excel.render.annotate import annotate_copies
from tuoyu_excel.render.check_report import write_check_report
from tuoyu_excel.render.county.report import report_filename, write_county_report
from tuoyu_excel.render.output import OVERWRITE, OutputPath, output_policy, prepare_output
from tuoyu_excel.spec.kinds import KINDS
from tuoyu_excel.spec.model import Rubric

TITLES = {JOB_TEMPLATE: "生成空白模板", JOB_CHECK: "校验", JOB_REPORT: "县区初评报告", JOB_STAR: "星级评定",
          JOB_CITY: "示范城市评分", JOB_RUBRIC: "评分规则"}
REPORT_STAGE = "county"  # the county's 初评 column
STEPS = (JOB_TEMPLATE, JOB_CHECK, JOB_REPORT, JOB_STAR, JOB_CITY, JOB_RUBRIC)  # the window's numbered tasks


# ---- shared steps -------------------------------------------------------------------------------

def rubric_for(p: JobParams, kind: str | None) -> Rubric:
    """The rubric the official chose, or the shipped one of `kind`; refused when of another kind."""
    rubric = rubric_from(p.rubric) if p.rubric else default_rubric(kind or "star")
    if kind is not None and rubric.kind != kind:
        raise JobError(f"所选规则文件是{KINDS[rubric.kind].label}规则（《{rubric.name}》），不能用于{TITLES.get(p.job, KINDS[kind].title)}。"
                       f"请不指定规则文件（使用内置规则），或选择{KINDS[kind].label}规则")
    return rubric


def default_stage(job: str, rubric: Rubric) -> str:
    """The stage a job reads when none is chosen: the institutions' own for a check, the county's for
    its report, the final assessors' for star and city results."""
    if job == JOB_CHECK:
        return rubric.stages[0].key
    if job == JOB_REPORT:
        return REPORT_STAGE
    return rubric.stages[-1].key


def stage_for(p: JobParams, rubric: Rubric) -> str:
    stage = p.stage or default_stage(p.job, rubric)
    if stage not in [s.key for s in rubric.stages]:
        valid = "；".join(f"{s.key}（{s.label}）" for s in rubric.stages)
        raise JobError(f"评定阶段“{stage}”不存在。规则 {rubric.id} 的阶段有：{valid}")
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
        _make_folder(wanted)
    if wanted.is_dir():
        wanted = wanted / default_name
    return wanted if wanted.suffix.lower() == ".xlsx" else wanted.with_name(wanted.name + ".xlsx")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {folder}：{os_reason(exc)}") from exc


def evaluate_folder(p: JobParams, rubric: Rubric, stage: str, progress: Progress | None,
                    paths: list[Path] | None = None) -> RunResult:
    source = source_for(p, folder_only=False)
    try:
        result = run(paths if paths is not None else source, rubric, stage, p.date(), progress,
                     assess=evaluation_of(rubric).assess)
    except OSError as exc:
        raise JobError(f"无法读取文件夹 {source}：{os_reason(exc)}") from exc
    _refuse_empty(source, result)
    return result


def _refuse_empty(source: Path, result: RunResult, of_kind: bool = False) -> None:
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
            raise JobError(f"{source} 中是{KINDS[other].template_title}（{len(result.files)} 个文件），"
                           f"不是{KINDS[result.rubric.kind].template_title}。"
                           + hint("other_task", step=STEPS.index(job) + 1, title=TITLES[job], command=job))
        raise JobError(f"{source} 中没有{title}表格（共 {len(result.files)} 个文件，都不是{title}模板填写的表格）。"
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


def _saved(outcome: Outcome, label: str, out: OutputPath, source: Path | None) -> None:
    outcome.lines.append(f"{label}：{out.path.resolve()}")
    if out.notice:
        outcome.lines.append(f"  {out.notice}")
    if source is not None and source.is_dir() and out.path.resolve().parent == source.resolve():
        outcome.lines.append(f"  注意：{label}保存在被读取的文件夹中，再次运行前请把它移出该文件夹")
    outcome.outputs.append(out.path)


# ---- the jobs -----------------------------------------------------------------------------------

def run_template(p: JobParams, progress: Progress | None = None) -> Outcome:
    """Blank forms: the one asked for, or all of them (with a chosen rubric: all of its kind)."""
    outcome = Outcome(TITLES[JOB_TEMPLATE])
    chosen_kind = rubric_from(p.rubric).kind if p.rubric and not p.template else None
    names = [p.template] if p.template else [n for n, t in TEMPLATES.items() if chosen_kind in (None, t.rubric_kind)]
    for name in names:
        if name not in TEMPLATES:
            raise JobError(f"没有“{name}”模板，可选：{'、'.join(TEMPLATES)}")
        kind = TEMPLATES[name]
        rubric = rubric_for(p, kind.rubric_kind)
        folder = Path(p.output) if p.output else Path.cwd()
        wanted = folder / kind.filename(rubric)
        out = prepare_output(wanted)
        if out.notice:
            outcome.lines.append(out.notice)
        path = kind.write(rubric, out.path.parent, out.path.name)
        outcome.lines.append(f"已生成空白模板：{path}")
        outcome.outputs.append(path)
    return outcome


def run_check(p: JobParams, progress: Progress | None = None) -> Outcome:
    """Check a folder. Without a chosen rubric each workbook is checked against the shipped rubric that
    made it (its template metadata says which); a folder mixing kinds gets one report per kind."""
    source = source_for(p, folder_only=False)
    if p.annotate and source.is_dir() and Path(p.annotate).resolve() == source.resolve():
        raise JobError("标注副本不能放在被校验的文件夹中（会与原表格混在一起），请另选一个文件夹")
    groups = [(rubric_for(p, None), None)] if p.rubric else rubric_groups(source)
    outcome = Outcome(TITLES[JOB_CHECK])
    for rubric, paths in groups:
        stage = stage_for(p, rubric)
        result = evaluate_folder(p, rubric, stage, progress, paths)
        if len(groups) > 1:
            outcome.lines.append(f"【{KINDS[rubric.kind].title}】{len(result.files)} 个文件")
        outcome.lines += check_summary(result)
        outcome.status = max(outcome.status, DONE_CLEAN if result.clean else DONE_WITH_ISSUES)
        kind = f"{KINDS[rubric.kind].title}_" if len(groups) > 1 else ""
        name = f"校验报告_{kind}{rubric.stage(stage).label}_{p.date():%Y%m%d}.xlsx"
        out = write_check_report(result, output_for(p, name, len(groups) > 1))
        _saved(outcome, "校验报告", out, source)
        if p.annotate:
            outcome.lines += _annotate(result, Path(p.annotate), outcome)
    return outcome


def rubric_groups(source: Path) -> list[tuple[Rubric, list[Path] | None]]:
    """The folder's workbooks by the shipped rubric that made them, in rubric order. A workbook made
    from an unknown or changed rubric joins the shipped rubric of its kind (whose check then names the
    rubric and version that made it); one that is not a template joins the largest group."""
    shipped = {name: load_rubric(name) for name in SHIPPED}
    by_id = {r.id: r for r in shipped.values()}
    by_kind = {r.kind: r for r in reversed(list(shipped.values()))}
    paths = input_files(source)
    found: dict[str, list[Path]] = {}
    unknown: list[Path] = []
    for path, meta in zip(paths, metas_of(paths, worker_count(len(paths))), strict=True):
        rubric = by_id.get(meta.get("rubric_id", "")) or by_kind.get(meta.get("kind", ""))
        (found.setdefault(rubric.id, []) if rubric else unknown).append(path)
    if not found:
        return [(default_rubric("star"), None)]
    largest = max(found, key=lambda rid: len(found[rid]))
    found[largest] += unknown
    if len(found) == 1:
        return [(by_id[largest], None)]
    return [(by_id[rid], sorted(found[rid], key=paths.index)) for rid in by_id if rid in found]


def _annotate(result: RunResult, out_dir: Path, outcome: Outcome) -> list[str]:
    done = annotate_copies(result, out_dir)
    if not done:
        return ["没有需要标注的文件。"]
    lines = [f"标注副本（{out_dir.resolve()}）："]
    for file, path, note in done:
        lines.append(f"  {file} → {path.name}：{note}" if path and path.name != file else f"  {file}：{note}")
        if path:
            outcome.outputs.append(path)
    return lines


def run_report(p: JobParams, progress: Progress | None = None) -> Outcome:
    rubric = rubric_for(p, "star")
    check_county(rubric, p.county)
    result = evaluate_folder(p, rubric, stage_for(p, rubric), progress)
    _refuse_empty(Path(p.source), result, of_kind=True)
    report = build_county_report(result, rubric, p.county)
    if not report.applied:
        raise JobError(f"{p.source} 中没有{p.county}的表格（共 {len(result.files)} 个文件，其他县区 "
                       f"{report.other_county} 份）。请确认县区名称和文件夹")
    outcome = Outcome(TITLES[JOB_REPORT], county_summary(report),
                      status=DONE_WITH_ISSUES if report.issues or report.unattributed else DONE_CLEAN)
    out = write_county_report(report, output_for(p, report_filename(p.county, p.date())), run=result)
    _saved(outcome, "初评报告", out, Path(p.source))
    return outcome


def run_results(p: JobParams, progress: Progress | None = None) -> Outcome:
    """Star or city results: the job's kind picks evaluator, writer and summary (app/kinds.py)."""
    evaluation = EVALUATIONS[p.job]
    rubric = rubric_for(p, evaluation.kind)
    stage = stage_for(p, rubric)
    source = source_for(p, folder_only=True)
    for side, what in ((p.history, "历史记录文件"), (p.averages, "全区平均水平表"), (p.rulings, "决定工作簿")):
        if side and not Path(side).is_file():
            raise JobError(f"找不到{what} {side}。请检查路径是否正确")
    try:
        results = evaluation.evaluate(p, rubric, stage, p.date(), progress)
    except TuoyuError:
        raise  # says itself what went wrong (an unreadable history or rulings file is a WorkbookError, an OSError)
    except OSError as exc:
        raise JobError(f"无法读取文件夹 {source}：{os_reason(exc)}") from exc
    _refuse_empty(source, results.run, of_kind=True)
    outcome = Outcome(TITLES[p.job], list(results.lines), status=results.status)
    for written in results.write(output_for(p, results.name or evaluation.results_name(rubric, stage, p.date()))):
        _saved(outcome, written.label, written.out, source)
        outcome.lines += written.notes
    return outcome


RUNNERS = {JOB_TEMPLATE: run_template, JOB_CHECK: run_check, JOB_REPORT: run_report, JOB_STAR: run_results,
           JOB_CITY: run_results, JOB_RUBRIC: run_rubric}


def run_job(p: JobParams, progress: Progress | None = None) -> Outcome:
    """Run one job. Raises JobError (or another TuoyuError) when it cannot run."""
    if p.job not in RUNNERS:
        raise JobError(f"没有“{p.job}”这项工作")
    with output_policy(OVERWRITE if p.overwrite else p.on_exists), shell_words(p.shell):
        return RUNNERS[p.job](p, progress)
