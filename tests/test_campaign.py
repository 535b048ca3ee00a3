"""The campaign file: the default is plan 515/KH-VKS; a bad one is refused with the key named."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from automation.campaign import load_campaign
from automation.errors import CampaignError
from automation.resources import DEFAULT_CAMPAIGN
from tests.builders import DATA

ROOT = Path(__file__).resolve().parent.parent


def test_the_default_campaign_is_plan_515(campaign):
    assert campaign.code == "515/KH-VKS"
    assert [(t.name, t.copies) for t in campaign.tiers] == [
        ("Huân chương Lao động", 5), ("Bằng khen của Thủ tướng Chính phủ", 4),
        ("Bằng khen của Viện trưởng VKSND tối cao", 2), ("Giấy khen của Viện trưởng VKSND tỉnh", 1)]
    assert campaign.window_start == dt.date(2021, 11, 8) and campaign.window_end is None
    assert len(campaign.categories) == 3 and campaign.office_approval_required
    assert campaign.organisation.agency == "VIỆN KIỂM SÁT NHÂN DÂN TỈNH TÂY NINH"


def test_a_second_campaign_loads_with_its_own_rules(base_schema):
    other = load_campaign(DATA / "flood-relief.toml", scopes=base_schema.column("scope").choices)
    assert [t.name for t in other.tiers] == ["Bằng khen của Chủ tịch UBND tỉnh", "Giấy khen"]
    assert other.window_end == dt.date(2022, 12, 31) and not other.office_approval_required


BAD = [
    ("copies = 5", "copies = 0", "tiers[1].copies"),
    ("copies = 5", 'copies = "năm"', "tiers[1].copies"),
    ('scopes = ["Toàn quốc"]', 'scopes = ["Cả nước"]', "tiers[1].scopes"),
    ('submission = "quyet_dinh"', 'submission = "nghi_quyet"', "tiers[4].submission"),
    ("min_summary_length = 150", "min_summary_length = -1", "campaign.min_summary_length"),
    ("window_start = 2021-11-08", 'window_start = "08/11/2021"', "campaign.window_start"),
    ("# window_end = 2022-06-30", "window_end = 2020-01-01", "campaign.window_end"),
    ('agency = "VIỆN KIỂM SÁT NHÂN DÂN TỈNH TÂY NINH"', 'agency = ""', "organisation.agency"),
    ('name = "Giấy khen của Viện trưởng VKSND tỉnh"', 'name = "Huân chương Lao động"', "tiers.name"),
    ("[organisation]", "[organisation_typo]", "organisation"),
]


@pytest.mark.parametrize("before, after, key", BAD)
def test_a_bad_campaign_file_is_refused_naming_file_and_key(tmp_path, base_schema, before, after, key):
    text = DEFAULT_CAMPAIGN.read_text(encoding="utf-8")
    assert before in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(before, after, 1), encoding="utf-8")
    with pytest.raises(CampaignError) as error:
        load_campaign(path, scopes=base_schema.column("scope").choices)
    assert str(path) in str(error.value) and key in str(error.value)


def test_broken_toml_and_missing_file_are_refused(tmp_path, base_schema):
    (tmp_path / "broken.toml").write_text("[campaign\n", encoding="utf-8")
    with pytest.raises(CampaignError, match="TOML"):
        load_campaign(tmp_path / "broken.toml", scopes=())
    with pytest.raises(CampaignError, match="Không tìm thấy"):
        load_campaign(tmp_path / "none.toml", scopes=())


def _literals(path: Path):
    """String literals of a module, docstrings left out (they may cite the plan, as comments do)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_campaign_specific_words_in_the_code():
    """Tiers, places and plan numbers belong in the campaign file, not in automation/."""
    words = re.compile(r"Huân chương|Bằng khen|Giấy khen|Tây Ninh|515(?!-KH-VKS\.toml)|COVID|VKSND tỉnh")
    offenders = [f"{p.relative_to(ROOT)}:{line}: {text}" for p in (ROOT / "automation").rglob("*.py")
                 if not p.name.startswith("demo") for line, text in _literals(p) if words.search(text)]
    assert offenders == []


@pytest.mark.parametrize("old, new, words", [
    ('scope_severity = "warning"', 'scope_severty = "warning"', "tiers[3].scope_severty: khóa không được hỗ trợ; "
                                                                 "có phải là 'scope_severity'?"),
    ("min_summary_length = 150", "min_summary_length = 150\nwindow_ends = 2022-06-30",
     "campaign.window_ends: khóa không được hỗ trợ; có phải là 'window_end'?"),
    ('name = "Ngô Văn Hồi"', 'name = "Ngô Văn Hồi"\nseal = "x"',
     "signer.seal: khóa không được hỗ trợ"),
])
def test_an_unknown_key_is_refused_naming_the_nearest_valid_key(tmp_path, base_schema, old, new, words):
    text = DEFAULT_CAMPAIGN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "c.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CampaignError, match=re.escape(words)):
        load_campaign(path, scopes=base_schema.column("scope").choices)
