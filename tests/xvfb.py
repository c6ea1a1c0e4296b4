"""Start a private Xvfb display for tests that open real windows."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path


def _free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise RuntimeError("no free X display number")


@contextmanager
def virtual_display(size: str = "1280x900x24"):
    """Yield a DISPLAY string like ':93' backed by a fresh Xvfb; stopped afterwards."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb not found: run scripts/install_system_deps.sh")
    number = _free_display()
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", size, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    display = f":{number}"
    old = os.environ.get("DISPLAY")
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                break
            if proc.poll() is not None:
                raise RuntimeError(f"Xvfb exited with {proc.returncode}")
            time.sleep(0.05)
        os.environ["DISPLAY"] = display
        yield display
    finally:
        if old is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old
        proc.terminate()
        proc.wait(timeout=10)
