"""From verdicts to the flag columns of each row: id, status, messages, document link, time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from automation.nomination import Intake, RowKey
from automation.schema import Key
from automation.sheets import RowFlags, TabWrite, row_fingerprint
from automation.verdict import Verdict

TIMESTAMP = "%d/%m/%Y %H:%M"


def tab_writes(intake: Intake, verdicts: Mapping[RowKey, Verdict], links: Mapping[str, str],
               now: dt.datetime) -> tuple[TabWrite, ...]:
    """The flag columns of every row of every unit tab read whole.

    Empty rows that still carry flags from an earlier sync (the unit cleared the row) lose
    them; their id stays so it is never handed out again.
    """
    stamp = now.strftime(TIMESTAMP)
    writes = []
    for tab in intake.tabs:
        rows = []
        for n in tab.nominations:
            verdict = verdicts[n.key]
            rows.append(RowFlags(n.row, verdict.record_id, {
                Key.RECORD_ID: verdict.record_id,
                Key.STATUS: verdict.status.value,
                Key.MESSAGES: verdict.messages,
                Key.DOCUMENT: links.get(verdict.record_id, ""),
                Key.CHECKED_AT: stamp,
            }, n.fingerprint, read_id=n.flags.get(Key.RECORD_ID, "")))
        empty = row_fingerprint([], tab.unit_positions)
        for row, flags in tab.stale_rows:
            rows.append(RowFlags(row, flags.get(Key.RECORD_ID, ""),
                                 {key: "" for key in tab.flag_columns if key != Key.RECORD_ID}, empty,
                                 read_id=flags.get(Key.RECORD_ID, "")))
        writes.append(TabWrite(tab.title, dict(tab.flag_columns), dict(tab.new_headers), tuple(rows),
                               tab.unit_positions))
    return tuple(writes)
