"""The scheduled job: `thidua run --every 15m` or `--at 07:30`, started once, left alone for months.

- Runs are isolated: whatever a run raises is logged with its cause and recorded in the health
  file, and the loop goes on. The job given to `schedule` never raises: a job that raises out of
  `run_pending()` is never rescheduled and stays overdue (schedule 1.2), so the next run is
  computed from the clock once the run has ended, failed or not.
- One run at a time: the loop is single-threaded, so a run longer than the interval delays the
  next one instead of overlapping it; across processes, a file lock (`fcntl.flock`) per
  campaign keeps a second `thidua run` out and makes `thidua sync` wait. The kernel releases a
  flock when its process dies, so a lock left by a killed process is recovered by itself.
- SIGTERM / SIGINT: a running sync finishes, then the loop exits 0; a second signal exits at
  once (saves are atomic, so the workbook is the old one or the new one, never half-written).
- A health file (JSON) says when the last run started, succeeded or failed, with the counts;
  `thidua status` reads it.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import logging
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import schedule

from automation.errors import ThiduaError
from automation.counts import SyncReport

log = logging.getLogger("thidua")

_EVERY = re.compile(r"^\s*(\d+)\s*(s|m|h)\s*$", re.IGNORECASE)
_AT = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
UNITS = {"s": ("giây", 1), "m": ("phút", 60), "h": ("giờ", 3600)}


class LockBusyError(ThiduaError):
    """Another process holds the campaign's lock."""


def parse_every(text: str) -> dt.timedelta:
    """`30s`, `15m`, `1h` → a positive interval."""
    match = _EVERY.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{text}' không phải khoảng thời gian hợp lệ; ví dụ: 30s, 15m, 1h")
    return dt.timedelta(seconds=int(match.group(1)) * UNITS[match.group(2).lower()][1])


def parse_at(text: str) -> str:
    if not _AT.match(text or ""):
        raise ValueError(f"'{text}' không phải giờ hợp lệ; ghi theo dạng HH:MM, ví dụ 07:30")
    return text


def describe(every: dt.timedelta | None, at: str | None) -> str:
    if at:
        return f"hằng ngày lúc {at}"
    seconds = int(every.total_seconds()) if every else 0
    for word, size in sorted(UNITS.values(), key=lambda unit: -unit[1]):
        if seconds % size == 0:
            return f"mỗi {seconds // size} {word}"
    return f"mỗi {seconds} giây"


# ------------------------------------------------------------------ the lock

class CampaignLock:
    """An exclusive flock on a file beside the spreadsheet; the file says who holds it."""

    def __init__(self, path: Path, *, busy: str = "Đang có một lần đồng bộ khác của chiến dịch này") -> None:
        self.path = Path(path)
        self.busy = busy
        self._handle: Any = None

    def acquire(self, *, wait: float = 0.0, poll: float = 0.2) -> CampaignLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # held until release()
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    handle.close()
                    raise
                if time.monotonic() >= deadline:
                    holder = self.holder()
                    handle.close()
                    raise LockBusyError(f"{self.busy} ({holder}); chờ nó xong rồi chạy lại.") from None
                time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "since": dt.datetime.now().isoformat(timespec="seconds")}))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def holder(self) -> str:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return f"tiến trình {data['pid']}, từ {data['since'].replace('T', ' ')}"
        except (OSError, ValueError, KeyError, TypeError):
            return f"tệp khóa {self.path}"

    def __enter__(self) -> CampaignLock:
        return self if self._handle else self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()


# ------------------------------------------------------------------ the health file

