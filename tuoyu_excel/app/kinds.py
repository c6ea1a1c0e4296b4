"""What runs each kind of evaluation: the one place that picks evaluator, writer and summary by kind.

``spec/kinds.py`` says what a kind *is* (its words and sets); this registry says what *runs* it.
A new kind of evaluation is one more ``Evaluation`` here, plus its core and its writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from tuoyu_excel.app.params import DONE_CLEAN, DONE_WITH_ISSUES, DecisionsRefused, JobError, JobParams
from tuoyu_excel.app.summaries import (
    KEPT_LABEL,
    NAMING_LABEL,
    city_summary,
    kept_history_about,
    kept_history_lines,
    star_summary,
)
from tuoyu_excel.app.untrusted import averages_for, decisions_for, history_for
from tuoyu_excel.core.city.evaluate import evaluate_cities
from tuoyu_excel.core.pipeline import Assess, Progress, RunResult
from tuoyu_excel.core.star.eligibility import check_eligibility
from tuoyu_excel.core.star.naming import name_stars
from tuoyu_excel.core.star.notice import NoticePeriod, notice_period
from tuoyu_excel.core.star.rating import carried_history, evaluate_star, with_naming
from tuoyu_excel.intake.publication import ChecksRead, checks_of
from tuoyu_excel.intake.rulings import rulings_of
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.layout.averages import averages_filename
from tuoyu_excel.layout.history import history_template_name, kept_history_name
from tuoyu_excel.render.averages_template import write_averages_template
from tuoyu_excel.render.city_results import results_filename, write_city_results
from tuoyu_excel.render.history_template import write_history_records, write_history_template
from tuoyu_excel.render.output import OutputPath, kept_output, prepare_output
from tuoyu_excel.render.star.workbook import naming_filename, star_results_name, write_naming_list, write_star_results
from tuoyu_excel.render.template.workbook import write_template
from tuoyu_excel.spec.model import Rubric


@dataclass(frozen=True)
class Written:
    """A file a job wrote: how the summary names it, where it went, and lines to say after it."""

    label: str
    out: OutputPath
    notes: tuple[str, ...] = ()


@dataclass
class Results:
    """One kind's evaluated folder, ready to summarise and write."""

    run: RunResult
    lines: list[str]
    status: int
    write: Callable[[Path], list[Written]]  # the results workbook at the path given (first), then any others
    name: str = ""  # the results workbook's default file name when it depends on the result ("" = the kind's)


@dataclass(frozen=True)
class Evaluation:
    kind: str
    assess: Assess | None  # judges each scored workbook (eligibility) in every job that reads this kind
    evaluate: Callable[[JobParams, Rubric, str, dt.date, Progress | None], Results]
    results_name: Callable[[Rubric, str, dt.date], str]  # default file name of the results workbook
    saved_label: str  # how the summary names the written file


def _star(p: JobParams, rubric: Rubric, stage: str, eval_date: dt.date, progress: Progress | None) -> Results:
    """Rank and rate; with a decisions workbook apply its rulings; with a 命名日期 name the published list
    as its 公示核查 says (《工作方案》三（五）), and only then keep the history for next year."""
    _check_dates(p, eval_date)
    decisions = decisions_for(p.rulings)
    rulings = rulings_of(decisions) if decisions else None
    checks = checks_of(decisions) if decisions else None
    if p.name_date and checks is None:
        raise JobError(NEEDS_CHECKS if decisions is None else DRAFT_IS_NOT_FINAL.format(file=decisions.file))
    history_read = history_for(p.history, rubric, p.name_date or eval_date)  # naming records its own day
    history, history_issues = (history_read.records, history_read.issues) if history_read else ([], [])
    result = evaluate_star(p.source, rubric, stage, eval_date, history, progress, rulings, panel=p.panel)
    refused = (rulings.issues if rulings else []) + result.ruling_issues
    if refused:
        raise DecisionsRefused(decisions.file, [i.text for i in refused])
    period = period_for(p, rubric, checks)
    result = replace(result, notice=period if result.final else None)  # a draft has no 公示
    if p.name_date:
        if result.provisional:
            raise JobError(f"“{rubric.stage(stage).label}”的结果是初步结果，不能命名。请按{rubric.stages[-1].label}评定后再命名")
        naming = name_stars(rubric, result.placements, checks, p.name_date, period, rulings)
        if naming.issues:
            raise DecisionsRefused(decisions.file, [i.text for i in naming.issues])
        result = with_naming(result, naming)
    clean = not (result.run.issues or history_issues or result.pending)
    lines = star_summary(result, history_read, checks)

    def write(path: Path) -> list[Written]:
        # every name is settled (or refused, by the output policy) before anything is written
        target = prepare_output(path)
        # an unreadable history is not carried forward: its rows would be lost from next year's file
        usable = history_read is None or history_read.usable
        named_on = p.name_date
        naming_out = kept_output(target.path.parent / naming_filename(result, named_on)) if result.named else None
        kept = kept_output(target.path.parent / kept_history_name(named_on)) if result.named and usable else None
        out = write_star_results(result, target.path, history=history_read)
        written = [Written(EVALUATIONS["star"].saved_label, OutputPath(out.path, target.notice or out.notice))]
        if naming_out is not None:
            write_naming_list(result, naming_out.path)
            written.append(Written(NAMING_LABEL, naming_out))
        if kept is not None:
            carried = carried_history(result, named_on)
            write_history_records(rubric, carried.records, kept.path, kept_history_about(result, carried, named_on))
            written.append(Written(KEPT_LABEL, kept, tuple(kept_history_lines(result, carried, named_on,
                                                                                len(history_issues)))))
        return written

    return Results(result.run, lines, DONE_CLEAN if clean else DONE_WITH_ISSUES, write, star_results_name(result))


