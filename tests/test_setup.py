"""`thidua setup` on a workbook: tabs, headers, dropdowns, checkbox, colours; twice changes nothing."""

from __future__ import annotations

import openpyxl

from automation.layout import build_layout
from automation.intake import read_intake
from automation.sheets.workbook import Workbook
from tests.builders import TODAY, as_cells, headers, read_workbook, registry, save_workbook, valid_row


def setup(path, schema, campaign):
    sheet = Workbook(path)
    try:
        units = read_intake(sheet.read(), schema, today=TODAY).units
    except Exception:
        units = ()
    return Workbook(path).setup(build_layout(schema, campaign, units))


def test_setup_on_a_new_file_creates_every_tab(tmp_path, schema, campaign):
    path = tmp_path / "new.xlsx"
    changes = setup(path, schema, campaign)
    assert changes
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Hướng dẫn", "Đơn vị", "Tổng hợp", "Nhật ký", "Danh mục"]
    assert book["Danh mục"].sheet_state == "hidden"
    assert [c.value for c in book["Đơn vị"][1]] == ["Mã đơn vị", "Tên đơn vị", "Tên tab", "Email được sửa",
                                                      "Loại đơn vị", "Địa danh"]
    assert "HƯỚNG DẪN" in book["Hướng dẫn"]["A1"].value


def test_setup_adds_unit_tabs_headers_dropdowns_checkbox_and_colours(tmp_path, schema, campaign):
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu"), ("TC", "Tân Châu")),
                                               "Gò Dầu": [headers(schema)[:5], as_cells(schema, valid_row())[:5]]})
    setup(path, schema, campaign)
    book = openpyxl.load_workbook(path)
    ws = book["Tân Châu"]
    header = [c.value for c in ws[1]]
    assert header == headers(schema) + ["Mã hồ sơ", "Trạng thái", "Nội dung cần sửa", "Văn bản", "Kiểm tra lúc"]
    by_column = {str(dv.sqref).split("2:")[0]: dv for dv in ws.data_validations.dataValidation}
    letter = lambda h: openpyxl.utils.get_column_letter(header.index(h) + 1)  # noqa: E731
    award = by_column[letter("Hình thức đề nghị")]
    lists = book["Danh mục"]
    ref = award.formula1.split("!")[1].replace("$", "")
    values = [c.value for row in lists[ref] for c in row]
    assert values == [t.name for t in campaign.tiers]
    categories = by_column[letter("Nhóm thành tích")]  # the categories contain commas: a range, not inline
    assert "!" in categories.formula1
    assert by_column[letter("Thủ trưởng đơn vị xác nhận")].formula1 == '"Có,Không"'
    rules = [(str(cf.sqref), r.formula[0]) for cf in ws.conditional_formatting for r in cf.rules]
    status = letter("Trạng thái")
    assert {f for area, f in rules if area.startswith(status)} == {'"Hợp lệ"', '"Cần bổ sung"', '"Không hợp lệ"'}
    assert ws.freeze_panes == "A2"
    # the existing tab got its missing columns after the ones the unit had, and its cells are kept
    gd = [list(r) for r in book["Gò Dầu"].iter_rows(values_only=True)]
    assert gd[0][:5] == headers(schema)[:5] and gd[1][:5] == as_cells(schema, valid_row())[:5]
    assert gd[0][5:] == headers(schema)[5:] + ["Mã hồ sơ", "Trạng thái", "Nội dung cần sửa", "Văn bản",
                                               "Kiểm tra lúc"]


def test_setup_twice_changes_nothing_the_second_time(tmp_path, schema, campaign):
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu"))})
    assert setup(path, schema, campaign)
    first = path.read_bytes()
    assert setup(path, schema, campaign) == []
    assert path.read_bytes() == first  # not even saved again


