"""The packaged app: build it with PyInstaller (build_exe.spec), then run the frozen programs.

- the console program runs a star rating on the bundled samples and writes a results workbook;
- the windowed program opens its window on a double-click (under Xvfb);
- the packaged app's worker pool starts its workers with spawn, as on Windows (there Wine cannot
  test it: ProcessPoolExecutor hangs under Wine 8; see tests/test_windows.py for the Windows exe);
- ``--help`` start-up time is printed (a figure, not a pass/fail: machines are shared).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from xvfb import virtual_display

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.frozen  # builds the packaged app (minutes): CI runs it, a quick local loop may skip it
EXE = ".exe" if sys.platform == "win32" else ""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("pyinstaller")
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(ROOT / "build_exe.spec")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return work / "dist" / "tuoyu"


def test_frozen_cli_rates_the_samples(bundle, tmp_path):
    cli = bundle / f"tuoyu{EXE}"
    start = time.perf_counter()
    help_run = subprocess.run([str(cli), "--help"], capture_output=True, text=True, timeout=60)
    print(f"\nfrozen `tuoyu --help`: {time.perf_counter() - start:.2f} s")
    assert help_run.returncode == 0 and "星级评定" in help_run.stdout
    out = tmp_path / "结果 目录" / "星级评定结果.xlsx"
    run = subprocess.run([str(cli), "star", str(ROOT / "samples" / "star"), "--date", "2026-11-22",
                          "--history", str(ROOT / "samples" / "history" / "历史评定.xlsx"), "-o", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    wb = openpyxl.load_workbook(out, read_only=True)
    for sheet in ("汇总", "星级评定结果", "待裁定", "未达条件名单", "运行信息"):  # the samples' tie: a draft
        assert sheet in wb.sheetnames
    rows = list(wb["星级评定结果"].iter_rows(values_only=True))
    assert rows[2][:3] == ("片区", "片区排名", "机构名称") and len(rows) > 10  # under the title, issuer and date


def _star_values(bundle: Path, out: Path, workers: str, seen_cmdlines: list[str] | None = None) -> dict:
    """Run the frozen star rating with TUOYU_WORKERS=workers; collect the command lines of the bundle's
    child processes while it runs; return every sheet's values but the run-time rows of 运行信息."""
    cli = str(bundle / f"tuoyu{EXE}")
    proc = subprocess.Popen([cli, "star", str(ROOT / "samples" / "star"), "--date", "2026-11-22", "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "TUOYU_WORKERS": workers})
    while proc.poll() is None and seen_cmdlines is not None:
        for entry in Path("/proc").iterdir():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if entry.name.isdigit() and int(entry.name) != proc.pid and argv[0] == cli.encode():
                seen_cmdlines.append(" ".join(a.decode(errors="replace") for a in argv))
        time.sleep(0.005)
    output = proc.communicate(timeout=600)[0]
    assert proc.returncode == 1, output
    assert "Traceback" not in output
    wb = openpyxl.load_workbook(out, read_only=True)
    values = {ws.title: [row for row in ws.iter_rows(values_only=True)
                         if not (ws.title == "运行信息" and row and row[0] in ("运行开始时间", "运行用时（秒）"))]
              for ws in wb.worksheets}
    wb.close()
    return values


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_frozen_pool_spawns_its_workers(bundle, tmp_path):
    """Two workers in the packaged app: started by spawn (the executable run again with
    --multiprocessing-fork, which freeze_support() in the entry script turns into a worker), results
    identical to the serial run."""
    seen: list[str] = []
    parallel = _star_values(bundle, tmp_path / "并行" / "结果.xlsx", "2", seen)
    assert any("--multiprocessing-fork" in cmd for cmd in seen), seen[:5]
    serial = _star_values(bundle, tmp_path / "串行" / "结果.xlsx", "1")
    assert parallel == serial


def test_frozen_demo_writes_every_output(bundle, tmp_path):
    run = subprocess.run([str(bundle / f"tuoyu{EXE}"), "demo", "-o", str(tmp_path / "演示")],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    written = sorted(p.name for p in (tmp_path / "演示").rglob("*.xlsx"))
    assert any(name.startswith("星级评定结果") for name in written), written
    assert any("初评报告" in name for name in written), written


def test_frozen_gui_opens_its_window(bundle, tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    with virtual_display() as display:
        proc = subprocess.Popen([str(bundle / f"tuoyu_gui{EXE}")], env={**env, "DISPLAY": display})
        try:
            found = ""
            for _ in range(150):
                probe = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                                       env={**env, "DISPLAY": display})
                found = "\n".join(line for line in probe.stdout.splitlines() if "托育评定" in line)
                if found or proc.poll() is not None:
                    break
                time.sleep(0.2)
            assert proc.poll() is None, "the windowed program exited"
            assert found, "no window titled 托育评定 appeared"
        finally:
            proc.terminate()
            proc.wait(timeout=20)
