"""Drive headless LibreOffice from tests: convert workbooks and recalculate their formulas.

    from office import soffice_path, convert, recalculate

Every call runs its own soffice process with a private, throw-away user profile
(-env:UserInstallation=file:///tmp/...), so parallel test runs, an open desktop LibreOffice
and earlier crashed runs cannot clash. That profile sets LibreOffice's "recalculation on
file load" to *always* for both OOXML (.xlsx) and ODF (.ods): LibreOffice's default is
*never* (it trusts the cached values in the file, as written by Excel, WPS or our own
xlsxwriter code), which would hide wrong formulas behind stale cached results.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_S = 180

# Values of /org.openoffice.Office.Calc/Formula/Load/{OOXML,ODF}RecalcMode:
# 0 = always recalculate, 1 = never (LibreOffice's default), 2 = ask (prompt; never headless).
_RECALC_ALWAYS = 0

_REGISTRY = f"""<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>{_RECALC_ALWAYS}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>{_RECALC_ALWAYS}</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse">\
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" oor:op="fuse">\
<value>false</value></prop></item>
</oor:items>
"""

# Export filters for the common targets; anything else is passed to --convert-to as given
# (e.g. "csv:Text - txt - csv (StarCalc):44,34,76" or "png").
_FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xls": "xls:MS Excel 97",
    "ods": "ods:calc8",
    "pdf": "pdf:calc_pdf_Export",
}

_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)


def soffice_path() -> str | None:
    """Path of the LibreOffice executable (soffice / libreoffice), or None when not installed."""
    env = os.environ.get("SOFFICE")
    if env and Path(env).is_file():
        return env
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for cand in _CANDIDATES:
        if Path(cand).is_file():
            return cand
    opt = sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True)
    return str(opt[0]) if opt else None


def _write_profile(profile: Path) -> None:
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    # own process group: on timeout, kill soffice.bin too, not only the oosplash/shell wrapper
    env = dict(os.environ, SAL_USE_VCLPLUGIN="svp")
    env.pop("DISPLAY", None)
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=(os.name == "posix"),
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        out, err = proc.communicate()
        raise RuntimeError(
            f"LibreOffice timed out after {timeout:.0f} s: {' '.join(cmd)}\nstdout:\n{out}\nstderr:\n{err}"
        ) from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert(src: Path, fmt: str, outdir: Path, *, timeout: float = TIMEOUT_S) -> Path:
    """Convert ``src`` with headless LibreOffice; return the written file ``outdir/<src stem>.<ext>``.

    ``fmt`` is an extension ("pdf", "xlsx", "xls", "ods", "csv", ...) or a full LibreOffice
    ``--convert-to`` spec ("ext:Filter name:options"). Formulas are recalculated on load.
    An existing output file is replaced; the source itself is never overwritten.
    Raises FileNotFoundError when LibreOffice is missing, RuntimeError (with LibreOffice's
    output) when it writes nothing or times out.
    """
    src = Path(src).resolve()
    outdir = Path(outdir)
    if not src.is_file():
        raise FileNotFoundError(src)
    soffice = soffice_path()
    if soffice is None:
        raise FileNotFoundError("LibreOffice (soffice) not found; run scripts/install_system_deps.sh")
    spec = _FILTERS.get(fmt.lower(), fmt)
    ext = spec.split(":", 1)[0]
    target = (outdir / f"{src.stem}.{ext}").resolve()
    if target == src:
        raise ValueError(f"converting {src} to {fmt} in {outdir} would overwrite the source")
    outdir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="tuoyu-lo-") as tmp:
        tmp = Path(tmp)
        profile, work = tmp / "profile", tmp / "out"
        _write_profile(profile)
        work.mkdir()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nofirststartwizard",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            spec,
            "--outdir",
            str(work),
            str(src),
        ]
        res = _run(cmd, timeout)
        produced = work / f"{src.stem}.{ext}"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise RuntimeError(
                f"LibreOffice wrote no {ext} for {src} (exit code {res.returncode})\n"
                f"command: {' '.join(cmd)}\nstdout:\n{res.stdout}\nstderr:\n{res.stderr}"
            )
        shutil.move(str(produced), str(target))
    return target


def recalculate(src: Path, outdir: Path, *, timeout: float = TIMEOUT_S) -> Path:
    """Open ``src`` (xlsx/xls/ods) in LibreOffice, recalculate every formula, save as ``outdir/<stem>.xlsx``.

    Read the result with ``openpyxl.load_workbook(path, data_only=True)`` to see the values a
    spreadsheet program computes, instead of the cached values the writer put in the file.
    """
    return convert(src, "xlsx", outdir, timeout=timeout)
