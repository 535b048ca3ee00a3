"""The whole job, one pass: read once, judge, render what changed, write once.

    spreadsheet ──read──▶ snapshot ──intake──▶ nominations ──rules──▶ verdicts (with record ids)
                                                                         │
                         templates ──render only what changed──▶ documents ──publish──▶ store (links)
                                                                         │
    spreadsheet ◀──write once (ids, flags, links, Tổng hợp, Nhật ký)──flags ◀┘

`evaluate` stops after the verdicts and writes nothing (`thidua check`); `sync` goes all the
way. Both take the spreadsheet and the store as they are given: `automation.operations` opens
them from the settings for the CLI and the scheduler.

A read that is not whole — a unit tab with a renamed or doubled column, a unit tab gone, a
registry row the job cannot place — judges the tabs it can read and leaves everything else as
it was: no document is withdrawn, no Tờ trình or Quyết định is rewritten without those units'
nominees, their rows keep their flags, and the ids issued never go down.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from automation import rules
from automation.campaign import Campaign
from automation.clock import now_local
from automation.counts import SyncReport
from automation.documents import TEMPLATES, documents_for
from automation.errors import ArchiveRefused
from automation.findings import Finding, ReviewState, Status, status_of
from automation.flags import TIMESTAMP, tab_writes
from automation.intake import find_tab, read_intake
from automation.matching import HistoryLookup
from automation.memory import Memory, collector_paused
from automation.nomination import Intake, Nomination, RowKey
from automation.overview import LOG_HEADER, count_units, log_row, overview_layout, overview_table
from automation.publish import publish
from automation.record_ids import IdRegister
from automation.register import Record, Register, read_register
from automation.render import Renderer
from automation.schema import Schema
from automation.sheets import SheetUpdate, Snapshot, Spreadsheet
from automation.store import DocumentStore
from automation.verdict import Verdict

PARTIAL = ("Bảng tính chưa đọc được đầy đủ (xem Ghi chú): không văn bản nào được chuyển vào Lưu trữ và "
           "tờ trình, quyết định chưa được lập lại cho đến khi sửa xong.")


@dataclass(frozen=True)
class Evaluation:
    intake: Intake
    verdicts: Mapping[RowKey, Verdict]
    register: IdRegister  # the record-id register after this pass assigned ids
    report: SyncReport
    whole: bool  # every unit's tab, the registry and the register of awards were read in full
    history: Register  # the register of past results and awards (Lịch sử khen thưởng)
    snapshot: Snapshot  # the spreadsheet as this pass read it (thidua record reads on from it)


def evaluate(sheet: Spreadsheet, campaign: Campaign, schema: Schema, *, now: dt.datetime | None = None,
             memory: Memory | None = None) -> Evaluation:
    """Read every tab once and judge every row (with a memory, only the rows that changed since
    the last sync are parsed and judged again: automation.memory). Writes nothing."""
    with collector_paused():
        return _evaluate(sheet, campaign, schema, now or now_local(), memory)


def _evaluate(sheet: Spreadsheet, campaign: Campaign, schema: Schema, now: dt.datetime, memory: Memory | None
              ) -> Evaluation:
    started = time.perf_counter()
    snapshot = sheet.read()
    if memory is not None:
        memory.begin(campaign, schema, now.date())
    intake = read_intake(snapshot, schema, today=now.date(), memory=memory)
    ids, register = IdRegister.read(find_tab(snapshot, schema.tabs["overview"])).assign(intake.nominations,
                                                                                       intake.units)
    read_history = partial(read_register, snapshot, schema, today=now.date())
    if memory is None:
        history = read_history()
    else:  # the register changes rarely: re-read only when its cells did
        tab = find_tab(snapshot, schema.tabs["register"])
        content = (tab.title, [(index, tab.rows[index]) for index in tab.holding()]) if tab else None
        history = memory.table("register", content, read_history)
    lookup = HistoryLookup(history, schema)
    context = rules.Context(campaign, schema, now.date(), memory, lookup)
    findings = rules.check(intake.nominations, context)
    verdict = partial(_verdict, context=context, memory=memory)
    verdicts = {}
    for n in intake.nominations:
        key = n.key
        found, record_id, records = findings[key], ids[key], lookup.of(n).records
        verdicts[key] = (verdict(n, found, record_id, records) if memory is None else
                         memory.verdict(n, found, record_id, records, verdict))
    problems = [p.message for p in intake.problems]
    whole = not any(p.always_blocks or (p.unit is not None and register.issued_for(p.unit.code) > 0)
                    for p in intake.problems)
    if history.problem:  # the criteria cannot be judged: nothing is withdrawn over it
        problems.append(history.problem)
        whole = whole and not campaign.has_criteria
    if not intake.units and any(register.issued.values()):
        whole = False
        problems.append(f"Tab '{schema.tabs['registry']}' không còn đơn vị nào trong khi đã có hồ sơ được cấp mã; "
                        "nhập lại danh mục đơn vị")
    report = SyncReport(
        started=now,
        units=count_units(intake, verdicts.values()),
        problems=problems,
        ignored_tabs=list(intake.ignored_tabs),
    )
    report.seconds = time.perf_counter() - started
    return Evaluation(intake, verdicts, register, report, whole, history, snapshot)


def _verdict(n: Nomination, found: tuple[Finding, ...], record_id: str, records: tuple[Record, ...], *,
             context: rules.Context, memory: Memory | None) -> Verdict:
    outcome = _outcome(n, found, context) if memory is None else memory.outcome(n, found, partial(_outcome,
                                                                                                   context=context))
    status, included, ready, review, standing = outcome
    return Verdict(n, record_id, found, status, included, ready, review, standing, records)


def _outcome(n: Nomination, found: tuple[Finding, ...], context: rules.Context
             ) -> tuple[Status, bool, bool, ReviewState | None, str]:
    """What a row's findings make of it: status, in the submission, summary ready, review, standing."""
    status = status_of(found)
    included = rules.enters_submission(n, status, context)
    review = rules.review_state(n, status, context)
    ready = rules.summary_ready(n, found, context)
    return status, included, ready, review, rules.standing(n, review, included, context)


