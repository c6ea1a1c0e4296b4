"""xlsx_out: the one way our workbooks are written.

The fast row writer (``TextSafeWorksheet.plain_row``) must write exactly the bytes XlsxWriter writes
cell by cell, for every kind of value a results list holds; anything it does not handle goes the
slow way, row by row.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tuoyu_excel.render.formats import make_formats
from tuoyu_excel.render.tables import SCORE, TEXT, Col, write_table
from tuoyu_excel.render.xlsx import TextSafeWorksheet, writing_workbook

COLS = (Col("机构名称", max_width=12), Col("得分", SCORE), Col("说明", TEXT, max_width=20))
ROWS = [
    ["城区托育01", Decimal("812.50"), "现场核验发现台账不全，已按评分标准扣分"],  # wraps: a taller row
    ["A & B <托育>", Decimal("0"), ""],  # XML characters; a blank cell keeps its border
    ["  前后有空格  ", 7, None],  # whitespace kept (xml:space="preserve")
    ["负零", Decimal("-0"), 0.0],  # equal to the 0 above, but written "-0" as XlsxWriter writes it
    ["控制\x01字符_x0041_", 3.25, "不适用"],  # control characters and Excel's own escapes
    ['=HYPERLINK("http://x","y")', Decimal("1E+2"), "+1"],  # formulas stay text
    ["<r><t>a</t></r></is><f>SUM(1)</f><is><r><t>b</t></r>", Decimal("5"), "x"],  # rich-looking: slow row
    ["日期行", dt.date(2026, 11, 22), "y"],  # a date: slow row
    ["很长" * 9000, Decimal("1"), "z"],  # over half of Excel's cap: measured by XlsxWriter, slow row
    ["布尔", True, "w"],  # a bool: slow row
]


def write(path: Path, fast: bool, monkeypatch) -> bytes:
    if not fast:
        monkeypatch.setattr(TextSafeWorksheet, "plain_row", lambda self, *args, **kwargs: False)
    with writing_workbook(path, "测试", constant_memory=True) as wb:
        fmts = make_formats(wb)
        ws = wb.add_worksheet("表")
        ws.write_string(0, 0, "标题", fmts["label"])
        end = write_table(ws, fmts, COLS, ROWS, first_row=2)
        ws.write_string(end + 1, 0, "表后的一行", fmts["note"])
    monkeypatch.undo()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml")


def test_fast_rows_are_byte_for_byte_what_xlsxwriter_writes(tmp_path: Path, monkeypatch):
    slow = write(tmp_path / "slow.xlsx", False, monkeypatch)
    fast = write(tmp_path / "fast.xlsx", True, monkeypatch)
    assert fast == slow
    assert (tmp_path / "fast.xlsx").read_bytes() == (tmp_path / "slow.xlsx").read_bytes()
    assert b"<f>" not in fast


def test_fast_rows_are_used_and_read_back(tmp_path: Path, monkeypatch):
    used = []
    real = TextSafeWorksheet.plain_row

    def spy(self, row, *args, **kwargs):
        done = real(self, row, *args, **kwargs)
        used.append(done)
        return done

    monkeypatch.setattr(TextSafeWorksheet, "plain_row", spy)
    with writing_workbook(tmp_path / "t.xlsx", "测试", constant_memory=True) as wb:
        fmts = make_formats(wb)
        write_table(wb.add_worksheet("表"), fmts, COLS, ROWS)
    assert used == [True] * 6 + [False] * 4
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["表"]
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert got[1] == ["A & B <托育>", 0, None] and got[2] == ["  前后有空格  ", 7, None]
    assert got[5][0] == '=HYPERLINK("http://x","y")'  # (openpyxl leaves Excel's _x0001_ escapes as they are)
    assert got[6][0] == ROWS[6][0] and ws.row_dimensions[2].height > 15


@pytest.mark.parametrize("constant_memory", [False, True])
def test_a_row_after_written_rows_is_not_written_twice(tmp_path: Path, constant_memory: bool):
    """After fast rows, cells written the usual way land in later rows once (the file opens cleanly)."""
    path = tmp_path / "t.xlsx"
    with writing_workbook(path, "测试", constant_memory=constant_memory) as wb:
        fmts = make_formats(wb)
        ws = wb.add_worksheet("表")
        end = write_table(ws, fmts, COLS, ROWS[:3])
        ws.set_row(end, 30)
        ws.write_string(end, 0, "合计", fmts["label"])
        ws.write_number(end, 1, 9, fmts[SCORE])
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    numbers = [int(chunk.split('"')[0]) for chunk in xml.split('<row r="')[1:]]
    assert numbers == sorted(set(numbers)) == list(range(1, end + 2))
    assert [c.value for c in openpyxl.load_workbook(path)["表"][end + 1]][:2] == ["合计", 9]
