"""Turn cell values as people really type them into typed values, or say why not.

Each parser returns a ``Parsed`` (value, plus an issue code and context when the
value was accepted with a warning or rejected). Nothing here knows workbooks:
the caller turns codes into located issues.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from tuoyu_excel.spec.model import FAIL, NO, NOT_APPLICABLE, PASS, YES
from tuoyu_excel.text import date_from_text, strip_spaces

EXCEL_ERRORS = ("#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_NUMBER_WITH_UNIT = re.compile(r"([+-]?\d+(?:\.\d+)?)(分|个|人|家|元|元/月|名|所|户)")
_NA_WORDS = {NOT_APPLICABLE, "不适用。", "N/A", "NA", "n/a", "/", "／"}
_FLOAT_TOLERANCE = Decimal("1e-6")
_SNAP_LIMIT = Decimal(10) ** 15  # beyond any score; quantizing larger values would overflow Decimal's precision


class Parsed(NamedTuple):  # a tuple: one is made for every cell read, and a tuple is made fastest
    value: object = None  # Decimal, str (符合/不符合/不适用/是/否/choice/text), date, or None when blank
    code: str = ""  # issue code when warned or rejected
    context: Mapping[str, object] = MappingProxyType({})  # read-only: the default is shared

    @property
    def ok(self) -> bool:
        return not self.code or self.code in WARNING_CODES

    @property
    def blank(self) -> bool:
        return self.value is None and not self.code


WARNING_CODES = {"SCORE_TEXT_NUMBER", "SCORE_WITH_UNIT", "FIELD_TEXT_NUMBER", "FIELD_PHONE"}
BLANK = Parsed()


def squeeze(text: str) -> str:
    """Full-width → half-width, and no spaces of any kind (incl. NBSP and ideographic)."""
    s = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in s if not ch.isspace() and ch not in "\u200b\ufeff")


def snap(value: Decimal, step: Decimal) -> Decimal:
    """Round float artefacts (8.499999999 → 8.5) onto the item's step; leave real values alone."""
    if abs(value) >= _SNAP_LIMIT:  # a huge number (1E+308): nothing to snap, validation rejects it
        return value
    nearest = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    if nearest == value or abs(nearest - value) > _FLOAT_TOLERANCE:
        return value  # on the grid already (keep 20, not 20.0), or really off it: validation decides
    return nearest.to_integral_value() if nearest == nearest.to_integral_value() else nearest


@lru_cache(maxsize=4096)
def decimal_of_number(value: int | float) -> Decimal:
    """Shared Decimal objects for the few values scores take (a folder repeats 10, 8.5, 0 … millions of times)."""
    if isinstance(value, float):
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    return Decimal(value)


