"""What is inside a workbook package, measured before any reader parses it (preflight asks).

- No XML part may declare a DTD: entity bombs and external entities live there, and Excel, WPS
  and LibreOffice never write one.
- No sheet may reach far beyond a template. python-calamine allocates the whole rectangle up to
  the farthest value (~32 bytes a cell): one stray value at CV1000000 in a 50 KB .xlsx costs
  3 GB, at IV65536 in an 80 KB .xls 1 GB, and an .ods row repeated a million times 640 MB.
  Files as Excel, WPS, LibreOffice, openpyxl and XlsxWriter write them pass a C-speed search;
  anything else is parsed strictly (streamed, bounded), and what is not well-formed XML is refused.
"""

from __future__ import annotations

import html
import posixpath
import re
import struct
from xml.parsers import expat

from tuoyu_excel.intake.package import Package
from tuoyu_excel.issues import Issue, make_issue

MAX_SHEET_ROWS = 10_000  # a template has fewer than 100 rows; the reader looks at the first 3000
MAX_SHEET_CELLS = 1_000_000  # rows × columns, and cells: python-calamine keeps ~32 bytes for each
MAX_ODS_SPACES = 100_000  # spaces an .ods asks for with <text:s text:c="N"/>: a template's texts hold a few
BIFF_BOF = (0x0809, 0x0409, 0x0209, 0x0009)  # the BOF record of BIFF8, 4, 3 and 2
_MB = 1024 * 1024

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_XML_HEAD = 4096  # a DTD must come before the root element, which real files start within 100 bytes
_WHOLE_PART = _MB  # an XML part up to this size is inflated whole at its first look (a template's are < 200 KB)
_ROOT = re.compile(r"<[^?!]")  # the root element's start tag: not <?xml …?>, <!-- … -->, <!DOCTYPE …>
_REF_VALUE = re.compile(r"\s*([A-Za-z]{0,8})(\d{0,12})")  # r="A1" of a cell, r="1" of a row
_ROW_REF = re.compile(rb"""\sr\s*=\s*["'](\d{1,12})""")
# a cell start tag other than <c r="A1" s="…" t="…"> up to column BZ (78) and row 9999: python-calamine
# also takes s="1"r="XFD1048576" (glued), a second r (the last wins), r = 'A1', a tab before r …
# Possessive quantifiers (each part ends where the next, disjoint one starts, so giving back never
# helps): the same cells are suspect as without them, a fifth faster (tests/test_preflight.py compares).
_SUSPECT_CELL = re.compile(rb'<c(?=[\s/>])(?! r="(?:[AB]?[A-Z])?+\d{1,4}+"(?: (?:s|t|cm|vm|ph)="[^"<>]*+")*+ ?+/?+>)')
_PLAIN_MAX_BYTES = 8 * _MB  # a cell takes at least 11 bytes (<c r="A1"/>)
_PREFIXED_CELL = re.compile(rb"<[\w.-]+:c[\s/>]")  # python-calamine reads <x:c> as <c>, whatever x is
_PREFIX_HINT = re.compile(rb":c[\s/>]")  # in every <x:c …>; a search with a literal start, far faster
_ATTRS = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def unsafe_xml_part(pkg: Package) -> str:
    """The first XML part that declares a DTD (where entity bombs and external entities live), else "".

    Excel, WPS and LibreOffice never write one; only the head of each part is decompressed."""
    for info in pkg.infos:
        if info.is_dir() or not info.filename.lower().endswith(_XML_SUFFIXES):
            continue
        # a small part is read whole (once: the checks after and the reader take it from there)
        head = pkg.read(info, info.file_size if _XML_HEAD < info.file_size <= _WHOLE_PART else _XML_HEAD)
        text = _xml_head_text(head[:_XML_HEAD])
        root = _ROOT.search(text)
        if "<!doctype" in (text[:root.start()] if root else text).lower():
            return f"{info.filename} 含有 DOCTYPE 声明"
    return ""


