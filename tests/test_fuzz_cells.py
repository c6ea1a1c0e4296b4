"""Hypothesis over every input cell of both templates: every form field, every stage cell of every
item row, and every 扣分说明.

Values people (and spreadsheet programs) put in cells — text with full-width digits, NBSP, emoji,
32 767 characters, "=1+1", numbers negative, huge and NaN, booleans, dates, times — go into a
valid filling, which is then validated and scored (and, for cities, scored against the regional
averages). The properties, for every cell drawn:

- nothing raises;
- a value the cell does not accept gives at least one issue located exactly at that cell;
- an accepted value comes out as the typed value the spec below says, and no error is located there;
- every issue is located at a drawn cell, or is a cross-cell check pointing at its own cell.

The spec (``expect``) is written independently of normalize.py, from the rules in the templates'
填表说明. The fast path writes values into an in-memory ``RawWorkbook`` laid out like the template;
the slow path writes them into a real workbook with openpyxl and reads it back.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from support.star import (
    CITY,
    EVAL_DATE,
    STAR,
    city_form,
    field_cell,
    filled,
    full_scores,
    note_cell,
    raw_workbook,
    score_cell,
    score_grid,
    valid_form,
)

from tuoyu_excel.core.city.evaluate import rank_cities, regional_averages, score_city
from tuoyu_excel.core.pipeline import process_file
from tuoyu_excel.core.scoring import score
from tuoyu_excel.core.star.eligibility import check_eligibility
from tuoyu_excel.intake.credit_code import credit_code_problem
from tuoyu_excel.intake.reader import RawWorkbook, read_workbook
from tuoyu_excel.intake.validate import validate
from tuoyu_excel.issues import ERROR, IssueLog
from tuoyu_excel.layout import submission as layout
from tuoyu_excel.spec.model import FAIL, NO, NOT_APPLICABLE, PASS, YES, Rubric

# ---- the cells -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    kind: str  # "field", "score" or "note"
    key: str  # form field key, or item code
    stage: str = ""  # score cells only

    def where(self, rubric: Rubric) -> tuple[str, str]:
        """(sheet, A1) of this input cell in the template."""
        if self.kind == "field":
            return layout.form_sheet(rubric), field_cell(rubric, self.key)
        if self.kind == "score":
            return layout.SCORE_SHEET, score_cell(rubric, self.stage, self.key)
        return layout.SCORE_SHEET, note_cell(rubric, self.key)


def targets(rubric: Rubric) -> list[Target]:
    cells = [Target("field", f.key) for f in rubric.form]
    cells += [Target("score", i.code, s.key) for i in rubric.items for s in rubric.stages]
    return cells + [Target("note", i.code) for i in rubric.items]


TARGETS = {r.id: targets(r) for r in (STAR, CITY)}


def last_stage(rubric: Rubric) -> str:
    return rubric.stages[-1].key


@cache
def _baseline(rubric_id: str) -> RawWorkbook:
    """The valid filling every example starts from (city: computed items left blank, as evaluators do)."""
    if rubric_id == STAR.id:
        return raw_workbook(STAR)
    scores = {s: {code: v for code, v in values.items() if not CITY.item_by_code[code].computed}
              for s, values in full_scores(CITY).items()}
    return raw_workbook(CITY, form=city_form(), scores=scores)


def baseline(rubric: Rubric) -> RawWorkbook:
    base = _baseline(rubric.id)
    return RawWorkbook(base.file, base.path, dict(base.meta), dict(base.fields),
                       {code: dict(cells) for code, cells in base.scores.items()}, dict(base.notes))


def put(raw: RawWorkbook, target: Target, value: object) -> None:
    if target.kind == "field":
        raw.fields[target.key] = raw.fields[target.key]._replace(value=value)
    elif target.kind == "score":
        cells = raw.scores[target.key]
        cells[target.stage] = cells[target.stage]._replace(value=value)
    else:
        raw.notes[target.key] = raw.notes[target.key]._replace(value=value)


def value_at(raw: RawWorkbook, target: Target) -> object:
    if target.kind == "field":
        return raw.fields[target.key].value
    if target.kind == "score":
        return raw.scores[target.key][target.stage].value
    return raw.notes[target.key].value


# ---- the spec ------------------------------------------------------------------------------------

REJECT = object()  # the cell must carry an issue
BLANK = None
_SPACE = "\u200b\ufeff"
_UNITS = ("元/月", "分", "个", "人", "家", "元", "名", "所", "户")
_NA = {NOT_APPLICABLE, "不适用。", "N/A", "NA", "n/a", "/"}
_VETO = {PASS: PASS, "√": PASS, "✓": PASS, "是": PASS, FAIL: FAIL, "×": FAIL, "✗": FAIL, "否": FAIL}
_YES_NO = {YES: YES, "有": YES, "√": YES, NO: NO, "无": NO, "没有": NO, "×": NO}
_DATES = [re.compile(p) for p in (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{4})/(\d{1,2})/(\d{1,2})",
                                  r"(\d{4})\.(\d{1,2})\.(\d{1,2})", r"(\d{4})年(\d{1,2})月(\d{1,2})日",
                                  r"(\d{4})(\d{2})(\d{2})")]
_TOLERANCE = Decimal("1e-6")  # a float artefact (8.4999999) counts as the grid value next to it


def folded(text: str) -> str:
    """As typed, compared: full-width folded to half-width, spaces of every kind ignored."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace() and ch not in _SPACE)


