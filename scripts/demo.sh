#!/usr/bin/env bash
# Set up the .venv and run the main job on the bundled samples, writing into out/
# (or the directory given as the first argument). A second run replaces the first run's files.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="${1:-out/}"
bash scripts/setup.sh
.venv/bin/tuoyu demo -o "$out"
echo "demo: output in $out"
ls -l "$out"