def _xml_head_text(head: bytes) -> str:
    """The head of an XML part as text, enough to find its tags (UTF-16 with or without BOM, else bytewise)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if head[1:2] == b"\0":
        return head.decode("utf-16-le", errors="ignore")
    if head[:1] == b"\0":
        return head.decode("utf-16-be", errors="ignore")
    return head.decode("latin-1")


def sheet_too_large(pkg: Package, file: str) -> Issue | None:
    """SHEET_TOO_LARGE for the first sheet reaching beyond MAX_SHEET_ROWS / MAX_SHEET_CELLS, else None."""
    try:
        if "content.xml" in pkg.names and "xl/workbook.xml" not in pkg.names:  # .ods: all sheets in one part
            extents = iter(_ods_extents(pkg))
        else:
            extents = ((label, *_xlsx_extent(pkg, label, part)) for label, part in _worksheets(pkg)
                       if not _plainly_small(pkg, part))
        for label, rows, cols, cells in extents:
            if over_limits(rows, cols, cells):
                return make_issue("SHEET_TOO_LARGE", file, **too_large_context(label, rows, cols))
    except _TextBomb as exc:
        label, spaces = exc.args
        return make_issue("FILE_TOO_LARGE", file, detail=f"“{label}”工作表的文字要求 {spaces} 个以上的连续空格，"
                                                         f"上限为 {MAX_ODS_SPACES} 个")
    except _Unjudgeable as exc:
        return make_issue("FILE_TOO_LARGE", file, detail=str(exc))
    except _NotWellFormed as exc:
        return make_issue("FILE_CORRUPT", file, detail=f"“{exc}”工作表的内部数据不是规范的 XML，可能被其他软件改动过")
    return None


class _NotWellFormed(Exception):
    """A worksheet part that a strict XML parser refuses; the message is the sheet's name."""


def _xlsx_extent(pkg: Package, label: str, part: str) -> tuple[int, int, int]:
    try:
        return _exact_extent(pkg, part)
    except expat.ExpatError as exc:
        raise _NotWellFormed(label) from exc


def over_limits(rows: int, cols: int, cells: int) -> bool:
    return rows > MAX_SHEET_ROWS or rows * cols > MAX_SHEET_CELLS or cells > MAX_SHEET_CELLS


def too_large_context(label: str, rows: int, cols: int) -> dict[str, str]:
    return {"label": label, "found": f"{rows} 行 × {cols} 列", "detail": f"{_column_name(cols)}{rows}"}


def _worksheets(pkg: Package) -> list[tuple[str, str]]:
    """(sheet name, part) of each worksheet the workbook lists, plus any other xl/worksheets/*.xml part
    (every other .xml part when the list cannot be followed: an unlisted sheet must not escape)."""
    names = pkg.names
    rels = {a.get("Id"): a.get("Target", "") for a in _tags(pkg, "xl/_rels/workbook.xml.rels", b"Relationship")}
    sheets = _tags(pkg, "xl/workbook.xml", b"sheet")
    found = []
    for a in sheets:
        rid = next((v for k, v in a.items() if k == "id" or k.endswith(":id")), "")
        target = rels.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if target and part in names:
            found.append((a.get("name", part), part))
    complete = bool(sheets) and len(found) == len(sheets)
    others = sorted(n for n in names - {part for _, part in found}
                    if (n.startswith("xl/worksheets/") and not n.endswith("/")) or (not complete and _may_be_xml(pkg, n)))
    return found + [(n, n) for n in others]


def _may_be_xml(pkg: Package, member: str) -> bool:
    """True for a part whose first bytes could start XML, whatever its name (a sheet renamed .dat)."""
    if member.endswith("/"):
        return False
    head = pkg.read(member, 64).lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    return head.startswith(b"<")


def read_small(pkg: Package, member: str, limit: int) -> bytes:
    """A member's bytes, or b"" when it declares more than ``limit`` bytes (never decompress much)."""
    if pkg.info(member).file_size > limit:
        return b""
    return pkg.read(member, limit)


class _Unjudgeable(Exception):
    """A part preflight must read to find the sheets is too large to read safely; the message says which."""


def _tags(pkg: Package, member: str, tag: bytes) -> list[dict[str, str]]:
    """The attributes of every <tag …> in a small XML part (none when it is missing). A part over 1 MB
    is refused: the sheets it lists could not be judged (a template's is a few KB)."""
    if member in pkg.names and pkg.info(member).file_size > _MB:
        raise _Unjudgeable(f"内部目录 {member} 超过 1 MB，无法检查其中列出的工作表")
    data = read_small(pkg, member, _MB) if member in pkg.names else b""
    found = []
    for match in re.finditer(rb"<(?:[\w.-]+:)?" + tag + rb"(?=[\s/>])([^>]*)>", data):
        found.append({k.decode("utf-8", "replace"): html.unescape((v1 or v2).decode("utf-8", "replace"))
                      for k, v1, v2 in _ATTRS.findall(match.group(1))})
    return found


