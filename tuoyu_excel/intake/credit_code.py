"""统一社会信用代码 (GB 32100-2015): check a code, make valid ones for tests and samples.

A code is 18 characters over a 31-character set (no I, O, Z, S, V):
1 registering authority, 1 organisation type, 6 行政区划码, 9 主体标识码 (the old
GB 11714 organisation code, itself ending in a check character) and 1 check character:
check = 31 - (Σ value(c_i)·w_i mod 31), with 31 written as 0.
The caller normalises (strips spaces, full-width → half-width); this module only checks.
"""

from __future__ import annotations

import random

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18

# 柳州市 and its districts/counties (GB/T 2260), for realistic sample codes
LIUZHOU_REGIONS = ("450200", "450202", "450203", "450204", "450205", "450206",
                   "450222", "450223", "450224", "450225", "450226")

# GB 11714-1997 organisation code: 8 characters + 1 check character, full A–Z alphabet
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_char(body17: str) -> str:
    """The GB 32100 check character of a 17-character body over CHARSET."""
    total = sum(CHARSET.index(c) * w for c, w in zip(body17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """A short Chinese phrase saying what is wrong with ``code`` (shown after the code), or None if valid."""
    code = code.upper()
    for pos, ch in enumerate(code, start=1):
        if ch not in CHARSET:
            return f"第 {pos} 位含有不允许的字符“{ch}”"
    if len(code) != LENGTH:
        return f"长度为 {len(code)} 位，应为 {LENGTH} 位"
    expected = check_char(code[:-1])
    if code[-1] != expected:
        return f"校验位应为 {expected}，现为 {code[-1]}"
    return None


def make_credit_code(body17: str) -> str:
    """``body17`` with its check character appended."""
    body17 = body17.upper()
    if len(body17) != LENGTH - 1 or any(c not in CHARSET for c in body17):
        raise ValueError(f"not a 17-character body over the credit-code charset: {body17!r}")
    return body17 + check_char(body17)


def org_code_check(body8: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def random_credit_code(rng: random.Random) -> str:
    """A valid, realistic code registered in 柳州: 9 (市场监管) + 1/2/3 + 4502xx + organisation code + check."""
    kind = rng.choice("123")
    region = rng.choice(LIUZHOU_REGIONS)
    if rng.random() < 0.5:  # issued since 2015: "MA" + 6 characters
        org8 = "MA" + "".join(rng.choice(CHARSET) for _ in range(6))
    else:  # an older, all-digit organisation code
        org8 = "".join(rng.choice("0123456789") for _ in range(8))
    return make_credit_code("9" + kind + region + org8 + org_code_check(org8))
