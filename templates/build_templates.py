"""Builds the default Word templates of templates/ (run: python templates/build_templates.py).

The templates are docxtpl documents: Jinja tags inside Word, so an Office can open one in Word,
restyle it and save it back (or drop its own .docx with the same name into its templates
folder). This script is how the defaults are made and reviewed, in the format of Nghị định
30/2020/NĐ-CP, Phụ lục I:

- A4 portrait (the annex list in landscape), margins top/bottom 20 mm, left 30 mm, right 15 mm;
- Times New Roman; body 14 pt, justified, first-line indent 1.27 cm, single line spacing, 6 pt after;
- header as a two-column table: parent agency (12 pt, upper case) over the agency (12 pt, upper
  case, bold) and the document number; national name (12 pt, upper case, bold) over the motto
  (13 pt, bold) and the place and date (13 pt, italic);
- title upper case, bold, centred; "Kính gửi:"; "Căn cứ …" lines in italics;
- "Nơi nhận:" bold italic 12 pt, its list 11 pt; signer title upper case bold;
- page numbers centred at the top, from page 2.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
BODY = Pt(14)
TEXT_WIDTH = Mm(210 - 30 - 15)
LANDSCAPE_WIDTH = Mm(297 - 20 - 20)


# ------------------------------------------------------------------ page and styles

def new_document() -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, BODY
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_before, normal.paragraph_format.space_after = Pt(0), Pt(6)
    normal.paragraph_format.line_spacing = 1.0
    for name in ("Header", "Footer", "Table Grid"):
        style = doc.styles[name]
        if hasattr(style, "font"):
            style.font.name = FONT
    a4(doc.sections[0])
    return doc


def a4(section, *, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    if landscape:  # the annex: the binding edge is the top
        section.top_margin, section.bottom_margin = Mm(30), Mm(15)
        section.left_margin, section.right_margin = Mm(20), Mm(20)
    else:
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)


def page_numbers(section, *, skip_first: bool) -> None:
    """A centred PAGE field in the header; none on the first page (Nghị định 30, Phụ lục I)."""
    section.different_first_page_header_footer = skip_first
    section.header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        run.font.name, run.font.size = FONT, Pt(13)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text.strip() == "PAGE":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text


def para(container, text: str = "", *, size: Pt = BODY, bold: bool = False, italic: bool = False,
         align: str = "justify", indent: bool = False, after: Pt | None = None, before: Pt | None = None,
         keep_with_next: bool = False):
    paragraph = container.add_paragraph()
    paragraph.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                           "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    fmt = paragraph.paragraph_format
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if after is not None:
        fmt.space_after = after
    if before is not None:
        fmt.space_before = before
    fmt.keep_with_next = keep_with_next
    if text:
        run = paragraph.add_run(text)
        run.font.name, run.font.size, run.bold, run.italic = FONT, size, bold, italic
    return paragraph


def rule_line(container, *, width_cm: float, cell_width_cm: float) -> None:
    """The short horizontal line under the agency name and under the motto."""
    paragraph = para(container, align="center", after=Pt(0), size=Pt(2))
    side = Cm(max((cell_width_cm - width_cm) / 2, 0))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    run = paragraph.add_run("")
    run.font.size = Pt(2)


def control(container, tag: str) -> None:
    """A paragraph holding only a docxtpl {%p … %} tag: it disappears on render."""
    para(container, tag, after=Pt(0))


def table(container, widths: list, *, grid: bool = False):
    t = container.add_table(rows=1, cols=len(widths))
    if grid:
        t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for column, cell, width in zip(t.columns, t.rows[0].cells, widths):
        column.width = width  # the grid, which LibreOffice follows
        cell.width = width  # the cell, which Word follows
    return t


def no_cell_margins(t) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    t._tbl.tblPr.append(margins)


def keep_on_one_page(t) -> None:
    """A signature block never splits across pages: the title and the name stay together."""
    for row in t.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def clear(cell) -> None:
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)


# ------------------------------------------------------------------ shared blocks

def national_header(doc, *, number_kind: str | None, left_lines: tuple[str, str] = ("{{ org.parent_agency }}",
                                                                            "{{ org.agency }}")) -> None:
    # The national name needs ~92 mm at 12 pt bold: like printed headers, the table reaches 5 mm
    # into the left margin.
    left_width, right_width = Mm(78), Mm(92)
    t = table(doc, [left_width, right_width])
    no_cell_margins(t)
    t.alignment = None
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(-int(Mm(5).twips)))
    indent.set(qn("w:type"), "dxa")
    t._tbl.tblPr.append(indent)
    left, right = t.rows[0].cells
    clear(left)
    clear(right)
    para(left, left_lines[0], size=Pt(12), align="center", after=Pt(0))
    para(left, left_lines[1], size=Pt(12), bold=True, align="center", after=Pt(0))
    rule_line(left, width_cm=2.5, cell_width_cm=7.8)
    if number_kind:  # left blank: the number is given when the document is issued
        para(left, f"Số:        /{number_kind}-{{{{ org.symbol_suffix }}}}", size=Pt(13), align="center",
             before=Pt(6), after=Pt(0))
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=Pt(12), bold=True, align="center", after=Pt(0))
    para(right, "Độc lập - Tự do - Hạnh phúc", size=Pt(13), bold=True, align="center", after=Pt(0))
    rule_line(right, width_cm=5.6, cell_width_cm=9.2)
    para(right, "{{ date_line }}", size=Pt(13), italic=True, align="center", before=Pt(6), after=Pt(0))


def legal_bases(doc) -> None:
    control(doc, "{%p for basis in legal_bases %}")
    para(doc, "{{ basis }}", italic=True, indent=True, after=Pt(3))
    control(doc, "{%p endfor %}")


def recipients_and_signer(doc) -> None:
    t = table(doc, [Mm(80), TEXT_WIDTH - Mm(80)])
    keep_on_one_page(t)
    left, right = t.rows[0].cells
    clear(left)
    clear(right)
    para(left, "Nơi nhận:", size=Pt(12), bold=True, italic=True, align="left", after=Pt(0), before=Pt(6))
    control(left, "{%p for recipient in recipients %}")
    para(left, "- {{ recipient }}", size=Pt(11), align="left", after=Pt(0))
    control(left, "{%p endfor %}")
    # KT. VIỆN TRƯỞNG over PHÓ VIỆN TRƯỞNG: each line of the authority on its own (Nghị định 30, II.8).
    control(right, "{%p for line in signer.lines %}")
    para(right, "{{ line }}", size=Pt(14), bold=True, align="center", after=Pt(0), before=Pt(0))
    control(right, "{%p endfor %}")
    for _ in range(4):
        para(right, "", after=Pt(0))
    para(right, "{{ signer.name }}", size=Pt(14), bold=True, align="center", after=Pt(0))


def annex(doc, *, title: str, attached_to: str) -> None:
    """The danh sách on landscape pages of its own, numbered on its own: rows of headings (I. TẬP
    THỂ, II. CÁ NHÂN, or the classes of an order) and nominees; the header row repeats on every
    page and no row splits across two."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    a4(section, landscape=True)
    restart_page_numbers(section)
    para(doc, "DANH SÁCH", bold=True, align="center", after=Pt(0))
    para(doc, title, bold=True, align="center", after=Pt(0))
    para(doc, attached_to, italic=True, align="center", after=Pt(12))
    widths = [Mm(14), Mm(50), Mm(28), Mm(55), Mm(85), Mm(25)]
    t = table(doc, widths, grid=True)
    headers = ["STT", "Họ và tên / Tên tập thể", "Giới tính, năm sinh", "Chức vụ, đơn vị công tác",
               "Tóm tắt thành tích", "Ghi chú"]
    for cell, text in zip(t.rows[0].cells, headers):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = cell.paragraphs[0].add_run(text)
        run.font.name, run.font.size, run.bold = FONT, Pt(13), True
    _repeat_header(t.rows[0])

    def row(texts: list[str], *, bold: bool = False, merged: bool = False) -> None:
        new = t.add_row()
        new._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        cells = new.cells
        for cell, width, text in zip(cells, widths, texts):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(3)
            centred = text.startswith("{{ line.stt")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
            run = paragraph.add_run(text)
            run.font.name, run.font.size, run.bold = FONT, Pt(13), bold
        if merged:  # one cell across the table; merging keeps every cell's paragraph: drop the empty ones
            cell = cells[0].merge(cells[-1])
            for extra in cell.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)

    row(["{%tr for line in lines %}", "", "", "", "", ""])
    row(["{%tr if line.heading %}", "", "", "", "", ""])
    row(["{{ line.heading }}", "", "", "", "", ""], bold=True, merged=True)
    row(["{%tr else %}", "", "", "", "", ""])
    row(["{{ line.stt }}", "{{ line.name }}", "{{ line.gender_year }}", "{{ line.position_workplace }}",
         "{{ line.summary }}", "{{ line.note }}"])
    row(["{%tr endif %}", "", "", "", "", ""])
    row(["{%tr endfor %}", "", "", "", "", ""])
    para(doc, "Danh sách có {{ count_text }}.", italic=True, before=Pt(6), align="left")


