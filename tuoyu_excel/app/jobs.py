"""The jobs the window and the demo run: each takes TaskParams and returns a TaskOutcome.

Every job calls the same pure core and writers as the command line, and builds its
summary with the same functions the CLI prints, so the window and the terminal say
the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tuoyu_excel.core.pipeline import Progress
from tuoyu_excel.gui.model import RUBRIC_OF, TASK_CHECK, TASK_CITY, TASK_REPORT, TASK_STAR, TASK_TEMPLATE, TaskParams
from tuoyu_excel.intake.rubric_file import load_rubric


@dataclass
class TaskOutcome:
    title: str
    lines: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)  # the first is the main results workbook
    exit_code: int = 0  # 0 clean, 1 issues found


def _notice(lines: list[str], out) -> Path:
    lines.append(f"结果表格：{out.path.resolve()}")
    if out.notice:
        lines.append(f"注意：{out.notice}")
    return out.path


def run_template(p: TaskParams, progress: Progress | None = None) -> TaskOutcome:
    from tuoyu_excel.layout import submission as layout
    from tuoyu_excel.render.output import prepare_output
    from tuoyu_excel.render.template.workbook import write_template

    outcome = TaskOutcome(TASK_TEMPLATE)
    for name in ("liuzhou_star", "guangxi_demo_city"):
        rubric = load_rubric(name)
        out = prepare_output(Path(p.output_dir) / layout.template_filename(rubric))
        outcome.outputs.append(write_template(rubric, out.path.parent, out.path.name))
        outcome.lines.append(f"已生成空白模板：{out.path.resolve()}")
        if out.notice:
            outcome.lines.append(f"注意：{out.notice}")
    return outcome


def run_check(p: TaskParams, progress: Progress | None = None) -> TaskOutcome:
    from tuoyu_excel.cli.check import default_report_name, summary_lines
    from tuoyu_excel.core.pipeline import run
    from tuoyu_excel.render.check_report import write_check_report

    rubric = load_rubric(RUBRIC_OF[TASK_CHECK])
    result = run(Path(p.input_dir), rubric, p.stage, p.eval_date(), progress)
    outcome = TaskOutcome(TASK_CHECK, summary_lines(result), exit_code=0 if result.clean else 1)
    out = write_check_report(result, Path(p.output_dir) / default_report_name(p.stage, p.eval_date()))
    outcome.outputs.append(_notice(outcome.lines, out))
    return outcome


def run_star(p: TaskParams, progress: Progress | None = None) -> TaskOutcome:
    from tuoyu_excel.cli.star import default_output_name, summary_lines
    from tuoyu_excel.core.star.rating import evaluate_star
    from tuoyu_excel.intake.history import read_history
    from tuoyu_excel.render.star.workbook import write_star_results

    rubric = load_rubric(RUBRIC_OF[TASK_STAR])
    history_path = Path(p.history.strip()) if p.history.strip() else None
    history_read = read_history(history_path, rubric) if history_path else None
    history, history_issues = (history_read.records, history_read.issues) if history_read else ([], [])
    result = evaluate_star(Path(p.input_dir), rubric, p.stage, p.eval_date(), history, progress)
    outcome = TaskOutcome(TASK_STAR, summary_lines(result, history_issues))
    outcome.exit_code = 0 if result.run.clean and not history_issues and not result.pending else 1
    out = write_star_results(result, Path(p.output_dir) / default_output_name(p.stage, p.eval_date()),
                             history=history_read)
    outcome.outputs.append(_notice(outcome.lines, out))
    return outcome


def run_report(p: TaskParams, progress: Progress | None = None) -> TaskOutcome:
    from tuoyu_excel.cli.report import build_and_write

    rubric = load_rubric(RUBRIC_OF[TASK_REPORT])
    lines, out, code = build_and_write(Path(p.input_dir), rubric, p.county, p.eval_date(), Path(p.output_dir),
                                       progress)
    outcome = TaskOutcome(TASK_REPORT, lines, exit_code=code)
    outcome.outputs.append(_notice(outcome.lines, out))
    return outcome


def run_city(p: TaskParams, progress: Progress | None = None) -> TaskOutcome:
    from tuoyu_excel.cli.city import build_and_write

    rubric = load_rubric(RUBRIC_OF[TASK_CITY])
    lines, out, code = build_and_write(Path(p.input_dir), rubric, p.stage, None, Path(p.output_dir), progress,
                                       eval_date=p.eval_date())
    outcome = TaskOutcome(TASK_CITY, lines, exit_code=code)
    outcome.outputs.append(_notice(outcome.lines, out))
    return outcome


RUNNERS = {TASK_TEMPLATE: run_template, TASK_CHECK: run_check, TASK_STAR: run_star, TASK_REPORT: run_report,
           TASK_CITY: run_city}


def run_task(p: TaskParams, progress: Progress | None = None) -> TaskOutcome:
    from tuoyu_excel.errors import OutputError

    try:
        Path(p.output_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {p.output_dir}：{exc}") from exc
    return RUNNERS[p.task](p, progress)
