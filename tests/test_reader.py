"""Reading filled workbooks: positions kept, rows found by 编号, columns by header text, metadata checked.

Workbooks are the real template filled in code and then changed with openpyxl the way people
change them (openpyxl ignores sheet protection, as a determined user would).
"""

from __future__ import annotations

import dataclasses
import hashlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from support.star import (
    CITY,
    EVAL_DATE,
    STAR,
    city_form,
    copy_template,
    edit,
    field_cell,
    filled,
    full_scores,
    item_row,
    keys,
    score_cell,
    valid_form,
)

from tuoyu_excel.core.pipeline import process_file
from tuoyu_excel.intake import reader
from tuoyu_excel.intake.reader import read_workbook
from tuoyu_excel.intake.validate import validate
from tuoyu_excel.issues import IssueLog
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.template.workbook import write_template
from tuoyu_excel.spec.model import FAIL, GRADED, PASS

D = Decimal
SCORE = layout.SCORE_SHEET


def distinct_scores(rubric=STAR) -> dict[str, dict[str, object]]:
    """A different, valid value on most items, so a row read from the wrong place shows."""
    values: dict[str, object] = {}
    for n, item in enumerate(rubric.items):
        if item.veto:
            values[item.code] = FAIL if n % 3 == 0 else PASS
        elif item.rule == GRADED:
            values[item.code] = item.points - D("0.5") * (n % 7)
        else:
            values[item.code] = sorted(item.allowed_values())[-1 - n % 2]
    return {s.key: dict(values) for s in rubric.stages}


def read(path: Path, rubric=STAR, stage=None):
    log = IssueLog(path.name)
    return read_workbook(path, rubric, log, stage), log


def typed_scores(raw, rubric=STAR, stage="city"):
    log = IssueLog(raw.file)
    sub = validate(raw, rubric, stage, EVAL_DATE, log)
    return sub.scores[stage], [i for i in log.items if i.code != "NOTE_MISSING"]


# ---- positions ------------------------------------------------------------------------------------

def test_clean_workbook_is_read_at_the_template_positions(tmp_path):
    path = filled(tmp_path / "a.xlsx")
    raw, log = read(path)
    assert log.items == []
    assert raw.meta == layout.metadata(STAR)
    assert raw.fields["name"].a1 == field_cell(STAR, "name") and raw.fields["name"].value == valid_form(1)["name"]
    assert raw.fields["capacity"].value == 80
    for stage in ("self", "county", "city"):
        assert raw.scores["2-03"][stage].a1 == score_cell(STAR, stage, "2-03")
        assert raw.scores["2-03"][stage].value == 20
    assert raw.scores["1-01"]["self"].value == PASS
    assert set(raw.scores) == set(raw.notes) == set(STAR.item_by_code)


def test_inserted_column_in_score_sheet_is_read_right(tmp_path):
    path = filled(tmp_path / "a.xlsx", scores=distinct_scores())
    core_col = layout.column_index(STAR, layout.H_CORE) + 1  # 1-based, for openpyxl

    def insert(wb):
        ws = wb[SCORE]
        ws.insert_cols(core_col + 1)  # a new column right of 核心指标, before every stage column
        ws.cell(layout.SCORE_HEADER_ROW + 1, core_col + 1, "备注")
        ws.cell(item_row(STAR, "2-03") + 1, core_col + 1, 99)  # a number in the new column is not a score

    edit(path, insert)
    raw, log = read(path)
    assert log.items == []
    city_col = layout.column_index(STAR, "市级核验得分")
    assert raw.scores["2-03"]["city"].col == city_col + 1
    assert raw.scores["2-03"]["city"].a1 == layout.cell_name(item_row(STAR, "2-03"), city_col + 1)
    values, issues = typed_scores(raw)
    assert issues == []
    assert values == {code: v for code, v in distinct_scores()["city"].items()}


def test_resorted_rows_are_read_by_code(tmp_path):
    """Every item row written back in reverse order (across parts), one row moved below the table."""
    path = filled(tmp_path / "a.xlsx", scores=distinct_scores())
    rows = [item_row(STAR, i.code) + 1 for i in STAR.items]
    width = len(layout.score_columns(STAR))

    def resort(wb):
        ws = wb[SCORE]
        content = [[ws.cell(r, c).value for c in range(1, width + 1)] for r in rows]
        for r, values in zip(rows, reversed(content), strict=True):
            for c, value in enumerate(values, start=1):
                ws.cell(r, c).value = value
        ws.move_range(f"A{rows[0]}:{layout.cell_name(0, width - 1)[:-1]}{rows[0]}", rows=200)

    edit(path, resort)
    raw, log = read(path)
    assert log.items == []
    last = STAR.items[-1].code  # written back into the first row, then moved 200 rows down
    assert raw.scores[last]["city"].row == rows[0] - 1 + 200
    assert raw.scores[STAR.items[0].code]["city"].row == rows[-1] - 1
    values, issues = typed_scores(raw)
    assert issues == []
    assert values == distinct_scores()["city"]