def restart_page_numbers(section) -> None:
    """The annex's own page numbers: from 1, shown from its second page like the document's."""
    page_numbers(section, skip_first=True)
    section.first_page_header.is_linked_to_previous = False
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    section._sectPr.append(numbering)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


# ------------------------------------------------------------------ the four templates

def titled(kind: str | None, title: str, subject: str, left_lines: tuple[str, str] | None = None) -> Document:
    """A new document: page numbers from page 2, the national header, the title and its subject line."""
    doc = new_document()
    page_numbers(doc.sections[0], skip_first=True)
    if left_lines:
        national_header(doc, number_kind=kind, left_lines=left_lines)
    else:
        national_header(doc, number_kind=kind)
    para(doc, title, bold=True, align="center", before=Pt(18), after=Pt(0))
    para(doc, subject, bold=True, align="center", after=Pt(0))
    return doc


def to_trinh() -> Document:
    """Tờ trình đề nghị <tier>, with its danh sách (one per tier decided above the province)."""
    doc = titled("TTr", "TỜ TRÌNH", "Về việc đề nghị tặng {{ tier.name }}")
    rule_line(doc, width_cm=4, cell_width_cm=16.5)
    para(doc, "Kính gửi: {{ tier.addressed_to }}.", align="center", before=Pt(12), after=Pt(12))
    legal_bases(doc)
    para(doc, "Qua bình xét, {{ org.agency_in_text }} đã lựa chọn được {{ count_text }} có thành tích xuất sắc, "
              "tiêu biểu trong {{ campaign.name }}.", indent=True)
    para(doc, "{{ org.agency_in_text }} kính đề nghị {{ tier.addressed_to }} {{ tier.proposal }} {{ award_for }} "
              "(có danh sách kèm theo).", indent=True)
    para(doc, "{{ campaign.dossier_note }}. Số lượng: {{ tier.copies_text }}.", indent=True)
    para(doc, "{{ tier.closing }}", indent=True, keep_with_next=True)  # never a signature alone on a page
    recipients_and_signer(doc)
    annex(doc, title="ĐỀ NGHỊ TẶNG {{ tier.name_upper }}",
          attached_to="(Kèm theo Tờ trình số        /TTr-{{ org.symbol_suffix }} {{ day }} của {{ issued_by }})")
    return doc


