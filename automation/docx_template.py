"""A docxtpl template parsed once and rendered many times, each document what a fresh docxtpl makes.

docxtpl re-reads, re-parses, re-patches and re-compiles a template on every render. Here a
template is parsed once and reset between renders; its patched XML and compiled Jinja templates
are kept; the rendered body is parsed once, inside the text of the whole document element (not
parsed, then moved into the document); docxtpl's pass for tabs and breaks in values runs only on
the paragraphs that hold one; and the parts a render never touches are compressed once
(automation.package). What docxtpl does to the document (tables, listings, headers) is
unchanged: each part of a document is byte for byte what a fresh docxtpl writes
(tests/test_documents.py; the core properties by their values).

Imported by automation.render when a document is first rendered: a sync with nothing to render
loads neither python-docx nor docxtpl.
"""

from __future__ import annotations

import copy
import io
import re
from typing import Any

import jinja2
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree  # type: ignore[import-untyped]  # python-docx's own XML library

from automation.package import PackageWriter

CORE_TEXT = ("author", "comments", "identifier", "language", "subject", "title")  # those docxtpl renders


class CompilingEnvironment(jinja2.Environment):
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


class ReusableTemplate(DocxTemplate):
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
            self._pristine_xml = super().get_xml()  # the body's text: after a reset, always the pristine body's
            self._frame = _frame(self._pristine_root, self._pristine_xml)
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
        self.init_docx(reload=False)
        return self._pristine_xml

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
