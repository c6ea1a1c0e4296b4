"""Shared pytest setup: tests/ on sys.path (for ``from office import ...``) and the ``office`` marker."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from office import soffice_path  # noqa: E402


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "office: needs headless LibreOffice (scripts/install_system_deps.sh installs it); "
        "skipped when missing, but a failure when CI is set",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("office") is None or soffice_path() is not None:
        return
    msg = "LibreOffice (soffice) not found: run scripts/install_system_deps.sh"
    if _in_ci():
        pytest.fail(msg + " (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(msg)


# CI runs Hypothesis derandomized, so a red run can be reproduced exactly; locally it explores anew.
try:
    from hypothesis import settings as _hyp_settings

    _hyp_settings.register_profile("ci", derandomize=True, print_blob=True)
    if _in_ci():
        _hyp_settings.load_profile("ci")
except ImportError:  # pragma: no cover - hypothesis is a dev dependency
    pass
