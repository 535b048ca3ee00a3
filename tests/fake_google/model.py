"""The fake's state and vocabulary: spreadsheets and their tabs, Drive files, requests, errors.

The API modules (sheets.py, drive.py, auth.py) answer requests against a `State`; server.py
serves them over HTTP. `select` applies Google's partial-response field masks.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fake_google import a1

FOLDER = "application/vnd.google-apps.folder"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"
STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


class HttpError(Exception):
    def __init__(self, code: int, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.reason = code, message, reason

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message,
                                 "status": STATUS_NAMES.get(self.code, "UNKNOWN")}
        if self.reason:
            error["errors"] = [{"message": self.message, "domain": "global", "reason": self.reason}]
        return {"error": error}


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: list[list[Any]] = field(default_factory=list)
    row_count: int = 1000
    column_count: int = 26
    frozen_rows: int = 0
    frozen_columns: int = 0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, end-exclusive
    hidden: bool = False
    validations: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (row, col) → rule
    formats: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (row, col) → userEnteredFormat
    column_pixels: dict[int, int] = field(default_factory=dict)  # column → width in pixels (default 100)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)  # EmbeddedChart: chartId, spec, position

    def cell(self, r: int, c: int) -> Any:
        return self.rows[r][c] if r < len(self.rows) and c < len(self.rows[r]) else None

    def set(self, r: int, c: int, value: Any) -> None:
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        while len(row) <= c:
            row.append(None)
        row[c] = None if value == "" else value


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet] = field(default_factory=list)
    editors: set[str] = field(default_factory=set)

    def sheet(self, title: str | None) -> Sheet:
        if title is None:
            return self.sheets[0]
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise HttpError(400, f"Unable to parse range: {a1.quote(title)}")


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    drive_id: str | None = None
    owner: str = ""
    shared_with: set[str] = field(default_factory=set)
    app_properties: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    trashed: bool = False
    version: int = 1
    created: str = ""
    modified: str = ""

    def resource(self, fields: str | None) -> dict[str, Any]:
        full = {"kind": "drive#file", "id": self.id, "name": self.name, "mimeType": self.mime_type,
                "parents": self.parents, "appProperties": self.app_properties, "trashed": self.trashed,
                "version": str(self.version), "createdTime": self.created, "modifiedTime": self.modified,
                "size": str(len(self.content)), "webViewLink": f"https://docs.google.com/document/d/{self.id}/edit",
                "driveId": self.drive_id}
        full = {k: v for k, v in full.items() if v is not None}
        if not fields:
            return {k: full[k] for k in ("kind", "id", "name", "mimeType")}
        return select(full, fields)


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    status: int = 0
    response: bytes = b""

    @property
    def api(self) -> str:
        if self.path.startswith("/v4/"):
            return "sheets"
        if self.path.startswith(("/drive/v3", "/upload/drive/v3")):
            return "drive"
        return "auth" if self.path == "/token" else "other"


@dataclass
class Fault:
    match: Callable[[Recorded], bool]
    kind: str  # "429", "500", "503", "timeout", "drop" (before it is carried out), "lost" (after)
    times: int = 1
    retry_after: str | None = None


@dataclass
class Request:
    """What an API handler is given: who asks (from the token), the query, the headers, the body."""

    user: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str = "") -> str:
        return self.query.get(name, [default])[0]


Answer = tuple[int, Any]  # status, and a JSON-able payload (or bytes for media)
Route = tuple[str, str, Callable[..., Answer]]  # method, path pattern, handler(state, request, *groups)


class State:
    """Everything the fake remembers between requests."""

    def __init__(self) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.files: dict[str, DriveFile] = {}
        self.drives: dict[str, str] = {}  # shared drive id → name
        self.members: dict[str, set[str]] = {}  # shared drive id → emails
        self.keys: dict[str, tuple[str, str]] = {}  # service account email → (key id, public key PEM)
        self.tokens: dict[str, str] = {}  # access token → email
        self.lock = threading.RLock()
        self._ids = itertools.count(1)

    def new_id(self, prefix: str = "") -> str:
        return f"{prefix}{self.next_number():04d}{secrets.token_hex(6)}"

    def next_number(self) -> int:
        return next(self._ids)


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def trim(values: list[list[Any]]) -> list[list[Any]]:
    """Trailing empty cells of each row, then trailing empty rows, are left out (recorded)."""
    out = []
    for row in values:
        end = len(row)
        while end and row[end - 1] in (None, ""):
            end -= 1
        out.append(["" if v is None else v for v in row[:end]])
    while out and not out[-1]:
        out.pop()
    return out


def select(resource: Any, fields: str) -> Any:
    """Apply a partial-response field mask: `a,b(c,d),e.f`."""
    if not fields or fields == "*":
        return resource
    if isinstance(resource, list):
        return [select(item, fields) for item in resource]
    if not isinstance(resource, dict):
        return resource
    out: dict[str, Any] = {}
    for path in split_fields(fields):
        name, _, sub = path.partition("(")
        name, _, dotted = name.partition(".")
        if name not in resource:
            continue
        inner = sub[:-1] if sub else dotted
        value = select(resource[name], inner) if inner else resource[name]
        if isinstance(out.get(name), dict) and isinstance(value, dict):
            out[name] = {**out[name], **value}
        else:
            out[name] = value
    return out


def mask_paths(fields: str) -> set[str]:
    """A field mask's leaves as dotted paths: `a(b,c.d),e` → {a.b, a.c.d, e}."""
    paths = set()
    for part in split_fields(fields):
        name, _, sub = part.partition("(")
        if sub:
            paths |= {f"{name}.{inner}" for inner in mask_paths(sub[:-1])}
        else:
            paths.add(name)
    return paths


def split_fields(fields: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in fields:
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    if current.strip():
        parts.append(current.strip())
    return parts