def test_setup_keeps_what_users_typed_and_their_column_widths(tmp_path, schema, campaign):
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")),
                                               "Gò Dầu": [headers(schema), as_cells(schema, valid_row())]})
    book = openpyxl.load_workbook(path)
    book["Gò Dầu"].column_dimensions["C"].width = 50
    book.save(path)
    before = read_workbook(path)
    setup(path, schema, campaign)
    after = read_workbook(path)
    assert after["Gò Dầu"][1][:len(before["Gò Dầu"][1])] == before["Gò Dầu"][1]
    assert [row[:5] for row in after["Đơn vị"]] == before["Đơn vị"]  # a column added, nothing changed
    assert after["Đơn vị"][0][5] == "Địa danh"
    assert openpyxl.load_workbook(path)["Gò Dầu"].column_dimensions["C"].width == 50


def test_setup_repairs_a_deleted_dropdown(tmp_path, schema, campaign):
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu"))})
    setup(path, schema, campaign)
    book = openpyxl.load_workbook(path)
    book["Gò Dầu"].data_validations.dataValidation.pop(0)
    book.save(path)
    changes = setup(path, schema, campaign)
    assert len(changes) == 1 and "danh sách chọn" in changes[0]
    assert setup(path, schema, campaign) == []


# ------------------------------------------------------------------ read on screen, printed on A4

def _letter(header, name):
    return openpyxl.utils.get_column_letter(header.index(name) + 1)


def test_a_unit_tab_reads_on_screen_and_prints_on_a4_without_touching_settings(tmp_path, schema, campaign):
    rows = [valid_row(summary="Thành tích dài. " * 30, material_contribution=2_000_000),
            valid_row(name="Trần Văn Bình")]
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")),
                                               "Gò Dầu": [headers(schema)] + [as_cells(schema, r) for r in rows]})
    setup(path, schema, campaign)
    ws = openpyxl.load_workbook(path)["Gò Dầu"]
    header = [c.value for c in ws[1]]
    summary = ws[f"{_letter(header, 'Tóm tắt thành tích')}2"]
    money = ws[f"{_letter(header, 'Đóng góp vật chất (đồng)')}2"]
    assert summary.alignment.wrap_text and summary.alignment.vertical == "top"
    assert money.number_format == "[$-42A]#,##0" and money.value == 2_000_000  # 2.000.000 on screen, a number inside
    assert ws[f"{_letter(header, 'Họ và tên / Tên tập thể')}2"].alignment.vertical == "top"
    assert ws.row_dimensions[2].height > ws.row_dimensions[3].height >= 3 * 15  # each as tall as its text
    for flag in ("Mã hồ sơ", "Trạng thái", "Nội dung cần sửa", "Văn bản", "Kiểm tra lúc"):  # "the grey columns"
        assert ws.column_dimensions[_letter(header, flag)].fill.fgColor.rgb.endswith("F2F2F2"), flag
    # paper: A4 landscape, the header row and whose row it is on every page, four pages across cut
    # where the subject changes, at one readable scale
    setup_ = ws.page_setup
    assert (setup_.orientation, str(setup_.paperSize)) == ("landscape", str(ws.PAPERSIZE_A4))
    assert ws.print_title_rows.replace("$", "") == "1:1" and ws.print_title_cols.replace("$", "") == "A:C"
    assert [b.id for b in ws.col_breaks.brk] == [header.index(h) for h in
                                                  ("Nhóm thành tích", "Số bộ hồ sơ bản chính đã nộp", "Mã hồ sơ")]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and 50 <= setup_.scale <= 100
    assert setup_.pageOrder == "overThenDown"
    # dropdowns and the checkbox reach every row a unit can type in
    for dv in ws.data_validations.dataValidation:
        assert str(dv.sqref).endswith("1048576"), str(dv.sqref)


