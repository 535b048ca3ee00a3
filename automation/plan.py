"""From verdicts to what must be written: record ids to assign and the job columns of each row."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from collections.abc import Mapping

from automation.campaign import Campaign
from automation.findings import Finding, Status, messages_of, status_of
from automation.nominations import RECORD_ID, Intake, Nomination
from automation.sheets import RowFlags, TabWrite, row_fingerprint

TIMESTAMP = "%d/%m/%Y %H:%M"
APPROVED = "Đồng ý"


@dataclass(frozen=True)
class Verdict:
    """A nomination with its record id, findings and status: what the job says about one row."""

    nomination: Nomination
    record_id: str
    findings: tuple[Finding, ...]

    @functools.cached_property  # asked by the report, the plan and the documents, for every row
    def status(self) -> Status:
        return status_of(self.findings)

    @functools.cached_property
    def messages(self) -> str:
        return messages_of(self.findings)

    def included(self, campaign: Campaign) -> bool:
        """Enters its tier's submission: valid and, where the campaign asks, approved by the Office."""
        if self.status is not Status.HOP_LE or campaign.tier_named(self.nomination.value("award") or "") is None:
            return False
        return not campaign.office_approval_required or self.nomination.value("office_review") == APPROVED


def assign_ids(intake: Intake) -> tuple[dict[tuple[str, int], str], dict[str, int]]:
    """A stable id per row: kept once assigned, new for rows without one or with a copied one.

    Numbers are never reused: the next number is above both every id seen in the sheet and the
    high-water mark kept in Tổng hợp (which remembers ids of rows since deleted).
    """
    issued = dict(intake.issued)
    for n in intake.nominations:
        if match := RECORD_ID.match(n.job.get("record_id", "")):
            code, number = match.group(1).upper(), int(match.group(2))
            issued[code] = max(issued.get(code, 0), number)
    ids: dict[tuple[str, int], str] = {}
    taken: set[str] = set()
    for n in intake.nominations:  # registry order, then top to bottom: the first copy keeps the id
        current = n.job.get("record_id", "").upper()
        if RECORD_ID.match(current) and current not in taken:
            record_id = current
        else:
            number = issued.get(n.unit.code, 0) + 1
            issued[n.unit.code] = number
            record_id = f"{n.unit.code}-{number:04d}"
        taken.add(record_id)
        ids[(n.tab, n.row)] = record_id
    for unit in intake.units:
        issued.setdefault(unit.code, 0)
    return ids, issued


def plan_tabs(intake: Intake, verdicts: Mapping[tuple[str, int], Verdict], documents: Mapping[str, str],
              now: dt.datetime) -> tuple[TabWrite, ...]:
    """The job columns of every row: id, status, messages, document link, time of the check.

    Empty rows that still carry flags from an earlier sync (the unit cleared the row) lose
    them; their id stays so it is never handed out again.
    """
    stamp = now.strftime(TIMESTAMP)
    writes = []
    for tab in intake.tabs:
        rows = []
        for n in tab.nominations:
            verdict = verdicts[(n.tab, n.row)]
            rows.append(RowFlags(n.row, verdict.record_id, {
                "record_id": verdict.record_id,
                "status": verdict.status.value,
                "messages": verdict.messages,
                "document": documents.get(verdict.record_id, ""),
                "checked_at": stamp,
            }, n.fingerprint, read_id=n.job.get("record_id", "")))
        empty = row_fingerprint([], tab.unit_positions)
        for row, job in tab.stale_rows:
            rows.append(RowFlags(row, job.get("record_id", ""),
                                 {key: "" for key in tab.job_columns if key != "record_id"}, empty,
                                 read_id=job.get("record_id", "")))
        writes.append(TabWrite(tab.title, dict(tab.job_columns), dict(tab.new_headers), tuple(rows),
                               tab.unit_positions))
    return tuple(writes)
