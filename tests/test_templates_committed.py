"""Every blank workbook committed in templates/ is exactly what `tuoyu template KIND` writes now.

Regenerate with `bash scripts/regen_templates.sh` after changing a rubric or a layout, and commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tuoyu_excel.app.kinds import TEMPLATES
from tuoyu_excel.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_committed_template_matches_the_generator(kind, tmp_path, capsys):
    assert main(["template", kind, "-o", str(tmp_path)]) == 0
    [written] = list(tmp_path.glob("*.xlsx"))
    committed = ROOT / "templates" / written.name
    assert committed.is_file(), f"templates/{written.name} is missing: run scripts/regen_templates.sh and commit"
    assert committed.read_bytes() == written.read_bytes(), (
        f"templates/{written.name} differs from what `tuoyu template {kind}` writes: run scripts/regen_templates.sh")


def test_nothing_stale_in_templates(tmp_path):
    for kind in TEMPLATES:
        main(["template", kind, "-o", str(tmp_path)])
    assert {p.name for p in (ROOT / "templates").glob("*.xlsx")} == {p.name for p in tmp_path.glob("*.xlsx")}
