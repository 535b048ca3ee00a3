"""The next campaign: the register of past awards, nominees matched to it, criteria judged from it,
the yearly campaign's demo, section III of the summaries, and `thidua record` closing the loop."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace

import openpyxl
import pytest

from automation.campaign import Criterion, HistoryRules, load_campaign
from automation.criteria import (award_years, judge, rating_run, rating_times, ratings_by_year, short, title_streak,
                                 title_times)
from automation.demo_yearly import CAMPAIGN_FILE, PEOPLE, build_yearly_demo
from automation.findings import Severity, Status
from automation.matching import Nominee, RegisterIndex
from automation.operations import check, record, run_demo, set_up_spreadsheet, sync_once
from automation.register import Record, read_register
from automation.schema import load_schema, register_lists
from automation.sheets import Snapshot, TabData
from tests.docx_text import paragraphs
from tests.sheet_xml import stored_cells, typed

TODAY = dt.date(2026, 12, 1)
HTXS, HTT, HT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"
ORDER = (HTXS, HTT, HT, "Không hoàn thành nhiệm vụ")
CS, LD = "Chiến sĩ thi đua cơ sở", "Lao động tiên tiến"
BKVKS, BKTTG = "Bằng khen của Viện trưởng VKSND tối cao", "Bằng khen của Thủ tướng Chính phủ"
REGISTER_FLAGS = {"O", "P"}  # Trạng thái, Nội dung cần sửa: after the 14 register columns
RULES = HistoryRules(2025, ("Chuyên đề", "Đột xuất"), "Điều 4 Nghị định số 152/2025/NĐ-CP")


@pytest.fixture(scope="module")
def yearly():
    base = load_schema()
    campaign = load_campaign(CAMPAIGN_FILE, scopes=base.column("scope").choices, register=register_lists(base))
    return campaign, base.with_campaign(campaign)


def document_text(path) -> str:
    import docx
    return "\n".join(p.text for p in paragraphs(docx.Document(path)))


def rec(year: int, rating: str = "", title: str = "", award: str = "", kind: str = "Công trạng") -> Record:
    return Record(0, True, "", "Nguyễn Văn A", 1980, "P1", year, rating, title, award, kind=kind)


def years(ratings: dict[int, str], titles: dict[int, str] | None = None) -> list[Record]:
    return [rec(y, r, (titles or {}).get(y, "")) for y, r in ratings.items()]


# ------------------------------------------------------------------ each kind of requirement

@pytest.mark.parametrize("ratings, at_least, expected", [
    ({2021: HTT, 2022: HTT, 2023: HTT, 2024: HTT, 2025: HTT}, HTT, [2021, 2022, 2023, 2024, 2025]),
    ({2021: HTXS, 2022: HTT, 2023: HTXS, 2024: HTT, 2025: HTXS}, HTT, [2021, 2022, 2023, 2024, 2025]),
    ({2021: HTT, 2022: HTT, 2023: HT, 2024: HTT, 2025: HTT}, HTT, [2024, 2025]),  # broken by 2023
    ({2021: HTT, 2022: HTT, 2023: HTT, 2024: HTT}, HTT, []),  # the assessed year has no rating yet
    ({2023: HTT, 2025: HTT}, HTT, [2025]),  # a year missing breaks the run
    ({2024: HTXS, 2025: HTT}, HTXS, []),  # "xuất sắc" exactly: HTT is not enough
    ({2025: HT}, HT, [2025]),
])
def test_a_run_of_consecutive_years_rated_at_least_so_well_ends_at_the_assessed_year(ratings, at_least, expected):
    assert rating_run(ratings_by_year(years(ratings), ORDER), 2025, at_least, ORDER) == expected


@pytest.mark.parametrize("records, counted, excluded", [
    ([rec(2019, award=BKVKS)], [2019], 0),
    ([rec(2019, award=BKVKS, kind="Chuyên đề")], [], 1),  # NĐ 152/2025 Điều 4
    ([rec(2019, award=BKVKS, kind="Đột xuất"), rec(2020, award=BKVKS)], [2020], 1),
    ([rec(2019, award=BKTTG)], [], 0),  # another award
    ([rec(2022, award=BKVKS), rec(2018, award=BKVKS)], [2018, 2022], 0),
])
def test_prior_awards_count_only_of_the_kinds_the_campaign_counts(records, counted, excluded):
    years_counted, left_out = award_years(records, (BKVKS,), RULES.not_counted)
    assert years_counted == counted and len(left_out) == excluded


@pytest.mark.parametrize("titles, window, expected", [
    ({2021: CS, 2023: CS, 2025: CS}, range(2021, 2026), 3),
    ({2021: CS, 2023: CS, 2025: CS}, range(2022, 2026), 2),  # 2021 is before the window
    ({2021: LD, 2022: LD}, range(2021, 2026), 0),
    ({}, range(2021, 2026), 0),
])
def test_titles_are_counted_within_the_window(titles, window, expected):
    records = [rec(y, HTT, t) for y, t in titles.items()]
    assert title_times(records, CS, window) == expected


@pytest.mark.parametrize("ratings, rating, expected", [
    ({2021: HTXS, 2022: HTT, 2023: HTXS}, HTXS, 2),
    ({2021: HTT, 2022: HTT}, HTXS, 0),
    ({2021: HTXS, 2022: HTT}, HTT, 2),  # "or better"
])
def test_ratings_are_counted_within_the_window(ratings, rating, expected):
    assert rating_times(ratings_by_year(years(ratings), ORDER), rating, range(2021, 2026), ORDER) == expected


@pytest.mark.parametrize("titles, expected", [
    ({2024: CS, 2025: CS}, [2024, 2025]),
    ({2023: CS, 2025: CS}, [2025]),
    ({2023: CS, 2024: CS}, []),  # not up to the assessed year
])
def test_a_title_held_in_consecutive_years_up_to_the_assessed_year(titles, expected):
    assert title_streak([rec(y, HTT, t) for y, t in titles.items()], CS, 2025) == expected


def test_initials_as_offices_write_them():
    assert [short(x) for x in (HTXS, HTT, CS, LD)] == ["HTXSNV", "HTTNV", "CSTĐCS", "LĐTT"]


PM_B = Criterion("điểm b khoản 1 Điều 73 Luật Thi đua, khen thưởng năm 2022",
                 "BK cấp bộ và 05 năm HTTNV, 03 lần CSTĐCS",
                 "individuals", (BKVKS,), "Bằng khen cấp bộ, ngành, tỉnh", 5, HTT, ((CS, 3),))


@pytest.mark.parametrize("records, met, shows, needs", [
    ([rec(2019, award=BKVKS), *years({y: HTT for y in range(2021, 2026)}, {2021: CS, 2023: CS, 2025: CS})],
     True, "Bằng khen của Viện trưởng VKSND tối cao năm 2019, 2021–2025: 5 năm HTTNV trở lên, 3 lần CSTĐCS", ""),
    ([rec(2019, award=BKVKS), *years({y: HTT for y in range(2021, 2026)}, {2022: CS, 2025: CS})],
     False, "2021–2025: 5 năm HTTNV trở lên, 2 lần CSTĐCS", "3 lần CSTĐCS"),
    ([rec(2019, award=BKVKS, kind="Chuyên đề"), *years({y: HTT for y in range(2021, 2026)},
                                                        {2021: CS, 2023: CS, 2025: CS})],
     False, "là khen thưởng chuyên đề, không được tính, Điều 4 Nghị định số 152/2025/NĐ-CP",
     "Bằng khen cấp bộ, ngành, tỉnh"),
    ([rec(2022, award=BKVKS), *years({y: HTT for y in range(2021, 2026)}, {2023: CS, 2024: CS, 2025: CS})],
     False, "2023–2025: 3 năm HTTNV trở lên", "5 năm HTTNV trở lên liên tục đến năm 2025"),  # "05 năm tiếp theo"
    ([rec(2019, award=BKVKS), *years({2021: HTT, 2022: HTT, 2023: HTT, 2024: HTT})],
     False, "năm 2025 chưa có kết quả xếp loại", "5 năm HTTNV trở lên liên tục đến năm 2025"),
])
def test_a_criterion_says_what_the_register_shows_and_what_it_lacks(records, met, shows, needs):
    judgement = judge(PM_B, tuple(records), RULES, ORDER)
    assert judgement.met is met
    assert shows in judgement.shows
    assert (needs in judgement.needs) if needs else judgement.needs == ""


# ------------------------------------------------------------------ the register's own rules

REGISTER_HEADER = ["Đối tượng", "Mã cá nhân", "Họ và tên / Tên tập thể", "Năm sinh", "Đơn vị", "Năm", "Xếp loại",
                   "Danh hiệu thi đua", "Hình thức khen thưởng", "Số quyết định", "Ngày quyết định", "Cấp quyết định",
                   "Loại khen thưởng"]


def register_of(*rows: list):
    schema = load_schema()
    snapshot = Snapshot({"Lịch sử khen thưởng": TabData("Lịch sử khen thưởng", [REGISTER_HEADER, *map(list, rows)])})
    return read_register(snapshot, schema, today=TODAY)


def person(year: int = 2024, rating: str = HTT, **changes) -> list:
    row = {"subject": "Cá nhân", "code": "", "name": "Lê Văn Bình", "birth": 1982, "unit": "P1", "year": year,
           "rating": rating, "title": "", "award": "", "decision": "", "date": None, "by": "", "kind": ""}
    row.update(changes)
    return list(row.values())


@pytest.mark.parametrize("rows, rule, severity", [
    ([person(year=1970)], "register_cells", Severity.INVALID),  # before 1975
    ([person(year=2027)], "register_cells", Severity.INVALID),  # after this year
    ([person(rating="Xuất sắc")], "register_cells", Severity.INVALID),  # not in the list
    ([person(rating="")], "register_recorded", Severity.MISSING),  # nothing recorded
    ([person(title=LD, decision="5/QĐ-VKS", date=dt.datetime(2023, 1, 5), kind="Công trạng")],
     "register_decision_date", Severity.INVALID),  # decided before its year
    ([person(award=BKVKS, decision="9/QĐ", date=dt.datetime(2024, 12, 1))], "register_kind", Severity.MISSING),
    ([person(award=BKVKS, kind="Công trạng")], "register_decision", Severity.WARNING),
    ([person(), person()], "register_duplicate", Severity.INVALID),
    ([person(rating=HTT), person(rating=HTXS)], "register_two_ratings", Severity.INVALID),
    ([person(unit="P1"), person(unit="P2", rating="", title=LD, decision="1/QĐ", date=dt.datetime(2025, 1, 2),
                                kind="Công trạng")], "register_two_units", Severity.WARNING),
])
def test_a_register_row_is_checked_like_a_nomination(rows, rule, severity):
    register = register_of(*rows)
    found = [f for r in register.rows for f in r.findings if f.rule == rule]
    assert found and all(f.severity is severity for f in found)
    if severity is not Severity.WARNING:
        assert len(register.records) < len(rows)  # a row with a problem does not count


def test_a_good_register_row_counts_and_its_flags_are_written_in_its_own_columns():
    register = register_of(person())
    assert [r.status for r in register.rows] == [Status.HOP_LE] and len(register.records) == 1
    write = register.tab_write()
    assert write is not None and set(write.flag_columns) == {"status", "messages"}
    assert min(write.flag_columns.values()) == len(REGISTER_HEADER)  # beside the data, never over it


def test_a_register_without_a_required_column_is_not_read_and_says_why():
    schema = load_schema()
    snapshot = Snapshot({"Lịch sử khen thưởng": TabData("Lịch sử khen thưởng", [REGISTER_HEADER[:5]])})
    register = read_register(snapshot, schema, today=TODAY)
    assert not register.readable and "'Năm'" in register.problem
    write = register.tab_write("01/04/2026 09:00")
    assert write is not None and write.rows == () and write.notice is not None  # only the notice, beside the headers
    assert write.notice[0] == 5 and "thiếu cột 'Năm'" in write.notice[1]


# ------------------------------------------------------------------ matching

def index_of(*rows: list) -> RegisterIndex:
    return RegisterIndex(register_of(*rows), "Cá nhân")


@pytest.mark.parametrize("rows, nominee, matched, ambiguous", [
    ([person()], Nominee(True, "lê  văn BÌNH", 1982), 1, False),  # case and spaces folded
    ([person()], Nominee(True, "Lê Văn Bình", 1983), 0, False),  # another birth year: someone else
    ([person(code="CB-1"), person(code="CB-2", unit="P2")], Nominee(True, "Lê Văn Bình", 1982, "cb-2"), 1, False),
    ([person(unit="P1"), person(unit="P2", birth=1990)], Nominee(True, "Lê Văn Bình", None, units=("P2",)), 1, False),
    ([person(unit="P1"), person(unit="P2", birth=1990)], Nominee(True, "Lê Văn Bình", None, units=("P3",)), 0, True),
    ([person(unit="P1"), person(unit="P2", rating="", title=LD, decision="1", date=dt.datetime(2025, 1, 2),
                                kind="Công trạng")], Nominee(True, "Lê Văn Bình", 1982), 0, True),  # two units
    ([person(year=2023), person(year=2024, unit="P2")], Nominee(True, "Lê Văn Bình", 1982), 2, False),  # moved
    ([], Nominee(True, "Lê Văn Bình", 1982), 0, False),
])
def test_a_nominee_is_matched_by_code_else_name_and_birth_year_and_never_by_a_guess(rows, nominee, matched, ambiguous):
    match = index_of(*rows).match(nominee)
    assert len(match.records) == matched and bool(match.ambiguous) is ambiguous


# ------------------------------------------------------------------ the yearly campaign, end to end

@pytest.fixture(scope="module")
def yearly_demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cong-trang")
    settings, report = run_demo(folder, CAMPAIGN_FILE.stem)
    return settings, report, check(settings, now=dt.datetime(2026, 4, 1, 9, 0))


def by_name(evaluation, name, tab=None):
    return next(v for v in evaluation.verdicts.values() if v.nomination.value("name") == name
                and (tab is None or v.nomination.tab == tab))


def test_every_criterion_of_the_yearly_campaign_is_met_missed_and_undecided_in_its_demo(yearly_demo, yearly):
    _, _, evaluation = yearly_demo
    campaign, _ = yearly
    outcomes: dict[str, set[str]] = {}
    for tier in campaign.tiers:
        for criterion in tier.criteria:
            mine = [v for v in evaluation.verdicts.values() if v.nomination.value("award") == tier.name
                    and v.nomination.value("subject_type") == "Cá nhân"]
            for v in mine:
                found = [f for f in v.findings if f.rule == "tier_criteria"]
                outcomes.setdefault(criterion.article, set()).add(
                    "met" if not found else "undecided" if found[0].severity is Severity.MISSING else "missed")
    assert set(outcomes) == {c.article for t in campaign.tiers for c in t.criteria}
    assert all(seen == {"met", "missed", "undecided"} for seen in outcomes.values()), outcomes
    ambiguous = by_name(evaluation, "Nguyễn Văn An")
    assert ambiguous.status is Status.CAN_BO_SUNG and "Mã cá nhân" in ambiguous.messages
    assert "chưa có kết quả nào" in by_name(evaluation, "Dương Ngọc Linh").messages
    excluded = by_name(evaluation, "Võ Quốc Cường")
    assert excluded.status is Status.KHONG_HOP_LE and "Điều 4 Nghị định số 152/2025/NĐ-CP" in excluded.messages
    assert by_name(evaluation, "Trương Minh Khoa", "Khu vực 3").status is Status.HOP_LE  # told apart by code


def test_the_yearly_demo_documents_each_case_as_the_demo_says(yearly_demo):
    _, _, evaluation = yearly_demo
    judged = ("Huân chương Lao động hạng Ba", "Bằng khen của Thủ tướng Chính phủ")  # criteria that are errors
    expected = {p.name: ("chưa" not in p.why) for p in PEOPLE if p.tier in judged and p.in_register}
    for name, met in expected.items():
        assert (by_name(evaluation, name).status is Status.HOP_LE) is met, name


def test_the_summary_lists_the_titles_and_awards_the_register_holds(yearly_demo):
    settings, _, _ = yearly_demo
    path = next(settings.output_dir.rglob("*Trần Văn Hùng.docx"))
    text = document_text(path)
    assert "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN" in text
    assert "Quyết định số 120/QĐ-TTg, ngày 20/12/2020; Thủ tướng Chính phủ" in text
    assert "Chiến sĩ thi đua cơ sở" in text


def test_plan_515_without_a_register_has_no_section_iii_and_no_criteria(tmp_path):
    settings, report = run_demo(tmp_path)
    path = next(p for p in settings.output_dir.rglob("*.docx") if "Tóm tắt" in str(p.parent))
    assert "CÁC HÌNH THỨC KHEN THƯỞNG" not in document_text(path)
    book = openpyxl.load_workbook(settings.workbook)
    assert "Lịch sử khen thưởng" not in book.sheetnames and "Mã cá nhân" not in [c.value for c in book["P1"][1]]


def test_the_register_flags_leave_every_cell_the_office_typed_as_it_was(tmp_path):
    settings = build_yearly_demo(tmp_path)  # as the Office typed it, before setup and the first sync
    before = stored_cells(settings.workbook)["Lịch sử khen thưởng"]
    set_up_spreadsheet(settings)
    sync_once(settings, now=dt.datetime(2026, 4, 1, 9, 0))
    sync_once(settings, now=dt.datetime(2026, 4, 2, 9, 0))
    after = stored_cells(settings.workbook)["Lịch sử khen thưởng"]
    assert typed(after, REGISTER_FLAGS) == typed(before, REGISTER_FLAGS)  # the sheet XML, cell by cell
    assert after["O1"][1] == "Trạng thái" and after["P1"][1] == "Nội dung cần sửa"
    assert {after[f"O{r}"][1] for r in range(2, 10)} == {"Hợp lệ"}


# ------------------------------------------------------------------ closing the loop

def with_decisions(settings, workbook, *rows: list):
    """A copy of the yearly demo's workbook whose decisions tab holds `rows`."""
    shutil.copy(settings.workbook, workbook)
    book = openpyxl.load_workbook(workbook)
    for row in rows:
        book["Quyết định khen thưởng"].append(row)
    book.save(workbook)
    return workbook


