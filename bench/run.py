"""thidua's numbers on this machine, side by side with the straightforward approach.

    make bench                 (or: .venv/bin/python bench/run.py [--quick])

Synthetic campaigns of growing size; one table printed, and written to bench/results/bench.csv
and bench/results/bench.png. Timings are medians of several runs with their spread (min–max);
request counts are exact. The straightforward approach (bench/straightforward.py) is a first
gspread script: get_all_records per tab, update_cell per flag, a DocxTemplate loaded from disk
per document, uploads one after another.

- validation: rows judged per second (in memory, no I/O);
- peak memory of validation, in a fresh process;
- documents rendered per second for 1,000 nominees, on one core and on all, beside the floor
  (Jinja on the body and a zip of the package; and the same with the unchanged parts compressed
  once);
- Sheets requests per sync at 3 / 30 / 100 tabs and 10 / 5,000 rows, against the local fake;
- wall time of a full sync of 1,000 new nominations with documents, against the fake with 100 ms
  added to every request (as the real API's round trip), and of an unchanged re-sync;
- bench/floors.py: an unchanged .xlsx re-sync against openpyxl's load + save of the same file
  (time and peak memory, with the ratios), a duplicate group against as many distinct nominees,
  a stray value in row 1,048,576 against the demo without it; the steady state (1 % of 5,000 rows
  changed) judged with the running job's memory against judging every row;
- bench/register.py: the yearly campaign's register of 20,000 rows, read and checked, and 1,000
  nominees matched and judged against it, beside the same check without a register.

A full run writes bench/results/bench.csv, bench.png and the README's table (bench/table.py);
`--quick` writes bench/results/quick.csv only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gspread  # noqa: E402
import jinja2  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

from automation import connect, zip_entries  # noqa: E402
from automation.connect import load_rules, open_renderer, open_spreadsheet, open_store  # noqa: E402
from automation.documents import TEMPLATES, documents_for  # noqa: E402
from automation.google_api import google_session, load_credentials  # noqa: E402
from automation.render import Renderer, start_workers_server  # noqa: E402
from automation.resources import DEFAULT_TEMPLATES  # noqa: E402
from automation.settings import Settings  # noqa: E402
from automation.sheets import Snapshot, TabData  # noqa: E402
from automation.sync import evaluate, sync  # noqa: E402
from bench import floors, register, straightforward, table  # noqa: E402
from tests.fake_google.server import FakeGoogle  # noqa: E402

NOW = dt.datetime(2021, 12, 20, 9, 0)
RESULTS = ROOT / "bench" / "results"
ACCOUNT = "bench@thidua-bench.iam.gserviceaccount.com"
REGISTRY = ["Mã đơn vị", "Tên đơn vị", "Tên tab", "Email được sửa", "Loại đơn vị"]
Row = tuple[str, str, float, float, float, str]  # what, size, value (median), min, max, unit


class MemorySheet:
    name = "memory"

    def __init__(self, tabs: dict[str, list[list[Any]]]) -> None:
        self.snapshot = Snapshot({t: TabData(t, rows) for t, rows in tabs.items()})

    def read(self) -> Snapshot:
        return self.snapshot

    def write(self, update: Any) -> None:
        pass


def synthetic(schema: Any, campaign: Any, rows: int, tabs: int = 10) -> dict[str, list[list[Any]]]:
    """`rows` nominations over `tabs` units; about one in five has a fault, as real sheets do."""
    rng = random.Random(rows * 1000 + tabs)
    header = [c.header for c in schema.nomination_columns]
    out: dict[str, list[list[Any]]] = {"Đơn vị": [REGISTRY]}
    for t in range(tabs):
        out["Đơn vị"].append([f"U{t}", f"Đơn vị {t}", f"U{t}", "", "VKS cấp huyện"])
        out[f"U{t}"] = [header]
    summary = ("Trực tiếp tham gia nhiều ngày tại chốt kiểm soát dịch, hỗ trợ tiêm vắc xin và vận chuyển nhu yếu "
               "phẩm cho người dân vùng phong tỏa; được Ủy ban nhân dân tỉnh ghi nhận.")
    for i in range(rows):
        tier = rng.choice(campaign.tiers)
        values = {
            "seq": i + 1, "subject_type": "Cá nhân", "name": f"Nguyễn Văn {i}", "gender": rng.choice(("Nam", "Nữ")),
            "birth_year": rng.randint(1960, 1999), "position": "Kiểm sát viên", "workplace": f"Đơn vị {i % tabs}",
            "award": tier.name, "award_class": tier.classes[-1] if tier.classes else None,
            "category": rng.choice(campaign.categories), "scope": "Toàn quốc",
            "material_contribution": None, "summary": summary, "situation": None, "copies_submitted": tier.copies,
            "head_confirmed": True, "proposed_on": "15/11/2021", "note": None, "office_review": "Đồng ý",
            "office_note": None,
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
        out[f"U{i % tabs}"].append([values.get(c.key) for c in schema.nomination_columns])
    return out


def timed(function: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def spread(what: str, size: str, values: list[float], unit: str) -> Row:
    values = sorted(values)
    return what, size, statistics.median(values), values[0], values[-1], unit


# ------------------------------------------------------------------ validation and memory

def validation(campaign: Any, schema: Any, sizes: tuple[int, ...], repeat: int) -> list[Row]:
    rows = []
    for size in sizes:
        sheet = MemorySheet(synthetic(schema, campaign, size))
        times = timed(lambda sheet=sheet: evaluate(sheet, campaign, schema, now=NOW), repeat)
        rows.append(spread("validation: rows judged per second", f"{size:,} rows", [size / t for t in times],
                           "rows/s"))
    return rows


def peak_memory(sizes: tuple[int, ...]) -> list[Row]:
    rows = []
    for size in sizes:
        readings = [float(subprocess.run([sys.executable, __file__, "--memory", str(size)], capture_output=True,
                                         text=True, check=True).stdout) for _ in range(3)]
        rows.append(spread("peak memory of a validation process", f"{size:,} rows", readings, "MB"))
    return rows


def _memory(size: int) -> None:
    """Peak resident memory of this process. Not ru_maxrss: on Linux it survives exec, so a child
    would report its parent's peak; VmHWM belongs to the new address space."""
    campaign, schema = load_rules(Settings())
    sheet = MemorySheet(synthetic(schema, campaign, size))
    evaluate(sheet, campaign, schema, now=NOW)
    status = Path("/proc/self/status").read_text()
    print(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024)


