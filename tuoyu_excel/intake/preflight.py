"""Preflight: which files in a folder to read, and one clear issue for a file we cannot read.

A file is read once (``load_input``): what is checked, hashed and read is the same bytes, even
if the file is changed or deleted meanwhile. Content decides, never the suffix: the first bytes tell a zip (.xlsx/.xlsm/.ods), an OLE2
compound file (.xls, or an .xlsx with an opening password) or something else (a PDF, a
picture, a CSV renamed .xlsx). Zips are checked for bombs from their declared sizes before
anything is decompressed; then (sheet_size.py) no XML part may carry a DTD (entity bombs,
external entities), and no sheet may reach far beyond a template: python-calamine allocates the
whole rectangle up to the farthest value, so one stray value at CV1000000 would cost 3 GB. Pure
functions: nothing is printed, no file is written.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import io
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from tuoyu_excel.intake.ole import check_ole
from tuoyu_excel.intake.package import INFLATE_ERROR, Package
from tuoyu_excel.intake.sheet_size import (
    read_small,
    sheet_too_large,
    unsafe_xml_part,
)
from tuoyu_excel.issues import Issue, make_issue
from tuoyu_excel.text import display_name

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

MAX_FILE_BYTES = 100 * 1024 * 1024  # a filled template is well under 1 MB, with photos a few MB
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_TOTAL = 300 * 1024 * 1024  # declared uncompressed bytes, all entries together
MAX_ZIP_RATIO = 200  # per entry, only checked for entries over MAX_RATIO_ENTRY
MAX_RATIO_ENTRY = 10 * 1024 * 1024
_MB = 1024 * 1024

_SKIPPED_NAMES = frozenset({"thumbs.db", "desktop.ini"})
_HEAD = 64 * 1024  # bytes sniffed for the file type
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ODS_MIMETYPES = (b"application/vnd.oasis.opendocument.spreadsheet",
                  b"application/vnd.oasis.opendocument.spreadsheet-template")
# [Content_Types].xml of a workbook (.xlsx, .xlsm, .xltx, .xltm, .xlsb)
_WORKBOOK_CONTENT_TYPES = (b"spreadsheetml.sheet.main+xml", b"spreadsheetml.template.main+xml",
                           b"ms-excel.sheet.macroEnabled.main+xml", b"ms-excel.template.macroEnabled.main+xml",
                           b"ms-excel.sheet.binary.macroEnabled.main")
_OTHER_MAGICS = (
    (b"%PDF", "看起来是 PDF 文件"),
    (b"\x89PNG\r\n\x1a\n", "看起来是图片文件（PNG）"),
    (b"\xff\xd8\xff", "看起来是图片文件（JPEG）"),
    (b"GIF8", "看起来是图片文件（GIF）"),
    (b"Rar!\x1a\x07", "看起来是 RAR 压缩包，请解压后发送其中的表格"),
    (b"7z\xbc\xaf\x27\x1c", "看起来是 7z 压缩包，请解压后发送其中的表格"),
    (b"\x1f\x8b", "看起来是 gzip 压缩包，请解压后发送其中的表格"),
    (b"{\\rtf", "看起来是 RTF 文档"),
)
_UNKNOWN = "无法识别的文件格式"
_CORRUPT_ZIP = "压缩结构不完整或已损坏，可能是下载、复制未完成"


# ---------------------------------------------------------------- listing


def list_inputs(folder: Path) -> list[Path]:
    """Files directly in ``folder`` to process, sorted by name; lock, hidden and system files left out.

    Non-spreadsheet files stay in: ``preflight`` reports them, so the official learns what was sent.
    Raises OSError when the folder itself cannot be listed.
    """
    folder = Path(folder)
    with os.scandir(folder) as entries:
        names = [entry.name for entry in entries if _is_input(entry)]
    return [folder / name for name in sorted(names, key=_name_key)]


def _is_input(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    if name.startswith(("~$", ".")) or name.casefold() in _SKIPPED_NAMES:  # ".~" (WPS locks) starts with "."
        return False
    try:
        if entry.is_dir():  # a folder named like a workbook is listed: preflight says what it is
            return name.lower().endswith(SPREADSHEET_SUFFIXES)
        if not entry.is_file() and not entry.is_symlink():  # FIFOs, sockets, devices: opening may block
            return False
        attributes = getattr(entry.stat(), "st_file_attributes", 0)  # Windows only
        return not attributes & stat.FILE_ATTRIBUTE_HIDDEN
    except OSError:  # vanished or unreadable while listing: keep it, preflight says what is wrong
        return True


def _name_key(name: str) -> tuple[str, str]:
    """Locale-independent order: case-insensitive on the NFC form, the exact name breaking ties."""
    return unicodedata.normalize("NFC", name).casefold(), name


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_MB):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- preflight


def preflight(path: Path) -> Issue | None:
    """One issue for a file that cannot be read as a workbook, else None. Never raises; never writes."""
    return load_input(path).issue


@dataclass(frozen=True)
class Loaded:
    """A file read for processing: its bytes as on disk (what is hashed), the one issue that stops it,
    and the bytes the reader opens (for a zip, the package as preflight checked it: Package.repacked)."""

    data: bytes | None = None
    issue: Issue | None = None
    readable: bytes | None = None


def load_input(path: Path) -> Loaded:
    """Read once, in full (up to MAX_FILE_BYTES), and checked: the checks, the SHA-256 and the reader
    all see these bytes. Never raises; never writes."""
    path = Path(path)
    name = display_name(path.name)
    try:
        data = read_input(path)
    except _NotRegular as exc:
        return Loaded(issue=make_issue("FILE_UNREADABLE", name, detail=str(exc)))
    except _TooBig as exc:
        return Loaded(issue=make_issue("FILE_TOO_LARGE", name, detail=str(exc)))
    except OSError as exc:
        return Loaded(issue=make_issue("FILE_UNREADABLE", name, detail=os_detail(exc)))
    return preflight_data(data, name)


class _NotRegular(OSError):
    """A folder, a device or a pipe where a file was expected; the message is the Chinese detail."""


class _TooBig(OSError):
    """Over MAX_FILE_BYTES; the message is the Chinese detail."""


def read_input(path: Path) -> bytes:
    """A regular file's bytes; OSError when it cannot be read, is not a regular file or is too big."""
    mode = os.stat(path).st_mode  # before opening: opening a FIFO would block
    if not stat.S_ISREG(mode):
        raise _NotRegular("这是一个文件夹" if stat.S_ISDIR(mode) else "不是普通文件")
    too_big = _TooBig(f"文件超过 {MAX_FILE_BYTES // _MB} MB，填好的模板通常不到 1 MB")
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size > MAX_FILE_BYTES:
            raise too_big
        data = f.read()  # sized by the file (a read(limit) would allocate the whole limit)
    if len(data) > MAX_FILE_BYTES:  # it grew meanwhile
        raise too_big
    return data


