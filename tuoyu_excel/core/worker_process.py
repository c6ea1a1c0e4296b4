"""A worker process's own ground: how it caps its memory and silences a parser's last words, and how
it is started on Windows so that a worker dying at start-up cannot hang the supervisor.

Split from core/supervisor.py, which decides what runs where; this module knows the operating
systems (Linux's RLIMIT_AS, Windows's Job Objects and multiprocessing's spawn start-up pipe).
"""

from __future__ import annotations

import os
import sys

_MB = 1024 * 1024


def limit_memory(ceiling: int) -> bool:
    """Cap what this process may use at what it uses now plus `ceiling`: on Linux its address space
    (RLIMIT_AS), on Windows its committed memory (a Job Object). An allocation past the cap fails
    (MemoryError, or the parser aborts), and the supervisor reports that file. True when a cap is set."""
    if sys.platform == "win32":
        return _limit_windows(ceiling)
    try:
        import resource  # noqa: PLC0415 - POSIX only: absent on Windows
    except ImportError:
        return False
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = mapped + ceiling
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        return False  # no /proc, or a limit the system refuses: run without one
    return True


def _limit_windows(ceiling: int) -> bool:
    """This process alone in a Job Object whose per-process committed-memory limit is the current
    commit plus `ceiling` (JOB_OBJECT_LIMIT_PROCESS_MEMORY). False when Windows refuses it (then the
    time limit and the supervisor's restart remain the guard)."""
    import ctypes  # noqa: PLC0415 - Windows only, and only in worker processes
    from ctypes import wintypes  # noqa: PLC0415 - as above

    class BasicLimits(ctypes.Structure):  # JOBOBJECT_BASIC_LIMIT_INFORMATION
        _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                    ("LimitFlags", wintypes.DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t),
                    ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", wintypes.DWORD),
                    ("Affinity", ctypes.c_size_t), ("PriorityClass", wintypes.DWORD),
                    ("SchedulingClass", wintypes.DWORD)]

    class ExtendedLimits(ctypes.Structure):  # JOBOBJECT_EXTENDED_LIMIT_INFORMATION
        _fields_ = [("BasicLimitInformation", BasicLimits), ("IoInfo", ctypes.c_ulonglong * 6),
                    ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                    ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]

    class MemoryCounters(ctypes.Structure):  # PROCESS_MEMORY_COUNTERS
        _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD)] + [
            (name, ctypes.c_size_t) for name in ("PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
                                                 "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage",
                                                 "QuotaNonPagedPoolUsage", "PagefileUsage", "PeakPagefileUsage")]

    try:
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        kernel32.SetInformationJobObject.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.DWORD]
        kernel32.AssignProcessToJobObject.argtypes = [wintypes.HANDLE, wintypes.HANDLE]
        kernel32.K32GetProcessMemoryInfo.argtypes = [wintypes.HANDLE, ctypes.c_void_p, wintypes.DWORD]
        counters = MemoryCounters(cb=ctypes.sizeof(MemoryCounters))
        me = kernel32.GetCurrentProcess()
        committed = counters.PagefileUsage if kernel32.K32GetProcessMemoryInfo(
            me, ctypes.byref(counters), counters.cb) else 256 * _MB
        job = kernel32.CreateJobObjectW(None, None)
        if not job:
            return False
        limits = ExtendedLimits()
        limits.BasicLimitInformation.LimitFlags = 0x100  # JOB_OBJECT_LIMIT_PROCESS_MEMORY
        limits.ProcessMemoryLimit = committed + ceiling
        extended = 9  # JobObjectExtendedLimitInformation
        return bool(kernel32.SetInformationJobObject(job, extended, ctypes.byref(limits), ctypes.sizeof(limits))
                    and kernel32.AssignProcessToJobObject(job, me))
    except (OSError, AttributeError, ValueError):
        return False


def quiet_stderr() -> None:
    """A parser's last words (a Rust panic's backtrace) are not for the official: the supervisor says,
    in Chinese, what happened to the file. TUOYU_DEBUG=1 keeps them."""
    if os.environ.get("TUOYU_DEBUG"):
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except OSError:
        pass



