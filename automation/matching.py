"""A nominee → their rows of the register, or the reason no single person can be chosen.

By the Office's personal code where the nominee's row carries one; else by name and birth year
(NFC, case- and space-insensitive), the unit deciding between namesakes. An ambiguous match is
never settled by a guess: it is a finding for the Office (write the personal code), and no
criterion is judged on it.

Built once per sync from the register (a dictionary pass over its rows); each nominee costs a
lookup and its own rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from automation.nomination import Nomination
from automation.register import Record, Register, RegisterRow
from automation.schema import HistoryKey, Key, Schema
from automation.text import fold

NAMED_AT_MOST = 3


@dataclass(frozen=True)
class Nominee:
    """Who a nomination proposes, as the register is searched for them."""

    individual: bool
    name: str
    birth_year: int | None = None
    code: str = ""
    units: tuple[str, ...] = ()  # the unit's code and name and the workplace typed, any of which the register may use

    @property
    def searched_by(self) -> str:
        if self.code:
            return f"mã cá nhân {self.code}"
        if self.individual and self.birth_year:
            return f"họ tên và năm sinh {self.birth_year}"
        return "tên tập thể" if not self.individual else "họ tên (dòng đề nghị chưa ghi năm sinh)"


@dataclass(frozen=True)
class Match:
    records: tuple[Record, ...] = ()  # every counted row of the person, oldest year first
    ambiguous: str = ""  # why no single person could be chosen ("" = matched, or nobody)
    uncounted: tuple[int, ...] = ()  # the person's rows that do not count yet (a problem to fix)


NO_MATCH = Match()


class RegisterIndex:
    """The register by name (folded) and by personal code."""

    def __init__(self, register: Register, individual: str) -> None:
        """`individual`: the Đối tượng word of a person (the schema's), as the register's cells hold it."""
        self._by_name: dict[tuple[bool, str], list[RegisterRow]] = defaultdict(list)
        self._by_code: dict[str, list[RegisterRow]] = defaultdict(list)
        for row in register.rows:
            cells = row.cells
            name = cells.get(HistoryKey.NAME)
            if name is None or not name.value:
                continue
            person = cells.get(HistoryKey.SUBJECT_TYPE)
            is_individual = person is not None and person.value == individual
            self._by_name[(is_individual, fold(name.value))].append(row)
            code = cells.get(HistoryKey.PERSON_CODE)
            if code is not None and code.value:
                self._by_code[str(code.value).upper()].append(row)

    def match(self, nominee: Nominee) -> Match:
        candidates = list(self._by_name.get((nominee.individual, fold(nominee.name)), ()))
        if nominee.code:
            coded = self._by_code.get(nominee.code.upper(), [])
            candidates = [r for r in candidates if _code(r) in ("", nominee.code.upper())]
            candidates = list({id(r): r for r in [*coded, *candidates]}.values())
        if nominee.individual and nominee.birth_year:
            candidates = [r for r in candidates if _birth(r) in (None, nominee.birth_year) or _code(r)]
        people = _people(candidates)
        if len(people) > 1:  # namesakes: the nominee's unit decides, if it can
            units = {fold(u) for u in nominee.units if u}
            here = [r for r in candidates if _unit(r) in units]
            if here and len(_people(here)) == 1:
                person = next(iter(_people(here)))
                candidates = [r for r in candidates if _identity(r) in (person, None)]
            else:
                listing = "; ".join(f"dòng {r.row}: {_describe(r)}" for r in _firsts(candidates)[:NAMED_AT_MOST])
                return Match(ambiguous=f"tab Lịch sử khen thưởng có {len(people)} người (tập thể) khớp theo "
                                       f"{nominee.searched_by} ({listing}); ghi Mã cá nhân ở dòng đề nghị và ở "
                                       "các dòng lịch sử để phân biệt")
        clash = _same_year_two_units(candidates)
        if clash:
            return Match(ambiguous=clash)
        ordered = sorted(candidates, key=lambda r: (r.record.year if r.record else 0, r.row))
        return Match(tuple(r.record for r in ordered if r.record is not None),
                     uncounted=tuple(r.row for r in ordered if r.record is None))


def _value(row: RegisterRow, key: str) -> Any:
    cell = row.cells.get(key)
    return cell.value if cell else None


def _code(row: RegisterRow) -> str:
    return str(_value(row, HistoryKey.PERSON_CODE) or "").upper()


def _birth(row: RegisterRow) -> int | None:
    return _value(row, HistoryKey.BIRTH_YEAR)


def _unit(row: RegisterRow) -> str:
    return fold(str(_value(row, HistoryKey.UNIT) or ""))


def _identity(row: RegisterRow) -> tuple[str, Any] | None:
    """The person a row names as far as the row tells: a code, else a birth year; None: either."""
    if code := _code(row):
        return ("code", code)
    if (birth := _birth(row)) is not None:
        return ("born", birth)
    return None


def _people(rows: list[RegisterRow]) -> set[tuple[str, Any]]:
    """The distinct people among rows (a row without code or birth year may be any of them). A code
    and a birth year seen together on one row are one person."""
    born_of_code = {_code(r): _birth(r) for r in rows if _code(r) and _birth(r) is not None}
    people = set()
    for r in rows:
        identity = _identity(r)
        if identity is None:
            continue
        if identity[0] == "born" and identity[1] in born_of_code.values():
            continue  # the same birth year as a coded person's: counted as that person
        people.add(identity)
    return people


def _firsts(rows: list[RegisterRow]) -> list[RegisterRow]:
    seen, out = set(), []
    for r in rows:
        if (identity := _identity(r)) not in seen:
            seen.add(identity)
            out.append(r)
    return out


def _describe(row: RegisterRow) -> str:
    parts = [str(_value(row, HistoryKey.UNIT) or "")]
    if (birth := _birth(row)) is not None:
        parts.append(f"sinh {birth}")
    if code := _code(row):
        parts.append(f"mã {code}")
    return ", ".join(p for p in parts if p)


def _same_year_two_units(rows: list[RegisterRow]) -> str:
    units: dict[int, dict[str, RegisterRow]] = defaultdict(dict)
    for r in rows:
        year = _value(r, HistoryKey.YEAR)
        if isinstance(year, int):
            units[year].setdefault(_unit(r), r)
    for year in sorted(units):
        if len(units[year]) > 1:
            first, second = list(units[year].values())[:2]
            return (f"tab Lịch sử khen thưởng ghi người (tập thể) này ở hai đơn vị trong năm {year} (dòng {first.row}: "
                    f"{_value(first, HistoryKey.UNIT)}; dòng {second.row}: {_value(second, HistoryKey.UNIT)}); nếu là "
                    "hai người trùng họ tên, ghi Mã cá nhân để phân biệt")
    return ""


class HistoryLookup:
    """The register of one sync and each nominee's match in it, worked out once per nominee."""

    def __init__(self, register: Register, schema: Schema) -> None:
        self.register = register
        self.schema = schema
        self._index = RegisterIndex(register, schema.individual)
        self._matches: dict[Nominee, Match] = {}

    def nominee(self, n: Nomination) -> Nominee:
        individual = n.value(Key.SUBJECT_TYPE) == self.schema.individual
        birth = n.value(Key.BIRTH_YEAR)
        return Nominee(individual, str(n.value(Key.NAME) or ""), birth if isinstance(birth, int) else None,
                       str(n.value(Key.PERSON_CODE) or "").upper(),
                       (n.unit.code, n.unit.name, str(n.value(Key.WORKPLACE) or "")))

    def of(self, n: Nomination) -> Match:
        """The nominee's rows of the register (none when the register is absent or unreadable)."""
        if not self.register.readable or not n.value(Key.NAME):
            return NO_MATCH
        nominee = self.nominee(n)
        if nominee not in self._matches:
            self._matches[nominee] = self._index.match(nominee)
        return self._matches[nominee]
