"""What a running job remembers of the last sync's rows: a steady-state sync re-judges only what changed.

A row is parsed, and its row rules run, again only when something they read differs: its cells
(the unit's and the Office's, as read), where it is (tab, row, the header's columns), its merged
cells, or the campaign, the column schema and the day (no rule reads the unit). The cross-row
rules (the same nominee twice) run over every row each time from the remembered nominee keys — a
dictionary pass, linear — so a duplicate that appears or goes away flags exactly the rows it
touches. The outcome is the one a sync judging everything afresh reaches; tests compare the two
on random edits.

Only the rows of the last sync are kept, so the memory is as large as the sheet. `thidua run`
keeps one for as long as it runs; a one-off `thidua sync` starts without.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_UNKNOWN: Any = object()


class _Row:
    __slots__ = ("cells", "findings", "nominee", "outcome", "fingerprint")

    def __init__(self, cells: Mapping[str, Any]) -> None:
        self.cells = cells
        self.findings: Any = _UNKNOWN  # of the row rules
        self.nominee: Any = _UNKNOWN  # who the nominee is (the duplicates' key)
        self.outcome: Any = _UNKNOWN  # (all its findings, what they make of it)
        self.fingerprint: Any = _UNKNOWN


class Memory:
    def __init__(self) -> None:
        self._context = ""
        self._rows: dict[Hashable, _Row] = {}  # this sync's rows, by what they were read from
        self._last: dict[Hashable, _Row] = {}  # the previous sync's
        self._by_cells: dict[int, _Row] = {}  # id of a row's cells → the row (its cells are kept alive here)
        self._tables: dict[str, tuple[str, Any]] = {}  # a whole tab's reading (the register), by what it read
        self.parsed = 0  # rows parsed in this sync
        self.judged = 0  # rows whose row rules ran in this sync

    def begin(self, *context: Any) -> None:
        """A new sync with this campaign, schema and day: what was worked out under others is dropped."""
        digest = hashlib.blake2b(repr(context).encode("utf-8"), digest_size=16).hexdigest()
        self._last = self._rows if digest == self._context else {}
        if digest != self._context:
            self._tables = {}
        self._context, self._rows, self._by_cells = digest, {}, {}
        self.parsed = self.judged = 0

    def cells(self, key: Hashable, parse: Callable[[], Mapping[str, Any]]) -> Mapping[str, Any]:
        """The parsed cells of the row read as `key`: remembered, or parsed now."""
        row = self._rows.get(key) or self._last.get(key)
        if row is None:
            row = _Row(parse())
            self.parsed += 1
        self._rows[key] = row
        self._by_cells[id(row.cells)] = row
        return row.cells

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

    def row_findings(self, cells: Mapping[str, Any], judge: Callable[[], list[Any]]) -> list[Any]:
        """The findings of the row rules."""
        return self._kept(cells, "findings", judge, count=True)

    def outcome(self, cells: Mapping[str, Any], findings: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """A row's status, review and standing: the same while its cells and all its findings are."""
        return self._kept(cells, "outcome", lambda: (findings, compute()), still=lambda kept: kept[0] == findings)[1]

    def fingerprint(self, cells: Mapping[str, Any], compute: Callable[[], str]) -> str:
        """The row's fingerprint (sheets.row_fingerprint), when what it hashes is in the row's key."""
        return self._kept(cells, "fingerprint", compute)

    def nominee(self, cells: Mapping[str, Any], compute: Callable[[], Any]) -> Any:
        """Who the nominee is: the duplicates' key."""
        return self._kept(cells, "nominee", compute)

    def _kept(self, cells: Mapping[str, Any], name: str, compute: Callable[[], Any], *, count: bool = False,
              still: Callable[[Any], bool] | None = None) -> Any:
        """What the row whose cells these are keeps under `name`, worked out now if it has none (or
        `still` says it no longer holds); cells this memory did not give out are worked out each time."""
        row = self._by_cells.get(id(cells))
        if row is None or row.cells is not cells:
            self.judged += count
            return compute()
        kept = getattr(row, name)
        if kept is _UNKNOWN or (still is not None and not still(kept)):
            kept = compute()
            setattr(row, name, kept)
            self.judged += count
        return kept


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
