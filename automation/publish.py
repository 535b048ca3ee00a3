"""Bringing the document store in line with what the verdicts call for, the same for every store.

One listing of what the store holds (document id → content key) is compared with the specs;
only new and changed documents are rendered and saved, and documents nobody calls for any more
are moved to `Lưu trữ/`. Nothing is ever deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from automation.counts import DocumentCounts
from automation.render import Renderer
from automation.store import DocumentSpec, DocumentStore


def publish(specs: Sequence[DocumentSpec], store: DocumentStore, renderer: Renderer
            ) -> tuple[DocumentCounts, dict[str, str]]:
    """Bring the store in line with `specs`; return the counts and each summary's link by record id."""
    counts = DocumentCounts()
    held = store.inventory()
    stale = [s for s in specs if s.doc_id not in held or held[s.doc_id].key != s.key]
    stale_ids = {s.doc_id for s in stale}
    links = {s.record_id: held[s.doc_id].link for s in specs if s.record_id and s.doc_id not in stale_ids}
    rendered = renderer.render_many([(s.template, s.context) for s in stale])
    try:
        with ThreadPoolExecutor(max_workers=store.parallel) as pool:  # a remote store uploads several at once
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
