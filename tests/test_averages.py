"""The official 全区平均水平 workbook: the blank template and reading it back (averages.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from support.city import write_official

from tuoyu_excel.errors import RubricError, WorkbookError
from tuoyu_excel.intake.averages import read_averages
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.render.averages_template import write_averages_template

TITLES = ["每千人口托位数", "县级指导中心覆盖率", "托育机构备案率", "婴幼儿入托率"]  # the rubric's item titles


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("guangxi_demo_city")


def test_template_rows_come_from_the_rubric(rubric, tmp_path):
    path = write_averages_template(rubric, tmp_path)
    assert path.name == "全区平均水平表_2026.1版.xlsx"
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in ws[3]] == ["指标", "数值", "说明"]
    assert [ws.cell(r, 1).value for r in range(4, 8)] == TITLES
    assert ws["C4"].value.startswith("单位：每千人") and ws["C5"].value.startswith("单位：%")
    assert ws.protection.sheet and not ws["B4"].protection.locked and ws["A4"].protection.locked
    rules = {str(dv.sqref): (dv.type, dv.operator, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert rules["B4"] == ("decimal", None, "0", "1000")  # no operator in the file means “between”
    assert rules["B5"] == ("decimal", None, "0", "100")


def test_template_is_deterministic(rubric, tmp_path):
    a = write_averages_template(rubric, tmp_path / "a").read_bytes()
    b = write_averages_template(rubric, tmp_path / "b").read_bytes()
    assert a == b


def test_read_filled_values(rubric, tmp_path):
    path = write_official(tmp_path, rubric, dict(zip(TITLES, [3.52, 66.5, 80, 8.25], strict=True)))
    official = read_averages(path, rubric)
    assert official.values == {"1": Decimal("3.52"), "2.2": Decimal("66.5"), "3.2": Decimal(80), "22": Decimal("8.25")}
    assert official.issues == [] and official.file == "官方平均水平.xlsx" and len(official.sha256) == 64


def test_bad_values_are_issues_and_fall_back(rubric, tmp_path):
    path = write_official(tmp_path, rubric, {"每千人口托位数": "三点五", "县级指导中心覆盖率": 120,
                                             "托育机构备案率": 0.8, "婴幼儿入托率": "8.5"})
    official = read_averages(path, rubric)
    assert [i.key() for i in official.issues] == [
        ("AVERAGE_VALUE", "官方平均水平.xlsx", "全区平均水平!B4"),  # not a number
        ("AVERAGE_VALUE", "官方平均水平.xlsx", "全区平均水平!B5"),  # 120% is over 100%
        ("AVERAGE_LOOKS_FRACTION", "官方平均水平.xlsx", "全区平均水平!B6"),  # 0.8 where 80 was meant?
        ("FIELD_TEXT_NUMBER", "官方平均水平.xlsx", "全区平均水平!B7"),  # "8.5" stored as text
    ]
    assert official.values == {"3.2": Decimal("0.8"), "22": Decimal("8.5")}
    assert "请改填 80" in official.issues[2].message


def test_blank_unknown_and_duplicate_rows(rubric, tmp_path):
    path = write_official(tmp_path, rubric, {"每千人口托位数": 3.5, "托育机构备案率": 80, "婴幼儿入托率": 8})
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.protection.sheet = False
    ws.append(["每千人口托位数", 3.6])  # row 8: a second value for indicator 1
    ws.append(["托位使用率", 50])  # row 9: not an indicator of this rubric
    wb.save(path)
    official = read_averages(path, rubric)
    assert [i.key() for i in official.issues] == [
        ("AVERAGE_MISSING", "官方平均水平.xlsx", "全区平均水平!B5"),
        ("AVERAGE_DUPLICATE", "官方平均水平.xlsx", "全区平均水平!A8"),
        ("AVERAGE_UNKNOWN", "官方平均水平.xlsx", "全区平均水平!A9"),
    ]
    assert official.values == {"3.2": Decimal(80), "22": Decimal(8)}  # indicator 1 is ambiguous: computed


def test_a_hand_made_table_is_read_by_its_headers(rubric, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["说明", "指标", "数值"])
    ws.append(["", "婴幼儿入托率", 9])
    wb.save(tmp_path / "自制.xlsx")
    official = read_averages(tmp_path / "自制.xlsx", rubric)
    assert official.values == {"22": Decimal(9)}
    assert [i.code for i in official.issues] == ["AVERAGE_MISSING"] * 3


def test_not_an_averages_workbook_cannot_run(rubric, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["城市", "得分"])
    wb.save(tmp_path / "别的表.xlsx")
    with pytest.raises(WorkbookError, match="找不到“指标”“数值”列标题"):
        read_averages(tmp_path / "别的表.xlsx", rubric)
    Path(tmp_path / "图片.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    with pytest.raises(WorkbookError, match="图片"):
        read_averages(tmp_path / "图片.xlsx", rubric)


def test_no_template_for_a_rubric_without_comparative_items(tmp_path):
    with pytest.raises(RubricError, match="没有与全区平均水平比较的项目"):
        write_averages_template(load_rubric("liuzhou_star"), tmp_path)