def preflight_data(data: bytes, name: str) -> Loaded:
    """A file's bytes checked: with the one issue when they cannot be read as a workbook. Never raises."""
    head = data[:_HEAD]
    if head.startswith(_ZIP_MAGICS):
        issue, readable = _check_zip(data, name)
        return Loaded(data, issue, readable)
    if head.startswith(_OLE_MAGIC):
        return Loaded(data, check_ole(io.BytesIO(data), name), data)
    return Loaded(data, make_issue("FILE_NOT_SPREADSHEET", name, detail=_describe(head)))


def os_detail(exc: OSError) -> str:
    """Why a file could not be opened, in Chinese (python-calamine raises a bare OSError "… (os error 2)")."""
    number = exc.errno
    if number is None:
        match = re.search(r"os error (\d+)", str(exc))
        number = int(match.group(1)) if match else None
    if isinstance(exc, FileNotFoundError) or number == errno.ENOENT:
        return "文件已不存在，可能已被移动或删除"
    if isinstance(exc, PermissionError) or number in (errno.EACCES, errno.EPERM):
        return "没有读取权限，或文件正被其他程序独占打开"
    return f"系统错误：{exc.strerror or str(exc) or type(exc).__name__}"


def _describe(head: bytes) -> str:
    """What a file that is neither zip nor OLE2 looks like, from its first bytes."""
    if not head:
        return "文件为空"
    for magic, text in _OTHER_MAGICS:
        if head.startswith(magic):
            return text
    text = _as_text(head)
    if text is None:
        return _UNKNOWN
    start = text.lstrip().lower()[:4096]
    if "urn:schemas-microsoft-com:office:spreadsheet" in start and "<workbook" in start:
        return "看起来是 Excel 2003 XML 表格，请用 Excel/WPS 另存为 .xlsx"
    if start.startswith(("<html", "<!doctype html", "<table", "<meta")) or "<html" in start:
        return "看起来是网页（HTML）文件，常见于从系统导出的表格，请用 Excel/WPS 另存为 .xlsx"
    if start.startswith("mime-version:"):
        return "看起来是网页存档（MHT）文件，请用 Excel/WPS 另存为 .xlsx"
    return "看起来是文本/CSV 文件"