# ------------------------------------------------------------------ documents

def documents(campaign: Any, schema: Any, count: int, repeat: int) -> list[Row]:
    evaluation = evaluate(MemorySheet(synthetic(schema, campaign, int(count * 1.4))), campaign, schema, now=NOW)
    digests = Renderer().digests(TEMPLATES.values())
    specs = [s for s in documents_for(evaluation.verdicts.values(), campaign, schema, digests)
             if s.record_id][:count]
    jobs = [(s.template, s.context) for s in specs]

    def plain() -> None:
        for name, context in jobs:
            _plain_document(name, context)

    def plain_all_cores() -> None:
        with multiprocessing.get_context("spawn").Pool(os.cpu_count() or 1) as pool:
            pool.starmap(_plain_document, jobs, chunksize=max(1, len(jobs) // ((os.cpu_count() or 1) * 4)))

    def ours() -> None:
        for _ in Renderer().render_many(jobs):
            pass

    def ours_one_core() -> None:
        for _ in Renderer().render_many(jobs, workers=1):
            pass

    least = {name: _JinjaFloor(name) for name in {name for name, _ in jobs}}

    def floor() -> None:
        for name, context in jobs:
            least[name].render(context)

    def floor_kept() -> None:
        for name, context in jobs:
            least[name].render(context, kept=True)
    size = f"{len(jobs):,} nominees"
    rows = [spread("documents/s: straightforward (template loaded per document), one core", size,
                   [len(jobs) / t for t in timed(plain, repeat)], "docs/s"),
            spread("documents/s: thidua (parsed once, reset, unchanged parts kept), one core", size,
                   [len(jobs) / t for t in timed(ours_one_core, repeat)], "docs/s"),
            spread("documents/s: floor (Jinja on the body, the package zipped), one core", size,
                   [len(jobs) / t for t in timed(floor, repeat)], "docs/s"),
            spread("documents/s: floor with the unchanged parts compressed once, one core", size,
                   [len(jobs) / t for t in timed(floor_kept, repeat)], "docs/s"),
            spread("documents/s: straightforward, all cores", size,
                   [len(jobs) / t for t in timed(plain_all_cores, repeat)], "docs/s"),
            spread("documents/s: thidua, all cores", size, [len(jobs) / t for t in timed(ours, repeat)], "docs/s")]
    ours_rate, floor_rate = rows[1][2], rows[2][2]
    return rows + [("documents/s: thidua per core against the floor (goal ≥ 0.5)", size,
                    ours_rate / floor_rate, ours_rate / floor_rate, ours_rate / floor_rate, "×"),
                   ("documents/s: thidua on all cores against one", size,
                    rows[5][2] / ours_rate, rows[5][2] / ours_rate, rows[5][2] / ours_rate, "×")]


def _plain_document(name: str, context: dict[str, Any]) -> bytes:
    """What a first script does: load the template from disk, render, save."""
    template = DocxTemplate(DEFAULT_TEMPLATES / name)
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


class _JinjaFloor:
    """The least a renderer can do: the template's body patched and compiled once, then per
    document Jinja on the body and a zip of the package (docxtpl's table, listing and header
    work not done). `kept`: the parts that never change put in compressed once."""

    def __init__(self, name: str) -> None:
        raw = (DEFAULT_TEMPLATES / name).read_bytes()
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            self.parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
        source = DocxTemplate(io.BytesIO(raw)).patch_xml(self.parts["word/document.xml"].decode("utf-8"))
        self.body = jinja2.Environment(autoescape=True).from_string(source)
        self.compressed = {name: zip_entries.compressed(name, blob) for name, blob in self.parts.items()}

    def render(self, context: dict[str, Any], *, kept: bool = False) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, blob in self.parts.items():
                if name == "word/document.xml":
                    archive.writestr(name, self.body.render(context))
                elif kept:
                    zip_entries.add(archive, self.compressed[name])
                else:
                    archive.writestr(name, blob)
        return out.getvalue()


# ------------------------------------------------------------------ against the fake

class Google:
    """A fake Google with a service account, and thidua's settings for it."""

    def __init__(self, folder: Path, key: tuple[str, str]) -> None:
        self.fake = FakeGoogle().__enter__()
        self.fake.add_service_account(ACCOUNT, "bench-key", key[1])
        self.credentials = folder / "bench-key.json"
        self.credentials.write_text(json.dumps({
            "type": "service_account", "project_id": "bench", "private_key_id": "bench-key", "private_key": key[0],
            "client_email": ACCOUNT, "client_id": "1", "token_uri": f"{self.fake.root}/token"}))
        connect._google.cache_clear()

    def settings(self, spreadsheet_id: str, folder_id: str | None = None) -> Settings:
        return Settings(spreadsheet_id=spreadsheet_id, drive_folder_id=folder_id, credentials=self.credentials,
                        google_api_root=self.fake.root)

    def close(self) -> None:
        self.fake.__exit__(None, None, None)


def _key() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode(),
            key.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo).decode())


