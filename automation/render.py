"""Rendering .docx templates with docxtpl (autoescaped), fast enough for a thousand nominees.

docxtpl re-reads, re-parses, re-patches and re-compiles a template on every render. Here each
template is read and parsed once per process and reset between renders, its patched XML and
compiled Jinja templates are kept, the parts a render never touches are compressed once
(automation.package), and large batches render in worker processes across the cores. What
docxtpl does to the document (tables, listings, headers) is unchanged.

The workers are started by a fork server (never forked from the job itself), so they hold none
of its open files — the campaign lock above all — and they die with the job: a killed sync
leaves no worker behind, and the next sync finds the lock free. They ignore Ctrl+C, which the
job handles; a job that stops (a signal, an error) terminates them at once.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
from collections import deque
from collections.abc import Generator, Iterable
import multiprocessing
import signal
import sys
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.document import Document as DocxDocument
from docxtpl import DocxTemplate

from automation.errors import ConfigError
from automation.package import PackageWriter
from automation.resources import DEFAULT_TEMPLATES
CORE_TEXT = ("author", "comments", "identifier", "language", "subject", "title")  # those docxtpl renders
PARALLEL_FROM = 24  # below this many documents, starting workers costs more than it saves
CHUNK = 16  # documents a worker renders per task
CHUNKS_AHEAD = 2  # tasks in flight per worker: enough to keep the cores busy, few to hold in memory


class _CompilingEnvironment(jinja2.Environment):
    """Compiles each distinct template source once; docxtpl asks again on every render."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if (template := self._compiled.get(source)) is None:
            template = self._compiled[source] = super().from_string(source)
        return template


class _Template(DocxTemplate):
    """A DocxTemplate parsed once and reset after each render instead of re-read.

    docxtpl reloads the whole package before each render; what a render changes is only the
    document element (its body replaced), the header and footer parts (re-targeted) and the core
    properties (our templates hold no tags there). The document element is put back as a copy of
    the pristine one, the targets too; the rest is reused. The reset costs the same whatever the
    last document held.
    """

    _patched: dict[str, str] = {}

    def init_docx(self, reload: bool = True) -> None:
        if self.docx is None:
            super().init_docx(reload)
            docx = self._loaded()
            self._pristine_root = copy.deepcopy(docx._element)
            self._pristine_targets = {key: rel._target for key, rel in docx._part.rels.items()}
            core = docx.core_properties
            self._fields_in_properties = any("{" in (getattr(core, name) or "") for name in CORE_TEXT)
        elif self.is_rendered and reload:
            # A fresh copy of the whole document element, the rendered one simply dropped: detaching
            # a rendered body from its tree (lxml re-homes every node) grew with the square of what
            # the last document held — a danh sách of 2,000 made the next render take 24 s.
            docx = self._loaded()
            root = copy.deepcopy(self._pristine_root)
            docx._part._element = root
            docx._element = root
            vars(docx)["_Document__body"] = None  # python-docx caches the body's proxy
            for key, target in self._pristine_targets.items():
                docx._part.rels[key]._target = target
            self.is_rendered = False

    def build_headers_footers_xml(self, context: Any, uri: Any, jinja_env: Any = None) -> Any:
        """Only the headers and footers that hold fields: one without a brace renders to itself, and
        left as it is its part stays the template's (written once, automation.package)."""
        docxtpl: Any = self  # docxtpl's helpers are not in its type hints
        for key, part, xml in self._headers_footers_with_fields(uri):
            yield key, docxtpl.render_xml_part(docxtpl.patch_xml(xml), part, context, jinja_env).encode(
                docxtpl.get_headers_footers_encoding(xml))

    def _headers_footers_with_fields(self, uri: Any) -> list[tuple[str, Any, str]]:
        """The template's headers (or footers) that hold a field, with their XML: each part read once
        (docxtpl serialises every one at every render, to see whether it is empty)."""
        docxtpl: Any = self
        known: dict[str, tuple[Any, str]] = vars(self).setdefault("_header_xml", {})
        found = []
        for key, rel in self._loaded()._part.rels.items():
            if rel.reltype != uri or rel.is_external:
                continue
            if key not in known or known[key][0] is not rel.target_part:
                part = rel.target_part
                known[key] = (part, docxtpl.get_part_xml(part) if part.blob else "")
            part, xml = known[key]
            if "{" in xml:
                found.append((key, part, xml))
        return found

    def render_properties(self, context: Any, jinja_env: Any = None) -> None:
        if self._fields_in_properties:  # our templates have none: nothing to render in docProps/core.xml
            docxtpl: Any = super()
            docxtpl.render_properties(context, jinja_env)

    def _changed_parts(self) -> set[int]:
        """The part objects this render changed in place: the document, the core properties if they
        were rendered, and any part a new relationship points to."""
        docx = self._loaded()
        changed = {id(docx.part)}
        if self._fields_in_properties:
            changed |= {id(rel.target_part) for rel in docx.part.package.rels.values()
                        if rel.reltype == RT.CORE_PROPERTIES}
        for key, rel in docx.part.rels.items():
            if not rel.is_external and self._pristine_targets.get(key) is not rel._target:
                changed.add(id(rel._target))
        return changed

    def write(self, out: io.BytesIO) -> None:
        """The rendered document into `out`: what the render left untouched compressed once
        (automation.package); docxtpl's own save where it would replace pictures or media."""
        docxtpl: Any = self
        if (docxtpl.pics_to_replace or docxtpl.crc_to_new_media or docxtpl.crc_to_new_embedded
                or docxtpl.zipname_to_replace):
            self.save(out)
            return
        if (writer := vars(self).get("_writer")) is None:
            writer = self._writer = PackageWriter()
        writer.write(self._loaded(), out, changed=self._changed_parts())
        self.is_saved = True

    def _loaded(self) -> DocxDocument:
        assert self.docx is not None, "init_docx loads the document first"
        return self.docx

    def patch_xml(self, src_xml: str) -> str:  # pure regex work on the same XML every time
        if (patched := self._patched.get(src_xml)) is None:
            patched = self._patched[src_xml] = super().patch_xml(src_xml)
        return patched