def test_inserted_rows_above_the_table_and_between_form_fields(tmp_path):
    path = filled(tmp_path / "a.xlsx", scores=distinct_scores())

    def insert(wb):
        wb[SCORE].insert_rows(1, 2)
        wb[SCORE].cell(1, 1, "填表单位：某某托育中心（盖章）")
        form = wb[layout.form_sheet(STAR)]
        form.insert_rows(layout.form_field_rows(STAR)["capacity"] + 1)  # a blank row above 备案托位数

    edit(path, insert)
    raw, log = read(path)
    assert log.items == []
    assert raw.scores["2-03"]["city"].row == item_row(STAR, "2-03") + 2
    assert raw.fields["capacity"].row == layout.form_field_rows(STAR)["capacity"] + 1
    assert raw.fields["capacity"].value == 80 and raw.fields["enrolled"].value == 60
    values, issues = typed_scores(raw)
    assert issues == [] and values == distinct_scores()["city"]


def test_city_part_heading_sharing_an_item_code_is_not_an_item_row(tmp_path):
    """City parts are coded 1–6 and items "1", "5", "6" exist too: the part heading row is skipped."""
    scores = full_scores(CITY)
    scores["self"].update({"1": 0, "5": 0, "6": 0})
    path = filled(tmp_path / "city.xlsx", CITY, city_form(), scores)
    raw, log = read(path, CITY)
    assert log.items == []
    for code in ("1", "5", "6"):
        assert raw.scores[code]["self"].row == item_row(CITY, code)
        assert raw.scores[code]["self"].value == 0


# ---- structure a person broke ---------------------------------------------------------------------

def test_deleted_and_duplicated_item_rows(tmp_path):
    path = filled(tmp_path / "a.xlsx")
    code_col = layout.column_index(STAR, layout.H_CODE) + 1

    def damage(wb):
        ws = wb[SCORE]
        ws.cell(item_row(STAR, "2-02") + 1, code_col, "2-01")  # typed over: 2-01 twice, 2-02 gone
        ws.delete_rows(item_row(STAR, "8-07") + 1)

    edit(path, damage)
    _, log = read(path)
    assert keys(log) == [("ITEM_ROW_DUPLICATE", "a.xlsx", f"{SCORE}!A{item_row(STAR, '2-02') + 1}"),
                         ("ITEM_ROW_MISSING", "a.xlsx", SCORE), ("ITEM_ROW_MISSING", "a.xlsx", SCORE)]
    assert sorted(i.expected for i in log.items if i.code == "ITEM_ROW_MISSING") == ["2-02", "8-07"]


def test_renamed_header_and_label(tmp_path):
    path = filled(tmp_path / "a.xlsx")

    def damage(wb):
        wb[SCORE].cell(layout.SCORE_HEADER_ROW + 1, layout.column_index(STAR, "县级初评得分") + 1, "初评")
        wb[layout.form_sheet(STAR)].cell(layout.form_field_rows(STAR)["capacity"] + 1, 1, "托位")

    edit(path, damage)
    raw, log = read(path)
    assert [(i.code, i.cell, i.expected) for i in log.items] == [
        ("FIELD_MISSING", "", "备案托位数"), ("HEADER_MISSING", "A3", "县级初评得分")]
    assert raw.scores == {}


def test_missing_sheet(tmp_path):
    path = filled(tmp_path / "a.xlsx")
    edit(path, lambda wb: wb.remove(wb[layout.form_sheet(STAR)]))
    raw, log = read(path)
    assert raw is None
    assert [(i.code, i.expected) for i in log.items] == [("SHEET_MISSING", "申报表")]


# ---- metadata: the template's rubric and layout version --------------------------------------------

def test_workbook_from_another_rubric_version_is_refused(tmp_path):
    older = dataclasses.replace(STAR, version="2025.1")
    path = write_template(older, tmp_path)
    raw, log = read(path)
    assert raw is None
    assert keys(log) == [("FILE_WRONG_RUBRIC", path.name, "")]
    message = log.items[0].message
    assert "2025.1" in message and "2026.1" in message
    assert "“柳州市托育机构星级评定评分表（默认版）”的另一版本（版本 2025.1）" in message
    assert older.content_hash not in message and STAR.content_hash not in message  # fingerprints: 运行信息 only


