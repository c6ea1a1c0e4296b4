"""What differs between Windows, Linux and macOS, and between the source tree and the packaged app.

Kept apart and self-contained (imports nothing else from tuoyu_excel) so the window, the command
line and the worker pool share one answer to each question:

- ``setup_console_streams()``: a console that cannot print every character (a Chinese Windows
  console or pipe is GBK, code page 936) must not crash the program; the windowed exe has no
  console at all (``sys.stdout`` is None there);
- ``ui_font_family(root)`` / ``ui_font(root, size)``: a Chinese font that exists on this machine
  (Microsoft YaHei on Windows, Noto Sans CJK on Linux, PingFang on macOS, else Tk's default);
- ``open_with_default_program(path)``: open a result with the system's default program;
- ``sharp_on_scaled_screens()``: on Windows the window draws itself at the screen's scaling (125 %
  on many office laptops) instead of being stretched blurry by the system;
- ``is_frozen()`` / ``process_start_method()``: the packaged app (PyInstaller) starts worker
  processes with spawn, the only method Windows has, so the Linux bundle runs the same path.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

# Chinese UI fonts by platform, best first. Tk on Windows may list a font under its Chinese name.
_CJK_FONTS = {
    "win32": ("Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑", "DengXian", "等线", "SimHei", "黑体",
              "SimSun", "宋体", "NSimSun", "新宋体"),
    "darwin": ("PingFang SC", "Hiragino Sans GB", "Heiti SC", "STHeiti", "Songti SC"),
    "linux": ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
              "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN"),
}


def is_frozen() -> bool:
    """True inside the packaged app (PyInstaller sets sys.frozen)."""
    return bool(getattr(sys, "frozen", False))


def _platform_key(platform: str | None = None) -> str:
    platform = platform or sys.platform
    if platform.startswith("win"):
        return "win32"
    return "darwin" if platform == "darwin" else "linux"


def font_candidates(platform: str | None = None) -> tuple[str, ...]:
    """The Chinese fonts to try on ``platform`` (default: this one), then those of the others."""
    own = _platform_key(platform)
    others = [name for key, names in _CJK_FONTS.items() if key != own for name in names]
    return _CJK_FONTS[own] + tuple(others)


def ui_font_family(root, platform: str | None = None) -> str | None:
    """The first Chinese font of ``font_candidates`` that Tk knows on this machine, or None."""
    from tkinter import font  # tkinter loads only when a window asks for its font

    available = {name.lstrip("@") for name in font.families(root)}
    for name in font_candidates(platform):
        if name in available:
            return name
    return None


def ui_font(root, size: int = 10):
    """A Tk font spec for Chinese text: (family, size), or Tk's default font when no CJK font exists."""
    family = ui_font_family(root)
    return (family, size) if family else "TkDefaultFont"


def setup_console_streams() -> None:
    """Make printing safe, whatever the console: call once at start-up.

    - windowed program (PyInstaller ``console=False``, pythonw): stdout/stderr are None, and a
      print would raise; they become the null device;
    - console or pipe in a legacy code page (GBK on a Chinese Windows, also what Python picks when
      output is redirected there): a character the code page lacks is printed as ``?`` instead of
      ending the program with UnicodeEncodeError. The encoding itself is left alone: it is what the
      console or the reading program expects (a real Windows console gets UTF-16 from Python anyway).
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process
        elif hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # a detached or closed stream: leave it
                pass


def sharp_on_scaled_screens(platform: str | None = None) -> bool:
    """Declare the process DPI-aware on Windows (before the first window), so Tk sizes its fonts and
    widgets for the screen's scaling (tk scaling follows it) and the text stays sharp. True when done."""
    if _platform_key(platform) != "win32":
        return False
    import ctypes  # Windows only: the two system calls below

    try:
        ctypes.windll.shcore.SetProcessDpiAwareness(1)  # type: ignore[attr-defined]  # per-monitor unaware: system DPI
        return True
    except (AttributeError, OSError):
        try:
            return bool(ctypes.windll.user32.SetProcessDPIAware())  # type: ignore[attr-defined]  # before Windows 8.1
        except (AttributeError, OSError):
            return False


def open_command(path: Path | str, platform: str | None = None) -> list[str] | None:
    """The command that opens ``path`` with the default program; None on Windows (os.startfile)."""
    key = _platform_key(platform)
    if key == "win32":
        return None
    return ["open" if key == "darwin" else "xdg-open", str(path)]


def open_with_default_program(path: Path | str) -> subprocess.Popen | None:
    """Open a file or folder with the system's default program (Excel/WPS for a workbook, the file
    manager for a folder). Raises OSError with a Chinese message when that is impossible. Returns the
    opener's process (xdg-open, open), whose exit status says later whether it found a program; None
    on Windows, where os.startfile has already said so."""
    command = open_command(path)
    try:
        if command is None:
            os.startfile(str(path))  # type: ignore[attr-defined]  # Windows only
            return None
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise OSError(f"无法用默认程序打开“{path}”：{exc.strerror or exc}") from exc


def process_start_method(platform: str | None = None, frozen: bool | None = None,
                         threads: int | None = None) -> str:
    """How to start worker processes: fork on Linux from the source tree while only one thread runs
    (workers start in milliseconds, with everything loaded); spawn otherwise: Windows has nothing
    else, forking a threaded process (the window runs jobs on a thread) is unsafe, and the packaged
    app uses spawn everywhere so the Linux bundle tests the Windows path (freeze_support)."""
    frozen = is_frozen() if frozen is None else frozen
    threads = threading.active_count() if threads is None else threads
    if _platform_key(platform) == "linux" and not frozen and threads == 1:
        return "fork"
    return "spawn"


def pool_context() -> multiprocessing.context.BaseContext:
    """The multiprocessing context for worker pools (see process_start_method)."""
    return multiprocessing.get_context(process_start_method())
