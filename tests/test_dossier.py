"""The dossier a văn thư signs and sends, read back from the generated .docx (python-docx).

One test per point of what a procuracy's văn thư checks: the legal bases and their order, the
council's review, what each tier asks and of whom, the signer's authority, the blank date, the
issuer in full, nothing internal on paper, the danh sách's form, the summaries' substance and
confirmations, and a tier's folder holding exactly the dossier to send.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import docx
import openpyxl
import pytest

from automation.campaign import Run, Signer, load_campaign
from automation.documents import PENDING_FOLDER, SUMMARY_FOLDER
from automation.errors import CampaignError
from automation.findings import ReviewState, Status
from automation.render import Renderer
from automation.resources import DEFAULT_CAMPAIGN
from automation.sheets.workbook import Workbook
from automation.store.folder import FolderStore
from automation.sync import evaluate, sync
from tests.docx_text import paragraphs
from tests.builders import (BK_TTG, BK_VKSTC, GIAY_KHEN, HCLD, NOW, as_cells, headers, read_workbook, save_workbook,
                            valid_row)

AGENCY = "Viện kiểm sát nhân dân tỉnh Tây Ninh"
P1 = "Phòng Thực hành quyền công tố và kiểm sát điều tra án hình sự"
GD = "Viện kiểm sát nhân dân huyện Gò Dầu"
TIER_FOLDERS = {HCLD: "01 Huân chương Lao động", BK_TTG: "02 Bằng khen của Thủ tướng Chính phủ",
                BK_VKSTC: "03 Bằng khen của Viện trưởng VKSND tối cao",
                GIAY_KHEN: "04 Giấy khen của Viện trưởng VKSND tỉnh"}
TT = {tier: f"{folder}/Tờ trình đề nghị {tier}.docx" for tier, folder in TIER_FOLDERS.items() if tier != GIAY_KHEN}
QD = f"{TIER_FOLDERS[GIAY_KHEN]}/Quyết định tặng Giấy khen.docx"


def registry_rows():
    return [["Mã đơn vị", "Tên đơn vị", "Tên tab", "Email được sửa", "Loại đơn vị", "Địa danh"],
            ["GD", GD, "Gò Dầu", "gd@vks.vn", "VKS cấp huyện", "Gò Dầu"],
            ["P1", P1, "P1", "p1@vks.vn", "Phòng thuộc VKS tỉnh", ""]]


def gd_rows():
    return [
        valid_row(name="Nguyễn Văn An", position="Phó Viện trưởng", workplace=GD, award=HCLD, award_class="Nhì",
                  scope="Toàn quốc", copies_submitted=5),
        valid_row(name="Trần Văn Bình", workplace=GD, award=HCLD, award_class="Ba", scope="Toàn quốc",
                  copies_submitted=5),
        valid_row(name="Lê Văn Cường", workplace=GD, award=BK_TTG, copies_submitted=4),
        valid_row(name="Phạm Thị Dung", gender="Nữ", workplace=GD, award=BK_VKSTC, copies_submitted=2),
        valid_row(name="Hoàng Văn Em", workplace=GD),  # Giấy khen, approved
        valid_row(name="Đỗ Văn Giang", workplace=GD, office_review=None),  # valid, waiting for the Office
        valid_row(name="Bùi Văn Hải", workplace=GD, office_review="Không đồng ý",
                  office_note="thành tích chưa tiêu biểu"),
        valid_row(name="Võ Văn Khoa", workplace=GD, office_review="Yêu cầu bổ sung",
                  office_note="bổ sung số ngày tham gia chốt"),
        valid_row(name="Ngô Văn Long", workplace=GD, head_confirmed=False),  # all but the head's tick
        valid_row(name=GD, subject_type="Tập thể", gender=None, position=None, birth_year=None, workplace=GD,
                  situation="Đơn vị có 12 công chức, trong đó 7 Kiểm sát viên; địa bàn có nhiều khu cách ly.\n"
                            "Năm 2021 đơn vị vừa phòng, chống dịch vừa hoàn thành nhiệm vụ."),
    ]


def p1_rows():
    return [valid_row(name="Trương Thị Mai", gender="Nữ", position="Kiểm sát viên trung cấp",
                      workplace=f"{P1}, {AGENCY}, {AGENCY}")]


@pytest.fixture
def dossier(tmp_path, schema):
    return save_workbook(tmp_path / "thidua.xlsx", {
        "Đơn vị": registry_rows(),
        "Gò Dầu": [headers(schema)] + [as_cells(schema, r) for r in gd_rows()],
        "P1": [headers(schema)] + [as_cells(schema, r) for r in p1_rows()],
    })


def run(path, campaign, schema, now=NOW):
    store = FolderStore(path.parent / "Hồ sơ", link_base=path.parent)
    return sync(Workbook(path), campaign, schema, store=store, renderer=Renderer(), now=now)


def files(path) -> dict[str, Path]:
    folder = path.parent / "Hồ sơ"
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*.docx")}


def texts(path: Path) -> list[str]:
    return [p.text for p in paragraphs(docx.Document(path))]


def bases(path: Path) -> list[str]:
    return [t for t in texts(path) if t.startswith("Căn cứ")]


def annex(path: Path) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in docx.Document(path).tables[-1].rows[1:]]


def summary_of(path, name) -> Path:
    [found] = [p for n, p in files(path).items() if n.endswith(f" - {name}.docx")]
    return found


# ------------------------------------------------------------------ legal substance

def test_the_decision_cites_its_bases_in_order_of_force_then_the_councils_review(dossier, campaign, schema):
    run(dossier, campaign, schema)
    cited = bases(files(dossier)[QD])
    assert [re.match(r"Căn cứ (\S+ \S+)", b).group(1) for b in cited] == [
        "Luật Tổ", "Luật Thi", "Nghị định", "Thông tư", "Kế hoạch", "Kế hoạch", "kết quả"]
    assert cited[0] == "Căn cứ Luật Tổ chức Viện kiểm sát nhân dân năm 2014;"  # the authority to award
    assert "Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017" in cited[2]
    assert "ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013" in cited[1]
    assert cited[-1] == ("Căn cứ kết quả họp xét của Hội đồng Thi đua, khen thưởng Viện kiểm sát nhân dân tỉnh "
                         "Tây Ninh ngày ……/……/2021;")  # not known yet: dotted blanks for the văn thư
    assert all(b.endswith(";") and b.count("Căn cứ") == 1 for b in cited)
    articles = [p for p in docx.Document(files(dossier)[QD]).paragraphs if p.text.startswith("Điều ")]
    assert [p.runs[0].text for p in articles] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert all(p.runs[0].bold and not p.runs[1].bold for p in articles)


def test_the_to_trinh_cites_the_circular_before_the_plans_and_does_not_repeat_them(dossier, campaign, schema):
    run(dossier, campaign, schema)
    path = files(dossier)[TT[BK_TTG]]
    cited = bases(path)
    kinds = [b.split()[2] for b in cited]
    assert kinds == ["Luật", "Nghị", "Thông", "Kế", "Kế", "kết"]
    assert not any(t.startswith("Thực hiện Kế hoạch") for t in texts(path))
    assert sum("515/KH-VKS" in t for t in texts(path)) == 1


def test_a_campaign_files_bases_are_sorted_by_force_whatever_their_order(tmp_path, base_schema):
    from tests.builders import DATA
    other = load_campaign(DATA / "flood-relief.toml", scopes=base_schema.column("scope").choices)
    assert [b.kind for b in other.legal_bases] == ["Kế hoạch", "Luật"]
    assert [b.kind for b in other.bases_for("quyet_dinh")] == ["Luật", "Kế hoạch"]
    assert other.bases_for("to_trinh") == ()


def test_the_councils_meeting_once_known_is_cited_with_its_minutes(dossier, campaign, schema):
    held = dataclasses.replace(campaign, run=Run(2021, dt.date(2021, 12, 10), "Biên bản số 05/BB-HĐTĐKT"))
    run(dossier, held, schema)
    assert bases(files(dossier)[TT[HCLD]])[-1].endswith(
        "Tây Ninh ngày 10/12/2021 (Biên bản số 05/BB-HĐTĐKT);")


@pytest.mark.parametrize("tier, asks, closing", [
    (HCLD, "kính đề nghị Viện trưởng Viện kiểm sát nhân dân tối cao xem xét, trình Thủ tướng Chính phủ đề nghị "
           "Chủ tịch nước tặng thưởng Huân chương Lao động hạng Nhì cho 01 cá nhân; hạng Ba cho 01 cá nhân",
     "xem xét, trình Thủ tướng Chính phủ đề nghị Chủ tịch nước quyết định./."),
    (BK_TTG, "kính đề nghị Viện trưởng Viện kiểm sát nhân dân tối cao xem xét, trình Thủ tướng Chính phủ tặng "
             "Bằng khen cho 01 cá nhân", "xem xét, trình Thủ tướng Chính phủ quyết định./."),
    (BK_VKSTC, "kính đề nghị Viện trưởng Viện kiểm sát nhân dân tối cao xem xét, quyết định tặng Bằng khen cho "
               "01 cá nhân", "Kính trình Viện trưởng Viện kiểm sát nhân dân tối cao xem xét, quyết định./."),
])
def test_each_tier_asks_the_right_person_for_the_right_thing(dossier, campaign, schema, tier, asks, closing):
    run(dossier, campaign, schema)
    text = "\n".join(texts(files(dossier)[TT[tier]]))
    assert asks in text and closing in text
    assert "VKSND" not in text.split("DANH SÁCH")[0]  # the body names every agency in full


def test_an_order_is_listed_by_class(dossier, campaign, schema):
    run(dossier, campaign, schema)
    rows = annex(files(dossier)[TT[HCLD]])
    assert [r[1] for r in rows] == ["I. HUÂN CHƯƠNG LAO ĐỘNG HẠNG NHÌ", "1. Cá nhân", "Nguyễn Văn An",
                                    "II. HUÂN CHƯƠNG LAO ĐỘNG HẠNG BA", "1. Cá nhân", "Trần Văn Bình"]
    assert "Đề nghị tặng Huân chương Lao động hạng Nhì" in texts(summary_of(dossier, "Nguyễn Văn An"))


@pytest.mark.parametrize("authority, title, behalf, lines", [
    ("", "Viện trưởng", "Viện trưởng", ("VIỆN TRƯỞNG",)),
    ("KT.", "Phó Viện trưởng", "Viện trưởng", ("KT. VIỆN TRƯỞNG", "PHÓ VIỆN TRƯỞNG")),
    ("Q.", "", "Viện trưởng", ("Q. VIỆN TRƯỞNG",)),
    ("TL.", "Chánh Văn phòng", "Viện trưởng", ("TL. VIỆN TRƯỞNG", "CHÁNH VĂN PHÒNG")),
    ("TM.", "Chủ tịch", "Hội đồng Thi đua, khen thưởng", ("TM. HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG", "CHỦ TỊCH")),
])
def test_the_signers_authority_takes_the_forms_of_the_decree(authority, title, behalf, lines):
    assert Signer(authority, title, "Nguyễn Văn X", behalf).lines == lines


def test_a_deputy_signs_on_two_lines_and_the_decision_still_names_the_office(dossier, campaign, schema):
    deputy = dataclasses.replace(campaign, signer=Signer("KT.", "Phó Viện trưởng", "Nguyễn Văn X", "Viện trưởng"))
    run(dossier, deputy, schema)
    for name in (QD, TT[HCLD]):
        lines = texts(files(dossier)[name])
        at = lines.index("KT. VIỆN TRƯỞNG")
        assert lines[at + 1] == "PHÓ VIỆN TRƯỞNG" and "Nguyễn Văn X" in lines[at + 2:at + 8]
        assert not any("Kt." in line or "phó viện trưởng" in line for line in lines)
    assert "VIỆN TRƯỞNG VIỆN KIỂM SÁT NHÂN DÂN TỈNH TÂY NINH" in texts(files(dossier)[QD])


def test_a_signer_form_outside_the_decree_is_refused(tmp_path, base_schema):
    text = DEFAULT_CAMPAIGN.read_text(encoding="utf-8").replace('authority = ""', 'authority = "K/T"')
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CampaignError, match="signer.authority: 'K/T' không phải một trong"):
        load_campaign(tmp_path / "c.toml", scopes=base_schema.column("scope").choices)


# ------------------------------------------------------------------ dates

def test_the_date_is_left_blank_for_the_vanthu_and_the_annex_names_its_document_in_full(dossier, campaign, schema):
    run(dossier, campaign, schema, now=dt.datetime(2026, 12, 2, 8, 0))  # drafted years later: no such date
    tt, qd = texts(files(dossier)[TT[HCLD]]), texts(files(dossier)[QD])
    assert "Tây Ninh, ngày      tháng      năm 2021" in tt
    assert ("(Kèm theo Tờ trình số        /TTr-VKS ngày      tháng      năm 2021 của Viện kiểm sát nhân dân tỉnh "
            "Tây Ninh)") in tt
    assert ("(Kèm theo Quyết định số        /QĐ-VKS ngày      tháng      năm 2021 của Viện trưởng Viện kiểm sát "
            "nhân dân tỉnh Tây Ninh)") in qd
    assert not any("2026" in t for t in tt + qd)


def test_a_fixed_date_of_issue_is_printed_everywhere(dossier, campaign, schema):
    fixed = dataclasses.replace(campaign, run=Run(2021, document_date=dt.date(2021, 12, 6)))
    run(dossier, fixed, schema)
    assert "Tây Ninh, ngày 06 tháng 12 năm 2021" in texts(files(dossier)[QD])
    assert any("/QĐ-VKS ngày 06 tháng 12 năm 2021 của" in t for t in texts(files(dossier)[QD]))
    assert "Gò Dầu, ngày 06 tháng 12 năm 2021" in texts(summary_of(dossier, "Hoàng Văn Em"))


@pytest.mark.parametrize("day", ["2021-10-01", "2023-01-01"])
def test_a_date_of_issue_outside_the_campaign_window_is_refused(tmp_path, base_schema, day):
    text = DEFAULT_CAMPAIGN.read_text(encoding="utf-8").replace("# window_end = 2022-06-30", "window_end = 2022-06-30")
    text = text.replace("# document_date = 2021-12-15", f"document_date = {day}")
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CampaignError, match="run.document_date: ngày .* nằm ngoài thời gian phong trào"):
        load_campaign(tmp_path / "c.toml", scopes=base_schema.column("scope").choices)


# ------------------------------------------------------------------ content and form

def test_a_summary_carries_its_issuer_in_full_and_is_dated_at_its_place(dossier, campaign, schema):
    run(dossier, campaign, schema)
    gd = docx.Document(summary_of(dossier, "Hoàng Văn Em"))
    left = [p.text for p in gd.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert left == ["VKSND TỈNH TÂY NINH", "VIỆN KIỂM SÁT NHÂN DÂN\nHUYỆN GÒ DẦU"]  # never "TÂY / NINH"
    assert "Gò Dầu, ngày      tháng      năm 2021" in texts(summary_of(dossier, "Hoàng Văn Em"))
    p1 = docx.Document(summary_of(dossier, "Trương Thị Mai"))
    left = [p.text for p in p1.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert left[1] == "PHÒNG THỰC HÀNH QUYỀN\nCÔNG TỐ VÀ KIỂM SÁT\nĐIỀU TRA ÁN HÌNH SỰ"
    assert "Tây Ninh, ngày      tháng      năm 2021" in texts(summary_of(dossier, "Trương Thị Mai"))


def test_nothing_internal_reaches_paper(dossier, campaign, schema):
    run(dossier, campaign, schema)
    for name, path in files(dossier).items():
        text = "\n".join(texts(path))
        assert not re.search(r"\b[A-Z0-9]{1,12}-\d{4,9}\b", text), name  # no record id
        for internal in ("Mã hồ sơ", "Nhóm thành tích", "(PHÒNG", "(Phòng", "Gò Dầu'"):
            assert internal not in text, (name, internal)
        assert f"{AGENCY}, {AGENCY}" not in text, name
    for name in (*TT.values(), QD):
        assert all(row[-1] == "" for row in annex(files(dossier)[name]) if row[0].isdigit()), name  # the Office's
    tt = annex(files(dossier)[QD])
    [mai] = [r for r in tt if r[1] == "Trương Thị Mai"]
    assert mai[3] == f"Kiểm sát viên trung cấp, {P1}, {AGENCY}"


def test_the_danh_sach_repeats_its_header_never_splits_a_row_and_is_numbered_on_its_own(dossier, campaign, schema):
    run(dossier, campaign, schema)
    for name in (*TT.values(), QD):
        document = docx.Document(files(dossier)[name])
        table = document.tables[-1]._tbl
        rows = table.findall(docx.oxml.ns.qn("w:tr"))
        assert rows[0].find(f"{docx.oxml.ns.qn('w:trPr')}/{docx.oxml.ns.qn('w:tblHeader')}") is not None
        assert all(r.find(f"{docx.oxml.ns.qn('w:trPr')}/{docx.oxml.ns.qn('w:cantSplit')}") is not None
                   for r in rows[1:]), name
        annex_section = document.sections[-1]._sectPr
        numbering = annex_section.find(docx.oxml.ns.qn("w:pgNumType"))
        assert numbering is not None and numbering.get(docx.oxml.ns.qn("w:start")) == "1", name
        assert "PAGE" in document.sections[-1].header._element.xml


def test_a_summary_states_level_and_scope_as_a_sentence(dossier, campaign, schema):
    run(dossier, campaign, schema)
    assert ("Với những kết quả trên, đồng chí Hoàng Văn Em thực sự có thành tích xuất sắc trong Phong trào thi đua "
            "đặc biệt phòng, chống dịch COVID-19, có phạm vi ảnh hưởng, được nêu gương ở địa phương."
            ) in texts(summary_of(dossier, "Hoàng Văn Em"))
    assert not any(t.startswith("- Cấp độ và phạm vi") for t in texts(summary_of(dossier, "Hoàng Văn Em")))


def test_a_material_contribution_is_written_with_grouped_thousands(tmp_path, campaign, schema):
    path = save_workbook(tmp_path / "b.xlsx", {"Đơn vị": registry_rows(), "Gò Dầu": [
        headers(schema), as_cells(schema, valid_row(workplace=GD, material_contribution=200_000_000))]})
    run(path, campaign, schema)
    [summary] = [p for n, p in files(path).items() if SUMMARY_FOLDER + "/" in n]
    assert "Đóng góp vật chất cho công tác phòng, chống dịch: 200.000.000 đồng." in texts(summary)


def test_a_collectives_summary_opens_with_its_situation_and_is_confirmed_by_the_level_above(dossier, campaign, schema):
    run(dossier, campaign, schema)
    lines = [t for t in texts(summary_of(dossier, GD)) if t]
    at = lines.index("I. ĐẶC ĐIỂM, TÌNH HÌNH")
    assert lines[at + 2].startswith("Đơn vị có 12 công chức") and lines[at + 3].startswith("Năm 2021")
    assert lines.index("II. THÀNH TÍCH ĐẠT ĐƯỢC") > at + 3
    assert "XÁC NHẬN CỦA VIỆN KIỂM SÁT NHÂN DÂN TỈNH TÂY NINH" in lines and "THỦ TRƯỞNG ĐƠN VỊ" in lines
    assert lines.count("(Ký, ghi rõ họ tên, đóng dấu)") == 2  # the district has its seal; the province seals


def test_an_individuals_summary_is_confirmed_by_the_head_and_sealed_by_whoever_has_the_seal(dossier, campaign,
                                                                                            schema):
    run(dossier, campaign, schema)
    district = [t for t in texts(summary_of(dossier, "Hoàng Văn Em")) if t]
    assert "XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ" in district and "NGƯỜI BÁO CÁO THÀNH TÍCH" in district
    assert district.count("(Ký, ghi rõ họ tên, đóng dấu)") == 1 and not any("CỦA VIỆN KIỂM SÁT" in t for t in district)
    department = [t for t in texts(summary_of(dossier, "Trương Thị Mai")) if t]
    head = department.index("XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ")
    assert department[head + 1] == "(Ký, ghi rõ họ tên)"  # a department has no seal of its own
    above = department.index("XÁC NHẬN CỦA VIỆN KIỂM SÁT NHÂN DÂN TỈNH TÂY NINH")
    assert department[above + 1] == "(Ký, ghi rõ họ tên, đóng dấu)"


def test_the_summary_is_drafted_before_the_heads_tick_and_the_row_waits_for_it(dossier, campaign, schema):
    run(dossier, campaign, schema)
    assert f"{PENDING_FOLDER}/{GD}/GD-0009 - Ngô Văn Long.docx" in files(dossier)
    header = headers(schema) + [c.header for c in schema.flag_columns]
    row = dict(zip(header, read_workbook(dossier)["Gò Dầu"][9]))
    assert row["Trạng thái"] == Status.CAN_BO_SUNG and "Thủ trưởng đơn vị xác nhận" in row["Nội dung cần sửa"]
    assert row["Văn bản"].endswith("GD-0009 - Ngô Văn Long.docx")  # the unit finds it from its row


# ------------------------------------------------------------------ exactly the files to send

def test_a_tier_folder_holds_exactly_the_summaries_of_the_nominees_it_lists(dossier, campaign, schema):
    run(dossier, campaign, schema)
    for tier, folder in TIER_FOLDERS.items():
        submission = QD if tier == GIAY_KHEN else TT[tier]
        listed = sorted(r[1] for r in annex(files(dossier)[submission]) if r[0].isdigit())
        summaries = sorted(n.split(" - ", 1)[1][:-5] for n in files(dossier)
                           if n.startswith(f"{folder}/{SUMMARY_FOLDER}/"))
        assert summaries == listed, tier
    pending = sorted(n for n in files(dossier) if n.startswith(PENDING_FOLDER))
    assert pending == [f"{PENDING_FOLDER}/{GD}/GD-0006 - Đỗ Văn Giang.docx",  # waiting
                       f"{PENDING_FOLDER}/{GD}/GD-0008 - Võ Văn Khoa.docx",  # asked for more
                       f"{PENDING_FOLDER}/{GD}/GD-0009 - Ngô Văn Long.docx"]  # waiting for the head's tick
    assert not any("Bùi Văn Hải" in n for n in files(dossier))  # turned down: no summary at all


def test_approval_moves_the_summary_into_the_tier_folder_without_rendering_it_again(dossier, campaign, schema):
    run(dossier, campaign, schema)
    pending = dossier.parent / "Hồ sơ" / PENDING_FOLDER / GD / "GD-0006 - Đỗ Văn Giang.docx"
    before = pending.stat()
    book = openpyxl.load_workbook(dossier)
    book["Gò Dầu"].cell(7, headers(schema).index("Ý kiến thẩm định") + 1).value = "Đồng ý"
    book.save(dossier)
    report = run(dossier, campaign, schema)
    moved = dossier.parent / "Hồ sơ" / TIER_FOLDERS[GIAY_KHEN] / SUMMARY_FOLDER / "GD-0006 - Đỗ Văn Giang.docx"
    assert not pending.exists() and moved.exists()
    assert (moved.stat().st_ino, moved.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # the same file
    assert (report.documents.moved, report.documents.updated, report.documents.created) == (1, 1, 0)  # + the QĐ
    again = run(dossier, campaign, schema)
    assert (again.documents.moved, again.documents.updated, again.documents.created) == (0, 0, 0)


def test_the_row_says_where_it_stands_with_the_office(dossier, campaign, schema):
    evaluation = evaluate(Workbook(dossier), campaign, schema, now=NOW)
    by_name = {v.nomination.value("name"): v for v in evaluation.verdicts.values()}
    assert by_name["Đỗ Văn Giang"].messages == "Hợp lệ, chờ Văn phòng thẩm định"
    assert by_name["Bùi Văn Hải"].messages == "Văn phòng không đồng ý: thành tích chưa tiêu biểu"
    assert by_name["Võ Văn Khoa"].messages == "Văn phòng yêu cầu bổ sung: bổ sung số ngày tham gia chốt"
    assert by_name["Hoàng Văn Em"].messages == "Đã đưa vào quyết định tặng Giấy khen của Viện trưởng VKSND tỉnh"
    names = ("Đỗ Văn Giang", "Bùi Văn Hải", "Võ Văn Khoa", "Hoàng Văn Em")
    assert {by_name[n].review for n in names} == set(ReviewState)


def test_the_office_note_is_never_written_by_the_job(dossier, campaign, schema):
    from tests.sheet_xml import stored_cells
    at = headers(schema).index("Ghi chú của Văn phòng")
    before = stored_cells(dossier)["Gò Dầu"]
    run(dossier, campaign, schema)
    after = stored_cells(dossier)["Gò Dầu"]
    column = openpyxl.utils.get_column_letter(at + 1)
    assert {k: v for k, v in after.items() if re.fullmatch(f"{column}\\d+", k)} == \
        {k: v for k, v in before.items() if re.fullmatch(f"{column}\\d+", k)}


def test_the_overview_counts_where_proposals_stand_per_unit_and_tier(dossier, campaign, schema):
    run(dossier, campaign, schema)
    overview = read_workbook(dossier)["Tổng hợp"]
    gd = dict(zip(overview[0], overview[1]))
    assert (gd["Chờ thẩm định"], gd["Đã đồng ý"], gd["Không đồng ý"], gd["Yêu cầu bổ sung"]) == (1, 7, 1, 1)
    start = next(i for i, r in enumerate(overview) if len(r) > 1 and r[1] == "Hình thức khen thưởng (theo đơn vị)")
    header = overview[start]
    rows = {(r[0], r[1]): {k: v for k, v in zip(header[2:], r[2:]) if k} for r in overview[start + 1:]
            if len(r) > 1 and r[1]}
    assert rows[("GD", GIAY_KHEN)] == {"Đề nghị": 6, "Chờ thẩm định": 1, "Đã đồng ý": 3, "Không đồng ý": 1,
                                       "Yêu cầu bổ sung": 1, "Đưa vào văn bản": 2}
    assert rows[("Tổng cộng", GIAY_KHEN)]["Đề nghị"] == 7 and rows[("Tổng cộng", HCLD)]["Đưa vào văn bản"] == 2
    from automation.record_ids import IdRegister
    from automation.sheets import TabData
    assert IdRegister.read(TabData("Tổng hợp", overview)).issued == {"GD": 10, "P1": 1}  # the block is not read