def test_record_adds_who_was_awarded_to_the_register_once(yearly_demo, tmp_path):
    settings, _, _ = yearly_demo
    workbook = with_decisions(settings, tmp_path / "record.xlsx",
                              ["Bằng khen của Viện trưởng VKSND tối cao", "205/QĐ-VKSTC", dt.datetime(2026, 3, 20)],
                              ["Giấy khen của Viện trưởng VKSND tỉnh", "31/QĐ-VKS", "15/03/2026", None,
                               "KV2-0003, XX-0009"])
    register_before = stored_cells(workbook)["Lịch sử khen thưởng"]
    mine = replace(settings, workbook=workbook, config=None)
    now = dt.datetime(2026, 4, 1, 9, 0)
    first = record(mine, now=now)
    approved_bk = sum(1 for v in check(mine, now=now).verdicts.values()
                      if v.included and v.nomination.value("award") == "Bằng khen của Viện trưởng VKSND tối cao")
    assert first.added == approved_bk + 1 and first.already == 0
    assert any("XX-0009" in p for p in first.problems)
    second = record(mine, now=now)
    assert second.added == 0 and second.already == first.added  # nothing twice
    rows = list(openpyxl.load_workbook(workbook)["Lịch sử khen thưởng"].iter_rows(values_only=True))
    added = [r for r in rows if r[9] in ("205/QĐ-VKSTC", "31/QĐ-VKS")]
    assert len(added) == first.added
    assert {r[12] for r in added} == {"Công trạng"} and {r[5] for r in added} == {2025}  # kind; year of merit
    after = stored_cells(workbook)["Lịch sử khen thưởng"]
    kept = typed(after, REGISTER_FLAGS)
    assert {k: v for k, v in kept.items() if k in typed(register_before, REGISTER_FLAGS)} == typed(
        register_before, REGISTER_FLAGS)  # every typed cell as it was; the new rows only added below
    # The next sync reads the new rows as valid register rows.
    evaluation = check(mine, now=now)
    assert all(r.status is Status.HOP_LE for r in evaluation.history.rows if r.row > len(rows) - first.added)


