"""The template writer: what a blank workbook holds, read back with openpyxl and LibreOffice.

Round trip (headers, one row per item in rubric order, a validation of the right type on every
input cell, locked/unlocked cells, very-hidden metadata), the committed copies in templates/,
PDF export, and the sheet's own formulas against scoring.score after a LibreOffice recalculation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from office import convert, recalculate
from support.star import CITY, EVAL_DATE, STAR, city_form, full_scores, valid_form

from tuoyu_excel.core.pipeline import process_file
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.template.fill import fill_workbook
from tuoyu_excel.render.template.validation import EARLIEST_DATE, LATEST_DATE
from tuoyu_excel.render.template.workbook import write_template
from tuoyu_excel.spec.model import (
    ALL_OR_NOTHING,
    COMPARATIVE,
    DEDUCTION,
    FAIL,
    GRADED,
    NOT_APPLICABLE,
    PASS,
    PASS_FAIL,
    PER_UNIT,
    Rubric,
)

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = pytest.mark.parametrize("rubric", [STAR, CITY], ids=["star", "city"])
D = Decimal


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """rubric id -> (path, openpyxl workbook) of a freshly written template."""
    out = tmp_path_factory.mktemp("templates")
    result = {}
    for rubric in (STAR, CITY):
        path = write_template(rubric, out)
        result[rubric.id] = (path, openpyxl.load_workbook(path))
    return result


def score_sheet(books, rubric: Rubric):
    return books[rubric.id][1][layout.SCORE_SHEET]


def item_rows(ws, rubric: Rubric) -> list[int]:
    """1-based sheet rows the layout says hold items, in order."""
    return [layout.SCORE_FIRST_ROW + n + 1 for n, r in enumerate(layout.score_rows(rubric)) if r.kind == "item"]


def col(rubric: Rubric, header: str) -> int:
    return layout.column_index(rubric, header) + 1


def validation(ws, a1: str):
    found = [dv for dv in ws.data_validations.dataValidation if a1 in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{a1}: {len(found)} validations"
    return found[0]


def listed(dv) -> list[str]:
    assert dv.type == "list"
    return dv.formula1.strip('"').split(",")


def num(value: Decimal) -> str:
    return format(value.normalize(), "f")


# ---- workbook shape ------------------------------------------------------------------------------

@RUBRICS
def test_sheets_and_very_hidden_metadata(books, rubric):
    wb = books[rubric.id][1]
    assert wb.sheetnames == [layout.GUIDE_SHEET, layout.form_sheet(rubric), layout.SCORE_SHEET, layout.META_SHEET]
    meta = wb[layout.META_SHEET]
    assert meta.sheet_state == "veryHidden"
    assert {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, meta.max_row + 1)} == layout.metadata(rubric)
    assert [meta.cell(r, 1).value for r in range(1, meta.max_row + 1)] == list(layout.META_KEYS)
    assert all(wb[name].sheet_state == "visible" for name in wb.sheetnames[:3])


@RUBRICS
def test_score_sheet_headers_and_one_row_per_item_in_rubric_order(books, rubric):
    ws = score_sheet(books, rubric)
    headers = [ws.cell(layout.SCORE_HEADER_ROW + 1, c).value for c in range(1, ws.max_column + 1)]
    assert headers == [c.header for c in layout.score_columns(rubric)]
    assert {s.header for s in rubric.stages} <= set(headers) and layout.H_NOTE in headers
    rows = item_rows(ws, rubric)
    assert [ws.cell(r, col(rubric, layout.H_CODE)).value for r in rows] == [i.code for i in rubric.items]
    assert [ws.cell(r, col(rubric, layout.H_TITLE)).value for r in rows] == [i.title for i in rubric.items]
    core = [ws.cell(r, col(rubric, layout.H_CORE)).value == layout.CORE_MARK for r in rows]
    assert core == [i.core for i in rubric.items]


def points_column(ws, rubric: Rubric) -> list[object]:
    return [ws.cell(r, col(rubric, layout.H_POINTS)).value for r in item_rows(ws, rubric)]


def test_star_has_68_item_rows_adding_to_1000(books):
    ws = score_sheet(books, STAR)
    points = points_column(ws, STAR)
    assert len(points) == 68
    assert points.count("否决项") == 10  # the 必备条件
    assert sum(p for p in points if p != "否决项") == 1000


def test_city_has_every_sub_criterion_adding_to_100(books):
    ws = score_sheet(books, CITY)
    codes = [ws.cell(r, col(CITY, layout.H_CODE)).value for r in item_rows(ws, CITY)]
    assert len(codes) == 45 and len({c.split(".")[0] for c in codes}) == 33  # 33 items, 45 sub-criteria
    assert sum(points_column(ws, CITY)) == 100


# ---- validation on every input cell --------------------------------------------------------------

def check_item_validation(dv, item, first_cell: str) -> None:
    na = [NOT_APPLICABLE] if item.allow_na else []
    assert dv.errorStyle in (None, "stop") and dv.showErrorMessage
    if item.rule == PASS_FAIL:
        assert listed(dv) == [PASS, FAIL, *na]
    elif item.rule in (ALL_OR_NOTHING, COMPARATIVE):
        assert sorted(listed(dv)) == sorted([num(item.points), "0", *na])
    elif item.rule in (DEDUCTION, PER_UNIT) and dv.type == "list":
        values = [v for v in listed(dv) if v != NOT_APPLICABLE]
        assert {D(v) for v in values} == item.allowed_values()
        assert (NOT_APPLICABLE in listed(dv)) == item.allow_na
    elif item.allow_na:  # graded (or a long deduction list) with 不适用: a custom formula
        assert dv.type == "custom"
        assert f'{first_cell}="{NOT_APPLICABLE}"' in dv.formula1 and f"{first_cell}<={num(item.points)}" in dv.formula1
    else:
        assert item.rule in (GRADED, DEDUCTION)
        assert (dv.type, dv.operator or "between") == ("decimal", "between")
        assert (D(dv.formula1), D(dv.formula2)) == (D(0), item.points)


@RUBRICS
def test_every_stage_cell_of_every_item_row_has_the_rule_s_validation(books, rubric):
    ws = score_sheet(books, rubric)
    stage_cols = [col(rubric, s.header) for s in rubric.stages]
    text_cols = [col(rubric, c.header) for c in layout.score_columns(rubric) if c.input and not c.stage]
    assert col(rubric, layout.H_NOTE) in text_cols  # 扣分说明 (and the city's 评估情况)
    for item, r in zip(rubric.items, item_rows(ws, rubric), strict=True):
        first = layout.cell_name(r - 1, stage_cols[0] - 1)
        for c in stage_cols:
            check_item_validation(validation(ws, layout.cell_name(r - 1, c - 1)), item, first)
        for c in text_cols:
            note = validation(ws, layout.cell_name(r - 1, c - 1))
            assert (note.type, note.operator, note.formula1) == ("textLength", "lessThanOrEqual", "500")


def expected_field_validation(field, rubric: Rubric) -> tuple:
    excel_days = lambda d: str((d - dt.date(1899, 12, 30)).days)  # noqa: E731
    kinds = {
        "date": ("date", "between", excel_days(EARLIEST_DATE), excel_days(LATEST_DATE)),
        "int": ("whole", "greaterThanOrEqual", "0", None),
        "number": ("decimal", "greaterThanOrEqual", "0", None),
        "credit_code": ("textLength", "equal", "18", None),
        "phone": ("textLength", "between", "7", "20"),
        "text": ("textLength", "between", "1", "200"),
    }
    if field.type in kinds:
        return kinds[field.type]
    choices = {"yesno": ["是", "否"], "choice": list(field.choices),
               "district": list(rubric.star.districts) if rubric.star else [],
               "city": list(rubric.city.cities) if rubric.city else []}[field.type]
    return ("list", "between", '"' + ",".join(choices) + '"', None)


@RUBRICS
def test_every_form_input_cell_has_the_field_s_validation(books, rubric):
    ws = books[rubric.id][1][layout.form_sheet(rubric)]
    rows = layout.form_field_rows(rubric)
    for field in rubric.form:
        r = rows[field.key]
        assert ws.cell(r + 1, layout.FORM_LABEL_COL + 1).value.startswith(field.label)
        dv = validation(ws, layout.cell_name(r, layout.FORM_VALUE_COL))
        got = (dv.type, dv.operator or "between", dv.formula1, dv.formula2)
        assert got == expected_field_validation(field, rubric), field.key


# ---- protection: only the yellow cells are unlocked -------------------------------------------------

@RUBRICS
def test_only_input_cells_are_unlocked(books, rubric):
    wb = books[rubric.id][1]
    for name in (layout.GUIDE_SHEET, layout.form_sheet(rubric), layout.SCORE_SHEET, layout.META_SHEET):
        assert wb[name].protection.sheet, name
    ws = wb[layout.SCORE_SHEET]
    inputs = {col(rubric, c.header) for c in layout.score_columns(rubric) if c.input}
    for r in item_rows(ws, rubric):
        for c in range(1, len(layout.score_columns(rubric)) + 1):
            assert ws.cell(r, c).protection.locked == (c not in inputs), ws.cell(r, c).coordinate
    for r in range(1, layout.SCORE_FIRST_ROW + 1):  # title, info and header rows
        assert all(ws.cell(r, c).protection.locked for c in range(1, ws.max_column + 1))
    form = wb[layout.form_sheet(rubric)]
    rows = layout.form_field_rows(rubric)
    for key, r in rows.items():
        assert form.cell(r + 1, layout.FORM_VALUE_COL + 1).protection.locked is False, key
        assert form.cell(r + 1, layout.FORM_LABEL_COL + 1).protection.locked is True, key
        assert form.cell(r + 1, layout.FORM_HINT_COL + 1).protection.locked is True, key


def test_template_output_is_deterministic(tmp_path):
    a = write_template(STAR, tmp_path / "a").read_bytes()
    b = write_template(STAR, tmp_path / "b").read_bytes()
    assert a == b


# ---- LibreOffice: PDF export and the sheet's own formulas ----------------------------------------

@pytest.mark.office
@RUBRICS
def test_template_converts_to_pdf(books, rubric, tmp_path):
    pdf = convert(books[rubric.id][0], "pdf", tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000


def star_scores() -> dict[str, dict[str, object]]:
    """For a form with 供餐方式 不供餐: 1-05 供餐资质 is then 不适用 in every stage (its na_when)."""
    scores = full_scores(STAR)
    scores["self"].update({"2-03": D("19.5"), "4-07": "不适用", "1-05": "不适用"})
    scores["county"].update({"2-03": D("17.5"), "3-02": 20, "6-03": 0, "1-03": FAIL, "4-09": "不适用", "1-05": "不适用"})
    scores["city"].update({"2-01": 7, "3-06": 15, "5-10": D("22.5"), "7-04": 0, "4-07": "不适用", "1-05": "不适用"})
    return scores


def formula_values(path: Path, rubric: Rubric, stage: str) -> dict[str, object]:
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[layout.SCORE_SHEET]
    c = col(rubric, rubric.stage(stage).header)
    values = {}
    for n, row in enumerate(layout.score_rows(rubric)):
        r = layout.SCORE_FIRST_ROW + n + 1
        if row.kind == "part":
            values[("part", row.part.code)] = ws.cell(r, c).value
        elif row.kind != "item":
            values[row.kind] = ws.cell(r, c).value
    wb.close()
    return values


@pytest.mark.office
@pytest.mark.parametrize(("rubric", "form", "scores"), [
    (STAR, {**valid_form(3), "meals": "不供餐"}, star_scores()),
    (CITY, city_form(), {**full_scores(CITY), "review": {**full_scores(CITY)["review"], "5": 0, "2.1": 0,
                                                         "4.1": 1}}),
], ids=["star", "city"])
def test_recalculated_subtotals_and_totals_equal_the_rubric_arithmetic(tmp_path, rubric, form, scores):
    notes = {code: "原因" for stage in scores.values() for code in stage}
    path = fill_workbook(write_template(rubric, tmp_path / "t"), tmp_path / "filled.xlsx", rubric, form, scores, notes)
    recalculated = recalculate(path, tmp_path / "out")
    for stage in (s.key for s in rubric.stages):
        card = process_file(path, rubric, stage, EVAL_DATE).card
        assert card is not None
        got = formula_values(recalculated, rubric, stage)
        for part in rubric.parts:
            if part.veto:
                expected = "有不符合项" if card.failed_veto else "全部符合"
                assert got[("part", part.code)] == expected, (stage, part.code)
            else:
                assert got[("part", part.code)] == pytest.approx(float(card.parts[part.code])), (stage, part.code)
        assert got["total"] == pytest.approx(float(card.earned)), stage
        if rubric.core_total:
            assert got["core"] == pytest.approx(float(card.core)), stage
            assert got["core_rate"] == pytest.approx(float(card.core / rubric.core_total)), stage


@pytest.mark.office
def test_recalculated_veto_part_says_unfinished_when_a_condition_is_blank(tmp_path):
    scores = full_scores(STAR, ("self",))
    scores["self"]["1-07"] = None
    path = fill_workbook(write_template(STAR, tmp_path / "t"), tmp_path / "filled.xlsx", STAR, valid_form(1), scores)
    got = formula_values(recalculate(path, tmp_path / "out"), STAR, "self")
    assert got[("part", "1")] == "未填完"
