"""End to end on the embedded default: an .xlsx goes in, flags, Tổng hợp and Nhật ký come out.

The invariant every test leans on: the unit's and the Office's cells are never changed.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata

import openpyxl
import pytest

from automation.errors import SourceError, SourceLockedError
from automation.findings import Status
from automation.layout import build_layout
from automation.intake import read_intake
from automation.sheets import column_letter
from automation.sheets.workbook import Workbook
from automation.sync import sync
from tests.builders import (BK_VKSTC, NOW, TODAY, as_cells, headers, read_workbook, registry, save_workbook,
                            valid_row)

JOB = ["Mã hồ sơ", "Trạng thái", "Nội dung cần sửa", "Văn bản", "Kiểm tra lúc"]


def unit_tab(schema, *rows, header=None):
    return [header or headers(schema)] + [as_cells(schema, r) if isinstance(r, dict) else r for r in rows]


@pytest.fixture
def book(tmp_path, schema):
    """Two units, a few rows each: valid, incomplete, invalid."""
    return save_workbook(tmp_path / "thidua.xlsx", {
        "Đơn vị": registry(("GD", "Gò Dầu"), ("TC", "Tân Châu")),
        "Gò Dầu": unit_tab(schema, valid_row(), valid_row(name="Trần Thị Bình", gender="Nữ", copies_submitted=0),
                           valid_row(name="Lê Văn Cường", gender="khác")),
        "Tân Châu": unit_tab(schema, valid_row(name="Phạm Thị Dung", gender="Nữ", workplace="VKSND huyện Tân Châu")),
    })


def run(path, campaign, schema, now=NOW):
    return sync(Workbook(path), campaign, schema, now=now)


def job_values(rows, header_row=0):
    header = rows[header_row]
    at = {h: header.index(h) for h in JOB if h in header}
    return [{h: (r[i] if i < len(r) else None) for h, i in at.items()} for r in rows[header_row + 1:]]


def typed_cells(rows, schema):
    """Every cell outside the job columns, as the unit and the Office typed them."""
    header = rows[0]
    job = {i for i, h in enumerate(header) if h in JOB}
    return [[v for i, v in enumerate(r) if i not in job] for r in rows]


def test_sync_writes_status_messages_id_and_time_beside_each_row(book, campaign, schema):
    before = read_workbook(book)
    report = run(book, campaign, schema)
    after = read_workbook(book)
    flags = job_values(after["Gò Dầu"])
    assert [f["Mã hồ sơ"] for f in flags] == ["GD-0001", "GD-0002", "GD-0003"]
    assert [f["Trạng thái"] for f in flags] == ["Hợp lệ", "Cần bổ sung", "Không hợp lệ"]
    # First where the row stands with the Office, then what to fix.
    assert flags[0]["Nội dung cần sửa"] == "Đã đưa vào quyết định tặng Giấy khen của Viện trưởng VKSND tỉnh"
    assert flags[1]["Nội dung cần sửa"].splitlines()[1].startswith("• Số bộ hồ sơ bản chính đã nộp: đã nộp 00 bộ")
    assert flags[2]["Nội dung cần sửa"].splitlines()[1].startswith("• Giới tính: 'khác' không có trong danh sách")
    assert {f["Kiểm tra lúc"] for f in flags} == {"20/12/2021 09:30"}
    assert after["Gò Dầu"][0][-5:] == JOB  # the job added its columns at the right end
    for tab in ("Gò Dầu", "Tân Châu", "Đơn vị"):
        assert typed_cells(after[tab], schema)[1:] == [r + [None] * (len(typed_cells(after[tab], schema)[1]) - len(r))
                                                       for r in before[tab][1:]]
    assert (report.rows, report.count(Status.HOP_LE)) == (4, 2)


def test_summary_tab_counts_per_unit_and_log_gets_one_row_per_sync(book, campaign, schema):
    run(book, campaign, schema)
    run(book, campaign, schema, now=NOW + dt.timedelta(hours=1))
    after = read_workbook(book)
    summary = after["Tổng hợp"]
    header = summary[0]
    gd = dict(zip(header, summary[1]))
    assert (gd["Mã đơn vị"], gd["Số dòng"], gd["Hợp lệ"], gd["Cần bổ sung"], gd["Không hợp lệ"]) == ("GD", 3, 1, 1, 1)
    assert gd["Đề nghị: Giấy khen của Viện trưởng VKSND tỉnh"] == 3
    assert gd["Đã đồng ý: Giấy khen của Viện trưởng VKSND tỉnh"] == 1
    assert gd["Số mã hồ sơ đã cấp"] == 3
    total = dict(zip(header, summary[3]))
    assert (total["Mã đơn vị"], total["Số dòng"], total["Hợp lệ"]) == ("Tổng cộng", 4, 2)
    assert ["Cập nhật lúc", "20/12/2021 10:30"] == summary[5][:2]
    log = after["Nhật ký"]
    assert log[0][0] == "Bắt đầu" and len(log) == 3
    assert log[1][2:6] == [4, 2, 1, 1] and log[1][-1] == "Thành công"


def test_an_unchanged_workbook_changes_only_the_check_time_and_the_log(book, campaign, schema):
    run(book, campaign, schema)
    first = read_workbook(book)
    run(book, campaign, schema, now=NOW + dt.timedelta(minutes=15))
    second = read_workbook(book)
    for tab in ("Gò Dầu", "Tân Châu"):
        at = first[tab][0].index("Kiểm tra lúc")
        assert [r[:at] + r[at + 1:] for r in first[tab]] == [r[:at] + r[at + 1:] for r in second[tab]]
        assert {r[at] for r in second[tab][1:]} == {"20/12/2021 09:45"}
    assert first["Đơn vị"] == second["Đơn vị"]
    assert first["Tổng hợp"][:5] == second["Tổng hợp"][:5]  # all but the "Cập nhật lúc" line
    assert second["Nhật ký"][:2] == first["Nhật ký"] and len(second["Nhật ký"]) == 3


def test_flags_follow_fixes(book, campaign, schema):
    run(book, campaign, schema)
    wb = openpyxl.load_workbook(book)
    ws = wb["Gò Dầu"]
    copies = headers(schema).index("Số bộ hồ sơ bản chính đã nộp") + 1
    ws.cell(3, copies).value = 1
    wb.save(book)
    run(book, campaign, schema)
    flags = job_values(read_workbook(book)["Gò Dầu"])
    assert flags[1]["Trạng thái"] == "Hợp lệ" and flags[1]["Nội dung cần sửa"].startswith("Đã đưa vào quyết định")
    assert flags[1]["Mã hồ sơ"] == "GD-0002"


def test_a_cleared_row_loses_its_flags_but_keeps_its_id(book, campaign, schema):
    run(book, campaign, schema)
    wb = openpyxl.load_workbook(book)
    ws = wb["Gò Dầu"]
    for c in range(1, len(headers(schema)) + 1):
        ws.cell(3, c).value = None
    wb.save(book)
    run(book, campaign, schema)
    flags = job_values(read_workbook(book)["Gò Dầu"])
    assert flags[1] == {"Mã hồ sơ": "GD-0002", "Trạng thái": None, "Nội dung cần sửa": None, "Văn bản": None,
                        "Kiểm tra lúc": None}


# ------------------------------------------------------------------ bad input

def test_headers_renamed_reordered_cased_and_spaced(tmp_path, campaign, schema):
    hs = headers(schema)
    messy = [f"  {h.upper()} " for h in reversed(hs)]
    row = list(reversed(as_cells(schema, valid_row())))
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")), "Gò Dầu": [messy, row]})
    run(path, campaign, schema)
    after = read_workbook(path)["Gò Dầu"]
    assert job_values(after)[0]["Trạng thái"] == "Hợp lệ" and after[1][:len(row)] == row


def test_a_missing_required_column_reports_that_tab_and_the_others_still_sync(tmp_path, campaign, schema):
    broken = [h if h != "Hình thức đề nghị" else "Hình thức" for h in headers(schema)]
    path = save_workbook(tmp_path / "b.xlsx", {
        "Đơn vị": registry(("P1", "P1"), ("GD", "Gò Dầu")),
        "P1": unit_tab(schema, valid_row(name="Ai Đó"), header=broken),
        "Gò Dầu": unit_tab(schema, valid_row()),
    })
    before = read_workbook(path)
    report = run(path, campaign, schema)
    after = read_workbook(path)
    # nothing the unit typed changes in the broken tab; the unit reads why beside its headers
    notice = after["P1"][0][len(broken)]
    assert notice.startswith("⚠ Chương trình chưa kiểm tra tab này") and "thiếu cột 'Hình thức đề nghị'" in notice
    assert [r[:len(broken)] for r in after["P1"]] == before["P1"]
    assert all(v is None for r in after["P1"][1:] for v in r[len(broken):])
    assert job_values(after["Gò Dầu"])[0]["Trạng thái"] == "Hợp lệ"
    assert report.problems == ["Tab 'P1': thiếu cột 'Hình thức đề nghị'"]
    p1 = dict(zip(after["Tổng hợp"][0], after["Tổng hợp"][1]))
    assert p1["Ghi chú"] == "Tab 'P1': thiếu cột 'Hình thức đề nghị'"
    assert "thiếu cột 'Hình thức đề nghị'" in after["Nhật ký"][1][-1]


def test_a_duplicated_header_reports_that_tab(tmp_path, campaign, schema):
    path = save_workbook(tmp_path / "b.xlsx", {
        "Đơn vị": registry(("GD", "Gò Dầu")),
        "Gò Dầu": unit_tab(schema, as_cells(schema, valid_row()) + ["x"], header=[*headers(schema), "Năm sinh"]),
    })
    report = run(path, campaign, schema)
    assert report.problems and "cột bị lặp" in report.problems[0] and "'Năm sinh'" in report.problems[0]


def test_blank_rows_between_data_are_left_alone(tmp_path, campaign, schema):
    path = save_workbook(tmp_path / "b.xlsx", {
        "Đơn vị": registry(("GD", "Gò Dầu")),
        "Gò Dầu": unit_tab(schema, valid_row(), [], [], valid_row(name="Võ Văn Em")),
    })
    run(path, campaign, schema)
    rows = read_workbook(path)["Gò Dầu"]
    assert [f["Mã hồ sơ"] for f in job_values(rows)] == ["GD-0001", None, None, "GD-0002"]
    assert all(v is None for v in rows[2] + rows[3])


def test_merged_cells_lend_their_value_to_each_row_with_a_warning(tmp_path, campaign, schema):
    path = save_workbook(tmp_path / "b.xlsx", {
        "Đơn vị": registry(("GD", "Gò Dầu")),
        "Gò Dầu": unit_tab(schema, valid_row(), valid_row(name="B", workplace=None),
                           valid_row(name="C", workplace=None)),
    })
    wb = openpyxl.load_workbook(path)
    col = openpyxl.utils.get_column_letter(headers(schema).index("Đơn vị công tác") + 1)
    wb["Gò Dầu"].merge_cells(f"{col}2:{col}4")
    wb.save(path)
    run(path, campaign, schema)
    flags = job_values(read_workbook(path)["Gò Dầu"])
    assert [f["Trạng thái"] for f in flags] == ["Hợp lệ"] * 3
    assert "Lưu ý: Đơn vị công tác — ô gộp" in flags[1]["Nội dung cần sửa"]
    assert f"{col}2:{col}4" in {str(r) for r in openpyxl.load_workbook(path)["Gò Dầu"].merged_cells.ranges}


def test_a_merged_job_cell_is_unmerged_so_each_row_gets_its_flag(book, campaign, schema):
    run(book, campaign, schema)
    wb = openpyxl.load_workbook(book)
    ws = wb["Gò Dầu"]
    status = read_workbook(book)["Gò Dầu"][0].index("Trạng thái") + 1
    letter = openpyxl.utils.get_column_letter(status)
    ws.merge_cells(f"{letter}2:{letter}3")
    wb.save(book)
    run(book, campaign, schema)
    assert [f["Trạng thái"] for f in job_values(read_workbook(book)["Gò Dầu"])] == \
        ["Hợp lệ", "Cần bổ sung", "Không hợp lệ"]


def test_formulas_are_kept_and_their_cached_values_read(tmp_path, campaign, schema):
    path = save_workbook(tmp_path / "b.xlsx", {
        "Đơn vị": registry(("GD", "Gò Dầu")),
        "Gò Dầu": unit_tab(schema, valid_row(seq="=ROW()-1", copies_submitted="=0+1")),
    })
    run(path, campaign, schema)
    wb = openpyxl.load_workbook(path)
    assert wb["Gò Dầu"]["A2"].value == "=ROW()-1"  # still a formula after the job saved
    # openpyxl cannot compute formulas: with no cached value the required cell asks for a typed value
    flags = job_values(read_workbook(path)["Gò Dầu"])
    assert flags[0]["Trạng thái"] == "Cần bổ sung" and "công thức" in flags[0]["Nội dung cần sửa"]


def test_cached_formula_values_are_used(tmp_path, campaign, schema):
    """A workbook last saved by an office suite carries formula results; the job reads those."""
    path = save_workbook(tmp_path / "b.xlsx", {
        "Đơn vị": registry(("GD", "Gò Dầu")),
        "Gò Dầu": unit_tab(schema, valid_row(copies_submitted="=0+1")),
    })
    letter = openpyxl.utils.get_column_letter(headers(schema).index("Số bộ hồ sơ bản chính đã nộp") + 1)
    _add_cached_value(path, "Gò Dầu", f"{letter}2", 1)
    run(path, campaign, schema)
    assert job_values(read_workbook(path)["Gò Dầu"])[0]["Trạng thái"] == "Hợp lệ"


def _add_cached_value(path, title, ref, value):
    """Write a formula's cached <v> into the sheet XML, as LibreOffice or Excel would on save."""
    import re
    import shutil
    import zipfile
    wb = openpyxl.load_workbook(path)
    index = wb.sheetnames.index(title) + 1
    temp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(temp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{index}.xml":
                data = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                              rf"\g<1>\g<2><v>{value}</v>", data.decode()).encode()
            dst.writestr(item, data)
    shutil.move(temp, path)


