"""What a new official meets at the command line: Chinese help and errors, dates as typed, each
workbook checked by its own rules, and jobs that refuse a wrong folder or stage without writing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from xvfb import virtual_display

from tuoyu_excel.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
STAR = ROOT / "samples" / "star"
CITY = ROOT / "samples" / "city"
ENGLISH = ("usage:", "positional arguments", "options:", "show this help", "invalid choice", "error:", "required:")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse exits on --help and on bad arguments
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("argv", [["--help"], ["star", "--help"], ["check", "--help"], ["template", "--help"],
                                  ["rubric", "export", "--help"]])
def test_help_is_chinese(capsys, argv):
    code, out, _ = run(capsys, *argv)
    assert code == 0 and "用法：" in out and "显示本帮助并退出" in out
    assert not any(word in out for word in ENGLISH), out


@pytest.mark.parametrize("argv, expected", [
    (["bogus"], "不是可选值"),
    (["star"], "缺少必填参数"),
    (["star", str(STAR), "--date", "2026-13-01"], "不是有效日期"),
    (["report", str(STAR)], "缺少必填参数：--county"),
    (["star", str(STAR), "--no-such-option"], "无法识别的参数"),
])
def test_argument_errors_are_one_chinese_line(capsys, argv, expected):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert expected in err and "错误：" in err and not any(word in err for word in ENGLISH), err


@pytest.mark.parametrize("typed", ["2026-11-22", "2026/11/22", "2026.11.22", "2026年11月22日"])
def test_every_date_form_an_official_types(tmp_path, capsys, typed):
    out = tmp_path / "结果.xlsx"
    code, printed, err = run(capsys, "star", str(STAR), "--date", typed, "-o", str(out))
    assert code == 1 and err == ""  # the samples hold issues and two institutions 待裁定
    assert "评定日期 2026-11-22" in printed
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "汇总"


def test_check_without_rubric_uses_each_workbooks_own_rules(tmp_path, capsys):
    code, out, _ = run(capsys, "check", str(CITY), "--date", "2026-11-22", "-o", str(tmp_path))
    assert code == 0, out
    assert "共读取 14 个文件：通过 14" in out and "示范城市" in out.splitlines()[0]
    assert "无法读取" not in out.replace("无法读取 0", "")


def test_a_folder_mixing_kinds_gets_one_report_per_kind(tmp_path, capsys):
    folder = tmp_path / "混合"
    folder.mkdir()
    for source in sorted(CITY.glob("*.xlsx"))[:2] + sorted(STAR.glob("城中区_*.xlsx"))[:3]:
        shutil.copy(source, folder / source.name)
    code, out, _ = run(capsys, "check", str(folder), "--date", "2026-11-22", "-o", str(tmp_path / "报告"))
    assert code in (0, 1)
    assert "【星级评定】3 个文件" in out and "【示范城市创建评分】2 个文件" in out
    written = sorted(p.name for p in (tmp_path / "报告").iterdir())
    assert written == ["校验报告_星级评定_机构自评_20261122.xlsx", "校验报告_示范城市创建评分_市级自评_20261122.xlsx"]
    assert "FILE_WRONG_KIND" not in out and "这是“" not in out


def test_city_job_on_the_star_folder_refuses_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "city", str(STAR), "--date", "2026-11-22")
    assert code == 2 and "中是星级评定申报表及评分表（49 个文件），不是示范城市创建评分表。请改用 tuoyu star 命令" in err
    assert list(tmp_path.iterdir()) == []


def test_a_stage_blank_in_every_workbook_is_one_sentence(tmp_path, capsys):
    folder = tmp_path / "只有自评"
    folder.mkdir()
    for source in sorted(CITY.glob("*.xlsx"))[:3]:
        wb = openpyxl.load_workbook(source)
        ws = wb["评分表"]
        header = next(r for r in ws.iter_rows(max_row=5) if any(c.value == "评估得分" for c in r))
        col = next(c.column for c in header if c.value == "评估得分")
        for row in ws.iter_rows(min_row=header[0].row + 1, min_col=col, max_col=col):
            if isinstance(row[0].value, (int, float)):
                row[0].value = None
        wb.save(folder / source.name)
    code, out, err = run(capsys, "city", str(folder), "--date", "2026-11-22", "-o", str(tmp_path / "r.xlsx"))
    assert code == 2, out
    assert "所选评分阶段“评估组评估”" in err and "全部为空，是否选错了阶段" in err
    assert err.count("错误：") == 1 and not (tmp_path / "r.xlsx").exists()


def test_tuoyu_gui_opens_the_window(tmp_path):
    """`tuoyu gui` is a real command: under Xvfb it opens the window titled 托育评定 Excel 工具."""
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool missing: run scripts/install_system_deps.sh")
    env_home = tmp_path / "config"
    with virtual_display() as display:
        proc = subprocess.Popen([sys.executable, "-m", "tuoyu_excel", "gui"], cwd=ROOT,
                                env={"DISPLAY": display, "XDG_CONFIG_HOME": str(env_home), "PATH": "/usr/bin:/bin",
                                     "HOME": str(tmp_path)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            found = ""
            for _ in range(100):  # xdotool's pattern is matched without a UTF-8 locale: search the Latin part
                done = subprocess.run(["xdotool", "search", "--name", "Excel"], capture_output=True,
                                      text=True, env={"DISPLAY": display})
                names = [subprocess.run(["xdotool", "getwindowname", w], capture_output=True, text=True,
                                        env={"DISPLAY": display}).stdout for w in done.stdout.split()]
                if any("托育评定 Excel 工具" in name for name in names):
                    found = names[0]
                    break
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
            assert found, proc.stderr.read().decode() if proc.poll() is not None else "no window"
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    assert found.startswith("托育评定 Excel 工具")


def test_tuoyu_gui_without_a_display_says_so_in_chinese(capsys, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    code, _, err = run(capsys, "gui")
    assert code == 2 and "无法打开窗口" in err and "Traceback" not in err


def _texts(path: Path, sheet: str) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [str(v) for row in wb[sheet].iter_rows(values_only=True) for v in row if v is not None]


def test_without_history_the_summary_says_which_rules_were_not_applied(tmp_path, capsys):
    out = tmp_path / "无历史.xlsx"
    assert main(["star", str(STAR), "--date", "2026-11-22", "-o", str(out)]) == 1
    assert any("未使用历史评定记录" in t and "每3年复审1次" in t for t in _texts(out, "汇总"))
    assert "本次未执行" in capsys.readouterr().out


def test_an_institution_due_for_review_says_so_in_its_own_note(tmp_path, capsys):
    out = tmp_path / "有历史.xlsx"
    history = ROOT / "samples" / "history" / "历史评定.xlsx"
    assert main(["star", str(STAR), "--date", "2026-11-22", "--history", str(history), "-o", str(out)]) == 1
    notes = [t for t in _texts(out, "星级评定结果") if t.startswith("复审到期") or "；复审到期" in t]
    assert len(notes) == 1 and "已满 3 年" in notes[0]
    assert any("复审到期" in t for t in _texts(out, "汇总"))
    assert not any("未使用历史评定记录" in t for t in _texts(out, "汇总"))
