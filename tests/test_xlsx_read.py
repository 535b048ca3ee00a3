"""The fast reader gives the snapshot openpyxl's reading gives, on what office suites write."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest

from automation.sheets import Formula, xlsx_read
from automation.sheets.workbook import Workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLES = f"""<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>
<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>
<xf numFmtId="0"><alignment wrapText="1" vertical="top"/></xf></cellXfs></styleSheet>"""
STRINGS = f"""<sst xmlns="{MAIN}"><si><t>Nguyễn Văn An</t></si><si><r><t>Trần </t></r>
<r><rPr><b/></rPr><t>Thị Bình</t></r>
<rPh><t>phonetic</t></rPh></si><si><t xml:space="preserve">  x005F_hai  </t></si><si><t/></si></sst>"""
# What LibreOffice and Excel write and openpyxl does not: shared strings, shared formulas, cells and
# rows without their reference, booleans, errors, ISO dates, merged cells holding values.
SHEET = f"""<worksheet xmlns="{MAIN}" xmlns:r="{R}"><cols><col min="3" max="5" width="30"/></cols><sheetData>
<row r="1" spans="1:8"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>
<c r="C1" t="s" s="3"><v>2</v></c>
<c r="D1" t="s"><v>3</v></c><c r="E1" t="inlineStr"><is><t>inline</t></is></c>
<c r="F1" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c></row>
<row r="2"><c r="A2"><v>42</v></c><c r="B2"><v>4.5</v></c><c r="C2"><v>1E3</v></c><c r="D2" s="1"><v>44515</v></c>
<c r="E2" s="2"><v>20211115</v></c><c r="F2" t="b"><v>1</v></c><c r="G2" t="e"><v>#N/A</v></c>
<c r="H2" t="d"><v>2021-11-15T00:00:00</v></c></row>
<row><c t="str"><v>no reference</v></c><c><v>7</v></c><c r="E3"><v/></c></row>
<row r="4"><c r="A4"><f>1+1</f><v>2</v></c><c r="B4"><f t="shared" ref="B4:B6" si="0">A4*2</f></c>
<c r="C4" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="D4" t="b"><f>TRUE()</f><v>1</v></c>
<c r="E4" s="1"><f>TODAY()</f><v>44515</v></c>
<c r="F4" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="G4"><f t="array" ref="G4">SUM(A1:A2)</f></c></row>
<row r="5"><c r="B5"><f t="shared" si="0"/></c></row>
<row r="6"><c r="B6"><f t="shared" si="0"/><v>12</v></c><c r="C6" t="s"><v>0</v></c><c r="D6" t="s"><v>1</v></c></row>
<row r="7"><c r="C7" t="s"><v>2</v></c></row>
<row r="9"><c r="A9" s="3"/></row>
</sheetData><mergeCells count="1"><mergeCell ref="C6:D7"/></mergeCells></worksheet>"""


def package(path: Path, sheet: str | bytes = SHEET, name: str = "Trang tính") -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="appl'
                   'ication/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/s'
                   'tyles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocu'
                   'ment.spreadsheetml.sharedStrings+xml"/></Types>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{R}"><sheets>'
                   f'<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{R}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{R}/styles" Target="styles.xml"/>'
                   f'<Relationship Id="rId3" Type="{R}/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>')
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/sharedStrings.xml", STRINGS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def same(a, b) -> bool:
    return type(a) is type(b) and a == b


def assert_read_alike(path: Path) -> list[list]:
    fast, _ = xlsx_read.read(path)
    slow = Workbook(path, read_only=True)._read_with_openpyxl()
    assert list(fast.tabs) == list(slow.tabs)
    for title, tab in slow.tabs.items():
        assert fast.tabs[title].merges == tab.merges
        rows = fast.tabs[title].rows
        assert len(rows) == len(tab.rows)
        assert fast.tabs[title].held == tab.held == tuple(i for i, row in enumerate(rows) if row)
        for mine, theirs in zip(rows, tab.rows):
            assert len(mine) == len(theirs) and all(same(a, b) for a, b in zip(mine, theirs)), (mine, theirs)
    return rows


def test_every_kind_of_cell_reads_as_openpyxl_reads_it(tmp_path):
    rows = assert_read_alike(package(tmp_path / "a.xlsx"))
    assert rows[0] == ["Nguyễn Văn An", "Trần Thị Bình", "  hai  ", "", "inline", "ab"]
    assert rows[1] == [42, 4.5, 1000.0, dt.datetime(2021, 11, 15), 20211115, True, "#N/A", dt.datetime(2021, 11, 15)]
    assert rows[2] == ["no reference", 7]
    assert rows[3] == [2, Formula("=A4*2"), "xy", True, dt.datetime(2021, 11, 15),
                       "#DIV/0!", Formula("=SUM(A1:A2)")]
    assert rows[4] == [None, Formula("=A5*2")]  # a shared formula, translated to its cell
    assert rows[5] == [None, 12, "Nguyễn Văn An"]  # D6 lies in the merged range C6:D7: openpyxl drops it
    assert len(rows) == 6  # C7 is merged, A9 holds nothing


def test_where_rows_and_cells_stand_is_kept_for_the_writer(tmp_path):
    path = package(tmp_path / "a.xlsx")
    _, found = xlsx_read.read(path)
    index = found.sheets["Trang tính"]
    data = zipfile.ZipFile(path).read(index.part)
    cells = {index.cells[i]: data[index.cells[i + 1]:index.cells[i + 2]] for i in range(0, len(index.cells), 4)}
    assert cells[2 * xlsx_read.COLUMNS + 4] == b'<c r="D2" s="1"><v>44515</v></c>'
    assert cells[3 * xlsx_read.COLUMNS + 5] == b'<c r="E3"><v/></c>'
    assert cells[5 * xlsx_read.COLUMNS + 2] == b'<c r="B5"><f t="shared" si="0"/></c>'
    assert index.last_row == 9
    assert index.widths == {3: 30.0}
    assert index.lines == {1: {3: 1}}  # C1 wraps (style 3); A9 does too but holds nothing
    assert index.formulas == {4 * xlsx_read.COLUMNS + c for c in range(1, 8)} | {5 * xlsx_read.COLUMNS + 2,
                                                                                   6 * xlsx_read.COLUMNS + 2}


@pytest.mark.parametrize("shape", ["prefixed", "UTF-16"])
def test_a_shape_the_reader_does_not_know_is_read_by_openpyxl(tmp_path, shape):
    if shape == "prefixed":  # SpreadsheetML under a prefix, as some generators write it
        sheet = re.sub(r"<(/?)(?=[a-zA-Z])", r"<\1x:", SHEET).replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"')
        data = sheet.encode()
    else:
        data = ('<?xml version="1.0" encoding="UTF-16"?>' + SHEET).encode("utf-16")
    path = package(tmp_path / "other.xlsx", sheet=data)
    with pytest.raises(xlsx_read.Unreadable):
        xlsx_read.read(path)
    workbook = Workbook(path, read_only=True)
    snapshot = workbook.read()
    assert workbook._package is None  # openpyxl read it
    assert snapshot.tabs["Trang tính"].rows[1][0] == 42


def test_a_stray_value_far_below_costs_one_cell(tmp_path):
    far = SHEET.replace('<row r="9">', '<row r="1048576"><c r="A1048576"><v>1</v></c></row><row r="9">')
    far = far.replace('<row r="1048576"><c r="A1048576"><v>1</v></c></row><row r="9"><c r="A9" s="3"/></row>',
                      '<row r="9"><c r="A9" s="3"/></row><row r="1048576"><c r="A1048576"><v>1</v></c></row>')
    rows = assert_read_alike(package(tmp_path / "far.xlsx", sheet=far))
    assert len(rows) == 1_048_576 and rows[-1] == [1]
    assert sum(1 for row in rows if row) == 7