def test_numbers_as_text_dates_in_every_form_and_impossible_dates(tmp_path, campaign, schema):
    rows = [
        valid_row(name="A", copies_submitted="01", birth_year="1979", proposed_on="15/11/2021"),
        valid_row(name="B", proposed_on=44515),
        valid_row(name="C", proposed_on="31/02/2021"),
        valid_row(name="D", copies_submitted="một"),
        valid_row(name="E", material_contribution="nhiều lắm"),
    ]
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")), "Gò Dầu": unit_tab(schema, *rows)})
    run(path, campaign, schema)
    flags = job_values(read_workbook(path)["Gò Dầu"])
    assert [f["Trạng thái"] for f in flags] == ["Hợp lệ", "Hợp lệ", "Không hợp lệ", "Không hợp lệ", "Không hợp lệ"]
    assert "Ngày đề nghị: ngày '31/02/2021' không tồn tại" in flags[2]["Nội dung cần sửa"]


def test_nfd_names_are_still_found_as_duplicates_across_tabs(tmp_path, campaign, schema):
    path = save_workbook(tmp_path / "b.xlsx", {
        "Đơn vị": registry(("GD", "Gò Dầu"), ("TC", "Tân Châu")),
        "Gò Dầu": unit_tab(schema, valid_row()),
        "Tân Châu": unit_tab(schema, valid_row(name=unicodedata.normalize("NFD", "Nguyễn Văn An"))),
    })
    run(path, campaign, schema)
    after = read_workbook(path)
    assert "trùng với tab 'Tân Châu', dòng 2" in job_values(after["Gò Dầu"])[0]["Nội dung cần sửa"]
    assert "trùng với tab 'Gò Dầu', dòng 2" in job_values(after["Tân Châu"])[0]["Nội dung cần sửa"]
    # the NFD cell itself is left as typed
    assert after["Tân Châu"][1][2] == unicodedata.normalize("NFD", "Nguyễn Văn An")


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path, campaign, schema):
    path = save_workbook(tmp_path / "b.xlsx", {
        "Đơn vị": [registry()[0], ["GD", "=Đơn vị Gò Dầu", "Gò Dầu", "", "VKS cấp huyện"]],
        "Gò Dầu": unit_tab(schema, valid_row(gender="=1+1")),
    })
    path_book = openpyxl.load_workbook(path)
    path_book["Đơn vị"]["B2"].data_type = "s"
    path_book.save(path)
    run(path, campaign, schema)
    summary = openpyxl.load_workbook(path)["Tổng hợp"]
    assert summary["B2"].value == "=Đơn vị Gò Dầu" and summary["B2"].data_type == "s"


