"""Settings: thidua.toml, then environment, then flags; typos refused with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.errors import ConfigError
from automation.resources import DEFAULT_CAMPAIGN
from automation.settings import load_settings


def write(tmp_path, text):
    path = tmp_path / "thidua.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.campaign == DEFAULT_CAMPAIGN and settings.workbook is None


def test_file_paths_are_relative_to_the_file(tmp_path):
    path = write(tmp_path, '[source]\nworkbook = "a.xlsx"\n[output]\nfolder = "Hồ sơ"\n')
    settings = load_settings(path, environ={})
    assert settings.workbook == tmp_path.resolve() / "a.xlsx"
    assert settings.output_dir == tmp_path.resolve() / "Hồ sơ"


def test_environment_overrides_the_file_and_flags_override_both(tmp_path):
    path = write(tmp_path, '[source]\nworkbook = "a.xlsx"\n')
    env = {"THIDUA_WORKBOOK": "b.xlsx", "THIDUA_SPREADSHEET_ID": "abc", "GOOGLE_APPLICATION_CREDENTIALS": "k.json"}
    settings = load_settings(path, environ=env)
    assert settings.workbook == Path("b.xlsx") and settings.spreadsheet_id == "abc"
    assert settings.credentials == Path("k.json")
    assert load_settings(path, environ=env, workbook=Path("c.xlsx")).workbook == Path("c.xlsx")


def test_thidua_config_variable_names_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, '[source]\nworkbook = "a.xlsx"\n')
    assert load_settings(environ={"THIDUA_CONFIG": str(path)}).workbook.name == "a.xlsx"


@pytest.mark.parametrize("text, words", [
    ('[source]\nworkbok = "a.xlsx"\n', "'workbok'"),
    ('campaing = "x.toml"\n', "'campaing'"),
    ('[source]\nworkbook = 3\n', "'workbook' phải là một chuỗi"),
    ('[source\n', "TOML"),
    ('source = "a"\n', "[source]"),
])
def test_a_bad_config_file_is_refused_naming_the_key(tmp_path, text, words):
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, text), environ={})
    assert words in str(error.value) and "thidua.toml" in str(error.value)


def test_a_missing_config_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="Không tìm thấy tệp cấu hình"):
        load_settings(tmp_path / "none.toml", environ={})
