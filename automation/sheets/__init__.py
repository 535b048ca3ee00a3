"""The spreadsheet backend: the protocol, and the plain values that cross it.

Two implementations: `workbook.Workbook` (openpyxl, the embedded default) and `google.GoogleSheet`
(gspread). A backend reads everything once (`read` → `Snapshot`) and writes everything once
(`write(SheetUpdate)`); all the thinking in between is pure and lives outside this package.
This module imports nothing of thidua's: every stage may use its values.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


# A tab the job could not read shows why in a cell of its header row, right of the headers; the
# cell is the job's only while it starts with this mark, and is cleared once the tab reads whole.
NOTICE_MARK = "⚠ Chương trình chưa kiểm tra tab này"


def notice_text(message: str, tab: str, stamp: str) -> str:
    reason = message.removeprefix(f"Tab '{tab}': ")
    return (f"{NOTICE_MARK} ({stamp}): {reason}. Trạng thái ở các dòng dưới là của lần kiểm tra trước; "
            "sửa xong, lần kiểm tra sau sẽ cập nhật.")


def header_cell_is_free(value: Any) -> bool:
    """A header-row cell the job may write: blank, or a notice it wrote itself."""
    return value is None or (isinstance(value, str) and (not value.strip() or value.startswith(NOTICE_MARK)))


def column_letter(index: int) -> str:
    """0-based column index → A1 letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def link_target(path: str) -> str:
    """A document's relative path as a link target: '%' and '#' in a name would read as an escape
    and a fragment."""
    return path.replace("%", "%25").replace("#", "%23")


@dataclass(frozen=True)
class Formula:
    """A formula cell whose value the backend could not compute (openpyxl cannot)."""

    text: str


