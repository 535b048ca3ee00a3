"""Only the job's cells written into the sheet XML: every other byte of the file stays as it was.

A sync of an .xlsx used to load the whole workbook with openpyxl and save it whole: every cell
a unit typed serialised again, every part of the package compressed again. What a sync writes is
a handful of columns: the flags beside each row, Tổng hợp's numbers, one Nhật ký row. `patch`
turns the `SheetUpdate` into splices of the sheets' XML, at the places the read found
(`xlsx_read.SheetIndex`): a cell's element replaced, a cell or a row put in where it belongs, a
row's height set; `write` copies every other part of the package as its compressed bytes. A
cell a unit typed is never re-serialised, so it cannot change.

The result is what openpyxl's write (`Workbook.write`) would make of the same update, in value,
style and row height. What that needs and the file does not have yet raises `CannotPatch`, and
the workbook is written with openpyxl instead: new job columns or a notice in a header row, a
cell format the file has no entry for (a flag cell dressed for the first time), a document link
(a hyperlink), a flag cell inside a merged range or holding a formula, Tổng hợp changing shape,
an empty Nhật ký, rows appended by `thidua record`. A first sync takes that way; the syncs after
it, this one.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from automation.sheets import (FLAG_SHADE, OverviewLayout, SheetUpdate, Snapshot, TabWrite, column_letter,
                               header_cell_is_free, link_target)
from automation.sheets.xlsx_read import COLUMNS, Package, SheetIndex, lines_of, trim
from automation.text import title_like
from automation.zip_entries import ENTRY_DATE, Entry, add, as_stored, compressed

LINE_HEIGHT = 15.0  # points per line of 11 pt text (`workbook.fit_row_heights` too)
MAX_ROW_HEIGHT = 409.0  # the most a spreadsheet row may be
WRAPPED = (("vertical", "top"), ("wrapText", "1"))  # `workbook.WRAPPED`, as the styles part says it
TOP = (("vertical", "top"),)  # `workbook.TOP`
WRAPPED_FLAGS = ("messages", "document")  # the flag columns whose text wraps (the others: TOP)


Alignment = tuple[tuple[str, str], ...]
Dressing = tuple[Alignment, str | None]  # the alignment, and the named style a document cell takes (None: its own)


class CannotPatch(Exception):
    """The update needs what only a whole write can do: the workbook is written with openpyxl."""


@dataclass
class _SheetEdits:
    """What one sheet gets: cell values (and the format a flag cell must wear), rows to refit."""

    cells: dict[int, Any] = field(default_factory=dict)  # key (row * COLUMNS + column) → value
    dressed: dict[int, Dressing] = field(default_factory=dict)  # key → what a flag cell wears once written
    links: dict[int, str] = field(default_factory=dict)  # key → the document a cell links to ("" : none)
    refit: set[int] = field(default_factory=set)  # rows whose height follows their wrapped text
    appended: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row, values) of rows added at the end


def patch(path: Any, package: Package, snapshot: Snapshot, update: SheetUpdate) -> dict[str, Entry]:
    """The new XML of each sheet the update changes, compressed, by part name; raises CannotPatch."""
    edits: dict[str, _SheetEdits] = {}
    for tab in update.tabs:
        _flags(tab, package, snapshot, edits)
    if update.appends:
        raise CannotPatch("rows appended to a tab")
    if update.overview is not None:
        _overview(update.overview, update.overview_title, update.overview_layout, package, snapshot, edits)
    _log(update, package, snapshot, edits)
    out = {}
    with zipfile.ZipFile(path) as archive:
        for title, sheet_edits in edits.items():
            index = package.sheets[title]
            if not sheet_edits.cells and not sheet_edits.refit and not sheet_edits.appended:
                continue
            info = archive.getinfo(index.part)
            if info.CRC != index.crc:
                raise CannotPatch(f"{index.part} changed since it was read")
            links = _Links(archive, index, sheet_edits.links)
            out[index.part] = compressed(index.part, _patched(archive.read(info), index, package, sheet_edits, links),
                                         info.date_time)
            if links.changed:
                out[links.part] = compressed(links.part, links.xml(), links.date)
    return out


def write(source: Any, target: Any, parts: Mapping[str, Entry]) -> None:
    """The package again: the patched parts in place of theirs (a sheet's first links add a part),
    every other part copied as it is."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            add(new, parts[info.filename] if info.filename in parts else as_stored(old, info))
        for name, entry in parts.items():
            if name not in old.NameToInfo:
                add(new, entry)


# ------------------------------------------------------------------ what each tab gets

def _sheet(package: Package, title: str) -> tuple[str, SheetIndex]:
    found = title_like(package.sheets, title)
    if found not in package.sheets:
        raise CannotPatch(f"no tab '{title}'")
    return found, package.sheets[found]


def _value_at(snapshot: Snapshot, title: str, row: int, column: int) -> Any:
    """The value read at a 1-based place."""
    rows = snapshot.tabs[title].rows
    cells = rows[row - 1] if row <= len(rows) else ()
    return cells[column - 1] if column <= len(cells) else None


def _writable(index: SheetIndex, key: int) -> None:
    row, column = divmod(key, COLUMNS)
    if key in index.formulas:
        raise CannotPatch(f"{column_letter(column - 1)}{row} holds a formula")
    if any(top < row <= bottom + 1 and left < column <= right + 1 for top, left, bottom, right in index.merges):
        raise CannotPatch(f"{column_letter(column - 1)}{row} is merged")


def _flags(tab: TabWrite, package: Package, snapshot: Snapshot, edits: dict[str, _SheetEdits]) -> None:
    if tab.new_headers:
        raise CannotPatch("new job columns")
    title, index = tab.title, package.sheets.get(tab.title)
    if index is None:
        raise CannotPatch(f"no tab '{title}'")
    sheet = edits.setdefault(title, _SheetEdits())
    if tab.notice is not None:
        current = _value_at(snapshot, title, 1, tab.notice[0] + 1)
        if header_cell_is_free(current) and (current or "") != tab.notice[1]:
            raise CannotPatch("a notice in a header row")
    for flags in tab.rows:
        for key, value in flags.values.items():
            column = tab.flag_columns[key] + 1
            if (_value_at(snapshot, title, flags.row, column) or "") == value:
                continue
            place = flags.row * COLUMNS + column
            _writable(index, place)
            sheet.cells[place] = value
            if key == "document":  # a link to the summary, in the style office suites show links in
                if index.ranged_links:
                    raise CannotPatch("a link over a range of cells")
                sheet.links[place] = value
                sheet.dressed[place] = (WRAPPED, "Hyperlink" if value else "Normal")
            else:
                sheet.dressed[place] = (WRAPPED if key in WRAPPED_FLAGS else TOP, None)
        sheet.refit.add(flags.row)


def _overview(table: list[list[Any]], title: str, layout: OverviewLayout | None, package: Package,
              snapshot: Snapshot, edits: dict[str, _SheetEdits]) -> None:
    """Tổng hợp's values, when it keeps its shape: the same rows, header and first column (what its
    dressing and its charts follow), its columns as wide as the layout says."""
    title, index = _sheet(package, title)
    old = snapshot.tabs[title].rows
    new = trim([list(row) for row in table])
    if (len(old) != len(table) or len(new) != len(table) or index.last_row != len(table) or not table
            or old[0] != new[0] or any(a[:1] != b[:1] for a, b in zip(old, new))):
        raise CannotPatch("Tổng hợp changes shape")
    if layout is not None and any(index.widths.get(c + 1) != w for c, w in enumerate(layout.widths)):
        raise CannotPatch("Tổng hợp's widths")
    width = max(len(row) for row in table)
    sheet = edits.setdefault(title, _SheetEdits())
    for r, (was, row) in enumerate(zip(old, table), start=1):
        for c in range(1, max(width, len(was)) + 1):
            value = row[c - 1] if c <= len(row) else None
            current = was[c - 1] if c <= len(was) else None
            if current == value or (current in (None, "") and value in (None, "")):
                continue
            place = r * COLUMNS + c
            _writable(index, place)
            sheet.cells[place] = value
    if layout is not None:
        sheet.refit.update(range(2, len(table) + 1))


def _log(update: SheetUpdate, package: Package, snapshot: Snapshot, edits: dict[str, _SheetEdits]) -> None:
    title, index = _sheet(package, update.log_title)
    if not snapshot.tabs[title].rows or _value_at(snapshot, title, 1, 1) is None:
        raise CannotPatch("Nhật ký has no header yet")
    edits.setdefault(title, _SheetEdits()).appended.append((index.last_row + 1, list(update.log_row)))


# ------------------------------------------------------------------ splicing the XML

def _patched(data: bytes, index: SheetIndex, package: Package, edits: _SheetEdits, links: _Links) -> bytes:
    """The sheet's XML with the edits spliced in. Linear in the cells the sheet holds; what it
    allocates follows the cells written."""
    styles = _StyleFinder(package)
    rows = {index.rows[i]: (index.rows[i + 1], index.rows[i + 2], index.rows[i + 3])
            for i in range(0, len(index.rows), 4)}
    order = list(rows)
    if len(order) != len(index.rows) // 4 or any(a >= b for a, b in zip(order, order[1:])):
        raise CannotPatch(f"{index.part}: rows out of order")
    cells, wanted = index.cells, edits.cells
    found: dict[int, tuple[int, int, int]] = {}  # a written cell that exists → (start, end, style)
    for i in range(0, len(cells), 4):
        if cells[i] in wanted:
            found[cells[i]] = (cells[i + 1], cells[i + 2], cells[i + 3])
    added: dict[int, list[int]] = {}  # row → the columns of the cells it gets
    for key, value in wanted.items():
        if key not in found and value is not None and value != "":
            added.setdefault(key // COLUMNS, []).append(key % COLUMNS)
    neighbours = _cells_of(index, set(added))
    splices: list[tuple[int, int, int, bytes]] = []  # (start, end, order among insertions at one place, bytes)
    lines: dict[int, dict[int, int]] = {}  # row → column → lines of wrapped text, where the edits change them
    for key, (start, end, style) in found.items():
        row, column = divmod(key, COLUMNS)
        value = wanted[key]
        if key in edits.dressed:
            style = styles.dressed(style, *edits.dressed[key])
        splices.append((start, end, 0, _cell(row, column, value, style)))
        _count_lines(lines, index, package, row, column, value, style)
    new_cells: dict[int, list[tuple[int, bytes]]] = {}
    for row, columns in added.items():
        for column in sorted(columns):
            key = row * COLUMNS + column
            dressing = edits.dressed.get(key)
            if dressing is None:
                raise CannotPatch(f"{index.part}: no cell at {column_letter(column - 1)}{row}")
            style = styles.dressed(0, *dressing)
            new_cells.setdefault(row, []).append((column, _cell(row, column, wanted[key], style)))
            _count_lines(lines, index, package, row, column, wanted[key], style)
    for row in sorted(edits.refit | set(new_cells)):
        height = index.heights.get(row)
        if row in edits.refit:
            held = lines[row] if row in lines else index.lines.get(row, {})
            height = row_height(max(held.values(), default=1))
        if row in rows:
            start, tag_end, end = rows[row]
            if height != index.heights.get(row):
                splices.append((start, tag_end, 0, _with_height(data[start:tag_end], height)))
            present = neighbours.get(row, [])
            for column, element in new_cells.get(row, ()):
                before = [e for c, e in present if c < column]
                if not before and tag_end == end:  # <row/>: no room inside
                    raise CannotPatch(f"{index.part}: an empty row element")
                at = before[-1] if before else tag_end
                splices.append((at, at, column, element))
        elif row in new_cells:
            at = _row_insertion(data, rows, order, row)
            element = _row_tag(row, height) + b"".join(e for _, e in new_cells[row]) + b"</row>"
            splices.append((at, at, row, element))
    for row, values in edits.appended:
        at = _row_insertion(data, rows, order, row)
        cells_xml = [_cell(row, c, v, 0) for c, v in enumerate(values, start=1) if v is not None and v != ""]
        splices.append((at, at, row, _row_tag(row, None) + b"".join(cells_xml) + b"</row>"))
    if edits.appended:
        splices += _grown_dimension(data, edits.appended[-1][0], max(len(v) for _, v in edits.appended))
    splices += links.splices()
    return _spliced(data, splices)


def _cells_of(index: SheetIndex, rows: set[int]) -> dict[int, list[tuple[int, int]]]:
    """(column, end) of each cell of the given rows, in the order the XML holds them (which must be
    the columns' order for a cell to be put in between)."""
    out: dict[int, list[tuple[int, int]]] = {}
    if not rows:
        return out
    cells = index.cells
    for i in range(0, len(cells), 4):
        row, column = divmod(cells[i], COLUMNS)
        if row in rows:
            out.setdefault(row, []).append((column, cells[i + 2]))
    for row, held in out.items():
        if any(a[0] >= b[0] for a, b in zip(held, held[1:])):
            raise CannotPatch(f"{index.part}: cells of row {row} out of order")
    return out


def _count_lines(lines: dict[int, dict[int, int]], index: SheetIndex, package: Package, row: int, column: int,
                 value: Any, style: int) -> None:
    """A written cell's wrapped lines in place of the ones it held."""
    held = lines.get(row)
    if held is None:
        held = lines[row] = dict(index.lines.get(row, {}))
    held.pop(column, None)
    if isinstance(value, str) and value and package.styles.wraps_text(style):
        held[column] = lines_of(value, index.characters_per_line(column))


def row_height(lines: int) -> float | None:
    """A row as tall as its lines of wrapped text (None: the default height)."""
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT) if lines > 1 else None


HEIGHT_ATTRIBUTES = re.compile(rb'\s(?:ht|customHeight)\s*=\s*("[^"]*"|\'[^\']*\')')


def _with_height(tag: bytes, height: float | None) -> bytes:
    """A row's start tag with its height set (or taken away)."""
    tag = HEIGHT_ATTRIBUTES.sub(b"", tag)
    if height is None:
        return tag
    close = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:close] + f' ht="{_number(height)}" customHeight="1"'.encode() + tag[close:]


