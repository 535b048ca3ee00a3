"""Validation throughput: rows judged per second, and a full .xlsx sync, on synthetic campaigns.

    make bench            (or: .venv/bin/python bench/run.py [--quick])

Prints one table and writes it to bench/results/validation.csv. Figures are medians of several
runs with their spread (min–max). The full comparison with the straightforward approach
(documents, Google request counts, latency) is issue 6's; this is the validation part.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
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

from automation.connect import load_rules  # noqa: E402
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
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / "validation.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["what", "rows", "rows_per_second_median", "min", "max"])
        writer.writerows([(w, n, round(m), round(lo), round(hi)) for w, n, m, lo, hi in table])
    print(f"{'what':<52} {'rows':>7} {'rows/s (median)':>16} {'spread (min–max)':>20}")
    for what, rows, median, low, high in table:
        print(f"{what:<52} {rows:>7,} {median:>16,.0f} {f'{low:,.0f}–{high:,.0f}':>20}")


if __name__ == "__main__":
    main()
