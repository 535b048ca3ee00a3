"""The Word submissions: who goes in, Nghị định 30 format, incremental rewrites, hostile text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
import unicodedata
import zipfile
from typing import Any
from pathlib import Path

import docx
import openpyxl
import pytest
from docxtpl import DocxTemplate

from automation.campaign import Run
from automation.documents import (PENDING_FOLDER, TEMPLATES, content_key, count_text, day_text, documents_for,
                                  safe_file_name)
from automation.render import Renderer
from automation.sheets.workbook import Workbook
from automation.store.folder import MANIFEST, FolderStore
from automation.sync import evaluate, sync
from tests.docx_text import paragraphs
from tests.builders import (BK_TTG, BK_VKSTC, GIAY_KHEN, HCLD, NOW, as_cells, headers, read_workbook, registry,
                            save_workbook, valid_row)

TT_HCLD = "01 Huân chương Lao động/Tờ trình đề nghị Huân chương Lao động.docx"
QD_GK = "04 Giấy khen của Viện trưởng VKSND tỉnh/Quyết định tặng Giấy khen.docx"


def rows_for_every_tier():
    return [
        valid_row(name="Nguyễn Văn An", award=HCLD, award_class="Ba", scope="Toàn quốc", copies_submitted=5),
        valid_row(name="Viện kiểm sát nhân dân huyện Gò Dầu", subject_type="Tập thể", gender=None, position=None,
                  award=HCLD, award_class="Ba", scope="Toàn quốc", copies_submitted=5,
                  situation="Đơn vị có 12 công chức, trong đó 7 Kiểm sát viên."),
        valid_row(name="Trần Thị Bình", gender="Nữ", award=HCLD, award_class="Ba", scope="Toàn quốc",
                  copies_submitted=5, office_review=None),  # valid, not yet approved: a summary kept apart
        valid_row(name="Lê Văn Cường", award=BK_TTG, scope="Địa phương", copies_submitted=4),
        valid_row(name="Phạm Thị Dung", gender="Nữ", award=BK_VKSTC, copies_submitted=2),
        valid_row(name="Hoàng Văn Em", award=GIAY_KHEN),
        valid_row(name="Võ Văn Phúc", award=GIAY_KHEN, copies_submitted=0),  # incomplete: nothing generated
    ]


@pytest.fixture
def campaign_book(tmp_path, schema):
    return save_workbook(tmp_path / "thidua.xlsx", {
        "Đơn vị": registry(("GD", "Gò Dầu")),
        "Gò Dầu": [headers(schema)] + [as_cells(schema, r) for r in rows_for_every_tier()],
    })


def run(path, campaign, schema, now=NOW, renderer=None):
    store = FolderStore(path.parent / "Hồ sơ", link_base=path.parent)
    return sync(Workbook(path), campaign, schema, store=store, renderer=renderer or Renderer(), now=now)


def docx_files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*.docx")}


def all_text(document: docx.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.first_page_header):
            parts += [p.text for p in part.paragraphs]
    return "\n".join(parts)


def annex_names(document: docx.Document) -> list[str]:
    """Column 2 of the danh sách, section labels included, in order."""
    table = document.tables[-1]
    return [row.cells[1].text for row in table.rows[1:]]


# ------------------------------------------------------------------ who goes in

def test_the_layout_of_the_spec_and_who_goes_in(campaign_book, campaign, schema):
    report = run(campaign_book, campaign, schema)
    files = sorted(docx_files(campaign_book.parent / "Hồ sơ"))
    assert files == sorted([
        TT_HCLD,
        "01 Huân chương Lao động/Tóm tắt thành tích/GD-0001 - Nguyễn Văn An.docx",
        "01 Huân chương Lao động/Tóm tắt thành tích/GD-0002 - Viện kiểm sát nhân dân huyện Gò Dầu.docx",
        f"{PENDING_FOLDER}/Đơn vị GD/GD-0003 - Trần Thị Bình.docx",
        "02 Bằng khen của Thủ tướng Chính phủ/Tờ trình đề nghị Bằng khen của Thủ tướng Chính phủ.docx",
        "02 Bằng khen của Thủ tướng Chính phủ/Tóm tắt thành tích/GD-0004 - Lê Văn Cường.docx",
        "03 Bằng khen của Viện trưởng VKSND tối cao/Tờ trình đề nghị Bằng khen của Viện trưởng VKSND tối cao.docx",
        "03 Bằng khen của Viện trưởng VKSND tối cao/Tóm tắt thành tích/GD-0005 - Phạm Thị Dung.docx",
        QD_GK,
        "04 Giấy khen của Viện trưởng VKSND tỉnh/Tóm tắt thành tích/GD-0006 - Hoàng Văn Em.docx",
    ])
    assert (report.documents.created, report.documents.unchanged) == (10, 0)
    tt = docx.Document(campaign_book.parent / "Hồ sơ" / TT_HCLD)
    # by class, then collectives before individuals; the unapproved nominee is not listed
    assert annex_names(tt) == ["I. HUÂN CHƯƠNG LAO ĐỘNG HẠNG BA", "1. Tập thể", "Viện kiểm sát nhân dân huyện Gò Dầu",
                               "2. Cá nhân", "Nguyễn Văn An"]
    text = all_text(tt)
    assert "05 bộ (bản chính)" in text and "hạng Ba cho 01 tập thể và 01 cá nhân" in text
    assert "Kính gửi: Viện trưởng Viện kiểm sát nhân dân tối cao." in text
    assert "đề nghị Chủ tịch nước tặng thưởng Huân chương Lao động" in text
    qd = docx.Document(campaign_book.parent / "Hồ sơ" / QD_GK)
    assert annex_names(qd) == ["I. CÁ NHÂN", "Hoàng Văn Em"]  # one group: numbered from I.
    assert "Điều 1. Tặng Giấy khen cho 01 cá nhân" in all_text(qd)
    assert "Như Điều 3;" in all_text(qd)


@pytest.mark.parametrize("tier, copies", [(HCLD, "05"), (BK_TTG, "04"), (BK_VKSTC, "02")])
def test_each_to_trinh_states_the_copies_of_its_tier(tmp_path, campaign, schema, tier, copies):
    scope = "Toàn quốc"
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")), "Gò Dầu": [
        headers(schema), as_cells(schema, valid_row(award=tier, scope=scope, copies_submitted=int(copies),
                                                    award_class="Nhì" if tier == HCLD else None))]})
    run(path, campaign, schema)
    [tt] = [p for name, p in docx_files(tmp_path / "Hồ sơ").items() if "Tờ trình" in name]
    assert f"Số lượng: {copies} bộ (bản chính)." in all_text(docx.Document(tt))
    assert tier in tt.name  # never mixing tiers: one submission per tier


def test_without_office_approval_required_every_valid_row_enters(tmp_path, base_schema):
    from automation.campaign import load_campaign
    from tests.builders import DATA
    other = load_campaign(DATA / "flood-relief.toml", scopes=base_schema.column("scope").choices)
    schema = base_schema.with_campaign(other)
    row = valid_row(award="Giấy khen", category="Cứu hộ, cứu nạn", office_review=None,
                    proposed_on=dt.datetime(2022, 10, 1))
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry(("QB", "Lệ Thủy")),
                                               "Lệ Thủy": [headers(schema), as_cells(schema, row)]})
    run(path, other, schema, now=dt.datetime(2022, 11, 1, 8, 0))
    [qd] = [p for name, p in docx_files(tmp_path / "Hồ sơ").items() if name.startswith("02 Giấy khen/Quyết")]
    assert annex_names(docx.Document(qd)) == ["I. CÁ NHÂN", "Nguyễn Văn An"]
    assert "Quảng Bình, ngày 10 tháng 10 năm 2022" in all_text(docx.Document(qd))  # the run's date of issue


# ------------------------------------------------------------------ format (Nghị định 30/2020)

def test_every_generated_document_has_the_decree_format(campaign_book, campaign, schema):
    run(campaign_book, campaign, schema)
    files = docx_files(campaign_book.parent / "Hồ sơ")
    assert files
    for name, path in files.items():
        document = docx.Document(path)
        first, *rest = document.sections
        assert _mm(first.page_width, first.page_height) == (210, 297), name
        top, bottom, left, right = _mm(first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)
        assert 20 <= top <= 25 and 20 <= bottom <= 25 and 30 <= left <= 35 and 15 <= right <= 20, name
        for section in rest:  # the danh sách: A4 landscape
            assert _mm(section.page_width, section.page_height) == (297, 210), name
        assert first.different_first_page_header_footer, name  # no number on page 1
        header_xml = first.header._element.xml
        assert "PAGE" in header_xml and "<w:jc w:val=\"center\"/>" in header_xml, name
        normal = document.styles["Normal"].font
        assert normal.name == "Times New Roman" and normal.size.pt == 14, name
        for paragraph in paragraphs(document):
            for text_run in paragraph.runs:
                assert text_run.font.name in (None, "Times New Roman"), (name, text_run.text)
                if text_run.font.size is not None:
                    assert 2 <= text_run.font.size.pt <= 14, (name, text_run.text)
        text = all_text(document)
        assert "{{" not in text and "{%" not in text and "}}" not in text, name
        assert unicodedata.is_normalized("NFC", text), name
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text, name
        assert "Tây Ninh, ngày      tháng      năm 2021" in text, name  # for the văn thư, not the day drafted


def test_submissions_have_number_recipients_and_signer(campaign_book, campaign, schema):
    run(campaign_book, campaign, schema)
    for name in (TT_HCLD, QD_GK):
        document = docx.Document(campaign_book.parent / "Hồ sơ" / name)
        text = all_text(document)
        assert ("/TTr-VKS" if "Tờ trình" in name else "/QĐ-VKS") in text
        recipients = next(p for p in paragraphs(document) if p.text == "Nơi nhận:")
        assert recipients.runs[0].bold and recipients.runs[0].italic and recipients.runs[0].font.size.pt == 12
        listed = [p for p in paragraphs(document) if p.text.startswith("- Lưu: VT")]
        assert listed and listed[0].runs[0].font.size.pt == 11
        signer = next(p for p in paragraphs(document) if p.text == "VIỆN TRƯỞNG")
        assert signer.runs[0].bold
        assert "Ngô Văn Hồi" in text
        bases = [p for p in paragraphs(document) if p.text.startswith("Căn cứ")]
        assert len(bases) == (6 if "Tờ trình" in name else 7) and all(r.italic for p in bases for r in p.runs)


def _mm(*lengths) -> tuple[int, ...]:
    """Whole millimetres: Word stores page sizes in twips, a little off the exact EMU of Mm()."""
    return tuple(round(length.mm) for length in lengths)


@pytest.mark.parametrize("day, expected", [
    (dt.date(2021, 11, 8), "ngày 08 tháng 11 năm 2021"),
    (dt.date(2022, 1, 5), "ngày 05 tháng 01 năm 2022"),
    (dt.date(2022, 2, 28), "ngày 28 tháng 02 năm 2022"),
    (dt.date(2022, 3, 10), "ngày 10 tháng 3 năm 2022"),
    (dt.date(2022, 12, 31), "ngày 31 tháng 12 năm 2022"),
    (None, "ngày      tháng      năm 2021"),  # not set: blanks for the văn thư, the campaign's year
])
def test_dates_have_leading_zeros_below_10_and_for_months_1_and_2(campaign, day, expected):
    run = Run(day.year if day else 2021, document_date=day)
    assert day_text(dataclasses.replace(campaign, run=run)) == expected


@pytest.mark.parametrize("collectives, individuals, expected", [
    (1, 4, "01 tập thể và 04 cá nhân"), (0, 12, "12 cá nhân"), (3, 0, "03 tập thể")])
def test_count_text(collectives, individuals, expected):
    assert count_text(collectives, individuals) == expected


@pytest.mark.parametrize("name, expected", [
    ("P1-0007 - Nguyễn Văn An", "P1-0007 - Nguyễn Văn An"),
    ("A/B: C*D?", "A-B- C-D"),
    ("x" * 300, "x" * 120),
    ("  ", "Không tên"),
])
def test_safe_file_names(name, expected):
    assert safe_file_name(name) == expected


def test_every_template_declares_only_variables_the_data_supplies(campaign_book, campaign, schema):
    renderer = Renderer()
    evaluation = evaluate(Workbook(campaign_book), campaign, schema, now=NOW)
    specs = documents_for(evaluation.verdicts.values(), campaign, schema, renderer.digests(TEMPLATES.values()))
    contexts = {spec.template: spec.context for spec in specs}
    assert set(contexts) == set(TEMPLATES.values())
    for name, context in contexts.items():
        template = DocxTemplate(Path("templates") / name)
        assert template.get_undeclared_template_variables(context=context) == set(), name


# ------------------------------------------------------------------ incremental

def _stamp(folder):
    return {name: (p.stat().st_mtime_ns, p.stat().st_size) for name, p in docx_files(folder).items()}


def test_each_documents_data_is_built_again_as_its_key_says(campaign_book, campaign, schema):
    """A spec holds what builds its data, not the data (20,000 contexts were 70 MB held for the
    comparison alone): built again to render, it is what the key was made of."""
    renderer = Renderer()
    digests = renderer.digests(TEMPLATES.values())
    evaluation = evaluate(Workbook(campaign_book), campaign, schema, now=NOW)
    specs = documents_for(evaluation.verdicts.values(), campaign, schema, digests)
    assert {s.template for s in specs} == set(TEMPLATES.values())
    for spec in specs:
        assert content_key(digests[spec.template], spec.context) == spec.key, spec.doc_id
        assert spec.context == spec.context and spec.context is not spec.context


def test_an_unchanged_resync_writes_no_file(campaign_book, campaign, schema):
    run(campaign_book, campaign, schema)
    before = _stamp(campaign_book.parent / "Hồ sơ")
    manifest = (campaign_book.parent / "Hồ sơ" / MANIFEST).stat().st_mtime_ns
    report = run(campaign_book, campaign, schema, now=NOW + dt.timedelta(days=3))  # even on another day
    assert (report.documents.created, report.documents.updated, report.documents.unchanged,
            report.documents.withdrawn) == (0, 0, 10, 0)
    assert _stamp(campaign_book.parent / "Hồ sơ") == before
    assert (campaign_book.parent / "Hồ sơ" / MANIFEST).stat().st_mtime_ns == manifest


def _edit(path, schema, row, **values):
    book = openpyxl.load_workbook(path)
    ws = book["Gò Dầu"]
    for key, value in values.items():
        ws.cell(row, headers(schema).index(schema.column(key).header) + 1).value = value
    book.save(path)


def test_a_changed_row_rewrites_its_summary_and_its_submission_only(campaign_book, campaign, schema):
    run(campaign_book, campaign, schema)
    folder = campaign_book.parent / "Hồ sơ"
    before = _stamp(folder)
    _edit(campaign_book, schema, 2, position="Kiểm sát viên cao cấp")  # Nguyễn Văn An, HCLĐ, in the Tờ trình
    report = run(campaign_book, campaign, schema)
    after = _stamp(folder)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {TT_HCLD, "01 Huân chương Lao động/Tóm tắt thành tích/GD-0001 - Nguyễn Văn An.docx"}
    assert (report.documents.updated, report.documents.unchanged) == (2, 8)
    assert "Kiểm sát viên cao cấp" in all_text(docx.Document(folder / TT_HCLD))


def test_a_nominee_who_leaves_has_the_documents_moved_to_the_archive(campaign_book, campaign, schema):
    run(campaign_book, campaign, schema)
    folder = campaign_book.parent / "Hồ sơ"
    _edit(campaign_book, schema, 7, copies_submitted=0)  # Hoàng Văn Em, the only Giấy khen: now incomplete
    report = run(campaign_book, campaign, schema)
    files = docx_files(folder)
    assert QD_GK not in files and "Lưu trữ/Quyết định tặng Giấy khen.docx" in files
    assert "Lưu trữ/GD-0006 - Hoàng Văn Em.docx" in files
    assert report.documents.withdrawn == 2
    flags = {r[2]: r for r in read_workbook(campaign_book)["Gò Dầu"][1:]}
    assert flags["Hoàng Văn Em"][headers(schema).__len__() + 3] is None  # Văn bản cleared
    # back again: new documents; the archived ones stay
    _edit(campaign_book, schema, 7, copies_submitted=1)
    run(campaign_book, campaign, schema)
    files = docx_files(folder)
    assert QD_GK in files and "Lưu trữ/Quyết định tặng Giấy khen.docx" in files


def test_a_renamed_nominee_gets_a_new_file_and_the_old_one_is_archived(campaign_book, campaign, schema):
    run(campaign_book, campaign, schema)
    _edit(campaign_book, schema, 6, name="Phạm Thị Dung Em")
    run(campaign_book, campaign, schema)
    files = docx_files(campaign_book.parent / "Hồ sơ")
    assert "03 Bằng khen của Viện trưởng VKSND tối cao/Tóm tắt thành tích/GD-0005 - Phạm Thị Dung Em.docx" in files
    assert "Lưu trữ/GD-0005 - Phạm Thị Dung.docx" in files


def test_a_document_edited_by_hand_is_kept_when_its_data_changes(campaign_book, campaign, schema):
    run(campaign_book, campaign, schema)
    folder = campaign_book.parent / "Hồ sơ"
    edited = folder / TT_HCLD
    edited.write_bytes(edited.read_bytes() + b"")  # touched by Word: same bytes, new time
    os.utime(edited, ns=(1, 1))
    _edit(campaign_book, schema, 2, position="Kiểm sát viên cao cấp")
    run(campaign_book, campaign, schema)
    assert (folder / "Lưu trữ" / Path(TT_HCLD).name).exists() and (folder / TT_HCLD).exists()


def test_a_changed_template_rewrites_the_documents_made_from_it(campaign_book, campaign, schema, tmp_path):
    run(campaign_book, campaign, schema)
    own = tmp_path / "mẫu"
    own.mkdir()
    template = docx.Document(Path("templates") / "quyet_dinh.docx")
    template.add_paragraph("Mẫu riêng của Văn phòng.")
    template.save(own / "quyet_dinh.docx")
    report = run(campaign_book, campaign, schema, renderer=Renderer([own]))
    assert (report.documents.updated, report.documents.unchanged) == (1, 9)
    assert "Mẫu riêng của Văn phòng." in all_text(docx.Document(campaign_book.parent / "Hồ sơ" / QD_GK))


def test_the_row_links_to_its_summary_relative_to_the_workbook(campaign_book, campaign, schema):
    run(campaign_book, campaign, schema)
    ws = openpyxl.load_workbook(campaign_book)["Gò Dầu"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(2, header.index("Văn bản") + 1)
    assert cell.value == "Hồ sơ/01 Huân chương Lao động/Tóm tắt thành tích/GD-0001 - Nguyễn Văn An.docx"
    assert (campaign_book.parent / cell.value).is_file() and cell.hyperlink.target == cell.value
    incomplete = ws.cell(8, header.index("Văn bản") + 1)
    assert incomplete.value is None


# ------------------------------------------------------------------ hostile text

@pytest.mark.parametrize("name, summary", [
    ("Nguyễn <Văn> & \"An\" 'Út'", "Thành tích <b>đặc biệt</b> & \"xuất sắc\" — 'trọn vẹn' " * 5),
    ("Trần Thị Bình", "Dòng thứ nhất của tóm tắt thành tích, đủ dài để đạt mức tối thiểu của chiến dịch.\n"
                      "Dòng thứ hai: kết quả cụ thể, cấp độ và phạm vi ảnh hưởng được ghi nhận.\n\nDòng ba."),
    (unicodedata.normalize("NFD", "Lê Thị Hồng Nhung"), unicodedata.normalize("NFD", "Tóm tắt viết dạng NFD. " * 10)),
    ("Phạm\x0b Văn\x1f Dũng\u200b", "Có ký tự điều khiển \x01\x02 giữa chừng; " * 6),
    ("Võ Văn Em", "Rất dài. " * 2500),
    ("{{ org.agency }} {% if %}", "Văn bản có dấu ngoặc nhọn {{ x }} và {% for %} của Jinja, phải giữ nguyên. " * 3),
])
def test_hostile_text_makes_a_valid_document(tmp_path, campaign, schema, name, summary):
    from tests.builders import MemorySheet
    row = valid_row(name=name, summary=summary)
    sheet = MemorySheet({"Đơn vị": registry(("GD", "Gò Dầu")), "Gò Dầu": [headers(schema), as_cells(schema, row)]})
    store = FolderStore(tmp_path / "out")
    report = sync(sheet, campaign, schema, store=store, renderer=Renderer(), now=NOW)
    assert report.documents.created == 2
    for path in docx_files(tmp_path / "out").values():
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
        text = all_text(docx.Document(path))  # re-opens: the XML is valid
        clean_name = unicodedata.normalize("NFC", name).replace("\x0b", "").replace("\x1f", "").replace("\u200b", "")
        assert " ".join(clean_name.split()) in text


def test_line_breaks_in_a_summary_become_paragraphs(tmp_path, campaign, schema):
    from tests.builders import MemorySheet
    summary = ("Đoạn một nói về thành tích trực tiếp tham gia phòng, chống dịch tại địa phương trong nhiều tháng.\n"
               "Đoạn hai nói về cấp độ và phạm vi ảnh hưởng của thành tích được Ủy ban nhân dân tỉnh ghi nhận.")
    sheet = MemorySheet({"Đơn vị": registry(("GD", "Gò Dầu")),
                         "Gò Dầu": [headers(schema), as_cells(schema, valid_row(summary=summary))]})
    sync(sheet, campaign, schema, store=FolderStore(tmp_path / "out"), renderer=Renderer(), now=NOW)
    [summary_doc] = [p for n, p in docx_files(tmp_path / "out").items() if "Tóm tắt" in n]
    paragraphs = [p for p in docx.Document(summary_doc).paragraphs if p.text.startswith("Đoạn")]
    assert [p.text[:7] for p in paragraphs] == ["Đoạn mộ", "Đoạn ha"]
    assert all(p.paragraph_format.first_line_indent for p in paragraphs)  # the template's formatting kept


def test_parallel_rendering_gives_the_same_documents(campaign_book, campaign, schema):
    renderer = Renderer()
    evaluation = evaluate(Workbook(campaign_book), campaign, schema, now=NOW)
    specs = documents_for(evaluation.verdicts.values(), campaign, schema, renderer.digests(TEMPLATES.values()))
    jobs = [(s.template, s.context) for s in specs] * 3  # enough to use the pool
    serial = [all_text(docx.Document(_io(b))) for b in renderer.render_many(jobs, workers=1)]
    parallel = [all_text(docx.Document(_io(b))) for b in renderer.render_many(jobs, workers=2)]
    assert len(jobs) >= 24 and serial == parallel


def _io(data: bytes):
    import io
    return io.BytesIO(data)


def test_a_reused_template_renders_exactly_what_a_fresh_docxtpl_does(campaign_book, campaign, schema):
    """The renderer parses each template once and resets it; the XML must not drift between renders."""
    renderer = Renderer()
    evaluation = evaluate(Workbook(campaign_book), campaign, schema, now=NOW)
    specs = documents_for(evaluation.verdicts.values(), campaign, schema, renderer.digests(TEMPLATES.values()))
    for spec in specs + specs[::-1]:  # every template several times, in two orders
        fresh = DocxTemplate(Path("templates") / spec.template)
        fresh.render(spec.context, autoescape=True)
        expected = _io(b"")
        fresh.save(expected)
        assert _parts(renderer.render(spec.template, spec.context)) == _parts(expected.getvalue()), spec.path


@pytest.mark.parametrize("mark", ["\t", "\n", "\a", "\f", "\n\n\t"])
def test_tabs_and_breaks_in_values_come_out_as_a_fresh_docxtpl_makes_them(campaign_book, campaign, schema, mark):
    """docxtpl turns a tab, a line break, a new paragraph (\\a) or a page break (\\f) written in a
    value into Word's own; the renderer does that work only on the paragraphs that hold one, and
    must come out the same."""
    renderer = Renderer()
    evaluation = evaluate(Workbook(campaign_book), campaign, schema, now=NOW)
    specs = documents_for(evaluation.verdicts.values(), campaign, schema, renderer.digests(TEMPLATES.values()))
    for spec in [next(s for s in specs if s.template == name) for name in sorted({s.template for s in specs})]:
        context = {key: f"đầu{mark}cuối {value}" if isinstance(value, str) else value
                   for key, value in spec.context.items()}
        fresh = DocxTemplate(Path("templates") / spec.template)
        fresh.render(context, autoescape=True)
        expected = _io(b"")
        fresh.save(expected)
        assert _parts(renderer.render(spec.template, context)) == _parts(expected.getvalue()), spec.template


def _parts(data: bytes) -> list[tuple[str, Any]]:
    """Every member of the package, in order, with its bytes (the zip's own check passed); the core
    properties by their values: docxtpl writes an empty element for each text property it renders,
    thidua leaves a template's properties without fields as they are."""
    with zipfile.ZipFile(_io(data)) as z:
        assert z.testzip() is None
        parts: list[tuple[str, Any]] = [(name, z.read(name)) for name in z.namelist()]
    core = docx.Document(_io(data)).core_properties
    properties = tuple((name, getattr(core, name) or "") for name in ("author", "comments", "identifier", "language",
                                                                      "subject", "title", "created", "revision"))
    return [(name, properties if name == "docProps/core.xml" else blob) for name, blob in parts]


def test_after_a_long_danh_sach_the_next_document_is_exactly_a_fresh_render(campaign_book, campaign, schema):
    """The reset puts back a copy of the pristine document element: what the last render held
    (here a danh sách of 400) leaves no trace in the next document, and costs it nothing."""
    renderer = Renderer()
    evaluation = evaluate(Workbook(campaign_book), campaign, schema, now=NOW)
    specs = documents_for(evaluation.verdicts.values(), campaign, schema, renderer.digests(TEMPLATES.values()))
    submission = next(s for s in specs if s.template == "to_trinh.docx")
    long_list = {**submission.context, "lines": submission.context["lines"] * 200}
    renderer.render(submission.template, long_list)
    fresh = DocxTemplate(Path("templates") / submission.template)
    fresh.render(submission.context, autoescape=True)
    expected = _io(b"")
    fresh.save(expected)
    assert _parts(renderer.render(submission.template, submission.context)) == _parts(expected.getvalue())


def test_the_parts_a_render_never_touches_are_compressed_once_per_template(campaign_book, campaign, schema,
                                                                             monkeypatch):
    """Styles, numbering, theme, fonts, settings, the headers without fields, the content types and
    the relationships: serialised for the first document of a template, never again."""
    from docx.opc.part import XmlPart
    renderer = Renderer()
    evaluation = evaluate(Workbook(campaign_book), campaign, schema, now=NOW)
    specs = [s for s in documents_for(evaluation.verdicts.values(), campaign, schema,
                                      renderer.digests(TEMPLATES.values())) if s.template == "tom_tat_ca_nhan.docx"]
    serialised: list[str] = []
    blob = XmlPart.blob.fget

    def counting(part):
        serialised.append(str(part.partname))
        return blob(part)
    monkeypatch.setattr(XmlPart, "blob", property(counting))
    renderer.render(specs[0].template, specs[0].context)
    first = list(serialised)
    serialised.clear()
    for spec in specs[1:]:
        renderer.render(spec.template, spec.context)
    assert "/word/styles.xml" in first and "/word/numbering.xml" in first and len(specs) >= 3
    # Nothing else is serialised again: the document itself is written from the tree its render
    # parsed (automation.docx_template), never through its part.
    assert serialised == []
    writer = renderer._templates[specs[0].template]._writer
    kept = len(writer._kept)
    for spec in specs:
        renderer.render(spec.template, spec.context)
    assert len(writer._kept) == kept  # nothing accumulates from one document to the next


def test_an_offices_template_with_a_field_in_its_header_renders_as_docxtpl_does(tmp_path, campaign_book, campaign,
                                                                                schema):
    """docxtpl puts a new part in place of a header that holds a field, at every render: each
    document gets its own header, what was kept for the template does not grow with them."""
    own = tmp_path / "own"
    own.mkdir()
    template = docx.Document(str(Path("templates") / "tom_tat_ca_nhan.docx"))
    template.sections[0].header.paragraphs[0].add_run("Hồ sơ của {{ p.name }}")
    template.save(str(own / "tom_tat_ca_nhan.docx"))
    renderer = Renderer([own])
    evaluation = evaluate(Workbook(campaign_book), campaign, schema, now=NOW)
    specs = [s for s in documents_for(evaluation.verdicts.values(), campaign, schema,
                                      renderer.digests(TEMPLATES.values())) if s.template == "tom_tat_ca_nhan.docx"]
    kept = None
    for spec in specs + specs:
        fresh = DocxTemplate(own / spec.template)
        fresh.render(spec.context, autoescape=True)
        expected = _io(b"")
        fresh.save(expected)
        rendered = renderer.render(spec.template, spec.context)
        assert _parts(rendered) == _parts(expected.getvalue())
        header = docx.Document(_io(rendered)).sections[0].header
        assert f"Hồ sơ của {spec.context['p']['name']}" in header.paragraphs[0].text
        writer = renderer._templates[spec.template]._writer
        kept = len(writer._kept) if kept is None else kept
        assert len(writer._kept) == kept


@pytest.mark.parametrize("parallel", [1, 4])
def test_documents_are_saved_as_they_come_out_of_the_renderer_never_all_held(campaign_book, campaign, schema,
                                                                             tmp_path, parallel):
    """However slow the store, only a few rendered documents wait for it (Drive saves 4 at once)."""
    from automation.publish import SAVES_AHEAD, publish
    renderer = Renderer()
    evaluation = evaluate(Workbook(campaign_book), campaign, schema, now=NOW)
    specs = [dataclasses.replace(s, doc_id=f"{s.doc_id}#{copy}", path=f"{copy}/{s.path}") for copy in range(5)
             for s in documents_for(evaluation.verdicts.values(), campaign, schema,
                                    renderer.digests(TEMPLATES.values()))]
    yielded, waiting = [0], []

    class Counting(Renderer):
        def render_many(self, drafts, *, workers=None):
            for data in super().render_many(drafts, workers=1):
                yielded[0] += 1
                yield data

    store = FolderStore(tmp_path / "out")
    store.parallel = parallel
    save = store.save

    def slow_save(spec, data, previous):
        waiting.append(yielded[0] - len(waiting))  # rendered but not yet taken by the store
        time.sleep(0.01)  # a store slower than the renderer (Drive): the bound must hold whatever the pace
        return save(spec, data, previous)
    store.save = slow_save
    counts, _ = publish(specs, store, Counting())
    assert counts.created == len(specs) > 3 * SAVES_AHEAD * parallel
    assert max(waiting) <= SAVES_AHEAD * parallel + 1
