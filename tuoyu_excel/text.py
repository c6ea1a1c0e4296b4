"""Text as people type it into cells: spaces of any kind trimmed, labels folded for matching.

The lowest layer: the rubric-workbook layout, the readers and the validators all match labels the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_EDGE_SPACE = re.compile(r"\A[\s\u200b\ufeff]+|[\s\u200b\ufeff]+\Z")  # any Unicode space, zero-width, BOM


def strip_spaces(text: str) -> str:
    """Without spaces of any kind (incl. NBSP, ideographic, em, zero-width) at either end."""
    return _EDGE_SPACE.sub("", text)


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
