"""The demo: a believable campaign workbook of VKSND tỉnh Tây Ninh, with every kind of fault.

Ten units (five departments of the provincial procuracy, five district procuracies), one more
registered without its tab, and one draft tab nobody registered. Rows are generated from a
fixed seed, so every run builds the same workbook; the faults are placed on purpose, one or
more of each kind, so that every status and every message can be seen in a spreadsheet program.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Callable

import openpyxl

from automation.campaign import load_campaign
from automation.resources import DEFAULT_CAMPAIGN
from automation.schema import Schema, load_schema
from automation.sheets import column_letter
from automation.settings import Settings, load_settings

WORKBOOK = "thidua-demo.xlsx"
CONFIG = "thidua.toml"
DEPARTMENT, DISTRICT = "Phòng thuộc VKS tỉnh", "VKS cấp huyện"
TIERS = ("Huân chương Lao động", "Bằng khen của Thủ tướng Chính phủ",
         "Bằng khen của Viện trưởng VKSND tối cao", "Giấy khen của Viện trưởng VKSND tỉnh")
CATEGORIES = ("Công tố, kiểm sát tội phạm liên quan phòng, chống dịch COVID-19",
              "Trực tiếp tham gia, hỗ trợ phòng, chống dịch",
              "Ý tưởng sáng tạo, tuyên truyền, cổ vũ phòng, chống dịch")
COPIES = {TIERS[0]: 5, TIERS[1]: 4, TIERS[2]: 2, TIERS[3]: 1}


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    tab: str
    kind: str
    place: str
    editor: str


UNITS = (
    DemoUnit("P1", "Phòng Thực hành quyền công tố và kiểm sát điều tra án hình sự", "P1", DEPARTMENT,
             "Tây Ninh", "phong1"),
    DemoUnit("P2", "Phòng Thực hành quyền công tố, kiểm sát xét xử sơ thẩm án hình sự", "P2", DEPARTMENT,
             "Tây Ninh", "phong2"),
    DemoUnit("P7", "Phòng Thực hành quyền công tố và kiểm sát xét xử phúc thẩm án hình sự", "P7",
             DEPARTMENT, "Tây Ninh", "phong7"),
    DemoUnit("P8", "Phòng Kiểm sát việc tạm giữ, tạm giam và thi hành án hình sự", "P8", DEPARTMENT,
             "Tây Ninh", "phong8"),
    DemoUnit("VP", "Văn phòng Viện kiểm sát nhân dân tỉnh Tây Ninh", "Văn phòng", DEPARTMENT, "Tây Ninh",
             "vanphong"),
    DemoUnit("TPTN", "Viện kiểm sát nhân dân thành phố Tây Ninh", "TP Tây Ninh", DISTRICT, "Tây Ninh", "tptayninh"),
    DemoUnit("HT", "Viện kiểm sát nhân dân thị xã Hòa Thành", "Hòa Thành", DISTRICT, "Hòa Thành", "hoathanh"),
    DemoUnit("TB", "Viện kiểm sát nhân dân thị xã Trảng Bàng", "Trảng Bàng", DISTRICT, "Trảng Bàng", "trangbang"),
    DemoUnit("GD", "Viện kiểm sát nhân dân huyện Gò Dầu", "Gò Dầu", DISTRICT, "Gò Dầu", "godau"),
    DemoUnit("TC", "Viện kiểm sát nhân dân huyện Tân Châu", "Tân Châu", DISTRICT, "Tân Châu", "tanchau"),
)
# Registered, but the unit has not made its tab yet: `thidua setup` (run by the demo) creates it.
UNIT_WITHOUT_TAB = DemoUnit("CT", "Viện kiểm sát nhân dân huyện Châu Thành", "Châu Thành", DISTRICT, "Châu Thành",
                            "chauthanh")
AGENCY = "Viện kiểm sát nhân dân tỉnh Tây Ninh"
PROSECUTING = ("P1", "P2", "P7")  # departments that exercise the power of prosecution

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Trương")
MIDDLE = {"Nam": ("Văn", "Hữu", "Minh", "Quốc", "Thanh", "Đức", "Công"),
          "Nữ": ("Thị", "Ngọc", "Thanh", "Kim", "Thu", "Mỹ")}
GIVEN = {"Nam": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Phong", "Quang", "Sơn", "Tài",
                 "Thắng", "Trung", "Tuấn", "Vinh"),
         "Nữ": ("Anh", "Châu", "Dung", "Hà", "Hạnh", "Hoa", "Lan", "Linh", "Mai", "Nga", "Nhung", "Phương", "Thảo",
                "Trang", "Tuyết", "Vy")}
# Who does what: a position is drawn for the achievement, so a driver never prosecutes a case.
PROSECUTORS = {DEPARTMENT: ("Kiểm sát viên sơ cấp", "Kiểm sát viên trung cấp", "Kiểm sát viên cao cấp",
                            "Kiểm tra viên", "Phó Trưởng phòng", "Trưởng phòng"),
               DISTRICT: ("Kiểm sát viên sơ cấp", "Kiểm sát viên trung cấp", "Kiểm tra viên", "Phó Viện trưởng",
                          "Viện trưởng")}
STAFF = {DEPARTMENT: ("Chuyên viên", "Kiểm tra viên", "Kế toán viên", "Nhân viên lái xe", "Phó Trưởng phòng"),
         DISTRICT: ("Chuyên viên", "Kế toán viên", "Nhân viên lái xe", "Kiểm tra viên", "Phó Viện trưởng")}
CHIEFS = ("Trưởng phòng", "Phó Trưởng phòng", "Viện trưởng", "Phó Viện trưởng", "Phó Chánh Văn phòng")
LEVEL = {
    "Toàn quốc": "Ban Chỉ đạo quốc gia phòng, chống dịch COVID-19 và Viện kiểm sát nhân dân tối cao ghi nhận, "
                 "nhân rộng trong cả nước",
    "Ngành Kiểm sát nhân dân": "Viện kiểm sát nhân dân tối cao biểu dương, nhân rộng trong toàn Ngành",
    "Địa phương": "Ủy ban nhân dân tỉnh Tây Ninh ghi nhận, biểu dương tại địa phương",
    "Trong đơn vị": "lãnh đạo đơn vị ghi nhận trong cơ quan",
}
# Achievements by group (plan IV.1) and by who achieved them.
PROSECUTION = {
    "person": "Trong thời gian giãn cách xã hội từ tháng 7 đến tháng 10/2021, trực tiếp thực hành quyền công tố và "
              "kiểm sát điều tra {n} vụ án liên quan đến phòng, chống dịch COVID-19 (làm lây lan dịch bệnh, đầu cơ "
              "vật tư y tế, tổ chức cho người khác nhập cảnh trái phép); truy tố đúng người, đúng tội, không để oan "
              "sai, bỏ lọt tội phạm. Thành tích được {level}.",
    "chief": "Trực tiếp chỉ đạo, phân công Kiểm sát viên giải quyết nhanh {n} vụ án liên quan đến phòng, chống dịch "
             "COVID-19, đưa ra xét xử điểm, kịp thời răn đe; tổ chức làm việc trực tuyến để không vụ án nào quá hạn "
             "trong thời gian giãn cách. Thành tích được {level}.",
    "collective": "Thụ lý, giải quyết {n} vụ án liên quan đến phòng, chống dịch COVID-19, trong đó có các vụ được đưa "
                  "ra xét xử điểm; không có vụ án quá hạn, oan sai trong thời gian giãn cách xã hội từ tháng 7 đến "
                  "tháng 10/2021. Thành tích được {level}.",
}
DETENTION = ("Trực tiếp kiểm sát việc phòng, chống dịch tại Trại tạm giam Công an tỉnh và {n} nhà tạm giữ; kiến nghị "
             "cách ly, xét nghiệm người mới bị bắt, không để dịch bệnh lây lan trong cơ sở giam giữ. "
             "Thành tích được {level}.")
SUPPORT = {
    "person": "Tham gia trực tiếp {n} ngày tại chốt kiểm soát dịch và khu cách ly tập trung trên địa bàn {place}; "
              "hỗ trợ tổ chức tiêm vắc xin, vận chuyển nhu yếu phẩm cho người dân vùng phong tỏa; vận động ủng hộ "
              "Quỹ phòng, chống dịch. Thành tích được {level}.",
    "driver": "Trong {n} ngày giãn cách, trực tiếp lái xe đưa đoàn công tác đến các chốt kiểm soát dịch, chở "
              "lương thực, "
              "nhu yếu phẩm hỗ trợ người dân vùng phong tỏa trên địa bàn {place}, bảo đảm an toàn tuyệt đối. "
              "Thành tích được {level}.",
    "collective": "Cử {n} lượt công chức tham gia chốt kiểm soát dịch, khu cách ly tập trung trên địa bàn {place}; "
                  "tổ chức quyên góp, trao nhu yếu phẩm cho người dân vùng phong tỏa; duy trì phương án làm việc "
                  "“3 tại chỗ”, không để dịch lây lan trong cơ quan. Thành tích được {level}.",
}
IDEAS = {
    "person": "Đề xuất và triển khai mô hình làm việc, tiếp công dân trực tuyến và mã QR khai báo y tế tại cơ quan, "
              "giúp duy trì hoạt động chuyên môn trong thời gian giãn cách; thực hiện {n} tin, bài tuyên truyền "
              "phòng, chống dịch trên Trang tin điện tử VKSND tỉnh. Mô hình được {level}.",
    "collective": "Xây dựng và vận hành phòng họp, phòng xét xử trực tuyến, tuyên truyền {n} tin, bài về phòng, chống "
                  "dịch trên Trang tin điện tử VKSND tỉnh; mô hình giúp các khâu công tác không bị gián đoạn. "
                  "Mô hình được {level}.",
}
SITUATION = {
    DEPARTMENT: "{unit} có {staff} công chức, trong đó {prosecutors} Kiểm sát viên; thực hiện chức năng {function} "
                "theo phân công của Viện trưởng Viện kiểm sát nhân dân tỉnh. Năm 2021, địa bàn tỉnh chịu ảnh hưởng "
                "nặng của đợt dịch thứ tư; đơn vị vừa phòng, chống dịch vừa bảo đảm các khâu công tác.",
    DISTRICT: "{unit} có {staff} công chức, trong đó {prosecutors} Kiểm sát viên; thực hành quyền công tố và kiểm sát "
              "hoạt động tư pháp trên địa bàn {place}. Năm 2021, địa bàn có nhiều khu phong tỏa, cách ly tập trung; "
              "đơn vị vừa phòng, chống dịch vừa hoàn thành nhiệm vụ chuyên môn.",
}
FUNCTIONS = {"P1": "thực hành quyền công tố và kiểm sát điều tra án hình sự",
             "P2": "thực hành quyền công tố, kiểm sát xét xử sơ thẩm án hình sự",
             "P7": "thực hành quyền công tố và kiểm sát xét xử phúc thẩm án hình sự",
             "P8": "kiểm sát việc tạm giữ, tạm giam và thi hành án hình sự",
             "VP": "tham mưu, tổng hợp, hành chính, quản trị và thường trực Hội đồng Thi đua, khen thưởng"}


def _pick_tier(rng: random.Random) -> str:
    return rng.choices(TIERS, weights=(1, 3, 6, 12))[0]


def _scope_for(tier: str, rng: random.Random) -> str:
    if tier == TIERS[0]:
        return "Toàn quốc"
    if tier in TIERS[1:3]:
        return rng.choice(("Ngành Kiểm sát nhân dân", "Địa phương"))
    return rng.choice(("Địa phương", "Trong đơn vị"))


def _achievement(unit: DemoUnit, collective: bool, rng: random.Random) -> tuple[str, str, str]:
    """(category, position, summary template) that belong together in this unit."""
    prosecutes = unit.kind == DISTRICT or unit.code in PROSECUTING
    choices = [c for c in CATEGORIES if prosecutes or c != CATEGORIES[0]]
    category = rng.choice(choices)
    if collective:
        summary = {CATEGORIES[0]: PROSECUTION, CATEGORIES[1]: SUPPORT, CATEGORIES[2]: IDEAS}[category]["collective"]
        return category, "", summary
    if category == CATEGORIES[0]:
        position = rng.choice(PROSECUTORS[unit.kind])
        return category, position, PROSECUTION["chief" if position in CHIEFS else "person"]
    position = rng.choice(STAFF[unit.kind] if unit.code != "VP" else ("Chuyên viên", "Kế toán viên",
                                                                      "Nhân viên lái xe", "Phó Chánh Văn phòng"))
    if category == CATEGORIES[1]:
        if unit.code == "P8" and position != "Nhân viên lái xe":
            return category, rng.choice(PROSECUTORS[DEPARTMENT]), DETENTION
        return category, position, SUPPORT["driver" if position == "Nhân viên lái xe" else "person"]
    if position == "Nhân viên lái xe":
        position = "Chuyên viên"
    return category, position, IDEAS["person"]


def _row(unit: DemoUnit, rng: random.Random, used: set[str]) -> dict[str, Any]:
    collective = rng.random() < 0.15
    tier = _pick_tier(rng)
    scope = _scope_for(tier, rng)
    category, position, summary = _achievement(unit, collective, rng)
    workplace = unit.name if unit.kind == DISTRICT or AGENCY in unit.name else f"{unit.name}, {AGENCY}"
    situation = ""
    if collective:
        birth: int | str = ""
        gender = ""
        if rng.random() < 0.5:
            name = workplace
        else:
            name = f"Tổ công tác phòng, chống dịch COVID-19 của {unit.name}"
        workplace = AGENCY if unit.kind == DEPARTMENT else unit.name
        staff = rng.randint(8, 16)
        situation = SITUATION[unit.kind].format(unit=unit.name, staff=staff, prosecutors=staff // 2 + 1,
                                                function=FUNCTIONS.get(unit.code, ""), place=unit.place)
        if name.startswith("Tổ công tác"):
            situation = (f"Tổ công tác gồm {staff // 2} công chức, được thành lập theo quyết định của Viện trưởng để "
                         "tham gia chốt kiểm soát, khu cách ly tập trung và hỗ trợ người dân vùng phong tỏa "
                         f"trên địa bàn {unit.place} trong đợt dịch thứ tư (năm 2021).")
    else:
        gender = rng.choice(("Nam", "Nữ"))
        while True:
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
            if name not in used:
                break
        birth = rng.randint(1966, 1996)
    used.add(name)
    if tier == TIERS[0] and not collective:  # an order goes to those who led: a head, a deputy
        position = "Phó Viện trưởng" if unit.kind == DISTRICT else "Trưởng phòng"
        summary = PROSECUTION["chief"] if category == CATEGORIES[0] else summary
        birth = rng.randint(1966, 1978)
    cases = rng.randint(3, 14) if category == CATEGORIES[0] else rng.randint(10, 45)
    return {
        "subject_type": "Tập thể" if collective else "Cá nhân", "name": name, "gender": gender,
        "birth_year": birth, "position": position, "workplace": workplace, "award": tier,
        "award_class": rng.choice(("Ba", "Ba", "Nhì")) if tier == TIERS[0] else "",
        "category": category, "scope": scope,
        "material_contribution": rng.choice((None, None, None, 2_000_000, 5_000_000)),
        "summary": summary.format(n=cases, place=unit.place, level=LEVEL[scope]), "situation": situation,
        "copies_submitted": COPIES[tier], "head_confirmed": "Có",
        "proposed_on": dt.datetime(2021, rng.choice((11, 12)), rng.randint(9, 28)),
        "note": "", "office_review": rng.choice(("Đồng ý", "Đồng ý", "Đồng ý", "")), "office_note": "",
    }


def _fault(change: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda row: row.update(change)


# (unit index, row index in that unit's tab) → what goes wrong there. One or more of each kind.
FAULTS: dict[tuple[int, int], Callable[[dict[str, Any]], None]] = {
    (0, 1): _fault({"name": ""}),
    (0, 3): _fault({"subject_type": "Cá nhân", "gender": "", "position": "Kiểm sát viên"}),
    (1, 0): _fault({"subject_type": "Cá nhân", "gender": "nam giới"}),
    (1, 2): _fault({"subject_type": "Cá nhân", "gender": "Nữ", "birth_year": 2010}),
    (1, 4): _fault({"birth_year": "khoảng 1980"}),
    (2, 0): _fault({"award": "Bằng khen của UBND tỉnh"}),
    (2, 2): _fault({"category": ""}),
    (2, 5): _fault({"scope": ""}),
    (3, 0): _fault({"award": TIERS[0], "award_class": "Ba", "scope": "Địa phương", "copies_submitted": 5,
                    "material_contribution": None}),
    (3, 2): _fault({"award": TIERS[0], "award_class": "Ba", "scope": "Địa phương", "copies_submitted": 5,
                    "position": "Trưởng phòng", "birth_year": 1972, "material_contribution": "200.000.000 đ",
                    "office_review": "Đồng ý",
                    "summary": "Vận động, kết nối các doanh nghiệp trên địa bàn tỉnh ủng hộ máy thở, máy đo nồng độ "
                               "oxy và vật tư y tế trị giá 200 triệu đồng cho các bệnh viện dã chiến; trực tiếp chỉ "
                               "đạo kiểm sát việc phòng, chống dịch tại Trại tạm giam Công an tỉnh. Thành tích được "
                               "Ủy ban nhân dân tỉnh Tây Ninh ghi nhận, biểu dương tại địa phương."}),
    (3, 4): _fault({"award": TIERS[0], "award_class": "", "scope": "Toàn quốc", "copies_submitted": 5}),
    (4, 5): _fault({"award": TIERS[2], "award_class": "Nhì", "scope": "Địa phương", "copies_submitted": 2}),
    (4, 1): _fault({"award": TIERS[1], "scope": "Trong đơn vị", "copies_submitted": 4}),
    (4, 3): _fault({"award": TIERS[2], "scope": "Trong đơn vị", "copies_submitted": 2, "office_review": "Đồng ý"}),
    (5, 0): _fault({"award": TIERS[1], "scope": "Địa phương", "copies_submitted": 2}),
    (5, 2): _fault({"head_confirmed": "Không"}),
    (5, 4): _fault({"head_confirmed": ""}),
    (6, 0): _fault({"proposed_on": "01/10/2021"}),
    (6, 2): _fault({"proposed_on": "31/02/2022"}),
    (6, 3): _fault({"proposed_on": "15/11/2021"}),  # text date: fine
    (6, 5): _fault({"proposed_on": 44530}),  # a serial number (30/11/2021): fine
    (7, 1): _fault({"summary": "Tích cực tham gia phòng, chống dịch."}),
    (7, 3): _fault({"copies_submitted": "hai"}),
    (7, 4): _fault({"copies_submitted": "02", "award": TIERS[2], "scope": "Địa phương"}),  # text number: fine
    (8, 0): _fault({"material_contribution": "50.000.000 đ"}),  # grouped text number: fine
    (8, 2): _fault({"office_review": "Không đồng ý",
                    "office_note": "thành tích chưa tiêu biểu so với các trường hợp cùng hình thức"}),
    (8, 4): _fault({"office_review": "Yêu cầu bổ sung",
                    "office_note": "bổ sung số liệu cụ thể về số ngày tham gia chốt kiểm soát dịch"}),
    (8, 5): _fault({"office_review": "Yêu cầu bổ sung"}),
    (9, 1): _fault({"summary_suffix": "\u200b\ufeff"}),  # invisible characters pasted from a web page
    (9, 3): _fault({"subject_type": "Tập thể", "name": "Tổ công tác phòng, chống dịch COVID-19 của Viện kiểm sát "
                    "nhân dân huyện Tân Châu", "gender": "", "birth_year": "", "position": "",
                    "situation": ""}),  # a collective that does not say what it is
}


def demo_rows(today: dt.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Rows per tab title: generated, faults applied, plus a duplicate and a nominee in two tiers."""
    rng = random.Random(515)
    used: set[str] = set()
    tabs: dict[str, list[dict[str, Any]]] = {}
    for u_index, unit in enumerate(UNITS):
        rows = [_row(unit, rng, used) for _ in range(rng.randint(7, 9))]
        for r_index, row in enumerate(rows):
            if (fault := FAULTS.get((u_index, r_index))) is not None:
                row["office_review"] = ""  # the Office approves rows that are right (unless the fault says)
                fault(row)
                if suffix := row.pop("summary_suffix", None):
                    row["summary"] = row["summary"][:80] + suffix + row["summary"][80:]
        tabs[unit.tab] = rows
    # The same person entered by two units, once typed in decomposed Unicode (NFD).
    p2_person = next(r for r in tabs["P2"] if r["subject_type"] == "Cá nhân" and r["gender"] in ("Nam", "Nữ")
                     and isinstance(r["birth_year"], int) and 1940 < r["birth_year"] < 2000)
    copy = dict(p2_person, name=unicodedata.normalize("NFD", p2_person["name"]), office_review="")
    tabs["Văn phòng"].append(copy)
    # The same person proposed for two tiers in one tab.
    tc_person = next(r for r in tabs["Tân Châu"] if r["subject_type"] == "Cá nhân" and r["award"] == TIERS[3])
    tabs["Tân Châu"].append(dict(tc_person, award=TIERS[2], copies_submitted=2, scope="Địa phương"))
    return tabs