class Renderer:
    """Finds templates (an Office's own folder first, then the defaults) and renders them."""

    def __init__(self, folders: Iterable[Path] = (), *, preloaded: dict[str, bytes] | None = None) -> None:
        self.folders = tuple(Path(f) for f in folders) + (DEFAULT_TEMPLATES,)
        self._bytes: dict[str, bytes] = dict(preloaded or {})
        self._templates: dict[str, _Template] = {}
        self._environment = _CompilingEnvironment()

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
            template = self._templates[name] = _Template(io.BytesIO(self.template_bytes(name)))
        template.render(context, jinja_env=self._environment, autoescape=True)
        out = io.BytesIO()
        template.write(out)
        return out.getvalue()

    def render_many(self, drafts: list[tuple[str, dict[str, Any]]], *, workers: int | None = None
                    ) -> Generator[bytes, None, None]:
        """The documents of `drafts` (template name, context), in order; across processes when there are many."""
        workers = workers or os.cpu_count() or 1
        if workers < 2 or len(drafts) < PARALLEL_FROM:
            for name, context in drafts:
                yield self.render(name, context)
            return
        templates = {name: self.template_bytes(name) for name in {name for name, _ in drafts}}
        size = max(1, min(CHUNK, len(drafts) // (workers * 4)))
        chunks = [drafts[i:i + size] for i in range(0, len(drafts), size)]
        pool = _context().Pool(workers, initializer=_start_worker, initargs=(templates, os.getpid()))
        try:
            # A bounded window of chunks in flight (Pool.imap would render everything ahead of a slow
            # consumer and hold it all): the documents are written as they come, never all in memory.
            ahead: deque[Any] = deque()
            for chunk in chunks:
                ahead.append(pool.apply_async(_render_chunk_in_worker, (chunk,)))
                if len(ahead) >= CHUNKS_AHEAD * workers:
                    yield from ahead.popleft().get()
            while ahead:
                yield from ahead.popleft().get()
            pool.close()
            pool.join()
        finally:
            pool.terminate()  # stopped early (a signal, an error, the caller gone): no worker outlives this


_worker: Renderer | None = None
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _context() -> multiprocessing.context.BaseContext:
    """A fork server where there is one (Linux, macOS): workers start from a clean process, not a
    copy of the job with its lock; spawn elsewhere."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["automation.render"])
    return context


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
