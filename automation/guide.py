"""The units' guide: one text, shown in the spreadsheet's `Hướng dẫn` tab and kept as
docs/huong-dan-don-vi.md (`make guides` writes it; a test keeps the two the same).

Built from the schema and the campaign, so the headers, the review words, the tiers and their
copies it names are always those of the spreadsheet the unit has in front of it.
"""

from __future__ import annotations

from pathlib import Path

from automation.campaign import Campaign
from automation.findings import Status
from automation.schema import Key, Schema

SECTION = "## "  # a heading line; the sheet shows it in bold
UNIT_GUIDE = "huong-dan-don-vi.md"


def unit_guide(schema: Schema, campaign: Campaign) -> list[str]:
    """The guide's lines: headings start with SECTION, the rest are paragraphs or "• " items."""
    h = schema.header
    review = schema.review
    tiers = "; ".join(f"{t.name} ({t.copies:02d} bộ)" for t in campaign.tiers)
    classes = [t for t in campaign.tiers if t.classes]
    class_line = (f"• {h(Key.AWARD_CLASS)}: chỉ với {', '.join(t.name for t in classes)} — chọn hạng đề nghị "
                  f"({', '.join(classes[0].classes)}); hình thức khác để trống." if classes else "")
    flags = ", ".join(c.header for c in schema.flag_columns)
    plan = f"Kế hoạch {campaign.code}" if "/KH" in campaign.code else campaign.code
    history = [  # a campaign whose criteria are computed from the register (Lịch sử khen thưởng)
        f"• {h(Key.PERSON_CODE)}: nếu Văn phòng đã cấp mã cá nhân, ghi đúng mã đó (giúp phân biệt người trùng "
        f"họ tên); không có thì để trống và ghi đủ {h(Key.BIRTH_YEAR)}.",
        f"• Tiêu chuẩn của {', '.join(t.name for t in campaign.tiers if t.criteria)} được chương trình tính từ "
        f"tab '{schema.tabs['register']}' do Văn phòng quản lý (xếp loại, danh hiệu, khen thưởng các năm); dòng "
        "chưa đạt ghi rõ tiêu chuẩn, điều khoản và lịch sử còn thiếu gì.",
    ] if campaign.has_criteria else []
    return [
        f"HƯỚNG DẪN ĐỀ NGHỊ KHEN THƯỞNG — {campaign.short_name or campaign.name} ({plan})",
        "Dành cho các đơn vị nhập đề nghị khen thưởng vào bảng tính chung.",
        "",
        f"{SECTION}1. Nhập một dòng cho mỗi cá nhân hoặc tập thể",
        "Mỗi đơn vị nhập vào tab mang tên đơn vị mình; mỗi dòng là một cá nhân hoặc một tập thể được đề nghị. "
        "Dòng trống ở giữa không sao; không gộp ô (nếu gộp, chương trình vẫn đọc nhưng sẽ nhắc tách ô).",
        f"• {h(Key.SUBJECT_TYPE)}: chọn {schema.individual} hoặc {schema.collective}.",
        f"• {h(Key.NAME)}: họ và tên đầy đủ, có dấu; với tập thể, tên đầy đủ của tập thể (không viết tắt).",
        f"• {h(Key.GENDER)}, {h(Key.POSITION)}: bắt buộc với cá nhân.",
        f"• {h(Key.AWARD)}: chọn trong danh sách; số bộ hồ sơ bản chính theo hình thức: {tiers}.",
        *([class_line] if class_line else []),
        f"• {h(Key.SCOPE)}: chọn đúng phạm vi ảnh hưởng của thành tích; hình thức cao cần phạm vi rộng.",
        f"• {h(Key.SUMMARY)}: ghi rõ thành tích, cấp độ và phạm vi ảnh hưởng, ít nhất "
        f"{campaign.min_summary_length} ký tự; xuống dòng trong ô (Alt+Enter) thành đoạn mới trong bản tóm tắt.",
        f"• {h(Key.SITUATION)}: với tập thể, ghi chức năng, nhiệm vụ, số công chức và đặc điểm tình hình; "
        "cá nhân để trống.",
        f"• {h(Key.PROPOSED_ON)}: ngày theo dạng dd/mm/yyyy, từ ngày {campaign.window_start:%d/%m/%Y}.",
        *history,
        "",
        f"{SECTION}2. Bản tóm tắt thành tích và xác nhận của Thủ trưởng",
        "Khi mọi thông tin của dòng đã đúng, chương trình lập bản tóm tắt thành tích (tệp Word, liên kết ở cột "
        f"{h(Key.DOCUMENT)}). In bản tóm tắt, trình Thủ trưởng đơn vị ký xác nhận (đơn vị có con dấu thì đóng "
        f"dấu), rồi đánh dấu (chọn 'Có') ở cột '{h(Key.HEAD_CONFIRMED)}'. Đến lúc đó dòng vẫn ở trạng thái "
        f"{Status.CAN_BO_SUNG.value}.",
        "Bản tóm tắt của đề nghị chưa được Văn phòng đồng ý nằm trong thư mục 'Tóm tắt thành tích chờ thẩm định', "
        "theo tên đơn vị; khi Văn phòng đồng ý, chính tệp đó được chuyển vào thư mục của hình thức khen thưởng.",
        "",
        f"{SECTION}3. Trạng thái và nội dung cần sửa",
        f"Các cột màu xám ({flags}) do chương trình ghi sau mỗi lần kiểm tra; không sửa các cột này.",
        f"• {Status.HOP_LE.value}: đủ điều kiện.",
        f"• {Status.CAN_BO_SUNG.value}: hồ sơ còn thiếu (thiếu thông tin, thiếu bộ hồ sơ, chưa xác nhận, tóm tắt "
        "quá ngắn, thiếu hạng hoặc đặc điểm tình hình).",
        f"• {Status.KHONG_HOP_LE.value}: thông tin nhập chưa đúng (sai danh sách, sai ngày, sai phạm vi, trùng "
        "người, đề nghị hai hình thức).",
        f"Cột '{h(Key.MESSAGES)}': dòng đầu cho biết hồ sơ đang ở đâu với Văn phòng; các dòng sau, mỗi dòng một "
        "việc cần sửa, có tên cột và cách sửa. Dòng bắt đầu bằng 'Lưu ý' là điều Văn phòng sẽ xem xét, không "
        "làm dòng mất hợp lệ. Sửa xong, lần kiểm tra sau (vài phút) sẽ cập nhật.",
        "",
        f"{SECTION}4. Ý kiến của Văn phòng",
        f"Cột '{h(Key.OFFICE_REVIEW)}' và '{h(Key.OFFICE_NOTE)}' do Văn phòng ghi; đơn vị không sửa.",
        "• Hợp lệ, chờ Văn phòng thẩm định: đơn vị chờ, không cần làm gì thêm.",
        f"• {review.approved}: dòng được đưa vào tờ trình (hoặc quyết định) của hình thức đã chọn.",
        f"• {review.more_requested}: đọc nội dung Văn phòng ghi, bổ sung rồi báo Văn phòng.",
        f"• {review.rejected}: đề nghị không được đưa vào tờ trình; lý do ở dòng đầu của cột "
        f"'{h(Key.MESSAGES)}'.",
        "Có thắc mắc, liên hệ Văn phòng.",
    ]


