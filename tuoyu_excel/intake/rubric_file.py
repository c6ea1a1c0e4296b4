"""Find and load a rubric: a shipped name, a rubric text file (.toml) or a rubric workbook (规则.xlsx).

The one entry point every job uses, so the command line and the window accept the same rule files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tuoyu_excel.errors import RubricError
from tuoyu_excel.intake.rubric_book.read import is_rubric_workbook, rubric_problems_in, workbook_rubric
from tuoyu_excel.spec.load import SHIPPED, load_rubric_toml, shipped_path
from tuoyu_excel.spec.model import Rubric

__all__ = ["SHIPPED", "WORKBOOK_SUFFIXES", "check_rubric_workbook", "default_rubric", "is_rubric_workbook",
           "load_rubric", "read_rubric_workbook", "workbook_problems"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def load_rubric(name_or_path: str | Path) -> Rubric:
    """Load a shipped rubric by name (``liuzhou_star``) or any rubric file by path."""
    text = str(name_or_path)
    if text in SHIPPED:
        return _shipped(text)
    path = Path(text)
    if not path.is_file():
        raise RubricError(text, "文件", f"找不到规则文件。可用的内置规则：{'、'.join(SHIPPED)}")
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return read_rubric_workbook(path)
    return load_rubric_toml(path)


@cache
def _shipped(name: str) -> Rubric:
    """A shipped rubric, parsed and checked once per process (a Rubric is frozen: sharing it is safe)."""
    return load_rubric_toml(shipped_path(name))


def default_rubric(kind: str) -> Rubric:
    """The shipped rubric of a kind (the first by name when several ship)."""
    for name in SHIPPED:
        rubric = load_rubric(name)
        if rubric.kind == kind:
            return rubric
    raise RubricError(kind, "kind", "没有这一类的内置规则")


def read_rubric_workbook(path: Path) -> Rubric:
    """The rubric in a 规则.xlsx; the first problem raises ``RubricError`` keyed “评分项!F12”."""
    return workbook_rubric(Path(path))


def workbook_problems(path: Path) -> list[RubricError]:
    """Every problem of a 规则.xlsx as ``RubricError`` records (key = sheet!cell); [] when it is sound."""
    return rubric_problems_in(Path(path))


def check_rubric_workbook(path: Path) -> list[str]:
    """Every problem of a 规则.xlsx as “评分项!F12：message” lines; [] when it is sound."""
    return [f"{p.key}：{p.message}" for p in workbook_problems(path)]
