"""What a sync counted: documents, each unit's rows by status and tier, and the whole run.

Plain values, filled by the stages and read by Tổng hợp, Nhật ký, the console and the health file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from automation.findings import ReviewState, Status

SUCCESS = "Thành công"


@dataclass
class DocumentCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0  # unchanged, to another folder (a summary the Office approved)
    withdrawn: int = 0


@dataclass(frozen=True)
class UnitCounts:
    code: str
    name: str
    tab: str
    rows: int
    statuses: Counter[Status]
    proposed: Counter[str]  # per tier name
    included: Counter[str]  # per tier name
    problem: str = ""
    reviews: Counter[tuple[str, ReviewState]] = field(default_factory=Counter)  # (tier name, state)

    def review_total(self, state: ReviewState) -> int:
        return sum(n for (_, s), n in self.reviews.items() if s is state)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "tab": self.tab, "rows": self.rows,
                "statuses": {s.value: self.statuses[s] for s in Status},
                "proposed": dict(self.proposed), "included": dict(self.included),
                "reviews": {s.value: self.review_total(s) for s in ReviewState}, "problem": self.problem}


@dataclass
class SyncReport:
    started: dt.datetime
    seconds: float = 0.0
    units: list[UnitCounts] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored_tabs: list[str] = field(default_factory=list)
    documents: DocumentCounts = field(default_factory=DocumentCounts)

    @property
    def rows(self) -> int:
        return sum(u.rows for u in self.units)

    def count(self, status: Status) -> int:
        return sum(u.statuses[status] for u in self.units)

    @property
    def result(self) -> str:
        if not self.problems:
            return SUCCESS
        return f"{SUCCESS}, có {len(self.problems)} lỗi: " + "; ".join(self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "started": self.started.isoformat(), "seconds": round(self.seconds, 3), "rows": self.rows,
            "statuses": {s.value: self.count(s) for s in Status},
            "documents": self.documents.__dict__, "units": [u.as_dict() for u in self.units],
            "problems": self.problems, "ignored_tabs": self.ignored_tabs,
        }
