"""Rendering .docx templates with docxtpl (autoescaped), fast enough for a thousand nominees.

docxtpl re-reads, re-parses, re-patches and re-compiles a template on every render. Here each
template is read and parsed once per process and reset between renders, its patched XML and
compiled Jinja templates are kept, the rendered body is parsed once (not parsed, then moved into
the document), docxtpl's pass for tabs and breaks in values runs only on the paragraphs that hold
one, the parts a render never touches are compressed once (automation.package), and large
batches render in worker processes across the cores. What docxtpl does to the document (tables,
listings, headers) is unchanged: each part of a document is byte for byte what a fresh docxtpl
writes (tests/test_documents.py; the core properties by their values).

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
import re
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
import multiprocessing
import signal
import sys
from pathlib import Path
from typing import Any

import jinja2
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree  # type: ignore[import-untyped]  # python-docx's own XML library

from automation.errors import ConfigError
from automation.package import PackageWriter
from automation.resources import DEFAULT_TEMPLATES
CORE_TEXT = ("author", "comments", "identifier", "language", "subject", "title")  # those docxtpl renders
PARALLEL_FROM = 150  # below this many documents, starting workers costs more than it saves (measured:
# 100 summaries take 74 ms on one core, 86 ms on two workers of a running fork server; 200: 131 / 115)
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
    properties (our templates hold no tags there). Here the rendered body is parsed once inside
    the text of the whole document element and kept beside the template's, which is never
    touched, so nothing is moved between trees and nothing needs putting back but the targets.
    The reset costs the same whatever the last document held.
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
            self._rendered: Any = None  # the last render's document element, when kept beside the template's
            self._frame = _frame(self._pristine_root, super().get_xml())
        elif self.is_rendered and reload:
            docx = self._loaded()
            if self._rendered is None:  # docxtpl's own way was taken: the document element was changed
                # A fresh copy of the whole document element, the rendered one simply dropped: detaching
                # a rendered body from its tree (lxml re-homes every node) grew with the square of what
                # the last document held — a danh sách of 2,000 made the next render take 24 s.
                root = copy.deepcopy(self._pristine_root)
                docx._part._element = root
                docx._element = root
                vars(docx)["_Document__body"] = None  # python-docx caches the body's proxy
            for key, target in self._pristine_targets.items():
                docx._part.rels[key]._target = target
            self._rendered = None
            self.is_rendered = False

    def build_xml(self, context: Any, jinja_env: Any = None) -> str:
        """The rendered body inside the text of the whole document element, so that docxtpl's
        fix_tables parses the document once and map_tree has nothing to move."""
        body: str = super().build_xml(context, jinja_env)
        if self._frame is None or not body.startswith(self._frame[1]):
            return body
        before, tag, after = self._frame
        return before + body[len(tag):] + after

    def map_tree(self, tree: Any) -> None:
        if tree.tag == _DOCUMENT:
            self._rendered = tree
        else:
            super().map_tree(tree)

    def _document_element(self) -> Any:
        """The rendered document element placed in the python-docx document, for docxtpl's own save."""
        if self._rendered is not None:
            docx = self._loaded()
            docx._element.replace(docx._element.body, self._rendered.find(_BODY))
            self._rendered = None
        return self._loaded()._element

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
            self._document_element()
            self.save(out)
            return
        if (writer := vars(self).get("_writer")) is None:
            writer = self._writer = PackageWriter()
        docx = self._loaded()
        given = {} if self._rendered is None else {id(docx.part): serialize_part_xml(self._rendered)}
        writer.write(docx, out, changed=self._changed_parts(), given=given)
        self.is_saved = True

    def _loaded(self) -> DocxDocument:
        assert self.docx is not None, "init_docx loads the document first"
        return self.docx

    def patch_xml(self, src_xml: str) -> str:  # pure regex work on the same XML every time
        if (patched := self._patched.get(src_xml)) is None:
            patched = self._patched[src_xml] = super().patch_xml(src_xml)
        return patched

    def get_xml(self) -> str:
        """The body's XML, which after a reset is always the pristine body's: serialised once."""
        if (xml := vars(self).get("_pristine_xml")) is None:
            xml = self._pristine_xml = super().get_xml()
        return xml

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        """docxtpl's render_xml_part, its work on the template's source done once per source: the
        same Jinja template, the same text out (its line marks put in and taken out as docxtpl does)."""
        sources: dict[str, Any] = vars(self).setdefault("_sources", {})
        if jinja_env is None or (template := sources.get(src_xml)) is None:
            if jinja_env is None:
                return super().render_xml_part(src_xml, part, context, jinja_env)
            template = sources[src_xml] = jinja_env.from_string(_PARAGRAPH_MARK.sub(r"\n<w:p\1", src_xml))
        self.current_rendering_part = part
        try:
            dst_xml = template.render(context)
        except jinja2.TemplateError:  # docxtpl's own path, which says where in the document it failed
            return super().render_xml_part(src_xml, part, context, jinja_env)
        dst_xml = (dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
                   .replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}"))
        return self.resolve_listing(dst_xml)

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's resolve_listing (tabs, line and page breaks, new paragraphs written as \\t \\n
        \\f \\a in a value) run only on the paragraphs that hold one: the others come out as they
        went in, and most paragraphs hold none."""
        if not _LISTING.search(xml):
            return xml
        resolve = super().resolve_listing
        return _PARAGRAPH.sub(lambda m: resolve(m.group(0)) if _LISTING.search(m.group(0)) else m.group(0), xml)


def _frame(root: Any, body_xml: str) -> tuple[str, str, str] | None:
    """The text of the document element before and after its body, and the body's opening tag
    as it stands alone (with the namespaces it inherits); None for a document shaped otherwise."""
    xml = etree.tostring(root, encoding="unicode")
    start = xml.find("<w:body")
    end = xml.rfind("</w:body>")
    if start < 0 or end < 0 or xml[start:start + 8] == "<w:body/":
        return None
    return xml[:xml.index(">", start) + 1], body_xml[:body_xml.index(">") + 1], xml[end + len("</w:body>"):]


_DOCUMENT = qn("w:document")
_BODY = qn("w:body")
_PARAGRAPH_MARK = re.compile(r"<w:p([ >])")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", flags=re.DOTALL)  # as docxtpl finds a paragraph
_LISTING = re.compile("[\t\a\n\f]")


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


_PRELOAD = ["automation.render"]  # what the fork server imports once, for every worker it forks


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
