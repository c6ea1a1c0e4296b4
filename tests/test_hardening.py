"""Hostile and unlucky inputs: each gives one clear issue, the run finishes, every other file is scored.

Each test builds its folder from literal content: valid workbooks filled in code, then bytes or XML
written into them by hand — an entity bomb and an external entity in a sheet's XML and in the shared
strings, a zip bomb, a truncated zip, a password, a CSV renamed .xlsx, an empty file, 100 000 rows in
评分表, one stray value far away (CV1000000), an .ods repeating a row a million times, a file deleted
or locked while the run is going. Then the commands: names like ``=HYPERLINK("http://x","y")`` stay
literal text in every workbook written, no input changes by a single byte, no results file is
overwritten.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from functools import cache
from pathlib import Path, PurePosixPath

import openpyxl
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msoffcrypto.format.ooxml import OOXMLFile
from support.city import formulas_in, write_city
from support.star import (
    CITY,
    EVAL_DATE,
    STAR,
    assert_literal_text,
    field_cell,
    filled,
    full_scores,
    note_cell,
    score_cell,
    store_text,
    template,
    valid_form,
)

from tuoyu_excel.cli import main as cli
from tuoyu_excel.core.pipeline import STATUS_UNREADABLE, run
from tuoyu_excel.intake.sheet_size import MAX_SHEET_ROWS
from tuoyu_excel.layout import submission as layout

DATE = EVAL_DATE.isoformat()
SCORE = layout.SCORE_SHEET
FORM = layout.form_sheet(STAR)

# ---- building hostile workbooks from a valid one -------------------------------------------------

BOMB = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol;" if n == 1 else f"&lol{n - 1};") * 10}">' for n in range(1, 10))
        + "]>")
EXTERNAL = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
PASSWD = "root:x:0:0"  # the first line of /etc/passwd: must never show up anywhere


def sheet_part(xlsx: Path, sheet: str) -> str:
    """The zip member holding `sheet`, found through xl/workbook.xml and its relationships."""
    with zipfile.ZipFile(xlsx) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="(\w+)"', book).group(1)
    target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels).group(1)
    return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)


def rewrite(src: Path, dst: Path, change, added: dict[str, bytes] | None = None) -> Path:
    """Copy an xlsx member by member; change(name, bytes) returns the new bytes (None: unchanged)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, change(info.filename, data) or data)
        for name, data in (added or {}).items():
            zout.writestr(name, data)
    return dst


def with_entity(src: Path, dst: Path, doctype: str, reference: str) -> Path:
    """`doctype` before the 评分表 root element, `reference` typed into the 扣分说明 of 2-03."""
    part, cell = sheet_part(src, SCORE), note_cell(STAR, "2-03")

    def change(name: str, data: bytes):
        if name != part:
            return None
        xml = data.decode()
        xml, n = re.subn(rf'<c r="{cell}"( [^>]*)?/>', f'<c r="{cell}" t="inlineStr"><is><t>{reference}</t></is></c>', xml)
        assert n == 1
        return (doctype + xml).encode()

    return rewrite(src, dst, change)


def with_shared_string_bomb(src: Path, dst: Path) -> Path:
    """A sharedStrings part whose only string is &lol9; (10⁹ × "lol"), used by the 机构名称 cell."""
    part, cell = sheet_part(src, FORM), field_cell(STAR, "name")
    sst = (f'<?xml version="1.0" encoding="UTF-8"?>{BOMB}<sst xmlns="http://schemas.openxmlformats.org/'
           'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    rel = ('<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/>')
    override = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sharedStrings+xml"/>')

    def change(name: str, data: bytes):
        if name == part:
            xml, n = re.subn(rf'<c r="{cell}"([^>]*?) t="inlineStr"><is><t>[^<]*</t></is></c>',
                             rf'<c r="{cell}"\1 t="s"><v>0</v></c>', data.decode())
            assert n == 1
            return xml.encode()
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", override.encode() + b"</Types>")
        return None

    return rewrite(src, dst, change, {"xl/sharedStrings.xml": sst.encode()})


def with_rows(src: Path, dst: Path, rows: int, first: int = 83) -> Path:
    """`rows` extra rows of 13 numbers appended to 评分表, as if a whole block had been filled down."""
    part = sheet_part(src, SCORE)
    letters = "ABCDEFGHIJKLM"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename != part:
                zout.writestr(info.filename, data)
                continue
            head, tail = data.decode().split("</sheetData>")
            with zout.open(part, "w", force_zip64=True) as out:
                out.write(head.encode())
                for start in range(first, first + rows, 5000):
                    out.write("".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in letters)
                                      + "</row>" for r in range(start, min(start + 5000, first + rows))).encode())
                out.write(("</sheetData>" + tail).encode())
    return dst


