"""Kill the real `thidua sync` at many points; the next sync must finish with nothing stuck or doubled.

After each SIGKILL: the campaign lock is free (no worker outlives the job holding it), no render
worker is left running. After the last one, a sync completes and: no document was archived, none
exists twice, no temporary file is left, and no cell a unit typed changed (compared in the sheet
XML). The short campaign runs in `make test`; `pytest -m campaign` runs the long one.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from automation.runner import CampaignLock
from automation.schema import load_schema
from automation.sheets import column_letter
from automation.campaign import load_campaign
from automation.resources import DEFAULT_CAMPAIGN
from automation.settings import load_settings, state_file
from tests.builders import as_cells, headers, registry, save_workbook, valid_row
from tests.sheet_xml import stored_cells, typed

ROOT = Path(__file__).resolve().parent.parent
_SCHEMA = load_schema()
_SCHEMA = _SCHEMA.with_campaign(load_campaign(DEFAULT_CAMPAIGN, scopes=_SCHEMA.column("scope").choices))
# The flag columns, after the unit's and the Office's.
FLAG_LETTERS = {column_letter(len(_SCHEMA.nomination_columns) + i) for i in range(len(_SCHEMA.flag_columns))}


def campaign_folder(folder: Path, schema, rows: int) -> Path:
    units = [("GD", "Gò Dầu"), ("TC", "Tân Châu"), ("HT", "Hòa Thành")]
    tabs = {"Đơn vị": registry(*units)}
    for code, title in units:
        tabs[title] = [headers(schema)] + [as_cells(schema, valid_row(name=f"Người {code} {k}"))
                                           for k in range(rows // len(units))]
    folder.mkdir(parents=True)
    save_workbook(folder / "thidua.xlsx", tabs)
    (folder / "thidua.toml").write_text('[source]\nworkbook = "thidua.xlsx"\n[output]\nfolder = "Hồ sơ"\n',
                                        encoding="utf-8")
    return folder


def start_sync(folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "automation", "sync", "--config", str(folder / "thidua.toml"),
                             "--quiet", "--wait", "0"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def journal_lines(folder: Path) -> int:
    journal = folder / "Hồ sơ" / ".thidua-manifest.journal"
    return journal.read_text(encoding="utf-8").count("\n") if journal.exists() else 0


def saving(folder: Path) -> bool:
    return any(folder.glob(".thidua.*.tmp"))


Trigger = Callable[[Path, float], bool]  # (folder, seconds since start) → kill now


def kill_when(folder: Path, trigger: Trigger, *, limit: float = 60) -> bool:
    """Start a sync and SIGKILL it when `trigger` says; False if it ended on its own first."""
    process, started = start_sync(folder), time.monotonic()
    while process.poll() is None and time.monotonic() - started < limit:
        if trigger(folder, time.monotonic() - started):
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.003)
    process.wait(timeout=limit)
    return False


def orphan_workers() -> list[int]:
    """Render workers or fork servers left behind: reparented, still running."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ppid = int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))
        if ppid in (0, 1) and "multiprocessing" in command:
            found.append(int(entry.name))
    return found


def assert_nothing_stuck(folder: Path) -> None:
    deadline = time.monotonic() + 10  # a killed job's fork server notices within moments; its workers go with it
    while orphan_workers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert orphan_workers() == []
    lock = CampaignLock(state_file(load_settings(folder / "thidua.toml", environ={}), "lock"))
    lock.acquire(wait=0)  # raises if anyone still holds it
    lock.release()


def assert_finished_whole(folder: Path, before: dict, expected_documents: int) -> None:
    result = subprocess.run([sys.executable, "-m", "automation", "sync", "--config", str(folder / "thidua.toml"),
                             "--quiet", "--wait", "0"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    documents = [p for p in (folder / "Hồ sơ").rglob("*.docx")]
    assert not any("Lưu trữ" in p.parts for p in documents)  # no archive copy
    assert len(documents) == expected_documents  # none missing, none twice
    record_ids = Counter(p.name.split(" - ")[0] for p in documents if " - " in p.name)
    assert record_ids and max(record_ids.values()) == 1
    assert not list(folder.rglob("*.tmp")) and not (folder / "Hồ sơ" / ".thidua-manifest.journal").exists()
    after = stored_cells(folder / "thidua.xlsx")
    for title, cells in before.items():
        assert typed(after[title], FLAG_LETTERS) == typed(cells, FLAG_LETTERS), title


def triggers(rows: int) -> list[tuple[str, Trigger]]:
    return [
        # A quarter of a second in, the job is still starting or reading the workbook: a whole sync of
        # these rows takes longer than that on any machine, and their documents render in a tenth of
        # a second now, so a later kill would find the sync already done and nothing left to hit.
        ("while starting or loading", lambda folder, t: t > 0.25 and journal_lines(folder) == 0),
        ("after the first document", lambda folder, t: journal_lines(folder) >= 1),
        ("half way through the documents", lambda folder, t: journal_lines(folder) >= rows // 2),
        ("while saving the workbook", lambda folder, t: saving(folder)),
    ]


def test_a_sync_killed_at_each_stage_is_finished_by_the_next_one(tmp_path, schema):
    rows = 150
    folder = campaign_folder(tmp_path / "c", schema, rows)
    before = stored_cells(folder / "thidua.xlsx")
    hit = []
    for stage, trigger in triggers(rows):
        if kill_when(folder, trigger):
            hit.append(stage)
        assert_nothing_stuck(folder)
    assert {"after the first document", "half way through the documents"} <= set(hit), hit
    assert_finished_whole(folder, before, expected_documents=rows + 1)  # a summary each, the Quyết định


@pytest.mark.campaign
def test_a_long_campaign_of_random_kills(tmp_path, schema):
    rows, kills = 1200, 30
    folder = campaign_folder(tmp_path / "c", schema, rows)
    before = stored_cells(folder / "thidua.xlsx")
    rng = random.Random(13)
    for _ in range(kills):
        name, trigger = rng.choice(triggers(rows))
        at = rng.uniform(0.3, 6.0)
        kill_when(folder, trigger if rng.random() < 0.5 else (lambda folder, t, at=at: t > at))
        assert_nothing_stuck(folder)
    assert_finished_whole(folder, before, expected_documents=rows + 1)


@pytest.mark.parametrize("signals, code", [(1, 130), (2, 130)])
def test_ctrl_c_during_rendering_stops_at_once_says_so_and_leaves_nothing_running(tmp_path, schema, signals, code):
    rows = 150
    folder = campaign_folder(tmp_path / "c", schema, rows)
    process = subprocess.Popen([sys.executable, "-m", "automation", "sync", "--config", str(folder / "thidua.toml")],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while journal_lines(folder) < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.003)
    for _ in range(signals):
        process.send_signal(signal.SIGINT)
        time.sleep(0.05)
    _, errors = process.communicate(timeout=20)  # over 10 minutes on the previous main, workers left running
    assert process.returncode == code
    assert "Đã dừng theo yêu cầu" in errors or signals == 2
    assert "Aborted!" not in errors and "Traceback" not in errors
    assert_nothing_stuck(folder)
    assert_finished_whole(folder, stored_cells(folder / "thidua.xlsx"), expected_documents=rows + 1)
