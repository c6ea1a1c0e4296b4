"""``tuoyu star DIR [--stage city|county] [--date D] [--history FILE] [-o FILE] [--rubric ...]``:
rank a folder of filled star workbooks by zone, award stars, write the results workbook.
A thin shell over ``star.evaluate_star`` and ``report_star.write_star_results``.

Exit codes: 0 = clean, 1 = issues found (in workbooks or the history) or 待裁定 present, 2 = could not run.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from tuoyu_excel.cli.main import add_common
from tuoyu_excel.core.star.ranking import NO_STAR, PENDING

DEFAULT_RUBRIC = "liuzhou_star"


def register(sub) -> None:
    p = sub.add_parser("star", help="星级评定：按片区排名定星，生成星级评定结果工作簿",
                       description="读取文件夹中各托育机构填好的评分表，校验、计分、判断评定条件，"
                                   "按片区排名评定星级，生成星级评定结果工作簿。")
    p.add_argument("source", metavar="DIR", help="存放各机构评分表的文件夹")
    p.add_argument("--stage", default=None,
                   help="按哪一列得分评定：city 市级核验（正式结果，默认为规则的最后一个阶段）/ county 县级初评（初步结果）")
    p.add_argument("--history", metavar="FILE", default=None,
                   help="星级评定历史记录表（tuoyu template history 生成），用于定级未满1年、复审到期、撤销的判断")
    p.add_argument("-o", "--output", metavar="FILE", default=None,
                   help="结果文件保存路径（默认当前文件夹下的 星级评定结果_<阶段>_<评定日期>.xlsx）")
    add_common(p, DEFAULT_RUBRIC)
    p.set_defaults(func=run_star)


def default_output_name(stage: str, eval_date: dt.date) -> str:
    return f"星级评定结果_{stage}_{eval_date:%Y%m%d}.xlsx"


def run_star(args) -> int:
    from tuoyu_excel.core.star.rating import evaluate_star
    from tuoyu_excel.intake.history import read_history
    from tuoyu_excel.intake.rubric_file import load_rubric
    from tuoyu_excel.render.star.workbook import write_star_results

    rubric = load_rubric(args.rubric)
    args.stage = args.stage or rubric.stages[-1].key
    problem = _setup_problem(rubric, args)
    if problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 2
    eval_date = args.date or dt.date.today()
    history_path = Path(args.history) if args.history else None
    history_read = read_history(history_path, rubric) if history_path else None
    history, history_issues = (history_read.records, history_read.issues) if history_read else ([], [])
    source = Path(args.source)
    try:
        result = evaluate_star(source, rubric, args.stage, eval_date, history)
    except OSError as exc:
        print(f"错误：无法读取文件夹 {source}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    if not result.run.files:
        print(f"错误：{source} 中没有找到任何文件。请把各机构填好的表格放进这个文件夹后重新运行", file=sys.stderr)
        return 2
    wanted = Path(args.output or default_output_name(args.stage, eval_date))
    if wanted.is_dir():
        wanted = wanted / default_output_name(args.stage, eval_date)
    out = write_star_results(result, wanted, history=history_read)
    print("\n".join(summary_lines(result, history_issues)))
    print(f"结果工作簿：{out.path.resolve()}")
    if out.notice:
        print(f"  {out.notice}")
    if source.is_dir() and out.path.resolve().parent == source.resolve():
        print("  注意：结果保存在被评定的文件夹中，再次运行前请把它移出该文件夹")
    return 1 if (result.run.issues or history_issues or result.pending) else 0


def _setup_problem(rubric, args) -> str:
    if rubric.star is None:
        return f"规则 {rubric.id} 不是星级评定规则，不能用于 tuoyu star"
    if args.stage not in [s.key for s in rubric.stages]:
        valid = "；".join(f"{s.key}（{s.label}）" for s in rubric.stages)
        return f"规则 {rubric.id} 没有“{args.stage}”评分阶段，可用：{valid}"
    if not Path(args.source).is_dir():
        return f"找不到文件夹 {args.source}。请检查路径是否正确"
    if args.history and not Path(args.history).is_file():
        return f"找不到历史记录文件 {args.history}。请检查路径是否正确"
    return ""


def summary_lines(result, history_issues: list | None = None) -> list[str]:
    """The Chinese summary the command prints (the window shows the same lines)."""
    rubric, history_issues = result.rubric, history_issues or []
    stage = rubric.stage(result.run.stage)
    provisional = result.run.stage != rubric.stages[-1].key
    lines = [f"{rubric.name}（{stage.label}{'，初步结果' if provisional else ''}，"
             f"评定日期 {result.run.eval_date.isoformat()}）"]
    if provisional:
        lines.append(f"注意：本次按“{stage.header}”评定，结果是初步结果，仅供核对；最终星级以{rubric.stages[-1].label}为准。")
    lines.append(f"共读取 {len(result.run.files)} 个文件：表格有错误、未参加评定 {len(result.excluded)} 份，"
                 f"未达评定条件 {len(result.ineligible)} 家，参加排名 {len(result.placements)} 家。")
    stars = list(reversed(rubric.star.stars)) + [NO_STAR, PENDING]
    for zone in rubric.star.zones:
        mine = [p for p in result.placements if p.zone == zone.name]
        lines.append(f"  {zone.name}：" + "，".join(f"{s} {sum(1 for p in mine if p.star == s)} 家" for s in stars))
    lines += [f"  未参加评定：{f.file}（{f.status}，{len(f.issues)} 个问题，见“校验问题”）" for f in result.excluded]
    if result.pending:
        names = "、".join(f"{p.candidate.name}（{p.zone}第 {p.rank} 名）" for p in result.pending)
        lines.append(f"注意：有 {len(result.pending)} 家机构待裁定（综合得分、核心指标得分均相同且跨越星级分界），"
                     f"须由市卫生健康委裁定：{names}")
    if result.history or history_issues:
        lines.append(f"历史记录：使用 {len(result.history)} 条，{len(history_issues)} 行有问题未使用（见“校验问题”）；"
                     f"复审到期 {len(result.review_due)} 家。")
    return lines