@dataclass
class Health:
    pid: int = 0
    schedule: str = ""
    started_at: str | None = None  # when the process started
    stopped_at: str | None = None
    last_start: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    last_seconds: float | None = None
    next_run: str | None = None
    runs: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    counts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Health:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def write(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".health-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle, ensure_ascii=False, indent=2)
        os.replace(temp, path)


def counts_of(report: SyncReport) -> dict[str, Any]:
    data = report.as_dict()
    return {"rows": data["rows"], "statuses": data["statuses"], "documents": data["documents"],
            "problems": data["problems"]}


# ------------------------------------------------------------------ the loop

class Runner:
    """Runs `job` now, then on the schedule, until a signal (or `max_runs`, for tests)."""

    def __init__(self, job: Callable[[], SyncReport], *, every: dt.timedelta | None = None, at: str | None = None,
                 health_path: Path, clock: Callable[[], dt.datetime] = dt.datetime.now,
                 wait: Callable[[float], bool] | None = None) -> None:
        if (every is None) == (at is None):
            raise ValueError("give exactly one of every= and at=")
        self.job, self.every, self.at = job, every, at
        self.health_path, self.clock = Path(health_path), clock
        self.stopping = threading.Event()
        self._wait = wait or self.stopping.wait
        self.running = False
        self.scheduler = schedule.Scheduler()
        self.health = Health(pid=os.getpid(), schedule=describe(every, at), started_at=self._now())

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def run_once(self) -> bool:
        """One isolated run: never raises (but for a second signal), always records its outcome."""
        self.running = True
        self.health.last_start = self._now()
        self.health.runs += 1
        self.health.write(self.health_path)
        started = time.perf_counter()
        try:
            report = self.job()
        except Exception as exc:  # a run's failure must never end the loop
            self.health.failures += 1
            self.health.consecutive_failures += 1
            self.health.last_error = f"{type(exc).__name__}: {exc}" if not isinstance(exc, ThiduaError) else str(exc)
            self.health.last_error_at = self._now()
            log.error("sync failed error=%r", self.health.last_error)
            log.debug("sync failed", exc_info=True)
            ok = False
        else:
            self.health.last_success = self._now()
            self.health.consecutive_failures = 0
            self.health.counts = counts_of(report)
            s, d = report.as_dict()["statuses"], report.documents
            log.info("sync ok rows=%d hop_le=%d can_bo_sung=%d khong_hop_le=%d docs_created=%d docs_updated=%d "
                     "docs_unchanged=%d docs_withdrawn=%d problems=%d seconds=%.2f", report.rows, *s.values(),
                     d.created, d.updated, d.unchanged, d.withdrawn, len(report.problems), report.seconds)
            ok = True
        finally:
            self.running = False
            self.health.last_seconds = round(time.perf_counter() - started, 3)
            self.health.write(self.health_path)
        return ok

    def _record_next_run(self) -> None:
        """Called after schedule has rescheduled the job (it does so once the job returns)."""
        next_run = self.scheduler.next_run if self.scheduler.jobs else None
        self.health.next_run = next_run.isoformat(timespec="seconds") if next_run else None
        self.health.write(self.health_path)

    def loop(self, *, max_runs: int | None = None) -> int:
        """Returns the exit code: 0 after a signal (or after max_runs)."""
        log.info("run started schedule=%r pid=%d", self.health.schedule, os.getpid())
        self.run_once()  # the first sync starts at once; the schedule counts from its end
        if self.at:
            self.scheduler.every().day.at(self.at).do(self.run_once)
        elif self.every:
            self.scheduler.every(int(self.every.total_seconds())).seconds.do(self.run_once)
        self._record_next_run()
        runs = 1
        while not self.stopping.is_set() and (max_runs is None or runs < max_runs):
            idle = self.scheduler.idle_seconds
            if idle is None or idle > 0:
                self._wait(min(max(idle or 1.0, 0.05), 60.0))
                continue
            if not self.stopping.is_set():
                self.scheduler.run_pending()
                self._record_next_run()
                runs += 1
        self.health.stopped_at = self._now()
        self.health.next_run = None
        self.health.write(self.health_path)
        log.info("run stopped runs=%d failures=%d", self.health.runs, self.health.failures)
        return 0

    def install_signal_handlers(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.stopping.is_set():
            log.warning("second %s: stopping now", name)
            raise SystemExit(128 + signum)
        self.stopping.set()
        if self.running:
            log.info("%s: the running sync finishes, then the job stops", name)
        else:
            log.info("%s: stopping", name)
