"""What the Office reads: the Tổng hợp tab (the overview), the Nhật ký row, the console table."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from automation.campaign import Campaign
from automation.counts import SyncReport, UnitCounts
from automation.findings import ReviewState, Status
from automation.nomination import Intake
from automation.record_ids import CODE_HEADER, ISSUED_HEADER, IdRegister
from automation.schema import Key
from automation.sheets import OverviewLayout
from automation.verdict import Verdict

TOTAL = "Tổng cộng"
LOG_HEADER = [
    "Bắt đầu", "Thời gian chạy (giây)", "Số dòng đã đọc", Status.HOP_LE.value, Status.CAN_BO_SUNG.value,
    Status.KHONG_HOP_LE.value, "Văn bản tạo mới", "Văn bản cập nhật", "Văn bản giữ nguyên",
    "Văn bản chuyển lưu trữ", "Kết quả",
]


def count_units(intake: Intake, verdicts: Iterable[Verdict]) -> list[UnitCounts]:
    """Each unit's rows, statuses, proposals, approvals and reviews: one pass over the verdicts."""
    problems = {p.unit.code: p.message for p in intake.problems if p.unit}
    code_of = {t.title: t.unit.code for t in intake.tabs}
    tally: dict[str, tuple[Counter[Status], Counter[str], Counter[str], Counter[tuple[str, ReviewState]]]] = {
        unit.code: (Counter(), Counter(), Counter(), Counter()) for unit in intake.units}
    for verdict in verdicts:
        counters = tally.get(code_of.get(verdict.nomination.tab, ""))
        if counters is None:
            continue
        statuses, proposed, included, reviews = counters
        statuses[verdict.status] += 1
        if tier := verdict.nomination.value(Key.AWARD):
            proposed[tier] += 1
            if verdict.included:
                included[tier] += 1
            if verdict.review is not None:
                reviews[(tier, verdict.review)] += 1
    return [UnitCounts(unit.code, unit.name, unit.tab, statuses.total(), statuses, proposed, included,
                       problems.get(unit.code, ""), reviews)
            for unit in intake.units for statuses, proposed, included, reviews in [tally[unit.code]]]


def _header_groups(campaign: Campaign) -> list[list[str]]:
    """Tổng hợp's header, group by group: the unit, the statuses, the review, proposals per tier,
    approvals per tier, the ids and the note."""
    tiers = [t.name for t in campaign.tiers]
    approval = "Đưa vào tờ trình" if not campaign.office_approval_required else "Đã đồng ý"
    return [[CODE_HEADER, "Tên đơn vị", "Tên tab", "Số dòng"], [s.value for s in Status],
            [s.value for s in ReviewState], [f"Đề nghị: {t}" for t in tiers], [f"{approval}: {t}" for t in tiers],
            [ISSUED_HEADER, "Ghi chú"]]


# On one landscape page across for some 25 units: the numbers (four digits at most) in narrow
# columns under a header wrapped over several lines, the unit's name and the note wrapped.
WIDTHS = {CODE_HEADER: 10, "Tên đơn vị": 32, "Tên tab": 10, "Ghi chú": 24}
NUMBER_WIDTH = 7


def overview_layout(campaign: Campaign) -> OverviewLayout:
    """Where each group of `overview_table`'s header lies, the widths and what the charts read."""
    groups, first, header = [], 0, []
    for group in _header_groups(campaign):
        groups.append((first, first + len(group) - 1))
        first += len(group)
        header += group
    return OverviewLayout(widths=tuple(WIDTHS.get(title, NUMBER_WIDTH) for title in header), groups=tuple(groups),
                          statuses=groups[1], proposed=groups[3], total_label=TOTAL,
                          block_label=CODE_HEADER)


