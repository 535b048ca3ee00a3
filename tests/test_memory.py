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
    for tab in ("Gò Dầu", "Tân Châu"):
        tabs[tab] = [headers(schema)] + [as_cells(schema, valid_row(name=f"Người {tab} {i}", seq=i + 1))
                                         for i in range(rows_per_tab)]
    return MemorySheet(tabs)


def _edit(schema, sheet: MemorySheet, rng: random.Random) -> None:
    """One edit a unit or the Office makes: a value typed, fixed, cleared; a row added or emptied;
    a nominee made a duplicate of another (or no longer one)."""
    tab = rng.choice(["Gò Dầu", "Tân Châu"])
    rows = sheet.tabs[tab]
    head = rows[0]
    kind = rng.random()
    if kind < 0.1:
        rows.append(as_cells(schema, valid_row(name=rng.choice(NAMES))))
        return
    r = rng.randrange(1, len(rows))
    row = rows[r]
    row.extend([None] * (len(head) - len(row)))
    column, value = rng.choice([
        ("Họ và tên / Tên tập thể", rng.choice(NAMES)), ("Hình thức đề nghị", rng.choice([HCLD, BK_TTG, BK_VKSTC,
                                                                                            GIAY_KHEN, "Huy chương"])),
        ("Giới tính", rng.choice(["Nam", "Nữ", "?", None])), ("Năm sinh", rng.choice([1980, "1980", 1890, None])),
        ("Số bộ hồ sơ bản chính đã nộp", rng.choice([0, 1, 3, "một"])),
        ("Ý kiến thẩm định", rng.choice(["Đồng ý", "Không đồng ý", None])),
    ])
    if kind < 0.15:
        rows[r] = [None] * len(head)  # emptied
        return
    row[head.index(column)] = value


def _outcome(evaluation):
    return {key: (v.record_id, v.findings, v.status, v.included, v.summary_ready, v.review, v.standing)
            for key, v in evaluation.verdicts.items()}


@pytest.mark.parametrize("seed", range(6))
def test_remembering_judges_exactly_as_judging_everything_on_random_edits(schema, campaign, seed):
    rng = random.Random(seed)
    sheet = _sheet(schema, 30, rng)
    memory = Memory()
    for step in range(12):
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