def test_workbook_from_an_edited_rubric_of_the_same_version_is_refused(tmp_path):
    edited = dataclasses.replace(STAR, total=Decimal(1000), name=STAR.name + "（修订）")
    path = write_template(edited, tmp_path)
    _, log = read(path)
    assert [i.code for i in log.items] == ["FILE_WRONG_RUBRIC"]


def test_workbook_from_another_layout_version_is_refused(tmp_path):
    path = copy_template(tmp_path / "a.xlsx")
    edit(path, lambda wb: wb[layout.META_SHEET].cell(layout.META_KEYS.index("layout_version") + 1, 2, "0"))
    raw, log = read(path)
    assert raw is None
    assert [(i.code, i.found, i.expected) for i in log.items] == [("FILE_WRONG_LAYOUT", "0", layout.LAYOUT_VERSION)]
    assert "版式版本为 0" in log.items[0].message and f"需要版式版本 {layout.LAYOUT_VERSION}" in log.items[0].message


def test_city_workbook_in_a_star_run_is_refused(tmp_path):
    path = copy_template(tmp_path / "city.xlsx", CITY)
    _, log = read(path)
    assert [(i.code, i.found, i.expected) for i in log.items] == [("FILE_WRONG_KIND", "示范城市创建评分", "星级评定")]


@pytest.mark.parametrize("change", ["no meta sheet", "other tool"])
def test_not_our_template(tmp_path, change):
    if change == "no meta sheet":
        path = tmp_path / "a.xlsx"
        wb = openpyxl.Workbook()
        wb.active.title = "评分表"
        wb.save(path)
    else:
        path = copy_template(tmp_path / "a.xlsx")
        edit(path, lambda wb: wb[layout.META_SHEET].cell(1, 2, "other"))
    raw, log = read(path)
    assert raw is None and [i.code for i in log.items] == ["FILE_NOT_TEMPLATE"]


def test_meta_sheet_stays_very_hidden_after_filling(tmp_path):
    path = filled(tmp_path / "a.xlsx")
    assert openpyxl.load_workbook(path)[layout.META_SHEET].sheet_state == "veryHidden"


# ---- Excel error values (calamine reads them as "") ----------------------------------------------

def test_error_value_in_a_score_cell_is_a_formula_error(tmp_path):
    path = filled(tmp_path / "a.xlsx")
    city = score_cell(STAR, "city", "2-03")
    edit(path, lambda wb: wb[SCORE].__setitem__(city, "#REF!"))  # stored as an error cell (t="e")
    assert openpyxl.load_workbook(path)[SCORE][city].data_type == "e"
    result = process_file(path, STAR, "city", EVAL_DATE)
    assert [(i.key(), i.found) for i in result.issues] == [
        (("SCORE_FORMULA_ERROR", "a.xlsx", f"{SCORE}!{city}"), "#REF!")]


def test_error_value_in_a_veto_cell(tmp_path):
    path = filled(tmp_path / "a.xlsx")
    cell = score_cell(STAR, "self", "1-04")
    edit(path, lambda wb: wb[SCORE].__setitem__(cell, "#N/A"))
    result = process_file(path, STAR, "self", EVAL_DATE)
    assert [i.key() for i in result.issues] == [("SCORE_FORMULA_ERROR", "a.xlsx", f"{SCORE}!{cell}")]


def test_blank_cell_is_still_value_required(tmp_path):
    path = filled(tmp_path / "a.xlsx")
    cell = score_cell(STAR, "self", "2-03")
    edit(path, lambda wb: wb[SCORE].__setitem__(cell, None))
    result = process_file(path, STAR, "self", EVAL_DATE)
    assert [i.key() for i in result.issues] == [("VALUE_REQUIRED", "a.xlsx", f"{SCORE}!{cell}")]


def test_error_lookup_is_off_the_hot_path(tmp_path, monkeypatch):
    """A complete file — and the blank later-stage columns of a self-assessment — never pay for openpyxl."""
    def fail(*args):
        raise AssertionError("error_values called")

    monkeypatch.setattr(reader, "error_values", fail)
    path = filled(tmp_path / "a.xlsx", scores=full_scores(STAR, ("self",)))
    assert process_file(path, STAR, "self", EVAL_DATE).issues == []


# ---- inputs are never modified ---------------------------------------------------------------------

def test_reading_never_modifies_the_input(tmp_path):
    path = filled(tmp_path / "a.xlsx")
    edit(path, lambda wb: wb[SCORE].__setitem__(score_cell(STAR, "self", "2-03"), "#REF!"))
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    process_file(path, STAR, "self", EVAL_DATE)
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before
