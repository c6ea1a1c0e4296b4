"""Exceptions: the "cannot continue" channel.

Problems in the *data* (a cell out of range, a missing field) are never raised:
they are collected as issues (see ``issues.py``). Exceptions are for a broken
rubric file, an unreadable workbook, an output that cannot be written.
Each class also inherits the matching builtin so callers may catch either.
"""


class TuoyuError(Exception):
    """Base of every error this package raises on purpose; its text is Chinese."""


class RubricError(TuoyuError, ValueError):
    """A rubric file is broken: the *spec* is wrong, not the data."""

    def __init__(self, source: str, key: str, message: str):
        self.source = source
        self.key = key
        self.message = message
        super().__init__(f"规则文件 {source} 的 {key}：{message}")


class WorkbookError(TuoyuError, OSError):
    """A workbook cannot be opened or is not one of ours."""


class OutputError(TuoyuError, OSError):
    """An output file cannot be written."""