# ------------------------------------------------------------------ on Google

def test_on_google_the_register_costs_no_request_and_record_adds_each_person_once(fake, credentials_file, tmp_path):
    from tests.fake_google.fixtures import ACCOUNT, OFFICE, google_settings, workbook_tabs
    local = build_yearly_demo(tmp_path / "demo")
    tabs = workbook_tabs(local.workbook)
    tabs["Quyết định khen thưởng"] = [["Hình thức được khen thưởng", "Số quyết định", "Ngày quyết định"],
                                      ["Bằng khen của Viện trưởng VKSND tối cao", "205/QĐ-VKSTC", "20/03/2026"]]
    spreadsheet_id = fake.add_spreadsheet(tabs, editors={ACCOUNT, OFFICE})
    drive = fake.add_shared_drive("Thi đua khen thưởng", members={ACCOUNT, OFFICE})
    folder = fake.add_folder("Hồ sơ công trạng", drive, drive_id=drive)
    settings = replace(google_settings(fake, credentials_file, spreadsheet_id, folder), campaign=CAMPAIGN_FILE)
    now = dt.datetime(2026, 4, 1, 9, 0)
    assert set_up_spreadsheet(settings)  # the register's and the decisions' dropdowns and colours, on Google too
    assert set_up_spreadsheet(settings) == []
    sync_once(settings, now=now)
    fake.reset_counts()
    report = sync_once(settings, now=now)
    assert fake.count("sheets") == 4  # metadata, one batchGet of every tab (the register too), re-read, write
    register = fake.values(spreadsheet_id, "Lịch sử khen thưởng")
    assert register[0][14:16] == ["Trạng thái", "Nội dung cần sửa"]
    assert register[1][14] == "Hợp lệ" and report.count(Status.HOP_LE) > 0
    fake.reset_counts()
    first = record(settings, now=now)
    assert first.added >= 3 and not first.problems
    assert fake.count("sheets") == 4  # metadata, one batchGet, the re-read before writing, one write
    rows = fake.values(spreadsheet_id, "Lịch sử khen thưởng")
    assert len(rows) == len(register) + first.added
    assert rows[-1][9] == "205/QĐ-VKSTC" and rows[-1][10] == "20/03/2026"
    again = record(settings, now=now)
    assert again.added == 0 and len(fake.values(spreadsheet_id, "Lịch sử khen thưởng")) == len(rows)
    decisions = fake.values(spreadsheet_id, "Quyết định khen thưởng")
    assert decisions[1][decisions[0].index("Đã ghi vào lịch sử")].startswith("Cả ")  # its own column only
    assert decisions[1][:3] == ["Bằng khen của Viện trưởng VKSND tối cao", "205/QĐ-VKSTC", "20/03/2026"]


