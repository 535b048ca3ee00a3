"""What the job says about one row: its record id, its findings, its status, whether it goes in."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from automation.findings import Finding, Status, messages_of
from automation.nomination import Nomination


@dataclass(frozen=True)
class Verdict:
    nomination: Nomination
    record_id: str
    findings: tuple[Finding, ...]
    status: Status
    included: bool  # enters its tier's submission (rules.enters_submission)

    @functools.cached_property  # asked by the console, the flags and the JSON output
    def messages(self) -> str:
        return messages_of(self.findings)
