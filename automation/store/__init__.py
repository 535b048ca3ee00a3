"""The document store: where the Word submissions go (a local folder, or a Drive folder).

`publish` is the incremental part, the same for every store: it compares what the store holds
(one listing: document id → content key) with what the verdicts call for, renders only new and
changed documents, and moves documents nobody calls for any more to `Lưu trữ/`. Nothing is
ever deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from automation.documents import DocumentSpec
from automation.render import Renderer
from automation.report import DocumentCounts


@dataclass(frozen=True)
class StoredDocument:
    doc_id: str
    path: str  # inside the store, "/" separators
    key: str  # the content key it was rendered from
    link: str  # what the sheet's Văn bản column shows


class DocumentStore(Protocol):
    parallel: int  # how many save() calls may run at once (1 for a local folder)

    def inventory(self) -> dict[str, StoredDocument]:
        """Every document this job put in the store and that is still there, by id."""
        ...

    def save(self, spec: DocumentSpec, data: bytes, previous: StoredDocument | None) -> StoredDocument:
        """Create the document, or update `previous` in place (moving it if its path changed)."""
        ...

    def archive(self, stored: StoredDocument) -> None:
        """Move a document nobody calls for any more to Lưu trữ/."""
        ...

    def close(self) -> None:
        """Persist what the store needs to find its documents next time."""
        ...


def publish(specs: Sequence[DocumentSpec], store: DocumentStore, renderer: Renderer
            ) -> tuple[DocumentCounts, dict[str, str]]:
    """Bring the store in line with `specs`; return the counts and each summary's link by record id."""
    counts = DocumentCounts()
    held = store.inventory()
    stale = [s for s in specs if s.doc_id not in held or held[s.doc_id].key != s.key]
    stale_ids = {s.doc_id for s in stale}
    links = {s.record_id: held[s.doc_id].link for s in specs if s.record_id and s.doc_id not in stale_ids}
    rendered = renderer.render_many([(s.template, s.context) for s in stale])
    parallel = getattr(store, "parallel", 1)  # a remote store uploads several documents at once
    try:
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            pending = [(spec, pool.submit(store.save, spec, data, held.get(spec.doc_id)))
                       for spec, data in zip(stale, rendered)]
            for spec, future in pending:
                stored = future.result()
                if spec.record_id:
                    links[spec.record_id] = stored.link
                if spec.doc_id in held:
                    counts.updated += 1
                else:
                    counts.created += 1
        wanted = {s.doc_id for s in specs}
        for doc_id, stored in held.items():
            if doc_id not in wanted:
                store.archive(stored)
                counts.withdrawn += 1
    finally:
        store.close()
    counts.unchanged = len(specs) - len(stale)
    return counts, links
