"""The embedded default: an .xlsx workbook.

Read once, straight from the sheets' XML (`xlsx_read`): formulas by their cached result (what the
office suite last computed), numbers in date-formatted cells as dates where they are dates. A
sync's write patches only the job's cells into that XML (`xlsx_patch`) and copies every other
part of the file as it is. What a patch cannot do (a first sync dressing its columns, setup,
`thidua record`'s rows, a file in a shape the reader does not know) goes through openpyxl: loaded
with formulas kept (never `data_only=True`, which would lose them on save), each formula's
cached result read in the same pass, numbers in date-formatted cells loaded as the numbers the
file holds and saved back unchanged (openpyxl alone turns one outside Excel's date range,
20211115 say, into #VALUE! and writes that over it), and saved whole.

Saves are atomic (a temporary file beside the workbook, then `os.replace`), go through a
symbolic link to the shared file it names, keep its owner, group and mode, and are refused while
an office suite holds the file (`.~lock.<name>#` of LibreOffice, `~$<name>` of Excel) or when
another program saved the file since it was read — checked again at the very last moment.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._reader import VALUE_TAG, WorksheetReader
from openpyxl.xml.constants import SHARED_STRINGS
from openpyxl.cell.cell import MergedCell
from openpyxl.chart import BarChart, Reference
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break, ColBreak
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from automation.errors import SourceError, SourceLockedError
from automation.files import as_created, keep_ownership
from automation.sheets import (FLAG_SHADE, GROUP_SHADES, STATUS_CHART, STATUS_CHART_COLOURS, TIER_CHART, ColumnLayout,
                               Formula, Layout, OverviewLayout, SheetUpdate, Snapshot, TabData, TabLayout,
                               column_letter, header_cell_is_free, link_target)
from automation.sheets import xlsx_patch, xlsx_read
from automation.sheets.xlsx_patch import LINE_HEIGHT, row_height
from automation.sheets.headers import repair_headers
from automation.sheets.xlsx_read import NO_CELLS, as_date, cached_value, lines_of, string_table, trimmed
from automation.text import fold, title_like

TEMP_SUFFIX = ".tmp"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FLAG_FILL = PatternFill("solid", fgColor="E7E6E6")
FLAG_CELL_FILL = PatternFill("solid", fgColor=FLAG_SHADE)
MONEY = "[$-42A]#,##0"  # thousands grouped with dots whatever the reader's locale (vi-VN: 0x042A)
WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")  # a short value beside a tall wrapped one: read on the same line
LAST_ROW = 1_048_576  # dropdowns reach every row a unit can type in
HEADER_FONT = Font(name="Times New Roman", bold=True)
CHECKBOX_CHOICES = ("Có", "Không")


class Workbook:
    """A campaign spreadsheet kept as an .xlsx file."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """`read_only`: only read (thidua check), so a file an office suite holds open is read too."""
        self.path = Path(path)
        self.read_only = read_only
        self.name = self.path.name
        self._book: openpyxl.Workbook | None = None
        self._signature: tuple[int, int] | None = None
        self._created = False
        self._cached: dict[str, dict[tuple[int, int], Any]] = {}  # tab → (row, column) → a formula's last value
        self._package: xlsx_read.Package | None = None  # what the last read found where, for a patch
        self._snapshot: Snapshot | None = None  # what the last read read

    # ------------------------------------------------------------ reading

    def read(self) -> Snapshot:
        self._refuse_unless_readable()
        try:
            signature = self._stat()
            snapshot, self._package = xlsx_read.read(self.path)
        except OSError as exc:
            raise SourceError(f"Không đọc được '{self.path}': {exc.strerror or exc}.") from None
        except Exception:  # a shape the reader does not know, or a broken file: openpyxl reads it, or says why not
            self._package = None
            return self._read_with_openpyxl()
        self._book, self._snapshot, self._signature = None, snapshot, signature
        return snapshot

    def _read_with_openpyxl(self) -> Snapshot:
        book = self._load()
        tabs: dict[str, TabData] = {}
        for ws in book.worksheets:
            # Only the cells the file holds (openpyxl's own map of them), not the grid up to the last
            # one: a stray value in row 1,048,576 costs one cell, not a million rows of them (and
            # iter_rows would add every one to the file on save).
            held = sorted((key, cell) for key, cell in ws._cells.items() if cell.value is not None)
            rows: list[list[Any]] = [NO_CELLS] * (held[-1][0][0] if held else 0)
            formulas: list[tuple[int, int, str]] = []
            for (r, c), cell in held:
                r, c = r - 1, c - 1
                value = cell.value
                if cell.data_type == "f":
                    text = value if isinstance(value, str) else getattr(value, "text", "") or ""
                    formulas.append((r, c, text))
                    value = None
                elif cell.data_type == "n" and isinstance(value, (int, float)) and getattr(cell, "is_date", False):
                    value = as_date(value)
                if rows[r] is NO_CELLS:
                    rows[r] = []
                row = rows[r]
                row.extend([None] * (c + 1 - len(row)))
                row[c] = value
            cached = self._cached.get(ws.title, {})
            for r, c, text in formulas:
                value = cached.get((r, c))
                rows[r][c] = Formula(text) if value is None else value
            rows, filled = trimmed(rows, {r - 1 for (r, _), _ in held})
            tabs[ws.title] = TabData(ws.title, rows, tuple(sorted(
                (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges)), filled)
        return Snapshot(tabs)

    def _load(self) -> openpyxl.Workbook:
        self._refuse_unless_readable()
        try:
            signature = self._stat()
            reader = _NumbersStayNumbers(self.path)
            reader.read()
            book = reader.wb
            self._cached = reader.cached_values
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
            raise SourceError(f"'{self.path}' không phải là tệp Excel (.xlsx) đọc được: {exc}.") from None
        except OSError as exc:
            raise SourceError(f"Không đọc được '{self.path}': {exc.strerror or exc}.") from None
        self._book, self._signature = book, signature
        return book

    # ------------------------------------------------------------ writing

    def write(self, update: SheetUpdate) -> None:
        if self._package is not None and self._snapshot is not None and not self.read_only:
            try:
                parts = xlsx_patch.patch(self.path, self._package, self._snapshot, update)
            except xlsx_patch.CannotPatch:
                parts = None
            if parts is not None:
                self._save(lambda temp: xlsx_patch.write(self.path, temp, parts))
                self._package = self._snapshot = None  # the file has changed: the next write reads it again
                return
        book = self._book or self._load_as_read()
        for tab in update.tabs:
            ws = book[tab.title]
            for position, header in tab.new_headers.items():
                cell = ws.cell(1, position + 1)
                if header_cell_is_free(cell.value):
                    _set_text(cell, header)
                    _style_header(cell, flag=True)
                    ws.column_dimensions[column_letter(position)].width = 16
            if tab.notice is not None:
                cell = ws.cell(1, tab.notice[0] + 1)
                if header_cell_is_free(cell.value) and (cell.value or "") != tab.notice[1]:
                    _set_text(cell, tab.notice[1] or None)
                    cell.alignment = Alignment(wrap_text=False, vertical="center")
            for flags in tab.rows:
                for key, value in flags.values.items():
                    cell = ws.cell(flags.row, tab.flag_columns[key] + 1)
                    if isinstance(cell, MergedCell):
                        cell = _unmerge_flag_cell(ws, cell, set(tab.flag_columns.values()))
                        if cell is None:
                            continue
                    if (cell.value or "") != value:
                        _set_text(cell, value)
                        if key == "document":  # a relative link: opens the summary beside the workbook
                            cell.hyperlink = link_target(value) or None
                            cell.style = "Hyperlink" if value else "Normal"
                        cell.fill = FLAG_CELL_FILL
                        cell.alignment = WRAPPED if key in ("messages", "document") else TOP
            fit_row_heights(ws, [flags.row for flags in tab.rows])
        for append in update.appends:
            ws = book[_title_like(book, append.title)]
            last = max((r for (r, _), cell in ws._cells.items() if cell.value is not None), default=1)
            for offset, values in enumerate(append.rows, start=1):
                for c, value in enumerate(values, start=1):
                    if value is None or value == "":
                        continue
                    cell = ws.cell(last + offset, c)
                    _set_text(cell, value)
                    if isinstance(value, dt.date):
                        cell.number_format = "DD/MM/YYYY"
        if update.overview is not None:
            overview = _tab(book, _title_like(book, update.overview_title))
            _replace_rows(overview, update.overview)
            if update.overview_layout is not None:
                _dress_overview(overview, update.overview, update.overview_layout)
        log = _tab(book, _title_like(book, update.log_title))
        if log.max_row == 1 and log.cell(1, 1).value is None:
            _write_row(log, 1, update.log_header)
            for c in range(1, len(update.log_header) + 1):
                _style_header(log.cell(1, c), flag=True)
        _write_row(log, log.max_row + 1, update.log_row)
        self._save(book.save)

    def _load_as_read(self) -> openpyxl.Workbook:
        """openpyxl's load of the file the last read read (refused if another program saved it since)."""
        read = self._signature
        book = self._load()
        if read is not None and self._signature != read:
            self._signature = read
            self._refuse_if_changed()
        return book

    def _save(self, save: Callable[[str], None]) -> None:
        """`save(path)` writes the whole workbook to a temporary file; it then takes the file's place."""
        if self.read_only:
            raise SourceError(f"Bảng tính '{self.path}' được mở chỉ để đọc; không ghi gì.")
        self._refuse_if_locked()
        self._refuse_if_changed()
        target = self.path.resolve()  # a symbolic link: write the shared file it names, keep the link
        for leftover in target.parent.glob(f".{target.stem}.*{TEMP_SUFFIX}"):  # a killed sync's partial save
            leftover.unlink(missing_ok=True)
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=TEMP_SUFFIX, dir=target.parent)
        except OSError as exc:
            raise SourceError(f"Không lưu được bảng tính '{self.path}': {exc.strerror or exc} (thư mục "
                              f"'{target.parent}'); chưa ghi gì.") from None
        os.close(fd)
        try:
            save(temp)
            with open(temp, "rb") as handle:
                os.fsync(handle.fileno())
            if target.exists():
                keep_ownership(temp, target.stat())
            else:
                as_created(temp)
            self._refuse_if_locked()  # at the last moment: someone may have opened or saved it meanwhile
            self._refuse_if_changed()
            os.replace(temp, target)
        except OSError as exc:  # a full disk, a folder turned read-only: the old file stays whole
            Path(temp).unlink(missing_ok=True)
            raise SourceError(f"Không lưu được bảng tính '{self.path}': {exc.strerror or exc}; tệp cũ vẫn "
                              "nguyên vẹn, lần chạy sau sẽ ghi lại.") from None
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self._signature = self._stat()

    def _refuse_if_changed(self) -> None:
        if self._signature is not None and self.path.exists() and self._stat() != self._signature:
            raise SourceError(f"Tệp '{self.path}' đã được lưu bởi chương trình khác trong lúc đồng bộ; "
                              "chưa ghi gì, lần chạy sau sẽ cập nhật.")

    # ------------------------------------------------------------ setup

    def create(self) -> None:
        """Start an empty workbook file (for setup on a path that does not exist yet)."""
        book = openpyxl.Workbook()
        self._book, self._signature, self._created = book, None, True
        self._save(book.save)

    def setup(self, layout: Layout) -> list[str]:
        if not self.path.exists():
            self.create()
        book = self._load()
        changes: list[str] = []
        system = {fold(t.title) for t in layout.tabs if not t.columns or t.title == layout.registry_title}
        for index, tab in enumerate(layout.tabs):  # every tab first: the dropdowns refer to the lists tab
            if _title_like(book, tab.title) not in book.sheetnames:
                # The guide and the registry first, as in the layout; a unit's tab after the other units'
                # (before Tổng hợp, Nhật ký and the lists); the job's own tabs at the end.
                at: int | None = index if index < 2 else None
                if tab.columns and fold(tab.title) not in system:
                    at = next((i for i, name in enumerate(book.sheetnames) if i >= 2 and fold(name) in system), None)
                book.create_sheet(tab.title, at)
                changes.append(f"tạo tab '{tab.title}'")
        for tab in layout.tabs:
            changes += _ensure_tab(book, tab, layout)
        if self._created and "Sheet" in book.sheetnames and all(t.title != "Sheet" for t in layout.tabs):
            book.remove(book["Sheet"])  # openpyxl's placeholder in a workbook setup just created
        if changes:
            self._save(book.save)
        return changes

    # ------------------------------------------------------------ helpers

    def _refuse_unless_readable(self) -> None:
        """Before a read: the file is there, and no office suite holds it (unless only reading)."""
        if not self.read_only:
            self._refuse_if_locked()
        if not self.path.exists():
            raise SourceError(f"Không tìm thấy tệp bảng tính '{self.path}'.")

    def _stat(self) -> tuple[int, int]:
        st = self.path.stat()
        return st.st_mtime_ns, st.st_size

    def _refuse_if_locked(self) -> None:
        places = {(self.path.parent, self.path.name), (self.path.resolve().parent, self.path.resolve().name)}
        for folder, name in places:  # beside the link the Office opened, and beside the file it names
            self._refuse_lock_files(folder, name)

    def _refuse_lock_files(self, folder: Path, name: str) -> None:
        for lock in (folder / f".~lock.{name}#", folder / f"~${name}", folder / f"~${name[2:]}"):
            if lock.exists() and lock.name != "~$":
                raise SourceLockedError(
                    f"Tệp '{self.path}' đang được mở trong một chương trình văn phòng (có tệp khóa '{lock.name}'); "
                    "hãy đóng tệp rồi chạy lại — nếu không ai đang mở, xóa tệp khóa đó.")


