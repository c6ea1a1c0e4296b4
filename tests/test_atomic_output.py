"""No output is ever half-written: a full disk, an interruption or a crash while writing leaves no file
under the final name (and no temporary file), and an existing file is replaced only when asked."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
import xlsxwriter.workbook
from support.star import filled

from tuoyu_excel.cli.main import main
from tuoyu_excel.render import run_info

DATE = "2026-11-22"


@pytest.fixture
def folder(tmp_path) -> Path:
    source = tmp_path / "收到"
    source.mkdir()
    filled(source / "a.xlsx", seed=61)
    return source


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_full_disk_leaves_nothing_under_the_final_name(folder, tmp_path, capsys, monkeypatch):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full)
    out = tmp_path / "输出"
    out.mkdir()
    assert main(["star", str(folder), "--date", DATE, "-o", str(out / "结果.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and "Traceback" not in err and "Exception ignored" not in err
    assert leftovers(out) == []


@pytest.mark.parametrize("command", ["star", "check"])
def test_an_interruption_while_writing_leaves_nothing(folder, tmp_path, capsys, monkeypatch, command):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_info, "write_run_info", interrupted)
    for module in ("tuoyu_excel.render.star.workbook", "tuoyu_excel.render.check_report"):
        monkeypatch.setattr(f"{module}.write_run_info", interrupted, raising=False)
    out = tmp_path / "输出"
    out.mkdir()
    assert main([command, str(folder), "--date", DATE, "-o", str(out / "结果.xlsx")]) == 2
    assert "已取消" in capsys.readouterr().err
    assert leftovers(out) == []
    assert main([command, str(folder), "--date", DATE, "-o", str(out / "结果.xlsx")]) in (0, 1, 2)


def test_overwrite_replaces_only_when_asked(folder, tmp_path, capsys):
    out = tmp_path / "结果.xlsx"
    assert main(["star", str(folder), "--date", DATE, "-o", str(out)]) == 0
    first = out.stat().st_mtime_ns
    assert main(["star", str(folder), "--date", DATE, "-o", str(out)]) == 2
    assert out.stat().st_mtime_ns == first
    assert main(["star", str(folder), "--date", DATE, "-o", str(out), "--overwrite"]) == 0
    assert out.stat().st_mtime_ns != first
    assert leftovers(tmp_path) == ["收到", "结果.xlsx"]  # no history before 命名 (--name-date)
