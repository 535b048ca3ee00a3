"""What the rules say about a row: findings, and the status they add up to (SPEC section 2)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from collections.abc import Iterable


class Status(enum.StrEnum):
    """The job's verdict on a row (trạng thái), as the unit reads it in the sheet."""

    HOP_LE = "Hợp lệ"  # valid: passes every rule (warnings allowed)
    CAN_BO_SUNG = "Cần bổ sung"  # incomplete: the dossier lacks something
    KHONG_HOP_LE = "Không hợp lệ"  # invalid: something entered is not acceptable


class ReviewState(enum.StrEnum):
    """Where a row stands with the Office (its `Ý kiến thẩm định`), as Tổng hợp counts it."""

    WAITING = "Chờ thẩm định"  # valid, the Office has not said yet
    APPROVED = "Đã đồng ý"
    REJECTED = "Không đồng ý"
    ASKED = "Yêu cầu bổ sung"


class Severity(enum.IntEnum):
    WARNING = 0  # Lưu ý: for the Office to judge; the row stays valid
    MISSING = 1  # → Cần bổ sung
    INVALID = 2  # → Không hợp lệ


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    column: str  # the header the unit sees
    message: str  # what is wrong and how to fix it, Vietnamese
    rule: str  # the rule's name, for tests and logs

    def line(self) -> str:
        if self.severity is Severity.WARNING:
            return f"Lưu ý: {self.column} — {self.message}"
        return f"• {self.column}: {self.message}"


def status_of(findings: Iterable[Finding]) -> Status:
    worst = max((f.severity for f in findings), default=Severity.WARNING)
    return {Severity.INVALID: Status.KHONG_HOP_LE, Severity.MISSING: Status.CAN_BO_SUNG}.get(worst, Status.HOP_LE)


def messages_of(findings: Iterable[Finding], standing: str = "") -> str:
    """The `Nội dung cần sửa` cell: where the row stands with the Office, then problems (worst
    first), then warnings; one per line."""
    ordered = sorted(findings, key=lambda f: -f.severity)
    return "\n".join([standing] * bool(standing) + [f.line() for f in ordered])