class _NumbersStayNumbers(ExcelReader):
    """openpyxl's reader, with three changes for thidua's one read:

    - a number in a date-formatted cell stays the number the file holds: converting it on load
      turns one outside Excel's date range into #VALUE! (and moves serial 60, Excel's 29/02/1900,
      to 59), which the save then writes over what the unit typed;
    - the cached result of each formula (the `<v>` beside its `<f>`, which openpyxl drops when it
      keeps formulas) is kept in `cached_values`: no second pass over the file for them;
    - the shared strings are read by `xlsx_read.string_table`, the same text at a fraction of the cost."""

    cached_values: dict[str, dict[tuple[int, int], Any]]

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = string_table(source)

    def read_worksheets(self) -> None:
        state = vars(self.wb)  # openpyxl 3.1's private `_date_formats`: the style ids it converts to dates
        formats, state["_date_formats"] = state["_date_formats"], set()
        self.cached_values = {}
        reader = self

        class KeepingCachedValues(WorksheetReader):
            def __init__(self, ws: Worksheet, *args: Any) -> None:
                super().__init__(ws, *args)
                cached = reader.cached_values.setdefault(ws.title, {})
                parse = self.parser.parse_cell

                def parse_cell(element: Any) -> dict[str, Any]:
                    cell = parse(element)
                    if cell["data_type"] == "f":
                        value = cached_value(element.findtext(VALUE_TAG), element.get("t", "n"),
                                             cell["style_id"] in formats)
                        if value is not None:
                            cached[(cell["row"] - 1, cell["column"] - 1)] = value
                    return cell
                self.parser.parse_cell = parse_cell  # type: ignore[method-assign]

        # openpyxl builds its worksheet readers from a module global: ours stands in for the span of
        # this read (the job reads one workbook at a time, in one thread).
        excel_reader = vars(sys.modules[ExcelReader.__module__])
        plain, excel_reader["WorksheetReader"] = excel_reader["WorksheetReader"], KeepingCachedValues
        try:
            super().read_worksheets()
        finally:
            state["_date_formats"] = formats
            excel_reader["WorksheetReader"] = plain


