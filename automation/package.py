"""Writing a rendered .docx: what a render never touches is serialised and compressed once per template.

python-docx writes a document by serialising every part of its package and compressing each
into the zip, for every document: the styles, numbering, theme, fonts and settings of a template
are the same bytes thousands of times. `PackageWriter` keeps the compressed entry of each part
the render did not change, for as long as that part object lives, and of `[Content_Types].xml`
and each relationships part, by what they list. What the render changed — the document itself,
any header or footer that holds fields (docxtpl puts a new part in its place), the core
properties when they hold fields — is serialised each time. Entries carry one fixed date, so a
document's bytes depend on its content only.

The zip is written with the standard library's `zipfile`, the kept entries put in as they were
compressed (`automation.zip_entries`).
"""

from __future__ import annotations

import io
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem

from automation.zip_entries import Entry, add, compressed


class PackageWriter:
    """Writes rendered documents of one template; keeps the entries that do not change."""

    def __init__(self) -> None:
        self._kept: dict[Any, Entry] = {}

    def write(self, document: Any, out: io.BytesIO, *, changed: set[int], given: dict[int, bytes] | None = None
              ) -> None:
        """`document`: the python-docx Document just rendered; `changed`: the ids of the part objects
        the render changed in place (a part it replaced is a new object: never kept); `given`: the
        bytes of a changed part the renderer already holds, by the part's id."""
        given = given or {}
        package = document.part.package
        parts = list(package.iter_parts())
        with ZipFile(out, "w", compression=ZIP_DEFLATED) as archive:
            types_key = ("types", tuple((p.partname, p.content_type) for p in parts))
            self._put(archive, types_key, CONTENT_TYPES_URI.membername,
                      lambda: _ContentTypesItem.from_parts(parts).blob)
            rels_key = ("package rels", _relationships(package.rels))
            self._put(archive, rels_key, PACKAGE_URI.rels_uri.membername, lambda: package.rels.xml)
            for part in parts:
                name = part.partname.membername
                if id(part) in changed:
                    add(archive, compressed(name, given[id(part)] if id(part) in given else part.blob))
                else:  # the part object itself in the key: alive while kept, so its id is never another's
                    self._put(archive, ("part", id(part), part), name, lambda part=part: part.blob)
                if len(part.rels):
                    rels = ("rels", name, _relationships(part.rels))
                    self._put(archive, rels, part.partname.rels_uri.membername, lambda part=part: part.rels.xml)

    def _put(self, archive: ZipFile, key: Any, name: str, blob: Any) -> None:
        if (entry := self._kept.get(key)) is None:
            entry = self._kept[key] = compressed(name, blob())
        add(archive, entry)


def _relationships(rels: Any) -> tuple[Any, ...]:
    """What a relationships part says, as a key: each target by its part's name (what the part
    writes, relative to itself) or its external address; cheaper than the relative paths."""
    return tuple((r.rId, r.reltype, r._target if r.is_external else r._target.partname, r.is_external)
                 for r in rels.values())
