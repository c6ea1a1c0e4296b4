"""Output safety: never overwrite a results file silently, never leave half a file under its name.

What happens when the wanted file exists is the job's choice (``output_policy``): ``refuse`` (the
command line without --overwrite: a Chinese error naming --overwrite; the window then asks),
``overwrite`` (explicitly asked for), or ``rename`` (the next free name ``name(2).xlsx`` and a notice).
A file that Excel/WPS holds open (a lock file ``~$name`` beside it) is named as such.
``atomic_path`` writes under a hidden temporary name in the same folder and renames it into place
only when the file is complete: after a full disk, a crash or Ctrl-C no file exists under the
final name (and the temporary one is removed).
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from tuoyu_excel.errors import OutputError, os_reason

REFUSE, OVERWRITE, RENAME = "refuse", "overwrite", "rename"
_policy: ContextVar[str] = ContextVar("output_policy", default=RENAME)


class OutputExists(OutputError):
    """The wanted output file exists and the job may not replace it; `path` names it."""

    def __init__(self, path: Path, message: str):
        super().__init__(message)
        self.path = path


def current_policy() -> str:
    return _policy.get()


@contextlib.contextmanager
def output_policy(policy: str) -> Iterator[None]:
    """Within the block, an existing output file is refused, overwritten or renamed around."""
    token = _policy.set(policy)
    try:
        yield
    finally:
        _policy.reset(token)


@dataclass(frozen=True)
class OutputPath:
    path: Path
    notice: str = ""  # set when a new name had to be chosen


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name too long for the file system cannot exist
        return False


def _locked(path: Path) -> bool:
    """Excel/WPS (``~$name``) or LibreOffice (``.~lock.name#``) has the file open."""
    return _exists(path.parent / f"~${path.name}") or _exists(path.parent / f".~lock.{path.name}#")


def _taken(path: Path) -> bool:
    return _exists(path) or _locked(path)


def free_output_path(wanted: Path) -> OutputPath:
    """The wanted path if free, else the first free ``stem(N)suffix``."""
    wanted = Path(wanted)
    if not _taken(wanted):
        return OutputPath(wanted)
    for n in range(2, 1000):
        candidate = wanted.with_name(f"{wanted.stem}({n}){wanted.suffix}")
        if not _taken(candidate):
            return OutputPath(candidate, f"{wanted.name} 已存在或正被打开，为避免覆盖，结果另存为 {candidate.name}")
    raise OutputError(f"{wanted.parent} 中同名文件过多，请清理后重试")


def prepare_output(wanted: Path) -> OutputPath:
    """The path to write, by the job's output policy, with its folder made."""
    wanted = Path(wanted)
    policy = _policy.get()
    if policy != RENAME and _locked(wanted):
        raise OutputError(f"{wanted.name} 正被其他程序（Excel/WPS）打开，无法写入。请关闭它后重新运行")
    if policy == REFUSE and _exists(wanted):
        raise OutputExists(wanted, f"{wanted} 已存在，未写入。要覆盖它请加 --overwrite，或用 -o 指定另一个文件名")
    out = OutputPath(wanted) if policy != RENAME else free_output_path(wanted)
    try:
        out.path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {out.path.parent}：{exc}") from exc
    return out


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path` to write to; on success it is renamed to `path`, on any
    failure (or Ctrl-C) it is removed and nothing exists under `path` that was not there before."""
    path = Path(path)
    temporary = path.with_name(f".{os.getpid()}.{path.stem[:40]}.tmp{path.suffix}")  # hidden: never an input
    try:
        yield temporary
        os.replace(temporary, path)
    except OutputError as exc:
        release_zips(exc)
        raise  # already says what went wrong, in Chinese
    except OSError as exc:
        release_zips(exc)
        raise OutputError(f"无法写入 {path}：{os_reason(exc)}") from exc
    except BaseException as exc:
        release_zips(exc)
        raise
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def release_zips(exc: BaseException) -> None:
    """Close, quietly, the zip files a writer left open when it failed part-way (a disk that fills during
    the write): XlsxWriter's and openpyxl's ZipFile sits in a frame of the traceback, and closed later by
    the garbage collector it would flush again, fail again and print an English traceback (“Exception
    ignored in: ZipFile.__del__”). Its file is closed here without writing more; the temporary is removed."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        tb = exc.__traceback__
        while tb is not None:
            for value in list(tb.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile) and value.fp is not None:
                    handle, value.fp = value.fp, None  # ZipFile.close (and __del__) now do nothing
                    with contextlib.suppress(OSError, ValueError):
                        handle.close()  # flushing fails again, but the file is closed all the same
            tb = tb.tb_next
        exc = exc.__cause__ or exc.__context__


def kept_output(wanted: Path) -> OutputPath:
    """The kept history's name: replaced only when overwriting was asked for; otherwise an existing one
    (an earlier run of the same day) is never replaced nor a reason to refuse: a free name is taken and said."""
    with output_policy(OVERWRITE if current_policy() == OVERWRITE else RENAME):
        return prepare_output(wanted)
