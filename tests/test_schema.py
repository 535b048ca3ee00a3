"""The column schema as data: an edit to columns.toml moves every rule with it, or is refused."""

from __future__ import annotations

import re

import pytest

from automation.campaign import load_campaign
from automation.errors import CampaignError
from automation.findings import ReviewState
from automation.resources import DEFAULT_CAMPAIGN, DEFAULT_SCHEMA
from automation.schema import Key, RegistryKey, load_schema
from automation.sync import evaluate
from tests.builders import NOW, MemorySheet, registry, valid_row


def edited_schema(tmp_path, *edits):
    """columns.toml with each (old, new) replaced once; the test fails if the text is not there."""
    text = DEFAULT_SCHEMA.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    path = tmp_path / "columns.toml"
    path.write_text(text, encoding="utf-8")
    return path


def judged(schema_path, **row):
    schema = load_schema(schema_path)
    campaign = load_campaign(DEFAULT_CAMPAIGN, scopes=schema.column(Key.SCOPE).choices)
    schema = schema.with_campaign(campaign)
    header = [c.header for c in schema.nomination_columns]
    cells = [valid_row(**row).get(c.key) for c in schema.nomination_columns]
    sheet = MemorySheet({"Đơn vị": registry(("GD", "Gò Dầu")), "Gò Dầu": [header, cells]})
    [verdict] = evaluate(sheet, campaign, schema, now=NOW).verdicts.values()
    return schema, verdict


def test_the_default_schema_defines_every_key_the_code_uses():
    schema = load_schema()
    assert {c.key for c in schema.nomination_columns + schema.flag_columns} >= {k.value for k in Key}
    assert {c.key for c in schema.registry_columns} >= {k.value for k in RegistryKey}
    assert schema.column(Key.OFFICE_REVIEW).choices == schema.review.words == ("Đồng ý", "Không đồng ý",
                                                                              "Yêu cầu bổ sung")
    assert schema.column(Key.SUBJECT_TYPE).choices == (schema.individual, schema.collective)


def test_an_approval_word_edited_in_the_schema_is_the_one_that_sends_a_nominee_into_the_submission(tmp_path):
    path = edited_schema(tmp_path, ('approved = "Đồng ý"', 'approved = "Nhất trí"'))
    schema, verdict = judged(path, office_review="Nhất trí")
    assert schema.column(Key.OFFICE_REVIEW).choices[0] == "Nhất trí"
    assert verdict.included and verdict.findings == ()
    _, old_word = judged(path, office_review="Đồng ý")  # no longer a word of the list: a note, not approval
    assert not old_word.included and "không có trong danh sách" in old_word.messages


def test_a_rejection_word_edited_in_the_schema_is_repeated_to_the_unit(tmp_path):
    path = edited_schema(tmp_path, ('rejected = "Không đồng ý"', 'rejected = "Không chấp thuận"'))
    _, verdict = judged(path, office_review="Không chấp thuận")
    assert verdict.review is ReviewState.REJECTED and not verdict.included
    assert verdict.messages.startswith("Văn phòng không đồng ý")


def test_a_renamed_header_is_the_one_the_messages_name(tmp_path):
    path = edited_schema(tmp_path, ('header = "Số bộ hồ sơ bản chính đã nộp"', 'header = "Số bộ hồ sơ đã nộp"'))
    schema = load_schema(path)
    campaign = load_campaign(DEFAULT_CAMPAIGN, scopes=schema.column(Key.SCOPE).choices)
    schema = schema.with_campaign(campaign)
    header = [c.header for c in schema.nomination_columns]
    sheet = MemorySheet({"Đơn vị": registry(("GD", "Gò Dầu")), "Gò Dầu": [
        header, [valid_row(copies_submitted=0).get(c.key) for c in schema.nomination_columns]]})
    [verdict] = evaluate(sheet, campaign, schema, now=NOW).verdicts.values()
    assert verdict.messages.splitlines()[1].startswith("• Số bộ hồ sơ đã nộp: đã nộp 00 bộ")


@pytest.mark.parametrize("edit, words", [
    (('key = "scope"', 'key = "reach"'), "thiếu các cột có khóa scope"),
    (('key = "tab"', 'key = "sheet"'), "registry_columns: thiếu các cột có khóa tab"),
    (('more_requested = "Yêu cầu bổ sung"\n', ''), "review: cần 'approved', 'rejected', 'more_requested'"),
    (('rejected = "Không đồng ý"', 'rejected = "Đồng ý"'), "review: cần 'approved', 'rejected', 'more_requested'"),
    (('approved = "Đồng ý"', 'approved = "Đồng ý"\nagreed = "OK"'), "review: khóa không được hỗ trợ agreed"),
    (('choices_from = "review"', 'choices = ["Đồng ý", "Không đồng ý", "Yêu cầu bổ sung"]'),
     "cột 'office_review': cần choices_from = \"review\""),
    (('choices_from = "subject_types"', 'choices = ["Cá nhân", "Tập thể"]'),
     "cột 'subject_type': cần choices_from = \"subject_types\""),
    (('choices_from = "tiers"', 'choices_from = "awards"'), "choices_from: 'awards' không phải một trong"),
    (('collective = "Tập thể"', 'collective = "Cá nhân"'), "subject_types: cần 'individual' và 'collective'"),
    (('overview = "Tổng hợp"', 'summary = "Tổng hợp"'), "tabs.overview: thiếu tên tab"),
])
def test_a_schema_edit_that_would_switch_a_rule_off_is_refused_naming_what(tmp_path, edit, words):
    with pytest.raises(CampaignError, match=re.escape(words)):
        load_schema(edited_schema(tmp_path, edit))
