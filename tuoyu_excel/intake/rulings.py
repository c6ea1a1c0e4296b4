"""The commission's rulings on ties (待裁定), as read from a decisions workbook's 待裁定 sheet.

《柳州市托育机构星级评定工作方案》三（四）/（五）: the city commission “评选出一星级、二星级、三星级机构”
and publishes them; a tie the rank bands cannot settle is theirs to decide (core/star/ranking.py).

The sheet is written by ``render/star/rulings_sheet.py``, read by the one decision-sheet reader
(``intake/decisions.py``, which also finds the problems within a row: a star without its basis, a
basis without a star); here its rows become ``Ruling``s. Whether a ruling fits this run's ties (its
star, the places, the scores) is decided by ``core/star/rulings.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tuoyu_excel.intake.decisions import DecisionRow, DecisionsRead
from tuoyu_excel.intake.normalize import parse_number
from tuoyu_excel.issues import Issue
from tuoyu_excel.layout.results import (
    R_CORE,
    R_NAME,
    R_RANK,
    R_SPAN,
    R_TOTAL,
    R_ZONE,
    RULINGS,
    RULINGS_SHEET,
    SPAN_SEP,
)


@dataclass(frozen=True)
class Ruling:
    """One filled row of a 待裁定 sheet: the tie it was written for, and the decision (if any)."""

    key: str  # 统一社会信用代码
    name: str
    zone: str
    rank: Decimal | None
    total: Decimal | None
    core: Decimal | None
    span: tuple[str, ...]  # 可裁定星级 as written
    star: str  # 裁定星级 as written (core checks it against the tie); "" = not ruled: stays 待裁定
    basis: str  # 裁定依据
    cells: dict[str, str] = field(default_factory=dict)  # header (layout/results.py) -> A1 cell


@dataclass(frozen=True)
class RulingsRead:
    """The rulings of a decisions workbook: its 待裁定 rows, the problems found in them, the file's name
    and the SHA-256 of the very bytes read (the results record both)."""

    rows: list[Ruling]
    issues: list[Issue]
    file: str
    sha256: str
    sheet: str = RULINGS_SHEET

    @property
    def ruled(self) -> list[Ruling]:
        return [r for r in self.rows if r.star]


def rulings_of(read: DecisionsRead) -> RulingsRead:
    """The 待裁定 rows of a decisions workbook (none when it has no such sheet: nothing was tied)."""
    sheet = read.sheet(RULINGS)
    rows = [_ruling(row) for row in sheet.rows] if sheet else []
    return RulingsRead(rows, read.issues_of(RULINGS), read.file, read.sha256)


def _ruling(row: DecisionRow) -> Ruling:
    span = tuple(s for s in row.text(R_SPAN).split(SPAN_SEP) if s)
    return Ruling(key=row.key, name=row.text(R_NAME), zone=row.text(R_ZONE), rank=_number(row.values[R_RANK]),
                  total=_number(row.values[R_TOTAL]), core=_number(row.values[R_CORE]), span=span,
                  star=row.decision, basis=row.basis, cells=row.cells)


def _number(value: object) -> Decimal | None:
    parsed = parse_number(value)
    return parsed.value if isinstance(parsed.value, Decimal) else None
