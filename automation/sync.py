"""The whole job, one pass: read once, check, render what changed, write once.

    spreadsheet ──read──▶ snapshot ──schema──▶ nominations ──rules──▶ verdicts
                                                                         │
                         templates ──render only what changed──▶ documents ──▶ store (links)
                                                                         │
    spreadsheet ◀──write (ids, flags, links, Tổng hợp, Nhật ký)── plan ◀─┘

`check` stops after the verdicts and writes nothing; `sync` goes all the way. The CLI and the
scheduler call these same functions.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from collections.abc import Mapping

from automation import rules
from automation.campaign import Campaign
from automation.clock import now_local
from automation.documents import TEMPLATES, plan_documents
from automation.nominations import Intake, read_intake
from automation.plan import Verdict, assign_ids, plan_tabs
from automation.render import Renderer
from automation.report import LOG_HEADER, SyncReport, count_units, log_row, summary_table
from automation.schema import Schema
from automation.sheets import Spreadsheet, WritePlan
from automation.store import DocumentStore, publish


@dataclass(frozen=True)
class Evaluation:
    intake: Intake
    verdicts: Mapping[tuple[str, int], Verdict]  # by (tab, row)
    issued: Mapping[str, int]  # id high-water marks after this pass
    report: SyncReport


def evaluate(sheet: Spreadsheet, campaign: Campaign, schema: Schema, *, now: dt.datetime | None = None) -> Evaluation:
    """Read every tab once and judge every row. Writes nothing."""
    now = now or now_local()
    started = time.perf_counter()
    snapshot = sheet.read()
    intake = read_intake(snapshot, schema, today=now.date())
    ids, issued = assign_ids(intake)
    findings = rules.check(intake.nominations, rules.Context(campaign, schema, now.date()))
    verdicts = {key: Verdict(n, ids[key], tuple(findings[key]))
                for n in intake.nominations for key in [(n.tab, n.row)]}
    report = SyncReport(
        started=now,
        units=count_units(intake, verdicts.values(), campaign),
        problems=[p.message for p in intake.problems],
        ignored_tabs=list(intake.ignored_tabs),
    )
    report.seconds = time.perf_counter() - started
    return Evaluation(intake, verdicts, issued, report)


def sync(sheet: Spreadsheet, campaign: Campaign, schema: Schema, *, store: DocumentStore | None = None,
         renderer: Renderer | None = None, now: dt.datetime | None = None) -> SyncReport:
    """One full sync: judge every row, bring the documents up to date (when there is a store),
    then write ids, flags, links, Tổng hợp and the Nhật ký row at once."""
    now = now or now_local()
    started = time.perf_counter()
    evaluation = evaluate(sheet, campaign, schema, now=now)
    report = evaluation.report
    links: dict[str, str] = {}  # record id → its Bản tóm tắt thành tích
    if store is not None:
        renderer = renderer or Renderer()
        specs = plan_documents(evaluation.verdicts.values(), campaign, now.date(),
                               renderer.digests(TEMPLATES.values()), individual=schema.individual)
        report.documents, links = publish(specs, store, renderer)
    tabs = plan_tabs(evaluation.intake, evaluation.verdicts, links, now)
    report.seconds = time.perf_counter() - started
    sheet.write(WritePlan(
        tabs=tabs,
        summary_title=schema.tabs["summary"],
        summary=summary_table(report, campaign, dict(evaluation.issued), now),
        log_title=schema.tabs["log"],
        log_header=LOG_HEADER,
        log_row=log_row(report),
    ))
    report.seconds = time.perf_counter() - started
    return report