def test_a_running_job_reads_an_unchanged_register_once_and_a_changed_one_again(yearly):
    from automation.memory import Memory
    from automation.sync import evaluate
    from bench.register import _Sheet, yearly_tabs
    campaign, schema, tabs = yearly_tabs(50, 60, with_register=True)
    memory = Memory()
    sheet = _Sheet(tabs)
    first = evaluate(sheet, campaign, schema, now=dt.datetime(2026, 4, 1, 9, 0), memory=memory)
    again = evaluate(sheet, campaign, schema, now=dt.datetime(2026, 4, 1, 9, 5), memory=memory)
    assert again.history is first.history  # nothing parsed twice
    tabs["Lịch sử khen thưởng"][1][6] = "Hoàn thành nhiệm vụ"  # the Office changes one rating
    changed = evaluate(_Sheet(tabs), campaign, schema, now=dt.datetime(2026, 4, 1, 9, 10), memory=memory)
    assert changed.history is not first.history
    fresh = evaluate(_Sheet(tabs), campaign, schema, now=dt.datetime(2026, 4, 1, 9, 10))
    assert {k: v.findings for k, v in changed.verdicts.items()} == {k: v.findings for k, v in fresh.verdicts.items()}


def test_a_broken_register_header_withdraws_nothing_keeps_its_flags_and_says_why_until_fixed(tmp_path):
    settings = build_yearly_demo(tmp_path)
    set_up_spreadsheet(settings)
    first = sync_once(settings, now=dt.datetime(2026, 4, 1, 9, 0))
    book = openpyxl.load_workbook(settings.workbook)
    book["Lịch sử khen thưởng"]["F1"] = "Năm xét"  # the Office renames a required column
    book.save(settings.workbook)
    flags_before = [c.value for c in book["Lịch sử khen thưởng"]["O"]]
    broken = sync_once(settings, now=dt.datetime(2026, 4, 1, 9, 5))
    assert broken.documents.withdrawn == 0 and broken.documents.created == 0
    assert any("thiếu cột 'Năm'" in p for p in broken.problems)
    sheet = openpyxl.load_workbook(settings.workbook)["Lịch sử khen thưởng"]
    notice = [c.value for c in sheet[1] if isinstance(c.value, str) and c.value.startswith("⚠")]
    assert len(notice) == 1 and "thiếu cột 'Năm'" in notice[0]
    assert [c.value for c in sheet["O"]] == flags_before  # the flags stay as the last whole read left them
    book = openpyxl.load_workbook(settings.workbook)
    book["Lịch sử khen thưởng"]["F1"] = "Năm"
    book.save(settings.workbook)
    fixed = sync_once(settings, now=dt.datetime(2026, 4, 1, 9, 10))
    sheet = openpyxl.load_workbook(settings.workbook)["Lịch sử khen thưởng"]
    assert not [c.value for c in sheet[1] if isinstance(c.value, str) and c.value.startswith("⚠")]
    assert fixed.documents.withdrawn == 0 and fixed.documents.unchanged == first.documents.created