def _row_tag(row: int, height: float | None) -> bytes:
    return _with_height(f'<row r="{row}">'.encode(), height)


def _row_insertion(data: bytes, rows: dict[int, tuple[int, int, int]], order: list[int], row: int) -> int:
    """Where a new row goes: before the first row below it, or at the end of sheetData."""
    after = next((r for r in order if r > row), None)
    if after is not None:
        return rows[after][0]
    end = data.rfind(b"</sheetData>")
    if end < 0:
        raise CannotPatch("no sheetData to add a row to")
    return end


DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"\s*/>')


def _grown_dimension(data: bytes, row: int, width: int) -> list[tuple[int, int, int, bytes]]:
    """The sheet's used range (`<dimension>`, a hint office suites read) grown to a row appended."""
    found = DIMENSION.search(data, 0, max(data.find(b"<sheetData"), 0))
    if found is None or row <= int(found.group(4) or found.group(2)):
        return []
    last = max(width, _column_number((found.group(3) or found.group(1)).decode()))
    ref = f"{found.group(1).decode()}{found.group(2).decode()}:{column_letter(last - 1)}{row}"
    return [(found.start(), found.end(), 0, f'<dimension ref="{ref}"/>'.encode())]


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _spliced(data: bytes, splices: list[tuple[int, int, int, bytes]]) -> bytes:
    out, at = [], 0
    for start, end, _, replacement in sorted(splices, key=lambda s: (s[0], s[1], s[2])):
        if start < at:
            raise CannotPatch("overlapping changes")
        out += [data[at:start], replacement]
        at = end
    out.append(data[at:])
    return b"".join(out)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _cell(row: int, column: int, value: Any, style: int) -> bytes:
    """A cell element as openpyxl writes it: text inline (never a formula), numbers and booleans as values."""
    ref = f'r="{column_letter(column - 1)}{row}"'
    styled = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f"<c {ref}{styled}/>".encode() if style else b""
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        body = escape(text).replace("\r", "&#13;")
        return f'<c {ref}{styled} t="inlineStr"><is><t{space}>{body}</t></is></c>'.encode()
    if isinstance(value, bool):
        return f'<c {ref}{styled} t="b"><v>{int(value)}</v></c>'.encode()
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return f"<c {ref}{styled}><v>{value:.16g}</v></c>".encode()  # as openpyxl writes a number
    raise CannotPatch(f"a value of type {type(value).__name__}")


