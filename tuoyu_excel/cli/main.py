"""Command line: ``tuoyu <command> ...``. A thin shell over the pure core.

Exit codes: 0 = done and clean, 1 = done but issues were found, 2 = could not run.
Messages are Chinese; expected failures (TuoyuError) print their message, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tuoyu_excel import __version__
from tuoyu_excel.errors import TuoyuError
from tuoyu_excel.intake.rubric_file import SHIPPED, load_rubric

TEMPLATE_RUBRICS = {"star": "liuzhou_star", "city": "guangxi_demo_city", "averages": "guangxi_demo_city",
                    "history": "liuzhou_star"}


def _safe_console() -> None:
    """A frozen windowed app has no stdout; a GBK console cannot print every character."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(__import__("os").devnull, "w", encoding="utf-8"))
        elif hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def _cmd_template(args) -> int:
    from tuoyu_excel.layout import submission as layout
    from tuoyu_excel.layout.averages import averages_filename
    from tuoyu_excel.layout.history import history_template_name
    from tuoyu_excel.render.averages_template import write_averages_template
    from tuoyu_excel.render.history_template import write_history_template
    from tuoyu_excel.render.output import prepare_output
    from tuoyu_excel.render.template.workbook import write_template

    rubric = load_rubric(args.rubric or TEMPLATE_RUBRICS[args.kind])
    if args.kind == "averages":
        name, writer = averages_filename(rubric), write_averages_template
    elif args.kind == "history":
        name, writer = history_template_name(rubric), write_history_template
    else:
        name, writer = layout.template_filename(rubric), write_template
    wanted = Path(args.output) / name
    out = prepare_output(wanted) if not args.overwrite else None
    path = writer(rubric, wanted.parent, out.path.name if out else name)
    if out and out.notice:
        print(out.notice)
    print(f"已生成空白模板：{path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tuoyu", description="托育机构星级评定与示范城市创建评分工具")
    p.add_argument("--version", action="version", version=f"tuoyu_excel {__version__}")
    sub = p.add_subparsers(dest="command", metavar="命令")
    t = sub.add_parser("template", help="生成空白模板（star 星级评定 / city 示范城市 / averages 全区平均水平 / "
                                        "history 星级评定历史记录）")
    t.add_argument("kind", choices=sorted(TEMPLATE_RUBRICS), help="star、city、averages 或 history")
    t.add_argument("-o", "--output", default=".", help="输出文件夹（默认当前文件夹）")
    t.add_argument("--rubric", help=f"规则文件路径，或内置规则名（{'、'.join(SHIPPED)}）")
    t.add_argument("--overwrite", action="store_true", help="同名文件已存在时直接覆盖（默认另存为新文件名）")
    t.set_defaults(func=_cmd_template)
    for register in _registrars():
        register(sub)
    return p


def _registrars():
    """Each command family lives in its own cli_*.py module with a `register(subparsers)` function."""
    from tuoyu_excel.cli import commands as cli_commands
    return cli_commands.REGISTRARS


def main(argv: list[str] | None = None) -> int:
    _safe_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except TuoyuError as exc:
        problems = getattr(exc, "problems", None) or [exc]  # a broken rubric lists every problem
        for problem in problems:
            print(f"错误：{problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 2


def add_common(parser: argparse.ArgumentParser, rubric_default: str) -> None:
    """Options most commands share: --rubric and --date."""
    parser.add_argument("--rubric", default=rubric_default,
                        help=f"规则文件路径，或内置规则名（{'、'.join(SHIPPED)}），默认 {rubric_default}")
    parser.add_argument("--date", type=parse_date_arg, default=None,
                        help="评定日期，如 2026-11-22（默认今天）")


def parse_date_arg(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是有效日期，请按 2026-11-22 的格式填写") from None