def quyet_dinh() -> Document:
    """Quyết định về việc tặng Giấy khen of the provincial chief, with its danh sách."""
    doc = titled("QĐ", "QUYẾT ĐỊNH", "Về việc tặng {{ tier.in_decision }}")
    rule_line(doc, width_cm=4, cell_width_cm=16.5)
    para(doc, "{{ authority }}", bold=True, align="center", before=Pt(12), after=Pt(12))
    legal_bases(doc)
    para(doc, "Xét đề nghị của {{ org.office_head }}.", italic=True, indent=True)
    para(doc, "QUYẾT ĐỊNH:", bold=True, align="center", before=Pt(6), after=Pt(12))
    article(doc, "Điều 1.", "Tặng {{ tier.in_decision }} cho {{ count_text }} (có danh sách kèm theo) đã có thành "
                            "tích xuất sắc trong {{ campaign.name }}.")
    article(doc, "Điều 2.", "Tập thể, cá nhân có tên tại Điều 1 được hưởng chế độ khen thưởng theo quy định của "
                            "pháp luật.")
    article(doc, "Điều 3.", "Quyết định này có hiệu lực kể từ ngày ký. {{ org.office_head_title }}, Thủ trưởng các "
                            "đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
                            "Quyết định này./.", keep_with_next=True)
    recipients_and_signer(doc)
    annex(doc, title="TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG {{ tier.in_decision_upper }}",
          attached_to="(Kèm theo Quyết định số        /QĐ-{{ org.symbol_suffix }} {{ day }} của {{ issued_by }})")
    return doc


