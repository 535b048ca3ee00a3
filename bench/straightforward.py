"""The straightforward way, for comparison: what a first gspread script would do.

Per tab, `get_all_records()`; per row, `update_cell()` for the status and for what to fix; per
valid nominee, a DocxTemplate loaded from disk, rendered, and uploaded to Drive one after the
other, every run. The judging itself is thidua's (the comparison is about requests and
rendering, not about the rules).
"""

from __future__ import annotations

import io
import json
from typing import Any

import gspread
import requests
from docxtpl import DocxTemplate

from automation.campaign import Campaign
from automation.documents import TEMPLATES, documents_for
from automation.render import Renderer
from automation.resources import DEFAULT_TEMPLATES
from automation.schema import Schema
from automation.sheets import Snapshot, TabData
from automation.sync import evaluate

UPLOAD = "https://www.googleapis.com/upload/drive/v3/files"


class _Records:
    """The tabs as get_all_records() gave them, shaped for thidua's judging."""

    def __init__(self, tabs: dict[str, list[list[Any]]]) -> None:
        self.snapshot = Snapshot({t: TabData(t, rows) for t, rows in tabs.items()})

    def read(self) -> Snapshot:
        return self.snapshot


def sync(client: gspread.Client, session: requests.Session, spreadsheet_id: str, folder_id: str | None,
         campaign: Campaign, schema: Schema, *, now: Any) -> int:
    spreadsheet = client.open_by_key(spreadsheet_id)
    tabs: dict[str, list[list[Any]]] = {}
    worksheets = {}
    for worksheet in spreadsheet.worksheets():
        records = worksheet.get_all_records(default_blank=None)
        header = list(records[0].keys()) if records else worksheet.row_values(1)
        tabs[worksheet.title] = [header] + [[r[h] for h in header] for r in records]
        worksheets[worksheet.title] = (worksheet, header)
    evaluation = evaluate(_Records(tabs), campaign, schema, now=now)
    for verdict in evaluation.verdicts.values():
        worksheet, header = worksheets[verdict.nomination.tab]
        status_at = len(header) + 2  # beside the row, after the unit's columns
        worksheet.update_cell(verdict.nomination.row, status_at, verdict.status.value)
        worksheet.update_cell(verdict.nomination.row, status_at + 1, verdict.messages)
    if folder_id is None:
        return len(evaluation.verdicts)
    specs = documents_for(evaluation.verdicts.values(), campaign, schema, Renderer().digests(TEMPLATES.values()))
    for spec in specs:
        template = DocxTemplate(DEFAULT_TEMPLATES / spec.template)
        template.render(spec.context, autoescape=True)
        data = io.BytesIO()
        template.save(data)
        boundary = "straightforward"
        meta = json.dumps({"name": spec.path.rsplit("/", 1)[-1], "parents": [folder_id]})
        body = (f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{meta}\r\n--{boundary}\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data.getvalue() + \
            f"\r\n--{boundary}--\r\n".encode()
        session.post(UPLOAD, params={"uploadType": "multipart", "supportsAllDrives": "true"}, data=body,
                     headers={"Content-Type": f"multipart/related; boundary={boundary}"}).raise_for_status()
    return len(evaluation.verdicts)
