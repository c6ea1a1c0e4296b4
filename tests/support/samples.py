"""scripts/make_samples.py as a module, loaded once for every test that asks what the samples should hold."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_samples.py"


def make_samples() -> ModuleType:
    """The sample generator (its plan, expected outcomes, EVAL_DATE); loaded and run once per session."""
    module = sys.modules.get("make_samples")
    if module is None:
        spec = importlib.util.spec_from_file_location("make_samples", SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules["make_samples"] = module  # dataclasses look their module up while the script runs
        spec.loader.exec_module(module)
    return module
