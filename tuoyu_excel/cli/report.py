"""``tuoyu report DIR --county 鹿寨县``: a county's 初评报告 from its institutions' county-stage scores.

《工作方案》三（三）: the county “对照《柳州市托育机构星级评定评分表》，对申报机构进行综合评分，并将达到
星级评定申报条件的机构申报表、机构评分表及县区初评报告上报柳州市卫生健康委。”
A thin shell over ``pipeline.run`` → ``county_report.build_county_report`` → ``report_county``.

Exit codes: 0 = done and this county's files are clean, 1 = done but issues were found, 2 = could not run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tuoyu_excel.cli.main import add_common

STAGE = "county"


def register(sub) -> None:
    p = sub.add_parser("report", help="生成县区初评报告（按县区汇总县级初评得分，列出上报名单）",
                       description="读取一个文件夹中各机构的评分表（已填写县级初评得分），生成本县区的初评报告。")
    p.add_argument("folder", help="存放各机构评分表的文件夹（或单个表格文件）")
    p.add_argument("--county", required=True, help="县区名称，如 鹿寨县；只汇总所在县区为该县区的表格")
    p.add_argument("-o", "--output", default=None,
                   help="初评报告保存路径（默认当前文件夹下的 <县区>初评报告_<评定日期>.xlsx；给出文件夹则保存到该文件夹）")
    add_common(p, "liuzhou_star")
    p.set_defaults(func=run_report)


def output_path(output: str | None, county: str, eval_date: dt.date) -> Path:
    from tuoyu_excel.render.county.report import report_filename

    name = report_filename(county, eval_date)
    if not output:
        return Path(name)
    path = Path(output)
    return path / name if path.is_dir() else path


def run_report(args) -> int:
    from tuoyu_excel.intake.rubric_file import load_rubric

    rubric = load_rubric(args.rubric)
    eval_date = args.date or dt.date.today()
    lines, out, code = build_and_write(Path(args.folder), rubric, args.county, eval_date, args.output)
    print("\n".join(lines))
    print(f"初评报告：{out.path.resolve()}")
    if out.notice:
        print(f"  {out.notice}")
    return code


def build_and_write(source: Path, rubric, county: str, eval_date: dt.date, output: str | Path | None,
                    progress=None):
    """Run, build and write the report: (summary lines, OutputPath, exit code). Raises TuoyuError when it cannot run."""
    from tuoyu_excel.core.pipeline import run
    from tuoyu_excel.core.star.county import build_county_report, check_county
    from tuoyu_excel.errors import TuoyuError
    from tuoyu_excel.render.county.report import write_county_report

    check_county(rubric, county)
    if not source.exists():
        raise TuoyuError(f"找不到 {source}。请检查路径是否正确")
    try:
        result = run(source, rubric, STAGE, eval_date, progress)
    except OSError as exc:
        raise TuoyuError(f"无法读取文件夹 {source}：{exc.strerror or exc}") from exc
    report = build_county_report(result, rubric, county)
    if not report.applied:
        raise TuoyuError(f"{source} 中没有{county}的表格（共 {len(result.files)} 个文件，其他县区 "
                         f"{report.other_county} 份）。请确认县区名称和文件夹")
    out = write_county_report(report, output_path(str(output) if output else None, county, eval_date))
    lines = summary_lines(report)
    if source.is_dir() and out.path.resolve().parent == source.resolve():
        lines.append("注意：初评报告保存在被汇总的文件夹中，再次运行前请把它移出该文件夹")
    return lines, out, 1 if report.issues else 0


def summary_lines(report) -> list[str]:
    from tuoyu_excel.issues import ERROR
    from tuoyu_excel.render.county.report import other_county_note, summary_line

    lines = [f"{report.county}初评报告（{report.rubric.stage(report.stage).label}，评定日期 {report.eval_date.isoformat()}）",
             summary_line(report)]
    lines += [f"  上报：{inst.name}，初评总分 {_points(inst.county.total)} 分" for inst in report.forward]
    lines += [f"  不符合：{inst.name}：{'；'.join(inst.reasons)}" for inst in report.ineligible]
    lines += [f"  未能评分：{f.file}（{f.status}，错误 {f.errors} 条）" for f in report.unscored]
    note = other_county_note(report)
    if note:
        lines.append(note)
    if report.issues:
        errors = sum(1 for i in report.issues if i.severity == ERROR)
        lines.append(f"校验问题 {len(report.issues)} 条（其中错误 {errors} 条），详见报告的“校验问题”工作表")
    return lines


def _points(value) -> str:
    return format(value.normalize(), "f")