def test_a_5000_row_tab_is_flagged_in_full(tmp_path, campaign, schema):
    rows = [valid_row(name=f"Người thứ {i}", copies_submitted=i % 2) for i in range(5000)]
    path = save_workbook(tmp_path / "big.xlsx",
                         {"Đơn vị": registry(("GD", "Gò Dầu")), "Gò Dầu": unit_tab(schema, *rows)})
    report = run(path, campaign, schema)
    assert report.rows == 5000 and report.count(Status.HOP_LE) == 2500
    flags = job_values(read_workbook(path)["Gò Dầu"])
    assert flags[-1]["Mã hồ sơ"] == "GD-5000" and flags[-1]["Trạng thái"] == "Hợp lệ"


def test_an_empty_tab_an_unregistered_tab_and_a_registered_unit_without_tab(tmp_path, campaign, schema):
    path = save_workbook(tmp_path / "b.xlsx", {
        "Đơn vị": registry(("GD", "Gò Dầu"), ("TC", "Tân Châu"), ("CT", "Châu Thành")),
        "Gò Dầu": unit_tab(schema, valid_row()),
        "Tân Châu": [],
        "Nháp": [["ghi chép"], [1, 2, 3]],
    })
    before = read_workbook(path)
    report = run(path, campaign, schema)
    after = read_workbook(path)
    assert report.ignored_tabs == ["Nháp"] and after["Nháp"] == before["Nháp"]
    assert after["Tân Châu"] == before["Tân Châu"]
    assert any("Tab 'Tân Châu': chưa có dòng tiêu đề" in p for p in report.problems)
    assert any("không có tab 'Châu Thành'" in p for p in report.problems)
    notes = {r[0]: r[-1] for r in after["Tổng hợp"][1:4]}
    assert "không có tab 'Châu Thành'" in notes["CT"]


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken zip"])
def test_a_file_that_is_not_a_workbook_is_refused_with_a_clear_message(tmp_path, campaign, schema, content):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(SourceError, match="không phải là tệp Excel"):
        run(path, campaign, schema)
    assert path.read_bytes() == content


