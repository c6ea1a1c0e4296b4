"""Text as people type it into cells: spaces of any kind trimmed, labels folded for matching.

The lowest layer: the rubric-workbook layout, the readers and the validators all match labels the same way.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

# every Unicode space (what str.isspace() and a regex's \s take: tests/test_normalize.py compares the whole
# range), zero-width space, BOM
SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
          "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\ufeff")


def strip_spaces(text: str) -> str:
    """Without spaces of any kind (incl. NBSP, ideographic, em, zero-width) at either end."""
    return text.strip(SPACES)


def fold(text: object) -> str:
    """Text folded for matching labels and codes: full-width → half-width, no spaces."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return _fold_str(str(text))


@lru_cache(maxsize=8192)
def _fold_str(text: str) -> str:
    """Cached: the same labels, headers and codes recur in every workbook of a folder."""
    s = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in s if not ch.isspace() and ch not in "\u200b\ufeff")


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
_COMPACT_DATE = re.compile(r"\d{8}")  # 20240315; not 202411 (a month), which %Y%m%d would read as 2024-01-01
DATE_EXAMPLE = "2026-11-22"


def date_from_text(text: str) -> dt.date | None:
    """A date as officials type it (2026-11-22, 2026/11/22, 2026.11.22, 2026年11月22日, 20261122), or None.
    The one parser for cells, command-line arguments and the window."""
    text = "".join(unicodedata.normalize("NFKC", text).split())
    formats = ("%Y%m%d",) if _COMPACT_DATE.fullmatch(text) else DATE_FORMATS
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def chinese_date(day: dt.date) -> str:
    """The one date style of everything printed: 2026年11月22日 (never 2026-11-22)."""
    return f"{day.year}年{day.month}月{day.day}日"


def display_name(name: str) -> str:
    """A file name as text anyone can show: names read from disk may hold bytes that are not UTF-8
    (a zip made on Chinese Windows, unpacked on Linux, leaves GBK bytes as surrogate escapes).
    Those bytes are read as GBK where they decode, else shown as \\xNN; a valid name is unchanged."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gbk")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")