# multiprocessing's spawn on Windows (popen_spawn_win32.Popen) writes the pickled start data (the
# process object: here with the rubric, tens of KB) into an anonymous pipe the new process reads at
# start-up, and it keeps that pipe's read end open itself (bpo-33929). A worker that dies before it
# has read everything (killed, crashed while loading) leaves the write blocked for ever: the
# supervisor hung in Process.start(), never back at its wait, so neither the death nor any time
# limit was seen (found under Wine, issue 26; the same on Windows). Here the start data is written
# by a helper thread, and when the process is gone before it is read, the pipe is drained so the
# write ends; the dead worker is then seen like any other.

if sys.platform == "win32":
    import _winapi  # noqa: PLC0415 - Windows only
    import io  # noqa: PLC0415 - Windows only, with the rest of the start-up code
    import msvcrt  # noqa: PLC0415 - Windows only
    import threading  # noqa: PLC0415 - Windows only, with the rest of the start-up code
    from multiprocessing import popen_spawn_win32, spawn, util  # noqa: PLC0415 - popen_spawn_win32 exists only on Windows
    from multiprocessing.context import SpawnProcess, reduction, set_spawning_popen  # noqa: PLC0415 - Windows only

    class _WindowsPopen(popen_spawn_win32.Popen):
        """popen_spawn_win32.Popen whose start never waits on a process that is gone."""

        def __init__(self, process_obj):  # noqa: PLW0231 - replaces the base __init__ (same steps)
            prep_data = spawn.get_preparation_data(process_obj._name)
            rhandle, whandle = _winapi.CreatePipe(None, 0)
            wfd = msvcrt.open_osfhandle(whandle, 0)
            cmd = spawn.get_command_line(parent_pid=os.getpid(), pipe_handle=rhandle)
            python_exe = spawn.get_executable()
            env = None
            if popen_spawn_win32.WINENV and popen_spawn_win32._path_eq(python_exe, sys.executable):
                cmd[0] = python_exe = sys._base_executable
                env = os.environ.copy()
                env["__PYVENV_LAUNCHER__"] = sys.executable
            cmd = " ".join(f'"{x}"' for x in cmd)
            try:
                hp, ht, pid, _tid = _winapi.CreateProcess(python_exe, cmd, None, None, False, 0, env, None, None)
                _winapi.CloseHandle(ht)
            except BaseException:
                _winapi.CloseHandle(rhandle)
                os.close(wfd)
                raise
            self.pid = pid
            self.returncode = None
            self._handle = hp
            self.sentinel = int(hp)
            self.finalizer = util.Finalize(self, popen_spawn_win32._close_handles, (self.sentinel, int(rhandle)))
            data = io.BytesIO()
            set_spawning_popen(self)  # the pipe to the worker is duplicated into it while pickling
            try:
                reduction.dump(prep_data, data)
                reduction.dump(process_obj, data)
            finally:
                set_spawning_popen(None)
            _hand_over(wfd, data.getvalue(), hp, rhandle)

    def _hand_over(wfd: int, data: bytes, process: int, rhandle: int) -> None:
        """Write `data` to the new process's start-up pipe (write end `wfd`, closed after); when the
        process ends before reading it all, read the rest here (`rhandle`) so the writer is released."""
        def write() -> None:
            try:
                with open(wfd, "wb", closefd=True) as pipe:
                    pipe.write(data)
            except OSError:
                pass  # the worker is gone: the supervisor sees its exit

        writer = threading.Thread(target=write, name="tuoyu-worker-start", daemon=True)
        writer.start()
        while True:
            writer.join(0.05)
            if not writer.is_alive():
                return
            if _winapi.WaitForSingleObject(process, 0) == _winapi.WAIT_OBJECT_0:
                break
        while True:  # gone: drain until the writer has written everything and closed its end
            try:
                _winapi.ReadFile(rhandle, 65536)
            except OSError:  # ERROR_BROKEN_PIPE: the write end is closed
                break
        writer.join()

    class _WindowsProcess(SpawnProcess):
        _start_method = "spawn"

        @staticmethod
        def _Popen(process_obj):  # noqa: N802 - multiprocessing's name
            return _WindowsPopen(process_obj)


def new_process(context, **kwargs):
    """A worker process of `context`; on Windows one whose start cannot hang (see above)."""
    if sys.platform == "win32" and context.get_start_method() == "spawn":
        return _WindowsProcess(**kwargs)
    return context.Process(**kwargs)