def _title_like(book: openpyxl.Workbook, title: str) -> str:
    return title_like(book.sheetnames, title)


def _tab(book: openpyxl.Workbook, title: str) -> Worksheet:
    return book[title] if title in book.sheetnames else book.create_sheet(title)


def _set_text(cell: Any, value: Any) -> None:
    """Write RAW: text stays text even when it starts with '=' (openpyxl would make it a formula)."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value


def _write_row(ws: Worksheet, row: int, values: list[Any]) -> None:
    for c, value in enumerate(values, start=1):
        _set_text(ws.cell(row, c), value)


def _replace_rows(ws: Worksheet, table: list[list[Any]]) -> None:
    if ws.max_row > len(table):
        ws.delete_rows(len(table) + 1, ws.max_row - len(table))
    width = max((len(r) for r in table), default=0)
    for r, row in enumerate(table, start=1):
        for c in range(1, max(width, ws.max_column) + 1):
            value = row[c - 1] if c - 1 < len(row) else None
            cell = ws.cell(r, c)
            if cell.value != value:
                _set_text(cell, value)
    for c in range(1, len(table[0]) + 1 if table else 1):
        cell = ws.cell(1, c)
        if not cell.font.bold:
            _style_header(cell, flag=True)


GROUP_FILLS = tuple(PatternFill("solid", fgColor=shade) for shade in GROUP_SHADES)


def _dress_overview(ws: Worksheet, table: list[list[Any]], layout: OverviewLayout) -> None:
    """Tổng hợp on screen and on one landscape page across: widths, a wrapped header shaded by group,
    the unit's columns frozen, the totals in bold, the header row on every page, the charts."""
    header = table[0] if table else []
    for c, width in enumerate(layout.widths):
        if ws.column_dimensions[column_letter(c)].width != width:
            ws.column_dimensions[column_letter(c)].width = width
    for number, (first, last) in enumerate(layout.groups):
        for c in range(first, min(last, len(header) - 1) + 1):
            cell = ws.cell(1, c + 1)
            if cell.fill.fgColor.rgb[-6:] != GROUP_FILLS[number % 2].fgColor.rgb[-6:]:
                cell.fill = GROUP_FILLS[number % 2]
    if ws.row_dimensions[1].height != layout.header_lines * LINE_HEIGHT:
        ws.row_dimensions[1].height = layout.header_lines * LINE_HEIGHT
    for r, row in enumerate(table[1:], start=2):
        bold = layout.is_bold(row)
        for c in range(1, len(row) + 1):
            cell = ws.cell(r, c)
            if bool(cell.font.bold) != bold:
                cell.font = Font(bold=bold)
            if not cell.alignment.wrap_text or cell.alignment.vertical != "top":
                cell.alignment = WRAPPED  # a unit's name, a tier's name, a note: whole on paper, read from the top
    fit_row_heights(ws, range(2, len(table) + 1))
    frozen = f"{column_letter(layout.frozen_columns)}2"
    if ws.freeze_panes != frozen:
        ws.freeze_panes = frozen
    _ensure_printing(ws, ws.title)
    units = layout.unit_rows(table)
    if units > 0:
        _place_charts(ws, len(header), units, layout)
        ws.print_area = f"A1:{column_letter(len(header) - 1)}{len(table)}"  # the table; the charts are for the screen


