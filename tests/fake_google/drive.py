"""The Drive v3 subset: files get / list / create / patch / delete, multipart upload and update.

Inferred from the discovery document and Google's guides, not recorded: multipart uploads and
content updates, `q` with `appProperties has {…}` and `'id' in parents`, `supportsAllDrives`
hiding Shared-drive files when absent, and `storageQuotaExceeded` for a service account creating
a file in a user's My Drive. Recorded: a new spreadsheet created through Drive.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
from collections.abc import Callable
from typing import Any

from tests.fake_google.model import (FOLDER, SPREADSHEET, Answer, DriveFile, HttpError, Request, Route, Sheet,
                                     Spreadsheet, State, now)


def _visible(state: State, file: DriveFile, user: str, query: dict[str, list[str]]) -> bool:
    if file.drive_id and query.get("supportsAllDrives", ["false"])[0].lower() != "true" and \
            query.get("includeItemsFromAllDrives", ["false"])[0].lower() != "true":
        return False  # Shared-drive items are hidden from callers that do not support them
    if file.drive_id:
        return user in state.members.get(file.drive_id, set())
    return file.owner == user or user in file.shared_with or any(
        _visible(state, state.files[p], user, query) for p in file.parents if p in state.files)


def _file(state: State, request: Request, file_id: str) -> DriveFile:
    file = state.files.get(file_id)
    if file is None or not _visible(state, file, request.user, request.query):
        raise HttpError(404, f"File not found: {file_id}.", "notFound")
    return file


def files_get(state: State, request: Request, file_id: str) -> Answer:
    file = _file(state, request, file_id)
    if request.arg("alt") == "media":
        return 200, file.content
    return 200, file.resource(request.arg("fields") or None)


def files_list(state: State, request: Request) -> Answer:
    test = _drive_query(request.arg("q"))
    matching = sorted((f for f in state.files.values() if f.id not in state.drives
                       and _visible(state, f, request.user, request.query) and test(f)), key=lambda f: f.id)
    size = int(request.arg("pageSize", "100"))
    start = int(request.arg("pageToken", "0") or 0)
    page = matching[start:start + size]
    inner = re.search(r"files\((.*)\)", request.arg("fields"))
    result: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False,
                              "files": [f.resource(inner.group(1) if inner else None) for f in page]}
    if start + size < len(matching):
        result["nextPageToken"] = str(start + size)
    return 200, result


def _check_parent(state: State, request: Request, parents: list[str]) -> DriveFile:
    if len(parents) != 1:
        raise HttpError(400, "A file must have exactly one parent.")
    parent = _file(state, request, parents[0])
    if parent.mime_type != FOLDER:
        raise HttpError(400, "The parent is not a folder.")
    if not parent.drive_id and request.user.endswith(".iam.gserviceaccount.com"):
        # A service account has no storage of its own: it cannot own files in a user's My Drive.
        raise HttpError(403, "Service Accounts do not have storage quota. Leverage shared drives "
                             "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
                             "or use OAuth delegation instead.", "storageQuotaExceeded")
    return parent


def _new_file(state: State, request: Request, meta: dict[str, Any], content: bytes) -> DriveFile:
    parent = _check_parent(state, request, meta.get("parents", []))
    kind = meta.get("mimeType", "application/octet-stream")
    file = DriveFile(state.new_id("d"), meta.get("name", "Untitled"), kind, [parent.id],
                     drive_id=parent.drive_id, owner=request.user,
                     app_properties={k: v for k, v in (meta.get("appProperties") or {}).items() if v is not None},
                     content=content, created=now(), modified=now())
    state.files[file.id] = file
    return file


def files_create(state: State, request: Request) -> Answer:
    meta = json.loads(request.body or b"{}")
    if meta.get("mimeType") == SPREADSHEET and not meta.get("parents"):
        # Recorded (gspread's ClientTest.test_create): a new spreadsheet in the caller's My Drive,
        # with one 1000 × 26 sheet.
        file = DriveFile(state.new_id("1"), meta.get("name", "Untitled spreadsheet"), SPREADSHEET, [],
                         owner=request.user, created=now(), modified=now())
        state.files[file.id] = file
        state.spreadsheets[file.id] = Spreadsheet(file.id, file.name, [Sheet(0, "Sheet1")], editors={request.user})
    else:
        file = _new_file(state, request, meta, b"")
    return 200, file.resource(request.arg("fields") or None)


def files_delete(state: State, request: Request, file_id: str) -> Answer:
    _file(state, request, file_id)
    del state.files[file_id]
    state.spreadsheets.pop(file_id, None)
    return 204, b""


def _update(state: State, file: DriveFile, request: Request, meta: dict[str, Any]) -> None:
    for key, value in (meta.get("appProperties") or {}).items():
        if value is None:
            file.app_properties.pop(key, None)
        else:
            file.app_properties[key] = value
    if "name" in meta:
        file.name = meta["name"]
    add = [p for p in request.arg("addParents").split(",") if p]
    remove = [p for p in request.arg("removeParents").split(",") if p]
    if add:
        _check_parent(state, request, add)
        file.parents = [p for p in file.parents if p not in remove] + add
    file.modified = now()


def files_patch(state: State, request: Request, file_id: str) -> Answer:
    file = _file(state, request, file_id)
    _update(state, file, request, json.loads(request.body or b"{}"))
    return 200, file.resource(request.arg("fields") or None)


def _multipart(request: Request) -> tuple[dict[str, Any], bytes]:
    if request.arg("uploadType") != "multipart":
        raise HttpError(400, "Invalid upload type: only multipart is supported by this fake")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + request.headers.get("content-type", "").encode() + b"\r\n\r\n" + request.body)
    parts = list(message.iter_parts())
    if len(parts) != 2:
        raise HttpError(400, "Multipart upload needs metadata and media parts")
    meta = json.loads(parts[0].get_payload(decode=True) or b"{}")
    return meta, parts[1].get_payload(decode=True) or b""


def upload_create(state: State, request: Request) -> Answer:
    meta, content = _multipart(request)
    file = _new_file(state, request, meta, content)
    return 200, file.resource(request.arg("fields") or None)


def upload_update(state: State, request: Request, file_id: str) -> Answer:
    file = _file(state, request, file_id)
    meta, content = _multipart(request)
    _update(state, file, request, meta)
    file.content, file.version = content, file.version + 1
    return 200, file.resource(request.arg("fields") or None)


def _drive_query(q: str) -> Callable[[DriveFile], bool]:
    """The `q` forms thidua sends, joined by `and`: trashed = false, mimeType = '…', '…' in parents,
    appProperties has { key='…' and value='…' }."""
    tests: list[Callable[[DriveFile], bool]] = []
    rest = q.strip()
    patterns = [
        (r"trashed\s*=\s*(true|false)", lambda m: lambda f: f.trashed == (m.group(1) == "true")),
        (r"mimeType\s*(=|!=)\s*'([^']*)'", lambda m: lambda f: (f.mime_type == m.group(2)) == (m.group(1) == "=")),
        (r"'([^']*)'\s+in\s+parents", lambda m: lambda f: m.group(1) in f.parents),
        (r"appProperties\s+has\s+\{\s*key\s*=\s*'([^']*)'\s+and\s+value\s*=\s*'([^']*)'\s*\}",
         lambda m: lambda f: f.app_properties.get(m.group(1)) == m.group(2)),
    ]
    while rest:
        for pattern, make in patterns:
            match = re.match(pattern, rest)
            if match:
                tests.append(make(match))
                rest = rest[match.end():].strip()
                if rest.startswith("and "):
                    rest = rest[4:].strip()
                break
        else:
            raise HttpError(400, f"Invalid Value: {q}", "invalid")
    return lambda f: all(t(f) for t in tests)


ROUTES: list[Route] = [
    ("GET", r"/drive/v3/files", files_list),
    ("POST", r"/drive/v3/files", files_create),
    ("GET", r"/drive/v3/files/([^/]+)", files_get),
    ("PATCH", r"/drive/v3/files/([^/]+)", files_patch),
    ("DELETE", r"/drive/v3/files/([^/]+)", files_delete),
    ("POST", r"/upload/drive/v3/files", upload_create),
    ("PATCH", r"/upload/drive/v3/files/([^/]+)", upload_update),
]
