"""A disk that fills part-way through a write gives one Chinese sentence and exit 2: no English, no
traceback, nothing left under the output's name (issue 26, part 2).

The disk is simulated in a subprocess: every file opened for writing under the output folder shares a
budget of bytes, past which a write fails with ENOSPC, as on a full tmpfs. XlsxWriter's (and
openpyxl's) zip file is then left open in the failing frames; closed again by the garbage collector it
used to print “Exception ignored in: <function ZipFile.__del__>” and an English traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

PRELUDE = r"""
import builtins, errno, io, os, sys
FULL = os.environ["TUOYU_TEST_FULL_DIR"]
left = [int(os.environ["TUOYU_TEST_FULL_BYTES"])]

class Full(io.FileIO):
    def write(self, b):
        if len(b) > left[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        left[0] -= len(b)
        return super().write(b)

real_open = io.open

def full_open(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None, closefd=True, opener=None):
    if isinstance(file, (str, os.PathLike)) and os.path.abspath(os.fspath(file)).startswith(FULL) and \
            any(m in mode for m in "wax+"):
        raw = Full(file, mode.replace("b", "").replace("t", ""))
        buffered = io.BufferedRandom(raw) if "+" in mode else io.BufferedWriter(raw)
        return buffered if "b" in mode else io.TextIOWrapper(buffered, encoding=encoding or "utf-8",
                                                              errors=errors, newline=newline)
    return real_open(file, mode, buffering, encoding, errors, newline, closefd, opener)

io.open = builtins.open = full_open
from tuoyu_excel.cli.main import main
sys.exit(main(sys.argv[1:]))
"""

JOBS = {
    "check": ["check", str(SAMPLES / "star"), "-o", "{out}/校验报告.xlsx"],
    "annotate": ["check", str(SAMPLES / "star"), "-o", "{tmp}/校验报告.xlsx", "--annotate", "{out}/标注副本"],
    "report": ["report", str(SAMPLES / "star"), "--county", "鹿寨县", "-o", "{out}/初评报告.xlsx"],
    "star": ["star", str(SAMPLES / "star"), "--date", "2026-11-22", "-o", "{out}/结果.xlsx"],
    "city": ["city", str(SAMPLES / "city"), "-o", "{out}/城市.xlsx"],
    "template": ["template", "star", "-o", "{out}"],
    "rubric": ["rubric", "export", "liuzhou_star", "-o", "{out}/规则.xlsx"],
}


@pytest.mark.parametrize("job", sorted(JOBS))
def test_a_disk_that_fills_during_the_write_gives_one_chinese_sentence(job, tmp_path):
    out = tmp_path / "满了的盘"
    out.mkdir()
    argv = [a.format(out=out, tmp=tmp_path) for a in JOBS[job]]
    env = {**os.environ, "TUOYU_TEST_FULL_DIR": str(out), "TUOYU_TEST_FULL_BYTES": "6000", "TUOYU_WORKERS": "1",
           "PYTHONWARNINGS": "default"}  # every warning shown: none may leak English either
    done = subprocess.run([sys.executable, "-c", PRELUDE, *argv], capture_output=True, text=True, env=env,
                          timeout=300, cwd=tmp_path)
    said = done.stdout + done.stderr
    assert done.returncode == 2, said
    assert "磁盘空间不足" in done.stderr, said
    assert "Traceback" not in said and "Exception" not in said and "Error" not in said, said
    assert not [line for line in done.stderr.splitlines() if line.isascii() and line.strip()], said  # no English line
    leftovers = [p.name for p in out.rglob("*") if p.is_file()]
    assert leftovers == [], leftovers  # nothing half-written under any name, temporary files removed
