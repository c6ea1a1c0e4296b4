"""A complete, valid filling of the star template, for tests to start from and then break.

    from star_fixtures import valid_form, full_scores
    fill.fill_workbook(template, out, rubric, valid_form(1), full_scores(rubric))
"""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import openpyxl

from tuoyu_excel.intake.credit_code import random_credit_code
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.spec.model import PASS, Rubric


def valid_form(rng_or_seed: random.Random | int = 1) -> dict[str, object]:
    """Every 申报表 field filled validly; the credit code (valid, unique per seed) comes from the rng."""
    rng = rng_or_seed if isinstance(rng_or_seed, random.Random) else random.Random(rng_or_seed)
    return dict(
        name="柳州市阳光托育中心", credit_code=random_credit_code(rng), district="城中区", address="城中区某路1号",
        sponsor="张三", legal_rep="张三", director="李四", contact="王五", phone="0772-1234567",
        filing_date=dt.date(2022, 3, 1), filing_no="BA2022001", start_date=dt.date(2022, 4, 1),
        is_puhui="是", gov_price="是", meals="自行加工", fee=1800, capacity=80, enrolled=60,
        classes_infant=1, classes_small=2, classes_large=2, classes_mixed=0,
        staff_care=12, staff_health=1, staff_cook=2, staff_security=1,
        decl_credit="否", decl_abuse="否", decl_accident="否", decl_dispute="否",
        first_time="是", previous_star="无", signer="张三", sign_date=dt.date(2026, 10, 1),
    )


def full_scores(rubric: Rubric, stages: tuple[str, ...] | None = None) -> dict[str, dict[str, object]]:
    """Full points on every item (符合 on every 必备条件) in every stage."""
    keys = stages or tuple(s.key for s in rubric.stages)
    return {s: {i.code: (PASS if i.veto else i.points) for i in rubric.items} for s in keys}


def field_cell(rubric: Rubric, key: str) -> str:
    """A1 name of a form field's input cell in the template's form sheet."""
    return layout.cell_name(layout.form_field_rows(rubric)[key], layout.FORM_VALUE_COL)


def score_cell(rubric: Rubric, stage: str, code: str) -> str:
    """A1 name of an item's score cell for `stage` in the template's score sheet."""
    rows = [n for n, r in enumerate(layout.score_rows(rubric)) if r.kind == "item" and r.item.code == code]
    return layout.cell_name(layout.SCORE_FIRST_ROW + rows[0], layout.column_index(rubric, rubric.stage(stage).header))


def store_text(path: Path, sheet: str, cells: dict[str, str]) -> None:
    """Store literal text (as typed after an apostrophe: '=1+1 stays text) into cells of a saved workbook."""
    wb = openpyxl.load_workbook(path)
    for a1, text in cells.items():
        wb[sheet][a1].value = text
        wb[sheet][a1].data_type = "s"  # openpyxl would otherwise turn "=..." into a formula
    wb.save(path)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def sheet_xml(xlsx: Path, sheet: str) -> ElementTree.Element:
    """The parsed worksheet XML part of `sheet`, read straight from the package."""
    with zipfile.ZipFile(xlsx) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rid = next(s.get(f"{_REL}id") for s in book.iter(f"{_MAIN}sheet") if s.get("name") == sheet)
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels.iter(f"{_PKG}Relationship") if r.get("Id") == rid)
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        return ElementTree.fromstring(z.read(part))


def assert_literal_text(xlsx: Path, sheet: str, texts: set[str]) -> None:
    """Each text is in a cell of `sheet`, stored as a string, with no <f> formula (so "=..." stays text)."""
    wb = openpyxl.load_workbook(xlsx)
    where = {c.value: c.coordinate for row in wb[sheet].iter_rows() for c in row if c.value in texts}
    assert set(where) == texts
    cells = {c.get("r"): c for c in sheet_xml(xlsx, sheet).iter(f"{_MAIN}c")}
    for ref in where.values():
        assert cells[ref].find(f"{_MAIN}f") is None, ref
        assert cells[ref].get("t") in ("s", "inlineStr"), ref
