"""``tuoyu rubric list|export|check|import``, and ``--rubric 规则.xlsx`` on the other commands.

Exit codes: 0 = done and sound, 1 = the rubric has problems (all listed), 2 = could not run.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import openpyxl
import pytest
from custom_rubric_rows import CUSTOM_ROWS, rows_copy, set_cell, write_book
from support.star import full_scores, valid_form

from tuoyu_excel.cli.main import main
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.template.fill import fill_workbook
from tuoyu_excel.spec.load import rubric_from_dict, shipped_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# ---------------------------------------------------------------- export


@pytest.mark.parametrize("name", ["liuzhou_star", "guangxi_demo_city"])
def test_export_then_import_is_equal(capsys, tmp_path, name):
    xlsx = tmp_path / "规则.xlsx"
    code, out, _ = run(capsys, "rubric", "export", name, "-o", str(xlsx))
    assert code == 0 and "已导出规则" in out and load_rubric(name).content_hash in out
    toml = tmp_path / "规则.toml"
    code, out, _ = run(capsys, "rubric", "import", str(xlsx), "-o", str(toml))
    assert code == 0 and "已导入规则" in out
    assert load_rubric(toml) == load_rubric(name) == load_rubric(xlsx)
    assert load_rubric(toml).content_hash == load_rubric(name).content_hash


def test_export_to_toml(capsys, tmp_path):
    path = tmp_path / "规则.toml"
    assert run(capsys, "rubric", "export", "liuzhou_star", "-o", str(path))[0] == 0
    assert rubric_from_dict(tomllib.loads(path.read_text(encoding="utf-8")), "x") == load_rubric("liuzhou_star")


def test_export_default_name_and_no_overwrite(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "rubric", "export", "liuzhou_star")[0] == 0
    assert (tmp_path / "评分规则_星级评定_2026.1版.xlsx").is_file()
    code, _, err = run(capsys, "rubric", "export", "liuzhou_star")
    assert code == 2 and "已存在，未写入" in err and "--overwrite" in err
    assert run(capsys, "rubric", "export", "liuzhou_star", "--overwrite")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["评分规则_星级评定_2026.1版.xlsx"]


def test_export_refuses_other_suffixes(capsys, tmp_path):
    code, _, err = run(capsys, "rubric", "export", "liuzhou_star", "-o", str(tmp_path / "规则.csv"))
    assert code == 2 and ".xlsx" in err


def test_export_unknown_rubric(capsys, tmp_path):
    code, _, err = run(capsys, "rubric", "export", str(tmp_path / "没有.toml"))
    assert code == 2 and "找不到规则文件" in err


# ---------------------------------------------------------------- check


def test_check_sound_workbook(capsys, tmp_path):
    path = write_book(tmp_path / "东河.xlsx", CUSTOM_ROWS)
    code, out, _ = run(capsys, "rubric", "check", str(path))
    assert code == 0 and "无误" in out and "donghe_star" in out


def test_check_lists_every_problem_with_its_cell(capsys, tmp_path):
    rows = rows_copy()
    for ref, value in (("部分!C3", 240), ("设置!B30", "丙县、甲区"), ("设置!E35", 950)):
        set_cell(rows, ref, value)
    code, out, _ = run(capsys, "rubric", "check", str(write_book(tmp_path / "东河.xlsx", rows)))
    assert code == 1
    assert "有 4 个问题" in out
    lines = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert [line.split("：")[0] for line in lines] == ["部分!C3", "设置!B7", "设置!B30", "设置!E35"]


def test_check_broken_toml(capsys, tmp_path):
    text = shipped_path("liuzhou_star").read_text(encoding="utf-8").replace("pass_mark = 750", "pass_mark = 1750")
    path = tmp_path / "规则.toml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "rubric", "check", str(path))
    assert code == 1 and "star.pass_mark：合格分 1750 超过了总分 1000" in out


def test_check_cannot_run(capsys, tmp_path):
    assert run(capsys, "rubric", "check", str(tmp_path / "没有.xlsx"))[0] == 2
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    code, _, err = run(capsys, "rubric", "check", str(bad))
    assert code == 2 and "不是可读取的 Excel 规则文件" in err


def test_check_shipped_name(capsys):
    code, out, _ = run(capsys, "rubric", "check", "guangxi_demo_city")
    assert code == 0 and "guangxi_demo_city" in out


# ---------------------------------------------------------------- import


def test_import_refuses_a_broken_workbook(capsys, tmp_path):
    rows = rows_copy()
    set_cell(rows, "评分项!F2", "五十")
    path = write_book(tmp_path / "东河.xlsx", rows)
    code, out, _ = run(capsys, "rubric", "import", str(path))
    assert code == 1 and "评分项!F2" in out and "未生成文件" in out
    assert not (tmp_path / "东河.toml").exists()


def test_import_default_output(capsys, tmp_path):
    path = write_book(tmp_path / "东河.xlsx", CUSTOM_ROWS)
    code, out, _ = run(capsys, "rubric", "import", str(path))
    assert code == 0 and "--rubric" in out
    assert load_rubric(tmp_path / "东河.toml") == load_rubric(path)


# ---------------------------------------------------------------- list


def test_list_shipped_and_known(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_book(tmp_path / "规则" / "东河.xlsx", CUSTOM_ROWS)  # in the 规则 folder
    run(capsys, "rubric", "export", "guangxi_demo_city", "-o", "城市规则.toml")  # in the current folder
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")  # not a rubric
    openpyxl.Workbook().save(tmp_path / "填报表.xlsx")  # not a rubric
    code, out, _ = run(capsys, "rubric", "list")
    assert code == 0
    assert "liuzhou_star  版本 2026.1  星级评定  总分 1000  8 个部分 68 项" in out
    assert "guangxi_demo_city  版本 2026.1  示范城市创建  总分 100" in out
    assert "城市规则.toml：guangxi_demo_city" in out
    assert "东河.xlsx：donghe_star  版本 2027.1  星级评定  总分 1000  4 个部分 20 项" in out
    assert "pyproject" not in out and "填报表" not in out


def test_list_reports_a_broken_rubric(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = rows_copy()
    set_cell(rows, "设置!B7", 999)
    write_book(tmp_path / "东河.xlsx", rows)
    code, out, _ = run(capsys, "rubric", "list")
    assert code == 1 and "东河.xlsx：有问题" in out and "设置!B7" in out


def test_rubric_without_operation_shows_help(capsys):
    code, out, _ = run(capsys, "rubric")
    assert code == 2 and "export" in out


# ---------------------------------------------------------------- --rubric 规则.xlsx on the other commands


def test_template_and_star_with_an_xlsx_rubric(capsys, tmp_path):
    rubric_xlsx = tmp_path / "规则.xlsx"
    run(capsys, "rubric", "export", "liuzhou_star", "-o", str(rubric_xlsx))
    code, out, _ = run(capsys, "template", "star", "--rubric", str(rubric_xlsx), "-o", str(tmp_path / "模板"))
    assert code == 0
    rubric = load_rubric(rubric_xlsx)
    template = tmp_path / "模板" / layout.template_filename(rubric)
    meta = {r[0].value: r[1].value for r in openpyxl.load_workbook(template)[layout.META_SHEET].iter_rows()}
    assert meta["rubric_hash"] == rubric.content_hash == load_rubric("liuzhou_star").content_hash
    folder = tmp_path / "填报"
    fill_workbook(template, folder / "a.xlsx", rubric, valid_form(1), full_scores(rubric))
    code, out, _ = run(capsys, "star", str(folder), "--rubric", str(rubric_xlsx), "--date", "2026-11-22",
                       "-o", str(tmp_path / "结果.xlsx"))
    assert code == 0, out
    assert (tmp_path / "结果.xlsx").is_file()


def test_check_command_with_the_custom_xlsx_rubric(capsys, tmp_path):
    from test_custom_rubric import fill

    rubric_xlsx = write_book(tmp_path / "东河.xlsx", CUSTOM_ROWS)
    custom = load_rubric(rubric_xlsx)
    assert run(capsys, "template", "star", "--rubric", str(rubric_xlsx), "-o", str(tmp_path / "模板"))[0] == 0
    template = tmp_path / "模板" / layout.template_filename(custom)
    folder = tmp_path / "填报"
    fill(custom, template, folder, "甲区阳光托育", "甲区", 950, 1)
    args = ["--stage", "review", "--date", dt.date(2026, 6, 30).isoformat(), "-o", str(tmp_path / "报告.xlsx")]
    assert run(capsys, "check", str(folder), "--rubric", str(rubric_xlsx), *args)[0] == 0
    # the same workbook under the shipped rubric is refused: it was made from another rubric
    code, out, _ = run(capsys, "check", str(folder), "--rubric", "liuzhou_star", "--stage", "city",
                       "--date", "2026-06-30", "-o", str(tmp_path / "报告2.xlsx"))
    assert code == 1 and "表格按规则 另一份评分规则（版本 2027.1） 生成，本次使用的规则是 “柳州市托育机构星级评定评分表（默认版）”（版本 2026.1）" in out
    assert custom.content_hash not in out and "donghe_star" not in out  # no ids or fingerprints outside 运行信息