def with_far_cell(src: Path, dst: Path, ref: str = "CV1000000") -> Path:
    """One stray value at `ref` in 评分表 (and a <dimension> that does not admit it): python-calamine
    would allocate every cell of A1:CV1000000, about 3 GB."""
    part = sheet_part(src, SCORE)
    row = re.sub(r"\D", "", ref)
    return rewrite(src, dst, lambda name, data: data.replace(
        b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode())
        if name == part else None)


def with_padding(src: Path, dst: Path, mb: int = 20) -> Path:
    """A zip bomb that is still valid XML: 20 MB of spaces in 评分表, compressed about 1000:1."""
    part = sheet_part(src, SCORE)
    return rewrite(src, dst, lambda name, data: data.replace(b"</sheetData>", b"</sheetData>" + b" " * (mb << 20))
                   if name == part else None)


def repeated_row_ods(dst: Path, rows: int = 1_000_000) -> Path:
    """An .ods of a few hundred bytes whose one row (ten values) is repeated a million times."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="{SCORE}"><table:table-row table:number-rows-repeated='
               f'"{rows}"><table:table-cell table:number-columns-repeated="10" office:value-type="float" '
               'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(dst, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return dst


def encrypted(src: Path, dst: Path) -> Path:
    with open(src, "rb") as plain, open(dst, "wb") as out:
        OOXMLFile(plain).encrypt("123456", out)
    return dst


# ---- the folder of hostile files -----------------------------------------------------------------

# file name -> (code of its one issue, words the message must contain)
HOSTILE = {
    "实体炸弹.xlsx": ("FILE_UNSAFE_XML", "sheet3.xml"),
    "外部实体.xlsx": ("FILE_UNSAFE_XML", "DOCTYPE"),
    "共享字符串炸弹.xlsx": ("FILE_UNSAFE_XML", "sharedStrings.xml"),
    "压缩炸弹.xlsx": ("FILE_TOO_LARGE", "压缩比"),
    "截断.xlsx": ("FILE_CORRUPT", "不完整"),
    "加密.xlsx": ("FILE_ENCRYPTED", "密码"),
    "名单.xlsx": ("FILE_NOT_SPREADSHEET", "CSV"),
    "空文件.xlsx": ("FILE_NOT_SPREADSHEET", "文件为空"),
    "十万行.xlsx": ("SHEET_TOO_LARGE", "“评分表”工作表有 100082 行 × 13 列"),
    "远处一格.xlsx": ("SHEET_TOO_LARGE", "CV1000000"),
    "重复行.ods": ("SHEET_TOO_LARGE", "1000000 行 × 10 列"),
}
VALID = ("01_阳光托育.xlsx", "02_彩虹托育.xlsx")


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    return filled(tmp_path_factory.mktemp("seed") / "机构.xlsx", seed=11)


def add_bombs_and_broken_files(folder: Path, seed: Path) -> None:
    """Copies of `seed` as an entity bomb, a shared-string bomb, a zip bomb, a truncated and an encrypted
    file, and a CSV named .xlsx (each refused by preflight with its own issue)."""
    with_entity(seed, folder / "实体炸弹.xlsx", BOMB, "&lol9;")
    with_shared_string_bomb(seed, folder / "共享字符串炸弹.xlsx")
    with_padding(seed, folder / "压缩炸弹.xlsx")
    whole = seed.read_bytes()
    (folder / "截断.xlsx").write_bytes(whole[: len(whole) // 2])
    encrypted(seed, folder / "加密.xlsx")
    (folder / "名单.xlsx").write_text("机构名称,统一社会信用代码,得分\r\n阳光托育,91450200MA5K00001X,85\r\n", encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory, seed: Path) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "收到的材料"
    folder.mkdir()
    for n, name in enumerate(VALID, 1):
        filled(folder / name, seed=n)
    add_bombs_and_broken_files(folder, seed)
    with_entity(seed, folder / "外部实体.xlsx", EXTERNAL, "&xxe;")
    (folder / "空文件.xlsx").write_bytes(b"")
    with_rows(seed, folder / "十万行.xlsx", 100_000)
    with_far_cell(seed, folder / "远处一格.xlsx")
    repeated_row_ods(folder / "重复行.ods")
    assert sorted(p.name for p in folder.iterdir()) == sorted([*VALID, *HOSTILE])
    return folder


def digests(*folders: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def test_each_hostile_file_gives_one_clear_issue_and_the_others_are_scored(hostile_folder: Path):
    before = digests(hostile_folder)
    result = run(hostile_folder, STAR, "city", EVAL_DATE)
    files = {f.file: f for f in result.files}
    assert sorted(files) == sorted([*VALID, *HOSTILE])
    for name, (code, words) in HOSTILE.items():
        f = files[name]
        assert [i.code for i in f.issues] == [code], name
        assert words in f.issues[0].message, f.issues[0].message
        assert f.status == STATUS_UNREADABLE and f.card is None
    assert {name: files[name].card.total for name in VALID} == {name: Decimal(1000) for name in VALID}
    text = json.dumps([(i.message, i.found, i.expected) for i in result.issues], ensure_ascii=False)
    assert PASSWD not in text and "lollol" not in text
    assert digests(hostile_folder) == before


def test_entity_bombs_are_refused_before_any_parser_sees_them(tmp_path: Path, seed: Path):
    """Without the DOCTYPE guard python-calamine stops at the unknown entity (no expansion either way),
    and openpyxl (annotated copies, error lookups) refuses any DTD through defusedxml."""
    bomb = with_entity(seed, tmp_path / "b.xlsx", BOMB, "&lol9;")
    with pytest.raises(python_calamine.XmlError, match="entity"):
        python_calamine.CalamineWorkbook.from_path(str(bomb)).get_sheet_by_name(SCORE).to_python()
    harmless = with_entity(seed, tmp_path / "c.xlsx", EXTERNAL, "无引用")  # a DTD, never referenced
    issues = run(harmless, STAR, "city", EVAL_DATE).issues
    assert [i.code for i in issues] == ["FILE_UNSAFE_XML"]


TOO_LARGE, NOT_XML = "SHEET_TOO_LARGE", "FILE_CORRUPT"
STRAY = {  # one value far away, written the ways python-calamine accepts -> the issue it gets
    "as Excel writes it": ('<row r="1000000"><c r="CV1000000"><v>1</v></c></row>', TOO_LARGE),
    "position from the row": ('<row r="1000000"><c><v>1</v></c></row>', TOO_LARGE),
    "attributes reordered": ('<row r="9000"><c s="0" r="ZZ9000" t="n"><v>1</v></c></row>', TOO_LARGE),
    "prefixed tags": ('<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="20000">'
                      '<x:c r="A20000"><x:v>1</x:v></x:c></x:row>', TOO_LARGE),
    "column letters only": ('<row r="50000"><c r="A"><v>1</v></c></row>', TOO_LARGE),
    "a text value": ('<row r="10001"><c r="A10001" t="inlineStr"><is><t>x</t></is></c></row>', TOO_LARGE),
    "spaces around =": ('<row r="90"><c r = "CV20000"><v>1</v></c></row>', TOO_LARGE),
    "single quotes": ("<row r='90'><c r='CV20000'><v>1</v></c></row>", TOO_LARGE),
    "a tab before r": ('<row r="90"><c\tr="CV20000"><v>1</v></c></row>', TOO_LARGE),
    "lower-case letters": ('<row r="90"><c r="cv20000"><v>1</v></c></row>', TOO_LARGE),
    # python-calamine is lenient where XML is not: the last of two r attributes wins, even glued to the
    # one before. Fuzzing found the glued form with XFD1048576: a 512 GB allocation, the process aborted.
    "a second r, glued": ('<row r="90"><c r="A90" s="1"r="CV20000"><v>1</v></c></row>', NOT_XML),
    "a second r": ('<row r="90"><c r="A90" r="CV20000"><v>1</v></c></row>', NOT_XML),
    "> and < inside a value": ('<row r="90"><c r="A90" a="<c>" r="CV20000"><v>1</v></c></row>', NOT_XML),
}


@pytest.mark.parametrize("case", list(STRAY))
def test_a_stray_value_far_away_is_refused_however_written(tmp_path: Path, seed: Path, case: str):
    xml, code = STRAY[case]
    part = sheet_part(seed, SCORE)
    path = rewrite(seed, tmp_path / "远.xlsx", lambda name, data: data.replace(
        b"</sheetData>", xml.encode() + b"</sheetData>") if name == part else None)
    assert [i.code for i in run(path, STAR, "city", EVAL_DATE).issues] == [code]


@pytest.mark.office
def test_a_stray_value_far_away_in_an_xls_is_refused(tmp_path: Path, seed: Path):
    """WPS "97-2003" files: python-calamine would take 1 GB for one value at IV65536 of an 80 KB .xls."""
    from office import convert

    far = with_far_cell(seed, tmp_path / "远.xlsx", "IV65536")
    near = filled(tmp_path / "近.xlsx", seed=12)
    xls = [convert(path, "xls", tmp_path / "xls") for path in (far, near)]
    result = run(xls, STAR, "city", EVAL_DATE)
    assert [[i.code for i in f.issues] for f in result.files] == [["SHEET_TOO_LARGE"], []]
    assert "“评分表”工作表有 65536 行 × 256 列" in result.files[0].issues[0].message
    assert result.files[1].card.total == Decimal(1000)


@pytest.mark.parametrize("extra", [
    '<row r="1000000"><c r="CV1000000" s="1"/></row>',  # formatted, empty: python-calamine skips it
    '<row r="9000"><c r="BZ9000"><v>1</v></c></row>',  # 9000 × 78 cells: inside both limits
])
def test_what_costs_nothing_is_not_refused(tmp_path: Path, seed: Path, extra: str):
    part = sheet_part(seed, SCORE)
    path = rewrite(seed, tmp_path / "近.xlsx", lambda name, data: data.replace(
        b"</sheetData>", extra.encode() + b"</sheetData>") if name == part else None)
    result = run(path, STAR, "city", EVAL_DATE)
    assert result.issues == [] and result.files[0].card.total == Decimal(1000)


@pytest.mark.parametrize("number", ["NaN", "inf", "-INF", "1e999"])
def test_a_number_no_spreadsheet_writes_is_an_issue_at_its_cell(tmp_path: Path, seed: Path, number: str):
    """python-calamine reads <v>NaN</v> as a float NaN; the fast path for clean scores once crashed on it."""
    cells = {SCORE: score_cell(STAR, "city", "3-07"), FORM: field_cell(STAR, "capacity")}

    def change(name: str, data: bytes):
        sheet = next((sh for sh in cells if sheet_part(seed, sh) == name), None)
        if sheet is None:
            return None
        xml, n = re.subn(rf'<c r="{cells[sheet]}"([^>]*)><v>[^<]*</v></c>', rf'<c r="{cells[sheet]}"\1><v>{number}</v></c>',
                         data.decode())
        assert n == 1
        return xml.encode()

    result = run(rewrite(seed, tmp_path / "非数.xlsx", change), STAR, "city", EVAL_DATE)
    assert sorted(i.key()[0::2] for i in result.issues) == [
        ("FIELD_INT", f"{FORM}!{cells[FORM]}"), ("SCORE_NOT_NUMBER", f"{SCORE}!{cells[SCORE]}")]


# ---- damaged XML inside an intact zip: read, or one clear issue; never a crash --------------------------

DAMAGE = [b"<", b">", b'"', b"&", b"&#0;", b"&#xD800;", b"\xff\xfe", b"9999999", b"</row>", b"<row>", b'<c r="A1">',
          b'r="XFD1048576"', b'r="A0"', b't="s"', b't="e"', b't="d"', b"<v>x</v>", b"<v>1e999</v>", b"<v>-1</v>",
          b"<f>", b's="999"', b"<!DOCTYPE x>", b"<v>NaN</v>", b"<v>inf</v>"]


@cache
def members(xlsx: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(xlsx) as z:
        return {name: z.read(name) for name in z.namelist()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_parts_never_crash_a_run(tmp_path: Path, seed: Path, data):
    seed_members = members(seed)
    part = data.draw(st.sampled_from(sorted(seed_members)))
    damaged = bytearray(seed_members[part])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(damaged)))
        piece = data.draw(st.one_of(st.sampled_from(DAMAGE), st.binary(min_size=1, max_size=3)))
        damaged[at:at + (len(piece) if data.draw(st.booleans()) else 0)] = piece
    path = tmp_path / "损坏.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in seed_members.items():
            z.writestr(name, bytes(damaged) if name == part else content)
    [f] = run(path, STAR, "city", EVAL_DATE).files  # raises nothing
    assert f.submission is not None or all(not i.cell for i in f.issues), f.issues  # read, or why not


# ---- commands over the hostile folder --------------------------------------------------------------

def tuoyu(*args: object) -> int:
    return cli.main([str(a) for a in args])


def test_commands_finish_on_the_hostile_folder_and_change_no_input(hostile_folder: Path, tmp_path: Path, capsys):
    before = digests(hostile_folder)
    assert tuoyu("check", hostile_folder, "--stage", "city", "-o", tmp_path / "校验.xlsx", "--date", DATE) == 1
    assert tuoyu("star", hostile_folder, "-o", tmp_path / "结果.xlsx", "--date", DATE) == 1
    assert tuoyu("report", hostile_folder, "--county", "城中区", "-o", tmp_path / "初评.xlsx", "--date", DATE) == 1
    out = capsys.readouterr().out
    for name in HOSTILE:
        assert name in out
    wb = openpyxl.load_workbook(tmp_path / "结果.xlsx", read_only=True)
    ranked = [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True) if any(
        isinstance(v, str) and v.startswith("柳州市阳光托育中心") for v in row)]
    assert ranked  # the two valid institutions are in the results
    assert digests(hostile_folder) == before
    for xlsx in tmp_path.glob("*.xlsx"):
        assert PASSWD.encode() not in b"".join(_sheet_xml(xlsx).values())


def _sheet_xml(xlsx: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(xlsx) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".xml")}


# ---- bounded memory and time -----------------------------------------------------------------------

MEASURE = """
import datetime as dt, json, resource, sys, time
from pathlib import Path
from tuoyu_excel.core.pipeline import process_file
from tuoyu_excel.intake.rubric_file import load_rubric

