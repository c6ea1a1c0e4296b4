"""preflight: which files are listed, and one clear issue for each file that cannot be read.

Every input is built here from literal rows or bytes; .xls/.ods come from headless LibreOffice.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import stat
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuoyu_excel.intake.preflight import list_inputs, preflight, sha256_file

ROWS = [["编号", "评分项", "满分", "得分"], ["1.1", "安全管理制度", 10, 8.5], ["1.2", "卫生保健", 5, 5]]
ZIP = zipfile.ZIP_DEFLATED


def xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("评分表")
    for r, row in enumerate(ROWS):
        ws.write_row(r, 0, row)
    wb.close()
    return buf.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", ZIP) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def check(path: Path) -> tuple[str, str] | None:
    """(code, file) of the issue, asserting that preflight left the file untouched."""
    before = sha256_file(path)
    issue = preflight(path)
    assert sha256_file(path) == before
    return None if issue is None else (issue.code, issue.file)


# ---------------------------------------------------------------- list_inputs


def test_list_inputs_skips_locks_hidden_system_files_and_folders(tmp_path: Path) -> None:
    for name in ["b评分.xlsx", "A评分.xlsx", "~$A评分.xlsx", ".~lock.b评分.xlsx#", ".hidden.xlsx", ".DS_Store",
                 "Thumbs.db", "Desktop.ini", "说明.pdf", "a2.xls"]:
        write(tmp_path / name, b"x")
    (tmp_path / "子文件夹").mkdir()
    write(tmp_path / "子文件夹" / "c.xlsx", b"x")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.xlsx")  # opening a FIFO would block: never listed
    assert [p.name for p in list_inputs(tmp_path)] == ["a2.xls", "A评分.xlsx", "b评分.xlsx", "说明.pdf"]


def test_list_inputs_is_sorted_by_name_not_by_creation(tmp_path: Path) -> None:
    for name in ["c.xlsx", "B.xlsx", "a.xlsx", "柳州.xlsx", "10.xlsx", "2.xlsx"]:
        write(tmp_path / name, b"x")
    assert [p.name for p in list_inputs(tmp_path)] == ["10.xlsx", "2.xlsx", "a.xlsx", "B.xlsx", "c.xlsx", "柳州.xlsx"]
    assert all(p.parent == tmp_path for p in list_inputs(tmp_path))


def test_list_inputs_honours_the_windows_hidden_attribute(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path / "visible.xlsx", b"x")
    write(tmp_path / "hidden.xlsx", b"x")
    real_scandir = os.scandir

    class Entry:
        def __init__(self, entry: os.DirEntry[str]):
            self._entry, self.name = entry, entry.name

        def __getattr__(self, attr):
            return getattr(self._entry, attr)

        def stat(self, **kw):
            hidden = stat.FILE_ATTRIBUTE_HIDDEN if self.name == "hidden.xlsx" else 0
            return type("StatResult", (), {"st_file_attributes": hidden})()

    class Scan:
        def __init__(self, folder):
            self._it = real_scandir(folder)

        def __enter__(self):
            return (Entry(e) for e in self._it)

        def __exit__(self, *exc):
            self._it.close()

    monkeypatch.setattr(os, "scandir", Scan)
    assert [p.name for p in list_inputs(tmp_path)] == ["visible.xlsx"]


# ---------------------------------------------------------------- preflight: what goes in, what comes out


def truncated_xlsx() -> bytes:
    data = xlsx_bytes()
    return data[: len(data) // 2]


def zip_with_many_entries() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(20_000):
            zf.writestr(f"xl/media/{i}.txt", b"")
    return buf.getvalue()


def zip_bomb_ratio() -> bytes:
    """One 20 MB entry of zeros: under the 300 MB total, but compressed ~1000:1."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", ZIP) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", bytes(20 * 1024 * 1024))
    return buf.getvalue()


def random_bytes() -> bytes:
    data = random.Random(20240315).randbytes(4096)
    assert not data.startswith((b"PK", bytes.fromhex("D0CF11E0")))
    return data


