"""Bringing the document store in line with what the verdicts call for, the same for every store.

One listing of what the store holds (document id → content key) is compared with the specs;
only new and changed documents are rendered and saved, unchanged ones whose place changed are
moved (not rendered again), and documents nobody calls for any more are moved to `Lưu trữ/`.
Nothing is ever deleted.

Withdrawing is where a mistake in the sheet would cost the most, so: a sync that did not read the
sheet whole withdraws nothing (`withdraw=False`), and one that would withdraw a large share of
the store — more than a fifth, or every document of a unit — stops before it writes anything,
unless told to go ahead (`thidua sync --allow-archive`; the scheduled job never is).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from automation.counts import DocumentCounts
from automation.errors import ArchiveRefused
from automation.render import Renderer
from automation.store import DocumentSpec, DocumentStore, StoredDocument

GUARD_MIN = 5  # withdrawals below this many never stop a sync: a unit taking back a nominee or two
GUARD_SHARE = 5  # more than 1/5 of what the store holds stops it
SAVES_AHEAD = 2  # rendered documents waiting for the store, per save the store runs at once


def publish(specs: Sequence[DocumentSpec], store: DocumentStore, renderer: Renderer, *, withdraw: bool = True,
            allow_archive: bool = False, hold_summaries: bool = False) -> tuple[DocumentCounts, dict[str, str]]:
    """Bring the store in line with `specs`; return the counts and each summary's link by record id.

    `hold_summaries`: what a summary is made of could not all be read (the register of awards is
    broken), so a summary the store holds is kept as it is, not rewritten without its section III."""
    counts = DocumentCounts()
    held = store.inventory()
    wanted = {s.doc_id for s in specs}
    withdrawn = [stored for doc_id, stored in held.items() if doc_id not in wanted] if withdraw else []
    if not allow_archive and (refusal := archive_refusal(withdrawn, held)):
        raise ArchiveRefused(refusal)
    stale = [s for s in specs if s.doc_id not in held or (held[s.doc_id].key != s.key
                                                          and not (hold_summaries and s.record_id))]
    stale_ids = {s.doc_id for s in stale}
    # Unchanged but elsewhere now (a summary the Office approved joins its tier's folder): moved, not rendered.
    moving = [s for s in specs if s.doc_id not in stale_ids and held[s.doc_id].path != s.path]
    links = {s.record_id: held[s.doc_id].link for s in specs if s.record_id and s.doc_id not in stale_ids}
    rendered = renderer.render_many([(s.template, s.draft) for s in stale])

    def saved(spec: DocumentSpec, future: Future[StoredDocument]) -> None:
        stored = future.result()
        if spec.record_id:
            links[spec.record_id] = stored.link
        if spec.doc_id in held:
            counts.updated += 1
        else:
            counts.created += 1
    try:
        with ThreadPoolExecutor(max_workers=store.parallel) as pool:  # a remote store uploads several at once
            # Each document is saved as it comes out of the renderer: at most a few wait in memory,
            # however slow the store (Drive) and however many the documents.
            waiting: deque[tuple[DocumentSpec, Future[StoredDocument]]] = deque()
            for spec, data in zip(stale, rendered):
                waiting.append((spec, pool.submit(store.save, spec, data, held.get(spec.doc_id))))
                if len(waiting) > SAVES_AHEAD * store.parallel:
                    saved(*waiting.popleft())
            while waiting:
                saved(*waiting.popleft())
        for spec in moving:
            moved = store.move(held[spec.doc_id], spec.path)
            if spec.record_id:
                links[spec.record_id] = moved.link
            counts.moved += 1
        for stored in withdrawn:
            store.archive(stored)
            counts.withdrawn += 1
    finally:
        rendered.close()  # stops the render workers at once if we leave early (a signal, an error)
        store.close()
    counts.unchanged = len(specs) - len(stale) - len(moving)
    return counts, links


def archive_refusal(withdrawn: Sequence[StoredDocument], held: dict[str, StoredDocument]) -> str | None:
    """Why moving `withdrawn` to Lưu trữ needs a person's word, or None when it does not."""
    if len(withdrawn) < GUARD_MIN:
        return None
    gone = {s.doc_id for s in withdrawn}
    units_before = _by_unit(held.values())
    units_after = _by_unit(s for s in held.values() if s.doc_id not in gone)
    emptied = sorted(code for code in units_before if code not in units_after)
    if len(withdrawn) * GUARD_SHARE <= len(held) and not emptied:
        return None
    whose = f" (toàn bộ văn bản của đơn vị {', '.join(emptied)})" if emptied else ""
    return (f"Dừng, chưa ghi gì: lần đồng bộ này sẽ chuyển {len(withdrawn)} trong {len(held)} văn bản vào Lưu trữ"
            f"{whose}. Nếu đúng là vậy (đơn vị đã rút đề nghị), chạy 'thidua sync --allow-archive'; nếu không, "
            "kiểm tra lại bảng tính (danh mục đơn vị, tên tab, các dòng vừa xóa).")


def _by_unit(documents: Iterable[StoredDocument]) -> set[str]:
    """The units that hold achievement summaries among `documents` (from the record id in the doc id)."""
    codes = set()
    for stored in documents:
        kind, _, record_id = stored.doc_id.partition(":")
        if kind == "summary" and "-" in record_id:
            codes.add(record_id.rsplit("-", 1)[0].upper())
    return codes