def _place_charts(ws: Worksheet, width: int, units: int, layout: OverviewLayout) -> None:
    """Two charts beside the table, drawn again at every sync from the rows just written: each
    unit's rows by status (stacked), and the nominees proposed per tier (the totals row)."""
    vars(ws)["_charts"].clear()  # the previous sync's charts (openpyxl has no public way to remove one)
    statuses, proposed = layout.statuses, layout.proposed
    by_status = BarChart()
    by_status.type, by_status.grouping, by_status.overlap = "bar", "stacked", 100
    by_status.title = STATUS_CHART
    by_status.add_data(Reference(ws, min_col=statuses[0] + 1, max_col=statuses[1] + 1, min_row=1, max_row=1 + units),
                       titles_from_data=True)
    by_status.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + units))
    for series, colour in zip(by_status.series, STATUS_CHART_COLOURS):  # valid, incomplete, invalid
        series.graphicalProperties.solidFill = colour
    by_status.height, by_status.width = max(7.5, 0.6 * units + 3), 16
    ws.add_chart(by_status, f"{column_letter(width + 1)}2")
    per_tier = BarChart()
    per_tier.title, per_tier.legend = TIER_CHART, None
    per_tier.add_data(Reference(ws, min_col=proposed[0] + 1, max_col=proposed[1] + 1, min_row=2 + units,
                                max_row=2 + units), from_rows=True)
    per_tier.set_categories(Reference(ws, min_col=proposed[0] + 1, max_col=proposed[1] + 1, min_row=1, max_row=1))
    per_tier.height, per_tier.width = 7.5, 16
    ws.add_chart(per_tier, f"{column_letter(width + 1)}{int(by_status.height * 2) + 6}")


