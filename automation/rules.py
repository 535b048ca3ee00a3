"""The campaign's rules, one small function per idea (SPEC sections 2 and 3).

A row rule takes a nomination and the context and yields findings; a cross-row rule takes all
nominations and yields (nomination, finding) pairs. Nothing here raises for bad input: a
problem in a row is a finding. Every number and list comes from the campaign file, every
column and review word from the column schema.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable, Iterable, Iterator

from automation.campaign import Campaign
from automation.criteria import finding as criterion_finding, judge
from automation.findings import Finding, ReviewState, Severity, Status, status_of
from automation.matching import HistoryLookup
from automation.memory import Memory
from automation.nomination import Nomination, RowKey
from automation.schema import Key, Schema
from automation.sheets import Formula
from automation.text import clean, fold


@dataclass(frozen=True)
class Context:
    campaign: Campaign
    schema: Schema
    today: dt.date
    memory: Memory | None = None  # what a running job remembers of the last sync's rows
    history: HistoryLookup | None = None  # the register (Lịch sử khen thưởng) of this sync
    worked_out: dict[Any, Any] = field(default_factory=dict, compare=False)  # what two rules of one check share

    def header(self, key: str) -> str:
        return self.schema.header(key)


COLUMN_MISSING = "tab chưa có cột này (chạy 'thidua setup' để thêm)"  # a column some rows need

RowRule = Callable[[Nomination, Context], Iterator[Finding]]
CrossRule = Callable[[list[Nomination], Context], Iterator[tuple[Nomination, Finding]]]


def cell_values(n: Nomination, ctx: Context) -> Iterator[Finding]:
    """A value outside its allowed set or of the wrong type (parsing found it)."""
    for key, cell in n.cells.items():
        column = ctx.schema.column(key)
        if cell.problem:
            # The Office's own column never makes a unit's row invalid: it is a note for the Office.
            office = column in ctx.schema.office_columns
            severity = (Severity.WARNING if office else
                        Severity.MISSING if cell.problem.kind == "missing" else Severity.INVALID)
            yield Finding(severity, column.header, cell.problem.message, "cell_values")
        if cell.control_characters:
            yield Finding(Severity.WARNING, column.header,
                          "có ký tự điều khiển không hiển thị được; đã bỏ qua khi kiểm tra, nên xóa khỏi ô",
                          "cell_values")


def required_values(n: Nomination, ctx: Context) -> Iterator[Finding]:
    """A required value is missing (some only for individuals, some only for collectives)."""
    subject_type = n.value(Key.SUBJECT_TYPE)
    for column in ctx.schema.unit_columns:
        if column.must_be_true or not column.required_for(subject_type, ctx.schema.individual):
            continue
        cell = n.cells.get(column.key)
        if cell is None:  # the tab lacks a column only some rows need
            yield Finding(Severity.MISSING, column.header, f"{COLUMN_MISSING}; {column.hint}", "required_values")
        elif cell.blank:
            if isinstance(cell.raw, Formula):
                yield Finding(Severity.MISSING, column.header, f"ô chứa công thức '{cell.raw.text}' chưa có giá trị "
                              f"(tệp chưa được tính lại); hãy nhập giá trị trực tiếp — {column.hint}",
                              "required_values")
            else:
                yield Finding(Severity.MISSING, column.header, f"chưa nhập; {column.hint}", "required_values")


def head_confirmation(n: Nomination, ctx: Context) -> Iterator[Finding]:
    """The head of unit must confirm the summary (a ticked checkbox)."""
    for column in ctx.schema.unit_columns:
        cell = n.cells.get(column.key)
        if column.must_be_true and cell is not None and cell.problem is None and cell.value is not True:
            yield Finding(Severity.MISSING, column.header, f"chưa xác nhận; {column.hint}", "head_confirmation")


def copies_enough(n: Nomination, ctx: Context) -> Iterator[Finding]:
    """Fewer original dossier copies than the tier needs (plan IV.4)."""
    tier = ctx.campaign.tier_named(n.value(Key.AWARD) or "")
    copies = n.value(Key.COPIES_SUBMITTED)
    if tier and isinstance(copies, int) and copies < tier.copies:
        yield Finding(Severity.MISSING, ctx.header(Key.COPIES_SUBMITTED),
                      f"đã nộp {copies:02d} bộ, {tier.name} cần {tier.copies:02d} bộ (bản chính); "
                      f"hãy nộp thêm {tier.copies - copies:02d} bộ", "copies_enough")


def summary_length(n: Nomination, ctx: Context) -> Iterator[Finding]:
    """The summary must state the achievement, its level and scope: at least the campaign's minimum."""
    summary = n.value(Key.SUMMARY)
    minimum = ctx.campaign.min_summary_length
    if summary and len(clean(summary)) < minimum:
        yield Finding(Severity.MISSING, ctx.header(Key.SUMMARY),
                      f"mới có {len(clean(summary))} ký tự, cần ít nhất {minimum}; "
                      "ghi rõ thành tích, cấp độ và phạm vi ảnh hưởng của thành tích", "summary_length")


