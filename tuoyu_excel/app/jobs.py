"""The jobs: one function each, ``JobParams`` in, ``Outcome`` out, found in ``RUNNERS``. The CLI and the
window call only ``run_job``.

Defaults live once in ``steps.py``: the rubric (the shipped one of the job's kind), the stage (check:
the first; star and city: the last, i.e. the final assessors' column; report and review: the county
stage), the date (today) and the output name. The 复审 job is ``review.py``; the rule-file jobs are
``rubric_jobs.py``. A job that cannot run raises ``JobError`` with a Chinese sentence saying how to fix it.
"""

from __future__ import annotations

from pathlib import Path

from tuoyu_excel.app.kinds import EVALUATIONS, TEMPLATES
from tuoyu_excel.app.params import (
    DONE_CLEAN,
    DONE_WITH_ISSUES,
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
from tuoyu_excel.app.review import run_review
from tuoyu_excel.app.rubric_jobs import run_rubric
from tuoyu_excel.app.steps import (  # noqa: F401 (STEPS, TITLES, default_stage: the window asks jobs.py)
    STEPS,
    TITLES,
    default_stage,
    evaluate_folder,
    output_for,
    refuse_empty,
    rubric_for,
    saved,
    source_for,
    stage_for,
)
from tuoyu_excel.app.summaries import check_summary, county_summary
from tuoyu_excel.app.untrusted import metas_of, rubric_from
from tuoyu_excel.app.wording import shell_words
from tuoyu_excel.core.pipeline import Progress, RunResult, input_files, worker_count
from tuoyu_excel.core.star.county import build_county_report, check_county
from tuoyu_excel.errors import TuoyuError, os_reason
from tuoyu_excel.intake.rubric_file import SHIPPED, default_rubric, load_rubric
from tuoyu_excel.render.annotate import annotate_copies
from tuoyu_excel.render.check_report import write_check_report
from tuoyu_excel.render.county.report import report_filename, write_county_report
from tuoyu_excel.render.output import OVERWRITE, output_policy, prepare_output
from tuoyu_excel.spec.kinds import KINDS
from tuoyu_excel.spec.model import Rubric

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
            outcome.lines.append(f"【{KINDS[rubric.kind].title}】{len(result.inputs)} 个文件")
        outcome.lines += check_summary(result)
        outcome.status = max(outcome.status, DONE_CLEAN if result.clean else DONE_WITH_ISSUES)
        kind = f"{KINDS[rubric.kind].title}_" if len(groups) > 1 else ""
        name = f"校验报告_{kind}{rubric.stage(stage).label}_{p.date():%Y%m%d}.xlsx"
        out = write_check_report(result, output_for(p, name, len(groups) > 1))
        saved(outcome, "校验报告", out, source)
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
    refuse_empty(Path(p.source), result, of_kind=True)
    report = build_county_report(result, rubric, p.county)
    if not report.applied:
        raise JobError(f"{p.source} 中没有{p.county}的表格（共 {len(result.inputs)} 个文件，其他县区 "
                       f"{report.other_county} 份）。请确认县区名称和文件夹")
    outcome = Outcome(TITLES[JOB_REPORT], county_summary(report),
                      status=DONE_WITH_ISSUES if report.issues or report.unattributed else DONE_CLEAN)
    out = write_county_report(report, output_for(p, report_filename(p.county, p.date())), run=result)
    saved(outcome, "初评报告", out, Path(p.source))
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
    refuse_empty(source, results.run, of_kind=True)
    outcome = Outcome(TITLES[p.job], list(results.lines), status=results.status)
    for written in results.write(output_for(p, results.name or evaluation.results_name(rubric, stage, p.date()))):
        saved(outcome, written.label, written.out, source)
        outcome.lines += written.notes
    return outcome


RUNNERS = {JOB_TEMPLATE: run_template, JOB_CHECK: run_check, JOB_REPORT: run_report, JOB_STAR: run_results,
           JOB_CITY: run_results, JOB_RUBRIC: run_rubric, JOB_REVIEW: run_review}


def run_job(p: JobParams, progress: Progress | None = None) -> Outcome:
    """Run one job. Raises JobError (or another TuoyuError) when it cannot run."""
    if p.job not in RUNNERS:
        raise JobError(f"没有“{p.job}”这项工作")
    with output_policy(OVERWRITE if p.overwrite else p.on_exists), shell_words(p.shell):
        return RUNNERS[p.job](p, progress)
