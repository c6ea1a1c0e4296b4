"""Cell values as people really type them → typed values, a warning, or an error code."""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal

import pytest

from tuoyu_excel.intake.normalize import (
    WARNING_CODES,
    parse_choice,
    parse_code,
    parse_count,
    parse_date,
    parse_number,
    parse_pass_fail,
    parse_phone,
    parse_score,
    parse_text,
    parse_yes_no,
    snap,
    squeeze,
)
from tuoyu_excel.text import SPACES, strip_spaces

D = Decimal


@pytest.mark.parametrize(("typed", "value", "code"), [
    # clean numbers, as calamine returns them
    (8, D(8), ""),
    (8.0, D(8), ""),
    (8.5, D("8.5"), ""),
    (0, D(0), ""),
    # numbers stored as text: accepted with a warning
    ("8", D(8), "SCORE_TEXT_NUMBER"),
    (" 8.5 ", D("8.5"), "SCORE_TEXT_NUMBER"),
    ("\u00a08\u00a0", D(8), "SCORE_TEXT_NUMBER"),  # NBSP copied from a web page
    ("\u30008.5\u3000", D("8.5"), "SCORE_TEXT_NUMBER"),  # ideographic space
    ("８.５", D("8.5"), "SCORE_TEXT_NUMBER"),  # full-width digits, half-width point
    ("８．５", D("8.5"), "SCORE_TEXT_NUMBER"),  # full-width digits and point
    ("1 0", D(10), "SCORE_TEXT_NUMBER"),  # a space inside
    # a unit after the number: accepted with a warning
    ("8分", D(8), "SCORE_WITH_UNIT"),
    ("8.5 分", D("8.5"), "SCORE_WITH_UNIT"),
    ("８分", D(8), "SCORE_WITH_UNIT"),
    # ambiguous: errors
    ("八", None, "SCORE_NOT_NUMBER"),
    ("八分", None, "SCORE_NOT_NUMBER"),
    ("8-9", None, "SCORE_NOT_NUMBER"),
    ("8~9", None, "SCORE_NOT_NUMBER"),
    ("约8", None, "SCORE_NOT_NUMBER"),
    ("80%", None, "SCORE_NOT_NUMBER"),
    ("1e3", None, "SCORE_NOT_NUMBER"),
    (True, None, "SCORE_NOT_NUMBER"),  # bool is an int in Python: never a score
    (float("nan"), None, "SCORE_NOT_NUMBER"),
    ("#REF!", None, "SCORE_FORMULA_ERROR"),
    ("#div/0!", None, "SCORE_FORMULA_ERROR"),
    ("#N/A", None, "SCORE_FORMULA_ERROR"),
    (dt.date(2024, 3, 8), None, "SCORE_IS_DATE"),
    (dt.datetime(2024, 3, 8, 0, 0), None, "SCORE_IS_DATE"),
    (dt.time(8, 30), None, "SCORE_IS_DATE"),
    # blank
    ("", None, ""),
    ("  \u00a0 ", None, ""),
    (None, None, ""),
])
def test_parse_number(typed, value, code):
    parsed = parse_number(typed)
    assert (parsed.value, parsed.code) == (value, code)
    assert parsed.ok == (not code or code in WARNING_CODES)


def test_text_number_warning_carries_what_was_found_and_used():
    parsed = parse_number("８.５")
    assert parsed.context == {"found": "８.５", "value": D("8.5")}


@pytest.mark.parametrize("typed", ["不适用", " 不适用 ", "/", "／", "N/A", "n/a"])
def test_parse_score_not_applicable(typed):
    assert parse_score(typed, allow_na=True).value == "不适用"


@pytest.mark.parametrize(("value", "step", "expected"), [
    (D("8.499999999"), D("0.5"), D("8.5")),  # a float artefact is put back on the grid
    (D("7.0000000001"), D("0.5"), D(7)),
    (D("0.30000000000000004"), D("0.1"), D("0.3")),
    (D("8.3"), D("0.5"), D("8.3")),  # a real off-grid value is left for validation to reject
    (D("8.5"), D("0.5"), D("8.5")),
    (D(20), D("0.5"), D(20)),
])
def test_snap_rounds_float_artefacts_only(value, step, expected):
    snapped = snap(value, step)
    assert snapped == expected
    assert str(snapped) == str(expected)  # no "20.0" for a value that was already on the grid