def peak_mb():
    # Linux: VmHWM, reset below; ru_maxrss would still hold the parent's peak from before exec
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (2**20 if sys.platform == "darwin" else 1024)

def measure(work):
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # the peak starts again from the current RSS
    except OSError:
        pass
    before, start = peak_mb(), time.perf_counter()
    value = work()
    return value, {"seconds": time.perf_counter() - start, "peak_delta_mb": peak_mb() - before}

rubric, day = load_rubric("liuzhou_star"), dt.date(2026, 11, 22)
process_file(Path(sys.argv[1]), rubric, "city", day)  # imports, caches and the allocator warmed up
figures = {}
for name in sys.argv[2:]:
    result, figures[Path(name).name] = measure(lambda: process_file(Path(name), rubric, "city", day))
    figures[Path(name).name]["codes"] = [i.code for i in result.issues]
import python_calamine  # the control: the first file loaded with no guard, to show the meter moves
_, figures["unguarded"] = measure(
    lambda: python_calamine.CalamineWorkbook.from_path(sys.argv[2]).get_sheet_by_name("评分表").to_python(nrows=3000))
print(json.dumps(figures, ensure_ascii=False))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="resource.getrusage is POSIX only")
def test_huge_sheets_cost_little_memory_and_time(hostile_folder: Path):
    """Measured in a fresh process, so earlier tests do not hide the peak. Without the guard,
    python-calamine takes ~90 MB and 0.6 s for the 100 000 rows, ~3 GB for CV1000000 and ~640 MB
    for the repeated .ods row (the 100 000 rows are loaded unguarded at the end, as a control)."""
    names = ["十万行.xlsx", "远处一格.xlsx", "重复行.ods"]  # 十万行 first: the control loads it
    done = subprocess.run([sys.executable, "-c", MEASURE, str(hostile_folder / VALID[0]),
                           *(str(hostile_folder / n) for n in names)], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    figures = json.loads(done.stdout)
    print(json.dumps(figures, ensure_ascii=False))  # pytest -s shows the figures
    for name in names:
        assert figures[name]["codes"] == ["SHEET_TOO_LARGE"]
        assert figures[name]["peak_delta_mb"] < 300, figures[name]
        assert figures[name]["seconds"] < 10, figures[name]
    assert figures["unguarded"]["peak_delta_mb"] > 10  # the meter does see python-calamine load a sheet


def test_a_sheet_just_inside_the_limits_is_read(tmp_path: Path, seed: Path):
    """The guard is not a hair trigger: rows down to MAX_SHEET_ROWS are still read (and scored)."""
    inside = with_rows(seed, tmp_path / "长.xlsx", MAX_SHEET_ROWS - 82)  # rows 83 … MAX_SHEET_ROWS
    result = run(inside, STAR, "city", EVAL_DATE)
    assert result.issues == [] and result.files[0].card.total == Decimal(1000)
    over = with_rows(seed, tmp_path / "过长.xlsx", MAX_SHEET_ROWS - 81)
    assert [i.code for i in run(over, STAR, "city", EVAL_DATE).issues] == ["SHEET_TOO_LARGE"]


# ---- deleted or locked while the run is going ----------------------------------------------------------

@pytest.fixture
def three(tmp_path: Path) -> Path:
    folder = tmp_path / "材料"
    for n in (1, 2, 3):
        filled(folder / f"0{n}.xlsx", seed=n)
    return folder


def assert_one_unreadable(result, name: str, words: str) -> None:
    files = {f.file: f for f in result.files}
    assert [i.code for i in files[name].issues] == ["FILE_UNREADABLE"], files[name].issues
    assert words in files[name].issues[0].message
    assert all(f.card is not None for n, f in files.items() if n != name)


def test_file_deleted_after_listing(three: Path):
    def progress(done: int, total: int, file: str) -> None:
        if done == 1:
            (three / "03.xlsx").unlink()

    assert_one_unreadable(run(three, STAR, "city", EVAL_DATE, progress=progress), "03.xlsx", "已不存在")


def test_file_replaced_after_it_was_read_is_scored_as_read(three: Path, monkeypatch):
    """Each file is read once: what preflight checked, the SHA-256 and the scores all come from the same
    bytes, even when the file is deleted or replaced by another institution's workbook meanwhile."""
    import tuoyu_excel.core.pipeline as pipeline

    original = (three / "02.xlsx").read_bytes()
    real = pipeline.read_workbook

    def replace_then_read(path, *args, **kwargs):
        if path.name == "02.xlsx":
            path.write_bytes((three / "03.xlsx").read_bytes())
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_workbook", replace_then_read)
    files = {f.file: f for f in run(three, STAR, "city", EVAL_DATE).files}
    assert all(f.card is not None and not f.issues for f in files.values())
    assert files["02.xlsx"].sha256 == hashlib.sha256(original).hexdigest()
    assert files["02.xlsx"].submission.text("credit_code") != files["03.xlsx"].submission.text("credit_code")


def test_reader_on_its_own_words_a_locked_file(three: Path, monkeypatch):
    """Called without the bytes, the reader reads the file itself; a file another program holds
    exclusively (PermissionError on Windows) is worded like everywhere else."""
    import builtins

    import tuoyu_excel.intake.preflight as preflight
    from tuoyu_excel.intake.reader import read_workbook
    from tuoyu_excel.issues import IssueLog

    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        if Path(str(file)).name == "03.xlsx":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(preflight, "open", guarded_open, raising=False)
    log = IssueLog("03.xlsx")
    assert read_workbook(three / "03.xlsx", STAR, log, "city") is None
    assert [i.code for i in log.items] == ["FILE_UNREADABLE"] and "独占" in log.items[0].message
    assert read_workbook(three / "02.xlsx", STAR, IssueLog("02.xlsx"), "city") is not None


# ---- formula injection: user text stays text in every workbook written ------------------------------

HYPERLINK = '=HYPERLINK("http://x","y")'
# XlsxWriter copies text shaped "<r>…</r>" into the XML as it is (its own rich text): a formula smuggled in
RICH_XML = '<r><t>a</t></r></is><f>HYPERLINK("http://x","y")</f><is><r><t>b</t></r>'
NAMES = {"机构甲.xlsx": HYPERLINK, "机构乙.xlsx": "+1", "机构丙.xlsx": "@SUM(A1)", "=SUM(1,2).xlsx": "-2",
         "机构丁.xlsx": RICH_XML}
NOTE = "=扣分原因：台账不全"  # 扣分说明 on 2-03 in every file
SELF_VALUE = "=1+1"  # typed as text into a self-assessment score: an issue whose 填写值 is "=1+1"
HOSTILE_TEXTS = {*NAMES.values(), NOTE, SELF_VALUE, *NAMES}


def injection_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for n, (file, name) in enumerate(NAMES.items(), 1):
        scores = full_scores(STAR)
        for stage in scores.values():
            stage["2-03"] = Decimal("17.5")
        path = filled(folder / file, form={**valid_form(n + 20), "name": "占位"}, scores=scores)
        store_text(path, FORM, {field_cell(STAR, "name"): name})
        store_text(path, SCORE, {note_cell(STAR, "2-03"): NOTE, score_cell(STAR, "self", "3-02"): SELF_VALUE})
    return folder


def city_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in ("南宁市", "柳州市"):
        write_city(folder, template(CITY.id), CITY, name)
    store_text(folder / "南宁市.xlsx", layout.form_sheet(CITY), {field_cell(CITY, "reporter"): HYPERLINK})
    return folder


def assert_text_stays_text(xlsx: Path, expected: set[str]) -> None:
    """No formula anywhere holds user text, and each expected text is a literal string cell."""
    for formula in formulas_in(xlsx):
        assert "HYPERLINK" not in formula and "SUM(A1)" not in formula and "SUM(1,2)" not in formula, formula
        assert formula.strip("=+-@ ") not in ("1", "2", "1+1") and "扣分原因" not in formula, formula
    wb = openpyxl.load_workbook(xlsx)
    found = set()
    for ws in wb.worksheets:
        here = {c.value for row in ws.iter_rows() for c in row if c.value in HOSTILE_TEXTS | {HYPERLINK}}
        if here:
            assert_literal_text(xlsx, ws.title, here)
            found |= here
    assert expected <= found, (xlsx.name, expected - found)


def test_user_text_stays_literal_in_every_output_and_no_input_changes(tmp_path: Path):
    stars, cities = injection_folder(tmp_path / "机构"), city_folder(tmp_path / "城市")
    out, copies = tmp_path / "输出", tmp_path / "标注"
    before = digests(stars, cities)
    names = set(NAMES.values())

    assert tuoyu("check", stars, "-o", out / "校验报告.xlsx", "--annotate", copies, "--date", DATE) == 1
    assert digests(stars, cities) == before
    assert_text_stays_text(out / "校验报告.xlsx", names | set(NAMES) | {SELF_VALUE})
    annotated = sorted(copies.glob("*.xlsx"))
    assert [p.name for p in annotated] == sorted(NAMES)
    for copy in annotated:
        assert_text_stays_text(copy, {NAMES[copy.name], NOTE, SELF_VALUE})

    assert tuoyu("star", stars, "-o", out / "星级.xlsx", "--date", DATE) == 1  # 1: the self-stage warnings
    assert digests(stars, cities) == before
    assert_text_stays_text(out / "星级.xlsx", names | set(NAMES))

    assert tuoyu("report", stars, "--county", "城中区", "-o", out / "初评.xlsx", "--date", DATE) == 1
    assert digests(stars, cities) == before
    assert_text_stays_text(out / "初评.xlsx", names | {NOTE})

    assert tuoyu("city", cities, "-o", out / "城市.xlsx", "--date", DATE) in (0, 1)
    assert digests(stars, cities) == before
    assert_text_stays_text(out / "城市.xlsx", {HYPERLINK})


# ---- never overwrite a results file -------------------------------------------------------------------

COMMANDS = {
    "check": lambda src, out: ("check", src, "-o", out, "--date", DATE),
    "star": lambda src, out: ("star", src, "-o", out, "--date", DATE),
    "report": lambda src, out: ("report", src, "--county", "城中区", "-o", out, "--date", DATE),
    "city": lambda src, out: ("city", src, "-o", out, "--date", DATE),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_results_file_is_never_overwritten(tmp_path: Path, command: str):
    source = city_folder(tmp_path / "城市") if command == "city" else injection_folder(tmp_path / "机构")
    out = tmp_path / "输出"
    out.mkdir()
    tuoyu(*COMMANDS[command](source, out / "结果.xlsx"))
    first = (out / "结果.xlsx").read_bytes()
    assert tuoyu(*COMMANDS[command](source, out / "结果.xlsx")) == 2  # refused: overwriting is explicit
    assert (out / "结果.xlsx").read_bytes() == first

    (out / "~$打开中.xlsx").write_bytes(b"\x08zhangsan" + bytes(150))  # Excel holds 打开中.xlsx open
    assert tuoyu(*COMMANDS[command](source, out / "打开中.xlsx"), "--overwrite") == 2  # not even when asked
    assert not (out / "打开中.xlsx").exists()
    assert sorted(p.name for p in out.iterdir()) == ["~$打开中.xlsx", "结果.xlsx"]


def test_annotated_copies_are_never_overwritten(tmp_path: Path):
    source, copies = injection_folder(tmp_path / "机构"), tmp_path / "标注"
    tuoyu("check", source, "-o", tmp_path / "a.xlsx", "--annotate", copies, "--date", DATE)
    first = {p.name: p.read_bytes() for p in copies.iterdir()}
    tuoyu("check", source, "-o", tmp_path / "b.xlsx", "--annotate", copies, "--date", DATE)
    assert {p.name: p.read_bytes() for p in copies.iterdir() if p.name in first} == first
    assert sorted(p.name for p in copies.iterdir()) == sorted([*first, *(n.replace(".xlsx", "(2).xlsx") for n in first)])


# ---- the other workbooks a run reads: history and official averages ----------------------------------

@pytest.mark.office
@pytest.mark.parametrize("kind", ["历史记录", "全区平均水平"])
def test_history_and_averages_are_read_once_and_measured_like_submissions(tmp_path: Path, kind: str):
    """The history and averages workbooks go through the same preflight as submissions, .xls included:
    one stray value at IV65536 of a WPS "97-2003" file stops the run with the sheet named, instead of
    python-calamine taking a gigabyte."""
    from office import convert

    from tuoyu_excel.errors import WorkbookError
    from tuoyu_excel.intake.averages import read_averages
    from tuoyu_excel.intake.history import read_history

    wb = openpyxl.Workbook()
    wb.active.title = "表"
    wb.active.append(["统一社会信用代码", "机构名称", "星级", "评定日期", "状态"] if kind == "历史记录" else ["指标", "数值"])
    wb.active["IV65536"] = 1
    wb.save(tmp_path / f"{kind}.xlsx")
    xls = convert(tmp_path / f"{kind}.xlsx", "xls", tmp_path / "xls")
    before = hashlib.sha256(xls.read_bytes()).hexdigest()
    with pytest.raises(WorkbookError, match="“表”工作表有 65536 行 × 256 列"):
        read_history(xls, STAR) if kind == "历史记录" else read_averages(xls, CITY)
    assert hashlib.sha256(xls.read_bytes()).hexdigest() == before