def _unmerge_flag_cell(ws: Worksheet, cell: MergedCell, flag_positions: set[int]) -> Any:
    """A flag cell inside a merged range: unmerge it if the range is all flag columns, else skip."""
    for merged in list(ws.merged_cells.ranges):
        if cell.coordinate in merged:
            if all(c - 1 in flag_positions for c in range(merged.min_col, merged.max_col + 1)):
                ws.unmerge_cells(str(merged))
                return ws[cell.coordinate]
            return None
    return None


def _style_header(cell: Any, *, flag: bool) -> None:
    cell.font = HEADER_FONT
    cell.fill = FLAG_FILL if flag else HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _ensure_tab(book: openpyxl.Workbook, tab: TabLayout, layout: Layout) -> list[str]:
    changes: list[str] = []
    title = _title_like(book, tab.title)
    ws = book[title]
    if tab.hidden and ws.sheet_state != "hidden":
        ws.sheet_state = "hidden"
        changes.append(f"ẩn tab '{title}'")
    if not tab.columns:
        if tab.rows and ws.max_row == 1 and ws.cell(1, 1).value is None:
            for r, row in enumerate(tab.rows, start=1):
                _write_row(ws, r, list(row))
                ws.cell(r, 1).alignment = WRAPPED
                if r - 1 in tab.headings:
                    ws.cell(r, 1).font = Font(bold=True)
            ws.column_dimensions["A"].width = 110
            ws.cell(1, 1).font = Font(name="Times New Roman", bold=True, size=14)
            fit_row_heights(ws, range(1, len(tab.rows) + 1))
            changes += _ensure_printing(ws, title)
            changes.append(f"ghi hướng dẫn vào tab '{title}'")
        return changes
    repair = repair_headers(title, [c.value for c in ws[1]], tab.columns)
    for position, header in repair.writes.items():
        _set_text(ws.cell(1, position + 1), header)
    changes += repair.notes
    positions: dict[str, int] = {}
    for column in tab.columns:
        positions[column.header] = repair.positions[fold(column.header)]
        cell = ws.cell(1, positions[column.header] + 1)
        fill = FLAG_FILL if column.flag else HEADER_FILL
        if not (cell.font.bold and cell.fill.fgColor.rgb[-6:] == fill.fgColor.rgb[-6:]):
            _style_header(cell, flag=column.flag)
            changes.append(f"tab '{title}': định dạng tiêu đề '{column.header}'")
        letter = column_letter(positions[column.header])
        if letter not in ws.column_dimensions:  # no width saved yet; never undo a width someone chose
            ws.column_dimensions[letter].width = column.width
            changes.append(f"tab '{title}': độ rộng cột '{column.header}'")
    if ws.freeze_panes != "A2":
        ws.freeze_panes = "A2"
        changes.append(f"tab '{title}': cố định dòng tiêu đề")
    breaks = tuple(positions[c.header] for c in tab.columns if c.page_break)
    changes += _ensure_printing(ws, title, breaks=breaks, repeat_columns=tab.repeat_columns,
                                width=max(positions.values()) + 1)
    changes += _ensure_readable(ws, title, tab, positions)
    lists_tab = next(t for t in layout.tabs if t.hidden)
    for column in tab.columns:
        letter = column_letter(positions[column.header])
        area = f"{letter}2:{letter}{LAST_ROW}"
        if column.choices:
            changes += _ensure_list(book, lists_tab.title, column)
            formula = _list_formula(book, lists_tab.title, column)
            changes += _ensure_validation(ws, title, column.header, area, formula)
        elif column.checkbox:
            changes += _ensure_validation(ws, title, column.header, area, '"' + ",".join(CHECKBOX_CHOICES) + '"')
        if column.status_colours:
            changes += _ensure_status_colours(ws, title, area, layout.status_fills)
    return changes


