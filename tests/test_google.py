"""The Google path end to end: gspread and google-auth, unmodified, against the local fake."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.connect import load_rules, open_spreadsheet
from automation.demo import build_demo
from automation.operations import sync_once
from automation.sheets.workbook import Workbook
from automation.sync import sync
from tests.builders import read_workbook
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
    return sync_once(settings, now=now)


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
        "Hợp lệ": 55, "Cần bổ sung": 10, "Không hợp lệ": 16}
    expected = read_workbook(workbook)
    for title in ("P1", "Gò Dầu", "Tân Châu"):
        header = expected[title][0]
        local_status = [r[header.index("Trạng thái")] for r in expected[title][1:] if r[header.index("Trạng thái")]]
        google_status = [f["Trạng thái"] for f in flags(fake, settings.spreadsheet_id, title) if f["Trạng thái"]]
        assert google_status == local_status, title
    assert report.documents.created == 60
    docs = [f for f in fake.files.values() if f.app_properties.get("thidua_doc")]
    assert len(docs) == 60 and all(f.drive_id for f in docs)
    first = flags(fake, settings.spreadsheet_id, "P1")[0]
    assert first["Văn bản"].startswith("https://docs.google.com/document/d/")
    summary = fake.values(settings.spreadsheet_id, "Tổng hợp")
    assert summary[0][0] == "Mã đơn vị" and any(r and r[0] == "Cập nhật lúc" for r in summary)
    assert summary[-1][0] == "Tổng cộng"  # last: where proposals stand, per unit and tier
    log = fake.values(settings.spreadsheet_id, "Nhật ký")
    assert log[0][0] == "Bắt đầu" and log[1][-1].startswith("Thành công, có 1 lỗi")
    assert "không có tab 'Châu Thành'" in log[1][-1]  # registered, no tab: reported, not a crash


def test_the_cli_reaches_google_through_the_api_root_switch(demo_on_google, fake, monkeypatch):
    settings, _ = demo_on_google
    monkeypatch.setenv("THIDUA_GOOGLE_API_ROOT", fake.root)
    result = CliRunner().invoke(main, ["sync", "--spreadsheet", settings.spreadsheet_id, "--drive-folder",
                                       settings.drive_folder_id, "--credentials", str(settings.credentials)])
    assert result.exit_code == 0, result.output
    assert "Văn bản: 60 tạo mới" in result.output
    assert fake.count("auth") == 1  # one real signed-JWT exchange at the fake's token endpoint


# ------------------------------------------------------------------ request budget

def _synthetic(schema, tabs: int, rows: int) -> dict[str, list[list]]:
    from tests.builders import as_cells, headers, registry, valid_row
    codes = [(f"U{i}", f"Đơn vị {i}") for i in range(tabs)]
    out = {"Đơn vị": registry(*codes)}
    for i, (_, title) in enumerate(codes):
        share = rows // tabs + (1 if i < rows % tabs else 0)
        out[title] = [headers(schema)] + [as_cells(schema, valid_row(name=f"Người {i}-{k}", proposed_on=44515,
                                                                     copies_submitted=k % 2)) for k in range(share)]
    return out


@pytest.mark.parametrize("tabs, rows", [(3, 10), (3, 5000), (60, 10), (60, 5000)])
def test_at_most_five_sheets_requests_per_sync_whatever_the_tabs_and_rows(fake, credentials_file, schema,
                                                                          tabs, rows):
    from tests.fake_google.fixtures import ACCOUNT
    spreadsheet_id = fake.add_spreadsheet(_synthetic(schema, tabs, rows), editors={ACCOUNT})
    settings = google_settings(fake, credentials_file, spreadsheet_id, "unused")
    campaign, _ = load_rules(settings)
    report = sync(open_spreadsheet(settings), campaign, schema, now=NOW)
    assert report.rows == rows
    first = fake.count("sheets")
    assert first <= 5  # metadata, batchGet, grid repair (Tổng hợp and Nhật ký are new), re-read, batchUpdate
    fake.reset_counts()
    sync(open_spreadsheet(settings), campaign, schema, now=NOW)
    assert fake.count("sheets") == 4  # nothing to repair the second time
    written = fake.values(spreadsheet_id, "Đơn vị 0")
    assert written[0][-5:] == JOB and written[1][-4] in ("Hợp lệ", "Cần bổ sung")


def test_a_stray_value_far_below_costs_what_the_data_costs_on_google(fake, credentials_file, schema, monkeypatch):
    """Sheets answers a tab's data extent; the 200,000 empty rows up to a stray value are neither
    judged nor searched for flags, nothing is written below the data, and the grid does not grow."""
    import automation.sheets.google as google
    from automation.sheets import row_fingerprint
    tabs = _synthetic(schema, 1, 20)
    tabs["Đơn vị 0"] += [[] for _ in range(200_000 - 22)] + [["", "", "lạc"]]
    spreadsheet_id = fake.add_spreadsheet(tabs, editors={ACCOUNT})
    sheet = fake.spreadsheets[spreadsheet_id].sheet("Đơn vị 0")
    grid = sheet.row_count
    fingerprints = []
    monkeypatch.setattr(google, "row_fingerprint", lambda row, positions: fingerprints.append(row) or
                        row_fingerprint(row, positions))
    settings = google_settings(fake, credentials_file, spreadsheet_id, "unused")
    campaign, _ = load_rules(settings)
    for _ in range(2):
        report = sync(open_spreadsheet(settings), campaign, schema, now=NOW)
        assert report.rows == 21  # the stray row is one row the unit reads about, not 200,000
        assert len(fingerprints) <= 22 and all(fingerprints)  # only the rows holding something are searched
        fingerprints.clear()
    assert fake.count("sheets") <= 9
    written = [int(re.sub(r"^[A-Z]+", "", d["range"].split("!")[1].split(":")[0]))
               for r in fake.requests if r.path.endswith("values:batchUpdate")
               for d in json.loads(r.body)["data"] if d["range"].startswith("'Đơn vị 0'!")]
    assert sorted(set(written))[-2:] == [21, 200_000]  # the flags of the data and of the stray row, nothing between
    assert sheet.row_count == grid and len(sheet.rows) == 200_000 and sheet.rows[-1][:3] == ["", "", "lạc"]


# ------------------------------------------------------------------ Drive: only what changed

def _docs(fake):
    return {f.app_properties["thidua_doc"]: f for f in fake.files.values() if f.app_properties.get("thidua_doc")}


def test_an_unchanged_resync_uploads_nothing_and_changes_update_in_place(demo_on_google, fake):
    settings, _ = demo_on_google
    run(settings)
    folders = sum(1 for f in fake.files.values() if f.app_properties.get("thidua_kind") == "folder")
    assert fake.count("drive") == 1 + folders + 60  # one listing, the folders once, one upload per document
    before = {doc_id: (f.id, f.version) for doc_id, f in _docs(fake).items()}
    fake.reset_counts()
    report = run(settings, now=NOW + dt.timedelta(hours=1))
    assert fake.count("drive") == 1 and report.documents.unchanged == 60  # the listing, nothing else
    # a unit fixes a row's position: its summary (and its tier's submission, if listed) are updated in place
    spreadsheet = fake.spreadsheets[settings.spreadsheet_id]
    sheet = spreadsheet.sheet("P1")
    header = sheet.rows[0]
    row = next(r for r in sheet.rows[1:] if len(r) > header.index("Trạng thái") and r[header.index("Trạng thái")]
               == "Hợp lệ")
    row[header.index("Chức vụ")] = "Kiểm sát viên cao cấp"
    record_id = row[header.index("Mã hồ sơ")]
    fake.reset_counts()
    report = run(settings, now=NOW + dt.timedelta(hours=2))
    after = {doc_id: (f.id, f.version) for doc_id, f in _docs(fake).items()}
    changed = {doc_id for doc_id in after if after[doc_id] != before[doc_id]}
    assert f"summary:{record_id}" in changed and report.documents.updated == len(changed) <= 2
    assert all(after[d][0] == before[d][0] for d in before)  # same file ids: same links
    assert fake.count("drive") == 1 + len(changed)
    # a withdrawn nominee: moved to Lưu trữ, not deleted
    row[header.index("Số bộ hồ sơ bản chính đã nộp")] = 0
    report = run(settings, now=NOW + dt.timedelta(hours=3))
    file = fake.files[after[f"summary:{record_id}"][0]]
    archive = fake.files[file.parents[0]]
    assert report.documents.withdrawn >= 1 and archive.name == "Lưu trữ" and not file.trashed
    assert file.app_properties.get("thidua_archived") == f"summary:{record_id}"


def test_an_approval_on_google_moves_the_same_summary_file_into_its_tier_folder(demo_on_google, fake):
    settings, _ = demo_on_google
    run(settings)
    spreadsheet = fake.spreadsheets[settings.spreadsheet_id]
    sheet = spreadsheet.sheet("P1")
    header = sheet.rows[0]
    waiting = next(r for r in sheet.rows[1:] if len(r) > header.index("Nội dung cần sửa")
                   and r[header.index("Nội dung cần sửa")] == "Hợp lệ, chờ Văn phòng thẩm định")
    record_id = waiting[header.index("Mã hồ sơ")]
    summary = _docs(fake)[f"summary:{record_id}"]
    before = (summary.id, summary.version, fake.files[summary.parents[0]].name)
    assert before[2] == "Phòng Thực hành quyền công tố và kiểm sát điều tra án hình sự"  # with the unit, by name
    waiting[header.index("Ý kiến thẩm định")] = "Đồng ý"
    fake.reset_counts()
    report = run(settings, now=NOW + dt.timedelta(hours=1))
    moved = _docs(fake)[f"summary:{record_id}"]
    assert (moved.id, moved.version) == before[:2]  # the same file, not uploaded again
    assert fake.files[moved.parents[0]].name == "Tóm tắt thành tích" and report.documents.moved == 1
    assert report.documents.created == 0 and report.documents.updated == 1  # the tier's submission lists one more
    assert fake.count("drive") == 1 + 1 + 1  # the listing, the move, the submission's update


# ------------------------------------------------------------------ faults

def _is(method, path_end):
    return lambda r: r.method == method and r.path.endswith(path_end)


@pytest.mark.parametrize("kind, retry_after, slept", [("429", "7", [7.0]), ("429", None, None), ("500", None, None),
                                                      ("503", None, None)])
def test_transient_errors_are_retried(demo_on_google, fake, kind, retry_after, slept):
    settings, _ = demo_on_google
    fake.fail(_is("GET", "values:batchGet"), kind, retry_after=retry_after)
    report = run(settings)
    assert report.rows == 81
    if slept is not None:
        assert fake.sleeps == slept  # Retry-After honoured
    else:
        assert len(fake.sleeps) == 1 and 0 <= fake.sleeps[0] <= 1.0  # the first backoff step, with jitter


def test_time_outs_and_dropped_connections_are_retried(demo_on_google, fake, monkeypatch):
    from automation import google_api
    settings, _ = demo_on_google
    monkeypatch.setattr(google_api, "DEFAULT_TIMEOUT", (2.0, 0.5))
    fake.timeout_sleep = 1.5
    fake.fail(lambda r: r.api == "sheets" and r.method == "GET" and "values" not in r.path, "timeout")
    fake.fail(lambda r: r.path.startswith("/upload/"), "drop", times=2)
    report = run(settings)
    assert report.rows == 81 and report.documents.created == 60 and len(fake.sleeps) == 3


def test_a_persistent_failure_names_the_request_and_the_next_run_completes(demo_on_google, fake):
    from automation.errors import SourceError
    settings, _ = demo_on_google
    fake.fail(_is("POST", "values:batchUpdate"), "503", times=5)
    with pytest.raises(SourceError, match="'POST batchUpdate' vẫn lỗi \\(HTTP 503\\) sau 5 lần thử"):
        run(settings)
    assert "Mã hồ sơ" not in fake.values(settings.spreadsheet_id, "P1")[0]  # nothing half-written, not even headers
    report = run(settings)
    assert report.rows == 81 and report.documents.unchanged == 60  # the documents made last time are found
    assert all(f["Trạng thái"] for f in flags(fake, settings.spreadsheet_id, "P1") if f["Mã hồ sơ"])


# ------------------------------------------------------------------ credentials and access

def _cli_sync(settings, *extra):
    return CliRunner().invoke(main, ["sync", "--spreadsheet", settings.spreadsheet_id, "--drive-folder",
                                     settings.drive_folder_id, *extra], env={"THIDUA_GOOGLE_API_ROOT": settings
                                                                             .google_api_root})


@pytest.mark.parametrize("content, words", [
    (None, "Không tìm thấy tệp khóa Google"),
    ("not json", "không phải JSON hợp lệ"),
    ('{"installed": {"client_id": "x", "client_secret": "SECRET-VALUE"}}', "là OAuth client ID"),
    ('{"type": "external_account"}', "không phải tệp khóa Google"),
    ('{"type": "service_account", "client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----\\nSECRET-VALUE'
     '\\n-----END PRIVATE KEY-----\\n", "token_uri": "http://127.0.0.1:9/token"}', "khóa riêng không hợp lệ"),
])
def test_bad_credentials_files_exit_2_with_one_line_and_no_secret(demo_on_google, tmp_path, content, words):
    settings, _ = demo_on_google
    path = tmp_path / "key.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = _cli_sync(settings, "--credentials", str(path))
    assert result.exit_code == 2 and words in result.output
    assert len(result.output.strip().splitlines()) == 1 and "SECRET-VALUE" not in result.output


def test_a_directory_instead_of_a_key_file(demo_on_google, tmp_path):
    settings, _ = demo_on_google
    result = _cli_sync(settings, "--credentials", str(tmp_path))
    assert result.exit_code == 2 and "Không đọc được tệp khóa Google" in result.output


def test_a_spreadsheet_not_shared_with_the_job_names_the_account(fake, credentials_file, demo_on_google):
    settings, _ = demo_on_google
    fake.spreadsheets[settings.spreadsheet_id].editors.discard(ACCOUNT)
    result = _cli_sync(settings, "--credentials", str(credentials_file))
    assert result.exit_code == 2 and ACCOUNT in result.output and "chia sẻ bảng tính" in result.output
    missing = _cli_sync(settings.__class__(**{**settings.__dict__, "spreadsheet_id": "khong-co"}),
                        "--credentials", str(credentials_file))
    assert missing.exit_code == 2 and "Không tìm thấy bảng tính 'khong-co'" in missing.output


def test_a_my_drive_folder_is_refused_with_the_shared_drive_advice_and_nothing_is_written(
        fake, credentials_file, demo_on_google, service_key):
    settings, _ = demo_on_google
    mine = fake.add_folder("Hồ sơ của tôi", None, owner=OFFICE, shared_with={ACCOUNT})
    files_before = set(fake.files)
    result = _cli_sync(settings.__class__(**{**settings.__dict__, "drive_folder_id": mine}),
                       "--credentials", str(credentials_file))
    assert result.exit_code == 2 and "Shared drive" in result.output and ACCOUNT in result.output
    assert set(fake.files) == files_before
    assert "Mã hồ sơ" not in fake.values(settings.spreadsheet_id, "P1")[0]
    assert service_key[0].splitlines()[1] not in result.output


def test_a_drive_folder_the_job_cannot_see(fake, credentials_file, demo_on_google):
    settings, _ = demo_on_google
    hidden = fake.add_folder("Riêng", None, owner=OFFICE)
    result = _cli_sync(settings.__class__(**{**settings.__dict__, "drive_folder_id": hidden}),
                       "--credentials", str(credentials_file))
    assert result.exit_code == 2 and f"không thấy thư mục Drive '{hidden}'" in result.output


# ------------------------------------------------------------------ units edit while the job runs

def _second_read(r):
    return r.method == "GET" and r.path.endswith("values:batchGet")


def _small_sheet(fake, schema):
    from tests.builders import as_cells, headers, registry, valid_row
    rows = [valid_row(name="An", proposed_on=44515), valid_row(name="Bình", copies_submitted=0, proposed_on=44515),
            valid_row(name="Cường", gender="?", proposed_on=44515), valid_row(name="Dũng", proposed_on=44515)]
    return fake.add_spreadsheet({"Đơn vị": registry(("GD", "Gò Dầu")),
                                 "Gò Dầu": [headers(schema)] + [as_cells(schema, r) for r in rows]},
                                editors={ACCOUNT, OFFICE})


EXPECTED = {"An": "Hợp lệ", "Bình": "Cần bổ sung", "Cường": "Không hợp lệ", "Dũng": "Hợp lệ"}


def _edit_between_read_and_write(fake, spreadsheet_id, edit):
    """The job's first batchGet reads; its second (the re-read before writing) finds the sheet edited."""
    calls = []

    def second(r):
        if _second_read(r):
            calls.append(r)
        return len(calls) == 2
    fake.before(second, lambda: edit(fake.spreadsheets[spreadsheet_id].sheet("Gò Dầu")))


