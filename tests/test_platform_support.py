"""tuoyu_excel.platform_support: console streams, UI font, default-program opener, start method."""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import time
import tkinter as tk
from pathlib import Path

import pytest
from xvfb import virtual_display

from tuoyu_excel import platform_support as ps

ROOT = Path(__file__).resolve().parents[1]


def test_imports_nothing_else_from_the_package():
    """The module stays self-contained (the package around it is being restructured)."""
    tree = ast.parse((ROOT / "tuoyu_excel" / "platform_support.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and not (node.module or "").startswith("tuoyu_excel"), ast.dump(node)
        elif isinstance(node, ast.Import):
            assert not any(a.name.startswith("tuoyu_excel") for a in node.names)


def test_console_streams_gbk_pipe_prints_every_character(monkeypatch):
    """A GBK console (code page 936) cannot encode 😀 or ẞ: printed as ? instead of a crash."""
    raw = io.BytesIO()
    gbk = io.TextIOWrapper(raw, encoding="gbk", errors="strict")
    monkeypatch.setattr(sys, "stdout", gbk)
    with pytest.raises(UnicodeEncodeError):
        print("机构😀", flush=True)
    gbk.seek(0)
    gbk.truncate()
    ps.setup_console_streams()
    print("机构😀ẞ完成", flush=True)
    assert raw.getvalue() == "机构??完成\n".encode("gbk")
    assert sys.stdout.encoding == "gbk"  # the encoding the console expects is kept


def test_console_streams_windowed_program_has_none(monkeypatch):
    """The windowed exe starts with sys.stdout/sys.stderr = None: printing must still work."""
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    ps.setup_console_streams()
    try:
        print("写到空设备")
        print("错误", file=sys.stderr)
        assert os.path.samefile(sys.stdout.name, os.devnull)
    finally:
        sys.stdout.close()
        sys.stderr.close()


def test_console_streams_windowed_child(tmp_path):
    """The same in a real process whose streams are None (as pythonw / the windowed exe)."""
    code = ("import sys; sys.stdout = None; sys.stderr = None\n"
            "from tuoyu_excel.platform_support import setup_console_streams\n"
            "setup_console_streams(); print('完成'); print('x', file=sys.stderr)\n"
            "open(sys.argv[1], 'w').write('ok')\n")
    done_file = tmp_path / "done.txt"
    run = subprocess.run([sys.executable, "-c", code, str(done_file)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert done_file.read_text() == "ok"


def test_font_candidates_per_platform():
    win = ps.font_candidates("win32")
    assert win[0] == "Microsoft YaHei UI" and "Microsoft YaHei" in win and "微软雅黑" in win
    assert win.index("Microsoft YaHei") < win.index("Noto Sans CJK SC")  # Windows' own first, then others
    assert ps.font_candidates("linux")[0] == "Noto Sans CJK SC"
    assert ps.font_candidates("darwin")[0] == "PingFang SC"


def test_ui_font_picks_what_exists(monkeypatch):
    from tkinter import font

    monkeypatch.setattr(font, "families", lambda root=None: ("Arial", "@SimSun", "Microsoft YaHei", "Tahoma"))
    assert ps.ui_font_family(None, "win32") == "Microsoft YaHei"
    monkeypatch.setattr(font, "families", lambda root=None: ("Arial", "@SimSun", "Tahoma"))
    assert ps.ui_font_family(None, "win32") == "SimSun"  # vertical-writing "@" variants count as the font
    monkeypatch.setattr(font, "families", lambda root=None: ("Arial", "Noto Sans CJK SC"))
    assert ps.ui_font_family(None, "win32") == "Noto Sans CJK SC"  # no Windows font: any CJK font
    monkeypatch.setattr(font, "families", lambda root=None: ("Arial", "Tahoma"))
    assert ps.ui_font_family(None, "win32") is None
    assert ps.ui_font(None, 10) == "TkDefaultFont"


def test_ui_font_on_this_machine():
    """With fonts-noto-cjk installed (scripts/install_system_deps.sh) the real Tk finds Noto Sans CJK SC."""
    with virtual_display():
        root = tk.Tk()
        try:
            assert ps.ui_font(root, 11) == ("Noto Sans CJK SC", 11)
        finally:
            root.destroy()


def test_open_command_per_platform():
    assert ps.open_command("/tmp/结果.xlsx", "linux") == ["xdg-open", "/tmp/结果.xlsx"]
    assert ps.open_command("/tmp/结果.xlsx", "darwin") == ["open", "/tmp/结果.xlsx"]
    assert ps.open_command("C:\\结果.xlsx", "win32") is None  # os.startfile


def test_open_with_default_program_runs_the_opener(tmp_path, monkeypatch):
    """A fake xdg-open on PATH records what it was asked to open."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "opened.txt"
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{record}"\n', encoding="utf-8")
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / "结果 目录" / "星级评定结果.xlsx"
    ps.open_with_default_program(target)
    for _ in range(100):
        if record.exists() and record.stat().st_size:
            break
        time.sleep(0.05)
    assert record.read_text(encoding="utf-8") == str(target)


def test_open_with_default_program_explains_a_missing_opener(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no xdg-open anywhere
    with pytest.raises(OSError, match="无法用默认程序打开"):
        ps.open_with_default_program(tmp_path / "结果.xlsx")


@pytest.mark.parametrize(("platform", "frozen", "threads", "method"), [
    ("linux", False, 1, "fork"),
    ("linux", False, 2, "spawn"),   # the window runs jobs on a thread
    ("linux", True, 1, "spawn"),    # the packaged app: same path as Windows
    ("win32", False, 1, "spawn"),
    ("win32", True, 1, "spawn"),
    ("darwin", False, 1, "spawn"),
])
def test_process_start_method(platform, frozen, threads, method):
    assert ps.process_start_method(platform, frozen, threads) == method


def test_frozen_follows_sys_frozen(monkeypatch):
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert not ps.is_frozen()
    assert ps.process_start_method("linux", threads=1) == "fork"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert ps.is_frozen()
    assert ps.process_start_method("linux", threads=1) == "spawn"
    assert ps.pool_context().get_start_method() == "spawn"


def test_only_windows_is_declared_dpi_aware():
    assert ps.sharp_on_scaled_screens("linux") is False
    assert ps.sharp_on_scaled_screens("darwin") is False