def date_in_window(n: Nomination, ctx: Context) -> Iterator[Finding]:
    """The proposal date must fall inside the campaign's window (plan V: from 08/11/2021)."""
    date = n.value(Key.PROPOSED_ON)
    start, end = ctx.campaign.window_start, ctx.campaign.window_end
    if not isinstance(date, dt.date):
        return
    if date < start:
        yield Finding(Severity.INVALID, ctx.header(Key.PROPOSED_ON),
                      f"ngày {date:%d/%m/%Y} trước ngày bắt đầu phong trào ({start:%d/%m/%Y}); "
                      "hãy sửa lại ngày đề nghị",
                      "date_in_window")
    elif end and date > end:
        yield Finding(Severity.INVALID, ctx.header(Key.PROPOSED_ON),
                      f"ngày {date:%d/%m/%Y} sau ngày kết thúc phong trào ({end:%d/%m/%Y}); hãy sửa lại ngày đề nghị",
                      "date_in_window")
    elif date > ctx.today:
        yield Finding(Severity.INVALID, ctx.header(Key.PROPOSED_ON),
                      f"ngày {date:%d/%m/%Y} ở tương lai; hãy nhập ngày đã ký đề nghị", "date_in_window")


def scope_matches_tier(n: Nomination, ctx: Context) -> Iterator[Finding]:
    """The scope of influence the tier's standard requires (plan IV.2.2)."""
    tier = ctx.campaign.tier_named(n.value(Key.AWARD) or "")
    scope = n.value(Key.SCOPE)
    if not tier or not scope or not tier.scopes or scope in tier.scopes:
        return
    wanted = " hoặc ".join(tier.scopes)
    header = ctx.header(Key.SCOPE)
    contribution = n.value(Key.MATERIAL_CONTRIBUTION)
    if tier.material_contribution_instead and isinstance(contribution, (int, float)) and contribution > 0:
        yield Finding(Severity.WARNING, header,
                      f"{tier.name} cần phạm vi {wanted}; phạm vi là '{scope}' nhưng có đóng góp vật chất "
                      f"{contribution:,.0f} đồng — Văn phòng xem xét mức đóng góp".replace(",", "."),
                      "scope_matches_tier")
    elif tier.scope_severity == "warning":
        yield Finding(Severity.WARNING, header,
                      f"{tier.name} thường cần phạm vi {wanted}; phạm vi là '{scope}' — Văn phòng xem xét",
                      "scope_matches_tier")
    else:
        yield Finding(Severity.INVALID, header,
                      f"{tier.name} cần phạm vi {wanted}, nhưng phạm vi là '{scope}'; "
                      "chọn hình thức khen thưởng thấp hơn hoặc sửa phạm vi cho đúng", "scope_matches_tier")


