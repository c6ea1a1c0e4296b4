"""统一社会信用代码 (GB 32100-2015) check character and problem phrases."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuoyu_excel.intake.credit_code import (
    CHARSET,
    credit_code_problem,
    make_credit_code,
    org_code_check,
    random_credit_code,
)

# Published codes on business licences and public registers; their GB 11714 organisation
# codes (characters 9–17) are checked as well, an independent check on the transcription.
REAL_CODES = [
    "91350100M000100Y43",
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "53640000MJX173680A",  # a 社会组织 (5 = 民政), check character a letter
]

bodies = st.text(alphabet=CHARSET, min_size=17, max_size=17)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert credit_code_problem(code) is None
    assert make_credit_code(code[:17]) == code
    assert org_code_check(code[8:16]) == code[16]


def test_lower_case_is_accepted() -> None:
    assert credit_code_problem("91350100m000100y43") is None


@pytest.mark.parametrize(("code", "phrase"), [
    ("91350100M000100Y4", "长度为 17 位，应为 18 位"),
    ("91350100M000100Y433", "长度为 19 位，应为 18 位"),
    ("", "长度为 0 位，应为 18 位"),
    ("91350100M000100I43", "第 16 位含有不允许的字符“I”"),
    ("9135O100M000100Y43", "第 5 位含有不允许的字符“O”"),
    ("91350100-M000100Y4", "第 9 位含有不允许的字符“-”"),
    ("91350100M000100Y4３", "第 18 位含有不允许的字符“３”"),  # full-width: the caller normalises, not us
    ("91350100M000100Y44", "校验位应为 3，现为 4"),
    ("91440300708461136Y", "校验位应为 T，现为 Y"),
])
def test_problem_phrases(code: str, phrase: str) -> None:
    assert credit_code_problem(code) == phrase


def test_check_value_31_is_written_as_0() -> None:
    # a body whose weighted sum is a multiple of 31 gets "0", not CHARSET[31] (out of range)
    assert make_credit_code("0" * 17) == "0" * 18


def test_make_credit_code_rejects_a_bad_body() -> None:
    for body in ["9135010000000000", "91350100M000100I4", "91350100M000100Y43"]:
        with pytest.raises(ValueError):
            make_credit_code(body)


def test_random_codes_are_valid_and_from_liuzhou() -> None:
    rng = random.Random(42)
    codes = [random_credit_code(rng) for _ in range(500)]
    assert all(credit_code_problem(c) is None for c in codes)
    assert all(c[0] == "9" and c[1] in "123" and c[2:6] == "4502" for c in codes)
    assert all(org_code_check(c[8:16]) == c[16] for c in codes)
    assert len(set(codes)) == len(codes)
    assert random_credit_code(random.Random(42)) == codes[0]  # deterministic for a seed


@given(bodies)
def test_made_codes_are_valid(body: str) -> None:
    assert credit_code_problem(make_credit_code(body)) is None


@given(bodies, st.integers(0, 17), st.sampled_from(CHARSET))
def test_changing_one_character_makes_a_code_invalid(body: str, pos: int, ch: str) -> None:
    code = make_credit_code(body)
    changed = code[:pos] + ch + code[pos + 1:]
    if changed != code:
        assert credit_code_problem(changed) is not None


@given(bodies, st.integers(0, 15))
def test_swapping_two_adjacent_different_characters_makes_a_code_invalid(body: str, pos: int) -> None:
    code = make_credit_code(body)
    swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2:]
    if swapped != code:
        assert credit_code_problem(swapped) is not None
