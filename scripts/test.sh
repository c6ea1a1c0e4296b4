#!/usr/bin/env bash
# Set up everything and run the whole test suite: system packages (LibreOffice, CJK fonts,
# Xvfb, ...), the .venv, pytest (which also checks the committed templates and the import contract).
# Arguments go to pytest (defaults come from [tool.pytest.ini_options] in pyproject.toml):
#   scripts/test.sh                 # everything
#   scripts/test.sh -q -k office    # a subset
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install_system_deps.sh
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
