"""Command line: ``tuoyu <command> ...``. A thin shell: arguments → ``JobParams`` → ``run_job`` → print.

Exit codes: 0 = done and clean, 1 = done but issues were found (or 待裁定), 2 = could not run,
3 = an internal error (a bug): one Chinese line, the traceback in a log file beside the output.
Messages are Chinese; expected failures (TuoyuError) print their message, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tuoyu_excel.app.crash import write_crash_log
from tuoyu_excel.app.jobs import run_job
from tuoyu_excel.app.params import CANNOT_RUN, INTERNAL_ERROR, JobParams
from tuoyu_excel.cli.parser import build_parser
from tuoyu_excel.errors import TuoyuError
from tuoyu_excel.platform_support import setup_console_streams


def run_params(params: JobParams) -> int:
    """Run one job and print its outcome (the window shows the same lines)."""
    outcome = run_job(params)
    try:
        print("\n".join(outcome.lines), flush=True)
    except BrokenPipeError:  # `tuoyu … | head`: the reader stopped listening; the job itself is done
        _silence_stdout()
    return outcome.status


def _silence_stdout() -> None:
    """Point stdout at nothing, so the interpreter's final flush does not fail on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    setup_console_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not (getattr(args, "build", None) or getattr(args, "func", None)):
        parser.print_help()
        return CANNOT_RUN
    params = args.build(args) if getattr(args, "build", None) else None
    try:
        return run_params(params) if params is not None else args.func(args)
    except TuoyuError as exc:
        problems = getattr(exc, "problems", None) or [exc]  # a broken rubric lists every problem
        for problem in problems:
            print(f"错误：{problem}", file=sys.stderr)
        return CANNOT_RUN
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return CANNOT_RUN
    except BrokenPipeError:  # the reader of our output went away (e.g. `tuoyu demo | head`)
        _silence_stdout()
        return CANNOT_RUN
    except Exception as exc:  # noqa: BLE001 - a bug: say so in one line, keep the traceback for whoever fixes it
        log = write_crash_log(log_folder(params, args), exc)
        where = f"详细记录已写入 {log}，请把它发给技术支持" if log else "详细记录无法写入文件"
        print(f"错误：程序内部出错（{type(exc).__name__}：{exc}）。{where}。", file=sys.stderr)
        return INTERNAL_ERROR


def log_folder(params: JobParams | None, args) -> Path:
    """Where the crash log goes: beside the output the job was asked for, else the current folder."""
    output = params.output if params is not None else getattr(args, "output", None)
    if output is None:
        return Path.cwd()
    output = Path(output)
    return output if output.is_dir() or (params is not None and params.output_is_folder) else output.parent
