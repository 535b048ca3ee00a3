"""The `thidua` command through click's runner: help texts, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from automation.cli import main
from tests.builders import headers, registry, save_workbook, valid_row, as_cells


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Ví dụ:" in result.output and f"thidua {command}" in result.output


def test_the_group_help_lists_the_commands(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and all(c in result.output for c in ("demo", "setup", "check", "sync"))


def _book(tmp_path, schema, *rows):
    return save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")),
                                               "Gò Dầu": [headers(schema)] + [as_cells(schema, r) for r in rows]})


def test_check_exits_0_when_every_row_is_valid_and_writes_nothing(runner, tmp_path, schema):
    path = _book(tmp_path, schema, valid_row())
    before = path.read_bytes()
    result = runner.invoke(main, ["check", "--workbook", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before


def test_check_exits_1_and_lists_findings_when_a_row_is_not_valid(runner, tmp_path, schema):
    path = _book(tmp_path, schema, valid_row(), valid_row(name="B", copies_submitted=0))
    result = runner.invoke(main, ["check", "--workbook", str(path)])
    assert result.exit_code == 1
    assert "Tab 'Gò Dầu'" in result.output and "dòng 3: B — Cần bổ sung" in result.output
    assert "• Số bộ hồ sơ bản chính đã nộp: đã nộp 00 bộ" in result.output


def test_check_shows_a_row_the_office_turned_down_with_its_reason(runner, tmp_path, schema):
    path = _book(tmp_path, schema, valid_row(), valid_row(name="B", office_review="Không đồng ý",
                                                          office_note="chưa tiêu biểu"))
    result = runner.invoke(main, ["check", "--workbook", str(path)])
    assert "dòng 3: B — Hợp lệ" in result.output and "Văn phòng không đồng ý: chưa tiêu biểu" in result.output
    assert "dòng 2:" not in result.output  # valid, approved: nothing to say
    data = json.loads(runner.invoke(main, ["check", "--json", "--workbook", str(path)]).output)
    assert [r["review"] for r in data["rows"]] == ["Đã đồng ý", "Không đồng ý"]
    assert data["rows"][1]["standing"] == "Văn phòng không đồng ý: chưa tiêu biểu"


def test_check_json_is_machine_readable(runner, tmp_path, schema):
    path = _book(tmp_path, schema, valid_row(name="B", gender="?"))
    result = runner.invoke(main, ["check", "--json", "--workbook", str(path)])
    data = json.loads(result.output)
    assert data["rows"][0]["status"] == "Không hợp lệ" and data["statuses"]["Không hợp lệ"] == 1


def test_sync_exits_0_whatever_the_statuses_and_quiet_prints_nothing(runner, tmp_path, schema):
    path = _book(tmp_path, schema, valid_row(name="B", gender="?"))
    result = runner.invoke(main, ["sync", "--quiet", "--workbook", str(path)])
    assert result.exit_code == 0 and result.output == ""


def test_sync_prints_the_summary_table(runner, tmp_path, schema):
    path = _book(tmp_path, schema, valid_row())
    result = runner.invoke(main, ["sync", "--workbook", str(path)])
    assert result.exit_code == 0
    assert "GD – Gò Dầu" in result.output and "Tổng cộng" in result.output


@pytest.mark.parametrize("command", ["check", "sync", "setup"])
def test_could_not_run_exits_2_with_one_line(runner, tmp_path, command):
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook")
    result = runner.invoke(main, [command, "--workbook", str(bad)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: ") and "x.xlsx" in lines[0]


@pytest.mark.parametrize("command", ["check", "sync"])
def test_no_workbook_configured_names_the_setting(runner, tmp_path, command, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("THIDUA_WORKBOOK", raising=False)
    result = runner.invoke(main, [command])
    assert result.exit_code == 2 and "workbook" in result.output and "--workbook" in result.output


def test_a_bad_campaign_file_exits_2(runner, tmp_path, schema):
    path = _book(tmp_path, schema, valid_row())
    bad = tmp_path / "c.toml"
    bad.write_text("[campaign]\ncode = 1\n", encoding="utf-8")
    result = runner.invoke(main, ["sync", "--workbook", str(path), "--campaign", str(bad)])
    assert result.exit_code == 2 and "c.toml" in result.output and "campaign.code" in result.output


def test_setup_then_setup_again_says_nothing_to_change(runner, tmp_path):
    path = tmp_path / "new.xlsx"
    assert runner.invoke(main, ["setup", "--workbook", str(path), "--create"]).exit_code == 0
    result = runner.invoke(main, ["setup", "--workbook", str(path)])
    assert result.exit_code == 0 and result.output.strip() == "Không có gì cần thay đổi."


def test_demo_builds_a_workbook_and_prints_the_summary(runner, tmp_path):
    result = runner.invoke(main, ["demo", "--dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo" / "thidua-demo.xlsx").exists() and (tmp_path / "demo" / "thidua.toml").exists()
    for words in ("Số dòng", "Hợp lệ", "Cần bổ sung", "Không hợp lệ", "Tổng cộng"):
        assert words in result.output


def test_start_up_loads_the_google_libraries_only_for_the_google_backend():
    import subprocess
    import sys
    probe = ("import sys, automation.cli, automation.operations; "
             "print(sorted(m for m in ('gspread', 'google.auth', 'requests') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_version_and_help_load_neither_the_spreadsheet_nor_the_document_libraries():
    """`thidua --version` and `--help` import the CLI alone: openpyxl (with numpy), python-docx,
    docxtpl and lxml come with the command that reads a workbook or writes a document."""
    import subprocess
    import sys
    probe = ("import sys, automation.cli; print(sorted(m for m in ('openpyxl', 'numpy', 'docx', 'docxtpl', 'lxml', "
             "'jinja2', 'gspread') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
    # and a sync loads python-docx and docxtpl only when it renders a document (automation.docx_template)
    probe = ("import sys, automation.operations; "
             "print(sorted(m for m in ('docx', 'docxtpl', 'jinja2') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_setup_on_a_path_that_does_not_exist_creates_nothing_unless_asked(runner, tmp_path):
    path = tmp_path / "thidau.xlsx"  # a typo of thidua.xlsx
    result = runner.invoke(main, ["setup", "--workbook", str(path)])
    assert result.exit_code == 2 and "--create" in result.output and not path.exists()
    assert runner.invoke(main, ["setup", "--workbook", str(path), "--create"]).exit_code == 0 and path.exists()


def test_check_reads_a_workbook_an_office_suite_holds_open_and_sync_refuses(runner, tmp_path, schema):
    path = _book(tmp_path, schema, valid_row())
    (tmp_path / f".~lock.{path.name}#").write_text("someone,at,their,desk")
    before = path.read_bytes()
    checked = runner.invoke(main, ["check", "--workbook", str(path)])
    assert checked.exit_code == 0 and "Tổng cộng" in checked.output
    synced = runner.invoke(main, ["sync", "--workbook", str(path)])
    assert synced.exit_code == 2 and "đang được mở" in synced.output
    assert path.read_bytes() == before
