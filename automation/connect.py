"""Settings → the things a run works with: the campaign rules, the spreadsheet, the document store.

The Google libraries (gspread, google-auth, requests) load only when the settings name a Google
spreadsheet or Drive folder: a run on the embedded workbook, `--version` and `--help` never pay
for them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from automation.campaign import Campaign, load_campaign
from automation.render import Renderer
from automation.schema import Schema, load_schema, register_lists
from automation.settings import Settings
from automation.sheets import Spreadsheet
from automation.sheets.workbook import Workbook
from automation.store import DocumentStore
from automation.store.folder import FolderStore

DEFAULT_OUTPUT = "Hồ sơ"


def load_rules(settings: Settings) -> tuple[Campaign, Schema]:
    """The campaign file, checked, and the column schema with the campaign's lists filled in."""
    schema = load_schema()
    campaign = load_campaign(settings.campaign, scopes=schema.column("scope").choices, register=register_lists(schema))
    return campaign, schema.with_campaign(campaign)


def open_spreadsheet(settings: Settings, *, read_only: bool = False) -> Spreadsheet:
    """`read_only`: the caller writes nothing (a workbook an office suite holds open is still read)."""
    settings.require_source()
    if settings.spreadsheet_id and not settings.workbook:
        import gspread

        from automation.google_api import RetryingHTTPClient
        from automation.sheets.google import GoogleSheet
        credentials, session = _google(settings.credentials, settings.google_api_root)
        client = gspread.Client(credentials, session=session, http_client=RetryingHTTPClient)
        return GoogleSheet(client, settings.spreadsheet_id, credentials)
    assert settings.workbook is not None
    return Workbook(settings.workbook, read_only=read_only)


def open_store(settings: Settings, campaign: Campaign) -> DocumentStore:
    """The Drive folder, or the output folder (default: "Hồ sơ" beside the workbook)."""
    if settings.drive_folder_id and not settings.output_dir:
        from automation.google_api import account_of
        from automation.store.drive import DriveStore
        credentials, session = _google(settings.credentials, settings.google_api_root)
        return DriveStore(session, settings.drive_folder_id, campaign.code, account=account_of(credentials))
    base = settings.workbook.resolve().parent if settings.workbook else Path.cwd()
    return FolderStore(settings.output_dir or base / DEFAULT_OUTPUT, link_base=base)


def open_renderer(settings: Settings) -> Renderer:
    return Renderer([settings.templates_dir] if settings.templates_dir else [])


@functools.lru_cache(maxsize=4)
def _google(credentials_path: Path | None, api_root: str | None) -> tuple[Any, Any]:
    """One set of credentials and one session per run (and across the scheduled runs)."""
    from automation.google_api import google_session, load_credentials
    credentials = load_credentials(credentials_path)
    return credentials, google_session(credentials, api_root)