def trimmed(text: str) -> str:
    """Text as kept: spaces of every kind (and zero-width ones) off both ends."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] in _SPACE):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _SPACE):
        end -= 1
    return text[start:end]


def as_text(value: object) -> str:
    """What a text cell holds: whole floats without ".0", dates in ISO form."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    return trimmed(str(value))


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not folded(value))


def number(value: object) -> object:
    """A number typed into a cell (text numbers and "8分" included): Decimal, BLANK or REJECT."""
    if is_blank(value):
        return BLANK
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return REJECT
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):  # a whole number exactly; else the shortest decimal that reads back as value
        if not math.isfinite(value):
            return REJECT
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    text = folded(str(value))
    unit = next((u for u in _UNITS if text.endswith(u) and len(text) > len(u)), "")
    digits = text[: len(text) - len(unit)]
    body = digits[1:] if digits[:1] in "+-" else digits
    if not body or body.count(".") > 1 or not all(ch.isdecimal() or ch == "." for ch in body) or body == ".":
        return REJECT
    if unit and (body.startswith(".") or body.endswith(".")):  # "8分", "8.5分"; not ".5分"
        return REJECT
    try:
        return Decimal(digits)
    except InvalidOperation:
        return REJECT


def on_grid(item, n: Decimal) -> object:
    """The grid value within float tolerance of n, else REJECT."""
    if abs(n) > 10**6:
        return REJECT
    return next((g for g in score_grid(item) if abs(g - n) <= _TOLERANCE), REJECT)


def expect_score(rubric: Rubric, code: str, stage: str, value: object) -> object:
    item = rubric.item_by_code[code]
    required = stage == last_stage(rubric) and not item.computed
    if is_blank(value):
        return REJECT if required else BLANK
    text = folded(str(value))
    if item.veto:
        if text in _VETO:
            return _VETO[text]
        return NOT_APPLICABLE if text in _NA and item.allow_na else REJECT
    if isinstance(value, str) and text in _NA:
        return NOT_APPLICABLE if item.allow_na else REJECT
    n = number(value)
    return REJECT if n is REJECT else on_grid(item, n)


def expect_date(value: object) -> object:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = folded(value)
        found = [m.groups() for p in _DATES if (m := p.fullmatch(text))]
        try:
            day = dt.date(*map(int, found[0])) if found else None
        except ValueError:
            day = None
    else:
        day = None
    return REJECT if day is None or day > EVAL_DATE else day


