"""The README's performance table is the bench's CSV, not numbers typed by hand."""

from __future__ import annotations

from pathlib import Path

from bench import table

ROOT = Path(__file__).resolve().parent.parent


def test_the_readmes_bench_table_is_made_from_the_csv():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table.with_table(readme, table.table()) == readme, "run: .venv/bin/python bench/table.py"


def test_a_changed_number_changes_the_table(tmp_path):
    lines = table.CSV.read_text(encoding="utf-8").splitlines()
    changed = tmp_path / "bench.csv"
    changed.write_text("\n".join([lines[0], "x,1 row,12345.6,12000,13000,rows/s"]) + "\n", encoding="utf-8")
    assert table.table(changed).splitlines()[2] == "| x | 1 row | 12,346 | 12,000–13,000 | rows/s |"
