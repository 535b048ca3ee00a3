"""What the job says about one row: its record id, its findings, its status, whether it goes in."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from automation.findings import Finding, ReviewState, Status, messages_of
from automation.nomination import Nomination
from automation.register import Record


@dataclass(frozen=True)
class Verdict:
    nomination: Nomination
    record_id: str
    findings: tuple[Finding, ...]
    status: Status
    included: bool  # enters its tier's submission (rules.enters_submission)
    summary_ready: bool = False  # its Bản tóm tắt thành tích can be drafted (rules.summary_ready)
    review: ReviewState | None = None  # where it stands with the Office (rules.review_state)
    standing: str = ""  # that, in words for the unit (rules.standing)
    history: tuple[Record, ...] = ()  # the nominee's rows of the register, oldest first (automation.matching)

    @functools.cached_property  # asked by the console, the flags and the JSON output
    def messages(self) -> str:
        return messages_of(self.findings, self.standing)