def sync(sheet: Spreadsheet, campaign: Campaign, schema: Schema, *, store: DocumentStore | None = None,
         renderer: Renderer | None = None, now: dt.datetime | None = None, allow_archive: bool = False,
         memory: Memory | None = None) -> SyncReport:
    """One full sync: judge every row, bring the documents up to date (when there is a store),
    then write ids, flags, links, Tổng hợp and the Nhật ký row at once."""
    now = now or now_local()
    started = time.perf_counter()
    with collector_paused():  # all of it: the judging, the rendering, the save
        evaluation = evaluate(sheet, campaign, schema, now=now, memory=memory)
        report = evaluation.report
        links: dict[str, str] = {}  # record id → its Bản tóm tắt thành tích
        if store is not None:
            renderer = renderer or Renderer()
            specs = documents_for(evaluation.verdicts.values(), campaign, schema, renderer.digests(TEMPLATES.values()),
                                  with_history=evaluation.history.readable)
            if not evaluation.whole:  # a submission now would leave out the nominees of the tabs not read
                specs = [s for s in specs if s.record_id]
            try:
                report.documents, links = publish(specs, store, renderer, withdraw=evaluation.whole,
                                                  allow_archive=allow_archive,
                                                  hold_summaries=bool(evaluation.history.problem))
            except ArchiveRefused as refusal:  # nothing written; the Office reads why in Nhật ký
                report.problems.append(str(refusal))
                report.seconds = time.perf_counter() - started
                sheet.write(SheetUpdate((), schema.tabs["overview"], None, schema.tabs["log"], LOG_HEADER,
                                        log_row(report, result=str(refusal))))
                raise
        tabs = tab_writes(evaluation.intake, evaluation.verdicts, links, now)
        if (history_flags := evaluation.history.tab_write(now.strftime(TIMESTAMP))) is not None:
            tabs += (history_flags,)
        report.seconds = time.perf_counter() - started
        overview = overview_table(report, campaign, evaluation.register, now)
        if not evaluation.whole:
            overview.append(["Lưu ý", PARTIAL])
        sheet.write(SheetUpdate(
            tabs=tabs,
            overview_title=schema.tabs["overview"],
            overview=overview,
            log_title=schema.tabs["log"],
            log_header=LOG_HEADER,
            log_row=log_row(report),
            overview_layout=overview_layout(campaign),
        ))
        report.seconds = time.perf_counter() - started
        return report
