"""The demo of the yearly merit campaign (cong-trang-2025.toml): nominees and five years of history.

Five units of VKSND tỉnh Tây Ninh as organised after July 2025: two departments and three
regional procuracies (VKSND khu vực). ILLUSTRATIVE: the mapping of the old districts to regions
was not found, so the units here are examples, not the real list. The register tab holds
2021–2025 for the demo's people, written so that every criterion of the campaign is met, missed
and left undecided (an ambiguous match, no history) at least once, with a register row of each
kind of fault beside them. Everything is fixed: every run builds the same workbook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.campaign import load_campaign
from automation.demo import workbook_with_registry
from automation.resources import YEARLY_CAMPAIGN
from automation.schema import load_schema, register_lists
from automation.settings import Settings, load_settings

CAMPAIGN_FILE = YEARLY_CAMPAIGN
WORKBOOK = "thidua-cong-trang.xlsx"
CONFIG = "thidua.toml"
YEARS = range(2021, 2026)
HTXS, HTT, HT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"
LDTT, CSTDCS = "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở"
HCLD3, BKTTG, BKVKS, GK = ("Huân chương Lao động hạng Ba", "Bằng khen của Thủ tướng Chính phủ",
                           "Bằng khen của Viện trưởng VKSND tối cao", "Giấy khen của Viện trưởng VKSND tỉnh")
DEPARTMENT, REGIONAL = "Phòng thuộc VKS tỉnh", "VKS khu vực"
AGENCY = "Viện kiểm sát nhân dân tỉnh Tây Ninh"
DECIDED_BY = {BKTTG: "Thủ tướng Chính phủ", BKVKS: "Viện trưởng VKSND tối cao", GK: "Viện trưởng VKSND tỉnh"}
SYMBOL = {BKTTG: "QĐ-TTg", BKVKS: "QĐ-VKSTC", GK: "QĐ-VKS"}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    tab: str
    kind: str


UNITS = (
    Unit("P1", "Phòng Thực hành quyền công tố và kiểm sát điều tra án hình sự", "P1", DEPARTMENT),
    Unit("VP", "Văn phòng Viện kiểm sát nhân dân tỉnh Tây Ninh", "Văn phòng", DEPARTMENT),
    Unit("KV1", "Viện kiểm sát nhân dân khu vực 1 - Tây Ninh", "Khu vực 1", REGIONAL),
    Unit("KV2", "Viện kiểm sát nhân dân khu vực 2 - Tây Ninh", "Khu vực 2", REGIONAL),
    Unit("KV3", "Viện kiểm sát nhân dân khu vực 3 - Tây Ninh", "Khu vực 3", REGIONAL),
)
BY_CODE = {u.code: u for u in UNITS}


@dataclass(frozen=True)
class Person:
    """A nominee (or a person of the register only) and the five years the register holds for them."""

    unit: str  # unit code
    name: str
    gender: str
    birth: int | None
    position: str
    tier: str = ""  # "" = in the register only
    ratings: tuple[str, ...] = (HTT,) * 5  # 2021 … 2025
    titles: dict[int, str] = field(default_factory=dict)  # year → title (Lao động tiên tiến otherwise)
    awards: tuple[tuple[int, str, str], ...] = ()  # (year, award, kind)
    code: str = ""
    in_register: bool = True
    nominee_birth: bool = True  # the nomination gives the birth year
    namesake: str = ""  # the register cannot tell them apart: "two units" (one year, two units) or "two births"
    why: str = ""  # what the demo shows with this person


PEOPLE = (
    Person("KV1", "Trần Văn Hùng", "Nam", 1972, "Viện trưởng", HCLD3, (HTXS, HTT, HTT, HTT, HTT),
           {2021: CSTDCS, 2023: CSTDCS, 2025: CSTDCS}, ((2017, BKVKS, "Công trạng"), (2020, BKTTG, "Công trạng")),
           why="Huân chương Lao động hạng Ba: đạt"),
    Person("P1", "Lê Thị Mai", "Nữ", 1975, "Trưởng phòng", HCLD3, (HTXS, HTT, HT, HTT, HTXS),
           {2021: CSTDCS, 2022: CSTDCS, 2025: CSTDCS}, ((2019, BKTTG, "Công trạng"),),
           why="Huân chương Lao động hạng Ba: chưa đạt (năm 2023 chỉ hoàn thành nhiệm vụ)"),
    Person("VP", "Nguyễn Minh Tuấn", "Nam", 1980, "Phó Chánh Văn phòng", BKTTG, (HTT, HTXS, HTT, HTT, HTT),
           {2021: CSTDCS, 2022: CSTDCS, 2024: CSTDCS}, ((2020, BKVKS, "Công trạng"),),
           why="Bằng khen của Thủ tướng: đạt"),
    Person("KV2", "Phạm Thị Hoa", "Nữ", 1983, "Kiểm sát viên trung cấp", BKTTG, (HTT,) * 5,
           {2022: CSTDCS, 2025: CSTDCS}, ((2019, BKVKS, "Công trạng"),),
           why="Bằng khen của Thủ tướng: chưa đạt (2 lần CSTĐCS, cần 3)"),
    Person("KV1", "Võ Quốc Cường", "Nam", 1978, "Phó Viện trưởng", BKTTG, (HTXS, HTT, HTT, HTXS, HTT),
           {2021: CSTDCS, 2023: CSTDCS, 2024: CSTDCS}, ((2021, BKVKS, "Chuyên đề"),),
           why="Bằng khen của Thủ tướng: chưa đạt (Bằng khen năm 2021 là khen thưởng chuyên đề, không được tính)"),
    Person("KV2", "Huỳnh Thanh Sơn", "Nam", 1985, "Kiểm sát viên sơ cấp", BKVKS, (HTT, HTT, HTT, HTXS, HTXS),
           {2024: CSTDCS, 2025: CSTDCS}, why="Bằng khen của Viện trưởng VKSND tối cao: đạt"),
    Person("KV3", "Đặng Thị Lan", "Nữ", 1988, "Kiểm tra viên", BKVKS, (HTT,) * 5,
           {2023: CSTDCS, 2025: CSTDCS}, why="Bằng khen của Viện trưởng VKSND tối cao: chưa đạt (lưu ý)"),
    Person("KV3", "Trương Minh Khoa", "Nam", 1986, "Kiểm sát viên sơ cấp", BKVKS, (HTT, HTT, HTT, HTXS, HTXS),
           {2024: CSTDCS, 2025: CSTDCS}, code="CB-0107",
           why="Bằng khen của Viện trưởng VKSND tối cao: đạt, tìm theo mã cá nhân giữa hai người trùng tên"),
    Person("P1", "Trương Minh Khoa", "Nam", 1986, "Chuyên viên", code="CB-0212", ratings=(HTT, HT, HT, HTT, HTT),
           why="người trùng họ tên, năm sinh với người trên; chỉ có trong lịch sử"),
    Person("KV3", "Nguyễn Văn An", "Nam", 1980, "Kiểm sát viên trung cấp", BKVKS, namesake="two units",
           why="Bằng khen của Viện trưởng VKSND tối cao: chưa xét được (lịch sử ghi hai người trùng tên)"),
    Person("KV3", "Phan Văn Long", "Nam", 1974, "Phó Viện trưởng", HCLD3, nominee_birth=False, namesake="two births",
           why="Huân chương Lao động hạng Ba: chưa xét được (dòng đề nghị không ghi năm sinh, lịch sử có hai người "
               "cùng tên)"),
    Person("VP", "Lê Thị Hạnh", "Nữ", 1982, "Kế toán viên", BKTTG, namesake="two units",
           why="Bằng khen của Thủ tướng: chưa xét được (lịch sử ghi hai người trùng tên)"),
    Person("VP", "Dương Ngọc Linh", "Nữ", 1990, "Chuyên viên", BKTTG, in_register=False,
           why="Bằng khen của Thủ tướng: chưa có lịch sử khen thưởng"),
    Person("KV2", "Bùi Thị Nga", "Nữ", 1987, "Kế toán viên", GK, why="Giấy khen: không có tiêu chuẩn tính từ lịch sử"),
    Person("KV1", "Hồ Văn Phong", "Nam", 1984, "Kiểm tra viên", GK, why="Giấy khen"),
    Person("P1", "Ngô Thị Thảo", "Nữ", 1992, "Kiểm sát viên sơ cấp", GK, why="Giấy khen"),
)

SUMMARY = {
    "prosecutor": "Năm 2025, trực tiếp thực hành quyền công tố, kiểm sát điều tra và xét xử {n} vụ án hình sự; 100% "
                  "vụ án được giải quyết đúng thời hạn, không có vụ án bị hủy, sửa hay phải trả hồ sơ do lỗi chủ "
                  "quan; tham gia xây dựng {k} chuyên đề nghiệp vụ và hướng dẫn các kiểm sát viên mới của đơn vị.",
    "leader": "Năm 2025, lãnh đạo đơn vị hoàn thành toàn diện các chỉ tiêu công tác, trực tiếp chỉ đạo giải quyết "
              "{n} vụ án hình sự trọng điểm; tổ chức lại bộ máy khi chuyển sang mô hình Viện kiểm sát khu vực mà "
              "không để gián đoạn công việc; đơn vị được xếp loại hoàn thành xuất sắc nhiệm vụ, có {k} sáng kiến.",
    "staff": "Năm 2025, thực hiện tốt công tác tham mưu, tổng hợp, hành chính, kế toán của đơn vị; hoàn thành {n} "
             "nhiệm vụ được giao đúng hạn, bảo đảm chất lượng; tham gia chuyển giao hồ sơ, tài liệu khi sắp xếp "
             "tổ chức bộ máy và hỗ trợ {k} đơn vị khu vực ổn định nơi làm việc mới.",
}


def _summary(person: Person, index: int) -> str:
    kind = ("leader" if person.position in ("Viện trưởng", "Phó Viện trưởng", "Trưởng phòng") else
            "prosecutor" if "sát viên" in person.position else "staff")
    return SUMMARY[kind].format(n=12 + 3 * index, k=2 + index % 3)


def register_rows() -> list[dict[str, Any]]:
    """Five years per person, then the faults the register must catch (one of each)."""
    rows: list[dict[str, Any]] = []
    for person in PEOPLE:
        if not person.in_register:
            continue
        unit = BY_CODE[person.unit].name
        who = {"subject_type": "Cá nhân", "person_code": person.code, "name": person.name,
               "birth_year": person.birth, "unit": unit}
        if person.namesake:  # two people the register cannot tell apart, in two units other than the nominee's
            others = [u for u in UNITS if u.code != person.unit][:2]
            births = (person.birth, person.birth) if person.namesake == "two units" else (1974, 1989)
            for other, birth, title in zip(others, births, (LDTT, CSTDCS)):
                rows.append({**who, "unit": other.name, "birth_year": birth, "year": 2024, "rating": HTT,
                             "title": title, "decision": "18/QĐ-VKS", "decision_date": dt.date(2025, 1, 10),
                             "decided_by": "Viện trưởng VKSND tỉnh", "kind": "Công trạng"})
            continue
        for year, rating in zip(YEARS, person.ratings):
            title = person.titles.get(year, LDTT if rating in (HTXS, HTT) else "")
            rows.append({**who, "year": year, "rating": rating, "title": title,
                         "decision": f"{10 + year - 2020}/QĐ-VKS" if title else "",
                         "decision_date": dt.date(year + 1, 1, 12) if title else None,
                         "decided_by": "Viện trưởng VKSND tỉnh" if title else "", "kind": "Công trạng"})
        for year, award, kind in person.awards:
            rows.append({**who, "year": year, "award": award, "kind": kind,
                         "decision": f"{100 + year - 2000}/{SYMBOL[award]}", "decision_date": dt.date(year, 12, 20),
                         "decided_by": DECIDED_BY[award],
                         "note": "Khen thưởng trong phong trào thi đua đặc biệt phòng, chống dịch COVID-19"
                         if kind == "Chuyên đề" else ""})
    tuan = {"subject_type": "Cá nhân", "name": "Nguyễn Minh Tuấn", "birth_year": 1980, "unit": BY_CODE["VP"].name}
    rows += [
        {**tuan, "year": 2022, "rating": HTXS, "title": CSTDCS, "decision": "12/QĐ-VKS",  # a copy of a row above
         "decision_date": dt.date(2023, 1, 12), "decided_by": "Viện trưởng VKSND tỉnh", "kind": "Công trạng"},
        {**tuan, "year": 1970, "rating": HTT},  # a year before 1975
        {"subject_type": "Cá nhân", "name": "Phan Thị Tuyết", "birth_year": 1991, "unit": BY_CODE["KV1"].name,
         "year": 2024, "rating": "Xuất sắc"},  # a rating not in the list
        {"subject_type": "Cá nhân", "name": "Phan Thị Tuyết", "birth_year": 1991, "unit": BY_CODE["KV1"].name,
         "year": 2023, "title": LDTT, "decision": "13/QĐ-VKS", "decision_date": dt.date(2022, 3, 1),
         "decided_by": "Viện trưởng VKSND tỉnh", "kind": "Công trạng"},  # decided before its year
        {"subject_type": "Cá nhân", "name": "Hồ Văn Phong", "birth_year": 1984, "unit": BY_CODE["KV1"].name,
         "year": 2024, "rating": HTXS},  # a second rating for 2024
        {"subject_type": "Tập thể", "name": "Viện kiểm sát nhân dân khu vực 2 - Tây Ninh", "unit": BY_CODE["KV2"].name,
         "year": 2025, "rating": HTXS, "title": "Tập thể lao động xuất sắc", "decision": "15/QĐ-VKS",
         "decision_date": dt.date(2026, 1, 15), "decided_by": "Viện trưởng VKSND tỉnh", "kind": "Công trạng"},
    ]
    return rows


def nomination_rows() -> dict[str, list[dict[str, Any]]]:
    tabs: dict[str, list[dict[str, Any]]] = {u.tab: [] for u in UNITS}
    copies = {HCLD3: 5, BKTTG: 4, BKVKS: 2, GK: 1}
    for index, person in enumerate(p for p in PEOPLE if p.tier):
        unit = BY_CODE[person.unit]
        workplace = unit.name if unit.kind == REGIONAL else f"{unit.name}, {AGENCY}"
        tabs[unit.tab].append({
            "subject_type": "Cá nhân", "name": person.name, "person_code": person.code, "gender": person.gender,
            "birth_year": person.birth if person.nominee_birth else None, "position": person.position,
            "workplace": workplace, "award": person.tier,
            "category": ("Công tác quản lý, chỉ đạo, điều hành" if person.position in ("Viện trưởng", "Phó Viện trưởng",
                                                                                   "Trưởng phòng")
                         else "Công tác tham mưu, tổng hợp, phục vụ" if "sát viên" not in person.position
                         else "Công tác thực hành quyền công tố, kiểm sát hoạt động tư pháp"),
            "scope": "Ngành Kiểm sát nhân dân" if person.tier in (HCLD3, BKTTG) else "Trong đơn vị",
            "summary": _summary(person, index), "copies_submitted": copies[person.tier], "head_confirmed": "Có",
            "proposed_on": dt.datetime(2025, 12, 10 + index), "office_review": "Đồng ý",
        })
    tabs["Khu vực 2"].append({
        "subject_type": "Tập thể", "name": "Viện kiểm sát nhân dân khu vực 2 - Tây Ninh",
        "workplace": AGENCY, "award": BKVKS, "category": "Công tác thực hành quyền công tố, kiểm sát hoạt động tư pháp",
        "scope": "Ngành Kiểm sát nhân dân", "copies_submitted": 2, "head_confirmed": "Có",
        "summary": "Năm 2025, đơn vị hoàn thành xuất sắc các chỉ tiêu công tác của Ngành; giải quyết 214 vụ án "
                   "hình sự, "
                   "không có án oan sai, án quá hạn; được công nhận Tập thể lao động xuất sắc.",
        "situation": "Viện kiểm sát nhân dân khu vực 2 được thành lập từ tháng 7/2025 trên cơ sở sắp xếp các Viện kiểm "
                     "sát cấp huyện, có 18 công chức, trong đó 11 Kiểm sát viên.",
        "proposed_on": dt.datetime(2025, 12, 20), "office_review": "Đồng ý",
    })
    return tabs


def build_yearly_demo(folder: Path) -> Settings:
    """Write the yearly campaign's demo workbook and its thidua.toml into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    base = load_schema()
    campaign = load_campaign(CAMPAIGN_FILE, scopes=base.column("scope").choices, register=register_lists(base))
    schema = base.with_campaign(campaign)
    book = workbook_with_registry(schema, [
        {"code": unit.code, "name": unit.name, "tab": unit.tab, "kind": unit.kind,
         "editors": f"{unit.code.lower()}@vkstayninh.gov.vn, vanphong@vkstayninh.gov.vn"} for unit in UNITS])
    columns = schema.unit_columns + schema.office_columns
    for tab, rows in nomination_rows().items():
        ws = book.create_sheet(tab)
        ws.append([c.header for c in columns])
        for number, row in enumerate(rows, start=1):
            ws.append([number if c.key == "seq" else row.get(c.key) for c in columns])
            ws.cell(ws.max_row, [c.key for c in columns].index("proposed_on") + 1).number_format = "DD/MM/YYYY"
    history = book.create_sheet(schema.tabs["register"])
    history.append([c.header for c in schema.register_columns])
    for row in register_rows():
        history.append([row.get(c.key) for c in schema.register_columns])
        date_at = [c.key for c in schema.register_columns].index("decision_date") + 1
        history.cell(history.max_row, date_at).number_format = "DD/MM/YYYY"
    workbook = folder / WORKBOOK
    book.save(workbook)
    config = folder / CONFIG
    config.write_text(
        "# Cấu hình mẫu của thidua cho khen thưởng công trạng năm 2025 (tạo bởi 'thidua demo --campaign "
        "cong-trang-2025').\n"
        f"campaign = \"{CAMPAIGN_FILE.as_posix()}\"\n\n"
        "[source]\n"
        f"workbook = \"{WORKBOOK}\"\n\n"
        "[output]\n"
        "folder = \"Hồ sơ\"\n", encoding="utf-8")
    return load_settings(config)
