"""Command line: ``tuoyu <command> ...``. A thin shell: arguments → ``JobParams`` → ``run_job`` → print.

Exit codes: 0 = done and clean, 1 = done but issues were found (or 待裁定), 2 = could not run.
Messages are Chinese; expected failures (TuoyuError) print their message, never a traceback.
"""

from __future__ import annotations

import sys

from tuoyu_excel.app.console import safe_console
from tuoyu_excel.app.jobs import run_job
from tuoyu_excel.app.params import CANNOT_RUN, JobParams
from tuoyu_excel.cli.parser import build_parser
from tuoyu_excel.errors import TuoyuError


def run_params(params: JobParams) -> int:
    """Run one job and print its outcome (the window shows the same lines)."""
    outcome = run_job(params)
    print("\n".join(outcome.lines))
    return outcome.status


def main(argv: list[str] | None = None) -> int:
    safe_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not (getattr(args, "build", None) or getattr(args, "func", None)):
        parser.print_help()
        return CANNOT_RUN
    try:
        return run_params(args.build(args)) if getattr(args, "build", None) else args.func(args)
    except TuoyuError as exc:
        problems = getattr(exc, "problems", None) or [exc]  # a broken rubric lists every problem
        for problem in problems:
            print(f"错误：{problem}", file=sys.stderr)
        return CANNOT_RUN
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return CANNOT_RUN
