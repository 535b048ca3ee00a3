"""thidua beside the floor of what it does, each pair measured in the same run (issue: cost follows the data).

- an unchanged re-sync of an .xlsx campaign against openpyxl loading and saving the same file:
  wall time and peak memory, each a whole process; beside both, the same re-sync written whole
  through openpyxl (what thidua did before it patched only the job's cells into the sheet XML);
- one nominee entered 500 / 2,000 / 8,000 times (a duplicate group): judging time against the
  same number of distinct nominees, and the longest message written;
- a stray value in row 1,048,576 of a unit tab: a re-sync of the demo with it and without it;
- the steady state of a running job: 1 % of 5,000 rows changed, judged with its memory
  (automation.memory) and afresh.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2021, 12, 20, 9, 0)
Row = tuple[str, str, float, float, float, str]


def _peak_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def workbook_of(tabs: dict[str, list[list[Any]]], path: Path) -> Path:
    """The synthetic campaign as the .xlsx a unit would have: STT numbered by a formula, as people do."""
    sys.path.insert(0, str(ROOT))
    from tests.builders import save_workbook
    numbered = {title: [rows[0]] + [["=ROW()-1", *row[1:]] if title != "Đơn vị" else row for row in rows[1:]]
                for title, rows in tabs.items()}
    return save_workbook(path, numbered)


def one_process(kind: str, path: Path) -> tuple[float, float]:
    """(seconds of the work, peak MB of the process): a re-sync by thidua, or openpyxl's load and save."""
    out = subprocess.run([sys.executable, __file__, kind, str(path)], capture_output=True, text=True, check=True)
    seconds, peak = out.stdout.split()
    return float(seconds), float(peak)


def _measure(kind: str, path: Path) -> None:
    if kind == "--floor":
        start = time.perf_counter()
        book = openpyxl.load_workbook(path)
        book.save(path.with_suffix(".floor.xlsx"))
    elif kind == "--whole":
        sys.path.insert(0, str(ROOT))
        from automation.operations import sync_once
        from automation.settings import Settings
        from automation.sheets import xlsx_patch

        def whole(*args: Any) -> Any:
            raise xlsx_patch.CannotPatch("the bench writes the whole workbook")
        xlsx_patch.patch = whole
        start = time.perf_counter()
        sync_once(Settings(workbook=path), now=NOW)
    else:
        sys.path.insert(0, str(ROOT))
        from automation.operations import sync_once
        from automation.settings import Settings
        start = time.perf_counter()
        sync_once(Settings(workbook=path), now=NOW)
    print(time.perf_counter() - start, _peak_mb())


def resync_against_floor(campaign: Any, schema: Any, synthetic: Any, sizes: tuple[int, ...], repeat: int
                         ) -> list[Row]:
    sys.path.insert(0, str(ROOT))
    from automation.operations import sync_once
    from automation.settings import Settings
    rows: list[Row] = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = workbook_of(synthetic(schema, campaign, size), Path(folder) / "thidua.xlsx")
            sync_once(Settings(workbook=path), now=NOW)  # the first sync: ids, flags, documents
            ours = [one_process("--resync", path) for _ in range(repeat)]
            floor = [one_process("--floor", path) for _ in range(repeat)]
            whole = [one_process("--whole", path) for _ in range(repeat)]
        label = f"{size:,} nominations"
        for what, values, unit in (("unchanged re-sync on .xlsx: thidua", [s for s, _ in ours], "s"),
                                   ("unchanged re-sync on .xlsx: floor (openpyxl load + save)", [s for s, _ in floor],
                                    "s"),
                                   ("unchanged re-sync on .xlsx: thidua writing the whole workbook (openpyxl), "
                                    "as before the patch", [s for s, _ in whole], "s"),
                                   ("peak memory, unchanged re-sync on .xlsx: thidua", [m for _, m in ours], "MB"),
                                   ("peak memory, openpyxl load + save: floor", [m for _, m in floor], "MB"),
                                   ("peak memory, re-sync writing the whole workbook (openpyxl)", [m for _, m in whole],
                                    "MB")):
            rows.append(_spread(what, label, values, unit))
        time_ratio = _median([s for s, _ in ours]) / _median([s for s, _ in floor])
        memory_ratio = _median([m for _, m in ours]) / _median([m for _, m in floor])
        rows.append(("ratio to the floor, re-sync time (goal ≤ 1.2)", label, time_ratio, time_ratio, time_ratio, "×"))
        rows.append(("ratio to the floor, re-sync peak memory (goal ≤ 1.2)", label, memory_ratio, memory_ratio,
                     memory_ratio, "×"))
    return rows


