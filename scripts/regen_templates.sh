#!/usr/bin/env bash
# Regenerate the blank workbooks committed in templates/ (run after changing a rubric or the layout).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for kind in star city averages history; do
    if .venv/bin/tuoyu template --help | grep -q "$kind"; then
        .venv/bin/tuoyu template "$kind" -o templates/ --overwrite
    fi
done
