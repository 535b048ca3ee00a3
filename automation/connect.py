"""Settings → the things a run works with: the campaign rules, the spreadsheet, the document store."""

from __future__ import annotations

from pathlib import Path

from automation.campaign import Campaign, load_campaign
from automation.errors import ConfigError
from automation.render import Renderer
from automation.schema import Schema, load_schema
from automation.settings import Settings
from automation.sheets import Spreadsheet
from automation.sheets.workbook import Workbook
from automation.store import DocumentStore
from automation.store.folder import FolderStore

DEFAULT_OUTPUT = "Hồ sơ"


def load_rules(settings: Settings) -> tuple[Campaign, Schema]:
    """The campaign file, checked, and the column schema with the campaign's lists filled in."""
    schema = load_schema()
    campaign = load_campaign(settings.campaign, scopes=schema.column("scope").choices)
    return campaign, schema.with_campaign(campaign)


def open_spreadsheet(settings: Settings) -> Spreadsheet:
    settings.require_source()
    if settings.spreadsheet_id and not settings.workbook:
        raise ConfigError("Phiên bản này chưa kết nối được Google Sheets; dùng 'workbook' (tệp .xlsx) "
                          "trong mục [source] của thidua.toml.")
    assert settings.workbook is not None
    return Workbook(settings.workbook)


def open_store(settings: Settings) -> DocumentStore:
    """The output folder (default: "Hồ sơ" beside the workbook); links are relative to the workbook."""
    if settings.drive_folder_id and not settings.output_dir:
        raise ConfigError("Phiên bản này chưa kết nối được Google Drive; dùng 'folder' (thư mục) "
                          "trong mục [output] của thidua.toml.")
    base = settings.workbook.resolve().parent if settings.workbook else Path.cwd()
    return FolderStore(settings.output_dir or base / DEFAULT_OUTPUT, link_base=base)


def open_renderer(settings: Settings) -> Renderer:
    return Renderer([settings.templates_dir] if settings.templates_dir else [])