def duplicate_groups(campaign: Any, schema: Any, synthetic: Any, sizes: tuple[int, ...], repeat: int) -> list[Row]:
    sys.path.insert(0, str(ROOT))
    from automation.sync import evaluate
    from tests.builders import MemorySheet

    rows: list[Row] = []
    for size in sizes:
        distinct = synthetic(schema, campaign, size, 1)
        same = {title: [list(r) for r in tab] for title, tab in distinct.items()}
        name, year = schema.column("name"), schema.column("birth_year")
        header = same["U0"][0]
        for row in same["U0"][1:]:
            row[header.index(name.header)], row[header.index(year.header)] = "Nguyễn Văn Trùng", 1980
        times = {}
        longest = 0
        for label, tabs in (("distinct", distinct), ("one nominee", same)):
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                evaluation = evaluate(MemorySheet(tabs), campaign, schema, now=NOW)
                runs.append(time.perf_counter() - start)
            times[label] = runs
            if label == "one nominee":
                longest = max(len(" ".join(f.message for f in v.findings)) for v in evaluation.verdicts.values())
        rows.append(_spread("duplicate group: one nominee entered N times, judging", f"{size:,} rows",
                            times["one nominee"], "s"))
        rows.append(_spread("duplicate group: floor (N distinct nominees), judging", f"{size:,} rows",
                            times["distinct"], "s"))
        rows.append(("duplicate group: longest message (limit 32,767)", f"{size:,} rows", longest, longest, longest,
                     "characters"))
    return rows


def stray_cell(repeat: int) -> list[Row]:
    """The demo re-synced with a stray value in the last row a spreadsheet has, and without."""
    sys.path.insert(0, str(ROOT))
    from automation.demo import build_demo
    from automation.operations import sync_once
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        settings = build_demo(Path(folder) / "demo")
        sync_once(settings, now=NOW)
        clean = Path(folder) / "clean.xlsx"
        shutil.copy(settings.workbook, clean)
        book = openpyxl.load_workbook(settings.workbook)
        book[book.sheetnames[2]].cell(1_048_576, 3, "x")
        book.save(settings.workbook)
        size_before = os.path.getsize(settings.workbook)
        stray = [one_process("--resync", settings.workbook) for _ in range(repeat)]
        size_after = os.path.getsize(settings.workbook)
        shutil.copy(clean, settings.workbook)
        plain = [one_process("--resync", settings.workbook) for _ in range(repeat)]
    rows.append(_spread("stray value in row 1,048,576: demo re-sync", "demo", [s for s, _ in stray], "s"))
    rows.append(_spread("stray value in row 1,048,576: floor (the demo without it)", "demo", [s for s, _ in plain],
                        "s"))
    rows.append(("stray value in row 1,048,576: workbook growth after the re-syncs", "demo",
                 size_after / size_before, size_after / size_before, size_after / size_before, "×"))
    return rows


def _median(values: list[float]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _spread(what: str, size: str, values: list[float], unit: str) -> Row:
    return what, size, _median(values), min(values), max(values), unit


if __name__ == "__main__":
    _measure(sys.argv[1], Path(sys.argv[2]))


def steady_state(campaign: Any, schema: Any, synthetic: Any, size: int, repeat: int) -> list[Row]:
    """Judging with the memory of the last sync when 1 % of the rows changed, beside judging all."""
    sys.path.insert(0, str(ROOT))
    import random

    from automation.memory import Memory
    from automation.sync import evaluate
    from tests.builders import MemorySheet

    tabs = synthetic(schema, campaign, size)
    sheet, rng, memory = MemorySheet(tabs), random.Random(size), Memory()
    evaluate(sheet, campaign, schema, now=NOW, memory=memory)
    units = [t for t in tabs if t != "Đơn vị"]
    position = tabs[units[0]][0].index(schema.column("position").header)
    remembered, afresh = [], []
    for run in range(repeat):
        for _ in range(size // 100):  # 1 % of the rows: a unit retypes a position
            rows = tabs[rng.choice(units)]
            rows[rng.randrange(1, len(rows))][position] = f"Kiểm sát viên {run}-{rng.random():.6f}"
        start = time.perf_counter()
        evaluate(sheet, campaign, schema, now=NOW, memory=memory)
        remembered.append(size / (time.perf_counter() - start))
        start = time.perf_counter()
        evaluate(sheet, campaign, schema, now=NOW)
        afresh.append(size / (time.perf_counter() - start))
    return [_spread("steady state, 1 % of rows changed: rows judged per second (goal ≥ 50,000)", f"{size:,} rows",
                    remembered, "rows/s"),
            _spread("steady state, 1 % of rows changed: judging every row afresh", f"{size:,} rows", afresh, "rows/s")]
