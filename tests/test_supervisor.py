"""One file that crashes, aborts, eats memory or hangs ends only itself; the others are read.

The parsers are made to misbehave on purpose (os.abort, a gigabyte allocation, a sleep), in real
worker processes, and the run is checked to go on with fresh workers and give the culprit its issue.
"""

from __future__ import annotations

import os
import time

import pytest
from support.star import EVAL_DATE, STAR, filled

from tuoyu_excel.core import pipeline, supervisor
from tuoyu_excel.core.supervisor import Failure, supervised_map
from tuoyu_excel.issues import make_issue


def behave(item: str) -> str:
    if item == "abort":
        os.abort()  # what a parser's failed allocation does: the whole process is gone
    if item == "exit":
        os._exit(7)
    if item == "memory":
        blob = bytearray(3 * 1024 ** 3)  # past the worker's ceiling
        return str(len(blob))
    if item == "hang":
        time.sleep(60)
    return item.upper()


@pytest.fixture(autouse=True)
def isolated(monkeypatch):
    monkeypatch.delenv("TUOYU_WORKERS", raising=False)


@pytest.mark.parametrize("ahead", [0, 1])
@pytest.mark.parametrize("chunk", [1, 3])
def test_a_worker_that_dies_costs_only_its_item(chunk, ahead):
    """Also with a second chunk waiting in the dying worker's pipe (ahead=1): its items are retried alone."""
    items = ["a", "abort", "b", "exit", "c", "d", "abort", "e"]
    results = list(supervised_map(behave, items, workers=2, chunk=chunk, ahead=ahead))
    assert [r for r in results if not isinstance(r, Failure)] == ["A", "B", "C", "D", "E"]
    failed = [items[n] for n, r in enumerate(results) if isinstance(r, Failure)]
    assert failed == ["abort", "exit", "abort"]
    assert "异常" in results[1].detail and "退出码 7" in results[3].detail


def test_runaway_memory_is_stopped_at_the_ceiling(monkeypatch):
    monkeypatch.setattr(supervisor, "MEMORY_LIMIT", 512 * 1024 * 1024)
    results = list(supervised_map(behave, ["a", "memory", "b"], workers=1))
    assert results[0] == "A" and results[2] == "B"
    assert isinstance(results[1], Failure) and "内存" in results[1].detail


@pytest.mark.parametrize("ahead", [0, 1])
def test_a_hang_is_cut_off_at_the_time_limit(monkeypatch, ahead):
    """With chunks queued behind it (ahead=1), the clock of the one item worked on still starts when its worker
    reaches it, so the hang is cut after its own time limit and the others are read."""
    monkeypatch.setattr(supervisor, "TIME_LIMIT", 1.0)
    start = time.monotonic()
    results = list(supervised_map(behave, ["a", "hang", "b"], workers=1, ahead=ahead))
    assert time.monotonic() - start < 20
    assert results[0] == "A" and results[2] == "B"
    assert isinstance(results[1], Failure) and "1 秒" in results[1].detail


def test_serial_mode_runs_in_this_process(monkeypatch):
    monkeypatch.setenv("TUOYU_WORKERS", "1")
    assert list(supervised_map(str.upper, ["a", "b"])) == ["A", "B"]


def test_a_parser_that_aborts_on_one_workbook_leaves_the_others_scored(tmp_path, monkeypatch):
    folder = tmp_path / "收到"
    folder.mkdir()
    for n in range(3):
        filled(folder / f"0{n}_正常.xlsx", seed=50 + n)
    filled(folder / "坏.xlsx", seed=53)
    real = pipeline.read_workbook

    def aborting(path, *args, **kwargs):
        if path.name == "坏.xlsx":
            os.abort()
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_workbook", aborting)  # the forked workers inherit it
    result = pipeline.run(folder, STAR, "city", EVAL_DATE)
    by_name = {f.file: f for f in result.files}
    assert [i.code for i in by_name["坏.xlsx"].issues] == ["FILE_PROCESS_FAILED"]
    assert "已跳过" in by_name["坏.xlsx"].issues[0].message
    assert all(by_name[f"0{n}_正常.xlsx"].card is not None for n in range(3))


def test_an_annotated_copy_whose_worker_dies_leaves_nothing_behind(tmp_path, monkeypatch):
    """openpyxl aborting halfway through a copy: that copy is reported, and its temporary file (named
    by the dead worker's process id) does not stay in the official's folder."""
    from tuoyu_excel.render import annotate

    folder, out = tmp_path / "收到", tmp_path / "标注"
    folder.mkdir()
    out.mkdir()
    path = filled(folder / "机构.xlsx", seed=71)
    result = pipeline.run(folder, STAR, "city", EVAL_DATE)
    result.files[0].issues.append(make_issue("FIELD_MISSING", "机构.xlsx", expected="举办者"))

    def dies_while_saving(f, out_dir, rubric):
        (out_dir / f".{os.getpid()}.{path.stem}.tmp.xlsx").write_bytes(b"PK\x03\x04 half")  # as atomic_path names it
        os._exit(1)

    monkeypatch.setattr(annotate, "annotate_file", dies_while_saving)
    (done,) = annotate.annotate_copies(result, out)
    assert done[0] == "机构.xlsx" and done[1] is None and done[2].startswith("标注时程序异常")
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("fault", ["exit", "overrun"])
def test_the_test_only_fault_switch_ends_only_its_file_and_only_in_a_worker(tmp_path, monkeypatch, fault):
    """TUOYU_TEST_WORKER_FAULT (what tests/test_windows.py uses inside the Windows exe, where no parser can be
    patched) makes a worker exit or overrun on the named file; in this process (TUOYU_WORKERS=1) it does nothing."""
    folder = tmp_path / "收到"
    folder.mkdir()
    for n in range(3):
        filled(folder / f"0{n}_正常.xlsx", seed=80 + n)
    monkeypatch.setenv(supervisor.TEST_FAULT, f"{fault}:01_正常.xlsx")
    monkeypatch.setattr(supervisor, "TIME_LIMIT", 2.0)
    by_name = {f.file: f for f in pipeline.run(folder, STAR, "city", EVAL_DATE).files}
    assert [i.code for i in by_name["01_正常.xlsx"].issues] == ["FILE_PROCESS_FAILED"]
    detail = by_name["01_正常.xlsx"].issues[0].message
    assert ("退出码 70" if fault == "exit" else "2 秒") in detail
    assert by_name["00_正常.xlsx"].card is not None and by_name["02_正常.xlsx"].card is not None
    monkeypatch.setenv("TUOYU_WORKERS", "1")
    assert all(f.card is not None for f in pipeline.run(folder, STAR, "city", EVAL_DATE).files)
