"""Settings → the things a run works with: the campaign rules and the spreadsheet backend."""

from __future__ import annotations

from automation.campaign import Campaign, load_campaign
from automation.errors import ConfigError
from automation.schema import Schema, load_schema
from automation.settings import Settings
from automation.sheets import Spreadsheet
from automation.sheets.workbook import Workbook


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
