"""The register (Lịch sử khen thưởng): the Office's past yearly results and awards, read and checked.

One tab, kept across campaigns, one row per yearly result or award of a person or a collective.
It is read from the same snapshot as the unit tabs (no request of its own) and checked like a
nomination: each cell against its column, then rules on the row and across rows (a copy, two
ratings in one year, one person in two units the same year). Its findings go in its own flag
columns. A row with a problem does not count toward any criterion until it is fixed.

Pure: the snapshot in, a `Register` out (its rows, the records that count, the flags to write).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from automation.cells import parse_repeating
from automation.findings import Finding, Severity, Status, messages_of, status_of
from automation.nomination import Cell
from automation.schema import HistoryKey, Schema, locate_columns
from automation.sheets import RowFlags, Snapshot, TabWrite, column_letter, notice_text, row_fingerprint
from automation.text import fold, title_like

NAMED_AT_MOST = 3  # other rows a message names; the rest are counted


@dataclass(frozen=True)
class Record:
    """A register row that counts: who, which year, and what they had that year."""

    row: int
    individual: bool
    code: str  # the Office's personal code, upper case ("" when it keeps none)
    name: str
    birth_year: int | None
    unit: str
    year: int
    rating: str = ""
    title: str = ""
    award: str = ""
    decision: str = ""
    decision_date: dt.date | None = None
    decided_by: str = ""
    kind: str = ""


def person_key(individual: bool, name: str, birth_year: Any, code: str = "") -> tuple[Any, ...]:
    """Who a row is about, as the register can tell: a personal code, else the name and birth year."""
    return ("code", code.upper()) if code else (individual, fold(name), birth_year)


@dataclass(frozen=True)
class RegisterRow:
    row: int  # the sheet row (1 = header)
    cells: Mapping[str, Cell]
    fingerprint: str
    findings: tuple[Finding, ...] = ()
    record: Record | None = None  # None while the row has a problem (it counts once fixed)

    @property
    def status(self) -> Status:
        return status_of(self.findings)


@dataclass(frozen=True)
class Register:
    """The register as read. `title` is None when the spreadsheet has no register tab."""

    title: str | None
    rows: tuple[RegisterRow, ...] = ()
    problem: str = ""  # why the tab could not be read as a whole ("" = read whole)
    flag_columns: dict[str, int] = field(default_factory=dict)
    new_headers: dict[int, str] = field(default_factory=dict)
    data_positions: tuple[int, ...] = ()
    notice_at: int | None = None  # where row 1 shows why the tab could not be read (or held such a notice)

    @property
    def readable(self) -> bool:
        return self.title is not None and not self.problem

    @property
    def records(self) -> tuple[Record, ...]:
        return tuple(r.record for r in self.rows if r.record is not None)

    def uncounted(self) -> tuple[RegisterRow, ...]:
        """Rows that name someone but do not count (they have a problem)."""
        return tuple(r for r in self.rows if r.record is None)

    def tab_write(self, stamp: str = "") -> TabWrite | None:
        """Its flag columns: each row's status and what to fix. A tab that could not be read keeps its
        flags and says why in its header row, as a unit tab does; the notice goes once it reads whole."""
        if self.title is None:
            return None
        if self.problem:
            if self.notice_at is None:
                return None
            return TabWrite(self.title, {}, {}, (), notice=(self.notice_at, notice_text(self.problem, self.title,
                                                                                        stamp)))
        rows = tuple(RowFlags(r.row, "", {"status": r.status.value, "messages": messages_of(r.findings)},
                              r.fingerprint) for r in self.rows)
        clear = (self.notice_at, "") if self.notice_at is not None and self.notice_at not in self.new_headers \
            else None
        return TabWrite(self.title, dict(self.flag_columns), dict(self.new_headers), rows, self.data_positions,
                        notice=clear)


def read_register(snapshot: Snapshot, schema: Schema, *, today: dt.date) -> Register:
    wanted = schema.tabs["register"]
    title = title_like(snapshot.tabs, wanted)
    data = snapshot.tabs.get(title)
    if data is None:
        return Register(None)
    columns = schema.register_columns + schema.register_flag_columns
    headers = locate_columns(data.rows[0] if data.rows else [], columns)
    notice_at = headers.notice_at if headers.notice_at is not None else headers.width
    if missing := [c.header for c in schema.register_columns if c.required == "yes" and c.key not in headers.positions]:
        return Register(title, problem=f"Tab '{title}': thiếu cột {', '.join(repr(h) for h in missing)}",
                        notice_at=notice_at)
    if headers.duplicates:
        listing = "; ".join(f"'{schema.register_column(key).header}' ở các cột "
                            f"{', '.join(column_letter(i) for i in places)}"
                            for key, places in headers.duplicates.items())
        return Register(title, problem=f"Tab '{title}': cột bị lặp ({listing}); hãy xóa hoặc đổi tên cột thừa",
                        notice_at=notice_at)
    flag_columns, new_headers = headers.place_flags(schema.register_flag_columns)
    at = [(c, headers.positions[c.key]) for c in schema.register_columns if c.key in headers.positions]
    positions = tuple(sorted(p for _, p in at))
    parsed: list[tuple[int, dict[str, Cell], str]] = []
    cache: dict[tuple[int, type, Any], Cell] = {}
    for index in data.holding(1):
        row = data.rows[index]
        width = len(row)
        # Only the cells that hold something are parsed (a register row leaves half its columns blank);
        # a column absent from `cells` reads as blank everywhere below.
        cells = {}
        for c, p in at:
            raw = row[p] if p < width else None
            if raw is None:
                continue
            seen = (p, type(raw), raw)  # a register repeats its values: each is parsed once per read
            cell = cache.get(seen)
            if cell is None:
                cell = cache[seen] = parse_repeating(c, raw, today=today)
            cells[c.key] = cell
        if all(cell.blank for cell in cells.values()):
            continue
        parsed.append((index + 1, cells, row_fingerprint(row, positions)))
    findings = _check(parsed, schema, today)
    rows = []
    for number, cells, fingerprint in parsed:
        found = tuple(findings[number])
        counts = status_of(found) is Status.HOP_LE
        rows.append(RegisterRow(number, cells, fingerprint, found,
                                _record(number, cells, schema) if counts else None))
    return Register(title, tuple(rows), "", flag_columns, new_headers, positions, headers.notice_at)


def _value(cells: Mapping[str, Cell], key: str) -> Any:
    cell = cells.get(key)
    return cell.value if cell else None


def _record(row: int, cells: Mapping[str, Cell], schema: Schema) -> Record:
    values = {key: cell.value for key, cell in cells.items()}
    get = values.get

    def text(key: str) -> str:
        return str(get(key) or "")
    return Record(row, get(HistoryKey.SUBJECT_TYPE) == schema.individual,
                  text(HistoryKey.PERSON_CODE).upper(), text(HistoryKey.NAME), get(HistoryKey.BIRTH_YEAR),
                  text(HistoryKey.UNIT), int(get(HistoryKey.YEAR) or 0), text(HistoryKey.RATING),
                  text(HistoryKey.TITLE), text(HistoryKey.AWARD), text(HistoryKey.DECISION),
                  get(HistoryKey.DECISION_DATE), text(HistoryKey.DECIDED_BY), text(HistoryKey.KIND))


# ------------------------------------------------------------------ the rules of a register row

def cell_values(cells: Mapping[str, Cell], schema: Schema, today: dt.date) -> Iterator[Finding]:
    """A value outside its list or of the wrong type; a required value missing."""
    individual = _value(cells, HistoryKey.SUBJECT_TYPE)
    for column in schema.register_columns:
        cell = cells.get(column.key)
        if cell is not None and cell.problem:
            yield Finding(Severity.INVALID, column.header, cell.problem.message, "register_cells")
        elif (cell is None or cell.blank) and column.required_for(individual, schema.individual):
            yield Finding(Severity.MISSING, column.header, f"chưa nhập; {column.hint}", "register_cells")


def something_recorded(cells: Mapping[str, Cell], schema: Schema, today: dt.date) -> Iterator[Finding]:
    """A row says what the year brought: a rating, a title or an award."""
    if not any(_value(cells, key) for key in (HistoryKey.RATING, HistoryKey.TITLE, HistoryKey.AWARD)) and not any(
            cells[key].problem for key in (HistoryKey.RATING, HistoryKey.TITLE, HistoryKey.AWARD) if key in cells):
        yield Finding(Severity.MISSING, schema.register_column(HistoryKey.RATING).header,
                      "dòng chưa ghi xếp loại, danh hiệu thi đua hay hình thức khen thưởng nào", "register_recorded")


def decision_date_fits(cells: Mapping[str, Cell], schema: Schema, today: dt.date) -> Iterator[Finding]:
    """A decision recognises a year's result: it is dated in that year or later, and not in the future."""
    year, date = _value(cells, HistoryKey.YEAR), _value(cells, HistoryKey.DECISION_DATE)
    header = schema.register_column(HistoryKey.DECISION_DATE).header
    if not isinstance(date, dt.date):
        return
    if isinstance(year, int) and date.year < year:
        yield Finding(Severity.INVALID, header, f"ngày {date:%d/%m/%Y} trước năm {year} mà quyết định ghi nhận; "
                      "sửa lại năm hoặc ngày quyết định", "register_decision_date")
    elif date > today:
        yield Finding(Severity.INVALID, header, f"ngày {date:%d/%m/%Y} ở tương lai", "register_decision_date")


