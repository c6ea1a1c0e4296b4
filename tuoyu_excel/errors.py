"""Exceptions: the "cannot continue" channel.

Problems in the *data* (a cell out of range, a missing field) are never raised:
they are collected as issues (see ``issues.py``). Exceptions are for a broken
rubric file, an unreadable workbook, an output that cannot be written.
Each class also inherits the matching builtin so callers may catch either.
"""


import errno


class TuoyuError(Exception):
    """Base of every error this package raises on purpose; its text is Chinese."""


class RubricError(TuoyuError, ValueError):
    """A rubric file is broken: the *spec* is wrong, not the data."""

    def __init__(self, source: str, key: str, message: str):
        self.source = source
        self.key = key
        self.message = message
        super().__init__(f"规则文件 {source} 的 {key}：{message}")

    def __reduce__(self):  # rebuilt from its three parts (it comes back from worker processes)
        return type(self), (self.source, self.key, self.message), self.__dict__


class WorkbookError(TuoyuError, OSError):
    """A workbook cannot be opened or is not one of ours."""


class OutputError(TuoyuError, OSError):
    """An output file cannot be written."""


_OS_REASONS = {  # errno -> what an official reads
    errno.ENOENT: "文件或文件夹不存在",
    errno.EEXIST: "文件已存在",
    errno.EACCES: "没有写入权限，或文件正被其他程序（如 Excel、WPS）打开",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.EISDIR: "同名的文件夹已存在",
    errno.EDQUOT: "磁盘配额已用完",
}
_WINDOWS_REASONS = {32: "文件正被其他程序（如 Excel、WPS）打开，请先关闭它", 33: "文件的一部分被其他程序锁定"}


def os_reason(exc: BaseException) -> str:
    """Why an operating-system call failed, in Chinese (never the system's English text alone)."""
    if not isinstance(exc, OSError):
        return str(exc) or type(exc).__name__
    windows = getattr(exc, "winerror", None)
    if windows in _WINDOWS_REASONS:
        return _WINDOWS_REASONS[windows]
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    return f"系统错误（{exc.strerror or exc}）"
