"""The Google path end to end: gspread and google-auth, unmodified, against the local fake."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.connect import load_rules, open_renderer, open_spreadsheet, open_store
from automation.demo import build_demo
from automation.sheets.workbook import Workbook
from automation.sync import sync
from tests.conftest import read_workbook
from tests.fake_google.fixtures import ACCOUNT, OFFICE, google_settings, workbook_merges, workbook_tabs

NOW = dt.datetime(2022, 1, 10, 9, 30)  # after every date in the demo
JOB = ["Mã hồ sơ", "Trạng thái", "Nội dung cần sửa", "Văn bản", "Kiểm tra lúc"]


@pytest.fixture
def demo_on_google(tmp_path, fake, credentials_file):
    """The demo workbook's tabs in a fake spreadsheet shared with the job, and a Shared drive folder."""
    settings = build_demo(tmp_path / "demo")
    spreadsheet_id = fake.add_spreadsheet(workbook_tabs(settings.workbook), editors={ACCOUNT, OFFICE},
                                          merges=workbook_merges(settings.workbook))
    drive = fake.add_shared_drive("Thi đua khen thưởng", members={ACCOUNT, OFFICE})
    folder = fake.add_folder("Hồ sơ 515", drive, drive_id=drive)
    return google_settings(fake, credentials_file, spreadsheet_id, folder), settings.workbook


def run(settings, now=NOW):
    campaign, schema = load_rules(settings)
    return sync(open_spreadsheet(settings), campaign, schema, store=open_store(settings, campaign),
                renderer=open_renderer(settings), now=now)


def flags(fake, spreadsheet_id, title):
    rows = fake.values(spreadsheet_id, title)
    header = rows[0]
    return [{h: (r[header.index(h)] if header.index(h) < len(r) else "") for h in JOB} for r in rows[1:]]


def test_the_demo_runs_end_to_end_on_google_as_on_the_workbook(demo_on_google, fake, tmp_path):
    settings, workbook = demo_on_google
    report = run(settings)
    # the same demo on the embedded default
    campaign, schema = load_rules(settings)
    local = sync(Workbook(workbook), campaign, schema, now=NOW)
    assert report.as_dict()["statuses"] == local.as_dict()["statuses"] == {
        "Hợp lệ": 63, "Cần bổ sung": 8, "Không hợp lệ": 13}
    expected = read_workbook(workbook)
    for title in ("P1", "Gò Dầu", "Tân Châu"):
        header = expected[title][0]
        local_status = [r[header.index("Trạng thái")] for r in expected[title][1:] if r[header.index("Trạng thái")]]
        google_status = [f["Trạng thái"] for f in flags(fake, settings.spreadsheet_id, title) if f["Trạng thái"]]
        assert google_status == local_status, title
    assert report.documents.created == 67
    docs = [f for f in fake.files.values() if f.app_properties.get("thidua_doc")]
    assert len(docs) == 67 and all(f.drive_id for f in docs)
    first = flags(fake, settings.spreadsheet_id, "P1")[0]
    assert first["Văn bản"].startswith("https://docs.google.com/document/d/")
    summary = fake.values(settings.spreadsheet_id, "Tổng hợp")
    assert summary[0][0] == "Mã đơn vị" and summary[-1][0] == "Cập nhật lúc"
    log = fake.values(settings.spreadsheet_id, "Nhật ký")
    assert log[0][0] == "Bắt đầu" and log[1][-1].startswith("Thành công, có 1 lỗi")
    assert "không có tab 'Châu Thành'" in log[1][-1]  # registered, no tab: reported, not a crash


def test_the_cli_reaches_google_through_the_api_root_switch(demo_on_google, fake, monkeypatch):
    settings, _ = demo_on_google
    monkeypatch.setenv("THIDUA_GOOGLE_API_ROOT", fake.root)
    result = CliRunner().invoke(main, ["sync", "--spreadsheet", settings.spreadsheet_id, "--drive-folder",
                                       settings.drive_folder_id, "--credentials", str(settings.credentials)])
    assert result.exit_code == 0, result.output
    assert "Văn bản: 67 tạo mới" in result.output
    assert fake.count("auth") == 1  # one real signed-JWT exchange at the fake's token endpoint