def expect_field(rubric: Rubric, key: str, value: object) -> object:
    f = rubric.field_by_key[key]
    if f.type in ("int", "number"):
        n = number(value)
        if n is BLANK or n is REJECT:
            return REJECT if n is BLANK and f.required else n
        if n < 0 or (f.type == "int" and n != n.to_integral_value()):
            return REJECT
        return Decimal(int(n)) if f.type == "int" else n
    if value is None or not as_text(value):
        return REJECT if f.required else BLANK
    if f.type == "date":
        return expect_date(value)
    text = folded(str(value))
    if f.type == "yesno":
        return _YES_NO.get(text, REJECT)
    if f.type in ("choice", "district", "city"):
        choices = f.choices or (rubric.star.districts if f.type == "district" else rubric.city.cities)
        return next((c for c in choices if folded(c) == text), REJECT)
    if f.type == "credit_code":
        code = folded(as_text(value)).upper()
        return REJECT if credit_code_problem(code) else code
    return as_text(value)  # text, phone (a phone that does not look like one is only a warning)


def breaks_na_condition(rubric: Rubric, raw: RawWorkbook, code: str, stage: str, want: object) -> bool:
    """The scored stage's value against its item's 不适用 condition on a form field (na_when), as the form reads."""
    c = rubric.item_by_code[code].na_when
    if c is None or stage != last_stage(rubric) or want is REJECT or want is BLANK:
        return False
    shown = expect_field(rubric, c.field, raw.fields[c.field].value)
    if shown is REJECT or shown is BLANK:
        return False  # the field's own issue stands
    holds = c.holds(shown)
    return (want == NOT_APPLICABLE and not holds) or (holds and c.only and want != NOT_APPLICABLE)


def expect(rubric: Rubric, target: Target, value: object, raw: RawWorkbook) -> object:
    if target.kind == "field":
        return expect_field(rubric, target.key, value)
    if target.kind == "score":
        want = expect_score(rubric, target.key, target.stage, value)
        return REJECT if breaks_na_condition(rubric, raw, target.key, target.stage, want) else want
    return as_text(value) if value is not None and as_text(value) else BLANK


# ---- the properties ------------------------------------------------------------------------------

# checks across cells, each located at a cell of its own (the smaller count; the 扣分说明; the score cell
# whose 不适用 the form allows or asks for)
CROSS_CELL = {"ENROLLED_OVER_CAPACITY", "RATE_NUMERATOR_OVER", "NOTE_MISSING", "NA_CONDITION_UNMET", "NA_REQUIRED"}


def typed(sub, rubric: Rubric, target: Target) -> object:
    if target.kind == "field":
        return sub.form.get(target.key)
    if target.kind == "score":
        return sub.scores[target.stage].get(target.key)
    return sub.notes.get(target.key)


def check_filling(rubric: Rubric, raw: RawWorkbook, drawn: list[Target], log: IssueLog, sub) -> None:
    """The properties, for the values `raw` holds at the drawn cells."""
    at = {t: t.where(rubric) for t in drawn}
    cells = set(at.values())
    for issue in log.items:
        assert (issue.sheet, issue.cell) in cells or issue.code in CROSS_CELL, issue
    for t in drawn:
        value = value_at(raw, t)
        want = expect(rubric, t, value, raw)
        here = [i for i in log.items if (i.sheet, i.cell) == at[t]]
        if want is REJECT:
            assert here, f"{t} = {value!r}: no issue at {at[t]}"
            continue
        errors = [i for i in here if i.severity == ERROR and i.code not in CROSS_CELL]
        assert not errors, f"{t} = {value!r}: {errors}"
        got = typed(sub, rubric, t)
        assert got == want and type(got) is type(want), f"{t} = {value!r}: got {got!r}, expected {want!r}"


def score_on(rubric: Rubric, raw: RawWorkbook, drawn: list[Target], log: IssueLog, sub) -> None:
    """Everything after validation runs on a clean submission, and the card holds the typed values."""
    if log.has_errors:
        return
    stage = last_stage(rubric)
    card = score(sub, rubric, stage)
    for t in drawn:
        item = rubric.item_by_code.get(t.key)
        if t.kind == "score" and t.stage == stage and not item.veto and not item.computed:
            want = expect(rubric, t, value_at(raw, t), raw)
            assert card.items[t.key] == (None if want == NOT_APPLICABLE else want)
    if rubric.star is not None:
        check_eligibility(sub, card, rubric, EVAL_DATE)
        return
    city = score_city(sub, card, rubric, regional_averages([sub], rubric))
    assert rank_cities([city], rubric)[0].score.total == city.total <= rubric.total