def _unit_cells(sheet, width):
    return [r[:width] + [None] * (width - len(r[:width])) for r in sheet.rows]


@pytest.mark.parametrize("edit", [
    pytest.param(lambda s: s.rows.insert(1, []) or s.rows.insert(1, ["", "Cá nhân", "Mới chèn"]), id="insert-above"),
    pytest.param(lambda s: s.rows.pop(2), id="delete-a-row"),
    pytest.param(lambda s: s.rows.__setitem__(slice(1, None), list(reversed(s.rows[1:]))), id="sort"),
])
def test_flags_land_on_the_rows_they_describe_when_units_move_rows(fake, credentials_file, schema, edit):
    from tests.builders import headers
    spreadsheet_id = _small_sheet(fake, schema)
    settings = google_settings(fake, credentials_file, spreadsheet_id, "unused")
    campaign, _ = load_rules(settings)
    for round in range(2):  # a first sync (no ids yet: rows found by content), then one with ids
        _edit_between_read_and_write(fake, spreadsheet_id, edit)
        sheet = fake.spreadsheets[spreadsheet_id].sheet("Gò Dầu")
        sync(open_spreadsheet(settings), campaign, schema, now=NOW)
        width = len(headers(schema))
        typed_after_edit = _unit_cells(sheet, width)
        rows = fake.values(spreadsheet_id, "Gò Dầu")
        header = rows[0]
        for row in rows[1:]:
            name = row[2] if len(row) > 2 else ""
            status = row[header.index("Trạng thái")] if header.index("Trạng thái") < len(row) else ""
            if name in EXPECTED and status:
                assert status == EXPECTED[name], (round, name, status)
        assert _unit_cells(sheet, width) == typed_after_edit  # no typed cell changed by the write