def workbook_with_registry(schema: Schema, units: list[dict[str, str]]) -> openpyxl.Workbook:
    """A new workbook whose first tab is the registry (Đơn vị), one row per unit (values by column key)."""
    book = openpyxl.Workbook()
    registry = book.worksheets[0]
    registry.title = schema.tabs["registry"]
    registry.append([c.header for c in schema.registry_columns])
    for values in units:
        registry.append([values.get(c.key, "") for c in schema.registry_columns])
    return book


def build_demo(folder: Path) -> Settings:
    """Write the demo workbook and its thidua.toml into `folder`; return the settings for them."""
    folder.mkdir(parents=True, exist_ok=True)
    base = load_schema()
    schema = base.with_campaign(load_campaign(DEFAULT_CAMPAIGN, scopes=base.column("scope").choices))
    book = workbook_with_registry(schema, [
        {"code": unit.code, "name": unit.name, "tab": unit.tab, "kind": unit.kind, "place": unit.place,
         "editors": f"{unit.editor}@vkstayninh.gov.vn, vanphong@vkstayninh.gov.vn"}
        for unit in (*UNITS, UNIT_WITHOUT_TAB)])
    columns = schema.unit_columns + schema.office_columns
    for tab, rows in demo_rows().items():
        ws = book.create_sheet(tab)
        ws.append([c.header for c in columns])
        for number, row in enumerate(rows, start=1):
            if number == 4:
                ws.append([])  # a blank row in the middle, as units leave them
            ws.append([row.get(c.key) if c.key != "seq" else None for c in columns])
            ws.cell(ws.max_row, 1).value = f"=ROW()-1-COUNTBLANK($B$2:B{ws.max_row})"  # STT as a formula
            if isinstance(row.get("proposed_on"), dt.datetime):
                ws.cell(ws.max_row, [c.key for c in columns].index("proposed_on") + 1).number_format = "DD/MM/YYYY"
    # Units merge cells that repeat; the job reads the value into each row and suggests unmerging.
    workplace = column_letter([c.key for c in columns].index("workplace"))
    book["Gò Dầu"].merge_cells(f"{workplace}2:{workplace}3")
    draft = book.create_sheet("Nháp")
    draft.append(["Ghi chép tạm của Văn phòng — tab này không có trong danh mục nên được bỏ qua."])
    workbook = folder / WORKBOOK
    book.save(workbook)
    config = folder / CONFIG
    config.write_text(
        "# Cấu hình mẫu của thidua (tạo bởi 'thidua demo').\n"
        "# campaign = \"…/515-KH-VKS.toml\"   # mặc định: kế hoạch 515/KH-VKS\n\n"
        "[source]\n"
        f"workbook = \"{WORKBOOK}\"\n\n"
        "[output]\n"
        "folder = \"Hồ sơ\"\n", encoding="utf-8")
    return load_settings(config)