PICTURES = ("![Một tab đơn vị sau lần kiểm tra: các cột đơn vị nhập](bang-tinh-don-vi.png)",
            "![Các cột màu xám do chương trình ghi](bang-tinh-don-vi-cot-chuong-trinh.png)",
            "![Bản tóm tắt thành tích của một cá nhân](tom_tat_ca_nhan-huyen-trang-1.png)")


def as_markdown(lines: list[str]) -> str:
    """The guide as docs/huong-dan-don-vi.md, with the pictures `make previews` draws (the sheet's
    tab has the text only)."""
    out = [f"# {lines[0]}", ""]
    for line, following in zip(lines[1:], [*lines[2:], ""]):
        if line.startswith("• "):
            out.append(f"- {line[2:]}")
            if not following.startswith("• "):
                out.append("")
        elif line:
            out += [line, ""]
    out += ["## Hình ảnh", "", *(f"{picture}\n" for picture in PICTURES)]
    return "\n".join(out).rstrip() + "\n"


def write_unit_guide(path: Path | None = None) -> Path:
    """Write the guide of the default campaign as markdown (`make guides`)."""
    from automation.campaign import load_campaign
    from automation.resources import DEFAULT_CAMPAIGN
    from automation.schema import load_schema

    schema = load_schema()
    campaign = load_campaign(DEFAULT_CAMPAIGN, scopes=schema.column(Key.SCOPE).choices)
    target = path or Path(__file__).resolve().parent.parent / "docs" / UNIT_GUIDE
    target.write_text(as_markdown(unit_guide(schema.with_campaign(campaign), campaign)), encoding="utf-8")
    return target