def test_readable_formatting_costs_nothing_for_an_empty_far_corner(tmp_path, schema, campaign):
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")),
                                               "Gò Dầu": [headers(schema), as_cells(schema, valid_row())]})
    book = openpyxl.load_workbook(path)
    book["Gò Dầu"].cell(1_048_576, 3).value = "lạc"
    book.save(path)
    setup(path, schema, campaign)
    assert len(openpyxl.load_workbook(path)["Gò Dầu"]._cells) < 100  # no cell made for the rows between


def test_a_stray_value_in_the_last_column_costs_one_cell_not_a_column_in_every_row(tmp_path, schema, campaign):
    """Row heights are worked out from the cells a tab holds, not from every column up to the last."""
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")),
                                               "Gò Dầu": [headers(schema), as_cells(schema, valid_row())]})
    book = openpyxl.load_workbook(path)
    book["Gò Dầu"].cell(2, 16_384).value = "lạc"  # column XFD
    book.save(path)
    setup(path, schema, campaign)
    ws = openpyxl.load_workbook(path)["Gò Dầu"]
    assert len(ws.column_dimensions) < 100 and ws.cell(2, 16_384).value == "lạc"


def test_a_new_units_tab_goes_after_the_other_units_not_after_the_jobs_tabs(tmp_path, schema, campaign):
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu"))})
    setup(path, schema, campaign)
    book = openpyxl.load_workbook(path)
    book["Đơn vị"].append(["TC", "Đơn vị TC", "Tân Châu", "tc@vks.vn", "VKS cấp huyện"])
    book.save(path)
    setup(path, schema, campaign)
    names = openpyxl.load_workbook(path).sheetnames
    assert names == ["Hướng dẫn", "Đơn vị", "Gò Dầu", "Tân Châu", "Tổng hợp", "Nhật ký", "Danh mục"]


def test_the_guide_tab_prints_its_section_headings_in_bold_and_nothing_else(tmp_path, schema, campaign):
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu"))})
    setup(path, schema, campaign)
    ws = openpyxl.load_workbook(path)["Hướng dẫn"]
    bold = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1) if ws.cell(r, 1).font.bold]
    assert bold and all(text[:1].isdigit() for text in bold)  # "1. Nhập một dòng …", "2. …"
    assert len(bold) == 4 and bold[0].startswith("1. ")


def test_the_units_guide_in_docs_is_the_text_the_guide_tab_shows(schema, campaign, tmp_path):
    from pathlib import Path

    from automation.guide import UNIT_GUIDE, as_markdown, unit_guide, write_unit_guide
    docs = Path(__file__).resolve().parent.parent / "docs"
    assert (docs / UNIT_GUIDE).read_text(encoding="utf-8") == as_markdown(unit_guide(schema, campaign)), \
        "run 'make guides'"
    assert write_unit_guide(tmp_path / "g.md").read_text(encoding="utf-8") == (docs / UNIT_GUIDE).read_text("utf-8")
    path = tmp_path / "b.xlsx"
    setup(path, schema, campaign)
    shown = [r[0] for r in read_workbook(path)["Hướng dẫn"] if r and r[0]]
    assert shown[0].startswith("HƯỚNG DẪN ĐỀ NGHỊ KHEN THƯỞNG")
    assert "2. Bản tóm tắt thành tích và xác nhận của Thủ trưởng" in shown  # a heading, without its "## "


def test_three_guides_in_vietnamese_are_linked_from_the_readmes_first_screen():
    import re
    import unicodedata
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    first_screen = "\n".join(root.joinpath("README.md").read_text(encoding="utf-8").splitlines()[:20])
    for name in ("huong-dan-don-vi.md", "huong-dan-van-phong.md", "huong-dan-cai-dat.md"):
        text = (root / "docs" / name).read_text(encoding="utf-8")
        assert f"docs/{name}" in first_screen and unicodedata.is_normalized("NFC", text) and len(text) > 2000, name
        for target in re.findall(r"\]\(([^)#]+)\)", text):  # every picture and link it shows is there
            assert (root / "docs" / target).exists(), (name, target)