def article(doc, number: str, text: str, *, keep_with_next: bool = False) -> None:
    """An article of a Quyết định: "Điều 1." in bold, then its text."""
    paragraph = para(doc, number, bold=True, indent=True, keep_with_next=keep_with_next)
    run = paragraph.add_run(f" {text}")
    run.font.name, run.font.size = FONT, BODY


def signature(cell, title: str, how: str, *, name: str = "") -> None:
    """A confirmation block: who confirms, how (ký, ghi rõ họ tên, đóng dấu), room to sign, a name."""
    para(cell, title, size=Pt(13), bold=True, align="center", after=Pt(0), before=Pt(12))
    para(cell, how, size=Pt(13), italic=True, align="center", after=Pt(0))
    for _ in range(4):
        para(cell, "", after=Pt(0))
    if name:
        para(cell, name, size=Pt(14), bold=True, align="center", after=Pt(0))


def history_table(doc, what: str, rows: str) -> None:
    """A table of the section III of a summary: year, title or award, the decision and who issued it
    (filled from the register, Lịch sử khen thưởng); its header repeats and no row splits."""
    widths = [Mm(18), Mm(62), TEXT_WIDTH - Mm(80)]
    t = table(doc, widths, grid=True)
    for cell, text in zip(t.rows[0].cells, ("Năm", what, "Số, ngày, tháng, năm của quyết định; cơ quan ban hành")):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = cell.paragraphs[0].add_run(text)
        run.font.name, run.font.size, run.bold = FONT, Pt(13), True
    _repeat_header(t.rows[0])
    for texts in (("{%tr for h in " + rows + " %}", "", ""), ("{{ h.year }}", "{{ h.what }}", "{{ h.decision }}"),
                  ("{%tr endfor %}", "", "")):
        new = t.add_row()
        new._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, width, text in zip(new.cells, widths, texts):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if text == "{{ h.year }}" else WD_ALIGN_PARAGRAPH.LEFT
            run = paragraph.add_run(text)
            run.font.name, run.font.size = FONT, Pt(13)