def _ours(settings: Settings, campaign: Any, schema: Any, *, documents: bool = False) -> None:
    sync(open_spreadsheet(settings), campaign, schema, store=open_store(settings, campaign) if documents else None,
         renderer=open_renderer(settings), now=NOW)


def _plain(google: Google, settings: Settings, campaign: Any, schema: Any, folder: str | None = None) -> None:
    credentials = load_credentials(settings.credentials)
    session = google_session(credentials, google.fake.root)
    client = gspread.Client(None, session=session)
    straightforward.sync(client, session, settings.spreadsheet_id, folder, campaign, schema, now=NOW)


def requests_per_sync(campaign: Any, schema: Any, key: tuple[str, str], shapes: list[tuple[int, int]],
                      folder: Path) -> list[Row]:
    rows = []
    for tabs, size in shapes:
        counts = {}
        for who in ("straightforward", "thidua"):
            google = Google(folder, key)
            spreadsheet_id = google.fake.add_spreadsheet(synthetic(schema, campaign, size, tabs), editors={ACCOUNT})
            settings = google.settings(spreadsheet_id)
            if who == "thidua":
                _ours(settings, campaign, schema)
            else:
                _plain(google, settings, campaign, schema)
            counts[who] = google.fake.count("sheets")
            google.close()
        for who, count in counts.items():
            rows.append((f"Sheets requests per sync: {who}", f"{tabs} tabs, {size:,} rows", count, count, count,
                         "requests"))
    return rows


