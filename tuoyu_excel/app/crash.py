"""The log a crash leaves for whoever fixes it: the command line and the window write the same file."""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

from tuoyu_excel import __version__

LOG_NAME = "托育工具运行日志.txt"


def write_crash_log(folder: Path, exc: BaseException) -> Path | None:
    """Append the traceback of `exc` to the log in `folder`; its path, or None when it cannot be written."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return append_log(folder, f"程序内部出错（tuoyu_excel {__version__}）\n{text}")


def append_log(folder: Path, text: str) -> Path | None:
    try:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"[{dt.datetime.now():%Y-%m-%d %H:%M:%S}] {text}\n")
        return path
    except OSError:
        return None