NEEDS_CHECKS = ("命名须在公示和核查之后：请把最终结果工作簿（含“公示核查”工作表，公示后在其中填写核查结果）选为决定工作簿"
                "（命令行 --rulings），再填写命名日期")
DRAFT_IS_NOT_FINAL = ("决定工作簿 {file} 中没有“公示核查”工作表，它是待裁定时的结果，不是公示用的最终结果。"
                      "请先用它裁定、生成最终结果并公示，公示后在最终结果的“公示核查”中填写核查结果，再用最终结果命名")


def _check_dates(p: JobParams, eval_date: dt.date) -> None:
    """The 公示 follows the evaluation, its end follows its start, and 命名 follows the evaluation."""
    if p.notice_date and p.notice_date < eval_date:
        raise JobError(f"公示开始日期 {p.notice_date.isoformat()} 早于评定日期 {eval_date.isoformat()}。"
                       "公示在评定之后，请核对日期")
    if p.notice_end and not p.notice_date:
        raise JobError("只填了公示结束日期：请同时填写公示开始日期")
    if p.notice_end and p.notice_date and p.notice_end < p.notice_date:
        raise JobError(f"公示结束日期 {p.notice_end.isoformat()} 早于开始日期 {p.notice_date.isoformat()}，请核对")
    if p.name_date and p.name_date < eval_date:
        raise JobError(f"命名日期 {p.name_date.isoformat()} 早于评定日期 {eval_date.isoformat()}。"
                       "命名在评定和公示之后，请核对命名日期")


def period_for(p: JobParams, rubric: Rubric, checks: ChecksRead | None) -> NoticePeriod:
    """The 公示期: as asked now, else as the final results recorded it (the decisions workbook), else blank."""
    days = rubric.star.notice_working_days
    if p.notice_date:
        return notice_period(p.notice_date, days, p.notice_end)
    if checks is not None and checks.notice_start:
        counted = notice_period(checks.notice_start, days)
        if checks.notice_end and checks.notice_end != counted.end:  # set by hand when the results were made
            return notice_period(checks.notice_start, days, checks.notice_end)
        return counted
    return notice_period(None, days)


def _city(p: JobParams, rubric: Rubric, stage: str, eval_date: dt.date, progress: Progress | None) -> Results:
    official = averages_for(p.averages, rubric)
    result = evaluate_cities(p.source, rubric, stage, official, progress=progress, eval_date=eval_date)
    return Results(result.run, city_summary(result), DONE_CLEAN if result.clean else DONE_WITH_ISSUES,
                   lambda path: [Written(EVALUATIONS["city"].saved_label, write_city_results(result, path))])


EVALUATIONS: dict[str, Evaluation] = {
    "star": Evaluation("star", check_eligibility, _star,
                       lambda rubric, stage, day: f"星级评定结果_{rubric.stage(stage).label}_{day:%Y%m%d}.xlsx", "结果工作簿"),
    "city": Evaluation("city", None, _city, lambda rubric, stage, day: results_filename(day), "结果已保存"),
}


@dataclass(frozen=True)
class TemplateKind:
    rubric_kind: str  # the kind of rubric the blank form belongs to
    filename: Callable[[Rubric], str]
    write: Callable[[Rubric, Path, str], Path]  # (rubric, folder, file name) -> path written


TEMPLATES: dict[str, TemplateKind] = {
    "star": TemplateKind("star", layout.template_filename, write_template),
    "city": TemplateKind("city", layout.template_filename, write_template),
    "history": TemplateKind("star", history_template_name, write_history_template),
    "averages": TemplateKind("city", averages_filename, write_averages_template),
}


def evaluation_of(rubric: Rubric) -> Evaluation:
    return EVALUATIONS[rubric.kind]