def latency(campaign: Any, schema: Any, key: tuple[str, str], count: int, repeat: int, folder: Path) -> list[Row]:
    """A full sync of `count` new nominations with their documents, 100 ms per request; then a re-sync."""
    full, again = [], []
    for _ in range(repeat):
        google = Google(folder, key)
        spreadsheet_id = google.fake.add_spreadsheet(synthetic(schema, campaign, count), editors={ACCOUNT})
        drive = google.fake.add_shared_drive("Bench", {ACCOUNT})
        settings = google.settings(spreadsheet_id, google.fake.add_folder("Hồ sơ", drive, drive_id=drive))
        google.fake.latency = 0.1
        full += timed(lambda settings=settings: _ours(settings, campaign, schema, documents=True), 1)
        again += timed(lambda settings=settings: _ours(settings, campaign, schema, documents=True), 1)
        google.close()
    google = Google(folder, key)
    spreadsheet_id = google.fake.add_spreadsheet(synthetic(schema, campaign, count), editors={ACCOUNT})
    drive = google.fake.add_shared_drive("Bench", {ACCOUNT})
    drive_folder = google.fake.add_folder("Hồ sơ", drive, drive_id=drive)
    google.fake.latency = 0.1
    plain = timed(lambda: _plain(google, google.settings(spreadsheet_id), campaign, schema, drive_folder), 1)
    plain_requests = google.fake.count("sheets") + google.fake.count("drive")
    google.close()
    size = f"{count:,} new nominations"
    return [spread(f"full sync, 100 ms/request: straightforward ({plain_requests:,} requests, 1 run)", size, plain,
                   "s"),
            spread("full sync, 100 ms/request: thidua", size, full, "s"),
            spread("unchanged re-sync, 100 ms/request: thidua", size, again, "s")]


# ------------------------------------------------------------------ output