def decision_for_award(cells: Mapping[str, Cell], schema: Schema, today: dt.date) -> Iterator[Finding]:
    """A title or an award has its decision (the summaries cite it) and, for an award, its kind (what
    it may count toward depends on it)."""
    if not (_value(cells, HistoryKey.TITLE) or _value(cells, HistoryKey.AWARD)):
        return
    if not _value(cells, HistoryKey.DECISION) and not cells.get(HistoryKey.DECISION, Cell(None)).problem:
        yield Finding(Severity.WARNING, schema.register_column(HistoryKey.DECISION).header,
                      "chưa ghi số quyết định; bản tóm tắt thành tích sẽ để trống chỗ này", "register_decision")
    kind = cells.get(HistoryKey.KIND)
    if _value(cells, HistoryKey.AWARD) and (kind is None or kind.blank):
        yield Finding(Severity.MISSING, schema.register_column(HistoryKey.KIND).header,
                      "chọn loại khen thưởng (công trạng, chuyên đề, đột xuất, …): khen thưởng chuyên đề, đột xuất "
                      "không được tính khi xét khen thưởng theo công trạng", "register_kind")


ROW_RULES = (cell_values, something_recorded, decision_date_fits, decision_for_award)


def _person(cells: Mapping[str, Cell], schema: Schema) -> tuple[Any, ...] | None:
    name = _value(cells, HistoryKey.NAME)
    if not name:
        return None
    return person_key(_value(cells, HistoryKey.SUBJECT_TYPE) == schema.individual, name,
                      _value(cells, HistoryKey.BIRTH_YEAR), str(_value(cells, HistoryKey.PERSON_CODE) or ""))