def _ensure_printing(ws: Worksheet, title: str, *, breaks: tuple[int, ...] = (), repeat_columns: int = 0,
                     width: int = 0) -> list[str]:
    """The Office prints the tabs without touching print settings: A4 landscape, the header row (and
    the columns that say whose row it is) on every page. Without breaks a tab fits one page across;
    with them each block of columns gets its page across, at the one scale that fits the widest
    (office suites ignore manual breaks in fit-to-page mode). `width`: the columns the tab is laid
    out with (a stray value further right does not shrink the print)."""
    setup = ws.page_setup
    repeat = f"A:{column_letter(repeat_columns - 1)}" if repeat_columns else ""
    cuts = sorted(b for b in breaks if b > 0)
    scale = _scale_for(ws, cuts, repeat_columns, width) if cuts else None
    fit = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    wanted = (setup.orientation == "landscape", str(setup.paperSize) == ws.PAPERSIZE_A4,
              ws.print_title_rows in ("1:1", "$1:$1"), (ws.print_title_cols or "").replace("$", "") == repeat,
              fit == (scale is None), scale is None or setup.scale == scale,
              scale is not None or (setup.fitToWidth == 1 and setup.fitToHeight == 0),
              sorted(b.id for b in ws.col_breaks.brk) == cuts, setup.pageOrder == "overThenDown")
    if all(wanted):
        return []
    setup.orientation, setup.paperSize = "landscape", ws.PAPERSIZE_A4
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = scale is None
    if scale is None:
        setup.fitToWidth, setup.fitToHeight = 1, 0
    else:
        setup.scale = scale
    ws.print_title_rows = "1:1"
    setup.pageOrder = "overThenDown"  # a block of rows is read across its pages before the next block
    if repeat:
        ws.print_title_cols = repeat
    ws.print_options.gridLines = True
    ws.col_breaks = ColBreak()
    for position in cuts:  # Break(id=n): a page ends after the n-th column, so the next starts at 0-based n
        ws.col_breaks.append(Break(id=position))
    pages = "một trang" if not cuts else f"{len(cuts) + 1} trang"
    return [f"tab '{title}': trang in A4 ngang, {pages} bề ngang, lặp dòng tiêu đề"]


