"""Record ids (Mã hồ sơ): `<unit code>-<4 digits>`, given once, kept, never handed out twice.

The register is the high-water mark of the numbers issued per unit. It is kept in the Tổng hợp
tab, in the columns `Mã đơn vị` and `Số mã hồ sơ đã cấp`, so the number of a row since deleted
is never given again. This module owns all of it: the two headers, reading the register back
from the tab, assigning ids, and the number each unit's row of Tổng hợp carries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from automation.nomination import Nomination, RowKey, Unit
from automation.schema import Key
from automation.sheets import TabData
from automation.text import fold

CODE_HEADER = "Mã đơn vị"
ISSUED_HEADER = "Số mã hồ sơ đã cấp"
UNIT_CODE = re.compile(r"^[A-Za-z0-9_]{1,12}$")
RECORD_ID = re.compile(r"^([A-Za-z0-9_]{1,12})-(\d{4,9})$")  # 4,300 digits typed there are not an id


@dataclass(frozen=True)
class IdRegister:
    issued: dict[str, int]  # unit code → the highest number issued so far

    @classmethod
    def read(cls, overview: TabData | None) -> IdRegister:
        """The register as the last sync left it in Tổng hợp (empty if the tab or its columns are gone)."""
        if overview is None or not overview.rows:
            return cls({})
        header = [fold(str(c or "")) for c in overview.rows[0]]
        try:
            code_at, issued_at = header.index(fold(CODE_HEADER)), header.index(fold(ISSUED_HEADER))
        except ValueError:
            return cls({})
        issued: dict[str, int] = {}
        for row in map(overview.rows.__getitem__, overview.holding(1)):
            code = row[code_at] if code_at < len(row) else None
            count = row[issued_at] if issued_at < len(row) else None
            if isinstance(code, str) and UNIT_CODE.match(code.strip()) and isinstance(count, (int, float)) \
                    and not isinstance(count, bool) and 0 <= count < 10 ** 9:
                issued[code.strip().upper()] = max(issued.get(code.strip().upper(), 0), int(count))
        return cls(issued)

    def assign(self, nominations: Iterable[Nomination], units: Iterable[Unit]
               ) -> tuple[dict[RowKey, str], IdRegister]:
        """A stable id per row, and the register after it: kept once assigned, new for rows without
        one or with a copied one. The next number is above both every id seen in the sheet and the
        register (which remembers ids of rows since deleted)."""
        nominations = list(nominations)
        issued = dict(self.issued)
        read = [(n, n.flags.get(Key.RECORD_ID, "").upper()) for n in nominations]
        matches = {current: RECORD_ID.match(current) for _, current in read}  # each id read, matched once
        for match in matches.values():
            if match:
                code, number = match.group(1).upper(), int(match.group(2))
                issued[code] = max(issued.get(code, 0), number)
        # An id belongs to its unit: the unit's own row keeps it first, whatever the registry order,
        # so a unit typing (or pasting) another unit's id never takes it from that unit's row. A
        # row moved to another unit keeps its id while nobody else holds it.
        ids: dict[RowKey, str] = {}
        taken: set[str] = set()
        for own_unit_first in (True, False):
            for n, current in read:  # registry order, then top to bottom: the first copy keeps the id
                match = matches[current]
                if n.key in ids or not match or current in taken or (match.group(1) == n.unit.code) != own_unit_first:
                    continue
                ids[n.key] = current
                taken.add(current)
        for n in nominations:
            if n.id_cell_merged and n.key not in ids:
                ids[n.key] = ""  # nowhere to keep one: a number given now would be given again next time
            elif n.key not in ids:
                number = issued.get(n.unit.code, 0) + 1
                issued[n.unit.code] = number
                ids[n.key] = f"{n.unit.code}-{number:04d}"
        for unit in units:
            issued.setdefault(unit.code, 0)
        return ids, IdRegister(issued)

    def issued_for(self, code: str) -> int:
        """What a unit's row of Tổng hợp carries under ISSUED_HEADER."""
        return self.issued.get(code, 0)
