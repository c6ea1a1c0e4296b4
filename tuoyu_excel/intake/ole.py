"""OLE2 compound files (.xls, or an .xlsx with an opening password), as far as preflight needs them.

Just enough of [MS-CFB] to list the streams, tell an encrypted or non-spreadsheet file, and measure
an .xls workbook stream's sheets before python-calamine may allocate them.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from tuoyu_excel.intake.sheet_size import BIFF_BOF, over_limits, too_large_context, xls_extents
from tuoyu_excel.issues import Issue, make_issue

_CORRUPT_OLE = "内部结构不完整或已损坏，可能是下载、复制未完成"


class _Broken(Exception):
    """An OLE2 structure that points outside the file or loops."""


_FREESECT = 0xFFFFFFFA  # sector ids from here up are markers (end of chain, free, FAT, DIFAT)
_BIFF_FILEPASS = 0x002F
_BIFF_WRITEPROTECT = 0x0086


def check_ole(f: BinaryIO, name: str) -> Issue | None:
    try:
        ole = _Ole(f)
        streams = ole.streams()
        if "encryptioninfo" in streams or "encryptedpackage" in streams:
            return make_issue("FILE_ENCRYPTED", name)
        book = streams.get("workbook") or streams.get("book")
        if book is None:
            return make_issue("FILE_NOT_SPREADSHEET", name, detail=_ole_kind(streams))
        ole.check_stream(*book)
        if ole.has_filepass(*book):
            return make_issue("FILE_ENCRYPTED", name)
    except (_Broken, struct.error, ValueError, IndexError):
        return make_issue("FILE_CORRUPT", name, detail=_CORRUPT_OLE)
    return _xls_too_large(ole, book, name)


def _xls_too_large(ole: _Ole, book: tuple[int, int], name: str) -> Issue | None:
    """SHEET_TOO_LARGE for an .xls sheet reaching beyond the limits (as for .xlsx, python-calamine would
    allocate the whole rectangle), else None."""
    try:
        extents = xls_extents(ole.stream(*book))
    except (_Broken, struct.error, ValueError, IndexError):
        return None  # python-calamine will say what is wrong
    return next((make_issue("SHEET_TOO_LARGE", name, **too_large_context(label, rows, cols))
                 for label, rows, cols, cells in extents if over_limits(rows, cols, cells)), None)


def _ole_kind(streams: dict[str, tuple[int, int]]) -> str:
    if "worddocument" in streams:
        return "看起来是 Word 文档（.doc）"
    if "powerpoint document" in streams:
        return "看起来是 PowerPoint 演示文稿（.ppt）"
    if any(s.startswith("__substg1.0_") for s in streams):
        return "看起来是 Outlook 邮件（.msg），请把邮件中的表格附件另存后发送"
    return "看起来是其他类型的 Office 文件，不含工作簿"


class _Ole:
    """Just enough of [MS-CFB] to list stream names and read the first sector of a stream."""

    def __init__(self, f: BinaryIO):
        self.f = f
        f.seek(0, os.SEEK_END)
        self.size = f.tell()
        if self.size < 1024:  # header + at least one sector
            raise _Broken("too short")
        header = self._read(0, 512)
        shift = struct.unpack_from("<H", header, 0x1E)[0]
        self.mini_cutoff = struct.unpack_from("<I", header, 0x38)[0]
        self.minifat_start = struct.unpack_from("<I", header, 0x3C)[0]
        if shift not in (9, 12):
            raise _Broken("sector size")
        self.sector = 1 << shift
        num_fat, self.dir_start = struct.unpack_from("<II", header, 0x2C)
        difat_start, num_difat = struct.unpack_from("<II", header, 0x44)
        if num_fat > self.size // self.sector:
            raise _Broken("FAT larger than the file")
        fat_sectors = self._fat_sectors(list(struct.unpack_from("<109I", header, 0x4C)), difat_start, num_difat)
        if len(fat_sectors) < num_fat:
            raise _Broken("FAT")
        self.fat = b"".join(self._sector(sid) for sid in fat_sectors[:num_fat])  # 4-byte next-sector ids

    def _read(self, offset: int, length: int) -> bytes:
        """``length`` bytes at ``offset``; a last sector cut short (some writers do not pad it) is zero-filled."""
        if offset < 0 or offset >= self.size:
            raise _Broken("outside the file")
        self.f.seek(offset)
        return self.f.read(length).ljust(length, b"\0")

    def _sector(self, sid: int) -> bytes:
        return self._read((sid + 1) * self.sector, self.sector)

    def _fat_sectors(self, ids: list[int], difat_sid: int, count: int) -> list[int]:
        per_sector = self.sector // 4 - 1
        for _ in range(min(count, self.size // self.sector + 1)):  # bounded: no loops through DIFAT
            if difat_sid >= _FREESECT:
                break
            block = struct.unpack(f"<{per_sector + 1}I", self._sector(difat_sid))
            ids.extend(block[:per_sector])
            difat_sid = block[per_sector]
        return [sid for sid in ids if sid < _FREESECT]

    def _chain(self, start: int) -> list[int]:
        chain: list[int] = []
        sid = start
        while sid < _FREESECT:
            if sid >= len(self.fat) // 4 or len(chain) > len(self.fat) // 4:
                raise _Broken("chain")
            chain.append(sid)
            sid = struct.unpack_from("<I", self.fat, sid * 4)[0]
        return chain

    def streams(self) -> dict[str, tuple[int, int]]:
        """Casefolded stream name -> (first sector, size)."""
        found: dict[str, tuple[int, int]] = {}
        self.root_start = _FREESECT
        for sid in self._chain(self.dir_start):
            block = self._sector(sid)
            for pos in range(0, len(block), 128):
                entry = block[pos:pos + 128]
                name_len, kind = struct.unpack_from("<HB", entry, 64)
                if kind == 5 and self.root_start == _FREESECT:  # root entry: holds the mini stream
                    self.root_start = struct.unpack_from("<I", entry, 116)[0]
                if kind != 2 or not 2 <= name_len <= 64:  # 2 = stream
                    continue
                name = entry[:name_len - 2].decode("utf-16-le", errors="replace").casefold()
                start, size = struct.unpack_from("<II", entry, 116)
                found.setdefault(name, (start, size))
        return found

    def check_stream(self, start: int, size: int) -> None:
        """Raise _Broken when a (regular, not mini) stream runs past the end of the file: a truncated copy."""
        if size < self.mini_cutoff:
            return
        chain = self._chain(start)
        if len(chain) * self.sector < size or any((sid + 1) * self.sector >= self.size for sid in chain):
            raise _Broken("stream outside the file")

    def stream(self, start: int, size: int) -> bytes:
        """A whole stream; never more than the file holds (chains are bounded by the FAT)."""
        if size >= self.mini_cutoff:
            return b"".join(self._sector(sid) for sid in self._chain(start))[:size]
        minifat = b"".join(self._sector(sid) for sid in self._chain(self.minifat_start))
        container = b"".join(self._sector(sid) for sid in self._chain(self.root_start))
        pieces: list[bytes] = []
        sid = start
        while sid < _FREESECT and len(pieces) * 64 < size:
            if sid * 4 + 4 > len(minifat) or sid * 64 + 64 > len(container):
                raise _Broken("mini stream")
            pieces.append(container[sid * 64:sid * 64 + 64])
            sid = struct.unpack_from("<I", minifat, sid * 4)[0]
        return b"".join(pieces)[:size]

    def _stream_head(self, start: int, size: int) -> bytes:
        """The first sector of a stream, or its first 64-byte mini sector when it lives in the mini stream."""
        if size >= self.mini_cutoff:
            return self._sector(start)
        offset = start * 64  # mini sectors are 64 bytes, laid end to end in the root entry's chain
        container = self._chain(self.root_start)
        if offset // self.sector >= len(container):
            raise _Broken("mini stream")
        block = self._sector(container[offset // self.sector])
        return block[offset % self.sector:offset % self.sector + 64]

    def has_filepass(self, start: int, size: int) -> bool:
        """True when the BIFF globals begin BOF, [WriteProtect], FilePass: an .xls with an opening password."""
        if size < 8 or start >= _FREESECT:
            return False
        data = self._stream_head(start, size)
        pos = 0
        for index in range(3):
            if pos + 4 > len(data):
                return False
            rtype, rlen = struct.unpack_from("<HH", data, pos)
            if index == 0 and rtype not in BIFF_BOF:
                return False
            if rtype == _BIFF_FILEPASS:
                return True
            if index > 0 and rtype != _BIFF_WRITEPROTECT:
                return False
            pos += 4 + rlen
        return False
