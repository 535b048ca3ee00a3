"""What writing only the job's cells into the sheet XML would cost: a measurement for a design
thidua does not have yet, beside the floor it would replace.

thidua's .xlsx re-sync loads the whole workbook with openpyxl (every cell an object) and saves it
whole (every cell serialised again), like its floor, openpyxl's own load and save. The other way:
read the values straight from each sheet's XML, change in the XML only the cells the job writes,
and copy every other part of the package as it is, compressed bytes and all. This script does
exactly that for a steady-state re-sync — the `Kiểm tra lúc` stamp rewritten on every row of
every unit tab, as each sync does — and measures it in its own process (wall time, peak memory):

    .venv/bin/python bench/sheet_patch.py PATH.xlsx      (prints: seconds, peak MB, cells checked)

It then checks that every other cell of every sheet is byte for byte what it was in the file's
XML (each <c> element serialised alone, before and after). What it leaves out of a real writer:
styles for cells that had none, hyperlinks, row heights, new columns, the Tổng hợp tab and the
Nhật ký row; a real writer would fall back to openpyxl for what it cannot patch.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import time
import zipfile
from pathlib import Path

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
C, ROW, IS, T, V = (f"{{{MAIN}}}{name}" for name in ("c", "row", "is", "t", "v"))
STAMP_HEADER = "Kiểm tra lúc"
LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # the zip format's local file header, before its name and extra


def _raw_entry(source: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's compressed bytes as the file holds them: copied, never inflated and deflated again."""
    assert source.fp is not None
    source.fp.seek(info.header_offset)
    fields = LOCAL_HEADER.unpack(source.fp.read(LOCAL_HEADER.size))
    source.fp.seek(fields[-2] + fields[-1], io.SEEK_CUR)  # past the name and the extra field
    return source.fp.read(info.compress_size)


def _copy(target: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> None:
    """Put an entry already compressed into `target` (the local header written, the entry listed)."""
    entry = zipfile.ZipInfo(info.filename, info.date_time)
    entry.compress_type, entry.CRC = info.compress_type, info.CRC
    entry.file_size, entry.compress_size = info.file_size, info.compress_size
    entry.external_attr, entry.flag_bits = info.external_attr, info.flag_bits & ~0x08
    assert target.fp is not None
    entry.header_offset = target.fp.tell()
    target.fp.write(entry.FileHeader())
    target.fp.write(data)
    target.filelist.append(entry)
    target.NameToInfo[entry.filename] = entry
    target.start_dir = target.fp.tell()


def _text(cell: etree._Element, strings: list[str]) -> str | None:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(T))
    value = cell.find(V)
    if value is None or value.text is None:
        return None
    return strings[int(value.text)] if kind == "s" else value.text


def _stamp(cell: etree._Element, text: str) -> None:
    """The cell's value replaced by `text`, as an inline string; its style (s=) kept."""
    for child in list(cell):
        cell.remove(child)
    cell.set("t", "inlineStr")
    etree.SubElement(etree.SubElement(cell, IS), T).text = text


def patch(path: Path, out: Path, stamp: str) -> tuple[int, int]:
    """Read every sheet's values, stamp every data row of the tabs that have the stamp column, copy
    the rest; returns (cells read, cells written)."""
    read = written = 0
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        strings: list[str] = []
        if "xl/sharedStrings.xml" in source.NameToInfo:
            shared = etree.fromstring(source.read("xl/sharedStrings.xml"))
            strings = ["".join(t.text or "" for t in si.iter(T)) for si in shared]
        for info in source.infolist():
            if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", info.filename):
                _copy(target, info, _raw_entry(source, info))
                continue
            root = etree.fromstring(source.read(info))
            rows = root.iter(ROW)
            header = next(rows, None)
            column = None
            for cell in header if header is not None else ():
                read += 1
                if _text(cell, strings) == STAMP_HEADER:
                    column = re.sub(r"\d+", "", cell.get("r", ""))
            stamped = 0
            for row in rows:
                for cell in row:
                    read += 1
                    _text(cell, strings)  # the value a snapshot would hold
                    if column is not None and cell.get("r", "") == f"{column}{row.get('r')}":
                        _stamp(cell, stamp)
                        stamped += 1
            written += stamped
            if stamped:
                target.writestr(info, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
            else:
                _copy(target, info, _raw_entry(source, info))
    return read, written


def unchanged_cells(before: Path, after: Path) -> int:
    """Every cell but the stamps, byte for byte the same XML in both files; returns how many."""
    same = 0
    with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
        assert old.namelist() == new.namelist()
        for name in old.namelist():
            if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
                assert old.read(name) == new.read(name), name
                continue
            cells = {}
            for cell in etree.fromstring(old.read(name)).iter(C):
                cells[cell.get("r")] = etree.tostring(cell)
            kept = stamps = 0
            for cell in etree.fromstring(new.read(name)).iter(C):
                if etree.tostring(cell) == cells[cell.get("r")]:
                    kept += 1
                else:
                    stamps += 1
                    assert b"inlineStr" in etree.tostring(cell) and cell.get("r") in cells
            assert len(cells) == kept + stamps, name
            same += kept
    return same


def _peak_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


if __name__ == "__main__":
    source = Path(sys.argv[1])
    target = source.with_suffix(".patched.xlsx")
    start = time.perf_counter()
    cells, stamped = patch(source, target, time.strftime("%d/%m/%Y %H:%M"))
    seconds, peak = time.perf_counter() - start, _peak_mb()
    kept = unchanged_cells(source, target)
    print(seconds, peak, cells, stamped, kept)