def test_plan_515_with_a_register_tab_lists_the_recorded_awards_in_its_summaries(tmp_path):
    from automation.demo import build_demo
    settings = build_demo(tmp_path)
    set_up_spreadsheet(settings)
    now = dt.datetime(2022, 1, 10, 9, 30)
    evaluation = check(settings, now=now)
    verdict = next(v for v in evaluation.verdicts.values() if v.summary_ready and v.record_id
                   and v.nomination.value("subject_type") == "Cá nhân" and v.nomination.value("birth_year"))
    n = verdict.nomination
    book = openpyxl.load_workbook(settings.workbook)
    register = book.create_sheet("Lịch sử khen thưởng")
    register.append(REGISTER_HEADER)
    register.append(["Cá nhân", None, n.value("name"), n.value("birth_year"), n.unit.name, 2019, HTT,
                     "Chiến sĩ thi đua cơ sở", None, "07/QĐ-VKS", dt.datetime(2020, 1, 15), "Viện trưởng VKSND tỉnh",
                     "Công trạng"])
    book.save(settings.workbook)
    report = sync_once(settings, now=now)
    assert report.count(Status.HOP_LE) == sum(v.status is Status.HOP_LE for v in evaluation.verdicts.values())
    mine = next(settings.output_dir.rglob(f"{verdict.record_id} - *.docx"))
    text = document_text(mine)
    assert "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN" in text
    assert "Quyết định số 07/QĐ-VKS, ngày 15/01/2020; Viện trưởng VKSND tỉnh" in text
    other = next(p for p in settings.output_dir.rglob("*.docx") if " - " in p.name and p != mine)
    assert "Chưa có" in document_text(other)  # section III for everyone, "Chưa có" where nothing is recorded


