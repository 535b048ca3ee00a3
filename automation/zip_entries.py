"""Zip entries written as compressed bytes: a package part compressed once, or copied as it is.

Both the Word documents (`automation.package`: parts a render never changes, compressed once per
template) and the workbook (`automation.sheets.xlsx_patch`: every part but the sheets the job
writes, copied from the file without inflating it) put entries into a zip that are compressed
already. `zipfile` has no public way to do that; `add` does what `ZipFile.writestr` does after
compressing: the local header and the data written where the next entry starts, the entry listed
for the central directory. A writer writes one archive at a time, in one thread.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

ENTRY_DATE = (1980, 1, 1, 0, 0, 0)  # the zip format's first day: an entry's bytes depend on its content only
LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # the zip format's local file header, before its name and extra


@dataclass(frozen=True)
class Entry:
    info: ZipInfo
    header: bytes  # the local file header (it does not hold the entry's offset)
    data: bytes  # compressed


def compressed(name: str, blob: bytes | str, date: tuple[int, int, int, int, int, int] = ENTRY_DATE) -> Entry:
    """A part deflated as `zipfile` deflates."""
    raw = blob.encode("utf-8") if isinstance(blob, str) else blob
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    data = compressor.compress(raw) + compressor.flush()
    info = ZipInfo(name, date)
    info.compress_type = ZIP_DEFLATED
    info.CRC, info.file_size, info.compress_size = zlib.crc32(raw), len(raw), len(data)
    return Entry(info, info.FileHeader(), data)


def as_stored(source: ZipFile, info: ZipInfo) -> Entry:
    """An entry of `source` as the file holds it: its compressed bytes, never inflated."""
    assert source.fp is not None
    source.fp.seek(info.header_offset)
    fields = LOCAL_HEADER.unpack(source.fp.read(LOCAL_HEADER.size))
    source.fp.seek(fields[-2] + fields[-1], io.SEEK_CUR)  # past the name and the extra field
    data = source.fp.read(info.compress_size)
    entry = ZipInfo(info.filename, info.date_time)
    entry.compress_type, entry.CRC = info.compress_type, info.CRC
    entry.file_size, entry.compress_size = info.file_size, info.compress_size
    entry.external_attr = info.external_attr
    entry.flag_bits = info.flag_bits & ~0x08  # sizes in the local header: no data descriptor follows
    return Entry(entry, entry.FileHeader(), data)


def add(archive: ZipFile, entry: Entry) -> None:
    """An entry already compressed, written where the next one starts and listed for the central
    directory. The entry's own ZipInfo is listed, its offset set for this archive."""
    info = entry.info
    info.header_offset = archive.fp.tell()  # type: ignore[union-attr]
    archive.fp.write(entry.header)  # type: ignore[union-attr]
    archive.fp.write(entry.data)  # type: ignore[union-attr]
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info
    archive.start_dir = archive.fp.tell()  # type: ignore[union-attr]
