"""What a running job remembers of the last sync's rows: a steady-state sync re-judges only what changed.

A row is parsed, and its row rules run, again only when something they read differs: its cells
(the unit's and the Office's, as read), where it is (tab, row, the header's columns, its unit),
its merged cells, or the campaign, the column schema and the day. The cross-row rules (the same
nominee twice) run over every row each time from the remembered nominee keys — a dictionary
pass, linear — so a duplicate that appears or goes away flags exactly the rows it touches; the
record ids are assigned over every row each time too. The outcome is the one a sync judging
everything afresh reaches; tests compare the two on random edits.

A row that reads as in the last sync to the last cell, flags included, and that no merged range
reaches, is the very nomination of the last sync; its verdict is the very verdict while its
findings, its record id and its history are the same. An unchanged row costs a lookup and a
comparison of its cells, and nothing new is built for it.

Only the rows of the last sync are kept, so the memory is as large as the sheet. `thidua run`
keeps one for as long as it runs; a one-off `thidua sync` starts without.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from automation.nomination import Nomination
    from automation.verdict import Verdict

_UNKNOWN: Any = object()
_EXACT = frozenset({str, int, bool, type(None), dt.date})  # types whose == is what was read, exactly


def exact_key(values: list[Any]) -> Hashable:
    """Cell values as a key equal only for the same values of the same types: 1, 1.0, True and '1'
    are four keys; so are 0.0 and -0.0 (a row with a float, a time or a datetime is keyed by its repr)."""
    types = tuple(map(type, values))
    return (tuple(values), types) if _EXACT.issuperset(types) else repr(values)


class _Row:
    """One row of a tab as the memory keeps it, at its place (tab as read, row index)."""

    __slots__ = ("key", "cells", "read", "made", "findings", "nominee", "outcome", "fingerprint", "verdict")

    def __init__(self, key: Hashable, cells: Mapping[str, Any]) -> None:
        self.key = key  # what its cells were parsed from (Memory.cells)
        self.cells = cells
        self.read: Any = None  # the whole row as read, flags included (Memory.row) …
        self.made: Any = None  # … and the nomination it made
        self.findings: Any = _UNKNOWN  # of the row rules
        self.nominee: Any = _UNKNOWN  # who the nominee is (the duplicates' key)
        self.outcome: Any = _UNKNOWN  # (all its findings, what they make of it)
        self.fingerprint: Any = _UNKNOWN
        self.verdict: Any = _UNKNOWN  # what the job said of the row last time (memory.verdict)


Places = dict[str, dict[int, _Row]]  # tab as read → row index → the row there


class Memory:
    def __init__(self) -> None:
        self._context = ""
        self._places: Places = {}  # this sync's rows, where they were read
        self._last: Places = {}  # the previous sync's
        self._by_cells: dict[int, _Row] = {}  # id of a row's cells → the row (its cells are kept alive here)
        self._tables: dict[str, tuple[str, Any]] = {}  # a whole tab's reading (the register), by what it read
        self.parsed = 0  # rows parsed in this sync
        self.judged = 0  # rows whose row rules ran in this sync

    def begin(self, *context: Any) -> None:
        """A new sync with this campaign, schema and day: what was worked out under others is dropped."""
        digest = hashlib.blake2b(repr(context).encode("utf-8"), digest_size=16).hexdigest()
        same = digest == self._context
        self._last = self._places if same else {}
        if not same:
            self._tables = {}
        self._context, self._places, self._by_cells = digest, {}, {}
        self.parsed = self.judged = 0

    def cells(self, where: str, index: int, key: Hashable, parse: Callable[[], Mapping[str, Any]]
              ) -> Mapping[str, Any]:
        """The parsed cells of row `index` of the tab read as `where` (its title and columns), when
        what they were parsed from is `key`: remembered, or parsed now."""
        row = self._last.get(where, {}).get(index)
        if row is None or row.key != key:
            row = _Row(key, parse())
            self.parsed += 1
        self._keep(where, index, row)
        return row.cells

    def row(self, where: str, index: int, read: Hashable, make: Callable[[], Any]) -> Any:
        """What row `index` of the tab read as `where` became (a nomination, made by `make` through
        `cells`; None for a blank row): the very object of the last sync while the whole row as
        `read`, flags included, is the same. An unchanged row costs a lookup and a comparison."""
        row = self._last.get(where, {}).get(index)
        if row is not None and row.made is not None and row.read == read:
            self._keep(where, index, row)
            return row.made
        made = make()
        if made is not None:
            row = self._places[where][index]
            row.read, row.made = read, made
        return made

    def _keep(self, where: str, index: int, row: _Row) -> None:
        """`row` is row `index` of `where` in this sync."""
        rows = self._places.get(where)
        if rows is None:
            rows = self._places[where] = {}
        rows[index] = row
        self._by_cells[id(row.cells)] = row

    def table(self, name: str, content: Any, read: Callable[[], Any]) -> Any:
        """What a whole tab was read as (the register of awards: 20,000 rows cost a second to parse and
        check), kept while the tab holds what it held: `content` is its cells as read."""
        digest = hashlib.blake2b(repr(content).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        kept = self._tables.get(name)
        if kept is not None and kept[0] == digest:
            return kept[1]
        value = read()
        self._tables[name] = (digest, value)
        return value

    def row_findings(self, n: Nomination, judge: Callable[[Nomination], tuple[Any, ...]]) -> tuple[Any, ...]:
        """The findings of the row rules for nomination `n` (judge(n) when not known)."""
        row = self._of(n.cells)
        if row is None or row.findings is _UNKNOWN:
            self.judged += 1
            found = judge(n)
            if row is not None:
                row.findings = found
            return found
        return row.findings

    def nominee(self, n: Nomination, compute: Callable[[Nomination], Any]) -> Any:
        """Who the nominee is: the duplicates' key."""
        row = self._of(n.cells)
        if row is None:
            return compute(n)
        if row.nominee is _UNKNOWN:
            row.nominee = compute(n)
        return row.nominee

    def fingerprint(self, cells: Mapping[str, Any], compute: Callable[[], str]) -> str:
        """The row's fingerprint (sheets.row_fingerprint), when what it hashes is in the row's key."""
        row = self._of(cells)
        if row is None:
            return compute()
        if row.fingerprint is _UNKNOWN:
            row.fingerprint = compute()
        return row.fingerprint

    def verdict(self, n: Nomination, found: tuple[Any, ...], record_id: str, history: tuple[Any, ...],
                make: Callable[[Nomination, tuple[Any, ...], str, tuple[Any, ...]], Verdict]
                ) -> Verdict:
        """What the job says of nomination `n`: the verdict of the last sync again while `n` is the
        same nomination (memory.row) and its findings, its record id and its history are the same."""
        row = self._of(n.cells)
        if row is None:
            return make(n, found, record_id, history)
        kept = row.verdict
        if kept is _UNKNOWN or not (kept.nomination is n and kept.findings == found and kept.record_id == record_id
                                    and kept.history == history):
            kept = row.verdict = make(n, found, record_id, history)
        return kept

    def outcome(self, n: Nomination, found: tuple[Any, ...], compute: Callable[[Nomination, tuple[Any, ...]], Any]
                ) -> Any:
        """A row's status, review and standing: the same while its cells and all its findings are."""
        row = self._of(n.cells)
        if row is None:
            return compute(n, found)
        kept = row.outcome
        if kept is _UNKNOWN or kept[0] != found:
            kept = row.outcome = (found, compute(n, found))
        return kept[1]

    def _of(self, cells: Mapping[str, Any]) -> _Row | None:
        """The remembered row these cells are (None for cells this memory did not give out)."""
        row = self._by_cells.get(id(cells))
        return row if row is not None and row.cells is cells else None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one sync, on again after. A sync builds and drops
    objects by the hundred thousand while the remembered rows (and a loaded workbook) keep the heap
    large; each full collection walked all of it again: a third of a steady-state judgement. What a
    sync leaves behind is freed by reference counting as it goes; the rare cycles, after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