def row_fingerprint(row: Sequence[Any], positions: Sequence[int]) -> str:
    """What a unit typed in a row, as one short string: finds the row again if rows moved (within
    one sync: never stored). The cells' reprs tell 1, 1.0, True and '1' apart, and None from ''."""
    width = len(row)
    cells = tuple(row[p] if p < width else None for p in positions)
    return hashlib.blake2b(repr(cells).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class TabData:
    """One tab's cell values, row 1 first, trailing blanks trimmed (as Sheets returns them)."""

    title: str
    rows: list[list[Any]]
    merges: tuple[tuple[int, int, int, int], ...] = ()  # 0-based inclusive (top, left, bottom, right)
    # The indexes of the rows that hold anything, top to bottom, when the reader knows them (the
    # .xlsx: a stray value in row 1,048,576 is one more index, not a million rows to look at).
    held: tuple[int, ...] | None = None

    def holding(self, start: int = 0) -> Sequence[int]:
        """The indexes, from `start` on, of the rows that hold anything."""
        if self.held is None:
            rows = self.rows
            return [index for index in range(start, len(rows)) if rows[index]]
        return self.held[bisect.bisect_left(self.held, start):]


@dataclass(frozen=True)
class Snapshot:
    tabs: dict[str, TabData]  # in the spreadsheet's tab order


@dataclass(frozen=True)
class RowFlags:
    """The flag columns of one row (what the job writes beside it).

    `record_id` lets a backend find the row again if it moved."""

    row: int  # the sheet row as read (1-based)
    record_id: str
    values: dict[str, str]  # flag column key → text to write ("" clears)
    fingerprint: str = ""  # the unit's cells when read; a row whose cells changed since is left for the next run
    read_id: str = ""  # the id cell as read (empty, kept, or a copy's duplicate): with the fingerprint, finds the row


@dataclass(frozen=True)
class TabWrite:
    title: str
    flag_columns: dict[str, int]  # key → 0-based column
    new_headers: dict[int, str]  # 0-based column → header, written in row 1
    rows: tuple[RowFlags, ...]
    unit_columns: tuple[int, ...] = ()  # 0-based columns of the unit's cells (for fingerprints)
    # (0-based column, text) of the notice in row 1; text "" clears it. Written only over a blank
    # cell or one that starts with NOTICE_MARK, so nothing a unit typed is overwritten.
    notice: tuple[int, str] | None = None


@dataclass(frozen=True)
class TabAppend:
    """Rows added below the last row of a tab that holds anything (the register's new rows)."""

    title: str
    rows: tuple[list[Any], ...]


@dataclass(frozen=True)
class SheetUpdate:
    """Everything one sync writes, in one go: the flags of every unit tab, Tổng hợp, a Nhật ký row."""

    tabs: tuple[TabWrite, ...]
    overview_title: str
    overview: list[list[Any]] | None  # the whole Tổng hợp tab, rewritten (None: left as it is)
    log_title: str
    log_header: list[str]
    log_row: list[Any]  # appended to Nhật ký
    overview_layout: OverviewLayout | None = None  # how Tổng hợp reads and prints (the workbook dresses it)
    appends: tuple[TabAppend, ...] = ()  # rows added at a tab's end (thidua record)


FLAG_SHADE = "F2F2F2"  # the job's columns, shaded whole in every backend: "the grey columns"
GROUP_SHADES = ("DDEBF7", "FCE4D6")  # Tổng hợp's header groups, by turns: blue, peach
STATUS_CHART_COLOURS = ("70AD47", "FFC000", "C00000")  # the statuses in Tổng hợp's order: green, amber, red
STATUS_CHART = "Trạng thái hồ sơ theo đơn vị"
TIER_CHART = "Số đề nghị theo hình thức khen thưởng"


@dataclass(frozen=True)
class OverviewLayout:
    """How Tổng hợp reads on screen and on paper, backend-neutral (built by `automation.overview`).

    The table's header is row 1, its groups shaded by turns so a printed page tells the "Đề nghị"
    columns from the "Đã đồng ý" ones; the unit's columns stay in view; the totals are bold. Two
    charts read the rows each sync writes: the statuses of each unit's rows (stacked), and the
    nominees proposed per tier (the totals row)."""

    widths: tuple[int, ...]  # characters, one per column of the table
    groups: tuple[tuple[int, int], ...]  # (first, last) 0-based columns of each header group
    statuses: tuple[int, int]  # the status columns
    proposed: tuple[int, int]  # the "Đề nghị" columns
    total_label: str = "Tổng cộng"  # the first cell of a totals row
    block_label: str = ""  # the first cell of the header of the block below the table (unit × tier)
    frozen_columns: int = 3  # the unit's code, name and tab
    header_lines: int = 8  # a tier's name wrapped in a number column

    def unit_rows(self, table: Sequence[Sequence[Any]]) -> int:
        """How many rows lie between the header and the (first) totals row: the charts' extent."""
        return next((r for r, row in enumerate(table) if row and row[0] == self.total_label), 1) - 1

    def is_bold(self, row: Sequence[Any]) -> bool:
        """The totals and the header of the block below the table."""
        return bool(row) and row[0] in (self.total_label, self.block_label)


@dataclass(frozen=True)
class ColumnLayout:
    header: str
    width: int
    aliases: tuple[str, ...] = ()  # other spellings setup recognises (and renames back)
    choices: tuple[str, ...] = ()  # a dropdown
    checkbox: bool = False
    flag: bool = False  # written by the job only (shaded, protected where the backend can)
    office: bool = False  # the Office's review column (protected for the Office where the backend can)
    status_colours: bool = False
    wrap: bool = False  # long text: wrapped, the row as tall as its text
    grouped: bool = False  # an amount: thousands grouped ("2.000.000"), in each backend's own format
    page_break: bool = False  # printing: this column starts a new page across


@dataclass(frozen=True)
class TabLayout:
    title: str
    columns: tuple[ColumnLayout, ...]
    rows: tuple[tuple[str, ...], ...] = ()  # initial content under the header (guide text)
    headings: tuple[int, ...] = ()  # 0-based indices of `rows` that are section headings (bold)
    hidden: bool = False
    editors: tuple[str, ...] = ()
    repeat_columns: int = 0  # printing: the first columns repeated on every page across (who the row is)


@dataclass(frozen=True)
class Layout:
    """What `thidua setup` makes sure exists, backend-neutral."""

    tabs: tuple[TabLayout, ...]
    status_fills: dict[str, str] = field(default_factory=dict)  # status text → RGB hex
    office_editors: tuple[str, ...] = ()  # the Office: edits the registry and the review column
    registry_title: str = ""
    guide_title: str = ""
    overview_title: str = ""
    overview: OverviewLayout | None = None  # Tổng hợp's widths, groups, frozen columns and charts
    overview_units: int = 0  # the units registered when setup runs: the charts' first extent


class Spreadsheet(Protocol):
    name: str

    def read(self) -> Snapshot: ...

    def write(self, update: SheetUpdate) -> None: ...

    def setup(self, layout: Layout) -> list[str]:
        """Create or repair what the layout asks for; return what changed (empty: nothing)."""
        ...