def overview_table(report: SyncReport, campaign: Campaign, register: IdRegister, now: dt.datetime
                   ) -> list[list[Any]]:
    """The whole Tổng hợp tab: a row per unit, the totals, the time of the sync."""
    tiers = [t.name for t in campaign.tiers]
    header = [title for group in _header_groups(campaign) for title in group]

    def numbers(u: UnitCounts) -> list[Any]:
        return [u.rows, *(u.statuses[s] for s in Status), *(u.review_total(s) for s in ReviewState),
                *(u.proposed[t] for t in tiers), *(u.included[t] for t in tiers)]

    table: list[list[Any]] = [header]
    for u in report.units:
        table.append([u.code, u.name, u.tab, *numbers(u), register.issued_for(u.code), u.problem])
    # Units no longer in the registry keep their row of issued ids: those numbers are never given again.
    listed = {u.code for u in report.units}
    gone = sorted(code for code, issued in register.issued.items() if code not in listed and issued)
    zeros = [0] * (1 + len(Status) + len(ReviewState) + 2 * len(tiers))
    for code in gone:
        table.append([code, "", "", *zeros, register.issued_for(code), "Không còn trong danh mục đơn vị; "
                      "các mã hồ sơ đã cấp được giữ để không cấp lại"])
    totals = [sum(col) for col in zip(*(numbers(u) for u in report.units))] or zeros
    issued = sum(register.issued_for(code) for code in [*listed, *gone])
    table.append([TOTAL, "", "", *totals, issued, ""])
    table.append([])
    table.append(["Cập nhật lúc", now.strftime("%d/%m/%Y %H:%M")])
    for problem in report.problems:
        if not any(problem == u.problem for u in report.units):
            table.append(["Lỗi", problem])
    table += [[], *by_unit_and_tier(report.units, tiers)]
    return table


def by_unit_and_tier(units: list[UnitCounts], tiers: list[str]) -> list[list[Any]]:
    """Where each unit's proposals stand with the Office, tier by tier, then each tier's totals.
    Unit codes in the first column are safe from the record-id register: it reads a count only in
    the `Số mã hồ sơ đã cấp` column, which lies beyond these rows."""
    states = list(ReviewState)
    rows: list[list[Any]] = [[CODE_HEADER, "Hình thức khen thưởng (theo đơn vị)", "Đề nghị",
                              *(s.value for s in states), "Đưa vào văn bản"]]
    totals = {t: [0] * (2 + len(states)) for t in tiers}
    for u in units:
        for tier in tiers:
            if not u.proposed[tier]:
                continue
            numbers = [u.proposed[tier], *(u.reviews[(tier, s)] for s in states), u.included[tier]]
            totals[tier] = [a + b for a, b in zip(totals[tier], numbers)]
            rows.append([u.code, tier, *numbers])
    rows += [[TOTAL, tier, *totals[tier]] for tier in tiers]
    return rows


def log_row(report: SyncReport, *, result: str | None = None) -> list[Any]:
    d = report.documents
    return [report.started.strftime("%d/%m/%Y %H:%M:%S"), round(report.seconds, 1), report.rows,
            *(report.count(s) for s in Status), d.created, d.updated, d.unchanged, d.withdrawn,
            report.result if result is None else result]


def console_table(report: SyncReport) -> str:
    """Per unit: rows, Hợp lệ, Cần bổ sung, Không hợp lệ — aligned for a terminal."""
    header = ["Đơn vị", "Số dòng", *(s.value for s in Status)]
    body: list[list[Any]] = [[f"{u.code} – {u.tab}", u.rows, *(u.statuses[s] for s in Status)] for u in report.units]
    body.append([TOTAL, report.rows, *(report.count(s) for s in Status)])
    widths = [max(len(str(r[i])) for r in [header, *body]) for i in range(len(header))]

    def line(cells: list[Any]) -> str:
        first = str(cells[0]).ljust(widths[0])
        return "  ".join([first, *(str(c).rjust(w) for c, w in zip(cells[1:], widths[1:]))])
    rule = "  ".join("─" * w for w in widths)
    out = [line(header), rule, *(line(r) for r in body[:-1]), rule, line(body[-1])]
    for unit in report.units:
        if unit.problem:
            out.append(f"! {unit.problem}")
    for problem in report.problems:
        if not any(problem == u.problem for u in report.units):
            out.append(f"! {problem}")
    return "\n".join(out)