def tom_tat(*, collective: bool) -> Document:
    """Bản tóm tắt thành tích: one per valid nominee, on the unit's letterhead, dated at its place.

    An individual's: the head of the unit confirms beside the one who reports (with the unit's seal;
    a department without one is confirmed and sealed by the provincial procuracy below). A
    collective's: its head signs, the level that proposes it confirms and seals."""
    doc = titled(None, "BẢN TÓM TẮT THÀNH TÍCH", "Đề nghị tặng {{ award }}",
                 left_lines=("{{ unit.parent }}", "{{ unit.name }}"))
    para(doc, "(Trong {{ campaign.name }})", italic=True, align="center", after=Pt(0))
    rule_line(doc, width_cm=4, cell_width_cm=16.5)
    if collective:
        para(doc, "I. ĐẶC ĐIỂM, TÌNH HÌNH", bold=True, align="left", before=Pt(12))
        para(doc, "Tên tập thể: {{ p.name }}.", indent=True)
        para(doc, "{{ p.situation }}", indent=True)
    else:
        para(doc, "I. SƠ LƯỢC LÝ LỊCH", bold=True, align="left", before=Pt(12))
        para(doc, "- Họ và tên: {{ p.name }}.", indent=True, after=Pt(0))
        para(doc, "- Giới tính: {{ p.gender }}{% if p.birth_year %}; năm sinh: {{ p.birth_year }}{% endif %}.",
             indent=True, after=Pt(0))
        para(doc, "- Chức vụ: {{ p.position }}.", indent=True, after=Pt(0))
        para(doc, "- Đơn vị công tác: {{ p.workplace }}.", indent=True)
    para(doc, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True, align="left", before=Pt(6))
    para(doc, "{{ p.summary }}", indent=True)
    control(doc, "{%p if p.contribution_line %}")
    para(doc, "{{ p.contribution_line }}", indent=True)
    control(doc, "{%p endif %}")
    control(doc, "{%p if p.level %}")
    para(doc, "{{ p.level }}", indent=True)
    control(doc, "{%p endif %}")
    control(doc, "{%p if history.shown %}")
    para(doc, "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN", bold=True, align="left", before=Pt(6),
         keep_with_next=True)
    para(doc, "1. Danh hiệu thi đua", indent=True, after=Pt(3), keep_with_next=True)
    history_table(doc, "Danh hiệu thi đua", "history.titles")
    para(doc, "2. Hình thức khen thưởng", indent=True, after=Pt(3), before=Pt(6), keep_with_next=True)
    history_table(doc, "Hình thức khen thưởng", "history.awards")
    control(doc, "{%p endif %}")
    t = table(doc, [Mm(82), TEXT_WIDTH - Mm(82)])
    keep_on_one_page(t)
    left, right = t.rows[0].cells
    clear(left)
    clear(right)
    if collective:
        signature(left, "{{ confirm.above }}", "(Ký, ghi rõ họ tên, đóng dấu)")
        signature(right, "THỦ TRƯỞNG ĐƠN VỊ", "{{ confirm.head_sign }}")
    else:
        signature(left, "XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ", "{{ confirm.head_sign }}")
        signature(right, "NGƯỜI BÁO CÁO THÀNH TÍCH", "(Ký, ghi rõ họ tên)", name="{{ p.name }}")
        control(doc, "{%p if confirm.above %}")
        below = table(doc, [TEXT_WIDTH])
        keep_on_one_page(below)
        clear(below.rows[0].cells[0])
        signature(below.rows[0].cells[0], "{{ confirm.above }}", "(Ký, ghi rõ họ tên, đóng dấu)")
        control(doc, "{%p endif %}")
    return doc


TEMPLATES = {
    "to_trinh.docx": to_trinh,
    "quyet_dinh.docx": quyet_dinh,
    "tom_tat_ca_nhan.docx": lambda: tom_tat(collective=False),
    "tom_tat_tap_the.docx": lambda: tom_tat(collective=True),
}


KEPT_STYLES = {"Normal", "Header", "Footer", "Table Grid", "Normal Table", "Default Paragraph Font", "No List",
               "Hyperlink"}


def prune(doc: Document) -> None:
    """Keep only what the templates use. python-docx's default template carries 800 KB of styles
    (stylesWithEffects.xml, 160 latent styles) and a thumbnail; every render would parse them."""
    styles = doc.styles.element
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    for style in styles.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is None or name.get(qn("w:val")) not in KEPT_STYLES | {s.lower() for s in KEPT_STYLES}:
            styles.remove(style)
    package = doc.part.package
    for rel_key, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rel_key]
    for rel_key, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            del doc.part.rels[rel_key]
    doc.core_properties.title = doc.core_properties.subject = doc.core_properties.comments = ""
    doc.core_properties.author = doc.core_properties.last_modified_by = "thidua"
    doc.core_properties.keywords = doc.core_properties.category = ""


def deterministic(path: Path) -> None:
    """Rewrite the .docx with fixed entry times: an unchanged template keeps its bytes (and so the
    content keys of the documents made from it)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            target.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                            compress_type=zipfile.ZIP_DEFLATED)


def main(folder: Path = HERE) -> None:
    for name, build in TEMPLATES.items():
        doc = build()
        prune(doc)
        doc.save(folder / name)
        deterministic(folder / name)
        print(f"wrote {folder / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
