"""The register's cost: judging nominees against a register of 20,000 rows, beside the same judging
without a register (the floor: everything else a check does), in the same run.

    .venv/bin/python bench/register.py          (bench/run.py runs it too)

A yearly campaign of 1,000 nominees, every one proposed for a tier with criteria; the register
holds five years of 4,000 people (20,000 rows), the nominees among them. The number that matters
is what the register adds: reading and checking it (once per sync, whatever the nominees), and
matching each nominee and judging the criteria (per thousand nominees: the issue asks for well
under a second).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation.campaign import load_campaign  # noqa: E402
from automation.demo_yearly import CAMPAIGN_FILE  # noqa: E402
from automation import rules  # noqa: E402
from automation.matching import HistoryLookup  # noqa: E402
from automation.memory import collector_paused  # noqa: E402
from automation.register import read_register  # noqa: E402
from automation.schema import load_schema, register_lists  # noqa: E402
from automation.sheets import Snapshot, TabData  # noqa: E402
from automation.sync import evaluate  # noqa: E402

Row = tuple[str, str, float, float, float, str]
NOW = dt.datetime(2026, 4, 1, 9, 0)
RATINGS = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ")


class _Sheet:
    def __init__(self, tabs: dict[str, list[list[Any]]]) -> None:
        self.name = "bench"
        self.snapshot = Snapshot({t: TabData(t, rows) for t, rows in tabs.items()})

    def read(self) -> Snapshot:
        return self.snapshot


def yearly_tabs(nominees: int, people: int, *, with_register: bool) -> tuple[Any, Any, dict[str, list[list[Any]]]]:
    base = load_schema()
    campaign = load_campaign(CAMPAIGN_FILE, scopes=base.column("scope").choices, register=register_lists(base))
    schema = base.with_campaign(campaign)
    rng = random.Random(nominees * 7 + people)
    tabs: dict[str, list[list[Any]]] = {"Đơn vị": [[c.header for c in schema.registry_columns]]}
    header = [c.header for c in schema.nomination_columns]
    units = 10
    for u in range(units):
        tabs["Đơn vị"].append([f"U{u}", f"Đơn vị {u}", f"U{u}", "", "VKS khu vực", ""][:len(schema.registry_columns)])
        tabs[f"U{u}"] = [header]
    tiers = [t for t in campaign.tiers if t.criteria]
    summary = ("Năm 2025, trực tiếp thực hành quyền công tố, kiểm sát điều tra và xét xử nhiều vụ án hình sự; "
               "không có vụ án bị hủy, sửa do lỗi chủ quan; tham gia xây dựng chuyên đề nghiệp vụ của đơn vị.")
    for i in range(nominees):
        tier = tiers[i % len(tiers)]
        values = {"seq": i + 1, "subject_type": "Cá nhân", "name": f"Người số {i}", "gender": "Nam",
                  "birth_year": 1970 + i % 25, "position": "Kiểm sát viên", "workplace": f"Đơn vị {i % units}",
                  "award": tier.name, "category": campaign.categories[0], "scope": "Ngành Kiểm sát nhân dân",
                  "summary": summary, "copies_submitted": tier.copies, "head_confirmed": True,
                  "proposed_on": "10/12/2025", "office_review": "Đồng ý"}
        tabs[f"U{i % units}"].append([values.get(c.key) for c in schema.nomination_columns])
    if with_register:
        register = [[c.header for c in schema.register_columns]]
        for p in range(people):
            for year in range(2021, 2026):
                values = {"subject_type": "Cá nhân", "name": f"Người số {p}", "birth_year": 1970 + p % 25,
                          "unit": f"Đơn vị {p % units}", "year": year, "rating": rng.choice(RATINGS[:2]),
                          "title": rng.choice(("Chiến sĩ thi đua cơ sở", "Lao động tiên tiến")),
                          "decision": f"{year}/QĐ-VKS", "decision_date": f"15/01/{year + 1}",
                          "decided_by": "Viện trưởng VKSND tỉnh", "kind": "Công trạng"}
                register.append([values.get(c.key) for c in schema.register_columns])
        tabs[schema.tabs["register"]] = register
    return campaign, schema, tabs


def register_cost(nominees: int = 1_000, people: int = 4_000, repeat: int = 5) -> list[Row]:
    def run(with_register: bool) -> list[float]:
        campaign, schema, tabs = yearly_tabs(nominees, people, with_register=with_register)
        sheet = _Sheet(tabs)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            evaluation = evaluate(sheet, campaign, schema, now=NOW)
            times.append(time.perf_counter() - start)
        assert len(evaluation.verdicts) == nominees
        if with_register:
            assert len(evaluation.history.rows) == people * 5
        return sorted(times)

    def read_only() -> list[float]:
        _, schema, tabs = yearly_tabs(nominees, people, with_register=True)
        snapshot = _Sheet(tabs).snapshot
        times = []
        for _ in range(repeat):
            with collector_paused():  # as inside a sync
                start = time.perf_counter()
                read_register(snapshot, schema, today=NOW.date())
                times.append(time.perf_counter() - start)
        return sorted(times)

    def judging() -> list[float]:
        """Matching every nominee and judging the criteria, on a register already read (what each
        thousand nominees add), timed directly."""
        campaign, schema, tabs = yearly_tabs(nominees, people, with_register=True)
        sheet = _Sheet(tabs)
        evaluation = evaluate(sheet, campaign, schema, now=NOW)
        nominations = list(evaluation.intake.nominations)
        times = []
        for _ in range(repeat):
            with collector_paused():
                start = time.perf_counter()
                context = rules.Context(campaign, schema, NOW.date(), None, HistoryLookup(evaluation.history, schema))
                found = list(rules.tier_criteria(nominations, context))  # matches each nominee, then judges
                times.append((time.perf_counter() - start) * 1000 / nominees)
        assert found  # the synthetic nominees do miss some criteria: the work is done, not skipped
        return sorted(times)

    with_register, without, reading, judged = run(True), run(False), read_only(), judging()
    size = f"{people * 5:,} register rows, {nominees:,} nominees"
    return [
        ("register: check with the register", size, statistics.median(with_register), with_register[0],
         with_register[-1], "s"),
        ("register: the same check without it (floor)", size, statistics.median(without), without[0], without[-1],
         "s"),
        ("register: reading and checking it, once per sync", size, statistics.median(reading), reading[0],
         reading[-1], "s"),
        ("register: matching and criteria per 1,000 nominees", size, statistics.median(judged), judged[0],
         judged[-1], "s"),
    ]


if __name__ == "__main__":
    for row in register_cost():
        print(f"{row[0]:52} {row[1]:40} {row[2]:8.3f} ({row[3]:.3f}–{row[4]:.3f}) {row[5]}")