def test_a_row_typed_into_meanwhile_is_left_for_the_next_run(fake, credentials_file, schema):
    spreadsheet_id = _small_sheet(fake, schema)
    settings = google_settings(fake, credentials_file, spreadsheet_id, "unused")
    campaign, _ = load_rules(settings)
    copies = schema.unit_columns.index(schema.column("copies_submitted"))
    _edit_between_read_and_write(fake, spreadsheet_id, lambda s: s.rows[2].__setitem__(copies, 1))  # Bình fixed
    sync(open_spreadsheet(settings), campaign, schema, now=NOW)
    status = {r[2]: (r + [""] * 30)[fake.values(spreadsheet_id, "Gò Dầu")[0].index("Trạng thái")]
              for r in fake.values(spreadsheet_id, "Gò Dầu")[1:]}
    assert status["Bình"] == "" and status["An"] == "Hợp lệ"  # the judged content is gone: no stale flag
    sync(open_spreadsheet(settings), campaign, schema, now=NOW)
    header = fake.values(spreadsheet_id, "Gò Dầu")[0]
    status = {r[2]: r[header.index("Trạng thái")] for r in fake.values(spreadsheet_id, "Gò Dầu")[1:]}
    assert status["Bình"] == "Hợp lệ"


def test_text_that_looks_like_a_formula_is_written_raw(fake, credentials_file, schema):
    from tests.builders import as_cells, headers, valid_row
    spreadsheet_id = fake.add_spreadsheet({
        "Đơn vị": [["Mã đơn vị", "Tên đơn vị", "Tên tab", "Email được sửa", "Loại đơn vị"],
                   ["GD", "=Đơn vị +1", "Gò Dầu", "", "VKS cấp huyện"]],
        "Gò Dầu": [headers(schema), as_cells(schema, valid_row(gender="@Nam", proposed_on=44515))]},
        editors={ACCOUNT})
    settings = google_settings(fake, credentials_file, spreadsheet_id, "unused")
    campaign, _ = load_rules(settings)
    sync(open_spreadsheet(settings), campaign, schema, now=NOW)
    assert fake.values(spreadsheet_id, "Tổng hợp")[1][1] == "=Đơn vị +1"
    assert any("'@Nam'" in str(c) for c in fake.values(spreadsheet_id, "Gò Dầu")[1])
    assert all(json_body_option == "RAW" for json_body_option in _value_input_options(fake))