def run_fast(rubric: Rubric, values: dict[Target, object]) -> None:
    raw = baseline(rubric)
    for t, v in values.items():
        put(raw, t, v)
    log = IssueLog(raw.file, cap=10_000)
    sub = validate(raw, rubric, last_stage(rubric), EVAL_DATE, log)
    check_filling(rubric, raw, list(values), log, sub)
    score_on(rubric, raw, list(values), log, sub)


# ---- the values ----------------------------------------------------------------------------------

SPACES = " \t\n\u00a0\u3000\u2002\u2003\u200b\ufeff"
NOTABLE = [
    "", " ", "\u00a0", "\u3000", "\u200b", "\u2003 \u2003", "=1+1", "=SUM(A1:A3)", "+1", "-1", "@SUM(A1)",
    "#REF!", "#DIV/0!", "#N/A", "不适用", "不适用。", "N/A", "n/a", "NA", "/", "／", "符合", "不符合", "√", "×",
    "✓", "是", "否", "有", "无", "没有", "8分", "８分", "60人", "1800元/月", ".5", "5.", "1e5", "1E5", "NaN", "nan",
    "Infinity", "-0", "0x10", "1,000", "1_000", "١٢", "８．５", "－５", "２０", "+８", "8 .5", "8.5.1", "++8",
    "2024-03-15", "2024/3/5", "2024.03.15", "2024年3月15日", "２０２４年３月１５日", "20240315", "202411",
    "2024315", "2024-02-30", "2099-01-01", "24-3-15", "0772-1234567", "13800138000", "😀", "👨‍👩‍👧", "机构\n名称",
    "91450200MA5K00001X", "91350100M000100Y43", "城中区", " 城中区 ", "自行加工", "一星级", "无",
    "南宁市", "柳州市", "1" * 400, "Ａ" * 40,
]


def _long_text() -> st.SearchStrategy[str]:
    return st.builds(lambda s, n: (s * n)[:32_767], st.text(min_size=1, max_size=3), st.integers(1, 12_000))


