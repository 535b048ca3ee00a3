"""The embedded default's document store: a local folder laid out as the Drive folder would be.

What the job wrote is remembered in `.thidua-manifest.json` inside the folder (id, path, content
key, and the size and time of the file as written), so a re-run finds its documents without
reading them. A document someone edited by hand (its size or time no longer match) is moved to
`Lưu trữ/` before a new version is written beside it: nothing is overwritten unseen or deleted.

Progress is durable as it goes: before a document takes its place, a line in
`.thidua-manifest.journal` says what it will be (id, path, key, size, time). A sync killed at any
point — mid-render, between two files, with a full disk — leaves a journal the next sync replays:
each document is known by whichever record matches the file on disk, so nothing it wrote is
taken for a stranger's file, archived, or written twice. `close()` folds the journal into the
manifest. Temporary files a kill left behind are removed by the next sync.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from automation.errors import StoreError
from automation.files import write_atomically
from automation.store import ARCHIVE_FOLDER, DocumentSpec, StoredDocument

MANIFEST = ".thidua-manifest.json"
JOURNAL = ".thidua-manifest.journal"
TEMP_PREFIX, TEMP_SUFFIX = ".thidua-", ".tmp"
ENTRY_KEYS = {"path", "key", "size", "mtime_ns"}


class FolderStore:
    parallel = 1  # local writes are fast; one at a time keeps the journal in order

    def __init__(self, root: Path, *, link_base: Path | None = None) -> None:
        self.root = Path(root)
        self.link_base = Path(link_base) if link_base else self.root
        self._entries: dict[str, dict[str, Any]] = {}
        self._changed = False

    # ------------------------------------------------------------ the protocol

    def inventory(self) -> dict[str, StoredDocument]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._remove_leftover_temporaries()
        except OSError as exc:
            raise StoreError(f"Không dùng được thư mục văn bản '{self.root}': {exc.strerror or exc}.") from None
        manifest = self._read_manifest()
        journal = self._read_journal()
        self._changed = bool(journal)
        self._entries = {}
        for doc_id in manifest.keys() | journal.keys():
            records = [*([manifest[doc_id]] if doc_id in manifest else []), *journal.get(doc_id, [])]
            if records[-1] is None:  # archived last
                self._changed = True
                continue
            entry = self._matching(records)
            if entry is None:  # moved or removed by someone: forget it, the next render recreates it
                self._changed = True
                continue
            self._entries[doc_id] = entry
        return {doc_id: self._stored(doc_id, entry) for doc_id, entry in self._entries.items()}

    def save(self, spec: DocumentSpec, data: bytes, previous: StoredDocument | None) -> StoredDocument:
        target = self.root / spec.path
        if previous is not None and previous.path != spec.path:
            self._move_to_archive(self.root / previous.path)
        if target.exists() and not self._is_ours(spec.doc_id, target):
            self._move_to_archive(target)  # edited by hand, or not ours: keep it
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            entry = self._write(target, spec, data)
        except OSError as exc:
            raise StoreError(f"Không ghi được văn bản '{target}': {exc.strerror or exc}.") from None
        self._entries[spec.doc_id] = entry
        self._changed = True
        return self._stored(spec.doc_id, entry)

    def move(self, stored: StoredDocument, path: str) -> StoredDocument:
        """The file itself moves (a copy someone edited or signed moves with it); the journal learns
        the new place first, so a kill either side of the move leaves a record that matches the disk."""
        source, target = self.root / stored.path, self.root / path
        entry = dict(self._entries[stored.doc_id])
        try:
            if target.exists():
                self._move_to_archive(target)  # not ours (ours would be this very file): keep it
            target.parent.mkdir(parents=True, exist_ok=True)
            entry.update(path=path)
            self._journal({"doc_id": stored.doc_id, **entry})
            os.replace(source, target)  # a rename keeps the size and time the manifest knows it by
        except OSError as exc:
            raise StoreError(f"Không chuyển được '{stored.path}' sang '{path}': {exc.strerror or exc}.") from None
        self._entries[stored.doc_id] = entry
        self._changed = True
        return self._stored(stored.doc_id, entry)

    def archive(self, stored: StoredDocument) -> None:
        try:
            self._move_to_archive(self.root / stored.path)
            self._journal({"doc_id": stored.doc_id, "archived": True})
        except OSError as exc:
            raise StoreError(f"Không chuyển được '{stored.path}' vào {ARCHIVE_FOLDER}: "
                             f"{exc.strerror or exc}.") from None
        self._entries.pop(stored.doc_id, None)
        self._changed = True

    def close(self) -> None:
        try:
            if self._changed:
                text = json.dumps({"version": 1, "documents": self._entries}, ensure_ascii=False, indent=1,
                                  sort_keys=True)
                write_atomically(self.root / MANIFEST, text.encode("utf-8"), prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
                self._changed = False
            (self.root / JOURNAL).unlink(missing_ok=True)  # folded into the manifest just written
        except OSError as exc:  # the journal stays: the next sync replays it
            raise StoreError(f"Không ghi được danh mục văn bản trong '{self.root}': {exc.strerror or exc}.") from None

    # ------------------------------------------------------------ writing

    def _write(self, target: Path, spec: DocumentSpec, data: bytes) -> dict[str, Any]:
        """Temporary file, its record in the journal, then into place: a kill anywhere leaves a
        record that matches whichever file is on disk."""
        entry: dict[str, Any] = {"path": spec.path, "key": spec.key}

        def record(stat: os.stat_result) -> None:
            entry.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns)
            self._journal({"doc_id": spec.doc_id, **entry})
        write_atomically(target, data, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, before_replace=record)
        return entry

    def _journal(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        with open(self.root / JOURNAL, "a", encoding="utf-8") as handle:
            handle.write(line)  # flushed on close: it survives the process being killed

    # ------------------------------------------------------------ helpers

    def _stored(self, doc_id: str, entry: dict[str, Any]) -> StoredDocument:
        link = os.path.relpath(self.root / entry["path"], self.link_base).replace(os.sep, "/")
        return StoredDocument(doc_id, entry["path"], entry["key"], link)

    def _matching(self, records: list[dict[str, Any] | None]) -> dict[str, Any] | None:
        """The latest record whose file is on disk as it describes; else the latest whose file is
        there at all (edited by hand since: archived before it is written again)."""
        present = [r for r in records if r is not None and (self.root / r["path"]).is_file()]
        for record in reversed(present):
            stat = (self.root / record["path"]).stat()
            if (stat.st_size, stat.st_mtime_ns) == (record["size"], record["mtime_ns"]):
                return record
        return present[-1] if present else None

    def _is_ours(self, doc_id: str, path: Path) -> bool:
        entry = self._entries.get(doc_id)
        if not entry or entry["path"] != path.relative_to(self.root).as_posix():
            return False
        stat = path.stat()
        return (stat.st_size, stat.st_mtime_ns) == (entry["size"], entry["mtime_ns"])

    def _move_to_archive(self, path: Path) -> None:
        if not path.exists():
            return
        folder = self.root / ARCHIVE_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        destination = folder / path.name
        number = 2
        while destination.exists():
            destination = folder / f"{path.stem} ({number}){path.suffix}"
            number += 1
        os.replace(path, destination)

    def _remove_leftover_temporaries(self) -> None:
        """Partial files of a sync that was killed (only this job's own, by their name)."""
        for temp in self.root.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            temp.unlink(missing_ok=True)

    def _read_manifest(self) -> dict[str, dict[str, Any]]:
        path = self.root / MANIFEST
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            documents = data["documents"]
            assert isinstance(documents, dict)
            return {k: v for k, v in documents.items() if isinstance(v, dict) and ENTRY_KEYS <= set(v)}
        except (OSError, ValueError, KeyError, AssertionError):
            # A damaged manifest: start afresh. Existing files are not ours any more, so each one
            # the job needs to write is first moved to Lưu trữ/ — never overwritten.
            return {}

    def _read_journal(self) -> dict[str, list[dict[str, Any] | None]]:
        """doc id → its records in the order written (None: archived). A line cut short by a kill is skipped."""
        path = self.root / JOURNAL
        records: dict[str, list[dict[str, Any] | None]] = {}
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return records
        for line in lines:
            try:
                record = json.loads(line)
                doc_id = record.pop("doc_id")
            except (ValueError, KeyError, AttributeError):
                continue
            if record.get("archived"):
                records.setdefault(doc_id, []).append(None)
            elif ENTRY_KEYS <= set(record):
                records.setdefault(doc_id, []).append(record)
        return records
