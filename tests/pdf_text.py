"""Read a PDF that LibreOffice printed, as a person would look at it: the words on each page with their boxes
(poppler's ``pdftotext -bbox``), and the size the text comes out at on paper.

    pages = read_pages(pdf)            # [Page(number, text, words), ...]
    printed_size(word)                 # points, for a word of Chinese characters; None otherwise

The printed size of a word of Chinese characters is its width divided by its characters: every CJK
ideograph is one em wide (Noto Sans CJK, 宋体, 微软雅黑 alike), so the width tells the size the glyphs were
drawn at, after whatever scale the sheet's page setup (fit to width, a print scale) made the program apply.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_IDEOGRAPHS = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, in the PDF
    text: str  # the page's text in drawing order (pdftotext -raw), a cell's wrapped lines one after another
    words: tuple[Word, ...]

    @property
    def flat(self) -> str:
        """The text without any white space: a header wrapped over two lines reads whole."""
        return re.sub(r"\s+", "", self.text)


def read_pages(pdf: Path) -> list[Page]:
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    texts = raw.split("\f")
    pages = []
    for n, body in enumerate(_PAGE.findall(boxes)):
        words = tuple(Word(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(body))
        pages.append(Page(n + 1, texts[n] if n < len(texts) else "", words))
    return pages


def printed_size(word: Word) -> float | None:
    """The point size a word made only of Chinese characters is printed at (its width over its count)."""
    if not _IDEOGRAPHS.fullmatch(word.text) or word.x1 - word.x0 <= word.y1 - word.y0:
        return None  # not Chinese, or set vertically (a chart's axis title): its width is not its advance
    return (word.x1 - word.x0) / len(word.text)


def overlapping(words: tuple[Word, ...], share: float = 0.3) -> list[tuple[Word, Word]]:
    """Pairs of words printed over each other: their boxes share more than `share` of the smaller one
    (text overflowing into the next row or cell, one cell's text written over another's)."""
    found = []
    ordered = sorted(words, key=lambda w: w.y0)
    for n, a in enumerate(ordered):
        for b in ordered[n + 1:]:
            if b.y0 >= a.y1:
                break
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if w <= 0 or h <= 0:
                continue
            smaller = min((a.x1 - a.x0) * (a.y1 - a.y0), (b.x1 - b.x0) * (b.y1 - b.y0))
            if smaller > 0 and w * h > share * smaller:
                found.append((a, b))
    return found
