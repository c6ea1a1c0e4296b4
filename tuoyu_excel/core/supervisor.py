"""Untrusted parsing in supervised worker processes: a crash, an abort, runaway memory or a hang ends
only the file that caused it.

Preflight refuses what it can measure; this is the second line, for what nobody foresaw (a parser
that aborts the process, a Rust panic across a thread, an allocation of gigabytes). Each worker
runs with a memory ceiling (Linux: RLIMIT_AS above what the worker already maps; Windows: a Job
Object's per-process memory limit above what it already commits) and every item
with a time limit; a worker that dies or overruns is replaced, and its item comes back as a
``Failure`` that the caller turns into that file's issue. Items are sent in small chunks (for a run,
the next chunk already waits in the worker's pipe); when a worker dies, each item it held is retried
alone, so only the culprit fails.

On Windows workers are spawned (the only way there); a worker that dies while it starts, before it
has read its start data, used to hang the supervisor inside multiprocessing (see core/worker_process.py).
The packaged Windows programs are tested with isolation on under Wine 8 (tests/test_windows.py: a
worker that exits, overruns or is killed from outside costs only its file, with one and two
workers). Wine accepts the Job Object's memory limit but does not enforce it: there only the time
limit and the restart guard; on Windows the system enforces it. A worker killed from outside has no
exit code of its own (under Wine it reads 0), so its file's detail names that code.

``TUOYU_WORKERS=1`` runs everything in this process instead (no isolation), for debugging.
``TUOYU_TEST_WORKER_FAULT`` is for tests only (see _test_fault).
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from tuoyu_excel.core.worker_process import limit_memory, new_process, quiet_stderr
from tuoyu_excel.errors import TuoyuError
from tuoyu_excel.platform_support import pool_context

_MB = 1024 * 1024
MEMORY_LIMIT = int(os.environ.get("TUOYU_WORKER_MEMORY_MB", "1024")) * _MB  # per worker, beyond its start
TIME_LIMIT = float(os.environ.get("TUOYU_FILE_SECONDS", "120"))  # per item; a template takes milliseconds


@dataclass(frozen=True)
class Failure:
    """Why an item has no result: its worker died, ran out of memory or out of time (a Chinese detail)."""

    detail: str
    pid: int | None = None  # the worker that died (its temporary files may be left behind), None in-process


def serial_only() -> bool:
    return os.environ.get("TUOYU_WORKERS", "").strip() == "1"


def supervised_map(work: Callable[[Any], Any], items: Iterable[Any], *, workers: int = 1, chunk: int = 1,
                   setup: Callable[..., None] | None = None, setup_args: tuple = (), ahead: int = 0) -> Iterator[Any]:
    """``work(item)`` for every item, in order, each a result or a ``Failure``. `setup(*setup_args)` runs
    once in each worker (the rubric travels once, not with every item). `ahead` more chunks wait in each
    worker's pipe, so it never idles while its last answers travel back; only for small items (a chunk
    must fit the pipe's buffer, 64 KB, or the two sides could each wait for the other to read)."""
    items = list(items)
    if serial_only():
        if setup:
            setup(*setup_args)
        yield from (_guarded(work, item) for item in items)
        return
    pool = _Pool(work, max(1, min(workers, len(items))), setup, setup_args, 1 + max(0, ahead))
    try:
        yield from pool.run(items, max(1, chunk))
    finally:
        pool.close()


def _guarded(work: Callable[[Any], Any], item: Any) -> Any:
    try:
        return work(item)
    except MemoryError:
        return Failure("占用内存超过上限")
    except BaseException as exc:  # a Rust panic (pyo3 PanicException) derives from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        return Failure("解析程序异常中止（文件内容无法解析）")


@dataclass(frozen=True)
class _Raised:
    """A TuoyuError the work raised in the worker: carried back and raised again in the caller."""

    error: TuoyuError


def _call(item: tuple[Callable[..., Any], tuple]) -> Any:
    work, args = item
    try:
        return work(*args)
    except TuoyuError as exc:
        return _Raised(exc)


def isolated_call(work: Callable[..., Any], *args: Any) -> Any:
    """``work(*args)`` in a supervised worker: its result, or a ``Failure`` when the worker crashed,
    aborted, ran out of memory or time. A TuoyuError it raises (a refusal in Chinese) is raised here.
    For one untrusted file read outside a run (a history, an averages or a rule workbook); `work`
    must be a module-level function (it travels to the worker by name)."""
    (result,) = isolated_map(work, [args])
    return result


def isolated_map(work: Callable[..., Any], calls: Iterable[tuple], *, workers: int = 1) -> Iterator[Any]:
    """``work(*args)`` for each args tuple, in order, each in a supervised worker (see isolated_call)."""
    for result in supervised_map(_call, [(work, args) for args in calls], workers=workers):
        if isinstance(result, _Raised):
            raise result.error
        yield result


# ---- the worker side ---------------------------------------------------------------------------

TEST_FAULT = "TUOYU_TEST_WORKER_FAULT"  # test-only, see _test_fault


def _test_fault() -> tuple[str, str] | None:
    """TEST ONLY (tests/test_windows.py, where a parser cannot be patched inside the Windows exe):
    ``TUOYU_TEST_WORKER_FAULT=exit:<file name>`` makes a worker process end at once (exit code 70)
    when it is handed that file, ``overrun:<file name>`` makes it spin on the CPU without end (a parser
    caught in a loop). Read in worker processes only, never in this process (TUOYU_WORKERS=1):
    officials never set it, and when it is unset nothing changes."""
    action, _, name = os.environ.get(TEST_FAULT, "").partition(":")
    return (action, name) if action in ("exit", "overrun") and name else None