def _rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:NAMED_AT_MOST])
    more = len(numbers) - NAMED_AT_MOST
    return f"{shown} và {more} dòng khác" if more > 0 else shown


def _check(parsed: list[tuple[int, dict[str, Cell], str]], schema: Schema, today: dt.date
           ) -> dict[int, list[Finding]]:
    """Every row's findings: its own rules, then across rows (linear: one dictionary pass each)."""
    findings: dict[int, list[Finding]] = {number: [f for rule in ROW_RULES for f in rule(cells, schema, today)]
                                          for number, cells, _ in parsed}
    by_year: dict[tuple[Any, ...], list[tuple[int, dict[str, Cell]]]] = defaultdict(list)
    for number, cells, _ in parsed:
        person, year = _person(cells, schema), _value(cells, HistoryKey.YEAR)
        if person is not None and isinstance(year, int):
            by_year[(*person, year)].append((number, cells))
    name = schema.register_column(HistoryKey.NAME).header
    rating_header = schema.register_column(HistoryKey.RATING).header
    for key, rows in by_year.items():
        if len(rows) < 2:
            continue
        year = key[-1]
        seen: dict[tuple[Any, ...], int] = {}
        for number, cells in rows:  # the same result entered twice: the copies go
            what = tuple(fold(str(_value(cells, k) or "")) for k in (HistoryKey.RATING, HistoryKey.TITLE,
                                                                     HistoryKey.AWARD, HistoryKey.DECISION))
            if what in seen:
                findings[number].append(Finding(Severity.INVALID, name, f"trùng với dòng {seen[what]}; xóa dòng trùng",
                                                "register_duplicate"))
            else:
                seen[what] = number
        rated = [(n, _value(c, HistoryKey.RATING)) for n, c in rows if _value(c, HistoryKey.RATING)]
        if len({r for _, r in rated}) > 1:
            for number, _ in rated:
                others = [n for n, _ in rated if n != number]
                findings[number].append(Finding(
                    Severity.INVALID, rating_header, f"năm {year} người (tập thể) này còn có xếp loại khác ở dòng "
                    f"{_rows(others)}; mỗi năm chỉ có một kết quả xếp loại", "register_two_ratings"))
        units = {fold(str(_value(c, HistoryKey.UNIT) or "")) for _, c in rows}
        if len(units) > 1:
            for number, _ in rows:
                others = [n for n, _ in rows if n != number]
                findings[number].append(Finding(
                    Severity.WARNING, schema.register_column(HistoryKey.UNIT).header,
                    f"năm {year} cùng người (tập thể) này còn ghi ở đơn vị khác (dòng {_rows(others)}); nếu là hai "
                    "người trùng họ tên và năm sinh, ghi Mã cá nhân cho từng người", "register_two_units"))
    return findings
