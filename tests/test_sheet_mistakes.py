"""A mistake in the sheet's structure never withdraws a dossier (issue: nothing lost, nothing stuck).

Each test starts from the demo after its first sync (60 documents), makes one mistake a unit or
the Office makes, syncs through the real command, and checks that every document, id and flag
is still there, and that the unit and the Office are told why.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from automation.cli import main

FLAGS = ("Mã hồ sơ", "Trạng thái", "Nội dung cần sửa", "Văn bản")


@pytest.fixture(scope="module")
def demo_base(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("base") / "demo"
    result = CliRunner().invoke(main, ["demo", "--dir", str(folder), "--quiet"])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def demo(demo_base, tmp_path) -> Path:
    folder = tmp_path / "demo"
    shutil.copytree(demo_base, folder)
    return folder


def command(folder: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--config", str(folder / "thidua.toml"), "--quiet"])


def documents(folder: Path) -> dict[str, bytes]:
    """Every document outside Lưu trữ, by path, with its bytes."""
    root = folder / "Hồ sơ"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.docx")
            if "Lưu trữ" not in p.relative_to(root).parts}


def archived(folder: Path) -> list[str]:
    archive = folder / "Hồ sơ" / "Lưu trữ"
    return sorted(p.name for p in archive.rglob("*.docx")) if archive.exists() else []


def book(folder: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(folder / "thidua-demo.xlsx")


def flags(folder: Path, title: str) -> list[tuple]:
    ws = book(folder)[title]
    header = [c.value for c in ws[1]]
    at = [header.index(h) for h in FLAGS]
    return [tuple(row[i] for i in at) for row in ws.iter_rows(min_row=2, values_only=True)]


def edit(folder: Path, change) -> None:
    workbook = book(folder)
    change(workbook)
    workbook.save(folder / "thidua-demo.xlsx")


def rename_header(title: str, old: str, new: str):
    def change(workbook):
        cell = next(c for c in workbook[title][1] if c.value == old)
        cell.value = new
    return change


def overview_note(folder: Path, code: str) -> str:
    rows = [list(r) for r in book(folder)["Tổng hợp"].iter_rows(values_only=True)]
    return next(str(r[rows[0].index("Ghi chú")] or "") for r in rows[1:] if r[0] == code)


def last_log(folder: Path) -> str:
    rows = [list(r) for r in book(folder)["Nhật ký"].iter_rows(values_only=True)]
    return str(rows[-1][-1])


def issued(folder: Path) -> dict[str, int]:
    rows = [list(r) for r in book(folder)["Tổng hợp"].iter_rows(values_only=True)]
    at = rows[0].index("Số mã hồ sơ đã cấp")
    return {r[0]: r[at] for r in rows[1:]  # a unit with none issued may drop out: nothing to remember
            if isinstance(r[0], str) and r[0].isalnum() and isinstance(r[at], int) and r[at] > 0}


def assert_nothing_withdrawn(folder: Path, before: dict[str, bytes]) -> None:
    assert archived(folder) == []
    assert documents(folder) == before  # every summary and every Tờ trình as it was, byte for byte


def add_duplicate_column(workbook):
    workbook["P1"].cell(1, workbook["P1"].max_column + 1, "Năm sinh")


def remove_duplicate_column(workbook):
    for cell in workbook["P1"][1]:
        if cell.column > 22 and cell.value == "Năm sinh":
            cell.value = None


@pytest.mark.parametrize("mistake, undo, reason", [
    (rename_header("P1", "Hình thức đề nghị", "Hình thức KT"), rename_header("P1", "Hình thức KT", "Hình thức đề nghị"),
     "thiếu cột 'Hình thức đề nghị'"),
    (add_duplicate_column, remove_duplicate_column, "cột bị lặp"),
])
def test_a_broken_header_keeps_every_document_id_and_flag_and_says_why(demo, mistake, undo, reason):
    before, p1_flags = documents(demo), flags(demo, "P1")
    edit(demo, mistake)
    result = command(demo, "sync")
    assert result.exit_code == 0, result.output
    assert_nothing_withdrawn(demo, before)
    assert flags(demo, "P1") == p1_flags
    notice = [c.value for c in book(demo)["P1"][1] if str(c.value or "").startswith("⚠")]
    assert len(notice) == 1 and reason in notice[0]  # the unit reads why in its own tab
    assert reason in overview_note(demo, "P1") and reason in last_log(demo)  # and the Office
    # fixed: the tab is judged again, its notice goes by itself, and still nothing was withdrawn
    edit(demo, undo)
    assert command(demo, "sync").exit_code == 0
    assert not [c.value for c in book(demo)["P1"][1] if str(c.value or "").startswith("⚠")]
    assert flags(demo, "P1") == p1_flags and archived(demo) == []


def test_the_notice_disappears_by_itself_once_the_header_is_fixed(demo):
    edit(demo, rename_header("P1", "Hình thức đề nghị", "Hình thức KT"))
    command(demo, "sync")
    edit(demo, rename_header("P1", "Hình thức KT", "Hình thức đề nghị"))
    assert command(demo, "sync").exit_code == 0
    header = [c.value for c in book(demo)["P1"][1]]
    assert not any(str(v or "").startswith("⚠") for v in header) and header.count("Mã hồ sơ") == 1


def test_a_known_spelling_of_a_header_is_read_as_that_column(demo):
    p1_flags = flags(demo, "P1")
    edit(demo, rename_header("P1", "Hình thức đề nghị", "Hình thức khen thưởng"))

    def wrong_gender(workbook):  # proves the tab is judged again, not merely left alone
        ws = workbook["P1"]
        ws.cell(2, [c.value for c in ws[1]].index("Giới tính") + 1, "khác")
    edit(demo, wrong_gender)
    assert command(demo, "sync").exit_code == 0
    statuses = [f[1] for f in flags(demo, "P1")]
    assert statuses[0] == "Không hợp lệ" and statuses[1:] == [f[1] for f in p1_flags][1:]
    assert overview_note(demo, "P1") == ""
    assert not any(str(c.value or "").startswith("⚠") for c in book(demo)["P1"][1])


def emptied_registry(workbook):
    ws = workbook["Đơn vị"]
    ws.delete_rows(2, ws.max_row)


def registry_deleted(workbook):
    del workbook["Đơn vị"]


@pytest.mark.parametrize("mistake, then_setup", [(emptied_registry, False), (registry_deleted, True)])
def test_an_emptied_registry_withdraws_nothing_and_the_issued_ids_never_go_down(demo, mistake, then_setup):
    before, ids = documents(demo), issued(demo)
    edit(demo, mistake)
    if then_setup:  # setup recreates the registry tab, empty
        assert command(demo, "setup").exit_code == 0
    result = command(demo, "sync")
    assert result.exit_code == 0, result.output
    assert_nothing_withdrawn(demo, before)
    assert issued(demo) == ids
    assert "không còn đơn vị nào" in last_log(demo)
    assert command(demo, "sync").exit_code == 0 and issued(demo) == ids  # and not the run after either


def test_two_tabs_whose_names_differ_only_in_unicode_form_are_both_reported(demo):
    before = documents(demo)

    def twin(workbook):
        copy = workbook.copy_worksheet(workbook["Gò Dầu"])
        copy.title = unicodedata.normalize("NFD", "Gò Dầu")
    edit(demo, twin)
    result = command(demo, "sync")
    assert result.exit_code == 0
    assert_nothing_withdrawn(demo, before)
    note = overview_note(demo, "GD")
    assert "Có 2 tab cùng tên 'Gò Dầu'" in note


def test_a_unit_emptying_its_tab_stops_the_sync_before_anything_is_written_until_told(demo):
    before = documents(demo)
    tabs_before = {t: flags(demo, t) for t in ("P2", "Gò Dầu")}

    def clear_p1(workbook):
        ws = workbook["P1"]
        ws.delete_rows(2, ws.max_row)
    edit(demo, clear_p1)
    result = command(demo, "sync")
    assert result.exit_code == 2
    assert "Dừng, chưa ghi gì" in result.output and "P1" in result.output and "--allow-archive" in result.output
    assert_nothing_withdrawn(demo, before)
    assert {t: flags(demo, t) for t in tabs_before} == tabs_before
    assert "Dừng, chưa ghi gì" in last_log(demo)  # the Office reads it in Nhật ký
    result = command(demo, "sync", "--allow-archive")
    assert result.exit_code == 0, result.output
    assert len(archived(demo)) >= 5 and any(p.startswith("P1-") for p in archived(demo))


def test_setup_finds_a_renamed_column_at_its_place_and_renames_it_back(demo):
    p1_flags = flags(demo, "P1")
    width = book(demo)["P1"].max_column
    edit(demo, rename_header("P1", "Hình thức đề nghị", "Hình thức KT"))
    result = command(demo, "setup")
    assert result.exit_code == 0, result.output
    ws = book(demo)["P1"]
    header = [c.value for c in ws[1]]
    assert ws.max_column == width and header.count("Hình thức đề nghị") == 1 and "Hình thức KT" not in header
    assert command(demo, "sync").exit_code == 0
    assert flags(demo, "P1") == p1_flags


def test_setup_never_adds_a_second_copy_of_a_duplicated_column(demo):
    edit(demo, add_duplicate_column)
    width = book(demo)["P1"].max_column
    result = CliRunner().invoke(main, ["setup", "--config", str(demo / "thidua.toml")])
    assert result.exit_code == 0
    assert "cột 'Năm sinh' có ở 2 chỗ" in result.output
    assert book(demo)["P1"].max_column == width