def _names(item: Any) -> set[str]:
    """The file names an item carries: a path, or the paths among an isolated call's arguments."""
    if isinstance(item, os.PathLike):
        return {os.path.basename(os.fspath(item))}
    if isinstance(item, tuple):
        return {name for part in item for name in _names(part)}
    return set()


def _misbehave(action: str) -> None:
    if action == "exit":
        os._exit(70)
    while True:  # overrun: busy, as a parser in an endless loop (the supervisor's time limit ends it)
        pass


def _worker(conn, work, setup, setup_args, ceiling: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle
    faulthandler.disable()  # a worker's death is reported by the supervisor, not dumped on the console
    quiet_stderr()
    limit_memory(ceiling)
    fault = _test_fault()
    if setup:
        setup(*setup_args)
    while True:
        try:
            chunk = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        if fault is None:
            conn.send([_guarded(work, item) for item in chunk])
            continue
        answers = []
        for item in chunk:
            if fault[1] in _names(item):
                _misbehave(fault[0])
            answers.append(_guarded(work, item))
        conn.send(answers)


# ---- the supervisor side -----------------------------------------------------------------------

class _Slot:
    """One worker process, its pipe, and the chunks it holds (item indexes, in the order sent) with the
    deadline for the first of them (the one it works on)."""

    def __init__(self, pool: _Pool):
        here, there = pool.context.Pipe()
        self.conn = here
        self.process = new_process(pool.context, target=_worker, daemon=True,
                                    args=(there, pool.work, pool.setup, pool.setup_args, MEMORY_LIMIT))
        self.process.start()
        there.close()
        self.chunks: list[list[int]] = []
        self.alone = False  # holds an item retried alone: nothing is sent behind it
        self.deadline = 0.0

    def takes(self, chunk: tuple[list[int], bool], depth: int) -> bool:
        """Whether this worker takes `chunk` now: when idle, or behind chunks of its kind up to `depth`."""
        return not self.chunks or (len(self.chunks) < depth and not self.alone and not chunk[1])

    def give(self, chunk: tuple[list[int], bool], items: list[Any]) -> None:
        indexes, alone = chunk
        if not self.chunks:  # the worker starts on it now
            self.deadline = time.monotonic() + TIME_LIMIT * len(indexes)
        self.chunks.append(indexes)
        self.alone = alone
        try:
            self.conn.send([items[i] for i in indexes])
        except OSError:  # it died meanwhile (a broken pipe): its exit is seen next, and what it held is retried
            pass

    def answered(self) -> list[int]:
        """The first chunk is answered: its indexes. The worker went straight on to the next: its time starts now."""
        done = self.chunks.pop(0)
        if self.chunks:
            self.deadline = time.monotonic() + TIME_LIMIT * len(self.chunks[0])
        return done

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class _Pool:
    def __init__(self, work, size: int, setup, setup_args, depth: int = 1):
        self.work, self.setup, self.setup_args, self.depth = work, setup, setup_args, depth
        self.context = pool_context()
        self.slots = [_Slot(self) for _ in range(size)]

    def run(self, items: list[Any], chunk: int) -> Iterator[Any]:
        # (item indexes, alone): an item retried alone after its worker died is the only one its worker holds
        pending = [(list(range(n, min(n + chunk, len(items)))), False) for n in range(0, len(items), chunk)]
        results: dict[int, Any] = {}
        shown = 0
        while shown < len(items):
            for slot in self.slots:
                while pending and slot.takes(pending[0], self.depth):
                    slot.give(pending.pop(0), items)
            busy = [s for s in self.slots if s.chunks]
            timeout = max(0.0, min(s.deadline for s in busy) - time.monotonic()) if busy else None
            ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout)
            for slot in list(busy):
                if slot.conn in ready:
                    self._collect(slot, pending, results)
                elif slot.process.sentinel in ready or time.monotonic() > slot.deadline:
                    self._lost(slot, pending, results)
            while shown in results:
                yield results.pop(shown)
                shown += 1

    def _collect(self, slot: _Slot, pending: list[tuple[list[int], bool]], results: dict[int, Any]) -> None:
        try:
            answers = slot.conn.recv()
        except (EOFError, OSError):  # the pipe closed: the worker died before answering
            slot.process.join(5)
            self._lost(slot, pending, results)
            return
        results.update(zip(slot.answered(), answers, strict=True))

    def _lost(self, slot: _Slot, pending: list[tuple[list[int], bool]], results: dict[int, Any]) -> None:
        """A worker died or overran: retry each item it held alone; an item held alone fails for good."""
        overran = time.monotonic() > slot.deadline
        if not overran:
            slot.process.join(5)  # its pipes close a moment before it can be reaped: wait for its exit code
        code = slot.process.exitcode
        slot.process.kill()
        slot.process.join(5)
        held = [i for indexes in slot.chunks for i in indexes]
        if len(held) > 1:
            pending[:0] = [([i], True) for i in held]
        else:
            results[held[0]] = Failure(_why(overran, code), slot.process.pid)
        slot.conn.close()
        self.slots[self.slots.index(slot)] = _Slot(self)

    def close(self) -> None:
        for slot in self.slots:
            slot.stop()


def _why(overran: bool, code: int | None) -> str:
    if overran:
        return f"处理时间超过 {TIME_LIMIT:.0f} 秒"
    if code in (-getattr(signal, "SIGABRT", 6), -getattr(signal, "SIGKILL", 9), 134, 137) or (
            sys.platform == "win32" and code in (3, 0xC0000017 - 2**32, 0xC0000409 - 2**32)):
        return f"占用内存超过上限（{MEMORY_LIMIT // _MB} MB）或解析程序异常中止"
    return f"解析程序异常退出（退出码 {code}）"