def _value_input_options(fake):
    import json
    return [json.loads(r.body)["valueInputOption"] for r in fake.requests if r.path.endswith("values:batchUpdate")]


# ------------------------------------------------------------------ setup on Google

def test_setup_on_google_in_one_batch_update_then_nothing(fake, credentials_file, schema, monkeypatch):
    from tests.builders import registry
    spreadsheet_id = fake.add_spreadsheet({"Đơn vị": registry(("GD", "Gò Dầu"), ("TC", "Tân Châu"))},
                                          editors={ACCOUNT, OFFICE})
    monkeypatch.setenv("THIDUA_GOOGLE_API_ROOT", fake.root)
    monkeypatch.setenv("THIDUA_OFFICE_EMAILS", OFFICE)
    args = ["setup", "--spreadsheet", spreadsheet_id, "--credentials", str(credentials_file)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    batch = [r for r in fake.requests if r.path.endswith(":batchUpdate") and not r.path.endswith("values:batchUpdate")]
    assert len(batch) == 1 and fake.count("sheets") == 5  # registry read (2), metadata, first rows, the batch
    spreadsheet = fake.spreadsheets[spreadsheet_id]
    titles = [s.title for s in spreadsheet.sheets]
    assert {"Hướng dẫn", "Đơn vị", "Gò Dầu", "Tân Châu", "Tổng hợp", "Nhật ký"} <= set(titles)
    assert "Danh mục" not in titles  # dropdowns are lists in the rule itself on Google
    gd = spreadsheet.sheet("Gò Dầu")
    header = gd.rows[0]
    assert header[-5:] == JOB and gd.frozen_rows == 1
    award = gd.validations[(1, header.index("Hình thức đề nghị"))]
    assert [v["userEnteredValue"] for v in award["condition"]["values"]][0] == "Huân chương Lao động"
    category = gd.validations[(1, header.index("Nhóm thành tích"))]
    assert any("," in v["userEnteredValue"] for v in category["condition"]["values"])  # commas kept in values
    assert gd.validations[(5, header.index("Thủ trưởng đơn vị xác nhận"))]["condition"]["type"] == "BOOLEAN"
    colours = {f["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for f in gd.conditional_formats}
    assert colours == {"Hợp lệ", "Cần bổ sung", "Không hợp lệ"}
    # read on screen: long text wrapped (Google grows the row), everything to the top, amounts grouped,
    # the job's columns shaded whole, widths from the schema — in the same single batchUpdate
    summary, money = header.index("Tóm tắt thành tích"), header.index("Đóng góp vật chất (đồng)")
    assert gd.formats[(1, summary)] == {"verticalAlignment": "TOP", "wrapStrategy": "WRAP"}
    assert gd.formats[(999, money)]["numberFormat"] == {"type": "NUMBER", "pattern": "#,##0"}
    assert gd.formats[(1, header.index("Đối tượng"))] == {"verticalAlignment": "TOP"}
    for flag in JOB:
        assert gd.formats[(1, header.index(flag))]["backgroundColor"] == {"red": 0.949, "green": 0.949,
                                                                        "blue": 0.949}, flag
    assert gd.column_pixels[summary] == 45 * 7 + 5 and (0, summary) not in gd.formats  # the header keeps its look
    protections = {p["description"]: p for p in gd.protected_ranges}
    unit = protections["thidua: tab đơn vị 'Gò Dầu'"]
    assert set(unit["editors"]["users"]) == {"gd@vks.vn", OFFICE, ACCOUNT}
    review = protections["thidua: ý kiến thẩm định 'Gò Dầu'"]
    assert set(review["editors"]["users"]) == {OFFICE, ACCOUNT}
    assert review["range"]["startColumnIndex"] == header.index("Ý kiến thẩm định")
    job = protections["thidua: cột của chương trình 'Gò Dầu'"]
    assert job["editors"]["users"] == [ACCOUNT] and job["range"]["startColumnIndex"] == header.index("Mã hồ sơ")
    for title in ("Tổng hợp", "Nhật ký"):
        [only] = spreadsheet.sheet(title).protected_ranges
        assert only["editors"]["users"] == [ACCOUNT]
    assert "HƯỚNG DẪN" in spreadsheet.sheet("Hướng dẫn").rows[0][0]
    # twice: nothing to change, no batchUpdate at all
    fake.reset_counts()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and again.output.strip() == "Không có gì cần thay đổi."
    assert not [r for r in fake.requests if r.path.endswith(":batchUpdate")]
    # a changed registry email: only that protection's editors are updated
    spreadsheet.sheet("Đơn vị").rows[1][3] = "gd-moi@vks.vn"
    third = CliRunner().invoke(main, args)
    assert third.exit_code == 0 and third.output.strip() == "• cập nhật người được sửa: tab đơn vị 'Gò Dầu'"
    unit = {p["description"]: p for p in gd.protected_ranges}["thidua: tab đơn vị 'Gò Dầu'"]
    assert "gd-moi@vks.vn" in unit["editors"]["users"]


def _chart(sheet, title):
    return next(c for c in sheet.charts if c["spec"]["title"] == title)


def _cells_of(sheet, source):
    return [[sheet.cell(r, c) for c in range(source["startColumnIndex"], source["endColumnIndex"])]
            for r in range(source["startRowIndex"], source["endRowIndex"])]


def test_tong_hop_on_google_is_dressed_by_setup_and_its_charts_follow_the_rows_the_sync_writes(demo_on_google,
                                                                                               fake):
    from automation.operations import set_up_spreadsheet
    from automation.overview import overview_layout
    from automation.sheets import STATUS_CHART, TIER_CHART
    settings, _ = demo_on_google
    set_up_spreadsheet(settings)
    run(settings)
    spreadsheet = fake.spreadsheets[settings.spreadsheet_id]
    overview = spreadsheet.sheet("Tổng hợp")
    layout = overview_layout(load_rules(settings)[0])
    header = overview.rows[0]
    units = sum(1 for r in spreadsheet.sheet("Đơn vị").rows[1:] if r and r[0])
    # on screen: the unit's columns stay in view, widths from the layout, groups told apart, totals bold
    assert (overview.frozen_rows, overview.frozen_columns) == (1, 3)
    assert overview.column_pixels[header.index("Tên đơn vị")] == 32 * 7 + 5
    assert overview.column_pixels[header.index("Hợp lệ")] == 7 * 7 + 5
    shade = [overview.formats[(0, c)]["backgroundColor"] for c in range(len(header))]
    assert shade[header.index("Hợp lệ")] != shade[header.index("Chờ thẩm định")]
    proposed, approved = "Đề nghị: Huân chương Lao động", "Đã đồng ý: Huân chương Lao động"
    assert shade[header.index(proposed)] != shade[header.index(approved)]
    assert overview.formats[(0, 4)]["wrapStrategy"] == "WRAP" and overview.formats[(0, 4)]["textFormat"]["bold"]
    assert overview.formats[(40, 1)] == {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}  # every row below
    [bold] = [f for f in overview.conditional_formats if f["booleanRule"]["condition"]["type"] == "CUSTOM_FORMULA"]
    assert bold["booleanRule"]["condition"]["values"] == [{"userEnteredValue": '=OR($A2="Tổng cộng",$A2="Mã đơn vị")'}]
    assert bold["booleanRule"]["format"] == {"textFormat": {"bold": True}} and "endRowIndex" not in bold["ranges"][0]
    # the charts read exactly what the sync wrote: each unit's statuses, the proposals' totals row
    by_status, per_tier = _chart(overview, STATUS_CHART), _chart(overview, TIER_CHART)
    domain = by_status["spec"]["basicChart"]["domains"][0]["domain"]["sourceRange"]["sources"][0]
    assert [r[0] for r in _cells_of(overview, domain)] == [r[0] for r in overview.rows[:1 + units]]
    series = [s["series"]["sourceRange"]["sources"][0] for s in by_status["spec"]["basicChart"]["series"]]
    assert [_cells_of(overview, s)[0][0] for s in series] == ["Hợp lệ", "Cần bổ sung", "Không hợp lệ"]
    [totals] = [s["series"]["sourceRange"]["sources"][0] for s in per_tier["spec"]["basicChart"]["series"]]
    row = _cells_of(overview, totals)[0]
    first, last = layout.proposed
    assert overview.rows[totals["startRowIndex"]][0] == "Tổng cộng" and row == overview.rows[1 + units][first:last + 1]
    tiers = per_tier["spec"]["basicChart"]["domains"][0]["domain"]["sourceRange"]["sources"][0]
    assert _cells_of(overview, tiers)[0][0] == "Đề nghị: Huân chương Lao động"
    # the Office restyles a chart; a unit joins the registry: the next sync moves the ranges, keeps the style
    by_status["spec"]["basicChart"]["legendPosition"] = "RIGHT_LEGEND"
    registry = spreadsheet.sheet("Đơn vị").rows
    registry.append(["ZZ", "Viện kiểm sát nhân dân thử nghiệm", "ZZ", *registry[1][3:]])
    fake.reset_counts()
    run(settings, now=NOW + dt.timedelta(hours=1))
    assert fake.count("sheets") <= 5
    by_status, per_tier = _chart(overview, STATUS_CHART), _chart(overview, TIER_CHART)
    domain = by_status["spec"]["basicChart"]["domains"][0]["domain"]["sourceRange"]["sources"][0]
    assert domain["endRowIndex"] == 2 + units and overview.rows[1 + units][0] == "ZZ"
    assert by_status["spec"]["basicChart"]["legendPosition"] == "RIGHT_LEGEND"
    [totals] = [s["series"]["sourceRange"]["sources"][0] for s in per_tier["spec"]["basicChart"]["series"]]
    assert overview.rows[totals["startRowIndex"]][0] == "Tổng cộng"
    # steady state: no batchUpdate at all
    fake.reset_counts()
    run(settings, now=NOW + dt.timedelta(hours=2))
    assert not [r for r in fake.requests if r.path.endswith(":batchUpdate") and "values" not in r.path]


# ------------------------------------------------------------------ other credentials

def test_login_saves_an_authorized_user_file_the_job_can_use(tmp_path, monkeypatch):
    import json

    from google.oauth2.credentials import Credentials
    from google_auth_oauthlib.flow import InstalledAppFlow

    from automation.google_api import SCOPES, load_credentials
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps({"installed": {"client_id": "id.apps.googleusercontent.com", "client_secret": "s",
                                                "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                                                "token_uri": "https://oauth2.googleapis.com/token",
                                                "redirect_uris": ["http://localhost"]}}))
    signed_in = Credentials(token="t", refresh_token="r-SECRET", client_id="id.apps.googleusercontent.com",
                            client_secret="s", token_uri="https://oauth2.googleapis.com/token", scopes=list(SCOPES))
    monkeypatch.setattr(InstalledAppFlow, "run_local_server", lambda self, **kw: signed_in)  # no browser in tests
    out = tmp_path / "google-user.json"
    result = CliRunner().invoke(main, ["login", "--client-secret", str(secret), "--out", str(out)])
    assert result.exit_code == 0 and "r-SECRET" not in result.output
    assert json.loads(out.read_text())["type"] == "authorized_user" and oct(out.stat().st_mode)[-3:] == "600"
    assert load_credentials(out).refresh_token == "r-SECRET"


def test_application_default_credentials(fake, credentials_file, demo_on_google, monkeypatch):
    settings, _ = demo_on_google
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(credentials_file))
    result = CliRunner().invoke(main, ["sync", "-q", "--spreadsheet", settings.spreadsheet_id, "--drive-folder",
                                       settings.drive_folder_id], env={"THIDUA_GOOGLE_API_ROOT": fake.root})
    assert result.exit_code == 0, result.output
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS")
    monkeypatch.setenv("NO_GCE_CHECK", "true")  # not on Google Cloud: do not probe the metadata server
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(fake.root.replace(":", "_")))  # no gcloud login either
    from automation import connect
    connect._google.cache_clear()
    result = CliRunner().invoke(main, ["sync", "--spreadsheet", settings.spreadsheet_id, "--drive-folder",
                                       settings.drive_folder_id], env={"THIDUA_GOOGLE_API_ROOT": fake.root})
    assert result.exit_code == 2 and "Chưa có thông tin xác thực Google" in result.output


