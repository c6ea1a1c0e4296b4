#!/usr/bin/env bash
# Install the system packages the test suite needs, and only those that are missing.
#
#   LibreOffice Calc, headless  (libreoffice-calc-nogui)  open/recalculate/convert workbooks, render PDFs
#   CJK fonts                   (fonts-noto-cjk)          Chinese text in rendered PDFs and screenshots
#   Xvfb, xdotool, xwininfo     (xvfb, xdotool, x11-utils) drive the Tk desktop program on a virtual screen
#   pdftoppm, pdftotext         (poppler-utils)           turn rendered PDFs into PNGs / text
#   Tk shared libraries         (libtk8.6, pulls libtcl8.6) only if the project's Python cannot load tkinter
#
# Idempotent and fast when everything is present (no apt-get call at all then).
# Debian/Ubuntu only; runs apt-get as root, or through sudo when not root.
# Set TUOYU_SKIP_SYSTEM_DEPS=1 to skip this script entirely (e.g. on a machine you manage yourself).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${TUOYU_SKIP_SYSTEM_DEPS:-}" == "1" ]]; then
    echo "install_system_deps: skipped (TUOYU_SKIP_SYSTEM_DEPS=1)"
    exit 0
fi

have_pkg() {
    # true when the Debian package is fully installed
    dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'
}

missing=()

if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian: say what is needed and let the caller decide.
    for cmd in soffice Xvfb xdotool xwininfo pdftoppm; do
        command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
    done
    if ((${#missing[@]})); then
        echo "install_system_deps: not a Debian system and these programs are missing: ${missing[*]}" >&2
        echo "install_system_deps: install LibreOffice Calc, Noto CJK fonts, Xvfb, xdotool, xwininfo, poppler by hand," >&2
        echo "                     or set TUOYU_SKIP_SYSTEM_DEPS=1 to run without them." >&2
        exit 1
    fi
    exit 0
fi

# LibreOffice: the full (GUI) Calc package is as good as the headless one; don't replace it
# (libreoffice-core-nogui conflicts with libreoffice-core).
if ! have_pkg libreoffice-calc-nogui && ! have_pkg libreoffice-calc; then
    missing+=(libreoffice-calc-nogui)
fi
for pkg in fonts-noto-cjk xvfb xdotool x11-utils poppler-utils; do
    have_pkg "$pkg" || missing+=("$pkg")
done

# tkinter: the venv's Python (pyenv's CPython here) links _tkinter against the system's
# libtk8.6.so/libtcl8.6.so and reads their Tcl scripts from /usr/share/tcltk; Debian ships
# both in libtk8.6 (which depends on libtcl8.6). python3-tk would only serve Debian's own python3.
py=""
for cand in .venv/bin/python python3.11 python3; do
    if command -v "$cand" >/dev/null 2>&1 || [[ -x "$cand" ]]; then
        if "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            py="$cand"
            break
        fi
    fi
done
if [[ -n "$py" ]] && ! "$py" -c 'import tkinter; tkinter.Tcl()' >/dev/null 2>&1; then
    if "$py" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("_tkinter") is None)' >/dev/null 2>&1; then
        have_pkg libtk8.6 || missing+=(libtk8.6)
        have_pkg libtcl8.6 || missing+=(libtcl8.6)
    else
        echo "install_system_deps: warning: $py was built without _tkinter; no Debian package can fix that" >&2
    fi
fi

if ((${#missing[@]} == 0)); then
    echo "install_system_deps: all present"
    exit 0
fi

SUDO=()
if [[ "$(id -u)" != "0" ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        echo "install_system_deps: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

# Another apt/dpkg run may hold the lists or dpkg lock (DPkg::Lock::Timeout covers the dpkg
# lock; retry the rest for up to 10 minutes).
apt_retry() {
    local deadline=$((SECONDS + 600)) out rc
    while true; do
        out="$(mktemp)"
        set +e
        "${SUDO[@]}" "${APT[@]}" "$@" </dev/null 2>&1 | tee "$out"
        rc=${PIPESTATUS[0]}
        set -e
        if [[ $rc -eq 0 ]]; then rm -f "$out"; return 0; fi
        if grep -qiE 'could not get lock|unable to lock|is another process using it' "$out" && ((SECONDS < deadline)); then
            rm -f "$out"
            echo "install_system_deps: apt is busy (another install running); waiting..."
            sleep 10
            continue
        fi
        rm -f "$out"
        return "$rc"
    done
}

echo "install_system_deps: installing: ${missing[*]}"
start=$SECONDS
apt_retry -q update
apt_retry -q -y --no-install-recommends install "${missing[@]}"
echo "install_system_deps: installed ${missing[*]} in $((SECONDS - start)) s"