def test_a_decision_row_with_a_mistake_records_nobody_and_says_what_to_fix(yearly_demo, tmp_path):
    settings, _, _ = yearly_demo
    workbook = with_decisions(
        settings, tmp_path / "bad.xlsx",
        ["Bằng khen của Viện trưởng VKSND tối cao", None, dt.datetime(2026, 3, 20)],  # no number
        ["Bằng khen của Viện trưởng VKSND tối cao", "9/QĐ-VKSTC", dt.datetime(2027, 1, 1)],  # in the future
        ["Bằng khen của UBND tỉnh", "10/QĐ", dt.datetime(2026, 3, 20)])  # not a tier of the campaign
    before = len(list(openpyxl.load_workbook(workbook)["Lịch sử khen thưởng"].iter_rows()))
    recording = record(replace(settings, workbook=workbook, config=None), now=dt.datetime(2026, 4, 1, 9, 0))
    assert recording.added == 0 and len(recording.problems) == 3
    assert "Số quyết định: chưa nhập" in recording.problems[0]
    assert "ở tương lai" in recording.problems[1]
    assert "không có trong danh sách" in recording.problems[2]
    book = openpyxl.load_workbook(workbook)
    assert len(list(book["Lịch sử khen thưởng"].iter_rows())) == before
    assert all(str(r[-1].value).startswith("Chưa ghi") for r in list(book["Quyết định khen thưởng"].iter_rows())[1:])


def test_setup_of_the_yearly_campaign_then_changes_nothing(tmp_path):
    settings = build_yearly_demo(tmp_path)
    assert set_up_spreadsheet(settings)  # the register's and the decisions' dropdowns, colours, print layout
    assert set_up_spreadsheet(settings) == []  # each list in the lists tab once: nothing to do the second time


def test_two_dropdowns_of_one_header_must_offer_one_list(tmp_path):
    from automation.errors import CampaignError
    from automation.resources import DEFAULT_SCHEMA
    text = DEFAULT_SCHEMA.read_text(encoding="utf-8").replace('header = "Hình thức được khen thưởng"',
                                                              'header = "Hình thức khen thưởng"')
    path = tmp_path / "columns.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CampaignError, match="trùng tiêu đề với một cột chọn khác"):
        load_schema(path)
