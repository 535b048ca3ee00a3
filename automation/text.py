"""Text clean-up shared by every stage: what users type arrives in any Unicode form."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
import unicodedata

# C0/C1 control characters except tab, line feed and carriage return (handled separately):
# cannot be stored in .xlsx and break Word documents. Also the invisible format characters
# that copy-paste from web pages and Word brings along (zero-width spaces, byte-order marks), and
# the bidirectional overrides that make a name read backwards (U+202A–202E, U+2066–2069, U+061C).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_ANY_SPACE = re.compile(r"\s+")


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def clean(text: str, *, multiline: bool = False) -> str:
    """NFC, no control characters, trimmed; single spaces (and single-line unless multiline)."""
    if _already_clean(text):
        return text
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    if not multiline:
        return _ANY_SPACE.sub(" ", text).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def _already_clean(text: str) -> bool:
    """Most cells are: printable (no controls, tabs, line breaks or odd spaces), NFC, single-spaced."""
    return (text.isprintable() and text[:1] != " " and text[-1:] != " " and "  " not in text
            and unicodedata.is_normalized("NFC", text))


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The form two values are compared in: NFC, case-folded, spaces collapsed."""
    return unicodedata.normalize("NFC", clean(text).casefold())


def title_like(titles: Iterable[str], wanted: str) -> str:
    """The existing tab title a user meant (same text ignoring case, spaces and Unicode form), or
    `wanted` itself when there is none."""
    key = fold(wanted)
    return next((title for title in titles if fold(title) == key), wanted)
