"""Reading a generated .docx back as a person reads it: every paragraph, the tables' included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def paragraphs(document: Any) -> Iterator[Any]:
    """The body's paragraphs, then those of every table cell (a merged cell once per grid cell)."""
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
