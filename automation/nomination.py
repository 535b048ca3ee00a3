"""The plain values the unit tabs become when read: units, typed cells, nominations, and the
intake of one read (every unit's tab, and the problems of tabs that could not be read).

A leaf: built by `intake` from the snapshot (cells parsed by `cells`), read by the rules, the
record ids, the documents, the flags and the overview. Nothing here reads or computes anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

RowKey = tuple[str, int]  # (tab title, sheet row): where a nomination was read


@dataclass(frozen=True)
class Unit:
    """A unit from the registry tab (Đơn vị): it owns one tab of nominations."""

    code: str
    name: str
    tab: str
    editors: tuple[str, ...]
    kind: str
    row: int
    place: str = ""  # Địa danh: where the unit's own documents are dated ("" = the agency's place)


@dataclass(frozen=True, slots=True)
class CellProblem:
    kind: str  # "missing" (→ Cần bổ sung) or "invalid" (→ Không hợp lệ)
    message: str  # Vietnamese, for the unit: what is wrong and how to fix it


@dataclass(frozen=True, slots=True)  # one per cell or row: no __dict__ each
class Cell:
    """A cell as read (`raw`) and as understood (`value`, or a `problem`)."""

    raw: Any
    value: Any = None  # the typed value; None when blank or when there is a problem
    problem: CellProblem | None = None
    control_characters: bool = False
    blank: bool = False  # nothing usable: empty, only spaces, or a formula with no computed value


@dataclass(frozen=True, slots=True)
class Nomination:
    """One non-empty row of a unit tab: one nominee proposed for one tier."""

    unit: Unit
    tab: str
    row: int  # the sheet's row number (1 = header)
    cells: Mapping[str, Cell]  # by column key; only columns the tab has
    flags: Mapping[str, str]  # the flag columns (Mã hồ sơ, Trạng thái, …) as they were read
    merged: tuple[str, ...] = ()  # column keys whose value came from a merged range
    fingerprint: str = ""  # the unit's cells as read (sheets.row_fingerprint)
    id_cell_merged: bool = False  # its Mã hồ sơ cell is merged with another column's: no id can be kept there

    key: RowKey = field(init=False, repr=False, compare=False)  # (tab, row): made once, asked for everywhere

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.tab, self.row))

    def value(self, key: str) -> Any:
        cell = self.cells.get(key)
        return cell.value if cell else None

    @property
    def where(self) -> str:
        return f"tab '{self.tab}', dòng {self.row}"


@dataclass(frozen=True)
class UnitTab:
    """A unit's tab as the job will write it: where its flag columns are, and its rows."""

    unit: Unit
    title: str
    flag_columns: dict[str, int]  # flag column key → 0-based position (existing or to be added)
    new_headers: dict[int, str]  # position → header text, for flag columns the tab lacks
    nominations: tuple[Nomination, ...]
    stale_rows: tuple[tuple[int, Mapping[str, str]], ...]  # empty rows still carrying flags
    unit_positions: tuple[int, ...] = ()  # 0-based columns of the unit's cells
    old_notice_at: int | None = None  # a notice left in row 1 by a sync that could not read the tab


@dataclass(frozen=True)
class TabProblem:
    """A tab (or the registry) that could not be read as a whole: its rows were not judged."""

    tab: str
    message: str
    unit: Unit | None = None
    # A tab that cannot be read may hold nominations whose documents must not be withdrawn. False:
    # only where the unit has had nominations before (an empty or missing tab of a new unit).
    always_blocks: bool = True
    notice_at: int | None = None  # 0-based column of row 1 where the unit's tab can show it, if any


@dataclass(frozen=True)
class Intake:
    units: tuple[Unit, ...]
    tabs: tuple[UnitTab, ...]
    problems: tuple[TabProblem, ...]
    ignored_tabs: tuple[str, ...]

    @property
    def nominations(self) -> tuple[Nomination, ...]:
        return tuple(n for tab in self.tabs for n in tab.nominations)