def class_matches_tier(n: Nomination, ctx: Context) -> Iterator[Finding]:
    """An order with classes (Huân chương Lao động hạng Nhất, Nhì, Ba) is proposed for one class: a
    proposal that does not name it is returned. A tier without classes takes none."""
    tier = ctx.campaign.tier_named(n.value(Key.AWARD) or "")
    if tier is None or not ctx.campaign.classes:  # no tier has classes: the tabs have no Hạng column
        return
    header = ctx.header(Key.AWARD_CLASS)
    if Key.AWARD_CLASS not in n.cells:
        if tier.classes:
            yield Finding(Severity.MISSING, header, f"{COLUMN_MISSING}; {tier.name} cần ghi hạng đề nghị",
                          "class_matches_tier")
        return
    if n.cells[Key.AWARD_CLASS].problem:
        return
    chosen = n.value(Key.AWARD_CLASS)
    if tier.classes and not chosen:
        yield Finding(Severity.MISSING, header, f"{tier.name} có {len(tier.classes)} hạng "
                      f"({', '.join(tier.classes)}); chọn hạng đề nghị", "class_matches_tier")
    elif chosen and not tier.classes:
        yield Finding(Severity.INVALID, header, f"{tier.name} không chia hạng; để trống ô này", "class_matches_tier")
    elif chosen and chosen not in tier.classes:
        yield Finding(Severity.INVALID, header, f"{tier.name} không có hạng '{chosen}'; chọn "
                      f"{' hoặc '.join(tier.classes)}", "class_matches_tier")


def merged_cells(n: Nomination, ctx: Context) -> Iterator[Finding]:
    """A merged cell spanning rows: its value is used for each row, but units should unmerge it. A
    Mã hồ sơ cell merged with another column's cannot keep the row's id: the row waits for it."""
    for key in n.merged:
        yield Finding(Severity.WARNING, ctx.header(key),
                      "ô gộp nhiều dòng; giá trị ô gộp được dùng cho dòng này — nên tách ô và nhập riêng từng dòng",
                      "merged_cells")
    if n.id_cell_merged:
        yield Finding(Severity.MISSING, ctx.header(Key.RECORD_ID),
                      "ô bị gộp với ô của cột khác nên chương trình không ghi được mã hồ sơ cho dòng này; hãy tách ô "
                      "(Bỏ gộp ô) — dòng sẽ được kiểm tra tiếp ở lần sau", "merged_cells")


def nominee_key(n: Nomination) -> tuple[str, str, str] | None:
    """Who the nominee is: NFC, case-folded, space-collapsed name + subject type + workplace."""
    name, subject_type, workplace = n.value(Key.NAME), n.value(Key.SUBJECT_TYPE), n.value(Key.WORKPLACE)
    if not name or not subject_type:
        return None
    return fold(name), subject_type, fold(workplace or "")


def _same_nominee(nominations: list[Nomination], ctx: Context) -> list[list[Nomination]]:
    """The nominees entered more than once (any tier): worked out once per check, for both rules."""
    kept = ctx.worked_out.get("same_nominee")
    if kept is None or kept[0] is not nominations:  # kept with its list: another list is worked out anew
        kept = ctx.worked_out["same_nominee"] = (nominations, _groups_of_same_nominee(nominations, ctx))
    return kept[1]


def _groups_of_same_nominee(nominations: list[Nomination], ctx: Context) -> list[list[Nomination]]:
    groups: dict[tuple[str, str, str], list[Nomination]] = defaultdict(list)
    memory = ctx.memory
    for n in nominations:
        key = nominee_key(n) if memory is None else memory.nominee(n, nominee_key)
        if key is not None:
            groups[key].append(n)
    return [g for g in groups.values() if len(g) > 1]


NAMED_AT_MOST = 3  # other rows a duplicate's message names; the rest are counted


def _places(named: list[Nomination], total: int) -> str:
    """`tab 'P1', dòng 4; tab 'P2', dòng 7 và 12 dòng khác`: bounded whatever the group's size."""
    places = "; ".join(o.where for o in named[:NAMED_AT_MOST])
    more = total - min(len(named), NAMED_AT_MOST)
    return f"{places} và {more} dòng khác" if more > 0 else places


def _by_tier(group: list[Nomination]) -> dict[str | None, list[Nomination]]:
    by_tier: dict[str | None, list[Nomination]] = defaultdict(list)
    for n in group:
        by_tier[n.value(Key.AWARD)].append(n)
    return by_tier


def duplicate_nominees(nominations: list[Nomination], ctx: Context) -> Iterator[tuple[Nomination, Finding]]:
    """The same nominee entered more than once for the same tier, in any tab: every copy is flagged.
    Linear in the size of a group (a nominee pasted 4,000 times costs 4,000 short messages)."""
    for group in _same_nominee(nominations, ctx):
        by_tier = _by_tier(group)
        for rows in by_tier.values():
            if len(rows) < 2:
                continue
            for n in rows:
                others = [o for o in rows[:NAMED_AT_MOST + 1] if o is not n]
                yield n, Finding(Severity.INVALID, ctx.header(Key.NAME),
                                 f"trùng với {_places(others, len(rows) - 1)}; mỗi người (tập thể) chỉ được đề nghị "
                                 "một lần — hãy xóa dòng trùng", "duplicate_nominees")


