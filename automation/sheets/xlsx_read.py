"""An .xlsx read straight from its XML: the snapshot openpyxl's reading gives, without a cell object each.

openpyxl makes a Python object of every cell, with its style, and keeps them all: on a campaign
workbook that is most of a re-sync's time and memory. This reader parses each sheet's XML once
with expat and keeps only what the job uses: the values (as `Workbook` has always read them with
openpyxl: formulas by their cached result, numbers in date-formatted cells as dates where they are
dates, merged cells' values in their first cell only), the merged ranges, and for the writer that
patches the file (`xlsx_patch`) where each row and cell stands in the XML, each cell's style, the
rows' heights and the lines of wrapped text they hold.

It reads the shape every office suite writes: a default-namespace SpreadsheetML package in UTF-8.
Anything else raises `Unreadable`, and `Workbook` reads the file with openpyxl as before.
"""

from __future__ import annotations

import posixpath
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601

from automation.sheets import Formula, Snapshot, TabData

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = f"{RELATIONSHIPS}/officeDocument"
CHARTSHEET = f"{RELATIONSHIPS}/chartsheet"
DEFAULT_WIDTH = 8.43  # a column without a width of its own, in characters
NO_CELLS: list[Any] = []  # shared by every row that holds nothing (never written to)
COLUMNS = 1 << 15  # a cell's key: row * COLUMNS + column (16,384 columns fit)
END_TAGS = {"c": b"</c>", "row": b"</row>", "hyperlinks": b"</hyperlinks>", "hyperlink": b"</hyperlink>"}
AFTER_LINKS = {"printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
               "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
               "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
               "extLst"}  # the parts of a worksheet that come after its hyperlinks, in the schema's order
NOT_TEXT = object()  # openpyxl's value of an array formula or a data table: an object, never text


class Unreadable(Exception):
    """The file is not in the shape this reader knows: openpyxl reads it instead."""


@dataclass(frozen=True)
class Styles:
    """What the cell formats (`cellXfs`) say that the job needs: dates, wrapping, and for the
    writer each format's parts, so that it can find one that differs only in fill and alignment."""

    dates: tuple[bool, ...]  # per format: its number format is a date's
    wraps: tuple[bool, ...]  # per format: its text wraps
    formats: tuple[tuple[Any, ...], ...]  # per format: (font, border, number format, named style, protection, …)
    fills: tuple[int, ...]  # per format: its fill's index
    alignments: tuple[tuple[tuple[str, str], ...], ...]  # per format: its alignment, normalised
    solid_fills: tuple[str, ...]  # per fill: the RGB of a solid fill ("" for any other)
    named: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # a named style ("Hyperlink") → its parts

    def is_date(self, style: int) -> bool:
        return style < len(self.dates) and self.dates[style]

    def wraps_text(self, style: int) -> bool:
        return style < len(self.wraps) and self.wraps[style]


@dataclass
class SheetIndex:
    """Where a sheet's rows and cells stand in its XML, and what the writer needs to change them."""

    part: str  # the sheet's part name in the package
    crc: int  # of the XML this index describes: the writer checks it is patching that XML
    rows: array = field(default_factory=lambda: array("q"))  # per row element: r, start, start tag end, end
    cells: array = field(default_factory=lambda: array("q"))  # per cell element: key, start, end, style
    widths: dict[int, float] = field(default_factory=dict)  # column (1-based) → width of the <col> starting there
    heights: dict[int, float] = field(default_factory=dict)  # row → its height, where it has one
    lines: dict[int, dict[int, int]] = field(default_factory=dict)  # row → column → lines of wrapped text
    formulas: set[int] = field(default_factory=set)  # the keys of the cells that hold a formula
    links: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # key → (relationship, start, end)
    ranged_links: bool = False  # a hyperlink over a range of cells (the writer leaves links to openpyxl then)
    links_at: tuple[int, int] | None = None  # where the <hyperlinks> element stands
    after_links: int = -1  # where a <hyperlinks> element would go: before the first part of the sheet that follows it
    last_row: int = 0  # the last row holding a cell element or a merged range (openpyxl's max_row)
    merges: tuple[tuple[int, int, int, int], ...] = ()

    def characters_per_line(self, column: int) -> int:
        """How many characters a wrapped line of this column holds (see `fit_row_heights`)."""
        return max(int((self.widths.get(column) or DEFAULT_WIDTH) * 1.1), 1)


