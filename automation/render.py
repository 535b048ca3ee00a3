"""Rendering .docx templates with docxtpl (autoescaped), fast enough for a thousand nominees.

Each template is read and parsed once per process and reset between renders
(automation.docx_template, loaded when the first document is rendered), and large batches render
in worker processes across the cores.

The workers are started by a fork server (never forked from the job itself), so they hold none
of its open files — the campaign lock above all — and they die with the job: a killed sync
leaves no worker behind, and the next sync finds the lock free. They ignore Ctrl+C, which the
job handles; a job that stops (a signal, an error) terminates them at once.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
import multiprocessing
import signal
import sys
from pathlib import Path
from typing import Any

from automation.errors import ConfigError
from automation.resources import DEFAULT_TEMPLATES

PARALLEL_FROM = 150  # below this many documents, starting workers costs more than it saves (measured:
# 100 summaries take 74 ms on one core, 86 ms on two workers of a running fork server; 200: 131 / 115)
CHUNK = 16  # documents a worker renders per task
CHUNKS_AHEAD = 2  # tasks in flight per worker: enough to keep the cores busy, few to hold in memory


class Renderer:
    """Finds templates (an Office's own folder first, then the defaults) and renders them."""

    def __init__(self, folders: Iterable[Path] = (), *, preloaded: dict[str, bytes] | None = None) -> None:
        self.folders = tuple(Path(f) for f in folders) + (DEFAULT_TEMPLATES,)
        self._bytes: dict[str, bytes] = dict(preloaded or {})
        self._templates: dict[str, Any] = {}  # name → its docx_template.ReusableTemplate
        self._environment: Any = None

    def template_bytes(self, name: str) -> bytes:
        if name not in self._bytes:
            self._bytes[name] = self._read(name)
        return self._bytes[name]

    def _read(self, name: str) -> bytes:
        for folder in self.folders:
            path = folder / name
            if path.is_file():
                try:
                    return path.read_bytes()
                except OSError as exc:
                    raise ConfigError(f"Không đọc được mẫu văn bản '{path}': {exc.strerror}.") from None
        raise ConfigError(f"Không tìm thấy mẫu văn bản '{name}' trong {', '.join(map(str, self.folders))}.")

    def digests(self, names: Iterable[str]) -> dict[str, str]:
        return {name: hashlib.sha256(self.template_bytes(name)).hexdigest() for name in names}

    def render(self, name: str, context: dict[str, Any]) -> bytes:
        if (template := self._templates.get(name)) is None:
            from automation.docx_template import CompilingEnvironment, ReusableTemplate
            if self._environment is None:
                self._environment = CompilingEnvironment()
            template = self._templates[name] = ReusableTemplate(io.BytesIO(self.template_bytes(name)))
        template.render(context, jinja_env=self._environment, autoescape=True)
        out = io.BytesIO()
        template.write(out)
        return out.getvalue()

    def render_many(self, drafts: Sequence[Draft], *, workers: int | None = None) -> Generator[bytes, None, None]:
        """The documents of `drafts` (template name, context or what builds it), in order; across
        processes when there are many. A context given as a callable is built just before its
        document is rendered, so the contexts of a thousand documents are never all held."""
        workers = workers or os.cpu_count() or 1
        if workers < 2 or len(drafts) < PARALLEL_FROM:
            for draft in drafts:
                yield self.render(*_built(draft))
            return
        templates = {name: self.template_bytes(name) for name in {name for name, _ in drafts}}
        size = max(1, min(CHUNK, len(drafts) // (workers * 4)))
        pool = _context().Pool(workers, initializer=_start_worker, initargs=(templates, os.getpid()))
        try:
            # A bounded window of chunks in flight (Pool.imap would render everything ahead of a slow
            # consumer and hold it all): the documents are written as they come, never all in memory.
            ahead: deque[Any] = deque()
            for start in range(0, len(drafts), size):
                chunk = [_built(draft) for draft in drafts[start:start + size]]
                ahead.append(pool.apply_async(_render_chunk_in_worker, (chunk,)))
                if len(ahead) >= CHUNKS_AHEAD * workers:
                    yield from ahead.popleft().get()
            while ahead:
                yield from ahead.popleft().get()
            pool.close()
            pool.join()
        finally:
            pool.terminate()  # stopped early (a signal, an error, the caller gone): no worker outlives this


Draft = tuple[str, "dict[str, Any] | Callable[[], dict[str, Any]]"]  # a template's name, and its context


def _built(draft: Draft) -> tuple[str, dict[str, Any]]:
    name, context = draft
    return name, context() if callable(context) else context


_worker: Renderer | None = None
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _context() -> multiprocessing.context.BaseContext:
    """A fork server where there is one (Linux, macOS): workers start from a clean process, not a
    copy of the job with its lock; spawn elsewhere."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(_PRELOAD)
    return context


_PRELOAD = ["automation.render", "automation.docx_template"]  # imported once by the fork server, for all workers


def start_workers_server(preload: Iterable[str] = ()) -> None:
    """Starts the fork server in the background, where there is one, so that its imports overlap
    the job's reading and judging instead of delaying the first document; the server ends with
    the job, and a second call does nothing.

    `preload`: the modules the job's main script imports (for `thidua`, automation.cli). A worker
    runs the main script again as it starts (multiprocessing does, to find what it was sent):
    imported once in the server, they are there when it does, and a worker starts in a few
    milliseconds instead of a third of a second."""
    _PRELOAD.extend(name for name in preload if name not in _PRELOAD)
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver
        forkserver.ensure_running()


def _start_worker(templates: dict[str, bytes], job_pid: int) -> None:
    """Each worker renders from the parent's template bytes, never from disk, and dies with its parent."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the job's to handle, not each worker's
    # A render error travels back to the job as an exception; what a worker would print when the
    # job is killed under it (a broken pipe) is noise on the job's terminal.
    sys.stderr = open(os.devnull, "w")  # for the worker's whole life
    _die_with_parent(job_pid)
    _worker = Renderer(preloaded=templates)


def _die_with_parent(job_pid: int) -> None:
    """Linux: SIGKILL when the parent (the fork server, which ends with the job) goes; elsewhere a
    worker notices its closed pipe and ends."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    try:
        os.kill(job_pid, 0)
    except ProcessLookupError:  # the job died before the setting took hold
        os._exit(1)
    if os.getppid() == 1:  # so did the fork server
        os._exit(1)


def _render_chunk_in_worker(drafts: list[tuple[str, dict[str, Any]]]) -> list[bytes]:
    assert _worker is not None
    return [_worker.render(*draft) for draft in drafts]
