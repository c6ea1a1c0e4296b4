"""Test helpers for reading, validating and scoring: templates built once, workbooks filled in
code, and in-memory ``RawWorkbook``s laid out exactly like the template (so issue cells are real).

    from support.star import STAR, EVAL_DATE, template, filled, raw_workbook
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import shutil
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import openpyxl
from hypothesis import strategies as st

from support import EVAL_DATE  # noqa: F401 - the shared date, importable from here
from tuoyu_excel.intake.credit_code import random_credit_code
from tuoyu_excel.intake.reader import Cell, RawWorkbook
from tuoyu_excel.intake.rubric_file import load_rubric
from tuoyu_excel.issues import IssueLog
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.render.template.fill import fill_workbook
from tuoyu_excel.render.template.workbook import write_template
from tuoyu_excel.spec.model import FAIL, GRADED, NOT_APPLICABLE, PASS, Item, Rubric

STAR = load_rubric("liuzhou_star")
CITY = load_rubric("guangxi_demo_city")


def city_form(**overrides: object) -> dict[str, object]:
    form = dict(city_name=CITY.city.cities[0], reporter="市卫生健康委", contact="王五", phone="0772-1234567",
                report_date=dt.date(2026, 10, 1), population=4_000_000, nursery_places=16_000, county_total=10,
                county_centers=6, orgs_registered=300, orgs_filed=270, infants=120_000, infants_enrolled=9_000,
                city_joint_meeting="是", counties_no_joint_meeting=0)
    return {**form, **overrides}


_TEMPLATE_DIR = Path(tempfile.mkdtemp(prefix="tuoyu-tests-templates-"))


@functools.cache
def template(rubric_id: str = "liuzhou_star") -> Path:
    """The blank template of a shipped rubric, written once per test session."""
    return write_template(load_rubric(rubric_id), _TEMPLATE_DIR / rubric_id)


def filled(out: Path, rubric: Rubric = STAR, form: dict | None = None, scores: dict | None = None,
           notes: dict | None = None, seed: int = 1) -> Path:
    """A copy of the template filled as a person would (valid unless `form`/`scores` say otherwise)."""
    if form is None:
        form = valid_form(seed) if rubric.kind == "star" else city_form()
    if scores is None:
        scores = full_scores(rubric)
    return fill_workbook(template(rubric.id), Path(out), rubric, form, scores, notes)


def copy_template(out: Path, rubric: Rubric = STAR) -> Path:
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(template(rubric.id), out))


def item_row(rubric: Rubric, code: str) -> int:
    """0-based row of an item in the template's score sheet."""
    return next(layout.SCORE_FIRST_ROW + n for n, r in enumerate(layout.score_rows(rubric))
                if r.kind == "item" and r.item.code == code)


def field_cell(rubric: Rubric, key: str) -> str:
    return layout.cell_name(layout.form_field_rows(rubric)[key], layout.FORM_VALUE_COL)


def score_cell(rubric: Rubric, stage: str, code: str) -> str:
    return layout.cell_name(item_row(rubric, code), layout.column_index(rubric, rubric.stage(stage).header))


def note_cell(rubric: Rubric, code: str) -> str:
    return layout.cell_name(item_row(rubric, code), layout.column_index(rubric, layout.H_NOTE))


def _cell_value(value: object) -> object:
    """As calamine returns a typed number: a float (or an int for whole numbers typed as such)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def raw_workbook(rubric: Rubric = STAR, form: dict | None = None, scores: dict | None = None,
                 notes: dict | None = None, file: str = "内存.xlsx") -> RawWorkbook:
    """What the reader would return for the template filled with these values (unfilled cells are "")."""
    if form is None:
        form = default_form(rubric)
    if scores is None:
        scores = full_scores(rubric)
    raw = RawWorkbook(file=file, path=Path(file), meta=layout.metadata(rubric))
    sheet = layout.form_sheet(rubric)
    for key, r in layout.form_field_rows(rubric).items():
        raw.fields[key] = Cell(_cell_value(form.get(key, "")), sheet, r, layout.FORM_VALUE_COL)
    note_col = layout.column_index(rubric, layout.H_NOTE)
    for item in rubric.items:
        r = item_row(rubric, item.code)
        raw.scores[item.code] = {
            s.key: Cell(_cell_value(scores.get(s.key, {}).get(item.code, "")), layout.SCORE_SHEET, r,
                        layout.column_index(rubric, s.header))
            for s in rubric.stages}
        raw.notes[item.code] = Cell((notes or {}).get(item.code, ""), layout.SCORE_SHEET, r, note_col)
    return raw


def keys(log_or_issues: IssueLog | list) -> list[tuple[str, str, str]]:
    """Sorted (code, file, sheet!cell) of every issue."""
    items = log_or_issues.items if isinstance(log_or_issues, IssueLog) else log_or_issues
    return sorted(i.key() for i in items)


def edit(path: Path, change) -> Path:
    """Open a saved workbook with openpyxl (which ignores sheet protection), apply change(wb), save."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def lose(rubric: Rubric, points: Decimal | int | str, core: bool | None = None,
         skip: tuple[str, ...] = ()) -> dict[str, Decimal]:
    """Scores for graded items (not those in `skip`) that together lose exactly `points`
    (core items only, non-core only, or any)."""
    left = Decimal(str(points))
    values = {}
    for item in rubric.scored_items:
        if left <= 0:
            break
        if item.rule != GRADED or item.code in skip or (core is not None and item.core != core):
            continue
        cut = min(left, item.points)
        values[item.code] = item.points - cut
        left -= cut
    if left > 0:
        raise ValueError(f"cannot lose {points} points on graded {'core' if core else 'non-core'} items")
    return values


def score_grid(item: Item) -> list[object]:
    """Every value a filled cell of `item` may hold, lowest first (不适用 excluded)."""
    if item.veto:
        return [FAIL, PASS]
    allowed = item.allowed_values()
    if allowed is not None:
        return sorted(allowed)
    return [item.step * k for k in range(int(item.points / item.step) + 1)]


@st.composite
def fillings(draw, rubric: Rubric = STAR, form: dict | None = None) -> dict[str, object]:
    """A random valid filling of one stage: item code -> value from its allowed set or graded grid,
    不适用 at random where allowed (for an item with a 不适用 condition, as the form decides: `form`, by
    default the one raw_workbook fills in). A drawn quality level spreads totals both sides of the pass mark."""
    form = default_form(rubric) if form is None else form
    quality = draw(st.integers(0, 100))
    values: dict[str, object] = {}
    for item in rubric.items:
        holds = item.na_when is None or item.na_when.holds(form.get(item.na_when.field))
        if holds and item.na_when is not None and item.na_when.only:
            values[item.code] = NOT_APPLICABLE
            continue
        if item.allow_na and holds and draw(st.integers(0, 3)) == 0:
            values[item.code] = NOT_APPLICABLE
            continue
        if item.veto:
            values[item.code] = FAIL if draw(st.integers(0, 19)) == 0 else PASS
            continue
        grid = score_grid(item)
        low = min(len(grid) * quality // 100, len(grid) - 1)
        values[item.code] = grid[draw(st.integers(low, len(grid) - 1))]
    return values


def default_form(rubric: Rubric) -> dict[str, object]:
    """The form raw_workbook fills in when given none (供餐方式 自行加工 for a star rubric)."""
    return valid_form(1) if rubric.kind == "star" else city_form()


# ---- a complete, valid filling, and package-level helpers (was star_fixtures.py) ----
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