def test_a_workbook_without_registry_cannot_run(tmp_path, campaign, schema):
    path = save_workbook(tmp_path / "b.xlsx", {"Gò Dầu": unit_tab(schema, valid_row())})
    with pytest.raises(SourceError, match="không có tab 'Đơn vị'"):
        run(path, campaign, schema)


@pytest.mark.parametrize("lock", [".~lock.thidua.xlsx#", "~$thidua.xlsx", "~$idua.xlsx"])
def test_a_workbook_open_in_an_office_suite_is_not_touched(book, campaign, schema, lock):
    before = book.read_bytes()
    (book.parent / lock).write_text("someone,host,2021")
    with pytest.raises(SourceLockedError, match="đang được mở"):
        run(book, campaign, schema)
    assert book.read_bytes() == before


def test_a_workbook_saved_by_someone_else_during_the_sync_is_not_overwritten(book, campaign, schema):
    sheet = Workbook(book)
    sheet.read()
    os.utime(book, ns=(1, 1))  # another program saved it in the meantime
    before = book.read_bytes()
    with pytest.raises(SourceError, match="đã được lưu bởi chương trình khác"):
        sheet.write(_empty_plan())
    assert book.read_bytes() == before


def _empty_plan():
    from automation.sheets import SheetUpdate
    return SheetUpdate((), "Tổng hợp", [["x"]], "Nhật ký", ["x"], ["x"])


