"""A snapshot of the spreadsheet → the unit registry and typed nominations.

Everything here is pure: the snapshot is plain values, the result is plain values. Tab-level
problems (a missing column, a registry entry without its tab) are collected, never raised, so
one broken tab does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Mapping

from automation.errors import SourceError
from automation.report import SUMMARY_CODE, SUMMARY_ISSUED
from automation.schema import Cell, HeaderMap, Schema, column_letter, is_blank, locate_columns, parse_cell
from automation.sheets import Snapshot, TabData, row_fingerprint
from automation.text import clean, fold, title_like

UNIT_CODE = re.compile(r"^[A-Za-z0-9_]{1,12}$")
RECORD_ID = re.compile(r"^([A-Za-z0-9_]{1,12})-(\d{4,})$")


@dataclass(frozen=True)
class Unit:
    """A unit from the registry tab (Đơn vị): it owns one tab of nominations."""

    code: str
    name: str
    tab: str
    editors: tuple[str, ...]
    kind: str
    row: int


@dataclass(frozen=True)
class Nomination:
    """One non-empty row of a unit tab: one nominee proposed for one tier."""

    unit: Unit
    tab: str
    row: int  # the sheet's row number (1 = header)
    cells: Mapping[str, Cell]  # by column key; only columns the tab has
    job: Mapping[str, str]  # the job columns as they were read
    merged: tuple[str, ...] = ()  # column keys whose value came from a merged range
    fingerprint: str = ""  # the unit's cells as read (sheets.row_fingerprint)

    def value(self, key: str) -> Any:
        cell = self.cells.get(key)
        return cell.value if cell else None

    @property
    def where(self) -> str:
        return f"tab '{self.tab}', dòng {self.row}"


@dataclass(frozen=True)
class UnitTab:
    """A unit's tab as the job will write it: where its job columns are, and its rows."""

    unit: Unit
    title: str
    headers: HeaderMap
    job_columns: dict[str, int]  # job column key → 0-based position (existing or to be added)
    new_headers: dict[int, str]  # position → header text, for job columns the tab lacks
    nominations: tuple[Nomination, ...]
    stale_rows: tuple[tuple[int, Mapping[str, str]], ...]  # empty rows still carrying job flags
    unit_positions: tuple[int, ...] = ()  # 0-based columns of the unit's cells


@dataclass(frozen=True)
class TabProblem:
    tab: str
    message: str
    unit: Unit | None = None


@dataclass(frozen=True)
class Intake:
    units: tuple[Unit, ...]
    tabs: tuple[UnitTab, ...]
    problems: tuple[TabProblem, ...]
    ignored_tabs: tuple[str, ...]
    issued: Mapping[str, int] = field(default_factory=dict)  # ids issued so far, per unit code

    @property
    def nominations(self) -> tuple[Nomination, ...]:
        return tuple(n for tab in self.tabs for n in tab.nominations)


def read_intake(snapshot: Snapshot, schema: Schema, *, today: dt.date) -> Intake:
    problems: list[TabProblem] = []
    registry_tab = _find_tab(snapshot, schema.tabs["registry"])
    if registry_tab is None:
        raise SourceError(f"Bảng tính không có tab '{schema.tabs['registry']}' (danh mục đơn vị); "
                          "chạy 'thidua setup' rồi nhập danh mục đơn vị.")
    units = _read_registry(registry_tab, schema, problems)
    tabs: list[UnitTab] = []
    claimed = {fold(registry_tab.title)}
    for unit in units:
        data = _find_tab(snapshot, unit.tab)
        if data is None:
            problems.append(TabProblem(unit.tab, f"Đơn vị '{unit.name}' ({unit.code}) có trong danh mục nhưng "
                                       f"bảng tính không có tab '{unit.tab}'", unit))
            continue
        claimed.add(fold(data.title))
        tab = _read_unit_tab(data, unit, schema, today, problems)
        if tab is not None:
            tabs.append(tab)
    system = {fold(t) for t in schema.system_tabs}
    ignored = tuple(t for t in snapshot.tabs if fold(t) not in claimed | system)
    summary = _find_tab(snapshot, schema.tabs["summary"])
    return Intake(tuple(units), tuple(tabs), tuple(problems), ignored,
                  _read_issued(summary) if summary else {})


def _find_tab(snapshot: Snapshot, title: str) -> TabData | None:
    return snapshot.tabs.get(title_like(snapshot.tabs, title))


