"""Output safety: never overwrite a results file silently, and say where it went.

If the wanted path exists (or Excel/WPS holds it open, which shows as a lock file
``~$name`` beside it), the next free name ``name(2).xlsx`` … is used instead and
a Chinese notice says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tuoyu_excel.errors import OutputError


@dataclass(frozen=True)
class OutputPath:
    path: Path
    notice: str = ""  # set when a new name had to be chosen


def _taken(path: Path) -> bool:
    return path.exists() or (path.parent / f"~${path.name}").exists() or (path.parent / f".~lock.{path.name}#").exists()


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
    """Choose a free path and make sure its folder exists and is writable."""
    out = free_output_path(Path(wanted))
    try:
        out.path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {out.path.parent}：{exc}") from exc
    return out
