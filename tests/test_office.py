"""The headless-LibreOffice helpers in tests/office.py really recalculate and render.

LibreOffice 7.4's default is to trust the cached formula results in an .xlsx (it even ignores
xlsxwriter's fullCalcOnLoad="1"), so a wrong cached value surviving here would mean the
private profile's "always recalculate" setting did not take effect.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from office import convert, recalculate

pytestmark = pytest.mark.office

WRONG_CACHED = 999


def _sum_book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("评分")
    ws.write("A1", 2)
    ws.write("A2", 3)
    ws.write_formula("A3", "=SUM(A1:A2)", None, WRONG_CACHED)
    ws.write("B3", "合计得分")
    wb.close()
    return path


def _a3(path: Path):
    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        return wb["评分"]["A3"].value
    finally:
        wb.close()


def test_recalculate_replaces_stale_cached_value(tmp_path: Path) -> None:
    src = _sum_book(tmp_path / "sum.xlsx")
    assert _a3(src) == WRONG_CACHED  # the stale value really is in the file

    out = recalculate(src, tmp_path / "out")

    assert out == (tmp_path / "out" / "sum.xlsx").resolve()
    assert _a3(out) == 5
    assert openpyxl.load_workbook(out)["评分"]["A3"].value == "=SUM(A1:A2)"  # formula kept
    assert _a3(src) == WRONG_CACHED  # source untouched


def test_convert_to_pdf(tmp_path: Path) -> None:
    src = _sum_book(tmp_path / "sum.xlsx")

    pdf = convert(src, "pdf", tmp_path)

    assert pdf == (tmp_path / "sum.pdf").resolve()
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):  # poppler-utils, installed by scripts/install_system_deps.sh
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        assert "5" in text.split()
        assert str(WRONG_CACHED) not in text
        assert "合计得分" in text


def test_convert_refuses_to_overwrite_source(tmp_path: Path) -> None:
    src = _sum_book(tmp_path / "sum.xlsx")
    with pytest.raises(ValueError, match="overwrite"):
        recalculate(src, tmp_path)