def write(rows: list[Row], *, quick: bool = False) -> None:
    """bench.csv, the chart and the README's table; a quick run writes quick.csv only."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / ("quick.csv" if quick else "bench.csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["what", "size", "median", "min", "max", "unit"])
        writer.writerows([(w, s, round(m, 3), round(lo, 3), round(hi, 3), u) for w, s, m, lo, hi, u in rows])
    print(f"{'what':<72} {'size':<24} {'median':>12} {'spread (min–max)':>24}  unit")
    for what, size, median, low, high, unit in rows:
        print(f"{what:<72} {size:<24} {median:>12,.2f} {f'{low:,.2f}–{high:,.2f}':>24}  {unit}")
    if quick:
        return
    table.main()
    try:
        chart(rows)
    except ImportError:
        print("(matplotlib is not installed: no chart; `make bench` installs it)")


def chart(rows: list[Row]) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(1, 3, figsize=(16, 5))
    shapes = [r for r in rows if r[0].startswith("Sheets requests")]
    labels = sorted({r[1] for r in shapes}, key=lambda s: [int(p.replace(",", "")) for p in s.split() if
                                                            p.replace(",", "").isdigit()])
    for offset, who in ((-0.2, "straightforward"), (0.2, "thidua")):
        values = [next(r[2] for r in shapes if r[1] == label and r[0].endswith(who)) for label in labels]
        axes[0].bar([i + offset for i in range(len(labels))], values, width=0.4, label=who)
    axes[0].set_yscale("log")
    axes[0].set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    axes[0].set_title("Sheets requests per sync (log scale)")
    axes[0].legend()
    docs = [r for r in rows if r[0].startswith("documents/s")]
    axes[1].bar([textwrap.fill(r[0].removeprefix("documents/s: ").split(" (")[0] + r[0].split(")")[-1], 16)
                 for r in docs], [r[2] for r in docs],
                yerr=[[r[2] - r[3] for r in docs], [r[4] - r[2] for r in docs]],
                color=[("C0" if "straightforward" in r[0] else "C1") for r in docs])
    axes[1].tick_params(axis="x", labelsize=7)
    axes[1].set_title(f"documents per second ({docs[0][1]})")
    walls = [r for r in rows if "100 ms/request" in r[0]]
    axes[2].bar(["straightforward\nfull", "thidua\nfull", "thidua\nunchanged"], [r[2] for r in walls],
                yerr=[[r[2] - r[3] for r in walls], [r[4] - r[2] for r in walls]], color=["C0", "C1", "C2"])
    axes[2].set_title(f"seconds, 100 ms per request ({walls[0][1]})")
    figure.tight_layout()
    figure.savefig(RESULTS / "bench.png", dpi=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs (a smoke test)")
    parser.add_argument("--chart", action="store_true", help="redraw bench.png from bench.csv, measure nothing")
    parser.add_argument("--memory", type=int, help=argparse.SUPPRESS)  # internal: one measured process
    args = parser.parse_args()
    if args.chart:
        with open(RESULTS / "bench.csv", encoding="utf-8") as handle:
            chart([(r["what"], r["size"], float(r["median"]), float(r["min"]), float(r["max"]), r["unit"])
                   for r in csv.DictReader(handle)])
        return
    if args.memory:
        _memory(args.memory)
        return
    # As `thidua sync` does: the render workers' server started before the work, with what this
    # script imports (a worker imports the main script again as it starts).
    start_workers_server(preload=[module.__name__ for module in (floors, register, straightforward, table)]
                         + ["tests.fake_google.server", "gspread", "automation.connect", "automation.sync"])
    campaign, schema = load_rules(Settings())
    key = _key()
    repeat = 2 if args.quick else 5
    rows = validation(campaign, schema, (1_000, 10_000) if args.quick else (1_000, 10_000, 50_000), repeat)
    rows += peak_memory((10_000,) if args.quick else (10_000, 50_000))
    rows += documents(campaign, schema, 200 if args.quick else 1_000, 2 if args.quick else 3)
    with tempfile.TemporaryDirectory() as folder:
        shapes = [(3, 10), (30, 10), (100, 10), (3, 500), (30, 500), (100, 500)] if args.quick else \
            [(3, 10), (30, 10), (100, 10), (3, 5_000), (30, 5_000), (100, 5_000)]
        rows += requests_per_sync(campaign, schema, key, shapes, Path(folder))
        rows += latency(campaign, schema, key, 100 if args.quick else 1_000, 2 if args.quick else 3, Path(folder))
    rows += floors.resync_against_floor(campaign, schema, synthetic, (1_000,) if args.quick else (5_000, 20_000),
                                        repeat)
    rows += floors.duplicate_groups(campaign, schema, synthetic, (500, 2_000) if args.quick else (500, 2_000, 8_000),
                                    repeat)
    rows += floors.stray_cell(repeat)
    rows += floors.steady_state(campaign, schema, synthetic, 5_000, repeat)
    rows += register.register_cost(1_000, 800 if args.quick else 4_000, repeat)
    write(rows, quick=args.quick)
    os._exit(0)  # the fakes' server threads are daemons; do not wait for them


if __name__ == "__main__":
    main()
