"""Fixtures for the Google path: the fake over HTTP, a real service-account key, no other network."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from automation import connect, google_api
from automation.cells import SERIAL_EPOCH
from automation.settings import Settings
from tests.fake_google.server import FakeGoogle

ACCOUNT = "thidua-sync@thidua-test.iam.gserviceaccount.com"
OFFICE = "vanphong@vkstayninh.gov.vn"
KEY_ID = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="session")
def service_key() -> tuple[str, str]:
    """A fresh RSA key: (private PEM for the credentials file, public PEM for the fake)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@pytest.fixture
def fake(service_key, monkeypatch):
    """The fake, started on a free port; requests to any other address fail the test."""
    with FakeGoogle() as server:
        server.add_service_account(ACCOUNT, KEY_ID, service_key[1])
        real_send = requests.adapters.HTTPAdapter.send

        def only_the_fake(adapter, request, **kwargs):
            assert request.url.startswith(server.root), f"a request left the machine: {request.url}"
            return real_send(adapter, request, **kwargs)
        monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", only_the_fake)
        monkeypatch.setattr(google_api, "DEFAULT_RETRY", google_api.Retry(sleep=server_sleeps(server)))
        connect._google.cache_clear()
        yield server
        connect._google.cache_clear()


def server_sleeps(server: FakeGoogle):
    server.sleeps = []  # type: ignore[attr-defined]
    return server.sleeps.append  # type: ignore[attr-defined]


@pytest.fixture
def credentials_file(tmp_path, fake, service_key) -> Path:
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "thidua-test", "private_key_id": KEY_ID,
        "private_key": service_key[0], "client_email": ACCOUNT, "client_id": "1234567890",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": f"{fake.root}/token",
    }), encoding="utf-8")
    return path


def workbook_merges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges as Sheets describes them: 0-based, end-exclusive (row, column, row, column)."""
    book = openpyxl.load_workbook(path)
    return {ws.title: [(m.min_row - 1, m.min_col - 1, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
            for ws in book.worksheets}


def workbook_tabs(path: Path) -> dict[str, list[list[Any]]]:
    """An .xlsx's values as Sheets would hold them: dates as serial numbers, formulas computed (STT)."""
    book = openpyxl.load_workbook(path)
    tabs = {}
    for ws in book.worksheets:
        rows = []
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            values = []
            for value in row:
                if isinstance(value, dt.datetime):
                    value = (value.date() - SERIAL_EPOCH).days
                elif isinstance(value, str) and value.startswith("=ROW()"):
                    value = r - 1
                values.append(value)
            rows.append(values)
        tabs[ws.title] = rows
    return tabs


def google_settings(fake: FakeGoogle, credentials: Path, spreadsheet_id: str, folder_id: str) -> Settings:
    return Settings(spreadsheet_id=spreadsheet_id, drive_folder_id=folder_id, credentials=credentials,
                    google_api_root=fake.root)