class _StyleFinder:
    """The cell format a flag cell wears once written: its own, with the grey fill and the job's
    alignment (what openpyxl's write gives it), found among the formats the file already has."""

    def __init__(self, package: Package) -> None:
        self.styles = package.styles
        self.found: dict[tuple[int, Alignment, str | None], int] = {}
        self.by_parts: dict[tuple[Any, ...], int] = {}
        styles = self.styles
        for i, parts in enumerate(styles.formats):
            fill = styles.fills[i]
            if fill < len(styles.solid_fills) and styles.solid_fills[fill] == FLAG_SHADE:
                self.by_parts.setdefault((parts, styles.alignments[i]), i)

    def dressed(self, style: int, alignment: Alignment, named: str | None) -> int:
        """`named`: the named style the cell takes first (its font, border and number format), as a
        document cell takes "Hyperlink" or "Normal"."""
        if (found := self.found.get((style, alignment, named))) is not None:
            return found
        parts: tuple[Any, ...] | None = self.styles.formats[style if style < len(self.styles.formats) else 0]
        if named is not None and (parts := self.styles.named.get(named)) is None:
            raise CannotPatch(f"no named style '{named}'")
        index = self.by_parts.get((parts, alignment))
        if index is None:
            raise CannotPatch("no cell format for a flag cell yet")
        self.found[(style, alignment, named)] = index
        return index



