"""The command line and the window run the same jobs: same folder in, same workbooks and summaries out.

Each job runs once through `tuoyu …` (cli.main) and once through the window's model
(gui.window.run_task on the form a person fills, with every optional field left empty, as a
new official leaves them). Workbooks are compared cell value by cell value on every sheet
except 运行信息, whose timing and output path differ by nature; the summaries must match line
for line, apart from the lines naming where the file was written and the how-to hints, which name
the window's fields there and the command's options here (app/wording.py; `as_cli` puts them back).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tuoyu_excel.app.wording import CLI, HINTS, WINDOW
from tuoyu_excel.cli.main import main
from tuoyu_excel.gui.model import TASK_CHECK, TASK_CITY, TASK_REPORT, TASK_STAR, TASK_TEMPLATE, TaskParams
from tuoyu_excel.gui.window import run_task

ROOT = Path(__file__).resolve().parents[1]
STAR = ROOT / "samples" / "star"
CITY = ROOT / "samples" / "city"
HISTORY = ROOT / "samples" / "history" / "历史评定.xlsx"
DATE = "2026-11-22"
VOLATILE_SHEETS = {"运行信息"}

CASES = {
    "template": (["template", "star"], ["template", "city"], ["template", "history"], ["template", "averages"]),
    "check": (["check", str(STAR), "--date", DATE], None),
    "report": (["report", str(STAR), "--county", "鹿寨县", "--date", DATE], None),
    "star": (["star", str(STAR), "--date", DATE, "--history", str(HISTORY)], None),
    "city": (["city", str(CITY), "--date", DATE], None),
}
FORMS = {
    "template": TaskParams(task=TASK_TEMPLATE),
    "check": TaskParams(task=TASK_CHECK, input_dir=str(STAR), date=DATE),
    "report": TaskParams(task=TASK_REPORT, input_dir=str(STAR), county="鹿寨县", date=DATE),
    "star": TaskParams(task=TASK_STAR, input_dir=str(STAR), date=DATE, history=str(HISTORY)),
    "city": TaskParams(task=TASK_CITY, input_dir=str(CITY), date=DATE),
}


def cell_values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)]
                for ws in wb.worksheets if ws.title not in VOLATILE_SHEETS}
    finally:
        wb.close()


def without_paths(lines: list[str], *folders: Path) -> list[str]:
    """The summary minus the lines that say where a file went (they name different folders)."""
    return [line for line in lines if not any(str(f.resolve()) in line or str(f) in line for f in folders)]


def run_cli(argv: list[str], out: Path, capsys) -> tuple[int, list[str]]:
    option = ["-o", str(out)]
    code = main(argv + option)
    return code, capsys.readouterr().out.splitlines()


def as_cli(lines: list[str]) -> list[str]:
    """The window's summary lines with its how-to hints worded as the command line words them."""
    out = []
    for line in lines:
        for texts in HINTS.values():
            if "{" not in texts[WINDOW]:
                line = line.replace(texts[WINDOW], texts[CLI])
        out.append(line)
    return out


@pytest.mark.parametrize("job", sorted(CASES))
def test_cli_and_window_give_the_same_results(job, tmp_path, capsys):
    cli_out, gui_out = tmp_path / "命令行", tmp_path / "窗口"
    cli_out.mkdir()
    codes, cli_lines = [], []
    for argv in [a for a in CASES[job] if a]:
        code, lines = run_cli(argv, cli_out, capsys)
        codes.append(code)
        cli_lines += lines
    form = FORMS[job]
    form.output_dir = str(gui_out)
    outcome = run_task(form)
    assert outcome.status == max(codes)
    assert not any(" --" in line for line in outcome.lines)
    assert without_paths(as_cli(outcome.lines), gui_out) == without_paths(cli_lines, cli_out)
    cli_files = sorted(p.name for p in cli_out.iterdir())
    assert sorted(p.name for p in outcome.outputs) == cli_files == sorted(p.name for p in gui_out.iterdir())
    for name in cli_files:
        assert cell_values(gui_out / name) == cell_values(cli_out / name), name


def test_window_city_ranking_is_the_assessors_ranking(tmp_path, capsys):
    """The window used to rank cities by their self-assessment: now both rank by 评估组评估."""
    outcome = run_task(TaskParams(task=TASK_CITY, input_dir=str(CITY), date=DATE, output_dir=str(tmp_path / "窗口")))
    assert main(["city", str(CITY), "--date", DATE, "-o", str(tmp_path / "cli.xlsx")]) in (0, 1)
    ranked = [line for line in outcome.lines if line.startswith("  第 ")]
    assert ranked == [line for line in capsys.readouterr().out.splitlines() if line.startswith("  第 ")]
    assert ranked[:3] == ["  第 1 名  柳州市  100 分", "  第 2 名  南宁市  98 分", "  第 3 名  北海市  97 分"]
    assert any("评估组评估" in line for line in outcome.lines[:1])