def _read_registry(tab: TabData, schema: Schema, problems: list[TabProblem]) -> list[Unit]:
    if not tab.rows:
        problems.append(TabProblem(tab.title, f"Tab '{tab.title}' trống: chưa có danh mục đơn vị"))
        return []
    headers = locate_columns(tab.rows[0], schema.registry_columns)
    if missing := [c.header for c in schema.registry_columns if c.required == "yes" and c.key not in headers.positions]:
        problems.append(TabProblem(tab.title, f"Tab '{tab.title}': thiếu cột {', '.join(repr(h) for h in missing)}"))
        return []
    units: list[Unit] = []
    codes: set[str] = set()
    tab_names: set[str] = set()
    kinds = {fold(k): k for c in schema.registry_columns if c.key == "kind" for k in c.choices}
    for number, row in enumerate(tab.rows[1:], start=2):
        values = {key: clean(str(_at(row, at) or "")) for key, at in headers.positions.items()}
        get = values.get
        code, name, title = get("code", ""), get("name", ""), get("tab", "")
        if not (code or name or title):
            continue
        where = f"Tab '{tab.title}', dòng {number}"
        if not code or not title:
            lacking = "'Mã đơn vị'" if not code else "'Tên tab'"
            problems.append(TabProblem(tab.title, f"{where}: thiếu {lacking}; đơn vị này chưa được kiểm tra"))
            continue
        if not UNIT_CODE.match(code):
            problems.append(TabProblem(tab.title, f"{where}: 'Mã đơn vị' '{code}' chỉ được gồm chữ không dấu và số, "
                                       "tối đa 12 ký tự; đơn vị này chưa được kiểm tra"))
            continue
        if code.upper() in codes or fold(title) in tab_names:
            problems.append(TabProblem(tab.title, f"{where}: mã đơn vị '{code}' hoặc tab '{title}' đã có ở dòng trên; "
                                       "dòng này bị bỏ qua"))
            continue
        codes.add(code.upper())
        tab_names.add(fold(title))
        editors = tuple(e.strip() for e in re.split(r"[,;\s]+", get("editors", "")) if e.strip())
        kind = get("kind", "")
        units.append(Unit(code.upper(), name or code, title, editors, kinds.get(fold(kind), kind), number))
    return units


def _read_unit_tab(data: TabData, unit: Unit, schema: Schema, today: dt.date,
                   problems: list[TabProblem]) -> UnitTab | None:
    columns = schema.nomination_columns + schema.job_columns
    header_row = data.rows[0] if data.rows else []
    headers = locate_columns(header_row, columns)
    name = f"Tab '{data.title}'"
    if not any(not is_blank(c) for c in header_row):
        problems.append(TabProblem(data.title, f"{name}: chưa có dòng tiêu đề; chạy 'thidua setup' để tạo", unit))
        return None
    missing = [c.header for c in schema.unit_columns if c.required != "no" and c.key not in headers.positions]
    if missing:
        problems.append(TabProblem(data.title, f"{name}: thiếu cột {', '.join(repr(h) for h in missing)}", unit))
        return None
    if headers.duplicates:
        listing = "; ".join(
            f"'{schema.column(key).header}' ở các cột {', '.join(column_letter(i) for i in places)}"
            for key, places in headers.duplicates.items())
        problems.append(TabProblem(data.title, f"{name}: cột bị lặp ({listing}); hãy xóa hoặc đổi tên cột thừa", unit))
        return None

    job_columns = {c.key: headers.positions[c.key] for c in schema.job_columns if c.key in headers.positions}
    new_headers: dict[int, str] = {}
    next_free = headers.width
    for column in schema.job_columns:
        if column.key not in job_columns:
            job_columns[column.key] = next_free
            new_headers[next_free] = column.header
            next_free += 1

    unit_keys = [c.key for c in schema.unit_columns if c.key in headers.positions]
    unit_positions = tuple(sorted(headers.positions[k] for k in unit_keys))
    merged = _merged_sources(data, {headers.positions[k] for k in unit_keys})
    nominations: list[Nomination] = []
    stale: list[tuple[int, Mapping[str, str]]] = []
    for index in range(1, len(data.rows)):
        row = data.rows[index]
        job = {key: _job_text(_at(row, pos)) for key, pos in job_columns.items()}
        if all(is_blank(_at(row, headers.positions[k])) for k in unit_keys):
            if any(job[k] for k in job if k != "record_id"):
                stale.append((index + 1, job))
            continue
        cells: dict[str, Cell] = {}
        merged_keys: list[str] = []
        for column in schema.nomination_columns:
            position = headers.positions.get(column.key)
            if position is None:
                continue
            raw = _at(row, position)
            if (index, position) in merged:
                raw = merged[(index, position)]
                merged_keys.append(column.key)
            cells[column.key] = parse_cell(column, raw, today=today)
        nominations.append(Nomination(unit, data.title, index + 1, cells, job, tuple(merged_keys),
                                      row_fingerprint(row, unit_positions)))
    return UnitTab(unit, data.title, headers, job_columns, new_headers, tuple(nominations), tuple(stale),
                   unit_positions)


def _merged_sources(data: TabData, positions: set[int]) -> dict[tuple[int, int], Any]:
    """Cells inside a merged range (below the header) get the value of its top-left cell."""
    filled: dict[tuple[int, int], Any] = {}
    for top, left, bottom, right in data.merges:
        source = _at(data.rows[top], left) if top < len(data.rows) else None
        for r in range(max(top, 1), bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left) and c in positions:
                    filled[(r, c)] = source
    return filled


def _read_issued(tab: TabData) -> dict[str, int]:
    """The id high-water marks the job keeps in Tổng hợp, so ids of deleted rows are never reused."""
    if not tab.rows:
        return {}
    header = [fold(str(c or "")) for c in tab.rows[0]]
    try:
        code_at, issued_at = header.index(fold(SUMMARY_CODE)), header.index(fold(SUMMARY_ISSUED))
    except ValueError:
        return {}
    issued = {}
    for row in tab.rows[1:]:
        code, count = _at(row, code_at), _at(row, issued_at)
        if isinstance(code, str) and isinstance(count, (int, float)) and not isinstance(count, bool):
            issued[code.strip().upper()] = int(count)
    return issued


def _at(row: list[Any], position: int | None) -> Any:
    if position is None or position >= len(row):
        return None
    return row[position]


def _job_text(raw: Any) -> str:
    return "" if raw is None else clean(str(raw), multiline=True)

