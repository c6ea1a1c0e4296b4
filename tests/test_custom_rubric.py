"""A rubric typed into Excel by an official, used the same day: 东河市 stars by score bands.

The rubric (tests/custom_rubric_rows.py) differs from the shipped one in every way that matters:
other zones and districts, 4 parts, 20 items, pass mark 600, and stars given by score bands
(≥ 900 五星级, ≥ 800 四星级, ≥ 700 三星级) instead of by rank within a quota. It runs end to
end: rubric.xlsx → template → filled workbooks → evaluate_star → the expected stars.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from custom_rubric_rows import CUSTOM_ROWS, rows_copy, set_cell, write_book
from support import CITY_EVAL_DATE

from tuoyu_excel.core.pipeline import process_file
from tuoyu_excel.core.star.ranking import NO_STAR
from tuoyu_excel.core.star.rating import evaluate_star
from tuoyu_excel.intake.credit_code import make_credit_code
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.star.workbook import write_star_results
from tuoyu_excel.render.template.fill import fill_workbook
from tuoyu_excel.render.template.workbook import write_template

EVAL_DATE = CITY_EVAL_DATE

# (institution, district, 综合得分 to fill in, expected star)
INSTITUTIONS = [
    ("甲区阳光托育", "甲区", 950, "五星级"),
    ("乙区彩虹托育", "乙区", 900, "五星级"),  # exactly on the band: ≥ 900
    ("甲区小树托育", "甲区", 899, "四星级"),
    ("乙区童心托育", "乙区", 720, "三星级"),
    ("甲区贝贝托育", "甲区", 650, NO_STAR),  # passes 600 but below every band
    ("丙县启航托育", "丙县", 910, "五星级"),
    ("丙县晨曦托育", "丙县", 880, "四星级"),
    ("丙县花园托育", "丙县", 820, NO_STAR),  # 四星级 by score, but 西区 awards at most 2 stars
]
BELOW_PASS_MARK = ("甲区新苗托育", "乙区", 550)


@pytest.fixture(scope="module")
def rubric_path(tmp_path_factory) -> Path:
    return write_book(tmp_path_factory.mktemp("规则") / "东河规则.xlsx", CUSTOM_ROWS)


@pytest.fixture(scope="module")
def custom(rubric_path):
    return load_rubric(rubric_path)


def form(name: str, district: str, n: int) -> dict[str, object]:
    org = f"MA{n:06d}"
    return dict(name=name, credit_code=make_credit_code(f"911100{n:02d}{org}0"[:17]), district=district,
                filing_date=dt.date(2023, 3, 1), start_date=dt.date(2023, 4, 1), is_puhui="是", gov_price="是",
                capacity=60, enrolled=45, decl_credit="否", decl_abuse="否", decl_accident="否", decl_dispute="否")


def scores_for(rubric, total: int) -> tuple[dict[str, Decimal], dict[str, str]]:
    """Full marks on the core items; the shortfall taken from graded items, then all-or-nothing items."""
    values = {i.code: i.points for i in rubric.items}
    short = Decimal(1000 - total)
    for item in sorted(rubric.items, key=lambda i: (i.rule != "graded", i.code)):
        if short <= 0 or item.core or item.rule == "deduction":
            continue
        take = min(short, item.points)
        if item.rule == "all_or_nothing" and take < item.points:
            continue
        values[item.code] -= take
        short -= take
    assert short == 0, total
    notes = {code: "现场核查发现不足" for code, v in values.items() if v < rubric.item_by_code[code].points}
    return values, notes


def fill(rubric, template: Path, out: Path, name: str, district: str, total: int, n: int) -> Path:
    values, notes = scores_for(rubric, total)
    return fill_workbook(template, out / f"{name}.xlsx", rubric, form(name, district, n),
                         {"self": values, "review": values}, notes)


# ---------------------------------------------------------------- the rubric as read


def test_custom_rubric_as_read(custom):
    assert (custom.id, custom.kind, custom.version, custom.total) == ("donghe_star", "star", "2027.1", 1000)
    assert [p.total for p in custom.parts] == [Decimal(250)] * 4
    assert len(custom.items) == 20 and sum(i.points for i in custom.items) == 1000
    assert custom.item_by_code["1-03"].steps == (Decimal(5), Decimal(10))
    assert custom.item_by_code["1-02"].steps == (Decimal("0.5"),)
    s = custom.star
    assert (s.pass_mark, s.stars) == (Decimal(600), ("三星级", "四星级", "五星级"))
    assert [(z.name, z.districts, z.quota, z.award) for z in s.zones] == [
        ("东区", ("甲区", "乙区"), 0, "score"), ("西区", ("丙县",), 2, "score")]
    assert [(b.star, b.min_score) for b in s.zones[0].bands] == [
        ("五星级", Decimal(900)), ("四星级", Decimal(800)), ("三星级", Decimal(700))]
    assert custom.limits == (("enrolled", "capacity"),)


def test_template_offers_the_custom_districts(custom, tmp_path):
    path = write_template(custom, tmp_path)
    ws = openpyxl.load_workbook(path)[layout.form_sheet(custom)]
    cell = layout.cell_name(layout.form_field_rows(custom)["district"], layout.FORM_VALUE_COL)
    rules = [dv for dv in ws.data_validations.dataValidation if cell in str(dv.sqref)]
    assert len(rules) == 1 and rules[0].type == "list"
    assert rules[0].formula1 == '"甲区,乙区,丙县"'
    meta = openpyxl.load_workbook(path)[layout.META_SHEET]
    assert {r[0].value: r[1].value for r in meta.iter_rows()}["rubric_hash"] == custom.content_hash


# ---------------------------------------------------------------- end to end


def test_stars_by_score_bands_end_to_end(custom, tmp_path):
    template = write_template(custom, tmp_path / "模板")
    folder = tmp_path / "填报"
    for n, (name, district, total, _) in enumerate([*INSTITUTIONS, (*BELOW_PASS_MARK, None)], start=1):
        fill(custom, template, folder, name, district, total, n)
    result = evaluate_star(folder, custom, "review", EVAL_DATE)
    assert result.excluded == []
    totals = {f.submission.form["name"]: f.card.total for f in result.run.files}
    assert totals == {name: Decimal(total) for name, _, total, _ in [*INSTITUTIONS, (*BELOW_PASS_MARK, None)]}
    stars = {p.candidate.name: (p.zone, p.star) for p in result.placements}
    assert stars == {name: ("西区" if d == "丙县" else "东区", star) for name, d, _, star in INSTITUTIONS}
    [ineligible] = result.ineligible
    assert ineligible.submission.form["name"] == BELOW_PASS_MARK[0]
    assert [r.code for r in ineligible.reasons] == ["BELOW_PASS_MARK"]
    # the results workbook counts the custom stars per zone
    out = write_star_results(result, tmp_path / "星级评定结果.xlsx")
    summary = openpyxl.load_workbook(out.path, data_only=True)["汇总"]  # the counts: cached values of formulas
    counts = {row[0]: row[1:7] for row in summary.iter_rows(values_only=True) if row[0] in ("片区", "东区", "西区")}
    assert counts == {"片区": ("五星级", "四星级", "三星级", "未获评", "待裁定", "合计"),
                      "东区": (2, 1, 1, 1, 0, 5), "西区": (1, 1, 0, 1, 0, 3)}


def test_shipped_workbook_refused_under_custom_rubric(custom, tmp_path):
    shipped = load_rubric("liuzhou_star")
    book = write_template(shipped, tmp_path / "柳州")
    result = process_file(book, custom, "review", EVAL_DATE)
    assert [i.code for i in result.issues] == ["FILE_WRONG_RUBRIC"]
    assert result.card is None


def test_custom_workbook_refused_under_shipped_rubric(custom, tmp_path):
    book = fill(custom, write_template(custom, tmp_path / "模板"), tmp_path, "甲区阳光托育", "甲区", 950, 1)
    result = process_file(book, load_rubric("liuzhou_star"), "city", EVAL_DATE)
    assert [i.code for i in result.issues] == ["FILE_WRONG_RUBRIC"]


def test_edited_rubric_workbook_refuses_old_templates(custom, tmp_path):
    # the official changes one 评分标准 in 规则.xlsx: workbooks filled from the old template are refused
    book = fill(custom, write_template(custom, tmp_path / "模板"), tmp_path, "甲区阳光托育", "甲区", 950, 1)
    assert process_file(book, custom, "review", EVAL_DATE).card is not None
    rows = rows_copy()
    set_cell(rows, "评分项!E2", "按要求酌情评分（修订）。")
    edited = load_rubric(write_book(tmp_path / "东河规则_修订.xlsx", rows))
    assert edited.content_hash != custom.content_hash
    result = process_file(book, edited, "review", EVAL_DATE)
    assert [i.code for i in result.issues] == ["FILE_WRONG_RUBRIC"]
    assert "修改前的内容（版本同为 2027.1，评分内容不同）" in result.issues[0].message
    assert custom.content_hash not in result.issues[0].message  # fingerprints: 运行信息 only
