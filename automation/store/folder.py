"""The embedded default's document store: a local folder laid out as the Drive folder would be.

What the job wrote is remembered in `.thidua-manifest.json` inside the folder (id, path, content
key, and the size and time of the file as written), so a re-run finds its documents without
reading them. A document someone edited by hand (its size or time no longer match) is moved to
`Lưu trữ/` before a new version is written beside it: nothing is overwritten unseen or deleted.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from automation.errors import StoreError
from automation.store import ARCHIVE_FOLDER, DocumentSpec, StoredDocument

MANIFEST = ".thidua-manifest.json"


class FolderStore:
    parallel = 1  # local writes are fast; one at a time keeps the manifest simple

    def __init__(self, root: Path, *, link_base: Path | None = None) -> None:
        self.root = Path(root)
        self.link_base = Path(link_base) if link_base else self.root
        self._entries: dict[str, dict[str, Any]] = {}
        self._changed = False

    # ------------------------------------------------------------ the protocol

    def inventory(self) -> dict[str, StoredDocument]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Không tạo được thư mục văn bản '{self.root}': {exc.strerror}.") from None
        self._entries = self._read_manifest()
        held = {}
        for doc_id, entry in list(self._entries.items()):
            if (self.root / entry["path"]).is_file():
                held[doc_id] = self._stored(doc_id, entry)
            else:  # moved or removed by someone: forget it, the next render recreates it
                del self._entries[doc_id]
                self._changed = True
        return held

    def save(self, spec: DocumentSpec, data: bytes, previous: StoredDocument | None) -> StoredDocument:
        target = self.root / spec.path
        if previous is not None and previous.path != spec.path:
            self._move_to_archive(self.root / previous.path)
        if target.exists() and not self._is_ours(spec.doc_id, target):
            self._move_to_archive(target)  # edited by hand, or not ours: keep it
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(target, data)
        stat = target.stat()
        self._entries[spec.doc_id] = {"path": spec.path, "key": spec.key, "size": stat.st_size,
                                      "mtime_ns": stat.st_mtime_ns}
        self._changed = True
        return self._stored(spec.doc_id, self._entries[spec.doc_id])

    def archive(self, stored: StoredDocument) -> None:
        self._move_to_archive(self.root / stored.path)
        self._entries.pop(stored.doc_id, None)
        self._changed = True

    def close(self) -> None:
        if self._changed:
            text = json.dumps({"version": 1, "documents": self._entries}, ensure_ascii=False, indent=1, sort_keys=True)
            _write_atomically(self.root / MANIFEST, text.encode("utf-8"))
            self._changed = False

    # ------------------------------------------------------------ helpers

    def _stored(self, doc_id: str, entry: dict[str, Any]) -> StoredDocument:
        link = os.path.relpath(self.root / entry["path"], self.link_base).replace(os.sep, "/")
        return StoredDocument(doc_id, entry["path"], entry["key"], link)

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

    def _read_manifest(self) -> dict[str, dict[str, Any]]:
        path = self.root / MANIFEST
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            documents = data["documents"]
            assert isinstance(documents, dict)
            return {k: v for k, v in documents.items()
                    if isinstance(v, dict) and {"path", "key", "size", "mtime_ns"} <= set(v)}
        except (OSError, ValueError, KeyError, AssertionError):
            # A damaged manifest: start afresh. Existing files are not ours any more, so each one
            # the job needs to write is first moved to Lưu trữ/ — never overwritten.
            return {}


def _write_atomically(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(prefix=".thidua-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
