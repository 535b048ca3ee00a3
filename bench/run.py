"""Throughput on synthetic campaigns: rows judged per second, a full .xlsx sync, and Word
documents rendered per second against the straightforward way (a DocxTemplate loaded from disk
for each document, rendered one after another).

    make bench            (or: .venv/bin/python bench/run.py [--quick])

Prints one table and writes it to bench/results/bench.csv. Figures are medians of several runs
with their spread (min–max). Google request counts and latency come with the Google backend.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from docxtpl import DocxTemplate  # noqa: E402

from automation.connect import load_rules  # noqa: E402
from automation.documents import TEMPLATES, plan_documents  # noqa: E402
from automation.render import DEFAULT_TEMPLATES, Renderer  # noqa: E402
from automation.settings import Settings  # noqa: E402
from automation.sheets import Snapshot, TabData  # noqa: E402
from automation.sheets.workbook import Workbook  # noqa: E402
from automation.sync import evaluate, sync  # noqa: E402

NOW = dt.datetime(2021, 12, 20, 9, 0)
RESULTS = ROOT / "bench" / "results"


class MemorySheet:
    name = "memory"

    def __init__(self, tabs: dict[str, list[list[Any]]]) -> None:
        self.snapshot = Snapshot({t: TabData(t, rows) for t, rows in tabs.items()})

    def read(self) -> Snapshot:
        return self.snapshot

    def write(self, plan: Any) -> None:
        pass


def synthetic(schema: Any, campaign: Any, rows: int, tabs: int = 10) -> dict[str, list[list[Any]]]:
    """`rows` nominations over `tabs` units; about one in five has a fault, as real sheets do."""
    rng = random.Random(rows)
    header = [c.header for c in schema.nomination_columns]
    registry = ["Mã đơn vị", "Tên đơn vị", "Tên tab", "Email được sửa", "Loại đơn vị"]
    out: dict[str, list[list[Any]]] = {"Đơn vị": [registry]}
    for t in range(tabs):
        code = f"U{t}"
        out["Đơn vị"].append([code, f"Đơn vị {t}", code, "", "VKS cấp huyện"])
        out[code] = [header]
    summary = ("Trực tiếp tham gia nhiều ngày tại chốt kiểm soát dịch, hỗ trợ tiêm vắc xin và vận chuyển nhu yếu "
               "phẩm cho người dân vùng phong tỏa; được Ủy ban nhân dân tỉnh ghi nhận.")
    for i in range(rows):
        tier = rng.choice(campaign.tiers)
        values = {
            "seq": i + 1, "subject_type": "Cá nhân", "name": f"Nguyễn Văn {i}", "gender": rng.choice(("Nam", "Nữ")),
            "birth_year": rng.randint(1960, 1999), "position": "Kiểm sát viên", "workplace": f"Đơn vị {i % tabs}",
            "award": tier.name, "category": rng.choice(campaign.categories), "scope": "Toàn quốc",
            "material_contribution": None, "summary": summary, "copies_submitted": tier.copies,
            "head_confirmed": True, "proposed_on": "15/11/2021", "note": None, "office_review": "Đồng ý",
        }
        fault = rng.random()
        if fault < 0.05:
            values["copies_submitted"] = 0
        elif fault < 0.10:
            values["proposed_on"] = "31/02/2022"
        elif fault < 0.15:
            values["gender"] = "?"
        elif fault < 0.20:
            values["name"] = f"Nguyễn Văn {i - 1}"  # a duplicate of the previous row's nominee
            values["workplace"] = f"Đơn vị {(i - 1) % tabs}"
        out[f"U{i % tabs}"].append([values[c.key] for c in schema.nomination_columns])
    return out


def timed(function: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer sizes and runs (a smoke test)")
    args = parser.parse_args()
    campaign, schema = load_rules(Settings())
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 50_000)
    repeat = 3 if args.quick else 5
    table = []
    for rows in sizes:
        sheet = MemorySheet(synthetic(schema, campaign, rows))
        times = timed(lambda sheet=sheet: evaluate(sheet, campaign, schema, now=NOW), repeat)
        rates = sorted(rows / t for t in times)
        table.append(("validation only (in memory)", rows, statistics.median(rates), rates[0], rates[-1]))
    xlsx_rows = 1_000 if args.quick else 5_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in synthetic(schema, campaign, xlsx_rows).items():
            ws = book.create_sheet(title)
            for row in rows:
                ws.append(row)
        book.save(path)
        times = timed(lambda: sync(Workbook(path), campaign, schema, now=NOW), 3)
        rates = sorted(xlsx_rows / t for t in times)
        table.append(("full sync of an .xlsx (read, judge, atomic save)", xlsx_rows, statistics.median(rates),
                      rates[0], rates[-1]))
    table += documents(campaign, schema, 200 if args.quick else 1_000, repeat=2 if args.quick else 3)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / "bench.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["what", "count", "per_second_median", "min", "max"])
        writer.writerows([(w, n, round(m), round(lo), round(hi)) for w, n, m, lo, hi in table])
    print(f"{'what':<58} {'count':>7} {'per second (median)':>20} {'spread (min–max)':>18}")
    for what, count, median, low, high in table:
        print(f"{what:<58} {count:>7,} {median:>20,.0f} {f'{low:,.0f}–{high:,.0f}':>18}")
    ours = next(m for w, _, m, _, _ in table if w.startswith("documents: ours"))
    plain = next(m for w, _, m, _, _ in table if w.startswith("documents: straightforward"))
    print(f"documents: ours / straightforward = {ours / plain:.1f}x on {os.cpu_count()} cores")


def documents(campaign: Any, schema: Any, count: int, repeat: int) -> list[tuple[str, int, float, float, float]]:
    """Bản tóm tắt thành tích for `count` valid nominees, rendered both ways."""
    evaluation = evaluate(MemorySheet(synthetic(schema, campaign, int(count * 1.4))), campaign, schema, now=NOW)
    digests = Renderer().digests(TEMPLATES.values())
    specs = [s for s in plan_documents(evaluation.verdicts.values(), campaign, NOW.date(), digests,
                                       individual=schema.individual) if s.record_id][:count]
    jobs = [(s.template, s.context) for s in specs]

    def straightforward() -> None:
        for name, context in jobs:
            template = DocxTemplate(DEFAULT_TEMPLATES / name)
            template.render(context, autoescape=True)
            template.save(io.BytesIO())

    def ours() -> None:
        for _ in Renderer().render_many(jobs):
            pass

    rows = []
    for what, function in (("documents: straightforward (template loaded per document)", straightforward),
                           ("documents: ours (parsed once, reset, all cores)", ours)):
        rates = sorted(len(jobs) / t for t in timed(function, repeat))
        rows.append((what, len(jobs), statistics.median(rates), rates[0], rates[-1]))
    return rows


if __name__ == "__main__":
    main()