def lines_of(text: str, characters: int) -> int:
    """How many lines a wrapped text takes in a column of `characters` a line."""
    return sum(max(1, -(-len(part) // characters)) for part in text.split("\n"))


@dataclass
class Package:
    """What one read of the file leaves for the writer: its sheets, strings and styles."""

    sheets: dict[str, SheetIndex]  # tab title → its sheet, in the workbook's order
    strings: list[str]
    styles: Styles


def read(path: Any) -> tuple[Snapshot, Package]:
    """Every worksheet's values (chart sheets have none), as `Workbook.read` reads them."""
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        workbook = _office_document(archive)
        strings, styles = _strings(archive, workbook, names), _styles(archive, workbook, names)
        tabs: dict[str, TabData] = {}
        sheets: dict[str, SheetIndex] = {}
        for title, part in _worksheets(archive, workbook, names):
            data = archive.read(part)
            tabs[title], sheets[title] = _read_sheet(data, part, archive.getinfo(part).CRC, strings, styles, title)
    return Snapshot(tabs), Package(sheets, strings, styles)


# ------------------------------------------------------------------ the package's parts

def _parse(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    return ElementTree.fromstring(archive.read(part))


def _targets(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str, str, str]]:
    """(id, type, part name) of each internal relationship of a part."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.namelist():
        return
    for rel in _parse(archive, rels).iter(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        yield rel.get("Id", ""), rel.get("Type", ""), resolved


def _office_document(archive: zipfile.ZipFile) -> str:
    for _, kind, target in _targets(archive, ""):
        if kind == OFFICE_DOCUMENT:
            return target
    raise Unreadable("no workbook part")


def _related(archive: zipfile.ZipFile, workbook: str, names: set[str], suffix: str) -> str | None:
    return next((t for _, kind, t in _targets(archive, workbook) if kind.endswith(suffix) and t in names), None)


def _worksheets(archive: zipfile.ZipFile, workbook: str, names: set[str]) -> Iterator[tuple[str, str]]:
    """(title, part) of each worksheet in the workbook's order (openpyxl skips a missing part)."""
    targets = {rid: (kind, target) for rid, kind, target in _targets(archive, workbook)}
    for sheet in _parse(archive, workbook).iter(f"{{{MAIN}}}sheet"):
        kind, target = targets.get(sheet.get(f"{{{RELATIONSHIPS}}}id", ""), ("", ""))
        if target in names and kind != CHARTSHEET:
            yield sheet.get("name", ""), target


def _strings(archive: zipfile.ZipFile, workbook: str, names: set[str]) -> list[str]:
    part = _related(archive, workbook, names, "/sharedStrings")
    if part is None:
        return []
    with archive.open(part) as source:
        return string_table(source)


SI, T, R = (f"{{{MAIN}}}{tag}" for tag in ("si", "t", "r"))


def string_table(source: Any) -> list[str]:
    """The shared strings as openpyxl's `read_string_table` gives them (the plain text of each item,
    its runs joined, phonetic guides left out, `x005F_` removed), without building a Text object
    for each."""
    strings = []
    for _, node in ElementTree.iterparse(source):
        if node.tag == SI:
            plain = node.find(T)
            parts = [plain.text or ""] if plain is not None else []
            parts += [(run.findtext(T) or "") for run in node.iterfind(R)]
            strings.append("".join(parts).replace("x005F_", ""))
            node.clear()
    return strings


def _styles(archive: zipfile.ZipFile, workbook: str, names: set[str]) -> Styles:
    part = _related(archive, workbook, names, "/styles")
    if part is None:
        return Styles((False,), (False,), ((),), (0,), ((),), ("",))
    root = _parse(archive, part)
    ns = f"{{{MAIN}}}"
    custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iterfind(f"{ns}numFmts/{ns}numFmt")}
    solid = []
    for fill in root.iterfind(f"{ns}fills/{ns}fill"):
        pattern = fill.find(f"{ns}patternFill")
        colour = pattern.find(f"{ns}fgColor") if pattern is not None else None
        rgb = colour.get("rgb", "") if colour is not None else ""
        solid.append(rgb[-6:].upper() if pattern is not None and pattern.get("patternType") == "solid" else "")
    dates, wraps, formats, fills, alignments = [], [], [], [], []
    for xf in root.iterfind(f"{ns}cellXfs/{ns}xf"):
        number = int(xf.get("numFmtId", "0"))
        code = custom.get(number, BUILTIN_FORMATS.get(number, "General"))
        dates.append(bool(is_date_format(code)))
        alignment = normal_attributes(xf.find(f"{ns}alignment"))
        alignments.append(alignment)
        wraps.append(("wrapText", "1") in alignment)
        protection = normal_attributes(xf.find(f"{ns}protection"))
        formats.append((xf.get("fontId", "0"), xf.get("borderId", "0"), code, xf.get("xfId", "0"), protection,
                        xf.get("quotePrefix", "0"), xf.get("pivotButton", "0")))
        fills.append(int(xf.get("fillId", "0")))
    named = {}  # what a cell given a named style wears (openpyxl's `cell.style = name`): the style's own parts
    parents = list(root.iterfind(f"{ns}cellStyleXfs/{ns}xf"))
    for style in root.iterfind(f"{ns}cellStyles/{ns}cellStyle"):
        position = int(style.get("xfId", "0"))
        if position < len(parents):
            xf = parents[position]
            number = int(xf.get("numFmtId", "0"))
            named[style.get("name", "")] = (xf.get("fontId", "0"), xf.get("borderId", "0"),
                                            custom.get(number, BUILTIN_FORMATS.get(number, "General")), str(position),
                                            normal_attributes(xf.find(f"{ns}protection")), "0", "0")
    if not formats:
        return Styles((False,), (False,), ((),), (0,), ((),), tuple(solid) or ("",), named)
    return Styles(tuple(dates), tuple(wraps), tuple(formats), tuple(fills), tuple(alignments), tuple(solid), named)


def normal_attributes(element: ElementTree.Element | None) -> tuple[tuple[str, str], ...]:
    """An alignment or protection as what it says: booleans as "1", defaults left out."""
    if element is None:
        return ()
    said = {key: {"true": "1", "false": "0"}.get(value, value) for key, value in element.attrib.items()}
    return tuple(sorted((k, v) for k, v in said.items() if v not in ("0", "general", "")))


# ------------------------------------------------------------------ one sheet

def _read_sheet(data: bytes, part: str, crc: int, strings: list[str], styles: Styles, title: str
                ) -> tuple[TabData, SheetIndex]:
    head = data.removeprefix(b"\xef\xbb\xbf")[:200].lower()
    declaration = head[:head.find(b"?>")] if head.startswith(b"<?xml") else b""
    if not head.startswith(b"<") or (b"encoding" in declaration and b"utf-8" not in declaration):
        raise Unreadable(f"{part}: not UTF-8")  # byte offsets are the writer's: one byte a character of markup
    index = SheetIndex(part, crc)
    reader = _SheetReader(data, index, strings, styles)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    reader.parser = parser
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ValueError(f"{part}: {exc}") from None
    finally:  # the parser and the reader hold each other: freed now, not when the collector runs (a sync pauses it)
        reader.parser = parser.StartElementHandler = parser.EndElementHandler = parser.CharacterDataHandler = None
    if not reader.root_seen:
        raise Unreadable(f"{part}: not a default-namespace worksheet")
    return reader.tab(title), index


class _SheetReader:
    """expat's handlers for one sheet: each cell's value as openpyxl reads it, and its place."""

    def __init__(self, data: bytes, index: SheetIndex, strings: list[str], styles: Styles) -> None:
        self.data, self.index, self.strings, self.styles = data, index, strings, styles
        self.parser: Any = None
        self.root_seen = False
        self.rows: list[list[Any]] = []  # the snapshot's values, row 1 first
        self.filled: list[int] = []  # the indexes of the rows given cells
        self.shared_formulas: dict[str, Translator] = {}
        self.row_number = 0
        self.column = 0
        self.merges: list[str] = []
        self.buffer: list[str] | None = None  # the text being collected (a value, a formula, an inline string)
        self.cell: list[Any] | None = None  # row, column, type, style, reference, start
        self.value: str | None = None
        self.formula: dict[str, str] | None = None
        self.formula_text: str | None = None
        self.inline: list[str] | None = None  # the inline string's plain text and runs
        self.phonetic = False
        self.depth = 0
        self.links_start = -1

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if name == "c":
            reference = attrs.get("r")
            if reference:
                row, column = coordinate_to_tuple(reference)
            else:
                row, column = self.row_number, self.column + 1
            self.column = column
            self.cell = [row, column, attrs.get("t", "n"), int(attrs.get("s") or 0), reference,
                         self.parser.CurrentByteIndex]
            self.value = self.formula = self.formula_text = self.inline = None
        elif name == "v":
            self.buffer = []
        elif name == "f":
            self.formula, self.buffer = attrs, []
        elif name == "is":
            self.inline = []
        elif name == "t":
            if self.inline is not None and not self.phonetic:
                self.buffer = []
        elif name == "rPh":
            self.phonetic = True
        elif name == "row":
            self._row(attrs)
        elif name == "mergeCell":
            self.merges.append(attrs.get("ref", ""))
        elif name == "col":
            self._column(attrs)
        elif name == "hyperlink":
            self._link(attrs)
        elif name == "hyperlinks":
            self.links_start = self.parser.CurrentByteIndex
            if self.index.after_links < 0:
                self.index.after_links = self.links_start
        elif self.depth == 2 and name in AFTER_LINKS and self.index.after_links < 0:
            self.index.after_links = self.parser.CurrentByteIndex
        elif name == "worksheet":
            if attrs.get("xmlns") != MAIN:
                raise Unreadable("a worksheet in another namespace")
            self.root_seen = True
        elif ":" in name:  # a prefixed SpreadsheetML element: not the shape this reader knows
            if name.endswith((":c", ":row", ":sheetData", ":worksheet")):
                raise Unreadable(name)

    def text(self, content: str) -> None:
        if self.buffer is not None:
            self.buffer.append(content)

    def end(self, name: str) -> None:
        self.depth -= 1
        if name == "c":
            self._cell()
        elif name == "v":
            self.value = "".join(self.buffer or ())
            self.buffer = None
        elif name == "f":
            self.formula_text = "".join(self.buffer) if self.buffer else None
            self.buffer = None
        elif name == "t":
            if self.buffer is not None and self.inline is not None:
                self.inline.append("".join(self.buffer))
            self.buffer = None
        elif name == "rPh":
            self.phonetic = False
        elif name == "row":
            rows = self.index.rows
            rows.append(self._end_of("row", rows[-2]))
        elif name == "hyperlinks":
            self.index.links_at = (self.links_start, self._end_of("hyperlinks", self.links_start))
        elif name == "worksheet" and self.index.after_links < 0:
            self.index.after_links = self.parser.CurrentByteIndex

    def _link(self, attrs: dict[str, str]) -> None:
        reference = attrs.get("ref", "")
        relationship = next((v for k, v in attrs.items() if k.endswith(":id")), "")
        if ":" in reference or not reference or not relationship:
            self.index.ranged_links = True
            return
        row, column = coordinate_to_tuple(reference)
        start = self.parser.CurrentByteIndex
        self.index.links[row * COLUMNS + column] = (relationship, start, self._end_of("hyperlink", start))

    def _row(self, attrs: dict[str, str]) -> None:
        if "r" in attrs:
            number = float(attrs["r"])
            if not number.is_integer():
                raise ValueError(f"{attrs['r']} is not a valid row number")
            self.row_number = int(number)
        else:
            self.row_number += 1
        self.column = 0
        start = self.parser.CurrentByteIndex
        self.index.rows.extend((self.row_number, start, self.data.index(b">", start) + 1))
        if (height := attrs.get("ht")) is not None:
            self.index.heights[self.row_number] = float(height)

    def _column(self, attrs: dict[str, str]) -> None:
        width = attrs.get("width")
        if width is not None and "min" in attrs:
            self.index.widths[int(attrs["min"])] = float(width)

    def _end_of(self, name: str, start: int) -> int:
        """Where the element that started at `start` ends (just past its last '>')."""
        data = self.data
        tag_end = data.index(b">", start) + 1
        if data[tag_end - 2] == 47:  # "/>": an empty element
            return tag_end
        at = self.parser.CurrentByteIndex
        if not data.startswith(END_TAGS[name], at):
            raise Unreadable(f"the end of a <{name}> is not where expat says")
        return data.index(b">", at) + 1

    def _cell(self) -> None:
        cell = self.cell
        assert cell is not None
        row, column, kind, style, reference, start = cell
        self.index.cells.extend((row * COLUMNS + column, start, self._end_of("c", start), style))
        if row > self.index.last_row:
            self.index.last_row = row
        shown, raw = self._values(kind, style, reference)  # the snapshot's value, openpyxl's cell value
        if raw is None:
            return
        rows = self.rows
        if row > len(rows):
            rows.extend([NO_CELLS] * (row - len(rows)))
        cells = rows[row - 1]
        if cells is NO_CELLS:
            cells = rows[row - 1] = []
            self.filled.append(row - 1)
        if column > len(cells):
            cells.extend([None] * (column - len(cells)))
        cells[column - 1] = shown
        if isinstance(raw, str) and self.styles.wraps_text(style):
            lines = lines_of(raw, self.index.characters_per_line(column))
            self.index.lines.setdefault(row, {})[column] = lines

    def _values(self, kind: str, style: int, reference: str | None) -> tuple[Any, Any]:
        """(what the snapshot holds, what openpyxl's cell holds): they differ for formulas and dates."""
        if self.formula is not None:
            self.index.formulas.add(self.cell[0] * COLUMNS + self.cell[1])  # type: ignore[index]
            text, raw = self._formula_text(reference)
            cached = cached_value(self.value, kind, self.styles.is_date(style))
            return (Formula(text) if cached is None else cached), raw
        if kind == "inlineStr":
            value = "".join(self.inline) if self.inline is not None else None
            return value, value
        value = self.value or None
        if value is None:
            return None, None
        if kind == "n":
            number = _number(value)
            return (as_date(number) if self.styles.is_date(style) else number), number
        if kind == "s":
            try:
                text = self.strings[int(value)]
            except (IndexError, ValueError):
                raise ValueError(f"shared string {value} does not exist") from None
            return text, text
        if kind == "b":
            return bool(int(value)), bool(int(value))
        if kind == "d":
            moment = from_ISO8601(value)
            return moment, moment
        return value, value

    def _formula_text(self, reference: str | None) -> tuple[str, Any]:
        """The formula as openpyxl gives it: (its text, the cell's value). A shared one is translated
        to this cell; an array formula's value is an object holding its text; a data table's an
        object without one."""
        attrs = self.formula or {}
        text = "=" + (self.formula_text or "")
        kind = attrs.get("t")
        if kind == "shared":
            key = attrs.get("si", "")
            if key in self.shared_formulas:
                text = self.shared_formulas[key].translate_formula(reference)
            elif text != "=":
                self.shared_formulas[key] = Translator(text, reference)
            return text, text
        if kind == "array":
            return text, NOT_TEXT
        if kind == "dataTable":
            return "", NOT_TEXT
        return text, text

    def tab(self, title: str) -> TabData:
        rows, index = self.rows, self.index
        merges = sorted(_bounds(ref) for ref in self.merges if ref)
        for top, left, bottom, right in merges:  # openpyxl keeps a merged range's value in its first cell only
            for r in range(top, min(bottom + 1, len(rows))):
                cells = rows[r]
                for c in range(left, min(right + 1, len(cells))):
                    if (r, c) != (top, left):
                        cells[c] = None
                        index.lines.get(r + 1, {}).pop(c + 1, None)
            index.last_row = max(index.last_row, bottom + 1)
        index.merges = tuple(merges)
        rows, held = trimmed(rows, self.filled)
        return TabData(title, rows, index.merges, held)


def _bounds(reference: str) -> tuple[int, int, int, int]:
    """A range's 0-based inclusive (top, left, bottom, right)."""
    left, top, right, bottom = range_boundaries(reference)
    if left is None or top is None or right is None or bottom is None:  # a whole row or column: openpyxl reads it
        raise Unreadable(f"a merged range without its corners: {reference}")
    return top - 1, left - 1, bottom - 1, right - 1


def _number(text: str) -> int | float:
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def cached_value(raw: str | None, kind: str, is_date: bool) -> Any:
    """A formula cell's last computed value as the office suite that saved the file wrote it."""
    if raw is None or raw == "":
        return None
    if kind == "b":
        return raw == "1"
    if kind in ("str", "e", "inlineStr"):
        return raw
    try:
        number = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
    except ValueError:
        return raw
    return as_date(number) if is_date else number


def as_date(serial: float) -> Any:
    """A date-formatted number as the date it stands for, or the number itself outside Excel's dates."""
    try:
        return from_excel(serial)
    except (OverflowError, ValueError):
        return serial


def trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing blank cells and rows, as the Sheets API does."""
    return trimmed(list(rows), range(len(rows)))[0]


def trimmed(rows: list[list[Any]], filled: Iterable[int]) -> tuple[list[list[Any]], tuple[int, ...]]:
    """A reader's own rows trimmed in place, as `trim` does, and the indexes of those holding
    anything. Only the rows `filled` (the reader put cells there) are looked at: the rest hold
    nothing (NO_CELLS), however many there are."""
    held = []
    for index in sorted(filled):
        row = rows[index]
        end = len(row)
        while end and (row[end - 1] is None or row[end - 1] == ""):
            end -= 1
        if end != len(row):
            rows[index] = row[:end] if end else NO_CELLS
        if end:
            held.append(index)
    del rows[held[-1] + 1 if held else 0:]
    return rows, tuple(held)