def test_check_on_google_reads_only(demo_on_google, fake):
    settings, _ = demo_on_google
    result = CliRunner().invoke(main, ["check", "--spreadsheet", settings.spreadsheet_id, "--credentials",
                                       str(settings.credentials)], env={"THIDUA_GOOGLE_API_ROOT": fake.root})
    assert result.exit_code == 1 and "Tab 'P2'" in result.output  # some rows are not valid
    assert [r.method for r in fake.requests if r.api == "sheets"] == ["GET", "GET"]  # metadata and one batchGet
    assert fake.count("drive") == 0


def test_a_copied_row_with_a_duplicate_id_gets_its_new_id_and_flags_on_google(fake, credentials_file, schema):
    spreadsheet_id = _small_sheet(fake, schema)
    settings = google_settings(fake, credentials_file, spreadsheet_id, "unused")
    campaign, _ = load_rules(settings)
    sync(open_spreadsheet(settings), campaign, schema, now=NOW)
    sheet = fake.spreadsheets[spreadsheet_id].sheet("Gò Dầu")
    header = sheet.rows[0]
    copy = list(sheet.rows[1])  # An, with its id, pasted below as a new row
    copy[2] = "An Sao Chép"
    sheet.rows.append(copy)
    sync(open_spreadsheet(settings), campaign, schema, now=NOW)
    rows = fake.values(spreadsheet_id, "Gò Dầu")
    ids = [r[header.index("Mã hồ sơ")] for r in rows[1:]]
    assert ids == ["GD-0001", "GD-0002", "GD-0003", "GD-0004", "GD-0005"]
    assert rows[-1][header.index("Trạng thái")] == "Hợp lệ"


