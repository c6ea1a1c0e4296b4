"""What runs each kind of evaluation: the one place that picks evaluator, writer and summary by kind.

``spec/kinds.py`` says what a kind *is* (its words and sets); this registry says what *runs* it.
A new kind of evaluation is one more ``Evaluation`` here, plus its core and its writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tuoyu_excel.app.params import DONE_CLEAN, DONE_WITH_ISSUES, JobError, JobParams, RulingsRefused
from tuoyu_excel.app.summaries import (
    KEPT_LABEL,
    city_summary,
    kept_history_about,
    kept_history_lines,
    star_summary,
)
from tuoyu_excel.app.untrusted import averages_for, history_for, rulings_for
from tuoyu_excel.core.city.evaluate import evaluate_cities
from tuoyu_excel.core.pipeline import Assess, Progress, RunResult
from tuoyu_excel.core.star.eligibility import check_eligibility
from tuoyu_excel.core.star.rating import carried_history, evaluate_star
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.layout.averages import averages_filename
from tuoyu_excel.layout.history import history_template_name, kept_history_name
from tuoyu_excel.render.averages_template import write_averages_template
from tuoyu_excel.render.city_results import results_filename, write_city_results
from tuoyu_excel.render.history_template import write_history_records, write_history_template
from tuoyu_excel.render.output import OVERWRITE, RENAME, OutputPath, current_policy, output_policy, prepare_output
from tuoyu_excel.render.star.workbook import write_star_results
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


@dataclass(frozen=True)
class Evaluation:
    kind: str
    assess: Assess | None  # judges each scored workbook (eligibility) in every job that reads this kind
    evaluate: Callable[[JobParams, Rubric, str, dt.date, Progress | None], Results]
    results_name: Callable[[Rubric, str, dt.date], str]  # default file name of the results workbook
    saved_label: str  # how the summary names the written file


def _star(p: JobParams, rubric: Rubric, stage: str, eval_date: dt.date, progress: Progress | None) -> Results:
    named_on = p.publish_date or eval_date
    if named_on < eval_date:
        raise JobError(f"命名日期 {named_on.isoformat()} 早于评定日期 {eval_date.isoformat()}。命名在评定和公示之后，"
                       "请核对命名日期（--publish-date），或不指定（按评定日期记录）")
    history_read = history_for(p.history, rubric)
    rulings = rulings_for(p.rulings)
    history, history_issues = (history_read.records, history_read.issues) if history_read else ([], [])
    result = evaluate_star(p.source, rubric, stage, eval_date, history, progress, rulings)
    refused = (rulings.issues if rulings else []) + result.ruling_issues
    if refused:
        raise RulingsRefused(rulings.file, [i.text for i in refused])
    clean = not (result.run.issues or history_issues or result.pending)
    lines = star_summary(result, history_read)

    def write(path: Path) -> list[Written]:
        # both names are settled (or refused, by the output policy) before anything is written
        target = prepare_output(path)
        # an unreadable history is not carried forward: its rows would be lost from next year's file
        usable = history_read is None or history_read.usable
        kept = _kept_output(target.path.parent / kept_history_name(named_on)) if result.final and usable else None
        out = write_star_results(result, target.path, history=history_read)
        written = [Written(EVALUATIONS["star"].saved_label, OutputPath(out.path, target.notice or out.notice))]
        if kept is not None:
            carried = carried_history(result, named_on)
            write_history_records(rubric, carried.records, kept.path, kept_history_about(result, carried, named_on))
            written.append(Written(KEPT_LABEL, kept, tuple(kept_history_lines(result, carried, named_on,
                                                                                len(history_issues)))))
        return written

    return Results(result.run, lines, DONE_CLEAN if clean else DONE_WITH_ISSUES, write)


def _kept_output(wanted: Path) -> OutputPath:
    """The kept history's name: replaced only when overwriting was asked for; otherwise an existing one
    (an earlier run of the same day) is never replaced nor a reason to refuse: a free name is taken and said."""
    with output_policy(OVERWRITE if current_policy() == OVERWRITE else RENAME):
        return prepare_output(wanted)


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
