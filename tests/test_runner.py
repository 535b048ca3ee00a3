"""The scheduled job: on time, isolated runs, no overlap, locks, signals, health file, status."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import openpyxl
import pytest
import schedule
from click.testing import CliRunner

from automation.cli import main
from automation.operations import sync_once
from automation.runner import CampaignLock, Health, LockBusyError, Runner, describe, parse_at, parse_every
from automation.settings import load_settings, state_file
from tests.builders import as_cells, headers, registry, save_workbook, valid_row

T0 = dt.datetime(2021, 12, 20, 6, 0, 0)
ROOT = Path(__file__).resolve().parent.parent


class FakeClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def wait(self, seconds: float) -> bool:
        """The runner's sleep: time passes at once."""
        self.now += dt.timedelta(seconds=seconds)
        return False


@pytest.fixture
def clock(monkeypatch):
    """One clock for the runner and for `schedule`, which reads datetime.datetime.now() itself."""
    fake = FakeClock(T0)

    class ClockedDatetime(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return fake.now

    monkeypatch.setattr(schedule, "datetime", types.SimpleNamespace(
        datetime=ClockedDatetime, timedelta=dt.timedelta, time=dt.time, date=dt.date, timezone=dt.timezone))
    return fake


@pytest.fixture
def restore_signals():
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


def runner(job, clock, tmp_path, **when):
    return Runner(job, health_path=tmp_path / "health.json", clock=clock, wait=clock.wait, **when)


# ------------------------------------------------------------------ schedule

@pytest.mark.parametrize("text, seconds", [("30s", 30), ("15m", 900), ("1h", 3600), (" 2H ", 7200), ("1s", 1)])
def test_parse_every(text, seconds):
    assert parse_every(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["15", "m", "0m", "1d", "-5m", "1.5h", ""])
def test_parse_every_refuses(text):
    with pytest.raises(ValueError, match="ví dụ: 30s, 15m, 1h"):
        parse_every(text)


@pytest.mark.parametrize("text, ok", [("07:30", True), ("23:59", True), ("7:30", False), ("24:00", False),
                                      ("07:60", False)])
def test_parse_at(text, ok):
    if ok:
        assert parse_at(text) == text
    else:
        with pytest.raises(ValueError, match="HH:MM"):
            parse_at(text)


@pytest.mark.parametrize("every, at, expected", [
    (dt.timedelta(minutes=15), None, "mỗi 15 phút"), (dt.timedelta(hours=1), None, "mỗi 1 giờ"),
    (dt.timedelta(seconds=90), None, "mỗi 90 giây"), (None, "07:30", "hằng ngày lúc 07:30")])
def test_describe(every, at, expected):
    assert describe(every, at) == expected


def test_runs_happen_on_time_first_at_once(clock, tmp_path):
    starts = []
    r = runner(lambda: starts.append(clock.now) or _report(), clock, tmp_path, every=dt.timedelta(minutes=15))
    assert r.loop(max_runs=4) == 0
    assert starts == [T0 + dt.timedelta(minutes=15 * i) for i in range(4)]


def test_daily_runs_at_the_given_time(clock, tmp_path):
    starts = []
    r = runner(lambda: starts.append(clock.now) or _report(), clock, tmp_path, at="07:30")
    r.loop(max_runs=3)
    assert starts == [T0, dt.datetime(2021, 12, 20, 7, 30), dt.datetime(2021, 12, 21, 7, 30)]


def test_a_long_run_delays_the_next_instead_of_overlapping(clock, tmp_path):
    spans, active = [], []

    def slow():
        active.append(1)
        assert len(active) == 1  # never two at once
        start = clock.now
        clock.now += dt.timedelta(minutes=20)  # longer than the interval
        spans.append((start, clock.now))
        active.pop()
        return _report()
    runner(slow, clock, tmp_path, every=dt.timedelta(minutes=15)).loop(max_runs=3)
    for (_, end), (next_start, _) in zip(spans, spans[1:]):
        assert next_start == end + dt.timedelta(minutes=15)


def test_a_failing_run_is_logged_and_the_next_one_runs_on_schedule(clock, tmp_path, caplog):
    starts = []

    def flaky():
        starts.append(clock.now)
        if len(starts) == 1:
            raise RuntimeError("mạng chập chờn")
        return _report()
    r = runner(flaky, clock, tmp_path, every=dt.timedelta(minutes=15))
    with caplog.at_level("INFO", logger="thidua"):
        r.loop(max_runs=3)
    # not retried at once (the schedule pitfall): the next run is an interval after the failure
    assert starts == [T0, T0 + dt.timedelta(minutes=15), T0 + dt.timedelta(minutes=30)]
    health = Health.read(tmp_path / "health.json")
    assert (health.runs, health.failures, health.consecutive_failures) == (3, 1, 0)
    assert health.last_error == "RuntimeError: mạng chập chờn" and health.last_error_at == T0.isoformat()
    assert health.last_success == (T0 + dt.timedelta(minutes=30)).isoformat()
    assert "sync failed error=" in caplog.text and caplog.text.count("sync ok") == 2


def test_a_broken_workbook_then_fixed_on_the_embedded_default(clock, tmp_path, schema):
    path = _workbook(tmp_path, schema)
    good = path.read_bytes()
    path.write_bytes(b"broken")
    settings = load_settings(workbook=path, environ={})

    def fix_it_meanwhile(seconds):
        path.write_bytes(good)
        return clock.wait(seconds)
    r = Runner(lambda: sync_once(settings), every=dt.timedelta(minutes=15), health_path=tmp_path / "h.json",
               clock=clock, wait=fix_it_meanwhile)
    r.loop(max_runs=2)
    health = Health.read(tmp_path / "h.json")
    assert "không phải là tệp Excel" in health.last_error and health.last_success is not None
    assert health.counts["rows"] == 1 and health.counts["statuses"]["Hợp lệ"] == 1
    assert health.last_start == (T0 + dt.timedelta(minutes=15)).isoformat()  # on schedule after the failure
    assert health.stopped_at and health.next_run is None


def _report():
    from automation.counts import SyncReport
    return SyncReport(started=T0)


def _workbook(tmp_path, schema):
    return save_workbook(tmp_path / "thidua.xlsx", {"Đơn vị": registry(("GD", "Gò Dầu")),
                                                    "Gò Dầu": [headers(schema), as_cells(schema, valid_row())]})


# ------------------------------------------------------------------ locks

def test_the_lock_keeps_a_second_sync_out_and_names_the_holder(tmp_path):
    first = CampaignLock(tmp_path / "x.lock").acquire()
    try:
        with pytest.raises(LockBusyError, match=f"tiến trình {os.getpid()}"):
            CampaignLock(tmp_path / "x.lock").acquire(wait=0.3)
    finally:
        first.release()
    CampaignLock(tmp_path / "x.lock").acquire().release()


HOLD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from automation.runner import CampaignLock
    held = CampaignLock(sys.argv[1]).acquire()
    print("held", flush=True)
    time.sleep(60)
""")


def _holder(lock: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD.format(root=str(ROOT)), str(lock)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_lock_left_by_a_killed_process_is_recovered(tmp_path):
    lock = tmp_path / "x.lock"
    process = _holder(lock)
    with pytest.raises(LockBusyError, match=f"tiến trình {process.pid}"):
        CampaignLock(lock).acquire()
    process.kill()  # SIGKILL: no clean-up ran; the lock file is still there
    process.wait(timeout=10)
    assert lock.exists()
    CampaignLock(lock).acquire().release()


def test_sync_waits_then_exits_2_while_another_process_syncs(tmp_path, schema):
    path = _workbook(tmp_path, schema)
    process = _holder(state_file(load_settings(workbook=path, environ={}), "lock"))
    try:
        result = CliRunner().invoke(main, ["sync", "--wait", "0.5", "--workbook", str(path)])
    finally:
        process.kill()
        process.wait(timeout=10)
    assert result.exit_code == 2 and f"tiến trình {process.pid}" in result.output
    assert CliRunner().invoke(main, ["sync", "-q", "--workbook", str(path)]).exit_code == 0


# ------------------------------------------------------------------ signals

def test_a_signal_during_a_sync_lets_it_finish_then_exits_0(clock, tmp_path, schema, restore_signals):
    path = _workbook(tmp_path, schema)
    settings = load_settings(workbook=path, environ={})

    def job():
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the sync runs
        return sync_once(settings)
    r = runner(job, clock, tmp_path, every=dt.timedelta(minutes=15))
    r.install_signal_handlers()
    assert r.loop() == 0
    health = Health.read(tmp_path / "health.json")
    assert health.runs == 1 and health.last_success and health.stopped_at
    book = openpyxl.load_workbook(path)
    assert "Trạng thái" in [c.value for c in book["Gò Dầu"][1]]  # the sync wrote its flags


def test_a_second_signal_exits_at_once_and_leaves_a_whole_workbook(clock, tmp_path, schema, restore_signals,
                                                                    monkeypatch):
    from automation.sheets import workbook as workbook_module
    path = _workbook(tmp_path, schema)
    before = path.read_bytes()
    settings = load_settings(workbook=path, environ={})
    real_save = openpyxl.Workbook.save

    def save_interrupted(self, filename):
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGTERM)  # the second one stops the job in the middle of saving
        return real_save(self, filename)
    monkeypatch.setattr(workbook_module.openpyxl.Workbook, "save", save_interrupted)
    r = runner(lambda: sync_once(settings), clock, tmp_path, every=dt.timedelta(minutes=15))
    r.install_signal_handlers()
    with pytest.raises(SystemExit) as stopped:
        r.loop()
    assert stopped.value.code == 128 + signal.SIGTERM
    assert path.read_bytes() == before  # the old workbook, whole
    openpyxl.load_workbook(path)
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


# ------------------------------------------------------------------ status

def _health(tmp_path, schema, **fields):
    path = _workbook(tmp_path, schema)
    health = Health(pid=os.getpid(), schedule="mỗi 15 phút", runs=5, failures=1, last_start=T0.isoformat(),
                    last_success=T0.isoformat(), counts={"rows": 84, "statuses": {"Hợp lệ": 63},
                                                         "documents": {"created": 2}}, **fields)
    health.write(state_file(load_settings(workbook=path, environ={}), "health.json"))
    return path


def test_status_of_a_healthy_job(tmp_path, schema):
    path = _health(tmp_path, schema, next_run=(T0 + dt.timedelta(minutes=15)).isoformat())
    result = CliRunner().invoke(main, ["status", "--workbook", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{os.getpid()} — đang chạy" in result.output and "mỗi 15 phút" in result.output
    assert "20/12/2021 06:15:00" in result.output and "Số dòng:               84 — Hợp lệ 63" in result.output


def test_status_of_a_failing_or_stopped_job_exits_1(tmp_path, schema):
    path = _health(tmp_path, schema, consecutive_failures=2, last_error="Không đọc được", last_error_at=T0.isoformat())
    result = CliRunner().invoke(main, ["status", "--workbook", str(path)])
    assert result.exit_code == 1 and "CẢNH BÁO: 2 lần chạy gần nhất đều lỗi." in result.output
    path = _health(tmp_path, schema, stopped_at=T0.isoformat())
    result = CliRunner().invoke(main, ["status", "--json", "--workbook", str(path)])
    assert result.exit_code == 1 and json.loads(result.output)["alive"] is False


def test_status_without_a_health_file_exits_2(tmp_path, schema):
    result = CliRunner().invoke(main, ["status", "--workbook", str(_workbook(tmp_path, schema))])
    assert result.exit_code == 2 and "'thidua run' chưa chạy" in result.output


@pytest.mark.parametrize("args, words", [([], "--every"), (["--every", "15m", "--at", "07:30"], "--every"),
                                         (["--every", "soon"], "30s, 15m, 1h"), (["--at", "7h"], "HH:MM")])
def test_run_refuses_a_bad_schedule(tmp_path, schema, args, words):
    result = CliRunner().invoke(main, ["run", *args, "--workbook", str(_workbook(tmp_path, schema))])
    assert result.exit_code == 2 and words in result.output


# ------------------------------------------------------------------ the real process

def test_thidua_run_syncs_twice_then_stops_on_sigterm(tmp_path):
    CliRunner().invoke(main, ["demo", "--dir", str(tmp_path / "demo"), "--quiet"])
    config = tmp_path / "demo" / "thidua.toml"
    health_path = state_file(load_settings(config, environ={}), "health.json")
    log_file = tmp_path / "run.log"
    process = subprocess.Popen([sys.executable, "-m", "automation", "run", "--every", "1s", "--config", str(config),
                                "--log-file", str(log_file)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                health = Health.read(health_path)
                if health.runs >= 2 and health.last_success:
                    break  # the second run has started; SIGTERM lets it finish
            except (OSError, ValueError):
                pass  # not written yet
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert code == 0, process.stderr.read()
    health = Health.read(health_path)
    assert health.runs >= 2 and health.failures == 0 and health.stopped_at and health.last_success
    assert health.counts["rows"] == 81
    log = log_file.read_text(encoding="utf-8")
    assert log.count("INFO sync ok rows=81") >= 2 and "INFO run stopped" in log
