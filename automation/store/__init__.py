"""The document store: where the Word submissions go (a local folder, or a Drive folder).

The protocol and the plain values that cross it; `folder.FolderStore` and `drive.DriveStore`
implement it, and `automation.publish` drives it. This module imports nothing of thidua's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

ARCHIVE_FOLDER = "Lưu trữ"  # where withdrawn documents go; nothing is ever deleted


@dataclass(frozen=True)
class DocumentSpec:
    """One document the verdicts call for: where it goes, what it is rendered from, its content key."""

    doc_id: str  # stable: "summary:P1-0007", "submission:labour_order"
    path: str  # inside the output folder, with "/" separators
    template: str  # file name in the templates folder
    # What the document is rendered from, built when asked: most syncs render few of the documents
    # they compare, and 20,000 contexts held for the comparison alone were 70 MB.
    draft: Callable[[], dict[str, Any]] = field(repr=False, compare=False)
    key: str  # content key: template digest + data
    record_id: str | None = None  # for an achievement summary: the row it belongs to

    @property
    def context(self) -> dict[str, Any]:
        return self.draft()


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

    def move(self, stored: StoredDocument, path: str) -> StoredDocument:
        """Put an unchanged document at another path (on Drive: the same file, the same link)."""
        ...

    def archive(self, stored: StoredDocument) -> None:
        """Move a document nobody calls for any more to Lưu trữ/."""
        ...

    def close(self) -> None:
        """Persist what the store needs to find its documents next time."""
        ...
