"""What `thidua setup` makes sure the spreadsheet has: tabs, headers, dropdowns, colours.

The layout is pure, built from the schema, the campaign and the registry; each backend applies
it (`Spreadsheet.setup`). `set_up` is the whole setup pass: read the registry, build, apply.
"""

from __future__ import annotations

import datetime as dt

from automation.campaign import Campaign
from automation.errors import ThiduaError
from automation.findings import Status
from automation.intake import read_intake
from automation.nomination import Unit
from automation.schema import Column, Key, Schema
from automation.sheets import ColumnLayout, Layout, Spreadsheet, TabLayout

STATUS_FILLS = {Status.HOP_LE.value: "C6EFCE", Status.CAN_BO_SUNG.value: "FFEB9C", Status.KHONG_HOP_LE.value: "FFC7CE"}


def guide_rows(schema: Schema, campaign: Campaign) -> tuple[tuple[str, ...], ...]:
    tiers = "; ".join(f"{t.name} ({t.copies:02d} bộ)" for t in campaign.tiers)
    lines = [
        f"HƯỚNG DẪN ĐỀ NGHỊ KHEN THƯỞNG — {campaign.short_name or campaign.name} (Kế hoạch {campaign.code})",
        "",
        "1. Mỗi đơn vị nhập vào tab mang tên đơn vị mình; mỗi dòng là một cá nhân hoặc một tập thể được đề nghị.",
        "2. Chọn giá trị trong danh sách thả xuống ở các cột Đối tượng, Giới tính, Hình thức đề nghị, "
        f"{schema.header(Key.AWARD_CLASS)} (chỉ với hình thức có hạng), Nhóm thành tích, Phạm vi ảnh hưởng.",
        "3. Tóm tắt thành tích ghi rõ thành tích, cấp độ và phạm vi ảnh hưởng, "
        f"ít nhất {campaign.min_summary_length} ký tự; với tập thể, ghi thêm cột "
        f"'{schema.header(Key.SITUATION)}' (chức năng, nhiệm vụ, đặc điểm tình hình).",
        f"4. Số bộ hồ sơ bản chính theo hình thức: {tiers}.",
        "5. Khi dòng đã đúng, chương trình lập bản tóm tắt thành tích (liên kết ở cột Văn bản): in, trình Thủ "
        f"trưởng đơn vị ký, rồi chọn 'Có' ở cột '{schema.header(Key.HEAD_CONFIRMED)}'.",
        f"6. Ngày đề nghị ghi theo dạng dd/mm/yyyy, từ ngày {campaign.window_start:%d/%m/%Y}.",
        "7. Không sửa các cột màu xám (Mã hồ sơ, Trạng thái, Nội dung cần sửa, Văn bản, Kiểm tra lúc): "
        "chương trình tự ghi sau mỗi lần kiểm tra.",
        f"8. Cột '{schema.header(Key.OFFICE_REVIEW)}' và '{schema.header(Key.OFFICE_NOTE)}' do Văn phòng ghi; "
        "dòng đầu của cột Nội dung cần sửa cho biết hồ sơ đang chờ thẩm định, đã được đưa vào tờ trình, "
        "không được đồng ý hay cần bổ sung gì.",
        "",
        "Ý nghĩa trạng thái:",
        f"• {Status.HOP_LE.value}: đủ điều kiện; chờ Văn phòng thẩm định.",
        f"• {Status.CAN_BO_SUNG.value}: hồ sơ còn thiếu "
        "(thiếu thông tin, thiếu bộ hồ sơ, chưa xác nhận, tóm tắt quá ngắn).",
        f"• {Status.KHONG_HOP_LE.value}: thông tin nhập chưa đúng (sai danh sách, sai ngày, sai phạm vi, trùng người).",
        "Xem cột 'Nội dung cần sửa' để biết cần sửa gì; sửa xong, lần kiểm tra sau sẽ cập nhật trạng thái.",
    ]
    return tuple((line,) for line in lines)


# A unit tab has some 25 columns: on one A4 page across they would print at 3 pt. On paper each
# block of rows takes four pages across, cut where a reader changes subject — who is proposed for
# what; the achievement; the dossier and the Office's word; what the job says — and the first
# three columns (STT, Đối tượng, the name) repeat on each, so every page says whose row it is.
PAGE_STARTS = (Key.CATEGORY, Key.COPIES_SUBMITTED, Key.RECORD_ID)
REPEATED_COLUMNS = 3
WRAPPED_WIDTH = 20  # a text (or long choice) column this wide or wider holds sentences: wrapped
MONEY = "[$-42A]#,##0"  # thousands grouped with dots whatever the reader's locale (vi-VN: 0x042A)


def _column(c: Column, *, flag: bool = False, office: bool = False) -> ColumnLayout:
    return ColumnLayout(header=c.header, width=c.width, aliases=c.aliases,
                        choices=c.choices if c.type == "choice" else (), checkbox=c.type == "checkbox",
                        flag=flag, office=office, status_colours=c.key == Key.STATUS,
                        wrap=c.multiline or (c.type in ("text", "choice") and c.width >= WRAPPED_WIDTH),
                        number_format=MONEY if c.type == "number" else "", page_break=c.key in PAGE_STARTS)


def build_layout(schema: Schema, campaign: Campaign, units: tuple[Unit, ...], *,
                 office: tuple[str, ...] = ()) -> Layout:
    schema = schema.with_campaign(campaign)
    unit_columns = (tuple(_column(c) for c in schema.unit_columns)
                    + tuple(_column(c, office=True) for c in schema.office_columns)
                    + tuple(_column(c, flag=True) for c in schema.flag_columns))
    tabs = [
        TabLayout(schema.tabs["guide"], (), guide_rows(schema, campaign)),
        TabLayout(schema.tabs["registry"], tuple(_column(c) for c in schema.registry_columns)),
        *(TabLayout(u.tab, unit_columns, editors=u.editors, repeat_columns=REPEATED_COLUMNS) for u in units),
        TabLayout(schema.tabs["overview"], ()),
        TabLayout(schema.tabs["log"], ()),
        TabLayout(schema.tabs["lists"], (), hidden=True),
    ]
    return Layout(tuple(tabs), STATUS_FILLS, office_editors=office, registry_title=schema.tabs["registry"],
                  guide_title=schema.tabs["guide"])


def set_up(sheet: Spreadsheet, campaign: Campaign, schema: Schema, *, today: dt.date,
           office: tuple[str, ...] = ()) -> list[str]:
    """The setup pass: a tab for each registered unit, and everything the layout asks for; returns
    what changed. A new or unregistered spreadsheet gets the registry tab first."""
    units: tuple[Unit, ...] = ()
    try:
        units = read_intake(sheet.read(), schema, today=today).units
    except ThiduaError:
        pass  # nothing to read yet (a workbook still to create, no registry tab): setup makes them
    return sheet.setup(build_layout(schema, campaign, units, office=office))