def test_a_failed_save_leaves_the_workbook_whole(book, campaign, schema, monkeypatch):
    before = book.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(openpyxl.Workbook, "save", explode)
    with pytest.raises(SourceError, match="Không lưu được bảng tính .*disk full; tệp cũ vẫn nguyên vẹn"):
        run(book, campaign, schema)  # one Vietnamese line naming the cause, not a traceback
    assert book.read_bytes() == before
    assert [p.name for p in book.parent.iterdir()] == [book.name]  # no temporary file left behind


def test_setup_formatting_survives_a_sync(book, campaign, schema):
    sheet = Workbook(book)
    sheet.setup(build_layout(schema, campaign, read_intake(sheet.read(), schema, today=TODAY).units))
    run(book, campaign, schema)
    ws = openpyxl.load_workbook(book)["Gò Dầu"]
    assert len(ws.data_validations.dataValidation) == 8  # 7 dropdowns and the checkbox
    assert len(list(ws.conditional_formatting)) >= 1 and ws.freeze_panes == "A2"
    assert ws["B1"].font.bold


def test_rows_with_several_findings_list_every_one(tmp_path, campaign, schema):
    row = valid_row(award=BK_VKSTC, scope="Trong đơn vị", copies_submitted=1, head_confirmed=False, gender=None)
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")), "Gò Dầu": unit_tab(schema, row)})
    run(path, campaign, schema)
    [flags] = job_values(read_workbook(path)["Gò Dầu"])
    lines = flags["Nội dung cần sửa"].splitlines()
    assert flags["Trạng thái"] == "Cần bổ sung" and len(lines) == 5
    assert lines[0].startswith("Văn phòng đã đồng ý") and lines[-1].startswith("Lưu ý: Phạm vi ảnh hưởng")


