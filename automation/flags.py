"""From verdicts to the flag columns of each row: id, status, messages, document link, time.

A unit tab the job could not read keeps every flag it had; it gets a notice in its header row
instead, saying why, and the notice goes once the tab reads whole again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from automation.nomination import Intake, RowKey
from automation.schema import Key
from automation.sheets import RowFlags, TabWrite, notice_text, row_fingerprint
from automation.verdict import Verdict

TIMESTAMP = "%d/%m/%Y %H:%M"
CELL_LIMIT = 32_000  # an .xlsx cell holds 32,767 characters (a Sheets cell 50,000): a longer one fails the save


def tab_writes(intake: Intake, verdicts: Mapping[RowKey, Verdict], links: Mapping[str, str],
               now: dt.datetime) -> tuple[TabWrite, ...]:
    """The flag columns of every row of every unit tab read whole, and the notices of the others.

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
                Key.MESSAGES: fit(verdict.messages),
                Key.DOCUMENT: links.get(verdict.record_id, ""),
                Key.CHECKED_AT: stamp,
            }, n.fingerprint, read_id=n.flags.get(Key.RECORD_ID, "")))
        empty = row_fingerprint([], tab.unit_positions)
        for row, flags in tab.stale_rows:
            rows.append(RowFlags(row, flags.get(Key.RECORD_ID, ""),
                                 {key: "" for key in tab.flag_columns if key != Key.RECORD_ID}, empty,
                                 read_id=flags.get(Key.RECORD_ID, "")))
        old = tab.old_notice_at
        clear = (old, "") if old is not None and old not in tab.new_headers else None
        writes.append(TabWrite(tab.title, dict(tab.flag_columns), dict(tab.new_headers), tuple(rows),
                               tab.unit_positions, notice=clear))
    for problem in intake.problems:
        if problem.notice_at is not None:
            writes.append(TabWrite(problem.tab, {}, {}, (), notice=(problem.notice_at, notice_text(problem.message,
                                                                                              problem.tab, stamp))))
    return tuple(writes)


def fit(text: str) -> str:
    """Text the smallest backend's cell can hold, cut with a word saying so."""
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT - 40].rstrip() + "\n… (còn nữa, đã lược bớt)"