def _as_text(head: bytes) -> str | None:
    """``head`` decoded as UTF-16 (with BOM), UTF-8 or GB18030 when it has no control characters, else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            text = decoder.decode(head, final=False)  # a character cut at the end of head is fine
        except UnicodeDecodeError:
            continue
        if not any(ord(ch) < 32 and ch not in "\t\r\n\f\x1a" for ch in text):
            return text
    return None


# ---------------------------------------------------------------- zip: .xlsx / .xlsm / .ods


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error, zlib.error,
               INFLATE_ERROR, NotImplementedError, RuntimeError, UnicodeDecodeError, ParseError)


def _check_zip(data: bytes, name: str) -> tuple[Issue | None, bytes | None]:
    """(the issue, None) or (None, the package for the reader)."""
    try:
        pkg = Package(data)
        too_large = _zip_size_problem(pkg.infos)
        if too_large:
            return make_issue("FILE_TOO_LARGE", name, detail=too_large), None
        other = _zip_not_workbook(pkg)
        if other:
            return make_issue("FILE_NOT_SPREADSHEET", name, detail=other), None
        unsafe = unsafe_xml_part(pkg)
        if unsafe:
            return make_issue("FILE_UNSAFE_XML", name, detail=unsafe), None
        too_large_sheet = sheet_too_large(pkg, name)
        if too_large_sheet:
            return too_large_sheet, None
    except _ZIP_ERRORS:
        return make_issue("FILE_CORRUPT", name, detail=_CORRUPT_ZIP), None
    except OSError as exc:  # a seek to a bogus offset is the content's fault, not the disk's
        if exc.errno != errno.EINVAL:
            raise
        return make_issue("FILE_CORRUPT", name, detail=_CORRUPT_ZIP), None
    try:
        return None, pkg.repacked()
    except _ZIP_ERRORS:  # a member no check needed is damaged: the reader decides what it can read
        return None, data


def _zip_size_problem(infos: list[zipfile.ZipInfo]) -> str | None:
    """Zip-bomb checks on the declared sizes (nothing is decompressed); a Chinese detail or None."""
    if len(infos) > MAX_ZIP_ENTRIES:
        return f"内含 {len(infos)} 个文件，上限为 {MAX_ZIP_ENTRIES} 个"
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_TOTAL:
        return f"解压后共 {total / _MB:.0f} MB，上限为 {MAX_ZIP_TOTAL // _MB} MB"
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_RATIO_ENTRY and ratio > MAX_ZIP_RATIO:
            return (f"内部文件 {info.filename} 压缩比为 {ratio:.0f}:1（解压后 {info.file_size / _MB:.0f} MB），"
                    f"上限为 {MAX_ZIP_RATIO}:1")
    return None


def _zip_not_workbook(pkg: Package) -> str | None:
    """None for an OOXML workbook or an ODS spreadsheet, else what the zip looks like."""
    names = pkg.names
    if "xl/workbook.xml" in names:
        return None
    if "[Content_Types].xml" in names:
        content_types = read_small(pkg, "[Content_Types].xml", _MB)
        if any(t in content_types for t in _WORKBOOK_CONTENT_TYPES):
            return None
        if "word/document.xml" in names:
            return "看起来是 Word 文档"
        if "ppt/presentation.xml" in names:
            return "看起来是 PowerPoint 演示文稿"
        return "看起来是其他类型的 Office 文件，不含工作簿"
    if "mimetype" in names:
        mimetype = read_small(pkg, "mimetype", 1024).strip()
        if mimetype in _ODS_MIMETYPES:
            return None
        if mimetype.startswith(b"application/vnd.oasis.opendocument."):
            return "看起来是 OpenDocument 文字或演示文档，不是电子表格"
    return "看起来是 zip 压缩包，请解压后发送其中的表格"