# ------------------------------------------------------------------ what the file stores, byte for byte

@pytest.mark.parametrize("number", [20211115, 3000000, 99999999, 1e308, 60, 44515])
def test_a_number_in_a_date_formatted_cell_is_stored_back_as_it_was_in_every_tab(tmp_path, campaign, schema, number):
    from tests.sheet_xml import stored_cells, typed
    path = save_workbook(tmp_path / "b.xlsx", {
        "Đơn vị": registry(("GD", "Gò Dầu")),
        "Gò Dầu": unit_tab(schema, valid_row()),
        "Nháp": [["ghi chép"], [number]],
    })
    book = openpyxl.load_workbook(path)
    at = headers(schema).index("Ngày đề nghị") + 1
    book["Gò Dầu"].cell(2, at).value = number
    book["Gò Dầu"].cell(2, at).number_format = "DD/MM/YYYY"
    book["Nháp"].cell(2, 1).number_format = "DD/MM/YYYY"
    book.save(path)
    before = stored_cells(path)
    run(path, campaign, schema)
    after = stored_cells(path)
    assert after["Nháp"] == before["Nháp"]
    flag_letters = {column_letter(len(headers(schema)) + i) for i in range(len(schema.flag_columns))}
    assert typed(after["Gò Dầu"], flag_letters) == typed(before["Gò Dầu"], set())
    assert "#VALUE!" not in str(after)


