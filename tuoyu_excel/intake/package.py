"""A zip package (.xlsx, .xlsm, .ods) held in memory, for preflight's checks.

Each check reads only what it needs and never more than its limit: the first 4 KB of a part
(is there a DTD?), or a whole worksheet up to 8 MB (how far do its cells reach?). A member
stored with plain deflate, as every spreadsheet program writes them, is inflated straight from
the bytes in memory (one slice, one zlib call); anything else goes through ``zipfile``, which
checks and reports it. A member whose data runs past the end of the file raises BadZipFile.

``repacked`` hands the reader the package again with the members that were inflated and checked
stored as they are: whatever a reader would make of an odd zip, it gets the members exactly as
they were checked, and no worksheet is inflated twice.
"""

from __future__ import annotations

import io
import struct
import zipfile
from typing import IO

from zlib_ng import zlib_ng  # the zlib API, inflating 2.4x faster (see pyproject.toml)

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra field length
_LOCAL_SIGNATURE = b"PK\x03\x04"
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")
_UTF8_NAMES = 0x800


INFLATE_ERROR = zlib_ng.error  # a member's deflate data is damaged


class Package:
    def __init__(self, data: bytes):
        self.data = data
        self._view = memoryview(data)  # members are sliced from it without copying
        self.zf = zipfile.ZipFile(io.BytesIO(data))
        self.infos = self.zf.infolist()
        self.names = {info.filename for info in self.infos}
        self._inflated: dict[str, bytes] = {}  # members read in full, as checked

    def info(self, name: str) -> zipfile.ZipInfo:
        return self.zf.getinfo(name)

    def read(self, name: str | zipfile.ZipInfo, limit: int) -> bytes:
        """At most ``limit`` bytes of a member, decompressed (more are never inflated; a member read in
        full once is not inflated again)."""
        info = name if isinstance(name, zipfile.ZipInfo) else self.zf.getinfo(name)
        whole = self._inflated.get(info.filename)
        if whole is not None and self.zf.getinfo(info.filename) is info:  # inflated in full before
            return whole if limit >= len(whole) else whole[:limit]
        raw = self._raw(info)
        if raw is None:
            with self.zf.open(info) as fh:
                return fh.read(limit)
        if info.compress_type == zipfile.ZIP_STORED:
            data, whole = bytes(raw[:limit]), len(raw) <= limit
        else:
            inflate = zlib_ng.decompressobj(-zlib_ng.MAX_WBITS)
            data = inflate.decompress(raw, limit)
            whole = inflate.eof
        if whole and len(data) == info.file_size and self.zf.getinfo(info.filename) is info:
            self._inflated[info.filename] = data
        return data

    def repacked(self) -> bytes:
        """The package for the reader: each member once (the entry ``zipfile`` takes for its name), those
        read in full stored uncompressed, the others copied as they are (names, dates and CRCs kept);
        the original bytes when a member is unusual (encrypted, another compression method)."""
        pieces: list[bytes | memoryview] = []
        central: list[bytes] = []
        offset = 0
        for name in dict.fromkeys(info.filename for info in self.infos):
            info = self.zf.getinfo(name)
            data = self._inflated.get(name)
            method = zipfile.ZIP_STORED
            if data is None:
                data, method = self._raw(info), info.compress_type
                if data is None:
                    return self.data
            encoded = name.encode("utf-8")
            (year, month, day, hour, minute, second) = info.date_time
            date, time = (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2
            fields = (_UTF8_NAMES, method, time, date, info.CRC, len(data), info.file_size, len(encoded))
            local = _LOCAL.pack(_LOCAL_SIGNATURE, 20, *fields, 0) + encoded
            central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, *fields, 0, 0, 0, 0, 0, offset) + encoded)
            pieces += (local, data)
            offset += len(local) + len(data)
        size = sum(map(len, central))
        end = _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, offset, 0)
        return b"".join([*pieces, *central, end])  # one copy: each large allocation costs page faults

    def open(self, name: str) -> IO[bytes]:
        """A member as a stream, for the parts read piece by piece."""
        return self.zf.open(name)

    def _raw(self, info: zipfile.ZipInfo) -> memoryview | None:
        """The member's compressed bytes (a view) when plain stored/deflated and unencrypted, else None."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            return None
        offset = info.header_offset
        header = self.data[offset:offset + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size:
            raise zipfile.BadZipFile("truncated local header")
        signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        name_start = offset + _LOCAL_HEADER.size
        if signature != _LOCAL_SIGNATURE or self.data[name_start:name_start + name_length] != _name_bytes(info):
            raise zipfile.BadZipFile("bad local header")  # as zipfile says when the two names differ
        start = name_start + name_length + extra_length
        end = start + info.compress_size
        if end > len(self.data):
            raise zipfile.BadZipFile("member runs past the end of the file")
        return self._view[start:end]


def _name_bytes(info: zipfile.ZipInfo) -> bytes:
    """A member's name as its headers hold it."""
    name = info.orig_filename
    if name.isascii():  # (cp437 is a codec written in Python, and ASCII names are all there is in a workbook)
        return name.encode("ascii")
    return name.encode("utf-8" if info.flag_bits & _UTF8_NAMES else "cp437")