# ------------------------------------------------------------------ sheet mistakes

def test_a_renamed_header_on_google_withdraws_nothing_and_the_unit_reads_why(demo_on_google, fake):
    settings, _ = demo_on_google
    run(settings)
    before = {f.id: (f.parents, f.version) for f in fake.files.values() if f.app_properties.get("thidua_doc")}
    p1 = flags(fake, settings.spreadsheet_id, "P1")
    sheet = fake.spreadsheets[settings.spreadsheet_id].sheet("P1")
    sheet.rows[0][sheet.rows[0].index("Hình thức đề nghị")] = "Hình thức KT"
    fake.reset_counts()
    report = run(settings)
    after = {f.id: (f.parents, f.version) for f in fake.files.values() if f.app_properties.get("thidua_doc")}
    assert after == before and report.documents.withdrawn == 0  # nothing moved, nothing rewritten
    assert flags(fake, settings.spreadsheet_id, "P1") == p1
    header = fake.values(settings.spreadsheet_id, "P1")[0]
    assert header[-1].startswith("⚠ Chương trình chưa kiểm tra tab này") and "Hình thức đề nghị" in header[-1]
    assert fake.count("sheets") <= 5
    sheet.rows[0][sheet.rows[0].index("Hình thức KT")] = "Hình thức đề nghị"
    run(settings)
    assert not any(str(v).startswith("⚠") for v in fake.values(settings.spreadsheet_id, "P1")[0])


