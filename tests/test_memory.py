"""A running job re-judges only what changed, and reaches exactly what judging everything does."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from automation.memory import Memory
from automation.sync import evaluate
from tests.builders import BK_TTG, BK_VKSTC, GIAY_KHEN, HCLD, MemorySheet, as_cells, headers, registry, valid_row

NOW = dt.datetime(2021, 12, 1, 9, 0)
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "nguyễn  văn an"]


def _sheet(schema, rows_per_tab: int, rng: random.Random) -> MemorySheet:
    tabs = {"Đơn vị": registry(("GD", "Gò Dầu"), ("TC", "Tân Châu"))}
    flags = [c.header for c in schema.flag_columns]
    for tab in ("Gò Dầu", "Tân Châu"):
        tabs[tab] = [headers(schema) + flags] + [as_cells(schema, valid_row(name=f"Người {tab} {i}", seq=i + 1))
                                                 for i in range(rows_per_tab)]
    return MemorySheet(tabs)


def _edit(schema, sheet: MemorySheet, rng: random.Random) -> None:
    """One edit a unit or the Office makes: a value typed, fixed, cleared; a row added or emptied;
    a nominee made a duplicate of another (or no longer one); a flag or an id typed over; columns
    swapped; a unit renamed in the registry; cells merged or unmerged."""
    tab = rng.choice(["Gò Dầu", "Tân Châu"])
    rows = sheet.tabs[tab]
    head = rows[0]
    kind = rng.random()
    if kind < 0.1:
        rows.append(as_cells(schema, valid_row(name=rng.choice(NAMES))))
        return
    if kind < 0.14:  # the unit swaps two of its columns, header and cells (or, by mistake, the titles only)
        a, b = rng.sample(range(len(head)), 2)
        for row in rows if kind < 0.125 else [head]:
            row.extend([None] * (len(head) - len(row)))
            row[a], row[b] = row[b], row[a]
        return
    if kind < 0.17:  # the registry names the unit anew
        sheet.tabs["Đơn vị"][rng.randint(1, 2)][1] = rng.choice(["Viện KSND huyện", "VKSND Gò Dầu", "Tân Châu"])
        return
    if kind < 0.2:  # a unit cell merged down over the next row, or every merge undone
        r = rng.randrange(1, len(rows) - 1)
        column = head.index(rng.choice(["Giới tính", "Đơn vị công tác", "Mã hồ sơ"]))
        sheet.merges[tab] = () if sheet.merges.get(tab) else ((r, column, r + 1, column),)
        return
    r = rng.randrange(1, len(rows))
    row = rows[r]
    row.extend([None] * (len(head) - len(row)))
    if kind < 0.25:
        rows[r] = [None] * len(head)  # emptied
        return
    if kind < 0.35:  # a flag typed over: another row's id pasted, a status written by hand
        other = rows[rng.randrange(1, len(rows))]
        other.extend([None] * (len(head) - len(other)))
        column, value = rng.choice([("Mã hồ sơ", other[head.index("Mã hồ sơ")]), ("Mã hồ sơ", "GD-0007"),
                                    ("Mã hồ sơ", None), ("Trạng thái", "Hợp lệ"), ("Nội dung cần sửa", "x")])
        row[head.index(column)] = value
        return
    column, value = rng.choice([
        ("Họ và tên / Tên tập thể", rng.choice(NAMES)), ("Hình thức đề nghị", rng.choice([HCLD, BK_TTG, BK_VKSTC,
                                                                                            GIAY_KHEN, "Huy chương"])),
        ("Giới tính", rng.choice(["Nam", "Nữ", "?", None])), ("Năm sinh", rng.choice([1980, "1980", 1980.0, 1890,
                                                                                        None])),
        ("Số bộ hồ sơ bản chính đã nộp", rng.choice([0, 1, 1.0, True, 3, -0.0, 0.0, "một"])),
        ("Ý kiến thẩm định", rng.choice(["Đồng ý", "Không đồng ý", None])),
    ])
    row[head.index(column)] = value


def _outcome(evaluation):
    return {key: (v.nomination, v.record_id, v.findings, v.status, v.included, v.summary_ready, v.review, v.standing,
                  v.history)
            for key, v in evaluation.verdicts.items()}


@pytest.mark.parametrize("seed", range(8))
def test_remembering_judges_exactly_as_judging_everything_on_random_edits(schema, campaign, seed):
    rng = random.Random(seed)
    sheet = _sheet(schema, 30, rng)
    memory = Memory()
    for step in range(16):
        remembered = evaluate(sheet, campaign, schema, now=NOW, memory=memory)
        afresh = evaluate(sheet, campaign, schema, now=NOW)
        assert _outcome(remembered) == _outcome(afresh), f"seed {seed}, step {step}"
        for _ in range(rng.randint(1, 4)):
            _edit(schema, sheet, rng)


def test_a_steady_state_sync_parses_and_judges_only_the_changed_rows(schema, campaign):
    sheet = _sheet(schema, 100, random.Random(1))
    memory = Memory()
    evaluate(sheet, campaign, schema, now=NOW, memory=memory)
    assert (memory.parsed, memory.judged) == (200, 200)
    evaluate(sheet, campaign, schema, now=NOW, memory=memory)
    assert (memory.parsed, memory.judged) == (0, 0)  # nothing changed: nothing parsed again
    head = sheet.tabs["Gò Dầu"][0]
    sheet.tabs["Gò Dầu"][5][head.index("Giới tính")] = "?"
    sheet.tabs["Tân Châu"][7][head.index("Họ và tên / Tên tập thể")] = "Người Gò Dầu 3"  # a duplicate appears
    evaluation = evaluate(sheet, campaign, schema, now=NOW, memory=memory)
    assert (memory.parsed, memory.judged) == (2, 2)
    duplicates = {key for key, v in evaluation.verdicts.items() if any(f.rule == "duplicate_nominees"
                                                                       for f in v.findings)}
    assert duplicates == {("Gò Dầu", 5), ("Tân Châu", 8)}  # the pair, and only the pair (rows 1-based, header 1)
    evaluate(sheet, campaign, schema, now=NOW + dt.timedelta(days=1), memory=memory)
    assert memory.parsed == 200  # another day: dates are judged against it, everything again


def test_a_row_is_read_again_when_only_its_tabs_titles_move(schema, campaign):
    """Same cells, flags at other places: the nomination is read anew, not remembered."""
    sheet = _sheet(schema, 3, random.Random(2))
    head, row = sheet.tabs["Gò Dầu"][0], sheet.tabs["Gò Dầu"][1]
    status, messages = head.index("Trạng thái"), head.index("Nội dung cần sửa")
    row.extend([None] * (len(head) - len(row)))
    row[status], row[messages] = "Hợp lệ", "cũ"
    memory = Memory()
    evaluate(sheet, campaign, schema, now=NOW, memory=memory)
    head[status], head[messages] = head[messages], head[status]
    remembered = evaluate(sheet, campaign, schema, now=NOW, memory=memory)
    assert remembered.verdicts[("Gò Dầu", 2)].nomination.flags["status"] == "cũ"
    assert _outcome(remembered) == _outcome(evaluate(sheet, campaign, schema, now=NOW))


def test_an_unchanged_sync_says_the_very_same_of_every_row(schema, campaign):
    """Nothing changed: every verdict is the object of the last sync (nothing parsed, judged or built)."""
    sheet = _sheet(schema, 50, random.Random(3))
    memory = Memory()
    first = evaluate(sheet, campaign, schema, now=NOW, memory=memory)
    again = evaluate(sheet, campaign, schema, now=NOW, memory=memory)
    assert first.verdicts.keys() == again.verdicts.keys()
    assert all(again.verdicts[key] is verdict for key, verdict in first.verdicts.items())
    sheet.tabs["Gò Dầu"][4][sheet.tabs["Gò Dầu"][0].index("Giới tính")] = "Nữ"
    third = evaluate(sheet, campaign, schema, now=NOW, memory=memory)
    assert [key for key, verdict in third.verdicts.items() if verdict is not again.verdicts[key]] == [("Gò Dầu", 5)]
