"""``tuoyu city DIR [--stage self|review] [--averages FILE] [-o FILE]``: score and rank the cities.

A thin shell: gather the arguments, call ``city.evaluate_cities``, write the results workbook,
print a Chinese summary. Exit 0 = clean, 1 = issues found, 2 = could not run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tuoyu_excel.cli.main import add_common
from tuoyu_excel.errors import TuoyuError, WorkbookError

DEFAULT_RUBRIC = "guangxi_demo_city"
SHOWN_RANKS = 5
SHOWN_ISSUES = 10


def register(sub) -> None:
    p = sub.add_parser("city", help="示范城市创建评分：核算比较项与联席会议项、全区平均水平、城市排名",
                       description="读取文件夹中各市的示范城市创建评分表，核算与全区平均水平比较的项目和第4.1项，"
                                   "计算总分并排名，写出结果表。")
    p.add_argument("folder", metavar="DIR", help="存放各市评分表的文件夹")
    p.add_argument("--stage", choices=("self", "review"), default="review",
                   help="review：评估组评估（“评估得分”列，默认，用于最终排名）；self：市级自评（“自评得分”列，自查用）")
    p.add_argument("--averages", metavar="FILE",
                   help="官方公布的全区平均水平表（用 tuoyu template averages 生成空白表）；不指定时按各市基础数据计算")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="结果文件路径或文件夹（默认当前文件夹下“示范城市创建评分结果_日期.xlsx”）；同名文件已存在时另存为新名")
    add_common(p, DEFAULT_RUBRIC)
    p.set_defaults(func=_cmd_city)


def _output_path(arg: str | None, eval_date: dt.date) -> Path:
    from tuoyu_excel.render.city_results import results_filename

    if not arg:
        return Path.cwd() / results_filename(eval_date)
    path = Path(arg)
    if path.is_dir():
        return path / results_filename(eval_date)
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def _cmd_city(args) -> int:
    from tuoyu_excel.intake.rubric_file import load_rubric

    rubric = load_rubric(args.rubric)
    eval_date = args.date or dt.date.today()
    averages = Path(args.averages) if args.averages else None
    lines, out, code = build_and_write(Path(args.folder), rubric, args.stage, averages, args.output, eval_date=eval_date)
    print("\n".join(lines))
    print(f"结果已保存：{out.path.resolve()}")
    if out.notice:
        print(out.notice)
    return code


def build_and_write(folder: Path, rubric, stage: str, averages: Path | None, output, progress=None,
                    eval_date: dt.date | None = None):
    """Score, rank and write: (summary lines, OutputPath, exit code). Raises TuoyuError when it cannot run."""
    from tuoyu_excel.core.city.evaluate import evaluate_cities
    from tuoyu_excel.intake.averages import read_averages
    from tuoyu_excel.render.city_results import write_city_results

    if rubric.city is None:
        raise TuoyuError(f"规则 {rubric.id} 不是示范城市评分规则，请用 --rubric {DEFAULT_RUBRIC}")
    if stage not in [s.key for s in rubric.stages]:
        raise TuoyuError(f"规则 {rubric.id} 没有“{stage}”评分阶段")
    if not folder.is_dir():
        raise WorkbookError(f"找不到文件夹 {folder}，请确认路径")
    official = read_averages(averages, rubric) if averages else None
    eval_date = eval_date or dt.date.today()
    try:
        result = evaluate_cities(folder, rubric, stage, official, progress=progress, eval_date=eval_date)
    except OSError as exc:
        raise WorkbookError(f"无法读取文件夹 {folder}：{exc}") from exc
    if not result.run.files:
        raise WorkbookError(f"文件夹 {folder} 中没有文件，请把各市的评分表放进去后重新运行")
    out = write_city_results(result, _output_path(str(output) if output else None, eval_date))
    return summary_lines(result), out, 0 if result.clean else 1


def summary_lines(result) -> list[str]:
    rubric = result.rubric
    stage = rubric.stage(result.run.stage)
    lines = [f"{rubric.name}（{stage.label}，“{stage.header}”列）",
             f"读取文件 {len(result.run.files)} 个，参与评分城市 {len(result.scores)} 个（全区共 {len(rubric.city.cities)} 个设区市）。",
             f"全区平均水平：{result.basis_text()}。"]
    if result.ranking:
        lines.append(f"排名（前 {min(SHOWN_RANKS, len(result.ranking))} 名）：")
        for placed in result.ranking[:SHOWN_RANKS]:
            note = f"（{placed.note}）" if placed.note else ""
            lines.append(f"  第 {placed.rank} 名  {placed.score.city}  {placed.score.total.normalize():f} 分{note}")
    issues = result.issues
    if not issues:
        return lines + ["未发现问题。"]
    errors = sum(1 for i in issues if i.severity == "错误")
    lines.append(f"发现问题：错误 {errors} 条，警告 {len(issues) - errors} 条（全部见结果表“校验问题”工作表）：")
    lines += [f"  [{issue.severity}] {issue.text}" for issue in issues[:SHOWN_ISSUES]]
    if len(issues) > SHOWN_ISSUES:
        lines.append(f"  ……另有 {len(issues) - SHOWN_ISSUES} 条")
    return lines
