"""One bad cell never stops the campaign; a run that cannot go on says why in one Vietnamese line.

A row-level problem is that row's finding and the other rows sync; a structural one keeps the tab
as it was; a run-level failure (a read-only folder, a full disk, an unreachable Google) is one
line naming the cause, never "Lỗi không mong đợi".
"""

from __future__ import annotations

import errno
import os
import unicodedata
import urllib.parse
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.intake import merged_sources
from automation.sheets.workbook import Workbook
from automation.store.folder import FolderStore
from automation.sheets import Snapshot, TabData
from automation.sync import evaluate, sync
from tests.builders import NOW, as_cells, headers, letter, read_workbook, registry, save_workbook, valid_row


def workbook(tmp_path, schema, rows_by_tab, order=None):
    units = order or [(t.split()[0], t) for t in rows_by_tab]
    tabs = {"Đơn vị": registry(*units)}
    for title, rows in rows_by_tab.items():
        tabs[title] = [[*headers(schema), "Mã hồ sơ"]] + [as_cells(schema, r) + [rid] for r, rid in rows]
    return save_workbook(tmp_path / "thidua.xlsx", tabs)


def run(path, campaign, schema, **kwargs):
    store = FolderStore(path.parent / "Hồ sơ", link_base=path.parent)
    return sync(Workbook(path), campaign, schema, store=store, now=NOW, **kwargs)


def flags(path, title):
    rows = read_workbook(path)[title]
    at = {h: rows[0].index(h) for h in ("Mã hồ sơ", "Trạng thái", "Nội dung cần sửa", "Văn bản")}
    return [{h: r[i] for h, i in at.items()} for r in rows[1:]]


def test_a_record_id_of_4400_digits_is_that_rows_problem_not_the_campaigns(tmp_path, campaign, schema):
    path = workbook(tmp_path, schema, {"P1": [(valid_row(name="A"), "P1-" + "9" * 4400), (valid_row(name="B"), None)]})
    run(path, campaign, schema)
    assert [f["Mã hồ sơ"] for f in flags(path, "P1")] == ["P1-0001", "P1-0002"]


def test_a_unit_typing_another_units_id_never_takes_it_from_that_unit(tmp_path, campaign, schema):
    # P2 comes first in the registry and types P1's id; P1's row keeps it, P2's copy gets its own.
    path = workbook(tmp_path, schema, {"P1": [(valid_row(name="Của P1"), "P1-0001")],
                                       "P2": [(valid_row(name="Của P2"), "P1-0001")]},
                    order=[("P2", "P2"), ("P1", "P1")])
    run(path, campaign, schema)
    assert flags(path, "P1")[0]["Mã hồ sơ"] == "P1-0001" and flags(path, "P2")[0]["Mã hồ sơ"] == "P2-0001"


def test_an_id_cell_merged_with_a_unit_column_gets_no_new_id_at_each_sync(tmp_path, campaign, schema):
    path = workbook(tmp_path, schema, {"P1": [(valid_row(name="A"), None), (valid_row(name="B"), None),
                                              (valid_row(name="C"), None)]})
    run(path, campaign, schema)
    book = openpyxl.load_workbook(path)
    review, record_id = letter(schema, "office_note"), letter(schema, "record_id")
    book["P1"].merge_cells(f"{review}3:{record_id}4")  # the Office's note and Mã hồ sơ of rows 3–4
    book.save(path)
    first = run(path, campaign, schema)
    issued = read_workbook(path)["Tổng hợp"][1][-2]
    second = run(path, campaign, schema)
    assert read_workbook(path)["Tổng hợp"][1][-2] == issued == 3  # no number given twice
    assert second.documents.created == second.documents.withdrawn == 0 and first.documents.created == 0
    row = flags(path, "P1")[2]
    assert row["Trạng thái"] == "Cần bổ sung" and "bị gộp với ô của cột khác" in row["Nội dung cần sửa"]


def test_merged_header_cells_over_the_flag_columns_keep_the_tab_as_it_was(tmp_path, campaign, schema):
    path = workbook(tmp_path, schema, {"P1": [(valid_row(name="A"), None)]})
    run(path, campaign, schema)
    before = flags(path, "P1")
    book = openpyxl.load_workbook(path)
    merged = f"{letter(schema, 'record_id')}1:{letter(schema, 'messages')}1"
    book["P1"].merge_cells(merged)
    book.save(path)
    report = run(path, campaign, schema)
    assert any(f"{merged} bị gộp" in p for p in report.problems) and report.documents.withdrawn == 0
    rows = read_workbook(path)["P1"]
    assert rows[1][len(headers(schema))] == before[0]["Mã hồ sơ"] and "bị gộp" in str(rows[0][-1])


@pytest.mark.parametrize("name", [
    "😀" * 61,  # 244 bytes of UTF-8 in 61 characters
    "北京" * 41,  # 82 CJK characters
    "Nguyễn Thị Hồng Nhung " * 5,  # ~110 accented letters
    "Tổ công tác \u202eđặc biệt",  # a right-to-left override, pasted from a web page
    "Tổ #1 đạt 100%",  # characters a link reads as a fragment and an escape
])
def test_any_name_makes_a_file_name_the_file_system_takes_and_a_link_that_opens_it(tmp_path, campaign, schema,
                                                                                   name):
    path = workbook(tmp_path, schema, {"P1": [(valid_row(name=name, subject_type="Tập thể", gender=None,
                                                         position=None, situation="Tổ có 5 công chức."), None)]})
    report = run(path, campaign, schema)
    assert report.documents.created == 2  # the summary and the Quyết định
    [summary] = (tmp_path / "Hồ sơ").rglob("P1-0001*.docx")
    assert len(summary.name.encode("utf-8")) <= 255 and "\u202e" not in summary.name
    assert all(unicodedata.category(ch) != "Cf" for ch in summary.name)
    link = openpyxl.load_workbook(path)["P1"][f"{letter(schema, 'document')}2"].hyperlink.target
    assert (tmp_path / urllib.parse.unquote(link)).resolve() == summary.resolve()


