"""File names that are not valid text, and crashes that are not the official's fault.

A zip made on Chinese Windows and unpacked on Linux leaves GBK bytes in file names; such names are
shown decoded (or escaped) everywhere and never crash a writer. An unexpected exception exits 3, the
code that means "internal error", with one Chinese line and the traceback in a log beside the output.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from support.star import filled

from tuoyu_excel.app import steps
from tuoyu_excel.app.crash import LOG_NAME
from tuoyu_excel.cli.main import main
from tuoyu_excel.text import display_name

GBK_NAME = "阳光托育.xlsx".encode("gbk")


def test_display_name_decodes_gbk_bytes_and_escapes_the_rest():
    on_disk = os.fsdecode(GBK_NAME)  # what os.listdir gives on Linux for these bytes
    assert display_name(on_disk) == "阳光托育.xlsx"
    assert display_name(os.fsdecode(b"\xff\xfe.xlsx")) == "\\xff\\xfe.xlsx"
    assert display_name("普通名称.xlsx") == "普通名称.xlsx"


@pytest.fixture
def gbk_folder(tmp_path) -> Path:
    folder = tmp_path / "收到"
    folder.mkdir()
    good = filled(tmp_path / "seed.xlsx", seed=41)
    with open(os.path.join(os.fsencode(folder), GBK_NAME), "wb") as out:
        out.write(good.read_bytes())
    filled(folder / "正常.xlsx", seed=42)
    return folder


@pytest.mark.parametrize("command", ["check", "star"])
def test_a_gbk_named_file_is_read_and_shown_readably(gbk_folder, tmp_path, capsys, command):
    out = tmp_path / f"{command}.xlsx"
    code = main([command, str(gbk_folder), "--date", "2026-11-22", "-o", str(out)])
    printed = capsys.readouterr()
    assert code in (0, 1), printed.err
    assert "Traceback" not in printed.err
    assert command != "check" or "阳光托育.xlsx：通过" in printed.out
    wb = openpyxl.load_workbook(out, read_only=True)  # a whole, valid workbook under the final name
    texts = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
    assert any("阳光托育.xlsx" in t for t in texts)


def test_an_internal_error_exits_3_with_a_log(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("模拟的程序错误")

    monkeypatch.setattr(steps, "run", broken)  # the folder run every job shares (app/steps.py)
    folder = tmp_path / "收到"
    folder.mkdir()
    filled(folder / "a.xlsx", seed=43)
    out = tmp_path / "结果"
    out.mkdir()
    code = main(["check", str(folder), "--date", "2026-11-22", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith("错误：程序内部出错（RuntimeError：模拟的程序错误）") and "Traceback" not in err
    log = out / LOG_NAME
    assert str(log) in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "模拟的程序错误" in text


def test_a_closed_pipe_is_not_an_internal_error(tmp_path):
    """`tuoyu … | head -1`: the reader stops early; the job is done and nothing is reported as a crash."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(f'"{sys.executable}" -m tuoyu_excel rubric export liuzhou_star -o "{tmp_path / "规则.xlsx"}" '
                          "| head -c 1 >/dev/null; exit ${PIPESTATUS[0]}", shell=True, executable="/bin/bash",
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "程序内部出错" not in done.stderr and (tmp_path / "规则.xlsx").is_file()
    assert not (root / "托育工具运行日志.txt").exists()
