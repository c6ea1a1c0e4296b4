"""``tuoyu check``: exit codes, the printed summary, the report and annotated copies, inputs untouched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from office import convert
from support.star import field_cell, full_scores, store_text, valid_form

from tuoyu_excel.cli import main as cli
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.render.template import fill
from tuoyu_excel.render.template.workbook import write_template

DATE = "2026-11-22"
REPORT = "校验报告_机构自评_20261122.xlsx"


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("liuzhou_star")


@pytest.fixture(scope="module")
def built(rubric, tmp_path_factory) -> Path:
    """good.xlsx: clean; bad.xlsx: a 12 on a 10-point item, a blank 联系电话, an institution name "=1+1"."""
    root = tmp_path_factory.mktemp("cli_inputs")
    template = write_template(rubric, root / "template")
    fill.fill_workbook(template, root / "good.xlsx", rubric, valid_form(1), full_scores(rubric))
    scores = full_scores(rubric)
    scores["self"][next(i.code for i in rubric.scored_items if i.points == 10)] = 12
    fill.fill_workbook(template, root / "bad.xlsx", rubric, dict(valid_form(2), phone=None), scores)
    store_text(root / "bad.xlsx", "申报表", {field_cell(rubric, "name"): "=1+1"})
    fill.fill_workbook(template, root / "self_only.xlsx", rubric, valid_form(3), full_scores(rubric, ("self",)))
    return root


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def folder_of(built: Path, work: Path, *names: str) -> Path:
    folder = work / "in"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(built / name, folder / name)
    return folder


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def check(*args: str) -> int:
    return cli.main(["check", *args, "--date", DATE])


def test_clean_folder_exits_0(built, work, capsys):
    folder = folder_of(built, work, "good.xlsx")
    assert check(str(folder)) == 0
    out = capsys.readouterr().out
    assert "共读取 1 个文件：通过 1，有警告 0，有错误 0，无法读取 0" in out
    assert "good.xlsx：通过，综合得分 1000 分" in out
    assert (work / REPORT).is_file() and str((work / REPORT).resolve()) in out


def test_issues_exit_1_and_report(built, work, capsys):
    folder = folder_of(built, work, "good.xlsx", "bad.xlsx")
    before = hashes(folder)
    assert check(str(folder), "-o", "r.xlsx") == 1
    out = capsys.readouterr().out
    assert "共读取 2 个文件：通过 1，有警告 0，有错误 1，无法读取 0" in out
    assert "共发现问题 2 条：错误 2 条，警告 0 条" in out
    assert "bad.xlsx：有错误，未计分" in out
    assert "[错误] bad.xlsx “申报表”工作表 B13 单元格：“联系电话”未填写。请填写此项" in out
    wb = openpyxl.load_workbook(work / "r.xlsx")
    summary = list(wb["汇总"].iter_rows(min_row=4, values_only=True))  # under the title, issuer, date, header
    assert [(r[0], r[1]) for r in summary] == [("bad.xlsx", "=1+1"), ("good.xlsx", "柳州市阳光托育中心")]
    assert wb["汇总"]["B4"].data_type == "s"
    assert [(r[8], r[2]) for r in wb["问题清单"].iter_rows(min_row=4, values_only=True)] == [
        ("VALUE_REQUIRED", "B13"), ("SCORE_OVER_MAX", "I16")]
    assert hashes(folder) == before


def test_second_run_does_not_overwrite(built, work, capsys):
    folder = folder_of(built, work, "good.xlsx")
    assert check(str(folder)) == 0
    first = (work / REPORT).read_bytes()
    capsys.readouterr()
    assert check(str(folder)) == 2  # overwriting is explicit: refused, nothing written
    err = capsys.readouterr().err
    assert "已存在，未写入" in err and "--overwrite" in err
    assert (work / REPORT).read_bytes() == first and sorted(p.name for p in work.glob("*.xlsx")) == [REPORT]
    assert check(str(folder), "--overwrite") == 0
    assert sorted(p.name for p in work.glob("*.xlsx")) == [REPORT]


def test_single_file(built, work, capsys):
    folder = folder_of(built, work, "good.xlsx", "bad.xlsx")
    (work / "reports").mkdir()
    assert check(str(folder / "bad.xlsx"), "-o", "reports") == 1  # -o a folder: default name inside it
    assert "共读取 1 个文件" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(work / "reports" / REPORT)["汇总"].iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == ["bad.xlsx"]


def test_annotate(built, work, capsys):
    folder = folder_of(built, work, "good.xlsx", "bad.xlsx")
    before = hashes(folder)
    assert check(str(folder), "--annotate", "marked") == 1
    out = capsys.readouterr().out
    assert "  bad.xlsx：已标注 2 个单元格" in out
    assert [p.name for p in (work / "marked").iterdir()] == ["bad.xlsx"]
    assert hashes(folder) == before
    cell = openpyxl.load_workbook(work / "marked" / "bad.xlsx")["申报表"]["B13"]
    assert cell.comment is not None and "联系电话" in cell.comment.text


def test_annotate_into_input_folder_refused(built, work, capsys):
    folder = folder_of(built, work, "bad.xlsx")
    assert check(str(folder), "--annotate", str(folder)) == 2
    assert "标注副本不能放在被校验的文件夹中" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["bad.xlsx"]


def test_stage_county(built, work, capsys):
    folder = folder_of(built, work, "self_only.xlsx")
    assert check(str(folder)) == 0
    assert check(str(folder), "--stage", "county", "-o", "county.xlsx") == 1
    assert "县级初评" in capsys.readouterr().out


def test_could_not_run_exits_2(built, work, capsys):
    assert check(str(work / "missing")) == 2
    assert "找不到" in capsys.readouterr().err
    assert check(str(work), "--stage", "province") == 2
    err = capsys.readouterr().err
    assert "评定阶段“province”不存在" in err and "self（机构自评）" in err and "city（市级核验）" in err
    (work / "empty").mkdir()
    assert check(str(work / "empty")) == 2
    assert "没有找到任何文件" in capsys.readouterr().err
    assert check(str(work), "--rubric", "no_such_rubric") == 2
    assert not list(work.glob("*.xlsx"))


def test_report_unwritable_exits_2(built, work, capsys):
    folder = folder_of(built, work, "good.xlsx")
    blocker = work / "blocker"
    blocker.write_text("a file where a folder is needed")
    assert check(str(folder), "-o", str(blocker / "r.xlsx")) == 2
    assert "错误：" in capsys.readouterr().err


@pytest.mark.office
def test_report_opens_in_libreoffice(built, work):
    folder = folder_of(built, work, "good.xlsx", "bad.xlsx")
    assert check(str(folder), "-o", "r.xlsx") == 1
    pdf = convert(work / "r.xlsx", "pdf", work / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
