"""The `tuoyu` parser: one sub-command per job; each turns its arguments into ``JobParams``.

No defaults are decided here: an option left out stays empty and the job layer picks the default,
exactly as for the window.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tuoyu_excel import __version__
from tuoyu_excel.app.demo import DEFAULT_OUTPUT, run_demo
from tuoyu_excel.app.kinds import TEMPLATES
from tuoyu_excel.app.params import JOB_CHECK, JOB_CITY, JOB_REPORT, JOB_REVIEW, JOB_STAR, JOB_TEMPLATE, JobParams
from tuoyu_excel.cli import rubric as rubric_commands
from tuoyu_excel.cli.chinese import ChineseParser
from tuoyu_excel.intake.rubric_file import SHIPPED
from tuoyu_excel.text import DATE_EXAMPLE, date_from_text

SHIPPED_TEXT = "、".join(SHIPPED)


def parse_date_arg(text: str):
    found = date_from_text(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"“{text}”不是有效日期，请按 {DATE_EXAMPLE} 的格式填写")
    return found


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _common(parser: argparse.ArgumentParser) -> None:
    """Options most jobs share: --rubric, --date and --overwrite."""
    parser.add_argument("--overwrite", action="store_true",
                        help="输出文件已存在时直接覆盖（默认不覆盖：提示后退出，什么也不写）")
    parser.add_argument("--rubric", default="", metavar="规则",
                        help=f"规则文件路径，或内置规则名（{SHIPPED_TEXT}）；不指定时用内置规则")
    parser.add_argument("--date", type=parse_date_arg, default=None, metavar="日期",
                        help=f"评定日期，如 {DATE_EXAMPLE}（默认今天）")


def _panel(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--panel", action="store_true",
                        help="多人评分：同一机构的几份表格（每位评分人一份，各填评分人）按规则取平均分后评定；"
                             "不加时同一机构的两份表格按重复提交报错")


class _Replaced(argparse.Action):
    """An option that went: using it says what replaced it (exit 2), instead of “unrecognised”."""

    def __init__(self, option_strings, dest, replacement: str = "", **kwargs):
        self.replacement = replacement
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error(f"{option_string} 已不再使用，请改用 {self.replacement}")


def _job(job: str, **fields):
    """How a job command builds its ``JobParams`` from the parsed arguments (cli/main.py runs it)."""
    def build(args) -> JobParams:
        values = {name: (get(args) if callable(get) else getattr(args, get)) for name, get in fields.items()}
        return JobParams(job=job, **values)
    return build


def _template(sub) -> None:
    t = sub.add_parser("template", help="生成空白模板（star 星级评定 / city 示范城市 / averages 全区平均水平 / "
                                        "history 星级评定历史记录）")
    t.add_argument("kind", choices=sorted(TEMPLATES), metavar="模板", help="star、city、averages 或 history")
    t.add_argument("-o", "--output", default=".", metavar="文件夹", help="输出文件夹（默认当前文件夹）")
    t.add_argument("--rubric", default="", metavar="规则", help=f"规则文件路径，或内置规则名（{SHIPPED_TEXT}）")
    t.add_argument("--overwrite", action="store_true", help="同名文件已存在时直接覆盖（默认不覆盖：提示后退出）")
    t.set_defaults(build=_job(JOB_TEMPLATE, template="kind", rubric="rubric", overwrite="overwrite",
                             output=lambda a: Path(a.output)))


def _check(sub) -> None:
    p = sub.add_parser("check", help="校验填报表格，生成校验报告（可选生成标注副本）",
                       description="校验一个文件夹中的全部填报表格，或单个表格（机构发送前自查）。")
    p.add_argument("path", metavar="路径", help="待校验的文件夹，或单个表格文件")
    p.add_argument("--stage", default="", metavar="阶段",
                   help="评定阶段：self 机构自评 / county 县级初评 / city 市级核验（默认为规则的第一个阶段）")
    p.add_argument("-o", "--output", default=None, metavar="文件",
                   help="校验报告保存路径（默认当前文件夹下的 校验报告_<阶段名称>_<评定日期>.xlsx）")
    p.add_argument("--annotate", metavar="文件夹2", default=None,
                   help="把有问题的表格复制到此文件夹，并在副本中标出问题单元格（原文件不会改动）")
    _panel(p)
    _common(p)
    p.set_defaults(build=_job(JOB_CHECK, overwrite="overwrite", panel="panel", source=lambda a: Path(a.path), stage="stage", rubric="rubric",
                             eval_date="date", output=lambda a: _path(a.output), annotate=lambda a: _path(a.annotate)))


def _report(sub) -> None:
    p = sub.add_parser("report", help="生成县区初评报告（按县区汇总县级初评得分，列出上报名单）",
                       description="读取一个文件夹中各机构的评分表（已填写县级初评得分），生成本县区的初评报告。")
    p.add_argument("folder", metavar="文件夹", help="存放各机构评分表的文件夹（或单个表格文件）")
    p.add_argument("--county", required=True, metavar="县区", help="县区名称，如 鹿寨县；只汇总所在县区为该县区的表格")
    p.add_argument("-o", "--output", default=None, metavar="文件",
                   help="初评报告保存路径（默认当前文件夹下的 <县区>初评报告_<评定日期>.xlsx；给出文件夹则保存到该文件夹）")
    _panel(p)
    _common(p)
    p.set_defaults(build=_job(JOB_REPORT, overwrite="overwrite", panel="panel", source=lambda a: Path(a.folder), county="county", rubric="rubric",
                             eval_date="date", output=lambda a: _path(a.output)))


def _star(sub) -> None:
    p = sub.add_parser("star", help="星级评定：按片区排名定星，生成星级评定结果工作簿",
                       description="读取文件夹中各托育机构填好的评分表，校验、计分、判断评定条件，"
                                   "按片区排名评定星级，生成星级评定结果工作簿。")
    p.add_argument("source", metavar="文件夹", help="存放各机构评分表的文件夹")
    p.add_argument("--stage", default="", metavar="阶段",
                   help="按哪一列得分评定：city 市级核验（正式结果，默认为规则的最后一个阶段）/ county 县级初评（初步结果）")
    p.add_argument("--history", metavar="文件", default=None,
                   help="星级评定历史记录表（tuoyu template history 生成，或上次星级评定写出的 "
                        "历史评定记录_更新至<日期>.xlsx），用于定级未满1年、复审到期、撤销的判断")
    p.add_argument("--rulings", metavar="文件", default=None,
                   help="决定工作簿：上次写出的星级评定结果工作簿，填好其中的“待裁定”（裁定星级、裁定依据）或"
                        "“公示核查”（核查结果、核查依据）工作表；按裁定生成最终结果，或（加 --name-date）命名")
    p.add_argument("--notice-date", type=parse_date_arg, default=None, metavar="日期",
                   help=f"公示开始日期，如 {DATE_EXAMPLE}：最终结果的“公示”写出公示期，结束日期按法定节假日和调休"
                        "计算工作日（不给时公示期留空白，打印后手写）")
    p.add_argument("--notice-end", type=parse_date_arg, default=None, metavar="日期",
                   help="公示结束日期（一般不用：工具按工作日计算；节假日安排尚未收录的年份可用它指定）")
    p.add_argument("--name-date", type=parse_date_arg, default=None, metavar="日期",
                   help="命名日期（取代原来的 --publish-date）：公示期满、在决定工作簿的“公示核查”中填好核查结果后，"
                        "与 --rulings 一起使用，写出命名名单和更新后的历史评定记录（日期为命名日期）")
    p.add_argument("--publish-date", default=None, help=argparse.SUPPRESS, action=_Replaced,
                   replacement="--name-date（命名日期，与 --rulings 最终结果工作簿一起使用，公示核查之后）")
    p.add_argument("-o", "--output", metavar="文件", default=None,
                   help="结果文件保存路径（默认当前文件夹下的 星级评定结果_<阶段名称>_<评定日期>.xlsx；有待裁定时为"
                        "…_待裁定稿_…，命名时为 星级评定结果_命名_<命名日期>.xlsx）；命名时另在同一文件夹写出命名名单和 "
                        "历史评定记录_更新至<命名日期>.xlsx")
    _panel(p)
    _common(p)
    p.set_defaults(build=_job(JOB_STAR, overwrite="overwrite", panel="panel", source=lambda a: Path(a.source), stage="stage", rubric="rubric",
                             eval_date="date", history=lambda a: _path(a.history), output=lambda a: _path(a.output),
                             rulings=lambda a: _path(a.rulings), notice_date="notice_date",
                             notice_end="notice_end", name_date="name_date"))


def _review(sub) -> None:
    p = sub.add_parser("review", help="复审：每3年复审一次，生成复审结果；填好处理决定后写出更新后的历史评定记录",
                       description="读取文件夹中复审机构填好的评分表（与星级评定同一模板），按历史评定记录确定各机构的"
                                   "现星级，逐项审核评定条件，生成复审结果工作簿（复审结论、建议处理、逾期未复审）。"
                                   "市卫生健康委在其“复审处理”工作表中填写处理决定后，加 --decisions 再运行一次，"
                                   "写出更新后的历史评定记录。")
    p.add_argument("folder", metavar="文件夹", help="存放复审机构评分表的文件夹")
    p.add_argument("--history", metavar="文件", required=True,
                   help="历史评定记录（上次命名或复审写出的 历史评定记录_更新至<日期>.xlsx，或 tuoyu template history "
                        "生成后填写的表格）：确定现星级、复审是否到期")
    p.add_argument("--stage", default="", metavar="阶段",
                   help="按哪一列得分复审：county 县级审核验收（默认）/ city 市级核验 / self 机构自评")
    p.add_argument("--decisions", metavar="文件", default=None,
                   help="填好“复审处理”（处理决定、整改期限、依据）的复审结果工作簿；给出时核对处理决定，"
                        "写出 历史评定记录_更新至<处理日期>.xlsx（处理日期用 --date）")
    p.add_argument("-o", "--output", metavar="文件", default=None,
                   help="保存路径或文件夹（默认当前文件夹下的 复审结果_<日期>.xlsx；有 --decisions 时为 "
                        "历史评定记录_更新至<日期>.xlsx）")
    p.add_argument("--overwrite", action="store_true",
                   help="输出文件已存在时直接覆盖（默认不覆盖：提示后退出，什么也不写）")
    p.add_argument("--rubric", default="", metavar="规则",
                   help=f"规则文件路径，或内置规则名（{SHIPPED_TEXT}）；不指定时用内置规则")
    p.add_argument("--date", type=parse_date_arg, default=None, metavar="日期",
                   help=f"复审日期，如 {DATE_EXAMPLE}（默认今天）；有 --decisions 时为处理日期，新增的历史记录以此为日期")
    p.set_defaults(build=_job(JOB_REVIEW, overwrite="overwrite", source=lambda a: Path(a.folder), stage="stage",
                             rubric="rubric", eval_date="date", history=lambda a: _path(a.history),
                             decisions=lambda a: _path(a.decisions), output=lambda a: _path(a.output)))


def _city(sub) -> None:
    p = sub.add_parser("city", help="示范城市创建评分：核算比较项与联席会议项、全区平均水平、城市排名",
                       description="读取文件夹中各市的示范城市创建评分表，核算与全区平均水平比较的项目和第4.1项，"
                                   "计算总分并排名，写出结果表。")
    p.add_argument("folder", metavar="文件夹", help="存放各市评分表的文件夹")
    p.add_argument("--stage", default="", metavar="阶段",
                   help="review：评估组评估（“评估得分”列，默认，用于最终排名）；self：市级自评（“自评得分”列，自查用）")
    p.add_argument("--averages", metavar="文件",
                   help="官方公布的全区平均水平表（用 tuoyu template averages 生成空白表）；不指定时按各市基础数据计算")
    p.add_argument("-o", "--output", metavar="文件",
                   help="结果文件路径或文件夹（默认当前文件夹下“示范城市创建评分结果_日期.xlsx”）；同名文件已存在时另存为新名")
    _common(p)
    p.set_defaults(build=_job(JOB_CITY, overwrite="overwrite", source=lambda a: Path(a.folder), stage="stage", rubric="rubric",
                             eval_date="date", averages=lambda a: _path(a.averages), output=lambda a: _path(a.output)))


def _demo(sub) -> None:
    p = sub.add_parser("demo", help="用内置样例演示全部功能（模板、校验、初评报告、星级评定、多人评分、示范城市评分）",
                       description="读取内置样例表格（只读，不会改动），依次生成空白模板、机构自评校验报告、"
                                   "各县区初评报告、星级评定结果、多人评分的星级评定结果和示范城市评分结果，全部保存到一个文件夹。")
    p.add_argument("-o", "--output", default=DEFAULT_OUTPUT, metavar="文件夹", help=f"输出文件夹（默认当前文件夹下的“{DEFAULT_OUTPUT}”）")
    p.set_defaults(func=_run_demo)


def _run_demo(args) -> int:
    return run_demo(Path(args.output), print)


def _gui(sub) -> None:
    p = sub.add_parser("gui", help="打开图形界面窗口（与双击 tuoyu_gui 相同）")
    p.set_defaults(func=_run_gui)


def _run_gui(args) -> int:
    from tuoyu_excel.gui.window import main as gui_main  # tkinter loads only when the window is asked for

    return gui_main()


def build_parser() -> argparse.ArgumentParser:
    p = ChineseParser(prog="tuoyu", description="托育机构星级评定与示范城市创建评分工具")
    p.add_argument("--version", action="version", version=f"tuoyu_excel {__version__}", help="显示程序版本并退出")
    sub = p.add_subparsers(dest="command", metavar="命令")
    for register in (_template, _check, _report, _star, _review, _city, rubric_commands.register, _demo, _gui):
        register(sub)
    return p