# ------------------------------------------------------------------ no duplicate on Drive, ever

def _tagged(fake):
    from collections import Counter
    docs = Counter(f.app_properties["thidua_doc"] for f in fake.files.values() if f.app_properties.get("thidua_doc"))
    folders = Counter(_folder_path(fake, f) for f in fake.files.values()
                      if f.app_properties.get("thidua_kind") == "folder")
    return docs, folders


def _folder_path(fake, folder):
    names = []
    while folder is not None and folder.app_properties.get("thidua_kind") == "folder":
        names.append(folder.name)
        folder = fake.files.get(folder.parents[0]) if folder.parents else None
    return "/".join(reversed(names))


@pytest.mark.parametrize("target", ["/upload/drive/v3/files", "/drive/v3/files"])
def test_a_create_whose_answer_is_lost_is_not_made_twice(demo_on_google, fake, target):
    settings, _ = demo_on_google
    fake.fail(lambda r: r.method == "POST" and r.path == target, "lost", times=3)
    report = run(settings)
    docs, folders = _tagged(fake)
    assert report.documents.created == 60 and len(docs) == 60 and set(docs.values()) == {1}
    assert set(folders.values()) == {1}
    assert run(settings).documents.unchanged == 60


def test_two_syncs_racing_on_drive_leave_duplicates_the_next_sync_resolves_without_deleting(demo_on_google, fake):
    import threading
    settings, _ = demo_on_google
    from automation.errors import ThiduaError

    def racer():
        try:
            run(settings)
        except ThiduaError:
            pass  # the loser may also trip over the other's new Tổng hợp tab: the sheet is the lock's job
    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    files_before = set(fake.files)
    docs, folders = _tagged(fake)
    assert max(docs.values()) > 1 or max(folders.values()) > 1  # the race did double something
    report = run(settings)
    docs, folders = _tagged(fake)
    assert len(docs) == 60 and set(docs.values()) == {1} and set(folders.values()) == {1}
    assert files_before <= set(fake.files)  # nothing deleted: the second copies are in Lưu trữ, untagged
    assert {fake.files[i].name for i in set(fake.files) - files_before} <= {"Lưu trữ"}
    archive = [f for f in fake.files.values() if f.name == "Lưu trữ"]
    assert len(archive) == 1
    in_archive = [f for f in fake.files.values() if archive[0].id in f.parents]
    assert in_archive and all(f.app_properties.get("thidua_archived") or f.app_properties.get(
        "thidua_archived_folder") for f in in_archive)
    links = {f["Văn bản"] for f in flags(fake, settings.spreadsheet_id, "P1") if f["Văn bản"]}
    kept = {f"https://docs.google.com/document/d/{f.id}/edit" for f in fake.files.values()
            if f.app_properties.get("thidua_doc")}
    assert links <= kept  # the sheet links to the copies kept
    assert report.documents.unchanged == 60 and run(settings).documents.unchanged == 60


