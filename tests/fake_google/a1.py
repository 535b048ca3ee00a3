"""A1 notation as the Sheets API reads and writes it.

Recorded (google-reference cassettes): titles are quoted in returned ranges when they are not
plain (`'Sheet 1'!A1:B2`), whole-column ranges are clipped to the grid (`A:A` → `A1:A10`).
Inferred from the API guide: `''` escapes a quote inside a quoted title; a range without a
title means the first sheet; a bare title means the whole sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class GridRange:
    """0-based, end-exclusive; None where the range is open (whole columns or rows)."""

    title: str | None
    start_row: int | None
    end_row: int | None
    start_col: int | None
    end_col: int | None


def column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def column_letters(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def split_title(text: str) -> tuple[str | None, str]:
    """"'A ''b'''!A1:B2" → ("A 'b'", "A1:B2"); "Tab" → ("Tab", ""); "A1:B2" → (None, "A1:B2")."""
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            if text[i] == "'" and text[i + 1:i + 2] == "'":
                title.append("'")
                i += 2
            elif text[i] == "'":
                break
            else:
                title.append(text[i])
                i += 1
        rest = text[i + 1:]
        return "".join(title), rest[1:] if rest.startswith("!") else rest
    if "!" in text:
        title, cells = text.rsplit("!", 1)
        return title, cells
    if _is_cells(text):
        return None, text
    return text, ""


def _is_cells(text: str) -> bool:
    parts = text.split(":")
    return 1 <= len(parts) <= 2 and all(_CELL.match(p) and p for p in parts) and any(
        re.search(r"[A-Za-z]", p) or p.isdigit() for p in parts) and not re.fullmatch(r"[A-Za-z]{4,}", text)


def parse(text: str) -> GridRange:
    title, cells = split_title(text.strip())
    if not cells:
        return GridRange(title, None, None, None, None)
    first, _, last = cells.partition(":")
    c1, r1 = _CELL.match(first).groups()
    c2, r2 = _CELL.match(last or first).groups()
    return GridRange(
        title,
        int(r1) - 1 if r1 else None, int(r2) if r2 else None,
        column_index(c1) if c1 else None, column_index(c2) + 1 if c2 else None,
    )


def quote(title: str) -> str:
    if _PLAIN_TITLE.match(title) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", title):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_range(title: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    first = f"{column_letters(start_col)}{start_row + 1}"
    last = f"{column_letters(end_col - 1)}{end_row}"
    return f"{quote(title)}!{first}" + (f":{last}" if last != first else "")
