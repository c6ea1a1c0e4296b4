"""Workbooks built to make the reader ask for gigabytes, refused by preflight before any reader sees them.

Each is built here from a valid filled workbook: an .xls whose DIMENSIONS records claim millions of
rows (patched at the record level), an .ods whose 机构名称 asks for 400 million spaces, an .xlsx whose
relationships part is padded past 1 MB and whose 评分表 part is renamed sheet3.dat with a value at
CV600000, and a folder named like a workbook. A run over them beside valid workbooks finishes, names
each bad file, scores the valid ones, stays small, and changes no input.
"""

from __future__ import annotations

import hashlib
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.star import EVAL_DATE, STAR, filled
from test_hardening import sheet_part

from tuoyu_excel.core.pipeline import run
from tuoyu_excel.intake.preflight import load_input
from tuoyu_excel.intake.sheet_size import MAX_ODS_SPACES
from tuoyu_excel.layout import submission as layout

ROOT = Path(__file__).resolve().parents[1]
DIMENSIONS = b"\x00\x02\x0e\x00"  # BIFF8 DIMENSIONS record: type 0x0200, 14 bytes


def with_huge_dimensions(xls: Path, dst: Path, rows: int = 0x00FF_FFFF) -> Path:
    """Every DIMENSIONS record of the .xls claims `rows` rows (the cells stay where they are)."""
    data = bytearray(xls.read_bytes())
    found = 0
    at = data.find(DIMENSIONS)
    while at >= 0:
        struct.pack_into("<I", data, at + 4 + 4, rows)  # rwMac: the first row after the used range
        found += 1
        at = data.find(DIMENSIONS, at + 4)
    assert found >= 3  # one per sheet: 填表说明, 申报表, 评分表 (and the hidden metadata sheet)
    dst.write_bytes(bytes(data))
    return dst


def with_space_bomb(ods: Path, dst: Path, count: int = 400_000_000) -> Path:
    """The .ods's 机构名称 text holds <text:s text:c="count"/>: the reader would expand it into spaces."""
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode()
    needle = "<text:p>"
    at = content.index(needle, content.index("机构名称"))  # the value cell right of the label
    content = content[:at + len(needle)] + f'<text:s text:c="{count}"/>' + content[at + len(needle):]
    with zipfile.ZipFile(ods) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = content.encode() if info.filename == "content.xml" else zin.read(info.filename)
            zout.writestr(info, data)
    return dst


def with_hidden_sheet_part(src: Path, dst: Path, pad_rels: bool) -> Path:
    """评分表 moved to xl/worksheets/sheet3.dat with a value at CV600000; the relationships part
    optionally padded past 1 MB with a comment (a small-part reader would give up on it)."""
    part = sheet_part(src, layout.SCORE_SHEET)
    moved = "xl/worksheets/sheet3.dat"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                zout.writestr(moved, data.replace(b"</sheetData>",
                                                  b'<row r="600000"><c r="CV600000"><v>1</v></c></row></sheetData>'))
                continue
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(part.removeprefix("xl/").encode(), moved.removeprefix("xl/").encode())
                if pad_rels:
                    data = data.replace(b"<Relationships", b"<!--" + b" " * (1_100_000) + b"--><Relationships", 1)
            zout.writestr(info.filename, data)
    return dst


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    return filled(tmp_path_factory.mktemp("seed") / "机构.xlsx", seed=21)


def test_a_renamed_sheet_part_is_still_measured(tmp_path, seed):
    path = with_hidden_sheet_part(seed, tmp_path / "改名.xlsx", pad_rels=False)
    issue = load_input(path).issue
    assert issue is not None and issue.code == "SHEET_TOO_LARGE" and "CV600000" in issue.message


def test_a_part_preflight_cannot_judge_is_refused(tmp_path, seed):
    path = with_hidden_sheet_part(seed, tmp_path / "填充.xlsx", pad_rels=True)
    issue = load_input(path).issue
    assert issue is not None and issue.code == "FILE_TOO_LARGE"
    assert "workbook.xml.rels 超过 1 MB" in issue.message


def test_a_folder_named_like_a_workbook_is_listed(tmp_path, seed):
    folder = tmp_path / "收到"
    (folder / "文件夹.xlsx").mkdir(parents=True)
    filled(folder / "正常.xlsx", seed=22)
    result = run(folder, STAR, "city", EVAL_DATE)
    by_name = {f.file: f for f in result.files}
    assert [i.code for i in by_name["文件夹.xlsx"].issues] == ["FILE_UNREADABLE"]
    assert "这是一个文件夹" in by_name["文件夹.xlsx"].issues[0].message
    assert by_name["正常.xlsx"].card is not None


@pytest.mark.office
def test_xls_dimensions_claiming_millions_of_rows_are_refused(tmp_path, seed):
    from office import convert

    xls = convert(seed, "xls", tmp_path / "xls")
    assert load_input(xls).issue is None
    bomb = with_huge_dimensions(xls, tmp_path / "维度.xls")
    issue = load_input(bomb).issue
    assert issue is not None and issue.code == "SHEET_TOO_LARGE" and "16777215 行" in issue.message


@pytest.mark.office
def test_an_ods_asking_for_millions_of_spaces_is_refused(tmp_path, seed):
    from office import convert

    ods = convert(seed, "ods", tmp_path / "ods")
    assert load_input(ods).issue is None
    bomb = with_space_bomb(ods, tmp_path / "空格.ods")
    issue = load_input(bomb).issue
    assert issue is not None and issue.code == "FILE_TOO_LARGE" and str(MAX_ODS_SPACES) in issue.message
    small = with_space_bomb(ods, tmp_path / "几个空格.ods", count=3)  # what LibreOffice writes for "a   b"
    assert load_input(small).issue is None


@pytest.mark.office
def test_check_finishes_on_the_hostile_folder_small_and_inputs_unchanged(tmp_path, seed):
    from office import convert

    folder = tmp_path / "收到的材料"
    folder.mkdir()
    for n in range(3):
        filled(folder / f"0{n + 1}_正常.xlsx", seed=30 + n)
    with_huge_dimensions(convert(seed, "xls", tmp_path / "xls"), folder / "维度.xls")
    with_space_bomb(convert(seed, "ods", tmp_path / "ods"), folder / "空格.ods")
    with_hidden_sheet_part(seed, folder / "填充.xlsx", pad_rels=True)
    (folder / "文件夹.xlsx").mkdir()
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}
    done = subprocess.run([sys.executable, "-m", "tuoyu_excel", "check", str(folder), "--rubric", "liuzhou_star",
                           "--stage", "city", "--date", EVAL_DATE.isoformat(), "-o", str(tmp_path / "报告.xlsx")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    for name in ("维度.xls", "空格.ods", "填充.xlsx", "文件夹.xlsx"):
        assert f"  {name}：无法读取，未计分" in done.stdout.splitlines(), name
    assert done.stdout.count("综合得分 ") == 3  # the valid ones are scored
    assert peak_mb < 1024, peak_mb
    assert before == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}
