#!/usr/bin/env bash
# Create .venv (Python >= 3.11) and install the package with its dev extras.
#
# Idempotent and fast when already done: pip is skipped while the stamp file
# .venv/.installed-<sha256 of pyproject.toml> exists. A .venv whose Python is missing,
# broken or older than 3.11 is rebuilt. Set PYTHON=/path/to/python3.x to choose the interpreter.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

ok_python() {
    # true when $1 runs and is Python >= 3.11 with venv
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

# One setup at a time per work tree (two test runs started together would race in pip).
if command -v flock >/dev/null 2>&1; then
    mkdir -p .venv
    exec 9>.venv/.setup.lock
    flock 9
fi

if [[ -d .venv/bin ]] && ! ok_python .venv/bin/python; then
    echo "setup: .venv is broken or older than Python 3.11; rebuilding it"
    find .venv -mindepth 1 -maxdepth 1 ! -name .setup.lock -exec rm -rf {} +
fi

if [[ ! -e .venv/bin/python ]]; then
    py=""
    for cand in ${PYTHON:-} python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 && ok_python "$cand"; then
            py="$cand"
            break
        fi
    done
    if [[ -z "$py" ]]; then
        found="$(command -v python3 >/dev/null 2>&1 && python3 --version 2>&1 || echo 'no python3 on PATH')"
        echo "setup: error: need Python >= 3.11 (python3.11 or python3); found: $found" >&2
        echo "setup: install Python 3.11+ (Debian: apt-get install python3.11 python3.11-venv) or set PYTHON=..." >&2
        exit 1
    fi
    echo "setup: creating .venv with $py ($("$py" --version 2>&1))"
    "$py" -m venv .venv
fi

hash="$(.venv/bin/python -c 'import hashlib, sys; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')"
stamp=".venv/.installed-$hash"

if [[ -e "$stamp" ]]; then
    exit 0
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
echo "setup: installing tuoyu_excel[dev] into .venv"
.venv/bin/python -m pip install -q --upgrade pip </dev/null
.venv/bin/python -m pip install -q -e ".[dev]" </dev/null
rm -f .venv/.installed-*
touch "$stamp"
echo "setup: done ($(.venv/bin/python --version 2>&1), .venv ready)"