def _plainly_small(pkg: Package, part: str) -> bool:
    """True when no cell can reach a limit: under 8 MB (so under a million cells), every cell written
    <c r="A1" s="…" t="…"> as Excel, WPS, LibreOffice, openpyxl and XlsxWriter write it, none at row
    10000 or column CA (79) or beyond. One C-speed search; anything else gets the exact scan."""
    if pkg.info(part).file_size > _PLAIN_MAX_BYTES:
        return False
    data = pkg.read(part, _PLAIN_MAX_BYTES + 1)  # the declared size may lie
    if len(data) > _PLAIN_MAX_BYTES:
        return False
    return not (_SUSPECT_CELL.search(data) or (_PREFIX_HINT.search(data) and _PREFIXED_CELL.search(data)))


class _Over(Exception):
    """A limit is passed: no need to read further."""


class _Cells:
    """Expat handlers following sheetData as python-calamine does: a cell without a reference sits right
    of the previous one (a row without one, below); a cell without a child (<c r="A1" s="1"/>) holds
    nothing and is skipped. Prefixes are ignored, as python-calamine ignores them."""

    def __init__(self) -> None:
        self.row = self.col = self.last_row = self.last_col = self.cells = 0
        self.pending = False  # inside a <c> whose first child has not been seen yet

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local in ("row", "c"):
            letters, digits = _REF_VALUE.match(attrs.get("r", "")).groups()
            if local == "row":
                self.row, self.col = int(digits) if digits else self.row + 1, 0
                return
            self.col = _column_number(letters.encode()) if letters else self.col + 1
            self.row, self.pending = int(digits) if digits else self.row, True
        elif self.pending:  # <v>, <is> or <f>: the cell holds something
            self.pending = False
            self.cells += 1
            self.last_row, self.last_col = max(self.last_row, self.row), max(self.last_col, self.col)
            if over_limits(self.last_row, self.last_col, self.cells):
                raise _Over

    def end(self, name: str) -> None:
        if name.rpartition(":")[2] == "c":
            self.pending = False


def _exact_extent(pkg: Package, part: str) -> tuple[int, int, int]:
    """(last row, last column, cells) of the cells holding something in a worksheet part, by a strict
    streaming parse. What is not well-formed XML raises ExpatError, though python-calamine may read it
    (glued or repeated attributes, "<" in a value: the last r wins there). Past a limit, only row
    numbers are looked at, for the message."""
    cells = _Cells()
    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = cells.start, cells.end
    parser.StartDoctypeDeclHandler = _refuse_doctype  # one after a long prolog: never expanded
    with pkg.open(part) as fh:
        try:
            while chunk := fh.read(_MB):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Over:
            last = cells.last_row
            while chunk:
                last = max(last, _last_row_number(chunk))
                chunk = fh.read(_MB)
            return last, cells.last_col, cells.cells
    return cells.last_row, cells.last_col, cells.cells


def _refuse_doctype(*_) -> None:
    raise expat.ExpatError("DOCTYPE")


def _last_row_number(data: bytes) -> int:
    """The number of the last <row> in ``data`` (rows come in order), 0 when there is none."""
    start = data.rfind(b"<row ")
    ref = _ROW_REF.search(data, start, data.find(b">", start)) if start >= 0 else None
    return int(ref.group(1)) if ref else 0


