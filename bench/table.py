"""The README's performance table, made from bench/results/bench.csv (never typed by hand).

    .venv/bin/python bench/table.py        rewrite the table between the README's bench markers
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "bench" / "results" / "bench.csv"
README = ROOT / "README.md"
BEGIN, END = "<!-- bench table: made by bench/table.py from bench/results/bench.csv -->", "<!-- end of bench table -->"


def number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def table(csv_path: Path = CSV) -> str:
    with open(csv_path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lines = ["| what | size | median | spread (min–max) | unit |", "|---|---|---:|---:|---|"]
    for r in rows:
        low, high = float(r["min"]), float(r["max"])
        spread = "—" if low == high else f"{number(low)}–{number(high)}"
        lines.append(f"| {r['what']} | {r['size']} | {number(float(r['median']))} | {spread} | {r['unit']} |")
    return "\n".join(lines)


def with_table(readme: str, made: str) -> str:
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + "\n" + made + "\n" + readme[end:]


def main() -> None:
    README.write_text(with_table(README.read_text(encoding="utf-8"), table()), encoding="utf-8")
    print(f"wrote the table of {CSV.relative_to(ROOT)} into {README.name}")


if __name__ == "__main__":
    sys.exit(main())