PRINTABLE_MM = 297 - 2 * 19  # A4 landscape less the default margins (0.75 in each side)
MM_PER_CHARACTER = 2.5  # measured on LibreOffice's PDF of the demo (the nominal 7 px would be 1.85 mm)
SCALE_MARGIN = 0.95


def _scale_for(ws: Worksheet, cuts: list[int], repeat_columns: int, width: int) -> int:
    """The print scale (%) at which the widest block of columns, with the repeated ones, fits a page."""
    def mm(position: int) -> float:  # a column's width on paper at 100 %, as LibreOffice and Excel draw it
        return _width(ws, position) * MM_PER_CHARACTER

    edges = [0, *cuts, max(width, cuts[-1] + 1)]
    repeated = sum(mm(p) for p in range(repeat_columns))
    widest = max(sum(mm(p) for p in range(a, b)) + (repeated if a else 0) for a, b in zip(edges, edges[1:]))
    return max(10, min(100, int(PRINTABLE_MM / widest * 100 * SCALE_MARGIN)))


def _ensure_readable(ws: Worksheet, title: str, tab: TabLayout, positions: dict[str, int]) -> list[str]:
    """Long text wrapped, every value aligned to the top, amounts with grouped thousands, the job's
    columns shaded whole: for the cells already there (one pass over them: an empty far corner
    costs nothing) and, through the column's own style, for new ones. Values are never touched."""
    touched: set[str] = set()
    by_column = {positions[c.header] + 1: c for c in tab.columns}

    def dress(styled: Any, column: ColumnLayout, *, has_value: bool, is_number: bool) -> None:
        """`styled`: a cell, or a column's own style (for the cells yet to come)."""
        alignment = WRAPPED if column.wrap else TOP
        if has_value and (bool(styled.alignment.wrap_text), styled.alignment.vertical) != (
                bool(alignment.wrap_text), "top"):
            styled.alignment = alignment
            touched.add(column.header)
        if column.grouped and is_number and styled.number_format != MONEY:
            styled.number_format = MONEY
            touched.add(column.header)
        if column.flag and styled.fill.fgColor.rgb[-6:] != FLAG_SHADE:
            styled.fill = FLAG_CELL_FILL
            touched.add(column.header)

    for number, column in by_column.items():
        dress(ws.column_dimensions[column_letter(number - 1)], column, has_value=True, is_number=True)
    for (row, number), cell in list(ws._cells.items()):
        found = by_column.get(number)
        if row >= 2 and found is not None and not isinstance(cell, MergedCell):
            dress(cell, found, has_value=cell.value is not None,
                  is_number=isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool))
    changes = [f"tab '{title}': định dạng cột '{c.header}'" for c in tab.columns if c.header in touched]
    if fit_row_heights(ws, sorted({row for row, _ in ws._cells})):
        changes.append(f"tab '{title}': chiều cao dòng theo nội dung")
    return changes