def nominee_in_two_tiers(nominations: list[Nomination], ctx: Context) -> Iterator[tuple[Nomination, Finding]]:
    """The same nominee proposed for two different tiers: one proposal per nominee."""
    for group in _same_nominee(nominations, ctx):
        by_tier = _by_tier(group)
        if len(by_tier) < 2:
            continue
        for tier, rows in by_tier.items():
            first_others: list[Nomination] = []
            for o in group:  # one pass per tier (a handful), not one per row
                if o.value(Key.AWARD) != tier:
                    first_others.append(o)
                    if len(first_others) == NAMED_AT_MOST:
                        break
            tiers = ", ".join(sorted({t or "(chưa chọn)" for t in by_tier if t != tier}))
            where = _places(first_others, len(group) - len(rows))
            for n in rows:
                yield n, Finding(Severity.INVALID, ctx.header(Key.AWARD),
                                 f"cùng người (tập thể) này còn được đề nghị {tiers} ở {where}; "
                                 "chỉ giữ một hình thức khen thưởng", "nominee_in_two_tiers")


def tier_criteria(nominations: list[Nomination], ctx: Context) -> Iterator[tuple[Nomination, Finding]]:
    """The tier's standards computed from the register (campaign data, each with its article). A
    nominee the register cannot tell — no row, an ambiguous match, an unreadable tab — is asked for,
    never passed or failed on a guess. A campaign without criteria yields nothing."""
    rules, order = ctx.campaign.history, ctx.schema.register_column("rating").choices
    if not ctx.campaign.has_criteria or rules is None:
        return
    register = ctx.history.register if ctx.history is not None else None
    tab = ctx.schema.tabs["register"]
    column = ctx.header(Key.AWARD)
    for n in nominations:
        tier = ctx.campaign.tier_named(n.value(Key.AWARD) or "")
        if tier is None or not tier.criteria or not n.value(Key.NAME):
            continue
        criteria = [c for c in tier.criteria if c.applies_to(n.value(Key.SUBJECT_TYPE) == ctx.schema.individual)]
        if not criteria:
            continue
        articles = "; ".join(c.article for c in criteria)
        if register is None or register.title is None:
            yield n, Finding(Severity.MISSING, column, f"bảng tính chưa có tab '{tab}' để xét tiêu chuẩn ({articles}); "
                             "chạy 'thidua setup' rồi Văn phòng nhập lịch sử khen thưởng", "tier_criteria")
            continue
        if register.problem:
            yield n, Finding(Severity.MISSING, column, f"{register.problem}; tiêu chuẩn ({articles}) chưa được xét",
                             "tier_criteria")
            continue
        assert ctx.history is not None
        match = ctx.history.of(n)
        shown = ", ".join(str(r) for r in match.uncounted[:3]) + (", …" if len(match.uncounted) > 3 else "")
        uncounted = (f"; {len(match.uncounted)} dòng của người này ở tab '{tab}' có lỗi nên chưa được tính "
                     f"(dòng {shown})" if match.uncounted else "")
        if match.ambiguous:
            yield n, Finding(Severity.MISSING, column, f"{match.ambiguous}; tiêu chuẩn ({articles}) chưa được xét",
                             "tier_criteria")
            continue
        if not match.records:
            searched = ctx.history.nominee(n).searched_by
            yield n, Finding(Severity.MISSING, column, f"tab '{tab}' chưa có kết quả nào của người (tập thể) này "
                             f"(tìm theo {searched}){uncounted}; Văn phòng bổ sung để xét tiêu chuẩn ({articles})",
                             "tier_criteria")
            continue
        for criterion in criteria:
            judgement = judge(criterion, match.records, rules, order)
            if not judgement.met:
                found = criterion_finding(criterion, judgement, column)
                yield n, Finding(found.severity, found.column, found.message + uncounted, found.rule)


