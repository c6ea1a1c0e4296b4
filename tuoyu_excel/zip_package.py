"""A zip package (.xlsx, .xlsm, .ods) held in memory, for preflight's checks.

Each check reads only what it needs and never more than its limit: the first 4 KB of a part
(is there a DTD?), or a whole worksheet up to 8 MB (how far do its cells reach?). A member
stored with plain deflate, as every spreadsheet program writes them, is inflated straight from
the bytes in memory (one slice, one zlib call); anything else goes through ``zipfile``, which
checks and reports it. A member whose data runs past the end of the file raises BadZipFile.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import IO

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra field length
_LOCAL_SIGNATURE = b"PK\x03\x04"


class Package:
    def __init__(self, data: bytes):
        self.data = data
        self.zf = zipfile.ZipFile(io.BytesIO(data))
        self.infos = self.zf.infolist()
        self.names = {info.filename for info in self.infos}

    def info(self, name: str) -> zipfile.ZipInfo:
        return self.zf.getinfo(name)

    def read(self, name: str | zipfile.ZipInfo, limit: int) -> bytes:
        """At most ``limit`` bytes of a member, decompressed (more are never inflated)."""
        info = name if isinstance(name, zipfile.ZipInfo) else self.zf.getinfo(name)
        raw = self._raw(info)
        if raw is None:
            with self.zf.open(info) as fh:
                return fh.read(limit)
        if info.compress_type == zipfile.ZIP_STORED:
            return raw[:limit]
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, limit)

    def open(self, name: str) -> IO[bytes]:
        """A member as a stream, for the parts read piece by piece."""
        return self.zf.open(name)

    def _raw(self, info: zipfile.ZipInfo) -> bytes | None:
        """The member's compressed bytes when plain stored/deflated and unencrypted, else None."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            return None
        offset = info.header_offset
        header = self.data[offset:offset + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size:
            raise zipfile.BadZipFile("truncated local header")
        signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        if signature != _LOCAL_SIGNATURE:
            raise zipfile.BadZipFile("bad local header")
        start = offset + _LOCAL_HEADER.size + name_length + extra_length
        end = start + info.compress_size
        if end > len(self.data):
            raise zipfile.BadZipFile("member runs past the end of the file")
        return self.data[start:end]