def _text_around(core: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text padded with spaces of every kind, full-width forms mixed in."""
    pad = st.text(alphabet=SPACES, max_size=3)
    full = core.map(lambda s: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s))
    return st.builds(lambda a, s, b: a + s + b, pad, st.one_of(core, full), pad)


def _numberish() -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789.+-分人元 \u00a0", min_size=1, max_size=10)


ANY_VALUE = st.one_of(
    st.sampled_from(NOTABLE),
    st.text(max_size=30),
    _text_around(_numberish()),
    _long_text(),
    st.integers(-(10**15), 10**15),
    st.floats(),
    st.sampled_from([0.1 + 0.2, 8.499999999, 8.5000001, 1e308, -1e308, 5e-324, -0.0, 2.0**53 + 1, 17.25, 1e-7]),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.none(),
)


def good_values(rubric: Rubric, target: Target) -> st.SearchStrategy[object]:
    """Values the cell accepts, in the forms people type them."""
    if target.kind == "note":
        return _text_around(st.text(min_size=1, max_size=20))
    if target.kind == "score":
        item = rubric.item_by_code[target.key]
        if item.veto:
            return _text_around(st.sampled_from(sorted(_VETO) + ([NOT_APPLICABLE] if item.allow_na else [])))
        grid = st.sampled_from(score_grid(item))
        return st.one_of(grid.map(float), grid.map(lambda d: int(d) if d == int(d) else float(d)),
                         _text_around(grid.map(lambda d: format(d.normalize(), "f"))),
                         _text_around(grid.map(lambda d: f"{format(d.normalize(), 'f')}分")))
    f = rubric.field_by_key[target.key]
    if f.type in ("int", "number"):
        counts = st.integers(0, 10**7)
        return st.one_of(counts, counts.map(float), _text_around(counts.map(str)), _text_around(counts.map(lambda n: f"{n}人")))
    if f.type == "date":
        days = st.dates(dt.date(1950, 1, 1), EVAL_DATE)
        return st.one_of(days, days.map(lambda d: dt.datetime(d.year, d.month, d.day, 9, 30)),
                         _text_around(days.map(lambda d: f"{d.year}年{d.month}月{d.day}日")),
                         _text_around(days.map(lambda d: d.strftime("%Y/%m/%d"))),
                         _text_around(days.map(lambda d: d.strftime("%Y%m%d"))),
                         st.text(alphabet="0123456789-/.年月日", min_size=4, max_size=11),  # mostly not dates
                         st.builds("{}{}".format, st.integers(1950, 2026), st.integers(1, 9999)))  # 202411: a month
    if f.type == "yesno":
        return _text_around(st.sampled_from(sorted(_YES_NO)))
    if f.type in ("choice", "district", "city"):
        choices = f.choices or (rubric.star.districts if f.type == "district" else rubric.city.cities)
        return _text_around(st.sampled_from(list(choices)))
    if f.type == "credit_code":
        return _text_around(st.sampled_from([valid_form(n)["credit_code"] for n in range(20)]))
    return _text_around(st.text(min_size=1, max_size=20))


@st.composite
def fillings(draw, rubric: Rubric, slow: bool = False) -> dict[Target, object]:
    """1 to 4 distinct input cells, each with an accepted value or anything at all."""
    kinds = [st.sampled_from([t for t in TARGETS[rubric.id] if t.kind == k]) for k in ("field", "score", "note")]
    chosen = draw(st.lists(st.one_of(kinds), min_size=1, max_size=4, unique=True))  # form fields as often as scores
    if not slow:
        return {t: draw(st.one_of(good_values(rubric, t), ANY_VALUE)) for t in chosen}
    return {t: draw(st.one_of(good_values(rubric, t), SLOW_VALUE).filter(_storable_value)) for t in chosen}


# ---- fast path: the in-memory workbook -----------------------------------------------------------

FAST = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(fillings(STAR))
def test_star_cells_fast(values):
    run_fast(STAR, values)


@FAST
@given(fillings(CITY))
def test_city_cells_fast(values):
    run_fast(CITY, values)


# ---- slow path: a real workbook written by openpyxl ----------------------------------------------

def _storable(text: str) -> bool:
    """Text a workbook can hold unchanged (XML 1.0 characters; no CR, which XML turns into LF)."""
    return (len(text) <= 32_767 and not ILLEGAL_CHARACTERS_RE.search(text) and "\r" not in text
            and "_x" not in text  # "_x0041_" is an escape in a workbook: openpyxl does not escape it, readers decode it
            and not any(0xD800 <= ord(c) <= 0xDFFF or c in "\ufffe\uffff" for c in text))


def _storable_value(value: object) -> bool:
    return not isinstance(value, str) or _storable(value)


SLOW_VALUE = st.one_of(
    st.sampled_from(NOTABLE),
    st.text(max_size=30).filter(_storable),
    _text_around(_numberish()),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    st.times().map(lambda t: t.replace(microsecond=0)),
)


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict[str, Path]:
    """The valid filling of each template as a real workbook (city: computed items left blank)."""
    folder = tmp_path_factory.mktemp("fuzz")
    scores = {s: {c: v for c, v in values.items() if not CITY.item_by_code[c].computed}
              for s, values in full_scores(CITY).items()}
    return {STAR.id: filled(folder / "star.xlsx", STAR),
            CITY.id: filled(folder / "city.xlsx", CITY, form=city_form(), scores=scores)}


def same_cell(written: object, read: object) -> bool:
    """What a workbook gives back for what was written: numbers as floats, a number in a date cell as a date."""
    if written is None or written == "":
        return read == ""
    if isinstance(written, str) and not written.strip():  # a text node of spaces only may be dropped or trimmed
        return isinstance(read, str) and not read.strip()
    if isinstance(written, (str, bool)):
        return read == written and type(read) is type(written)
    if isinstance(written, (int, float)):  # openpyxl writes 16 significant digits
        if isinstance(read, (dt.date, dt.datetime, dt.time, dt.timedelta)):  # a number in a date-formatted cell
            return True
        if isinstance(read, float) and math.isinf(read) and abs(float(written)) > 1e307:
            return True  # openpyxl's 16 significant digits round the largest doubles up to infinity
        return math.isclose(read, float(written), rel_tol=1e-15)
    if isinstance(written, dt.datetime):
        return read == written or read == written.date()
    return read == written


def run_slow(rubric: Rubric, values: dict[Target, object], base: Path, folder: Path) -> None:
    wb = openpyxl.load_workbook(base)
    for t, v in values.items():
        sheet, a1 = t.where(rubric)
        cell = wb[sheet][a1]
        cell.value = v
        if isinstance(v, str):
            cell.data_type = "s"  # as typed after an apostrophe: "=1+1" stays text
    path = folder / "fuzz.xlsx"
    wb.save(path)
    result = process_file(path, rubric, last_stage(rubric), EVAL_DATE, cap=10_000)
    log = IssueLog(path.name)
    raw = read_workbook(path, rubric, log, last_stage(rubric))
    if raw is None and _date_out_of_range(rubric, values):
        # python-calamine panics on a number far outside the date range in a date-formatted cell:
        # the file gets one clear FILE_CORRUPT and the run goes on (no crash)
        assert [i.code for i in result.issues] == ["FILE_CORRUPT"] and result.card is None
        return
    assert raw is not None and not log.items
    for t, v in values.items():
        assert same_cell(v, value_at(raw, t)), (t, v, value_at(raw, t))
    issues = IssueLog(path.name, cap=10_000, items=list(result.issues))
    check_filling(rubric, raw, list(values), issues, result.submission)
    assert (result.card is not None) == (not issues.has_errors)


def _date_out_of_range(rubric: Rubric, values: dict[Target, object]) -> bool:
    dates = {f.key for f in rubric.form if f.type == "date"}
    return any(t.kind == "field" and t.key in dates and isinstance(v, (int, float)) and not isinstance(v, bool)
               and not -693594 <= v <= 2958465 for t, v in values.items())


SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])


@SLOW
@given(values=fillings(STAR, slow=True))
def test_star_cells_in_a_real_workbook(bases, tmp_path, values):
    run_slow(STAR, values, bases[STAR.id], tmp_path)


@SLOW
@given(values=fillings(CITY, slow=True))
def test_city_cells_in_a_real_workbook(bases, tmp_path, values):
    run_slow(CITY, values, bases[CITY.id], tmp_path)


# ---- the spec, pinned on values found while fuzzing -------------------------------------------------

def test_found_while_fuzzing():
    """Each was a crash or a wrong reading before it was fixed (normalize.py, validate.py)."""
    cell = Target("score", "2-03", "city")
    run_fast(STAR, {cell: 1e308})  # snap() overflowed Decimal precision: InvalidOperation
    run_fast(STAR, {cell: "9" * 40})
    run_fast(STAR, {cell: -1e30})
    run_fast(STAR, {Target("score", "3-07", "self"): math.nan})  # the fast path for clean scores compared NaN
    run_fast(STAR, {Target("field", "name"): "\u2003"})  # an em space alone was a name
    run_fast(STAR, {Target("field", "filing_date"): "202411"})  # was 2024-01-01 (%Y%m%d is lenient)
    run_fast(STAR, {Target("field", "filing_date"): "2024315"})
    for target, value in [(cell, 1e308), (cell, math.nan), (Target("field", "name"), "\u2003"),
                          (Target("field", "filing_date"), "202411")]:
        assert expect(STAR, target, value, baseline(STAR)) is REJECT


def test_not_applicable_follows_the_form():
    """1-05 供餐资质 is 不适用 exactly when 供餐方式 is 不供餐 (its na_when); the spec reads the drawn form."""
    meals, veto = Target("field", "meals"), Target("score", "1-05", "city")
    run_fast(STAR, {veto: "N/A"})  # 自行加工 in the baseline: rejected at the score cell
    assert expect(STAR, veto, "N/A", baseline(STAR)) is REJECT
    run_fast(STAR, {meals: "不供餐"})  # 1-05 left 符合: rejected at the (undrawn) score cell
    run_fast(STAR, {meals: " 不供餐 ", veto: "不适用"})
    raw = baseline(STAR)
    put(raw, meals, "不供餐")
    assert expect(STAR, veto, "／", raw) == NOT_APPLICABLE and expect(STAR, veto, "符合", raw) is REJECT
    assert expect(STAR, Target("score", "1-05", "self"), "符合", raw) == "符合"  # an earlier stage is only compared