ROW_RULES: tuple[RowRule, ...] = (
    cell_values, required_values, head_confirmation, copies_enough, summary_length,
    date_in_window, scope_matches_tier, class_matches_tier, merged_cells,
)
CROSS_RULES: tuple[CrossRule, ...] = (duplicate_nominees, nominee_in_two_tiers, tier_criteria)


def check(nominations: Iterable[Nomination], ctx: Context) -> dict[RowKey, tuple[Finding, ...]]:
    """Every finding of every rule, keyed by (tab, row). With a memory, a row's own findings are
    the tuple worked out when it was last judged: a row no cross-row rule speaks of gets that tuple."""
    nominations = list(nominations)
    judge = partial(_row_findings, ctx=ctx)
    memory = ctx.memory
    findings = {n.key: judge(n) if memory is None else memory.row_findings(n, judge) for n in nominations}
    crossed: dict[RowKey, list[Finding]] = defaultdict(list)
    for cross in CROSS_RULES:
        for n, finding in cross(nominations, ctx):
            crossed[n.key].append(finding)
    for key, more in crossed.items():
        findings[key] += tuple(more)
    return findings


def _row_findings(n: Nomination, ctx: Context) -> tuple[Finding, ...]:
    return tuple(finding for rule in ROW_RULES for finding in rule(n, ctx))


def summary_ready(n: Nomination, findings: Iterable[Finding], ctx: Context) -> bool:
    """Its Bản tóm tắt thành tích can be drafted: the row is valid but for the head's tick, which
    confirms the drafted summary (so the tick cannot be asked before it exists)."""
    if ctx.campaign.tier_named(n.value(Key.AWARD) or "") is None:
        return False
    return status_of(f for f in findings if f.rule != "head_confirmation") is Status.HOP_LE


def review_state(n: Nomination, status: Status, ctx: Context) -> ReviewState | None:
    """Where the row stands with the Office, for the unit and for Tổng hợp; None while the row
    is not valid and the Office has said nothing."""
    review = n.value(Key.OFFICE_REVIEW)
    words = ctx.schema.review
    if review == words.rejected:
        return ReviewState.REJECTED
    if review == words.more_requested:
        return ReviewState.ASKED
    if review == words.approved or not ctx.campaign.office_approval_required:
        return ReviewState.APPROVED
    return ReviewState.WAITING if status is Status.HOP_LE else None


def standing(n: Nomination, state: ReviewState | None, included: bool, ctx: Context) -> str:
    """The first line of `Nội dung cần sửa`: where the row stands with the Office, in words, with
    what the Office wrote (Ghi chú của Văn phòng) when it turned the row down or asked for more."""
    note = clean(n.value(Key.OFFICE_NOTE) or "")
    tier = ctx.campaign.tier_named(n.value(Key.AWARD) or "")
    if state is ReviewState.REJECTED:
        return f"Văn phòng không đồng ý: {note}" if note else \
            "Văn phòng không đồng ý; đề nghị này không đưa vào tờ trình"
    if state is ReviewState.ASKED:
        return f"Văn phòng yêu cầu bổ sung: {note}" if note else \
            "Văn phòng yêu cầu bổ sung (chưa ghi nội dung); liên hệ Văn phòng để biết cần bổ sung gì"
    if state is ReviewState.APPROVED and included and tier is not None:
        document = "quyết định tặng" if tier.submission == "quyet_dinh" else "tờ trình đề nghị"
        return f"Đã đưa vào {document} {tier.name}"
    if state is ReviewState.APPROVED and ctx.campaign.office_approval_required:
        return "Văn phòng đã đồng ý; sửa xong các nội dung dưới đây thì dòng được đưa vào tờ trình"
    if state is ReviewState.WAITING:
        return "Hợp lệ, chờ Văn phòng thẩm định"
    return ""


def enters_submission(n: Nomination, status: Status, ctx: Context) -> bool:
    """Goes into its tier's Tờ trình or Quyết định: valid and, where the campaign asks (plan V: the
    Office appraises the dossiers first), approved by the Office."""
    if status is not Status.HOP_LE or ctx.campaign.tier_named(n.value(Key.AWARD) or "") is None:
        return False
    return not ctx.campaign.office_approval_required or n.value(Key.OFFICE_REVIEW) == ctx.schema.review.approved