CASES: dict[str, tuple[str, Callable[[], bytes], tuple[str, str] | None]] = {
    "valid xlsx": ("评分.xlsx", xlsx_bytes, None),
    "xlsx named .xls: content decides": ("评分.xls", xlsx_bytes, None),
    "xlsx with an unknown suffix": ("评分.dat", xlsx_bytes, None),
    "workbook found via [Content_Types].xml": ("wb.xlsx", lambda: zip_bytes({
        "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
                               b'spreadsheetml.sheet.main+xml" PartName="/xl/book.xml"/></Types>',
        "xl/book.xml": b"<workbook/>"}), None),
    "empty file": ("空.xlsx", lambda: b"", ("FILE_NOT_SPREADSHEET", "空.xlsx")),
    "truncated xlsx": ("半截.xlsx", truncated_xlsx, ("FILE_CORRUPT", "半截.xlsx")),
    "CSV renamed .xlsx (UTF-8)": ("名单.xlsx", lambda: "机构名称,得分\r\n阳光托育,85\r\n".encode(),
                                  ("FILE_NOT_SPREADSHEET", "名单.xlsx")),
    "CSV renamed .xlsx (GBK, as Chinese Excel saves it)": ("gbk.xlsx", lambda: "机构名称,得分\r\n阳光托育,85\r\n".encode(
        "gbk"), ("FILE_NOT_SPREADSHEET", "gbk.xlsx")),
    "HTML table saved as .xls by a web system": ("导出.xls", lambda: b"<html><body><table><tr><td>1</td></tr></table>",
                                                 ("FILE_NOT_SPREADSHEET", "导出.xls")),
    "PDF": ("评分.pdf", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            ("FILE_NOT_SPREADSHEET", "评分.pdf")),
    "PNG photo of the form": ("拍照.xlsx", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
                              ("FILE_NOT_SPREADSHEET", "拍照.xlsx")),
    "random bytes": ("乱码.xlsx", random_bytes, ("FILE_NOT_SPREADSHEET", "乱码.xlsx")),
    "plain zip of attachments": ("附件.zip", lambda: zip_bytes({"评分.txt": b"85"}),
                                 ("FILE_NOT_SPREADSHEET", "附件.zip")),
    "docx renamed .xlsx": ("报告.xlsx", lambda: zip_bytes({"[Content_Types].xml": b"<Types/>",
                                                           "word/document.xml": b"<w:document/>"}),
                           ("FILE_NOT_SPREADSHEET", "报告.xlsx")),
    "odt renamed .ods": ("报告.ods", lambda: zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text"}),
                         ("FILE_NOT_SPREADSHEET", "报告.ods")),
    "20 000 tiny entries": ("多.xlsx", zip_with_many_entries, ("FILE_TOO_LARGE", "多.xlsx")),
    "one 20 MB entry at ~1000:1": ("压缩比.xlsx", zip_bomb_ratio, ("FILE_TOO_LARGE", "压缩比.xlsx")),
    "OLE2 header, nothing after it": ("坏.xls", lambda: bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600),
                                      ("FILE_CORRUPT", "坏.xls")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_preflight(tmp_path: Path, case: str) -> None:
    name, build, expected = CASES[case]
    assert check(write(tmp_path / name, build())) == expected


@pytest.mark.parametrize(("data", "words"), [
    (b"", "文件为空"),
    ("机构名称,得分\n".encode(), "文本/CSV"),
    (b"%PDF-1.4\n", "PDF"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "图片"),
    (b"Rar!\x1a\x07\x01\x00", "RAR"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "XML 表格"),
    ("\ufeff机构\t得分\r\n".encode("utf-16"), "文本/CSV"),
])
def test_detail_says_what_the_file_looks_like(tmp_path: Path, data: bytes, words: str) -> None:
    issue = preflight(write(tmp_path / "x.xlsx", data))
    assert issue is not None and issue.code == "FILE_NOT_SPREADSHEET"
    assert words in issue.message


def test_zip_bomb_of_1_gb_is_refused_without_decompressing(tmp_path: Path) -> None:
    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(path, "w", ZIP, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            zeros = bytes(16 * 1024 * 1024)
            for _ in range(64):
                fh.write(zeros)
    assert path.stat().st_size < 8 * 1024 * 1024
    issue = preflight(path)
    assert (issue.code, issue.file) == ("FILE_TOO_LARGE", "炸弹.xlsx")
    assert "1024 MB" in issue.message and "300 MB" in issue.message


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    """Each input is read into memory once; one over MAX_FILE_BYTES is refused from its size alone."""
    import tuoyu_excel.intake.preflight as preflight_module

    path = write(tmp_path / "大.xlsx", xlsx_bytes())
    assert preflight(path) is None
    monkeypatch.setattr(preflight_module, "MAX_FILE_BYTES", path.stat().st_size - 1)
    monkeypatch.setattr(preflight_module, "_MB", 1)  # so the message shows the (tiny) cap
    issue = preflight(path)
    assert (issue.code, issue.file) == ("FILE_TOO_LARGE", "大.xlsx")
    assert f"文件超过 {path.stat().st_size - 1} MB" in issue.message


def test_the_reader_gets_the_package_as_checked(tmp_path: Path) -> None:
    """The worksheets preflight inflated and measured go to the reader stored as they are (not inflated
    twice); every member holds what it held, under its name, with its CRC."""
    from tuoyu_excel.intake.preflight import load_input

    path = write(tmp_path / "表.xlsx", xlsx_bytes())
    loaded = load_input(path)
    assert loaded.issue is None and loaded.data == path.read_bytes()
    original, readable = zipfile.ZipFile(path), zipfile.ZipFile(io.BytesIO(loaded.readable))
    assert readable.testzip() is None
    assert [i.filename for i in readable.infolist()] == [i.filename for i in original.infolist()]
    for info in original.infolist():
        assert readable.read(info.filename) == original.read(info)
        assert readable.getinfo(info.filename).CRC == info.CRC
    assert readable.getinfo("xl/worksheets/sheet1.xml").compress_type == zipfile.ZIP_STORED


def test_a_member_whose_local_name_differs_is_corrupt(tmp_path: Path) -> None:
    """The central directory and the member's own header must name the same part (as zipfile insists)."""
    data = xlsx_bytes()
    local = data.find(b"xl/worksheets/sheet1.xml")  # local headers come first
    damaged = data[:local] + b"xl/worksheets/sheetX.xml" + data[local + len(b"xl/worksheets/sheet1.xml"):]
    assert check(write(tmp_path / "坏.xlsx", damaged)) == ("FILE_CORRUPT", "坏.xlsx")


def test_encrypted_xlsx(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write(tmp_path / "plain.xlsx", xlsx_bytes())
    encrypted = tmp_path / "加密.xlsx"
    with open(plain, "rb") as src, open(encrypted, "wb") as out:
        OOXMLFile(src).encrypt("123456", out)
    assert encrypted.read_bytes().startswith(bytes.fromhex("D0CF11E0A1B11AE1"))
    assert check(encrypted) == ("FILE_ENCRYPTED", "加密.xlsx")


def test_deleted_between_listing_and_preflight(tmp_path: Path) -> None:
    write(tmp_path / "评分.xlsx", xlsx_bytes())
    [path] = list_inputs(tmp_path)
    path.unlink()
    issue = preflight(path)
    assert (issue.code, issue.file) == ("FILE_UNREADABLE", "评分.xlsx")
    assert "已不存在" in issue.message


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files without permission")
def test_no_read_permission(tmp_path: Path) -> None:
    path = write(tmp_path / "锁定.xlsx", xlsx_bytes())
    path.chmod(0)
    try:
        assert preflight(path).key()[:2] == ("FILE_UNREADABLE", "锁定.xlsx")
    finally:
        path.chmod(0o600)


def test_permission_error_while_reading_is_unreadable(tmp_path: Path, monkeypatch) -> None:
    """Runs as root too: a file another program holds open exclusively raises PermissionError on Windows."""
    path = write(tmp_path / "占用.xlsx", xlsx_bytes())

    def locked(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tuoyu_excel.intake.preflight.open", locked, raising=False)
    issue = preflight(path)
    assert (issue.code, issue.file) == ("FILE_UNREADABLE", "占用.xlsx")


def test_folder_or_fifo_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "像文件的文件夹.xlsx").mkdir()
    issue = preflight(tmp_path / "像文件的文件夹.xlsx")
    assert (issue.code, "这是一个文件夹" in issue.message) == ("FILE_UNREADABLE", True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.xlsx")
        assert preflight(tmp_path / "pipe.xlsx").code == "FILE_UNREADABLE"  # and did not block


def test_sha256_file_streams_large_files(tmp_path: Path) -> None:
    data = random.Random(1).randbytes(2 * 1024 * 1024 + 17)
    assert sha256_file(write(tmp_path / "big.bin", data)) == hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- .xls / .ods from LibreOffice


@pytest.fixture(scope="module")
def office_books(tmp_path_factory) -> dict[str, bytes]:
    from office import convert

    folder = tmp_path_factory.mktemp("office")
    src = write(folder / "评分.xlsx", xlsx_bytes())
    return {fmt: convert(src, fmt, folder / fmt).read_bytes() for fmt in ("xls", "ods")}


def with_filepass(xls: bytes) -> bytes:
    """The .xls with a FilePass record right after BOF, as Excel writes a file with an opening password.

    LibreOffice here has no Basic to save with a password, so the records after BOF
    (INTERFACEHDR, MMS, INTERFACEEND: 16 bytes) become FilePass (XOR, 10 bytes) + a 6-byte filler.
    """
    import olefile

    buf = io.BytesIO(xls)
    ole = olefile.OleFileIO(buf, write_mode=True)
    stream = ole.openstream("Workbook").read()
    bof_end = 4 + struct.unpack_from("<H", stream, 2)[0]
    filepass = struct.pack("<HHHHH", 0x002F, 6, 0x0000, 0x1234, 0x5678)
    filler = struct.pack("<HHH", 0x00E1, 2, 0x04B0)
    patched = stream[:bof_end] + filepass + filler + stream[bof_end + 16:]
    assert len(patched) == len(stream)
    ole.write_stream("Workbook", patched)
    return buf.getvalue()


def rename_workbook_stream(xls: bytes) -> bytes:
    """The .xls with its "Workbook" stream renamed "WordDocument": what a .doc renamed .xls looks like here."""
    old, new = "Workbook\0".encode("utf-16-le"), "WordDocument\0".encode("utf-16-le")
    pos = xls.index(old)
    entry = bytearray(xls[pos:pos + 128])
    entry[: len(new)] = new
    struct.pack_into("<H", entry, 64, len(new))
    return xls[:pos] + bytes(entry) + xls[pos + 128:]


@pytest.mark.office
@pytest.mark.parametrize(("fmt", "name", "transform", "expected"), [
    ("xls", "评分.xls", None, None),
    ("xls", "评分.xlsx", None, None),  # WPS "97-2003" content under an .xlsx name: content decides
    ("ods", "评分.ods", None, None),
    ("ods", "评分.zip", None, None),
    ("xls", "密码.xls", with_filepass, ("FILE_ENCRYPTED", "密码.xls")),
    ("xls", "半截.xls", lambda b: b[: len(b) // 2], ("FILE_CORRUPT", "半截.xls")),
    ("xls", "少一块.xls", lambda b: b[:-512], ("FILE_CORRUPT", "少一块.xls")),
    ("xls", "文档.xls", rename_workbook_stream, ("FILE_NOT_SPREADSHEET", "文档.xls")),
    ("ods", "半截.ods", lambda b: b[: len(b) // 2], ("FILE_CORRUPT", "半截.ods")),
])
def test_preflight_office_formats(tmp_path: Path, office_books, fmt, name, transform, expected) -> None:
    data = office_books[fmt]
    assert check(write(tmp_path / name, transform(data) if transform else data)) == expected


@pytest.mark.office
def test_filepass_fixture_is_encrypted_for_an_independent_reader(office_books) -> None:
    from msoffcrypto.format.xls97 import Xls97File

    assert not Xls97File(io.BytesIO(office_books["xls"])).is_encrypted()
    assert Xls97File(io.BytesIO(with_filepass(office_books["xls"]))).is_encrypted()


# ---------------------------------------------------------------- never raises


MAGICS = [b"", b"PK\x03\x04", b"PK\x05\x06", bytes.fromhex("D0CF11E0A1B11AE1"), b"%PDF", b"\xff\xfe"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from(MAGICS), body=st.binary(max_size=3000))
def test_preflight_never_raises_on_arbitrary_bytes(tmp_path: Path, prefix: bytes, body: bytes) -> None:
    issue = preflight(write(tmp_path / "fuzz.xlsx", prefix + body))
    assert issue is None or issue.code in {"FILE_NOT_SPREADSHEET", "FILE_CORRUPT", "FILE_TOO_LARGE",
                                           "FILE_ENCRYPTED"}


_XLSX = xlsx_bytes()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(_XLSX)), flips=st.lists(st.tuples(st.integers(0, len(_XLSX) - 1),
                                                                  st.integers(0, 255)), max_size=8))
def test_preflight_never_raises_on_damaged_xlsx(tmp_path: Path, cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(_XLSX)
    for pos, value in flips:
        data[pos] = value
    issue = preflight(write(tmp_path / "damaged.xlsx", bytes(data[:cut])))
    assert issue is None or issue.code in {"FILE_NOT_SPREADSHEET", "FILE_CORRUPT", "FILE_TOO_LARGE"}


@pytest.mark.office
def test_preflight_never_raises_on_damaged_xls(tmp_path: Path, office_books) -> None:
    rng = random.Random(7)
    xls = office_books["xls"]
    for _ in range(400):
        data = bytearray(xls)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = data[: rng.randint(0, len(data))] if rng.random() < 0.3 else data
        issue = preflight(write(tmp_path / "damaged.xls", bytes(data)))
        # a flipped row number can make a sheet reach far: preflight measures .xls sheets too
        assert issue is None or issue.code in {"FILE_NOT_SPREADSHEET", "FILE_CORRUPT", "FILE_ENCRYPTED",
                                               "SHEET_TOO_LARGE"}


# The suspect-cell search as first written, without possessive quantifiers: the reference the fast
# one in sheet_size.py must agree with on every cell tag.
_PLAIN_SUSPECT = re.compile(
    rb'<c(?=[\s/>])(?! r="(?:[AB]?[A-Z])?\d{1,4}"(?: (?:s|t|cm|vm|ph)="[^"<>]*")* ?/?>)')
_TAG_PIECES = [b"<c", b" ", b"\t", b"/", b">", b'r="', b"r='", b'"', b"'", b"A", b"B", b"C", b"Z", b"AB", b"XFD",
               b"1", b"12", b"9999", b"10000", b"1048576", b's="1"', b't="s"', b'cm="1"', b'x="1"', b"=", b"<", b"<v>1</v>"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_TAG_PIECES), min_size=1, max_size=14))
def test_the_fast_suspect_cell_search_finds_what_the_plain_one_finds(pieces: list[bytes]) -> None:
    from tuoyu_excel.intake.sheet_size import _SUSPECT_CELL

    data = b"<c" + b"".join(pieces)
    found, expected = _SUSPECT_CELL.search(data), _PLAIN_SUSPECT.search(data)
    assert (found and found.start()) == (expected and expected.start()), data


@pytest.mark.parametrize("tag", [b'<c r="A1" s="3" t="inlineStr">', b'<c r="BZ9999"/>', b'<c r="AB12" s="1" />'])
def test_a_template_cell_is_not_suspect(tag: bytes) -> None:
    from tuoyu_excel.intake.sheet_size import _SUSPECT_CELL

    assert _SUSPECT_CELL.search(tag) is None and _PLAIN_SUSPECT.search(tag) is None


@pytest.mark.parametrize("tag", [b'<c r="CA1">', b'<c r="A10000">', b'<c s="1" r="A1">', b'<c r="A1"r="XFD1">',
                                 b'<c  r="A1">', b"<c r='A1'>", b'<c r="A1" x="1">', b"<c>"])
def test_a_cell_beyond_the_template_or_written_oddly_is_suspect(tag: bytes) -> None:
    from tuoyu_excel.intake.sheet_size import _SUSPECT_CELL

    assert _SUSPECT_CELL.search(tag) is not None and _PLAIN_SUSPECT.search(tag) is not None
