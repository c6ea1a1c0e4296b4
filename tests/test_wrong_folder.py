"""A folder that does not fit the task is refused with the right folder or the right task named, and
a refusal creates nothing: no output folder, no log file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tuoyu_excel.app.jobs import run_job
from tuoyu_excel.app.params import JOB_CHECK, JOB_CITY, JOB_REPORT, JOB_STAR, JobError, JobParams
from tuoyu_excel.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "samples" / "city"
STAR = ROOT / "samples" / "star"


def refusal(job: str, source: Path, out: Path, **extra) -> str:
    with pytest.raises(JobError) as caught:
        run_job(JobParams(job=job, source=source, output=out, output_is_folder=True, **extra))
    assert not out.exists()  # nothing created: no output folder, no log file in it
    return str(caught.value)


@pytest.mark.parametrize("job", [JOB_STAR, JOB_CHECK, JOB_CITY])
def test_a_parent_folder_names_the_subfolder_that_holds_the_forms(tmp_path, job):
    parent = tmp_path / "2026年评定"
    shutil.copytree(CITY, parent / "各市评分表")
    (parent / "说明.txt").write_text("各市报来的表格在子文件夹中", encoding="utf-8")
    text = refusal(job, parent, tmp_path / "结果")
    count = len([p for p in CITY.iterdir() if not p.name.startswith("~$")])
    assert text == f"这个文件夹（{parent}）里没有表格，但子文件夹“各市评分表”中有 {count} 份：请选择这个子文件夹"


def test_several_subfolders_are_all_named(tmp_path):
    (tmp_path / "甲").mkdir()
    shutil.copy(next(CITY.glob("*.xlsx")), tmp_path / "甲")
    shutil.copy(next(CITY.glob("*.xlsx")), tmp_path / "乙.xlsx.bak")
    (tmp_path / "乙").mkdir()
    shutil.copy(next(STAR.glob("*.xlsx")), tmp_path / "乙")
    text = refusal(JOB_STAR, tmp_path, tmp_path / "结果")
    assert "子文件夹“乙”中有 1 份、“甲”中有 1 份：请选择其中一个子文件夹" in text  # in name order


def test_forms_of_the_other_kind_name_the_task_to_use(tmp_path):
    text = refusal(JOB_STAR, CITY, tmp_path / "结果", shell="window")
    assert text.startswith(f"{CITY} 中是示范城市创建评分表（")
    assert text.endswith("不是星级评定申报表及评分表。请用第 5 步“示范城市评分”")
    text = refusal(JOB_CITY, STAR, tmp_path / "结果", shell="window")
    assert text.endswith("不是示范城市创建评分表。请用第 4 步“星级评定”")
    text = refusal(JOB_REPORT, CITY, tmp_path / "结果", county="城中区")
    assert text.endswith("请改用 tuoyu city 命令")


def test_the_command_line_refuses_without_a_log(tmp_path, capsys):
    out = tmp_path / "结果"
    assert main(["star", str(CITY), "-o", str(out)]) == 2
    assert "请改用 tuoyu city 命令" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.rglob("*.txt"))
