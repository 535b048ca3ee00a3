"""A snapshot of the spreadsheet → the unit registry and typed nominations, tab by tab.

Everything here is pure: the snapshot is plain values, the result is plain values. Tab-level
problems (a missing column, a registry entry without its tab) are collected, never raised, so
one broken tab does not stop the others.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from functools import partial
from collections.abc import Mapping, Sequence
from typing import Any

from automation.cells import is_blank, parse_cell
from automation.errors import SourceError
from automation.memory import Memory, exact_key
from automation.nomination import Cell, Intake, Nomination, TabProblem, Unit, UnitTab
from automation.record_ids import UNIT_CODE
from automation.schema import Key, RegistryKey, Schema, locate_columns
from automation.sheets import Snapshot, TabData, column_letter, row_fingerprint
from automation.text import clean, fold, title_like


def read_intake(snapshot: Snapshot, schema: Schema, *, today: dt.date, memory: Memory | None = None) -> Intake:
    """The registry and every unit tab, parsed; with a memory (automation.memory), a row read as
    in the last sync keeps its parsed cells."""
    problems: list[TabProblem] = []
    registry_tab = find_tab(snapshot, schema.tabs["registry"])
    if registry_tab is None:
        raise SourceError(f"Bảng tính không có tab '{schema.tabs['registry']}' (danh mục đơn vị); "
                          "chạy 'thidua setup' rồi nhập danh mục đơn vị.")
    units = _read_registry(registry_tab, schema, problems)
    tabs: list[UnitTab] = []
    claimed = {fold(registry_tab.title)}
    for unit in units:
        twins = tabs_named(snapshot, unit.tab)
        claimed.add(fold(unit.tab))
        if not twins:
            problems.append(TabProblem(unit.tab, f"Đơn vị '{unit.name}' ({unit.code}) có trong danh mục nhưng "
                                       f"bảng tính không có tab '{unit.tab}'", unit, always_blocks=False))
        elif len(twins) > 1:
            names = ", ".join(f"'{t.title}'" for t in twins)
            problems.append(TabProblem(unit.tab, f"Có {len(twins)} tab cùng tên '{unit.tab}' ({names}), chỉ khác "
                                       "nhau ở cách gõ dấu, chữ hoa hoặc khoảng trắng; đổi tên hoặc xóa tab thừa để "
                                       "chương trình biết tab nào của đơn vị", unit))
        elif (tab := _read_unit_tab(twins[0], unit, schema, today, problems, memory)) is not None:
            tabs.append(tab)
    system = {fold(t) for t in schema.system_tabs}
    ignored = tuple(t for t in snapshot.tabs if fold(t) not in claimed | system)
    return Intake(tuple(units), tuple(tabs), tuple(problems), ignored)


def find_tab(snapshot: Snapshot, title: str) -> TabData | None:
    return snapshot.tabs.get(title_like(snapshot.tabs, title))


def tab_title_problem(title: str) -> str | None:
    """Why a tab cannot have this title, or None. Excel's rules, which the .xlsx backend must follow
    and a Google spreadsheet downloaded as .xlsx too: at most 31 characters, none of : \\ / ? * [ ]."""
    if len(title) > 31:
        return f"dài {len(title)} ký tự, tên tab chỉ được tối đa 31 ký tự"
    if bad := sorted(set(title) & set(":\\/?*[]")):
        return f"có ký tự không dùng được trong tên tab ({' '.join(bad)})"
    return None


def tabs_named(snapshot: Snapshot, title: str) -> list[TabData]:
    """Every tab whose title is `title` ignoring case, spaces and Unicode form (there should be one)."""
    key = fold(title)
    return [tab for name, tab in snapshot.tabs.items() if fold(name) == key]


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
    kinds = {fold(k): k for c in schema.registry_columns if c.key == RegistryKey.KIND for k in c.choices}
    for index in tab.holding(1):
        row, number = tab.rows[index], index + 1
        values = {key: clean(str(_at(row, at) or "")) for key, at in headers.positions.items()}
        get = values.get
        code, name, title = get(RegistryKey.CODE, ""), get(RegistryKey.NAME, ""), get(RegistryKey.TAB, "")
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
        if (why := tab_title_problem(title)) is not None:
            problems.append(TabProblem(tab.title, f"{where}: 'Tên tab' '{title}' {why}; đơn vị này chưa được kiểm tra"))
            continue
        if code.upper() in codes or fold(title) in tab_names:
            problems.append(TabProblem(tab.title, f"{where}: mã đơn vị '{code}' hoặc tab '{title}' đã có ở dòng trên; "
                                       "dòng này bị bỏ qua"))
            continue
        codes.add(code.upper())
        tab_names.add(fold(title))
        editors = tuple(e.strip() for e in re.split(r"[,;\s]+", get(RegistryKey.EDITORS, "")) if e.strip())
        kind = get(RegistryKey.KIND, "")
        units.append(Unit(code.upper(), name or code, title, editors, kinds.get(fold(kind), kind), number,
                          get(RegistryKey.PLACE, "")))
    return units


def _read_unit_tab(data: TabData, unit: Unit, schema: Schema, today: dt.date,
                   problems: list[TabProblem], memory: Memory | None = None) -> UnitTab | None:
    columns = schema.nomination_columns + schema.flag_columns
    header_row = data.rows[0] if data.rows else []
    headers = locate_columns(header_row, columns)
    name = f"Tab '{data.title}'"
    notice_at = headers.notice_at if headers.notice_at is not None else headers.width
    if headers.width == 0:
        problems.append(TabProblem(data.title, f"{name}: chưa có dòng tiêu đề; chạy 'thidua setup' để tạo", unit,
                                   always_blocks=len(data.rows) > 1))
        return None
    known = set(headers.positions.values())
    if header_merges := [m for m in data.merges if m[0] == 0 and m[3] > m[1] and m[1] in known]:
        where = ", ".join(f"{column_letter(left)}1:{column_letter(right)}1" for _, left, _, right in header_merges)
        problems.append(TabProblem(data.title, f"{name}: các ô tiêu đề {where} bị gộp, che mất tên các cột bên "
                                   "trong; tách các ô để mỗi cột có tiêu đề riêng", unit, notice_at=notice_at))
        return None
    # Columns every row needs; one needed by some rows only (individuals, collectives) is asked of those rows.
    missing = [c.header for c in schema.unit_columns if c.required == "yes" and c.key not in headers.positions]
    if missing:
        problems.append(TabProblem(data.title, f"{name}: thiếu cột {', '.join(repr(h) for h in missing)}", unit,
                                   notice_at=notice_at))
        return None
    if headers.duplicates:
        listing = "; ".join(
            f"'{schema.column(key).header}' ở các cột {', '.join(column_letter(i) for i in places)}"
            for key, places in headers.duplicates.items())
        problems.append(TabProblem(data.title, f"{name}: cột bị lặp ({listing}); hãy xóa hoặc đổi tên cột thừa", unit,
                                   notice_at=notice_at))
        return None

    flag_columns, new_headers = headers.place_flags(schema.flag_columns)

    unit_keys = [c.key for c in schema.unit_columns if c.key in headers.positions]
    unit_positions = tuple(sorted(headers.positions[k] for k in unit_keys))
    held = data.holding(1)  # the rows that hold anything: a row holding nothing is no nomination, merged or not
    merged = merged_sources(data, {headers.positions[k] for k in unit_keys}, held)
    id_at, flag_positions = flag_columns[Key.RECORD_ID], set(flag_columns.values())
    mixed = [(top, left, bottom, right) for top, left, bottom, right in data.merges
             if left <= id_at <= right and not set(range(left, right + 1)) <= flag_positions]
    nominations: list[Nomination] = []
    stale: list[tuple[int, Mapping[str, str]]] = []
    columns_at = [(c, headers.positions[c.key]) for c in schema.nomination_columns if c.key in headers.positions]
    layout = tuple(position for _, position in columns_at)  # where each nomination column is, in the schema's order
    # Where the memory keeps the tab's rows: the tab, its unit, where its columns are. One string:
    # it keeps its hash, a tuple of positions would be hashed again for every row.
    where = (f"{data.title}\x00{[(c.key, at) for c, at in columns_at]}\x00{sorted(flag_columns.items())}\x00"
             f"{unit_positions}\x00{unit!r}")
    unit_at = [headers.positions[k] for k in unit_keys]
    flag_at = list(flag_columns.items())

    def nomination_at(index: int, row: list[Any]) -> Nomination | None:
        """The row's nomination; None for a row the unit left blank (flags left on it are stale)."""
        width = len(row)
        flags = {key: _flag_text(row[at] if at < width else None) for key, at in flag_at}
        if all(is_blank(row[at] if at < width else None) for at in unit_at):
            if any(flags[k] for k in flags if k != Key.RECORD_ID):
                stale.append((index + 1, flags))
            return None
        values = [row[at] if at < width else None for at in layout]
        merged_keys: tuple[str, ...] = ()
        if merged:
            for number, (column, at) in enumerate(columns_at):
                if (index, at) in merged:
                    values[number] = merged[(index, at)]
                    merged_keys += (column.key,)
        id_merged = bool(mixed) and any(top <= index <= bottom and (index, id_at) != (top, left)
                                        for top, left, bottom, _ in mixed)

        def parse(values: list[Any] = values) -> dict[str, Cell]:
            return {column.key: parse_cell(column, raw, today=today) for (column, _), raw in zip(columns_at, values)}
        cells: Mapping[str, Cell]
        if memory is None:
            cells, fingerprint = parse(), row_fingerprint(row, unit_positions)
        else:  # what was read (1, 1.0, True and '1' told apart), where, and in which columns
            cells = memory.cells(where, index, (id_merged, merged_keys, exact_key(values)), parse)
            fingerprint = (row_fingerprint(row, unit_positions) if merged else  # else the unit's cells are in the key
                           memory.fingerprint(cells, partial(row_fingerprint, row, unit_positions)))
        return Nomination(unit, data.title, index + 1, cells, flags, merged_keys, fingerprint, id_merged)

    # A row no merge reaches is what its own cells make it: one the memory has seen, flags and all,
    # at the same place, is the same nomination again.
    alone = memory is not None and not merged and not mixed
    for index in held:  # a stray value far below is one more row, not a million
        row = data.rows[index]
        if alone:
            assert memory is not None
            nomination = memory.row(where, index, exact_key(row), partial(nomination_at, index, row))
        else:
            nomination = nomination_at(index, row)
        if nomination is not None:
            nominations.append(nomination)
    return UnitTab(unit, data.title, flag_columns, new_headers, tuple(nominations), tuple(stale),
                   unit_positions, headers.notice_at)


def merged_sources(data: TabData, positions: set[int], held: Sequence[int]) -> dict[tuple[int, int], Any]:
    """Cells inside a merged range (below the header), in the rows `held`, get the value of its
    top-left cell: a range merged down to the sheet's last row costs the rows that hold something."""
    filled: dict[tuple[int, int], Any] = {}
    for top, left, bottom, right in data.merges:
        columns = [c for c in range(left, right + 1) if c in positions]
        if not columns:
            continue
        source = _at(data.rows[top], left) if top < len(data.rows) else None
        for r in held[bisect.bisect_left(held, max(top, 1)):bisect.bisect_right(held, bottom)]:
            for c in columns:
                if (r, c) != (top, left):
                    filled[(r, c)] = source
    return filled


def _at(row: list[Any], position: int | None) -> Any:
    if position is None or position >= len(row):
        return None
    return row[position]


def _flag_text(raw: Any) -> str:
    return "" if raw is None else _clean_flag(str(raw))


@functools.lru_cache(maxsize=65536)
def _clean_flag(text: str) -> str:
    """The job's own texts come back as they were written, sync after sync (a message with its
    line breaks takes the slow way through `clean`): each is cleaned once."""
    return clean(text, multiline=True)