@pytest.mark.filterwarnings("ignore:Cell O2 is marked as a date")  # openpyxl reading the result back in the test
def test_the_unit_reads_a_date_formatted_number_outside_excels_dates_as_not_a_date(tmp_path, campaign, schema):
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")),
                                               "Gò Dầu": unit_tab(schema, valid_row())})
    book = openpyxl.load_workbook(path)
    at = headers(schema).index("Ngày đề nghị") + 1
    book["Gò Dầu"].cell(2, at).value = 20211115
    book["Gò Dầu"].cell(2, at).number_format = "DD/MM/YYYY"
    book.save(path)
    run(path, campaign, schema)
    [row] = job_values(read_workbook(path)["Gò Dầu"])
    assert row["Trạng thái"] == "Không hợp lệ" and "'20211115' không phải là ngày" in row["Nội dung cần sửa"]


def test_a_save_by_another_program_while_the_workbook_is_written_is_refused_not_overwritten(book, campaign, schema,
                                                                                           monkeypatch):
    real_save = openpyxl.Workbook.save

    def someone_saves_meanwhile(self, filename):
        real_save(self, filename)
        other = openpyxl.load_workbook(book)
        other["Gò Dầu"]["B5"] = "Đồng nghiệp vừa nhập"
        real_save(other, book)
    monkeypatch.setattr(openpyxl.Workbook, "save", someone_saves_meanwhile)
    with pytest.raises(SourceError, match="đã được lưu bởi chương trình khác"):
        run(book, campaign, schema)
    monkeypatch.undo()
    assert read_workbook(book)["Gò Dầu"][4][1] == "Đồng nghiệp vừa nhập"
    assert not list(book.parent.glob(".*.tmp"))


def test_a_workbook_behind_a_symbolic_link_is_written_through_it_keeping_mode_and_group(book, campaign, schema):
    os.chmod(book, 0o664)
    link = book.parent / "chung" / "thidua.xlsx"
    link.parent.mkdir()
    link.symlink_to(book)
    run(link, campaign, schema)
    assert link.is_symlink() and os.readlink(link) == str(book)
    assert job_values(read_workbook(book)["Gò Dầu"])[0]["Trạng thái"] == "Hợp lệ"  # the shared file itself
    assert os.stat(book).st_mode & 0o777 == 0o664


def test_a_kill_during_the_save_leaves_a_temporary_file_the_next_save_removes(book, campaign, schema):
    leftover = book.parent / f".{book.stem}.killed01.tmp"
    leftover.write_bytes(b"half a workbook")
    run(book, campaign, schema)
    assert not leftover.exists()


def test_the_overview_prints_on_one_landscape_page_with_its_groups_told_apart(book, campaign, schema):
    run(book, campaign, schema)
    ws = openpyxl.load_workbook(book)["Tổng hợp"]
    header = [c.value for c in ws[1]]
    fill = {h: ws.cell(1, i + 1).fill.fgColor.rgb[-6:] for i, h in enumerate(header) if h}
    proposed, approved = "Đề nghị: Huân chương Lao động", "Đã đồng ý: Huân chương Lao động"
    assert fill[proposed] != fill[approved] and fill["Hợp lệ"] != fill["Chờ thẩm định"]
    assert ws.freeze_panes == "D2" and ws.column_dimensions["B"].width == 32 and ws.column_dimensions["E"].width == 7
    assert ws.row_dimensions[1].height == 8 * 15  # a tier's name wrapped in its narrow column
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    totals = next(r for r in ws.iter_rows() if r[0].value == "Tổng cộng")
    assert totals[0].font.bold and totals[3].font.bold


