"""``tuoyu check PATH --stage ...``: validate a folder (or one workbook), write the check report,
optionally write annotated copies. A thin shell over ``pipeline.run``.

Exit codes: 0 = every file clean, 1 = issues found, 2 = could not run.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

from tuoyu_excel.cli.main import add_common
from tuoyu_excel.core.pipeline import STATUS_ERROR, STATUS_OK, STATUS_UNREADABLE, STATUS_WARN, FileResult, RunResult
from tuoyu_excel.spec.model import Rubric

SHOWN_ISSUES = 20


def register(sub) -> None:
    p = sub.add_parser("check", help="校验填报表格，生成校验报告（可选生成标注副本）",
                       description="校验一个文件夹中的全部填报表格，或单个表格（机构发送前自查）。")
    p.add_argument("path", help="待校验的文件夹，或单个表格文件")
    p.add_argument("--stage", default=None,
                   help="评定阶段：self 机构自评 / county 县级初评 / city 市级核验（默认为规则的第一个阶段 self）")
    p.add_argument("-o", "--output", default=None,
                   help="校验报告保存路径（默认当前文件夹下的 校验报告_<阶段>_<评定日期>.xlsx）")
    p.add_argument("--annotate", metavar="DIR2", default=None,
                   help="把有问题的表格复制到此文件夹，并在副本中标出问题单元格（原文件不会改动）")
    add_common(p, "liuzhou_star")
    p.set_defaults(func=run_check)


def stage_error(rubric: Rubric, stage: str) -> str:
    valid = "；".join(f"{s.key}（{s.label}）" for s in rubric.stages)
    return f"评定阶段“{stage}”不存在。规则 {rubric.id} 的阶段有：{valid}"


def default_report_name(stage: str, eval_date: dt.date) -> str:
    return f"校验报告_{stage}_{eval_date:%Y%m%d}.xlsx"


def run_check(args) -> int:
    from tuoyu_excel.core.pipeline import run
    from tuoyu_excel.intake.rubric_file import load_rubric
    from tuoyu_excel.render.check_report import write_check_report

    rubric = load_rubric(args.rubric)
    stage = args.stage or rubric.stages[0].key
    if stage not in [s.key for s in rubric.stages]:
        print(f"错误：{stage_error(rubric, stage)}", file=sys.stderr)
        return 2
    source = Path(args.path)
    problem = _source_problem(source, args.annotate)
    if problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 2
    eval_date = args.date or dt.date.today()
    try:
        result = run(source, rubric, stage, eval_date)
    except OSError as exc:
        print(f"错误：无法读取文件夹 {source}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    if not result.files:
        print(f"错误：{source} 中没有找到任何文件。请把填好的表格放进这个文件夹后重新运行", file=sys.stderr)
        return 2
    print_summary(result)
    wanted = Path(args.output or default_report_name(stage, eval_date))
    if wanted.is_dir():  # -o names a folder: the default file name inside it
        wanted = wanted / default_report_name(stage, eval_date)
    report = write_check_report(result, wanted)
    print(f"校验报告：{report.path.resolve()}")
    if report.notice:
        print(f"  {report.notice}")
    if source.is_dir() and report.path.resolve().parent == source.resolve():
        print("  注意：校验报告保存在被校验的文件夹中，再次校验前请把它移出该文件夹")
    if args.annotate:
        _annotate(result, Path(args.annotate))
    return 0 if result.clean else 1


def _source_problem(source: Path, annotate: str | None) -> str:
    if not source.exists():
        return f"找不到 {source}。请检查路径是否正确"
    if annotate and source.is_dir() and Path(annotate).resolve() == source.resolve():
        return "标注副本不能放在被校验的文件夹中（会与原表格混在一起），请用 --annotate 指定另一个文件夹"
    return ""


def _annotate(result: RunResult, out_dir: Path) -> None:
    from tuoyu_excel.render.annotate import annotate_copies

    done = annotate_copies(result, out_dir)
    if not done:
        print("没有需要标注的文件。")
        return
    print(f"标注副本（{out_dir.resolve()}）：")
    for file, path, note in done:
        print(f"  {file} → {path.name}：{note}" if path and path.name != file else f"  {file}：{note}")


def _points(value: Decimal) -> str:
    return format(value.normalize(), "f")


def file_line(f: FileResult) -> str:
    if f.card is None:
        return f"{f.file}：{f.status}，未计分"
    line = f"{f.file}：{f.status}，综合得分 {_points(f.card.total)} 分"
    return line + (f"（未达评定条件 {len(f.reasons)} 项）" if f.reasons else "")


def summary_lines(result: RunResult) -> list[str]:
    """The run in a few Chinese lines: shown by the command line and by the window."""
    counts = {s: sum(1 for f in result.files if f.status == s)
              for s in (STATUS_OK, STATUS_WARN, STATUS_ERROR, STATUS_UNREADABLE)}
    stage = result.rubric.stage(result.stage)
    issues = result.issues
    errors = sum(f.errors for f in result.files)
    lines = [f"{result.rubric.name}（{stage.label}，评定日期 {result.eval_date.isoformat()}）",
             f"共读取 {len(result.files)} 个文件：通过 {counts[STATUS_OK]}，有警告 {counts[STATUS_WARN]}，"
             f"有错误 {counts[STATUS_ERROR]}，无法读取 {counts[STATUS_UNREADABLE]}",
             f"共发现问题 {len(issues)} 条：错误 {errors} 条，警告 {len(issues) - errors} 条"]
    lines += [f"  {file_line(f)}" for f in result.files]
    if issues:
        from tuoyu_excel.render.check_report import sorted_issues

        shown = sorted_issues(result.files)[:SHOWN_ISSUES]
        lines.append(f"前 {len(shown)} 条问题：" if len(issues) > SHOWN_ISSUES else "问题：")
        lines += [f"  [{issue.severity}] {issue.text}" for issue in shown]
        if len(issues) > SHOWN_ISSUES:
            lines.append(f"  ……另有 {len(issues) - SHOWN_ISSUES} 条，详见校验报告")
    return lines


def print_summary(result: RunResult) -> None:
    print("\n".join(summary_lines(result)))