def test_the_lock_of_a_google_campaign_is_the_same_wherever_the_command_starts(tmp_path, monkeypatch):
    from automation.settings import Settings, state_file
    settings = Settings(spreadsheet_id="1AbC", drive_folder_id="0XyZ")
    monkeypatch.chdir(tmp_path)
    here = state_file(settings, "lock", environ={"HOME": str(tmp_path)})
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "other")
    assert state_file(settings, "lock", environ={"HOME": str(tmp_path)}) == here
    assert state_file(settings, "lock", environ={"THIDUA_STATE_DIR": "/srv/thidua/state"}) == \
        Path("/srv/thidua/state/google-1AbC.lock")


def test_an_unreachable_token_endpoint_is_retried_like_any_request(demo_on_google, fake):
    settings, _ = demo_on_google
    fake.fail(lambda r: r.path == "/token", "drop", times=2)
    report = run(settings)
    assert report.rows == 81 and len(fake.sleeps) == 2


@pytest.mark.parametrize("uploads", [1, 20, 50])
def test_a_sync_killed_while_uploading_leaves_no_duplicate_and_the_next_one_finishes(demo_on_google, fake, tmp_path,
                                                                                     uploads):
    import os
    import signal
    import subprocess
    import sys
    import time
    settings, _ = demo_on_google
    env = {**os.environ, "THIDUA_GOOGLE_API_ROOT": fake.root, "THIDUA_STATE_DIR": str(tmp_path / "state")}
    process = subprocess.Popen([sys.executable, "-m", "automation", "sync", "--spreadsheet", settings.spreadsheet_id,
                                "--drive-folder", settings.drive_folder_id, "--credentials",
                                str(settings.credentials), "--quiet"], env=env, cwd=Path(__file__).parent.parent,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while fake.count("drive", "POST") < uploads and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait()
    report = run(settings)
    docs, folders = _tagged(fake)
    assert len(docs) == 60 and set(docs.values()) == {1} and set(folders.values()) == {1}
    assert not [f for f in fake.files.values() if f.app_properties.get("thidua_archived")]  # no archive copy
    assert report.documents.created + report.documents.unchanged == 60