def test_the_overview_draws_its_charts_from_the_rows_the_sync_wrote(book, campaign, schema):
    run(book, campaign, schema)
    run(book, campaign, schema, now=NOW + dt.timedelta(hours=1))  # drawn again, not added twice
    ws = openpyxl.load_workbook(book)["Tổng hợp"]
    header = [c.value for c in ws[1]]
    assert len(ws._charts) == 2
    by_status, per_tier = ws._charts
    refs = [s.val.numRef.f for s in by_status.series]
    statuses = [openpyxl.utils.get_column_letter(header.index(s) + 1)
                for s in ("Hợp lệ", "Cần bổ sung", "Không hợp lệ")]
    assert refs == [f"'Tổng hợp'!${c}$2:${c}$3" for c in statuses]  # the two units' rows
    first = openpyxl.utils.get_column_letter(header.index("Đề nghị: Huân chương Lao động") + 1)
    last = openpyxl.utils.get_column_letter(header.index("Đề nghị: Giấy khen của Viện trưởng VKSND tỉnh") + 1)
    assert per_tier.series[0].val.numRef.f == f"'Tổng hợp'!${first}$4:${last}$4"  # the totals row
    width = openpyxl.utils.get_column_letter(len([h for h in header if h]))
    assert ws.print_area == f"'Tổng hợp'!$A$1:${width}${ws.max_row}"  # the table on paper; the charts on screen


def test_formula_results_of_every_kind_come_from_the_one_read(tmp_path, campaign, schema, monkeypatch):
    """Text, number, truth value, error and date results, as an office suite cached them, read in
    the same pass that keeps the formulas: no second load of the file."""
    from automation.sheets import Formula
    from automation.sheets.workbook import Workbook
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "T"
    for column, formula in enumerate(('="a"&"b"', "=1+1.5", "=TRUE()", "=1/0", "=DATE(2021,11,15)", "=1+1"), 1):
        ws.cell(1, column, formula)
    ws.cell(1, 5).number_format = "DD/MM/YYYY"
    book.save(path)
    for ref, value, kind in (("A1", "ab", "str"), ("B1", "2.5", None), ("C1", "1", "b"), ("D1", "#DIV/0!", "e"),
                             ("E1", "44515", None)):
        _add_cached_value(path, "T", ref, value)
        if kind:
            _set_cell_type(path, ref, kind)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("a second pass over the file"))
    [row] = Workbook(path).read().tabs["T"].rows
    assert row[:5] == ["ab", 2.5, True, "#DIV/0!", dt.datetime(2021, 11, 15)]
    assert row[5] == Formula("=1+1")  # never computed: the formula itself


def _set_cell_type(path, ref, kind):
    import re
    import shutil
    import zipfile
    temp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(temp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rf'<c r="{ref}"', f'<c r="{ref}" t="{kind}"', data.decode()).encode()
            dst.writestr(item, data)
    shutil.move(temp, path)


def test_the_fast_shared_strings_read_as_openpyxls_own(tmp_path):
    """Plain items, runs, phonetic guides, kept spaces, line breaks, `_x005F_` escapes, empty items."""
    import io
    from openpyxl.reader.strings import read_string_table
    from automation.sheets.xlsx_read import string_table as _string_table
    items = ['<si><t>Nguyễn Văn A</t></si>', '<si><t xml:space="preserve">  hai  khoảng  </t></si>',
             '<si><r><t>Phòng </t></r><r><rPr><b/></rPr><t>Thực hành</t></r></si>',
             '<si><t>Tây</t><rPh sb="0" eb="1"><t>ignored</t></rPh></si>', '<si><t>dòng 1\ndòng 2</t></si>',
             '<si><t>a_x005F_x000D_b</t></si>', '<si><t/></si>', '<si></si>']
    xml = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
           f'main" count="{len(items)}" uniqueCount="{len(items)}">{"".join(items)}</sst>').encode()
    assert _string_table(io.BytesIO(xml)) == read_string_table(io.BytesIO(xml))
    assert len(_string_table(io.BytesIO(xml))) == len(items)
