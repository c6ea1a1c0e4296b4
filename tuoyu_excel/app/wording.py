"""How a summary line is weighed and worded, as data the command line and the window share.

Weight: a summary line is a plain ``str``; one that asks the official to act (``ACTION``: 待裁定, a
file with errors) or warns that a rule was not applied (``WARN``) is a ``Line``, still a ``str``
(the command line prints every line in its order), carrying its level, so the window can show those
first and in colour. Continuation lines of such a line carry the same level.

Wording: where a line says how to do something (use the rulings workbook, pick the history file,
check a rule workbook), the words depend on the shell that asked: a command-line flag, or the
window's field. ``run_job`` sets the shell for the run (``JobParams.shell``); ``hint`` words it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

ACTION = "action"  # the official has to do something before the results are final
WARN = "warn"  # a rule was not applied, or something was left out: worth knowing before using the results
LEVELS = (ACTION, WARN)

CLI = "cli"
WINDOW = "window"


class Line(str):
    """A summary line with a level (ACTION or WARN) and, for a status line, a few words saying what
    it is about (``short``: “有 2 家待裁定”); prints as the plain text."""

    level: str
    short: str

    def __new__(cls, text: str, level: str, short: str = "") -> Line:
        if level not in LEVELS:
            raise ValueError(f"unknown line level {level!r}")
        line = super().__new__(cls, text)
        line.level, line.short = level, short
        return line


def action(text: str, short: str = "") -> Line:
    return Line(text, ACTION, short)


def warn(text: str, short: str = "") -> Line:
    return Line(text, WARN, short)


def level_of(line: str) -> str:
    """ACTION, WARN, or "" for an ordinary line."""
    return getattr(line, "level", "")


def flagged(lines: list[str]) -> list[str]:
    """The lines that need action, then those that warn, each group in its order."""
    return [line for level in LEVELS for line in lines if level_of(line) == level]


def headline(lines: list[str]) -> str:
    """What the flagged lines are about, in a few words for a status line (“有 2 家待裁定；…”), or ""."""
    shorts = [getattr(line, "short", "") for line in flagged(lines)]
    return "；".join(dict.fromkeys(s for s in shorts if s))


# How each shell tells the official to do a thing. {file} and the like are filled by `hint`.
HINTS: dict[str, dict[str, str]] = {
    "rulings": {CLI: "保存后加 --rulings <该结果工作簿> 重新运行",
                WINDOW: "保存后在“决定工作簿（裁定/公示核查）”中选择该结果工作簿，再按“开始”"},
    "history_next_year": {CLI: "明年评定时用 --history 指定它",
                          WINDOW: "明年评定时在“历史评定记录（建议选上）”中选择它"},
    "history_missing": {CLI: "如有历史评定记录表，请用 --history 指定后重新运行",
                        WINDOW: "如有历史评定记录表，请在“历史评定记录（建议选上）”中选择后重新运行"},
    "notice_date": {CLI: "加 --notice-date <开始日期> 重新生成", WINDOW: "填写“公示开始日期”后重新生成"},
    "notice_end": {CLI: "需要时用 --notice-end 指定结束日期", WINDOW: "需要时填写“公示结束日期”"},
    "name": {CLI: "保存后加 --rulings <本结果工作簿> --name-date <命名日期> 运行",
             WINDOW: "保存后在“决定工作簿（裁定/公示核查）”中选择本结果工作簿、填写“命名日期”，再按“开始”"},
    "review_decisions": {CLI: "保存后加 --decisions <复审结果> --date <处理日期> 重新运行",
                         WINDOW: "保存后在“复审结果（填好处理决定后选）”中选择它、评定日期填处理日期，再按“开始”"},
    "other_task": {CLI: "请改用 tuoyu {command} 命令", WINDOW: "请用第 {step} 步“{title}”"},
    "rubric_check": {CLI: "在 Excel/WPS 中修改后，先检查：tuoyu rubric check {file}",
                     WINDOW: "在 Excel/WPS 中修改后，先检查：在本页“操作”中选“检查规则文件”，并选择该文件"},
    "rubric_use": {CLI: "使用时在各命令后加 --rubric {file}",
                   WINDOW: "使用时在各项工作的“规则文件”中选择该文件"},
}

_shell: ContextVar[str] = ContextVar("tuoyu_shell", default=CLI)


@contextmanager
def shell_words(shell: str) -> Iterator[None]:
    """Word the hints of the lines made inside for `shell` (CLI or WINDOW)."""
    if shell not in (CLI, WINDOW):
        raise ValueError(f"unknown shell {shell!r}")
    token = _shell.set(shell)
    try:
        yield
    finally:
        _shell.reset(token)


def in_window() -> bool:
    """True while a run asked by the window is wording its lines (rule ids and fingerprints stay out)."""
    return _shell.get() == WINDOW


def hint(key: str, **values: object) -> str:
    """How to do `key`, worded for the shell of the current run."""
    return HINTS[key][_shell.get()].format(**values)
