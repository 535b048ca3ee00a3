"""The pass on an in-memory sheet: what the plan asks a backend to write, for any campaign."""

from __future__ import annotations

import datetime as dt

from automation.campaign import load_campaign
from automation.sync import sync
from tests.builders import DATA, NOW, MemorySheet, as_cells, headers, registry, valid_row


def test_control_characters_never_reach_the_sheet(schema, campaign):
    sheet = MemorySheet({"Đơn vị": registry(("GD", "Gò Dầu")),
                         "Gò Dầu": [headers(schema), as_cells(schema, valid_row(gender="N\x00am\x1b", name="A\x07B"))]})
    sync(sheet, campaign, schema, now=NOW)
    [update] = sheet.updates
    written = [v for tab in update.tabs for row in tab.rows for v in row.values.values()]
    assert written and not any(ch in v for v in written for ch in "\x00\x07\x1b")
    assert "'Nam'" not in written[2] and "Giới tính" in written[2]


def test_a_second_campaign_drives_every_rule_from_its_own_file(base_schema):
    """Tiers, copies, categories, window and review come from tests/data/flood-relief.toml."""
    other = load_campaign(DATA / "flood-relief.toml", scopes=base_schema.column("scope").choices)
    schema = base_schema.with_campaign(other)
    base = dict(award="Bằng khen của Chủ tịch UBND tỉnh", category="Cứu hộ, cứu nạn", copies_submitted=3,
                scope="Địa phương", proposed_on=dt.datetime(2022, 10, 1), office_review=None,
                summary="Cứu hộ 30 hộ dân vùng lũ huyện Lệ Thủy trong đêm 14/10/2022.")
    rows = [
        valid_row(**base),  # valid: no Office approval needed in this campaign
        valid_row(**{**base, "name": "B", "copies_submitted": 2}),  # 3 copies needed
        valid_row(**{**base, "name": "C", "scope": "Ngành Kiểm sát nhân dân"}),  # Địa phương only
        valid_row(**{**base, "name": "D", "award": "Giấy khen của Viện trưởng VKSND tỉnh"}),  # not a tier here
        valid_row(**{**base, "name": "E", "category": "Trực tiếp tham gia, hỗ trợ phòng, chống dịch"}),
        valid_row(**{**base, "name": "F", "proposed_on": "02/01/2023"}),  # after the window's end
        valid_row(**{**base, "name": "G", "award": "Giấy khen", "copies_submitted": 1, "summary": "Ngắn."}),
    ]
    sheet = MemorySheet({"Đơn vị": registry(("QB", "Lệ Thủy")), "Lệ Thủy": [headers(schema)] +
                         [as_cells(schema, r) for r in rows]})
    report = sync(sheet, other, schema, now=dt.datetime(2023, 2, 1, 8, 0))
    [tab] = sheet.updates[0].tabs
    statuses = [r.values["status"] for r in tab.rows]
    assert statuses == ["Hợp lệ", "Cần bổ sung", "Không hợp lệ", "Không hợp lệ", "Không hợp lệ", "Không hợp lệ",
                        "Cần bổ sung"]
    assert "cần 03 bộ" in tab.rows[1].values["messages"]
    summary = sheet.updates[0].overview
    assert "Đưa vào tờ trình: Bằng khen của Chủ tịch UBND tỉnh" in summary[0]
    assert dict(zip(summary[0], summary[1]))["Đưa vào tờ trình: Bằng khen của Chủ tịch UBND tỉnh"] == 1
    assert report.rows == 7


def test_check_timestamps_and_document_column_are_planned_for_every_row(schema, campaign):
    sheet = MemorySheet({"Đơn vị": registry(("GD", "Gò Dầu")),
                         "Gò Dầu": [headers(schema), as_cells(schema, valid_row())]})
    sync(sheet, campaign, schema, now=dt.datetime(2022, 1, 5, 7, 3))
    [row] = sheet.updates[0].tabs[0].rows
    assert row.values["checked_at"] == "05/01/2022 07:03" and set(row.values) == {
        "record_id", "status", "messages", "document", "checked_at"}