@pytest.mark.parametrize(("typed", "value", "code"), [
    ("符合", "符合", ""),
    (" 符合\u00a0", "符合", ""),
    ("√", "符合", ""),
    ("不符合", "不符合", ""),
    ("×", "不符合", ""),
    ("不适用", "不适用", ""),
    ("基本符合", None, "VETO_VALUE"),
    (1, None, "VETO_VALUE"),
    ("#REF!", None, "SCORE_FORMULA_ERROR"),
    ("", None, ""),
])
def test_parse_pass_fail(typed, value, code):
    parsed = parse_pass_fail(typed)
    assert (parsed.value, parsed.code) == (value, code)


@pytest.mark.parametrize(("typed", "value", "code"), [
    ("是", "是", ""), (" 否 ", "否", ""), ("有", "是", ""), ("无", "否", ""),
    ("不确定", None, "FIELD_CHOICE"), ("", None, ""),
])
def test_parse_yes_no(typed, value, code):
    parsed = parse_yes_no(typed)
    assert (parsed.value, parsed.code) == (value, code)


def test_parse_choice_ignores_spaces_and_width():
    districts = ("城中区", "融水苗族自治县")
    assert parse_choice(" 城中区\u00a0", districts).value == "城中区"
    assert parse_choice("融水 苗族自治县", districts).value == "融水苗族自治县"
    assert parse_choice("柳州市", districts).code == "FIELD_CHOICE"


@pytest.mark.parametrize(("typed", "value", "code"), [
    (dt.date(2023, 5, 6), dt.date(2023, 5, 6), ""),
    (dt.datetime(2023, 5, 6, 0, 0), dt.date(2023, 5, 6), ""),
    ("2023-05-06", dt.date(2023, 5, 6), ""),
    ("2023/5/6", dt.date(2023, 5, 6), ""),
    ("2023.5.6", dt.date(2023, 5, 6), ""),
    ("2023年5月6日", dt.date(2023, 5, 6), ""),
    ("２０２３年５月６日", dt.date(2023, 5, 6), ""),
    ("20230506", dt.date(2023, 5, 6), ""),
    ("2023-02-30", None, "FIELD_DATE"),  # not a real day
    ("2023年", None, "FIELD_DATE"),
    ("去年五月", None, "FIELD_DATE"),
    (45000, None, "FIELD_DATE"),  # a bare serial number: the cell lost its date format
    ("", None, ""),
])
def test_parse_date(typed, value, code):
    parsed = parse_date(typed)
    assert (parsed.value, parsed.code) == (value, code)


@pytest.mark.parametrize(("typed", "integer", "value", "code"), [
    (60, True, D(60), ""),
    (60.0, True, D(60), ""),
    ("60", True, D(60), "FIELD_TEXT_NUMBER"),
    ("60人", True, D(60), "FIELD_TEXT_NUMBER"),
    ("６０", True, D(60), "FIELD_TEXT_NUMBER"),
    (-1, True, None, "FIELD_INT"),
    (2.5, True, None, "FIELD_INT"),
    ("六十", True, None, "FIELD_INT"),
    (True, True, None, "FIELD_INT"),
    (1800.5, False, D("1800.5"), ""),
    ("1800元", False, D(1800), "FIELD_TEXT_NUMBER"),
    (-5, False, None, "FIELD_NUMBER"),
    ("", True, None, ""),
])
def test_parse_count(typed, integer, value, code):
    parsed = parse_count(typed, integer)
    assert (parsed.value, parsed.code) == (value, code)


def test_parse_code_folds_spaces_width_and_case():
    assert parse_code(" ９１４５０２００ma5ｋ00001x ").value == "91450200MA5K00001X"


@pytest.mark.parametrize(("typed", "code"), [
    ("0772-1234567", ""), ("138 0013 8000", ""), (13800138000.0, ""), ("（0772）1234567", ""),
    ("无", "FIELD_PHONE"), ("12", "FIELD_PHONE"),
])
def test_parse_phone(typed, code):
    assert parse_phone(typed).code == code


def test_parse_text_strips_every_kind_of_space():
    assert parse_text("\u3000柳州市阳光托育中心\u00a0").value == "柳州市阳光托育中心"
    assert parse_text(" \u00a0").blank
    assert parse_text(12.0).value == "12"


def test_squeeze():
    assert squeeze(" ８ . ５\u00a0分\u200b") == "8.5分"


def test_the_spaces_stripped_are_every_unicode_space():
    """strip_spaces strips SPACES with str.strip (C speed): exactly the characters a regex's \\s takes, in
    the whole Unicode range (computed up to U+3000 at import), plus zero-width space and BOM."""
    space = re.compile(r"[\s\u200b\ufeff]")
    assert {chr(c) for c in range(sys.maxunicode + 1) if space.fullmatch(chr(c))} == set(SPACES)
    assert strip_spaces("\u3000\u00a0 柳州\u200b 托育 \ufeff\t") == "柳州\u200b 托育"