def _width(ws: Worksheet, position: int) -> float:
    """A column's width in characters, without making a column entry for one that has none (a
    lookup through `column_dimensions[...]` adds one, saved with openpyxl's 13 characters)."""
    dimension = ws.column_dimensions.get(column_letter(position))
    return (dimension.width if dimension is not None else None) or 8.43


def fit_row_heights(ws: Worksheet, rows: list[int] | range) -> int:
    """Each row as tall as its longest wrapped cell, from the column widths (a spreadsheet file
    keeps row heights; LibreOffice and Excel do not grow a row for text written by a program).
    Linear in the cells the sheet holds: a stray value far to the right adds one cell, not a
    column to visit in every row."""
    lines = dict.fromkeys(rows, 1)
    per_line: dict[int, int] = {}  # column → characters on one line
    book: Any = ws.parent
    alignments = book._alignments
    wraps: dict[int, bool] = {}  # the workbook's alignment → whether it wraps (`cell.alignment` makes a proxy)
    cells: dict[tuple[int, int], Any] = ws._cells
    for (row, column), cell in cells.items():
        if row not in lines or not isinstance(cell.value, str):
            continue
        if (wrap := wraps.get(alignment := cell._style.alignmentId)) is None:
            wrap = wraps[alignment] = bool(alignments[alignment].wrap_text)
        if wrap:
            if (characters := per_line.get(column)) is None:
                characters = per_line[column] = max(int(_width(ws, column - 1) * 1.1), 1)
            lines[row] = max(lines[row], lines_of(cell.value, characters))
    changed = 0
    for row, count in lines.items():
        height = row_height(count)
        if ws.row_dimensions[row].height != height:
            ws.row_dimensions[row].height = height
            changed += 1
    return changed


def _ensure_list(book: openpyxl.Workbook, lists_title: str, column: Any) -> list[str]:
    """Dropdown values live in the hidden lists tab: inline lists cannot hold commas (categories do)."""
    ws = book[_title_like(book, lists_title)]
    headers = [c.value for c in ws[1]]
    if column.header in headers:
        index = headers.index(column.header) + 1
    else:
        index = len([h for h in headers if h is not None]) + 1
        ws.cell(1, index).value = column.header
    current = [ws.cell(r, index).value for r in range(2, 2 + len(column.choices))]
    if current == list(column.choices) and ws.cell(2 + len(column.choices), index).value is None:
        return []
    for r in range(2, max(ws.max_row, 2 + len(column.choices)) + 1):
        ws.cell(r, index).value = column.choices[r - 2] if r - 2 < len(column.choices) else None
    return [f"danh sách chọn '{column.header}'"]


def _list_formula(book: openpyxl.Workbook, lists_title: str, column: Any) -> str:
    ws = book[_title_like(book, lists_title)]
    index = [c.value for c in ws[1]].index(column.header)
    letter = column_letter(index)
    return f"'{ws.title}'!${letter}$2:${letter}${1 + len(column.choices)}"


def _ensure_validation(ws: Worksheet, title: str, header: str, area: str, formula: str) -> list[str]:
    letter = area.split("2:")[0]
    for dv in ws.data_validations.dataValidation:
        ranges = [str(r) for r in dv.sqref.ranges]
        if ranges and all(r.startswith(letter) and r[len(letter)].isdigit() for r in ranges):
            if dv.formula1 == formula and ranges == [area]:
                return []
            dv.formula1, dv.sqref = formula, MultiCellRange(area)
            return [f"tab '{title}': sửa danh sách chọn của cột '{header}'"]
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorTitle="Giá trị không hợp lệ",
                        error=f"Chọn một giá trị trong danh sách của cột '{header}'.")
    dv.add(area)
    ws.add_data_validation(dv)
    return [f"tab '{title}': thêm danh sách chọn cho cột '{header}'"]


def _ensure_status_colours(ws: Worksheet, title: str, area: str, fills: dict[str, str]) -> list[str]:
    present = {(str(cf.sqref), tuple(rule.formula or ())) for cf in ws.conditional_formatting for rule in cf.rules}
    changes = []
    for status, colour in fills.items():
        formula = f'"{status}"'
        if (area, (formula,)) not in present:
            ws.conditional_formatting.add(area, CellIsRule(operator="equal", formula=[formula],
                                                           fill=PatternFill("solid", fgColor=colour, bgColor=colour)))
            changes.append(f"tab '{title}': tô màu trạng thái '{status}'")
    return changes
