"""Cells as the .xlsx file stores them, not as openpyxl reads them back.

"Nothing a unit typed changes" is checked on the sheet XML: each cell's type, its stored value
text (a shared string resolved to its text, since a save may renumber the table) and its
formula. openpyxl's reading would hide what a save did to a number in a date-formatted cell.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

StoredCell = tuple[str, str, str]  # type ("n", "s", "b", "str", "e", …), value text, formula text


def stored_cells(path: Path) -> dict[str, dict[str, StoredCell]]:
    """sheet title → cell reference (A1) → what the file stores there."""
    with zipfile.ZipFile(path) as archive:
        shared = _shared_strings(archive)
        targets = {r.get("Id"): r.get("Target") for r in etree.fromstring(
            archive.read("xl/_rels/workbook.xml.rels")).iter(f"{PACKAGE_REL}Relationship")}
        sheets = {}
        for sheet in etree.fromstring(archive.read("xl/workbook.xml")).iter(f"{MAIN}sheet"):
            target = targets[sheet.get(f"{REL}id")]
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            sheets[sheet.get("name")] = _cells(etree.fromstring(archive.read(part)), shared)
    return sheets


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = etree.fromstring(archive.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{MAIN}t")) for si in root.iter(f"{MAIN}si")]


def _cells(root: etree._Element, shared: list[str]) -> dict[str, StoredCell]:
    out = {}
    for cell in root.iter(f"{MAIN}c"):
        kind = cell.get("t", "n")
        value = cell.findtext(f"{MAIN}v") or ""
        if kind == "s" and value:
            kind, value = "str", shared[int(value)]
        elif kind == "inlineStr":
            kind, value = "str", "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
        formula = cell.findtext(f"{MAIN}f") or ""
        if value or formula:
            out[cell.get("r")] = (kind, value, formula)
    return out


def typed(cells: dict[str, StoredCell], flag_letters: set[str]) -> dict[str, StoredCell]:
    """The cells outside the flag columns (given by their letters)."""
    return {ref: c for ref, c in cells.items() if ref.rstrip("0123456789") not in flag_letters}