def parse_number(value: object) -> Parsed:
    """A non-negative or negative number as typed; text numbers and "8分" parse with a warning."""
    if value is None or (isinstance(value, str) and not squeeze(value)):
        return BLANK
    if isinstance(value, bool):
        return Parsed(code="SCORE_NOT_NUMBER", context={"found": "TRUE" if value else "FALSE"})
    if isinstance(value, int):
        return Parsed(decimal_of_number(value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return Parsed(code="SCORE_NOT_NUMBER", context={"found": value})
        return Parsed(decimal_of_number(value))
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return Parsed(code="SCORE_IS_DATE", context={"found": value})
    text = squeeze(str(value))
    if text.upper() in EXCEL_ERRORS:
        return Parsed(code="SCORE_FORMULA_ERROR", context={"found": text})
    if _NUMBER.fullmatch(text):
        number = _to_decimal(text)
        if number is not None:
            return Parsed(number, "SCORE_TEXT_NUMBER", {"found": value, "value": number})
    match = _NUMBER_WITH_UNIT.fullmatch(text)
    if match:
        number = _to_decimal(match.group(1))
        if number is not None:
            return Parsed(number, "SCORE_WITH_UNIT", {"found": value, "value": number})
    return Parsed(code="SCORE_NOT_NUMBER", context={"found": value})


def _to_decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_score(value: object, allow_na: bool) -> Parsed:
    """A score cell: a number, or 不适用 (checked against the item by the caller)."""
    if isinstance(value, str) and squeeze(value) in _NA_WORDS:
        return Parsed(NOT_APPLICABLE)
    return parse_number(value)


def parse_pass_fail(value: object) -> Parsed:
    """A 必备条件 cell: 符合 / 不符合 / 不适用 (also common variants: √ ×)."""
    if value is None or (isinstance(value, str) and not squeeze(value)):
        return BLANK
    text = squeeze(str(value))
    if text.upper() in EXCEL_ERRORS:
        return Parsed(code="SCORE_FORMULA_ERROR", context={"found": text})
    mapping = {PASS: PASS, "√": PASS, "✓": PASS, "是": PASS, FAIL: FAIL, "×": FAIL, "✗": FAIL, "否": FAIL}
    if text in mapping:
        return Parsed(mapping[text])
    if text in _NA_WORDS:
        return Parsed(NOT_APPLICABLE)
    return Parsed(code="VETO_VALUE", context={"found": value})


def parse_yes_no(value: object) -> Parsed:
    if value is None or (isinstance(value, str) and not squeeze(value)):
        return BLANK
    text = squeeze(str(value))
    mapping = {YES: YES, "有": YES, "√": YES, NO: NO, "无": NO, "没有": NO, "×": NO}
    if text in mapping:
        return Parsed(mapping[text])
    return Parsed(code="FIELD_CHOICE", context={"found": value, "expected": "是、否"})


def parse_choice(value: object, choices: tuple[str, ...]) -> Parsed:
    if value is None or (isinstance(value, str) and not squeeze(value)):
        return BLANK
    text = squeeze(str(value))
    for choice in choices:
        if squeeze(choice) == text:
            return Parsed(choice)
    return Parsed(code="FIELD_CHOICE", context={"found": value, "expected": "、".join(choices)})


def parse_date(value: object) -> Parsed:
    if value is None or (isinstance(value, str) and not squeeze(value)):
        return BLANK
    if isinstance(value, dt.datetime):
        return Parsed(value.date())
    if isinstance(value, dt.date):
        return Parsed(value)
    if isinstance(value, str):
        found = date_from_text(squeeze(value))
        if found is not None:
            return Parsed(found)
    return Parsed(code="FIELD_DATE", context={"found": value})


def parse_count(value: object, integer: bool) -> Parsed:
    """A count (非负整数) or an amount (非负数字)."""
    code = "FIELD_INT" if integer else "FIELD_NUMBER"
    parsed = parse_number(value)
    if parsed.blank:
        return parsed
    if parsed.value is None or not isinstance(parsed.value, Decimal):
        return Parsed(code=code, context={"found": value})
    number = parsed.value
    if number < 0 or (integer and number != number.to_integral_value()):
        return Parsed(code=code, context={"found": value})
    if integer:
        number = Decimal(int(number))
    if parsed.code:  # text number or number with a unit: accepted with a warning
        return Parsed(number, "FIELD_TEXT_NUMBER", {"found": value, "value": number})
    return Parsed(number)


def parse_text(value: object) -> Parsed:
    if value is None:
        return BLANK
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()
    text = strip_spaces(str(value))
    return Parsed(text) if text else BLANK


def parse_code(value: object) -> Parsed:
    """统一社会信用代码: spaces removed, full-width and lower-case letters folded."""
    parsed = parse_text(value)
    return Parsed(squeeze(parsed.value).upper()) if parsed.value else parsed


def parse_phone(value: object) -> Parsed:
    parsed = parse_text(value)
    if not parsed.value:
        return parsed
    digits = re.sub(r"[\s\-()（）+—－]", "", squeeze(parsed.value))
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        return Parsed(parsed.value, "FIELD_PHONE", {"found": value})
    return parsed
