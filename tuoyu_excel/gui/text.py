"""Line breaking for Chinese text, measured by the caller's font (no tkinter here, so it is tested alone).

Tk wraps at spaces only, so “有 2 家机构” breaks as “有 2 / 家机构” and a file name longer than the
line is cut anywhere (“xls / x”). Here a line breaks between two Chinese characters, or at a space
between two non-Chinese words; never inside a run of letters, digits or path characters, never at a
space that touches a Chinese character, and never before closing punctuation (“，。）” stay at the
line's end). A wrapped line keeps its leading indent on its continuation lines.
"""

from __future__ import annotations

from collections.abc import Callable

CLOSING = set("，。、；：？！）》】」』”’%…·,.;:!?)]}")  # never first on a line
OPENING = set("（《【「『“‘([{")  # never last on a line


def is_cjk(ch: str) -> bool:
    """A Chinese character or full-width punctuation: a line may break before or after it."""
    code = ord(ch)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
            or 0x3000 <= code <= 0x303F or ch in "“”‘’…")


def units(text: str) -> list[str]:
    """The text cut into pieces that are never split: one Chinese character (with the closing
    punctuation after it and the opening punctuation before it), or a run of other characters (a
    space touching a Chinese character is glued into the run; a space between two words stays alone,
    as the place to break)."""
    pieces: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == " " and _breakable_space(text, i):
            pieces.append(" ")
            i += 1
            continue
        j = i + 1
        if not is_cjk(ch):
            while j < len(text) and not is_cjk(text[j]) and not (text[j] == " " and _breakable_space(text, j)):
                j += 1
        pieces.append(text[i:j])
        i = j
    return _glue_punctuation(pieces)


def _breakable_space(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return bool(before and after) and not is_cjk(before) and not is_cjk(after) and before != " "


def _glue_punctuation(pieces: list[str]) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        glued_space = (piece[0] == " " and piece != " ") or (out and out[-1][-1] == " " and out[-1] != " ")
        if out and (piece[0] in CLOSING or out[-1][-1] in OPENING or glued_space):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def wrap(text: str, width: int, measure: Callable[[str], int]) -> list[str]:
    """`text` (one line) as display lines no wider than `width` where it can be helped; `measure`
    gives a string's width in the same unit. A piece wider than a whole line gets a line of its own."""
    indent = text[:len(text) - len(text.lstrip(" "))]
    lines: list[str] = []
    current = ""
    for piece in units(text[len(indent):]):
        candidate = current + piece
        if current and measure(indent + candidate.rstrip(" ")) > width:
            lines.append(indent + current.rstrip(" "))
            current = "" if piece == " " else piece
        else:
            current = candidate
    lines.append(indent + current.rstrip(" "))
    return lines


def wrap_all(text: str, width: int, measure: Callable[[str], int]) -> str:
    """Every line of `text` wrapped; the result joined with newlines."""
    return "\n".join(part for line in text.split("\n") for part in wrap(line, width, measure))