def test_documents_are_made_with_the_umask_so_colleagues_can_open_them(tmp_path, campaign, schema):
    from automation import files
    path = workbook(tmp_path, schema, {"P1": [(valid_row(), None)]})
    previous = os.umask(0o002)
    files.umask.cache_clear()  # read once per process; this test changes it
    try:
        run(path, campaign, schema)
    finally:
        os.umask(previous)
        files.umask.cache_clear()
    modes = {p.stat().st_mode & 0o777 for p in (tmp_path / "Hồ sơ").rglob("*.docx")}
    assert modes == {0o664}


@pytest.mark.parametrize("where, failure, words", [
    ("tempfile.mkstemp", OSError(errno.EROFS, "Read-only file system"),
     "Không ghi được văn bản"),
    ("openpyxl.Workbook.save", OSError(errno.ENOSPC, "No space left on device"), "Không lưu được bảng tính"),
])
def test_a_read_only_folder_or_a_full_disk_is_one_vietnamese_line(tmp_path, campaign, schema, monkeypatch,
                                                                   where, failure, words):
    path = workbook(tmp_path, schema, {"P1": [(valid_row(), None)]})
    (tmp_path / "thidua.toml").write_text('[source]\nworkbook = "thidua.xlsx"\n', encoding="utf-8")
    before = path.read_bytes()

    def refuse(*args, **kwargs):
        raise failure
    monkeypatch.setattr(where, refuse)
    result = CliRunner().invoke(main, ["sync", "--config", str(tmp_path / "thidua.toml")])
    assert result.exit_code == 2
    assert result.output.startswith(f"Lỗi: {words}") and failure.strerror in result.output
    assert "không mong đợi" not in result.output and len(result.output.strip().splitlines()) == 1
    assert path.read_bytes() == before


@pytest.mark.parametrize("title", ["Gò/Dầu", "Viện kiểm sát nhân dân huyện Gò Dầu"])
def test_a_tab_name_excel_cannot_hold_is_the_registrys_problem_not_a_crash_of_setup(tmp_path, schema, title):
    save_workbook(tmp_path / "thidua.xlsx", {"Đơn vị": registry(("GD", title))})
    (tmp_path / "thidua.toml").write_text('[source]\nworkbook = "thidua.xlsx"\n', encoding="utf-8")
    setup = CliRunner().invoke(main, ["setup", "--config", str(tmp_path / "thidua.toml")])
    assert setup.exit_code == 0, setup.output
    check = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "thidua.toml")])
    assert check.exit_code == 1 and f"'Tên tab' '{title}'" in check.output and "không mong đợi" not in check.output


class _Untouchable(list):
    """A row the job must not look at: any look fails the test."""

    def _looked_at(self, *_: object) -> None:
        raise AssertionError("a row that holds nothing was looked at")

    __len__ = __bool__ = __getitem__ = __iter__ = _looked_at  # type: ignore[assignment]


def test_judging_looks_only_at_the_rows_that_hold_something(campaign, schema):
    """Between the data and a stray value in row 1,048,576 lie a million rows the reader knows are
    empty (TabData.held): the unit tab, the registry, the register and Tổng hợp never look at one,
    nor does a merged range reaching down to the last row."""
    nothing = _Untouchable()
    far = 1_048_575
    tabs = {"Đơn vị": registry(("GD", "P1")), "P1": [headers(schema), as_cells(schema, valid_row())]}
    gender = headers(schema).index("Giới tính")
    snapshot = Snapshot({title: TabData(title, rows + [nothing] * (far - len(rows)) + [[None, None, "lạc"]],
                                        ((1, gender, far, gender),) if title == "P1" else (),
                                        (*range(len(rows)), far))
                         for title, rows in tabs.items()})
    evaluation = evaluate(_Given(snapshot), campaign, schema, now=NOW)
    assert sorted(evaluation.verdicts) == [("P1", 2), ("P1", far + 1)]
    assert evaluation.verdicts[("P1", far + 1)].nomination.value("gender") == "Nam"  # from the merged range
    tab = snapshot.tabs["P1"]
    assert len(merged_sources(tab, {gender}, tab.holding(1))) == 1  # the one row below the range's top


class _Given:
    name = "given"

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def read(self) -> Snapshot:
        return self.snapshot


def test_a_stray_value_in_the_last_row_costs_what_its_data_costs(tmp_path, campaign, schema):
    path = workbook(tmp_path, schema, {"P1": [(valid_row(), None)]})
    book = openpyxl.load_workbook(path)
    book["P1"].cell(1_048_576, 3).value = "lạc"
    book.save(path)
    report = run(path, campaign, schema)
    assert report.rows == 2  # the stray value is a row of its own, judged like any other
    with zipfile.ZipFile(path) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet2"))
        assert archive.getinfo(sheet).file_size < 50_000  # not a million empty cells written back
    assert len(openpyxl.load_workbook(path)["P1"]._cells) < 100
