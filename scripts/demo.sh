#!/usr/bin/env bash
# Set up the .venv and run the main job on the bundled samples, writing into out/
# (or the directory given as the first argument).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="${1:-out/}"
bash scripts/setup.sh
mkdir -p "$out"
if .venv/bin/tuoyu demo --help >/dev/null 2>&1 </dev/null; then
    .venv/bin/tuoyu demo -o "$out"
else
    .venv/bin/tuoyu template star -o "$out"
    .venv/bin/tuoyu template city -o "$out"
fi
echo "demo: output in $out"
ls -l "$out"