def _ods_extents(pkg: Package) -> list[tuple[str, int, int, int]]:
    """(table name, last row, last column, cells) of every table in an .ods, counting repeated rows and cells.

    LibreOffice ends each table with ~1 million repeated *empty* rows, which take no memory; a repeated
    row that holds a value is a real row each time (a 1 KB file can ask for 10 million cells)."""
    from defusedxml.ElementTree import iterparse  # no DTD gets here, and defusedxml would refuse one

    found: list[tuple[str, int, int, int]] = []
    name, rows, col, row_cols, row_cells, extent = "", 0, 0, 0, 0, (0, 0, 0)
    spaces = 0  # <text:s text:c="N"/> asks the reader for N spaces: counted in full, never expanded here
    with pkg.open("content.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            if event == "start" and el.tag == _ODS_TEXT + "s":
                spaces += max(1, _count(el.get(_ODS_TEXT + "c", "1")))
                if spaces > MAX_ODS_SPACES:
                    raise _TextBomb(name, spaces)
                continue
            if event == "start":
                if el.tag == _ODS_TABLE + "table":
                    name, rows, extent = el.get(_ODS_TABLE + "name", ""), 0, (0, 0, 0)
                elif el.tag == _ODS_TABLE + "table-row":
                    col = row_cols = row_cells = 0
                continue
            if el.tag in (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell"):
                repeat = _repeat(el, "number-columns-repeated")
                col += repeat
                if el.get(_ODS_OFFICE + "value-type") or len(el):
                    row_cols, row_cells = col, row_cells + repeat
                el.clear()
            elif el.tag == _ODS_TABLE + "table-row":
                repeat = _repeat(el, "number-rows-repeated")
                rows += repeat
                if row_cells:
                    extent = (rows, max(extent[1], row_cols), extent[2] + repeat * row_cells)
                el.clear()
                if extent[0] > MAX_SHEET_ROWS or extent[0] * extent[1] > MAX_SHEET_CELLS:
                    return [(name, *extent)]
            elif el.tag == _ODS_TABLE + "table":
                found.append((name, *extent))
                el.clear()
    return found


def _repeat(el, attribute: str) -> int:
    return max(1, _count(el.get(_ODS_TABLE + attribute, "1")))


def _count(text: str) -> int:
    """A repeat count as the reader takes it; what is not a number counts as 1."""
    text = text.strip()
    return int(text) if text.isdigit() else 1


class _TextBomb(Exception):
    """An .ods whose texts ask for more spaces than any template holds: (table name, spaces)."""


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _column_name(number: int) -> str:
    letters = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_BIFF_BOUNDSHEET = 0x0085
_BIFF_DIMENSIONS = 0x0200  # the sheet's used range as declared: python-calamine allocates it as given
_BIFF_MULRK = 0x00BD
# records holding a value (NUMBER, RK, MULRK, LABELSST, LABEL, RSTRING, BOOLERR, FORMULA); BLANK and
# MULBLANK (formatting only) are skipped, as python-calamine skips them
_BIFF_VALUES = frozenset({0x0203, 0x027E, _BIFF_MULRK, 0x00FD, 0x0204, 0x00D6, 0x0205, 0x0006})


def xls_extents(book: bytes) -> list[tuple[str, int, int, int]]:
    """(sheet name, last row, last column, cells) of every worksheet in a BIFF workbook stream.

    As for .xlsx, python-calamine allocates the rectangle up to the farthest value: one value at
    IV65536 in an 80 KB .xls costs 1 GB."""
    names: dict[int, str] = {}  # stream offset of a sheet's BOF -> its name (from BOUNDSHEET)
    extents: dict[str, list[int]] = {}
    current = None
    pos = 0
    while pos + 4 <= len(book):
        rtype, size = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4:pos + 4 + size]
        if rtype in BIFF_BOF and pos in names:
            current = extents.setdefault(names[pos], [0, 0, 0])
        elif rtype == _BIFF_BOUNDSHEET and len(body) >= 8:
            names[struct.unpack_from("<I", body)[0]] = _biff_sheet_name(body[6:])
        elif rtype == _BIFF_DIMENSIONS and current is not None and len(body) >= 10:
            rows, cols = _declared_dimensions(body)
            current[0], current[1] = max(current[0], rows), max(current[1], cols)
        elif rtype in _BIFF_VALUES and current is not None and len(body) >= 6:
            row, col = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0] if rtype == _BIFF_MULRK else col
            current[0], current[1] = max(current[0], row + 1), max(current[1], last + 1)
            current[2] += (len(body) - 6) // 6 if rtype == _BIFF_MULRK else 1
        pos += 4 + size
    return [(label, *extent) for label, extent in extents.items()]


def _declared_dimensions(body: bytes) -> tuple[int, int]:
    """(rows, columns) a DIMENSIONS record declares: BIFF8 has 32-bit row numbers (14 bytes), older 16-bit."""
    if len(body) >= 14:
        return struct.unpack_from("<I", body, 4)[0], struct.unpack_from("<H", body, 10)[0]
    return struct.unpack_from("<H", body, 2)[0], struct.unpack_from("<H", body, 6)[0]


def _biff_sheet_name(text: bytes) -> str:
    """A BOUNDSHEET name: BIFF8 ShortXLUnicodeString (length, flags, characters), else 8-bit (GBK)."""
    length, flags = text[0], text[1] if len(text) > 1 else 0
    if len(text) == 2 + length * (2 if flags & 1 else 1) and flags in (0, 1):
        return text[2:].decode("utf-16-le" if flags & 1 else "latin-1", errors="replace")
    return text[1:1 + length].decode("gbk", errors="replace")
