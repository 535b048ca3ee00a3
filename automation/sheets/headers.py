"""Finding setup's columns again in a header row a person may have edited, before adding any.

A unit that renames `Hình thức đề nghị` to `Hình thức KT` still has the column and its data. So
`thidua setup` looks for each column by its header, then by the spellings columns.toml knows for
it (`aliases`), then at its place (an unknown header between the two columns it belongs
between); it renames what it finds back and adds a column only when it is really not there. A
column found twice is left for a person to resolve, never added a third time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from automation.sheets import NOTICE_MARK, ColumnLayout, column_letter
from automation.text import clean, fold


@dataclass(frozen=True)
class HeaderRepair:
    positions: dict[str, int]  # fold(header) → 0-based column, after the repair
    renames: dict[int, str] = field(default_factory=dict)  # column → header to write there
    appends: dict[int, str] = field(default_factory=dict)  # column → header of a column really missing
    notes: list[str] = field(default_factory=list)  # what changed, and what only a person can fix

    @property
    def writes(self) -> dict[int, str]:
        return {**self.renames, **self.appends}


def repair_headers(title: str, header_row: Sequence[Any], columns: Sequence[ColumnLayout]) -> HeaderRepair:
    cells = ["" if v is None else clean(str(v)) for v in header_row]
    cells = ["" if c.startswith(NOTICE_MARK) else c for c in cells]
    width = max((i + 1 for i, c in enumerate(cells) if c), default=0)
    spelling = {fold(s): column.header for column in columns for s in (column.header, *column.aliases)}
    found: dict[str, list[int]] = {}
    unknown: set[int] = set()
    for index, text in enumerate(cells):
        if text and (header := spelling.get(fold(text))) is not None:
            found.setdefault(header, []).append(index)
        elif text:
            unknown.add(index)
    repair = HeaderRepair({})
    place = {c.header: found[c.header][0] for c in columns if c.header in found}
    for header, at in found.items():
        if len(at) > 1:
            repair.notes.append(f"tab '{title}': cột '{header}' có ở {len(at)} chỗ (cột "
                                f"{', '.join(column_letter(i) for i in at)}); hãy xóa hoặc đổi tên cột thừa")
        elif fold(cells[at[0]]) != fold(header):
            repair.renames[at[0]] = header
            repair.notes.append(f"tab '{title}': đổi tiêu đề cột {column_letter(at[0])} '{cells[at[0]]}' "
                                f"thành '{header}'")
    for number, column in enumerate(columns):
        if column.header in place:
            continue
        before = next((place[c.header] for c in reversed(columns[:number]) if c.header in place), -1)
        after = next((place[c.header] for c in columns[number + 1:] if c.header in place), None)
        guess = before + 1
        if after is not None and after - before == 2 and guess in unknown:
            unknown.discard(guess)  # renamed where it stands: the column, and its data, are still there
            place[column.header] = guess
            repair.renames[guess] = column.header
            repair.notes.append(f"tab '{title}': đổi tiêu đề cột {column_letter(guess)} '{cells[guess]}' "
                                f"thành '{column.header}' (đúng vị trí của cột này)")
        else:
            place[column.header] = width
            repair.appends[width] = column.header
            repair.notes.append(f"tab '{title}': thêm cột '{column.header}'")
            width += 1
    repair.positions.update({fold(h): i for h, i in place.items()})
    return repair
