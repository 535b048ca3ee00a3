"""Each rule with its own table: (row changes → the findings it must give)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from automation import rules
from automation.campaign import load_campaign
from automation.findings import ReviewState, Severity, Status, status_of
from automation.sheets import Formula
from tests.builders import BK_TTG, BK_VKSTC, DATA, GIAY_KHEN, HCLD, TODAY, nomination, valid_row

M, I, W = Severity.MISSING, Severity.INVALID, Severity.WARNING


@pytest.fixture
def ctx(campaign, schema):
    return rules.Context(campaign, schema, TODAY)


def run(rule, ctx, schema, **changes):
    return [(f.severity, f.column) for f in rule(nomination(schema, valid_row(**changes)), ctx)]


def test_a_valid_row_passes_every_rule(ctx, schema):
    n = nomination(schema)
    assert rules.check([n], ctx) == {(n.tab, n.row): ()}


@pytest.mark.parametrize("changes, expected", [
    ({}, []),
    ({"gender": "nam giới"}, [(I, "Giới tính")]),
    ({"award": "Bằng khen UBND tỉnh"}, [(I, "Hình thức đề nghị")]),
    ({"category": "Khác"}, [(I, "Nhóm thành tích")]),
    ({"copies_submitted": "hai"}, [(I, "Số bộ hồ sơ bản chính đã nộp")]),
    ({"proposed_on": "31/02/2022"}, [(I, "Ngày đề nghị")]),
    ({"birth_year": 2015}, [(I, "Năm sinh")]),
    ({"head_confirmed": "chắc chắn"}, [(I, "Thủ trưởng đơn vị xác nhận")]),
    ({"office_review": "OK"}, [(W, "Ý kiến thẩm định")]),  # the Office's typo never fails a unit's row
    ({"summary": valid_row()["summary"] + "\x07"}, [(W, "Tóm tắt thành tích")]),
])
def test_cell_values(ctx, schema, changes, expected):
    assert run(rules.cell_values, ctx, schema, **changes) == expected


@pytest.mark.parametrize("changes, expected", [
    ({}, []),
    ({"name": ""}, [(M, "Họ và tên / Tên tập thể")]),
    ({"name": "   "}, [(M, "Họ và tên / Tên tập thể")]),
    ({"gender": None}, [(M, "Giới tính")]),
    ({"gender": None, "position": None, "subject_type": "Tập thể", "situation": "Phòng có 9 công chức."},
     []),  # only individuals need them
    ({"subject_type": "Tập thể", "gender": None, "situation": None}, [(M, "Đặc điểm, tình hình (tập thể)")]),
    ({"situation": None}, []),  # an individual has no đặc điểm, tình hình
    ({"birth_year": None, "note": None, "seq": None, "material_contribution": None}, []),  # optional
    ({"workplace": None, "award": None}, [(M, "Đơn vị công tác"), (M, "Hình thức đề nghị")]),
    ({"copies_submitted": None, "proposed_on": None},
     [(M, "Số bộ hồ sơ bản chính đã nộp"), (M, "Ngày đề nghị")]),
    ({"scope": Formula("=A1")}, [(M, "Phạm vi ảnh hưởng")]),  # a formula nobody computed yet
    ({"head_confirmed": None}, []),  # head_confirmation's business
])
def test_required_values(ctx, schema, changes, expected):
    assert run(rules.required_values, ctx, schema, **changes) == expected


@pytest.mark.parametrize("value, expected", [
    (True, []), ("Có", []), ("x", []), (False, [(M, "Thủ trưởng đơn vị xác nhận")]),
    ("Không", [(M, "Thủ trưởng đơn vị xác nhận")]), (None, [(M, "Thủ trưởng đơn vị xác nhận")]),
    ("không rõ", []),  # a wrong value is cell_values' finding, not a second one here
])
def test_head_confirmation(ctx, schema, value, expected):
    assert run(rules.head_confirmation, ctx, schema, head_confirmed=value) == expected


@pytest.mark.parametrize("award, copies, expected", [
    (HCLD, 5, []), (HCLD, 4, [M]), (BK_TTG, 4, []), (BK_TTG, 3, [M]), (BK_VKSTC, 2, []), (BK_VKSTC, 1, [M]),
    (GIAY_KHEN, 1, []), (GIAY_KHEN, 0, [M]), (GIAY_KHEN, 7, []), (GIAY_KHEN, None, []), ("Khác", 0, []),
])
def test_copies_enough(ctx, schema, award, copies, expected):
    findings = list(rules.copies_enough(nomination(schema, valid_row(award=award, copies_submitted=copies)), ctx))
    assert [f.severity for f in findings] == expected
    if findings:
        assert "bản chính" in findings[0].message and "nộp thêm" in findings[0].message


def test_copies_message_uses_two_digits_as_the_plan_does(ctx, schema):
    [finding] = rules.copies_enough(nomination(schema, valid_row(award=HCLD, copies_submitted=3)), ctx)
    assert "đã nộp 03 bộ" in finding.message and "cần 05 bộ" in finding.message and "thêm 02 bộ" in finding.message


@pytest.mark.parametrize("length, expected", [(149, [M]), (150, []), (400, [])])
def test_summary_length(ctx, schema, length, expected):
    summary = "Thành tích được ghi nhận " * 20
    summary = summary[:length - 1] + "."
    assert [s for s, _ in run(rules.summary_length, ctx, schema, summary=summary)] == expected


@pytest.mark.parametrize("date, expected", [
    (dt.datetime(2021, 11, 8), []),  # the first day of the movement (plan V)
    (dt.datetime(2021, 11, 7), [I]),
    ("01/10/2021", [I]),
    (dt.date(2021, 12, 20), []),  # today
    (dt.date(2021, 12, 21), [I]),  # in the future
    (None, []),
])
def test_date_in_window(ctx, schema, date, expected):
    assert [s for s, _ in run(rules.date_in_window, ctx, schema, proposed_on=date)] == expected


def test_date_after_a_window_end(schema, base_schema):
    other = load_campaign(DATA / "flood-relief.toml", scopes=base_schema.column("scope").choices)
    ctx = rules.Context(other, base_schema.with_campaign(other), dt.date(2023, 2, 1))
    row = valid_row(proposed_on="05/01/2023", award="Giấy khen")
    [finding] = rules.date_in_window(nomination(base_schema.with_campaign(other), row), ctx)
    assert finding.severity is I and "31/12/2022" in finding.message


@pytest.mark.parametrize("award, scope, contribution, expected", [
    (HCLD, "Toàn quốc", None, []),
    (HCLD, "Ngành Kiểm sát nhân dân", None, [I]),
    (HCLD, "Địa phương", None, [I]),
    (HCLD, "Địa phương", 200_000_000, [W]),  # a large material contribution: the Office judges it
    (HCLD, "Trong đơn vị", "50.000.000 đ", [W]),
    (HCLD, "Địa phương", 0, [I]),
    (BK_TTG, "Toàn quốc", None, []),
    (BK_TTG, "Ngành Kiểm sát nhân dân", None, []),
    (BK_TTG, "Địa phương", None, []),
    (BK_TTG, "Trong đơn vị", None, [I]),
    (BK_TTG, "Trong đơn vị", 100_000_000, [I]),  # the contribution only stands in for the Labour Order
    (BK_VKSTC, "Địa phương", None, []),
    (BK_VKSTC, "Trong đơn vị", None, [W]),
    (GIAY_KHEN, "Trong đơn vị", None, []),
    (GIAY_KHEN, None, None, []),
])
def test_scope_matches_tier(ctx, schema, award, scope, contribution, expected):
    row = valid_row(award=award, scope=scope, material_contribution=contribution)
    assert [s for s, _ in run(rules.scope_matches_tier, ctx, schema, **row)] == expected


@pytest.mark.parametrize("award, award_class, expected", [
    (HCLD, "Ba", []), (HCLD, "Nhất", []), (HCLD, None, [M]),  # an order names its class
    (GIAY_KHEN, None, []), (GIAY_KHEN, "Nhì", [I]), (BK_TTG, "Ba", [I]),  # a Bằng khen has none
    ("Khác", "Ba", []),  # an unknown tier is cell_values' finding
])
def test_class_matches_tier(ctx, schema, award, award_class, expected):
    changes = {"award": award, "award_class": award_class, "scope": "Toàn quốc"}
    assert [s for s, _ in run(rules.class_matches_tier, ctx, schema, **changes)] == expected


def test_a_tab_without_the_class_column_is_asked_for_it_only_for_an_order(ctx, schema):
    for award, expected in ((HCLD, [M]), (GIAY_KHEN, [])):
        n = nomination(schema, valid_row(award=award), drop=("award_class",))
        assert [f.severity for f in rules.class_matches_tier(n, ctx)] == expected


R = ReviewState


@pytest.mark.parametrize("review, note, status, state, line", [
    ("Đồng ý", None, Status.HOP_LE, R.APPROVED, "Đã đưa vào quyết định tặng Giấy khen của Viện trưởng VKSND tỉnh"),
    ("Đồng ý", None, Status.CAN_BO_SUNG, R.APPROVED, "Văn phòng đã đồng ý; sửa xong"),
    (None, None, Status.HOP_LE, R.WAITING, "Hợp lệ, chờ Văn phòng thẩm định"),
    (None, None, Status.KHONG_HOP_LE, None, ""),  # nothing to wait for until the row is right
    ("Không đồng ý", "chưa tiêu biểu", Status.HOP_LE, R.REJECTED, "Văn phòng không đồng ý: chưa tiêu biểu"),
    ("Không đồng ý", None, Status.HOP_LE, R.REJECTED, "Văn phòng không đồng ý; đề nghị này không đưa vào"),
    ("Yêu cầu bổ sung", "thêm số liệu", Status.HOP_LE, R.ASKED, "Văn phòng yêu cầu bổ sung: thêm số liệu"),
    ("Yêu cầu bổ sung", "  ", Status.HOP_LE, R.ASKED, "Văn phòng yêu cầu bổ sung (chưa ghi nội dung)"),
    ("nhầm", None, Status.HOP_LE, R.WAITING, "Hợp lệ, chờ"),  # a word not in the list is no verdict
])
def test_review_state_and_the_line_the_unit_reads(ctx, schema, review, note, status, state, line):
    n = nomination(schema, valid_row(office_review=review, office_note=note))
    assert rules.review_state(n, status, ctx) is state
    included = rules.enters_submission(n, status, ctx)
    assert rules.standing(n, state, included, ctx).startswith(line)
    assert bool(line) == bool(rules.standing(n, state, included, ctx))


@pytest.mark.parametrize("changes, ready", [
    ({}, True),
    ({"head_confirmed": False}, True),  # the head confirms the summary once it exists
    ({"head_confirmed": False, "copies_submitted": 0}, False),
    ({"name": ""}, False),
    ({"award": "Khác"}, False),
    ({"scope": "Trong đơn vị", "award": BK_VKSTC, "copies_submitted": 2}, True),  # a warning does not hold it back
])
def test_summary_ready(ctx, schema, changes, ready):
    n = nomination(schema, valid_row(**changes))
    found = rules.check([n], ctx)[n.key]
    assert rules.summary_ready(n, found, ctx) is ready


def test_merged_cells(ctx, schema):
    n = nomination(schema, merged=("workplace",))
    assert [(f.severity, f.column) for f in rules.merged_cells(n, ctx)] == [(W, "Đơn vị công tác")]


def _rows(schema, *rows):
    return [nomination(schema, valid_row(**changes), tab=tab, number=number) for tab, number, changes in rows]


@pytest.mark.parametrize("rows, flagged", [
    # same name, type and workplace, same tier, in two tabs: both flagged
    ([("A", 2, {}), ("B", 5, {})], [("A", 2), ("B", 5)]),
    # decomposed Unicode, other case and extra spaces are still the same nominee
    ([("A", 2, {}), ("B", 5, {"name": unicodedata.normalize("NFD", "NGUYỄN  văn an ")})], [("A", 2), ("B", 5)]),
    # a namesake in another workplace is another person
    ([("A", 2, {}), ("B", 5, {"workplace": "VKSND huyện Tân Châu"})], []),
    # a collective with the same name as a person is not the person
    ([("A", 2, {}), ("B", 5, {"subject_type": "Tập thể"})], []),
    # three copies: all three flagged
    ([("A", 2, {}), ("A", 3, {}), ("B", 4, {})], [("A", 2), ("A", 3), ("B", 4)]),
    # same nominee, other tier: nominee_in_two_tiers' business, not this rule's
    ([("A", 2, {}), ("B", 5, {"award": BK_VKSTC})], []),
    # rows without a name are not compared
    ([("A", 2, {"name": ""}), ("B", 5, {"name": ""})], []),
])
def test_duplicate_nominees(ctx, schema, rows, flagged):
    found = list(rules.duplicate_nominees(_rows(schema, *rows), ctx))
    assert sorted((n.tab, n.row) for n, _ in found) == flagged
    assert all(f.severity is I for _, f in found)


def test_a_duplicate_names_the_other_tab_and_row(ctx, schema):
    found = dict(((n.tab, n.row), f) for n, f in rules.duplicate_nominees(_rows(schema, ("A", 2, {}), ("B", 5, {})),
                                                                         ctx))
    assert "tab 'B', dòng 5" in found[("A", 2)].message and "tab 'A', dòng 2" in found[("B", 5)].message


@pytest.mark.parametrize("rows, flagged", [
    ([("A", 2, {}), ("A", 3, {"award": BK_VKSTC, "copies_submitted": 2})], [("A", 2), ("A", 3)]),
    ([("A", 2, {}), ("B", 3, {"award": HCLD})], [("A", 2), ("B", 3)]),
    ([("A", 2, {}), ("A", 3, {})], []),  # same tier twice is a duplicate, not two tiers
    ([("A", 2, {}), ("A", 3, {"award": BK_VKSTC, "name": "Nguyễn Văn Bình"})], []),
])
def test_nominee_in_two_tiers(ctx, schema, rows, flagged):
    found = list(rules.nominee_in_two_tiers(_rows(schema, *rows), ctx))
    assert sorted((n.tab, n.row) for n, _ in found) == flagged
    assert all(f.severity is I and f.column == "Hình thức đề nghị" for _, f in found)


@pytest.mark.parametrize("severities, status", [
    ([], Status.HOP_LE), ([W, W], Status.HOP_LE), ([M], Status.CAN_BO_SUNG), ([W, M], Status.CAN_BO_SUNG),
    ([I], Status.KHONG_HOP_LE), ([M, I, W], Status.KHONG_HOP_LE),  # both kinds: Không hợp lệ
])
def test_status_of(severities, status):
    from automation.findings import Finding
    assert status_of([Finding(s, "c", "m", "r") for s in severities]) is status


def test_messages_put_problems_first_and_warnings_last(ctx, schema):
    from automation.findings import messages_of
    n = nomination(schema, valid_row(award=BK_VKSTC, scope="Trong đơn vị", copies_submitted=1, gender="?"))
    text = messages_of(rules.check([n], ctx)[(n.tab, n.row)])
    lines = text.splitlines()
    assert lines[0].startswith("• Giới tính:") and lines[1].startswith("• Số bộ hồ sơ")
    assert lines[-1].startswith("Lưu ý: Phạm vi ảnh hưởng — ")


def test_every_rule_has_a_docstring():
    for rule in rules.ROW_RULES + rules.CROSS_RULES:
        assert rule.__doc__, rule.__name__


def test_a_nominee_pasted_600_times_gets_600_short_messages_naming_a_few_others(schema, campaign):
    ctx = rules.Context(campaign, schema, TODAY)
    copies = [nomination(schema, valid_row(), number=i) for i in range(2, 602)]
    found = list(rules.duplicate_nominees(copies, ctx))
    assert len(found) == 600 and max(len(f.message) for _, f in found) < 400
    assert found[0][1].message.startswith("trùng với tab 'Gò Dầu', dòng 3; tab 'Gò Dầu', dòng 4; tab 'Gò Dầu', dòng 5 "
                                          "và 596 dòng khác")
    two_tiers = copies[:300] + [nomination(schema, valid_row(award=BK_VKSTC, copies_submitted=2), number=i)
                                for i in range(700, 1000)]
    found = list(rules.nominee_in_two_tiers(two_tiers, ctx))
    assert len(found) == 600 and max(len(f.message) for _, f in found) < 500
    assert "và 297 dòng khác" in found[0][1].message


def test_no_flag_cell_grows_past_what_an_xlsx_cell_holds():
    from automation.flags import CELL_LIMIT, fit
    assert fit("x" * 100) == "x" * 100
    cut = fit("x" * 100_000)
    assert len(cut) <= CELL_LIMIT < 32_767 and cut.endswith("(còn nữa, đã lược bớt)")