RELATIONSHIP_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class _Links:
    """A sheet's hyperlinks to the documents: its <hyperlinks> element and its relationships part,
    changed as openpyxl's write would (a link added, its target changed, or taken away)."""

    def __init__(self, archive: zipfile.ZipFile, index: SheetIndex, wanted: Mapping[int, str]) -> None:
        folder, name = posixpath.split(index.part)
        self.part, self.index, self.changed = posixpath.join(folder, "_rels", f"{name}.rels"), index, False
        self.date = ENTRY_DATE
        self.relationships: list[dict[str, str]] = []
        if self.part in archive.NameToInfo:
            self.date = archive.getinfo(self.part).date_time
            root = ElementTree.fromstring(archive.read(self.part))
            self.relationships = [dict(r.attrib) for r in root.iter(f"{{{RELATIONSHIP_NS}}}Relationship")]
        elif any(wanted.values()) and b'Extension="rels"' not in archive.read("[Content_Types].xml"):
            raise CannotPatch("no content type for a relationships part")
        self.removed: list[int] = []  # keys whose <hyperlink> goes
        self.added: list[tuple[int, str]] = []  # (key, relationship id) of the new ones
        by_id = {r.get("Id"): r for r in self.relationships}
        for key, path in sorted(wanted.items()):
            held = index.links.get(key)
            if held is not None and held[0] not in by_id:
                raise CannotPatch("a hyperlink without its relationship")
            if held is not None and not path:
                self.removed.append(key)
                self.relationships.remove(by_id[held[0]])
            elif held is not None:
                by_id[held[0]].update(Target=link_target(path), TargetMode="External")
            elif path:
                new_id = self._free_id()
                self.relationships.append({"Type": HYPERLINK, "Target": link_target(path), "TargetMode": "External",
                                           "Id": new_id})
                self.added.append((key, new_id))
            else:
                continue
            self.changed = True

    def _free_id(self) -> str:
        taken = {r.get("Id") for r in self.relationships}
        number = len(taken) + 1
        while f"rId{number}" in taken:
            number += 1
        return f"rId{number}"

    def splices(self) -> list[tuple[int, int, int, bytes]]:
        index = self.index
        new = b"".join(f'<hyperlink xmlns:r="{R_NS}" ref="{column_letter(key % COLUMNS - 1)}{key // COLUMNS}" '
                       f'r:id="{rid}"/>'.encode() for key, rid in self.added)
        if index.links_at is None:
            if not new:
                return []
            if index.after_links < 0:
                raise CannotPatch("no place for the sheet's hyperlinks")
            return [(index.after_links, index.after_links, 0, b"<hyperlinks>" + new + b"</hyperlinks>")]
        start, end = index.links_at
        if len(self.removed) == len(index.links) and not new and not index.ranged_links:
            return [(start, end, 0, b"")]  # the last link gone: no empty <hyperlinks> element (the schema wants one)
        out = [(index.links[key][1], index.links[key][2], 0, b"") for key in self.removed]
        if new:
            closing = end - len(b"</hyperlinks>")
            if closing <= start:  # <hyperlinks/>
                return [(start, end, 0, b"<hyperlinks>" + new + b"</hyperlinks>")]
            out.append((closing, closing, 1, new))
        return out

    def xml(self) -> bytes:
        items = "".join("<Relationship " + " ".join(f"{k}={quoteattr(v)}" for k, v in r.items()) + "/>"
                        for r in self.relationships)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<Relationships xmlns="{RELATIONSHIP_NS}">{items}</Relationships>').encode()
