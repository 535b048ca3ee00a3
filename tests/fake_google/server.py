"""A stateful fake of the Google Sheets v4 and Drive v3 subset thidua uses, over real HTTP.

Started on 127.0.0.1 with a free port; gspread and google-auth reach it unmodified, through a
session whose transport sends Google's hosts here (the same THIDUA_GOOGLE_API_ROOT switch the
product has). It keeps spreadsheets (tabs of cell values, merges, grid sizes) and Drive files
(folders, uploads with appProperties, parents, a Shared drive), counts every request, and can
fail chosen requests (429 with or without Retry-After, 500, 503, a timeout, a dropped connection).

Behaviour taken from the recorded real interactions (google-reference/gspread-cassettes): the
metadata shape, quoted titles in returned ranges, whole-column ranges clipped to the grid,
trailing empty cells and rows trimmed, `updatedRange` naming the cells written, the error body
`{"error": {"code", "message", "status"}}`.
Inferred from the discovery documents and Google's guides, not recorded: `values:batchGet` with
UNFORMATTED_VALUE / SERIAL_NUMBER, `null` in written values leaving a cell unchanged, the grid
limit error of `values:batchUpdate`, Drive multipart uploads and content updates, `q` with
`appProperties has {…}` and `'id' in parents`, `supportsAllDrives` hiding Shared-drive files when
absent, and `storageQuotaExceeded` for a service account creating a file in a user's My Drive.
"""

from __future__ import annotations

import copy
import datetime as dt
import email.parser
import email.policy
import itertools
import json
import re
import secrets
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.auth import jwt

from tests.fake_google import a1

FOLDER = "application/vnd.google-apps.folder"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"
STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
# Recorded: a new spreadsheet's properties (SpreadsheetTest cassettes), trimmed of the theme.
DEFAULT_PROPERTIES = {
    "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT",
    "defaultFormat": {"backgroundColor": {"red": 1, "green": 1, "blue": 1},
                      "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
                      "verticalAlignment": "BOTTOM", "wrapStrategy": "OVERFLOW_CELL",
                      "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10,
                                     "bold": False, "italic": False, "strikethrough": False, "underline": False,
                                     "foregroundColorStyle": {"rgbColor": {}}},
                      "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
    "spreadsheetTheme": {"primaryFontFamily": "Arial", "themeColors": [
        {"colorType": "TEXT", "color": {"rgbColor": {}}},
        {"colorType": "BACKGROUND", "color": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
        {"colorType": "ACCENT1", "color": {"rgbColor": {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}}},
        {"colorType": "ACCENT2", "color": {"rgbColor": {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}}},
        {"colorType": "ACCENT3", "color": {"rgbColor": {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}}},
        {"colorType": "ACCENT4", "color": {"rgbColor": {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}}},
        {"colorType": "ACCENT5", "color": {"rgbColor": {"red": 1, "green": 0.42745098, "blue": 0.003921569}}},
        {"colorType": "ACCENT6", "color": {"rgbColor": {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}}},
        {"colorType": "LINK", "color": {"rgbColor": {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}}}]},
}


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
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, end-exclusive
    hidden: bool = False
    validations: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (row, col) → rule
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)

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
    kind: str  # "429", "500", "503", "timeout", "drop"
    times: int = 1
    retry_after: str | None = None


class FakeGoogle:
    """The state and the HTTP server. Use as a context manager; `root` is the API root URL."""

    def __init__(self) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.files: dict[str, DriveFile] = {}
        self.drives: dict[str, str] = {}  # shared drive id → name
        self.members: dict[str, set[str]] = {}  # shared drive id → emails
        self.keys: dict[str, tuple[str, str]] = {}  # service account email → (key id, public key PEM)
        self.tokens: dict[str, str] = {}  # access token → email
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.hooks: list[tuple[Callable[[Recorded], bool], Callable[[], None]]] = []
        self.lock = threading.RLock()
        self.timeout_sleep = 5.0
        self.latency = 0.0  # seconds added to every answer, as the real API's round trip (bench/)
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> FakeGoogle:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def root(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # ------------------------------------------------------------ test set-up helpers

    def add_service_account(self, email: str, key_id: str, public_key_pem: str) -> None:
        self.keys[email] = (key_id, public_key_pem)

    def new_id(self, prefix: str = "") -> str:
        return f"{prefix}{next(self._ids):04d}{secrets.token_hex(6)}"

    def add_spreadsheet(self, tabs: dict[str, list[list[Any]]], *, editors: set[str], title: str = "thidua",
                        sizes: dict[str, tuple[int, int]] | None = None,
                        merges: dict[str, list[tuple[int, int, int, int]]] | None = None) -> str:
        spreadsheet = Spreadsheet(self.new_id("ss"), title, editors=set(editors))
        for index, (name, rows) in enumerate(tabs.items()):
            rows_count, cols = (sizes or {}).get(name, (max(1000, len(rows) + 100), max(26, *(len(r) for r in rows), 0)
                                                         if rows else 26))
            spreadsheet.sheets.append(Sheet(index * 1000 + 7, name, [list(r) for r in rows], rows_count, cols,
                                            merges=list((merges or {}).get(name, []))))
        self.spreadsheets[spreadsheet.spreadsheet_id] = spreadsheet
        return spreadsheet.spreadsheet_id

    def add_shared_drive(self, name: str, members: set[str]) -> str:
        drive_id = self.new_id("0A")
        self.drives[drive_id] = name
        self.members[drive_id] = set(members)
        self.files[drive_id] = DriveFile(drive_id, name, FOLDER, [], drive_id=drive_id, created=_now(), modified=_now())
        return drive_id

    def add_folder(self, name: str, parent: str | None, *, owner: str = "", drive_id: str | None = None,
                   shared_with: set[str] | None = None) -> str:
        folder = DriveFile(self.new_id("f"), name, FOLDER, [parent] if parent else [], drive_id=drive_id, owner=owner,
                           shared_with=set(shared_with or ()), created=_now(), modified=_now())
        self.files[folder.id] = folder
        return folder.id

    def count(self, api: str, method: str | None = None) -> int:
        return sum(1 for r in self.requests if r.api == api and (method is None or r.method == method))

    def reset_counts(self) -> None:
        self.requests.clear()

    def fail(self, match: Callable[[Recorded], bool], kind: str, *, times: int = 1,
             retry_after: str | None = None) -> None:
        self.faults.append(Fault(match, kind, times, retry_after))

    def before(self, match: Callable[[Recorded], bool], action: Callable[[], None]) -> None:
        """Run `action` (once) when a matching request arrives, before answering it: someone editing the
        sheet while the job is between its read and its write."""
        self.hooks.append((match, action))

    def values(self, spreadsheet_id: str, title: str) -> list[list[Any]]:
        """A tab's cells as the API would return them (trimmed)."""
        return _trim([list(r) for r in self.spreadsheets[spreadsheet_id].sheet(title).rows])

    # ------------------------------------------------------------ dispatch

    def handle(self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
               ) -> tuple[int, dict[str, str], bytes]:
        if path == "/token":
            return self._token(body)
        user = self._user(headers)
        routes: list[tuple[str, str, Callable[..., Any]]] = [
            ("GET", r"/v4/spreadsheets/([^/:]+)/values:batchGet", self._values_batch_get),
            ("POST", r"/v4/spreadsheets/([^/:]+)/values:batchUpdate", self._values_batch_update),
            ("GET", r"/v4/spreadsheets/([^/:]+)/values/(.+)", self._values_get),
            ("PUT", r"/v4/spreadsheets/([^/:]+)/values/(.+)", self._values_put),
            ("POST", r"/v4/spreadsheets/([^/:]+):batchUpdate", self._batch_update),
            ("GET", r"/v4/spreadsheets/([^/:]+)", self._spreadsheet_get),
            ("GET", r"/drive/v3/files", self._files_list),
            ("POST", r"/drive/v3/files", self._files_create),
            ("GET", r"/drive/v3/files/([^/]+)", self._files_get),
            ("PATCH", r"/drive/v3/files/([^/]+)", self._files_patch),
            ("DELETE", r"/drive/v3/files/([^/]+)", self._files_delete),
            ("POST", r"/upload/drive/v3/files", self._upload_create),
            ("PATCH", r"/upload/drive/v3/files/([^/]+)", self._upload_update),
        ]
        for verb, pattern, action in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                with self.lock:
                    args = [urllib.parse.unquote(g) for g in match.groups()]
                    status, payload = action(user, query, headers, body, *args)
                if isinstance(payload, bytes):
                    return status, {"Content-Type": "application/octet-stream"}, payload
                return status, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(payload).encode()
        raise HttpError(404, f"The requested URL {path} was not found on this server.")

    # ------------------------------------------------------------ auth

    def _token(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        form = urllib.parse.parse_qs(body.decode())
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            raise HttpError(400, "unsupported_grant_type")
        assertion = form["assertion"][0]
        unverified = jwt.decode(assertion, verify=False)
        email = unverified.get("iss", "")
        if email not in self.keys:
            raise HttpError(400, "invalid_grant: Invalid JWT Signature.")
        key_id, public_key = self.keys[email]
        claims = jwt.decode(assertion, certs={key_id: public_key}, audience=unverified.get("aud"))
        if not claims.get("scope"):
            raise HttpError(400, "invalid_scope: Invalid OAuth scope or ID token audience provided.")
        token = "ya29.fake-" + secrets.token_urlsafe(16)
        self.tokens[token] = email
        payload = {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        return 200, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(payload).encode()

    def _user(self, headers: dict[str, str]) -> str:
        value = headers.get("authorization", "")
        token = value[7:] if value.lower().startswith("bearer ") else ""
        if token not in self.tokens:
            raise HttpError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                                 "login cookie or other valid authentication credential.")
        return self.tokens[token]

    # ------------------------------------------------------------ Sheets

    def _spreadsheet(self, user: str, spreadsheet_id: str) -> Spreadsheet:
        spreadsheet = self.spreadsheets.get(spreadsheet_id)
        if spreadsheet is None:
            raise HttpError(404, "Requested entity was not found.")
        if user not in spreadsheet.editors:
            raise HttpError(403, "The caller does not have permission")
        return spreadsheet

    def _spreadsheet_get(self, user, query, headers, body, spreadsheet_id):
        spreadsheet = self._spreadsheet(user, spreadsheet_id)
        full = {
            "spreadsheetId": spreadsheet.spreadsheet_id,
            "properties": {"title": spreadsheet.title, **copy.deepcopy(DEFAULT_PROPERTIES)},
            "sheets": [self._sheet_resource(s, i) for i, s in enumerate(spreadsheet.sheets)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet.spreadsheet_id}/edit",
        }
        if query.get("includeGridData", ["false"])[0].lower() == "true" and query.get("ranges"):
            full["sheets"] = self._grid_data(spreadsheet, query["ranges"])
        fields = query.get("fields", [None])[0]
        return 200, select(full, fields) if fields else full

    @staticmethod
    def _sheet_resource(sheet: Sheet, index: int) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": sheet.row_count, "columnCount": sheet.column_count}
        if sheet.frozen_rows:
            grid["frozenRowCount"] = sheet.frozen_rows
        props: dict[str, Any] = {"sheetId": sheet.sheet_id, "title": sheet.title, "index": index,
                                 "sheetType": "GRID", "gridProperties": grid}
        if sheet.hidden:
            props["hidden"] = True
        resource: dict[str, Any] = {"properties": props}
        if sheet.merges:
            resource["merges"] = [{"sheetId": sheet.sheet_id, "startRowIndex": r1, "endRowIndex": r2,
                                   "startColumnIndex": c1, "endColumnIndex": c2} for r1, c1, r2, c2 in sheet.merges]
        if sheet.conditional_formats:
            resource["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
        if sheet.protected_ranges:
            resource["protectedRanges"] = copy.deepcopy(sheet.protected_ranges)
        return resource

    def _grid_data(self, spreadsheet: Spreadsheet, ranges: list[str]) -> list[dict[str, Any]]:
        """includeGridData with ranges: the sheets named, each with its cells' values and validation."""
        out: dict[str, dict[str, Any]] = {}
        for text in ranges:
            grid = a1.parse(text)
            sheet = spreadsheet.sheet(grid.title)
            r1 = grid.start_row or 0
            r2 = min(grid.end_row if grid.end_row is not None else sheet.row_count, sheet.row_count)
            c2 = min(grid.end_col if grid.end_col is not None else sheet.column_count, sheet.column_count)
            rows = []
            for r in range(r1, r2):
                values = []
                for c in range(grid.start_col or 0, c2):
                    cell: dict[str, Any] = {}
                    value = sheet.cell(r, c)
                    if value is not None:
                        key = ("boolValue" if isinstance(value, bool) else "numberValue"
                               if isinstance(value, (int, float)) else "stringValue")
                        cell["userEnteredValue"] = {key: value}
                    if (r, c) in sheet.validations:
                        cell["dataValidation"] = copy.deepcopy(sheet.validations[(r, c)])
                    values.append(cell)
                while values and not values[-1]:
                    values.pop()
                rows.append({"values": values} if values else {})
            entry = out.setdefault(sheet.title, {**self._sheet_resource(sheet, spreadsheet.sheets.index(sheet)),
                                                 "data": []})
            entry["data"].append({"startRow": r1, "rowData": rows})
        return list(out.values())

    def _read_range(self, spreadsheet: Spreadsheet, text: str, render: str) -> dict[str, Any]:
        grid = a1.parse(text)
        sheet = spreadsheet.sheet(grid.title)
        r1 = grid.start_row or 0
        r2 = min(grid.end_row if grid.end_row is not None else sheet.row_count, sheet.row_count)
        c1 = grid.start_col or 0
        c2 = min(grid.end_col if grid.end_col is not None else sheet.column_count, sheet.column_count)
        values = [[_render(sheet.cell(r, c), render) for c in range(c1, c2)] for r in range(r1, r2)]
        result: dict[str, Any] = {"range": a1.format_range(sheet.title, r1, r2, c1, c2), "majorDimension": "ROWS"}
        trimmed = _trim(values)
        if trimmed:
            result["values"] = trimmed
        return result

    def _values_batch_get(self, user, query, headers, body, spreadsheet_id):
        spreadsheet = self._spreadsheet(user, spreadsheet_id)
        render = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        ranges = [self._read_range(spreadsheet, text, render) for text in query.get("ranges", [])]
        return 200, {"spreadsheetId": spreadsheet_id, "valueRanges": ranges}

    def _values_get(self, user, query, headers, body, spreadsheet_id, text):
        spreadsheet = self._spreadsheet(user, spreadsheet_id)
        return 200, self._read_range(spreadsheet, text, query.get("valueRenderOption", ["FORMATTED_VALUE"])[0])

    def _write_range(self, spreadsheet: Spreadsheet, text: str, values: list[list[Any]], option: str
                     ) -> dict[str, Any]:
        if option not in ("RAW", "USER_ENTERED"):
            raise HttpError(400, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        grid = a1.parse(text)
        sheet = spreadsheet.sheet(grid.title)
        r1, c1 = grid.start_row or 0, grid.start_col or 0
        height = len(values)
        width = max((len(row) for row in values), default=0)
        if r1 + height > sheet.row_count or c1 + width > sheet.column_count:
            raise HttpError(400, f"Range ({a1.quote(sheet.title)}!{text.split('!')[-1]}) exceeds grid limits. "
                                 f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}")
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if value is None:
                    continue  # null: leave the cell as it is
                sheet.set(r1 + r, c1 + c, _input(value, option))
        result: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
        if height and width:
            result.update({"updatedRange": a1.format_range(sheet.title, r1, r1 + height, c1, c1 + width),
                           "updatedRows": height, "updatedColumns": width,
                           "updatedCells": sum(len(row) for row in values)})
        return result

    def _values_put(self, user, query, headers, body, spreadsheet_id, text):
        spreadsheet = self._spreadsheet(user, spreadsheet_id)
        data = json.loads(body or b"{}")
        return 200, self._write_range(spreadsheet, text, data.get("values", []),
                                      query.get("valueInputOption", [""])[0])

    def _values_batch_update(self, user, query, headers, body, spreadsheet_id):
        spreadsheet = self._spreadsheet(user, spreadsheet_id)
        request = json.loads(body or b"{}")
        snapshot = copy.deepcopy(spreadsheet.sheets)  # all or nothing, as the API
        try:
            responses = [self._write_range(spreadsheet, item["range"], item.get("values", []),
                                           request.get("valueInputOption", ""))
                         for item in request.get("data", [])]
        except HttpError:
            spreadsheet.sheets = snapshot
            raise
        written = [r for r in responses if "updatedCells" in r]
        return 200, {"spreadsheetId": spreadsheet_id,
                     "totalUpdatedRows": sum(r["updatedRows"] for r in written),
                     "totalUpdatedColumns": sum(r["updatedColumns"] for r in written),
                     "totalUpdatedCells": sum(r["updatedCells"] for r in written),
                     "totalUpdatedSheets": len({r["updatedRange"].rsplit("!", 1)[0] for r in written}),
                     "responses": responses}

    def _batch_update(self, user, query, headers, body, spreadsheet_id):
        spreadsheet = self._spreadsheet(user, spreadsheet_id)
        snapshot = copy.deepcopy(spreadsheet.sheets)
        replies = []
        try:
            for request in json.loads(body or b"{}").get("requests", []):
                (kind, args), = request.items()
                replies.append(self._structural(spreadsheet, kind, args))
        except HttpError:
            spreadsheet.sheets = snapshot
            raise
        return 200, {"spreadsheetId": spreadsheet_id, "replies": replies}

    def _structural(self, spreadsheet: Spreadsheet, kind: str, args: dict[str, Any]) -> dict[str, Any]:
        def sheet_by_id(sheet_id: int) -> Sheet:
            for sheet in spreadsheet.sheets:
                if sheet.sheet_id == sheet_id:
                    return sheet
            raise HttpError(400, f"Invalid requests[0].{kind}: No grid with id: {sheet_id}")
        if kind == "addSheet":
            props = args.get("properties", {})
            title = props.get("title") or f"Sheet{len(spreadsheet.sheets) + 1}"
            if any(s.title == title for s in spreadsheet.sheets):
                raise HttpError(400, f"Invalid requests[0].addSheet: A sheet with the name \"{title}\" already "
                                     "exists. Please enter another name.")
            grid = props.get("gridProperties", {})
            sheet = Sheet(props.get("sheetId", len(spreadsheet.sheets) * 1000 + 11), title,
                          row_count=grid.get("rowCount", 1000), column_count=grid.get("columnCount", 26),
                          frozen_rows=grid.get("frozenRowCount", 0))
            index = props.get("index", len(spreadsheet.sheets))
            spreadsheet.sheets.insert(index, sheet)
            return {"addSheet": {"properties": self._sheet_resource(sheet, index)["properties"]}}
        if kind == "deleteSheet":
            sheet = sheet_by_id(args["sheetId"])
            if len(spreadsheet.sheets) == 1:
                raise HttpError(400, "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document.")
            spreadsheet.sheets.remove(sheet)
            return {}
        if kind == "appendDimension":
            sheet = sheet_by_id(args["sheetId"])
            if args["dimension"] == "ROWS":
                sheet.row_count += args["length"]
            else:
                sheet.column_count += args["length"]
            return {}
        if kind in ("insertDimension", "deleteDimension"):
            sheet = sheet_by_id(args["range"]["sheetId"])
            start, end = args["range"]["startIndex"], args["range"]["endIndex"]
            if args["range"]["dimension"] != "ROWS":
                raise HttpError(400, f"{kind} on columns is not supported by this fake")
            while len(sheet.rows) < start:
                sheet.rows.append([])
            if kind == "insertDimension":
                sheet.rows[start:start] = [[] for _ in range(end - start)]
                sheet.row_count += end - start
            else:
                del sheet.rows[start:end]
                sheet.row_count -= end - start
            return {}
        if kind == "updateSheetProperties":
            sheet = sheet_by_id(args["properties"]["sheetId"])
            fields = args.get("fields", "*")
            grid = args["properties"].get("gridProperties", {})
            if "gridProperties.frozenRowCount" in fields or fields == "*":
                sheet.frozen_rows = grid.get("frozenRowCount", 0)
            if "hidden" in fields or fields == "*":
                sheet.hidden = bool(args["properties"].get("hidden", False))
            if "title" in fields or fields == "*":
                sheet.title = args["properties"].get("title", sheet.title)
            return {}
        if kind == "updateCells":
            start = args["start"]
            sheet = sheet_by_id(start["sheetId"])
            for r, row in enumerate(args.get("rows", [])):
                for c, cell in enumerate(row.get("values", [])):
                    entered = cell.get("userEnteredValue")
                    if entered:
                        sheet.set(start.get("rowIndex", 0) + r, start.get("columnIndex", 0) + c,
                                  next(iter(entered.values())))
            return {}
        if kind == "setDataValidation":
            target = args["range"]
            sheet = sheet_by_id(target["sheetId"])
            for r in range(target.get("startRowIndex", 0), target.get("endRowIndex", sheet.row_count)):
                for c in range(target.get("startColumnIndex", 0), target.get("endColumnIndex", sheet.column_count)):
                    if args.get("rule"):
                        sheet.validations[(r, c)] = copy.deepcopy(args["rule"])
                    else:
                        sheet.validations.pop((r, c), None)
            return {}
        if kind == "addConditionalFormatRule":
            rule = args["rule"]
            sheet = sheet_by_id(rule["ranges"][0]["sheetId"])
            sheet.conditional_formats.insert(args.get("index", 0), copy.deepcopy(rule))
            return {}
        if kind == "addProtectedRange":
            protected = copy.deepcopy(args["protectedRange"])
            sheet = sheet_by_id(protected["range"]["sheetId"])
            protected["protectedRangeId"] = next(self._ids)
            sheet.protected_ranges.append(protected)
            return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}
        if kind == "updateProtectedRange":
            wanted = args["protectedRange"]
            for sheet in spreadsheet.sheets:
                for protected in sheet.protected_ranges:
                    if protected["protectedRangeId"] == wanted["protectedRangeId"]:
                        for name in args.get("fields", "").split(","):
                            if name.strip() in wanted:
                                protected[name.strip()] = copy.deepcopy(wanted[name.strip()])
                        return {}
            raise HttpError(400, f"No protected range with id: {wanted['protectedRangeId']}")
        raise HttpError(400, f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[0]'")

    # ------------------------------------------------------------ Drive

    def _visible(self, file: DriveFile, user: str, query: dict[str, list[str]]) -> bool:
        if file.drive_id and query.get("supportsAllDrives", ["false"])[0].lower() != "true" and \
                query.get("includeItemsFromAllDrives", ["false"])[0].lower() != "true":
            return False  # Shared-drive items are hidden from callers that do not support them
        if file.drive_id:
            return user in self.members.get(file.drive_id, set())
        return file.owner == user or user in file.shared_with or any(
            self._visible(self.files[p], user, query) for p in file.parents if p in self.files)

    def _file(self, user: str, query: dict[str, list[str]], file_id: str) -> DriveFile:
        file = self.files.get(file_id)
        if file is None or not self._visible(file, user, query):
            raise HttpError(404, f"File not found: {file_id}.", "notFound")
        return file

    def _files_get(self, user, query, headers, body, file_id):
        file = self._file(user, query, file_id)
        if query.get("alt", [""])[0] == "media":
            return 200, file.content
        return 200, file.resource(query.get("fields", [None])[0])

    def _files_list(self, user, query, headers, body):
        q = query.get("q", [""])[0]
        test = _drive_query(q)
        matching = sorted((f for f in self.files.values() if f.id not in self.drives
                           and self._visible(f, user, query) and test(f)), key=lambda f: f.id)
        size = int(query.get("pageSize", ["100"])[0])
        start = int(query.get("pageToken", ["0"])[0] or 0)
        page = matching[start:start + size]
        fields = query.get("fields", [None])[0]
        inner = re.search(r"files\((.*)\)", fields or "")
        result: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False,
                                  "files": [f.resource(inner.group(1) if inner else None) for f in page]}
        if start + size < len(matching):
            result["nextPageToken"] = str(start + size)
        return 200, result

    def _check_parent(self, user: str, query: dict[str, list[str]], parents: list[str]) -> DriveFile:
        if len(parents) != 1:
            raise HttpError(400, "A file must have exactly one parent.")
        parent = self._file(user, query, parents[0])
        if parent.mime_type != FOLDER:
            raise HttpError(400, "The parent is not a folder.")
        if not parent.drive_id and user.endswith(".iam.gserviceaccount.com"):
            # A service account has no storage of its own: it cannot own files in a user's My Drive.
            raise HttpError(403, "Service Accounts do not have storage quota. Leverage shared drives "
                                 "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
                                 "or use OAuth delegation instead.", "storageQuotaExceeded")
        return parent

    def _new_file(self, user: str, query: dict[str, list[str]], meta: dict[str, Any], content: bytes) -> DriveFile:
        parent = self._check_parent(user, query, meta.get("parents", []))
        kind = meta.get("mimeType", "application/octet-stream")
        file = DriveFile(self.new_id("d"), meta.get("name", "Untitled"), kind, [parent.id],
                         drive_id=parent.drive_id, owner=user,
                         app_properties={k: v for k, v in (meta.get("appProperties") or {}).items() if v is not None},
                         content=content, created=_now(), modified=_now())
        self.files[file.id] = file
        return file

    def _files_create(self, user, query, headers, body):
        meta = json.loads(body or b"{}")
        if meta.get("mimeType") == SPREADSHEET and not meta.get("parents"):
            # Recorded (gspread's ClientTest.test_create): a new spreadsheet in the caller's My Drive,
            # with one 1000 × 26 sheet.
            file = DriveFile(self.new_id("1"), meta.get("name", "Untitled spreadsheet"), SPREADSHEET, [], owner=user,
                             created=_now(), modified=_now())
            self.files[file.id] = file
            self.spreadsheets[file.id] = Spreadsheet(file.id, file.name, [Sheet(0, "Sheet1")], editors={user})
        else:
            file = self._new_file(user, query, meta, b"")
        return 200, file.resource(query.get("fields", [None])[0])

    def _files_delete(self, user, query, headers, body, file_id):
        self._file(user, query, file_id)
        del self.files[file_id]
        self.spreadsheets.pop(file_id, None)
        return 204, b""

    def _update(self, file: DriveFile, user: str, query: dict[str, list[str]], meta: dict[str, Any]) -> None:
        for key, value in (meta.get("appProperties") or {}).items():
            if value is None:
                file.app_properties.pop(key, None)
            else:
                file.app_properties[key] = value
        if "name" in meta:
            file.name = meta["name"]
        add = [p for p in query.get("addParents", [""])[0].split(",") if p]
        remove = [p for p in query.get("removeParents", [""])[0].split(",") if p]
        if add:
            self._check_parent(user, query, add)
            file.parents = [p for p in file.parents if p not in remove] + add
        file.modified = _now()

    def _files_patch(self, user, query, headers, body, file_id):
        file = self._file(user, query, file_id)
        self._update(file, user, query, json.loads(body or b"{}"))
        return 200, file.resource(query.get("fields", [None])[0])

    def _multipart(self, headers: dict[str, str], body: bytes, query: dict[str, list[str]]
                   ) -> tuple[dict[str, Any], bytes]:
        if query.get("uploadType", [""])[0] != "multipart":
            raise HttpError(400, "Invalid upload type: only multipart is supported by this fake")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + headers.get("content-type", "").encode() + b"\r\n\r\n" + body)
        parts = list(message.iter_parts())
        if len(parts) != 2:
            raise HttpError(400, "Multipart upload needs metadata and media parts")
        meta = json.loads(parts[0].get_payload(decode=True) or b"{}")
        return meta, parts[1].get_payload(decode=True) or b""

    def _upload_create(self, user, query, headers, body):
        meta, content = self._multipart(headers, body, query)
        file = self._new_file(user, query, meta, content)
        return 200, file.resource(query.get("fields", [None])[0])

    def _upload_update(self, user, query, headers, body, file_id):
        file = self._file(user, query, file_id)
        meta, content = self._multipart(headers, body, query)
        self._update(file, user, query, meta)
        file.content, file.version = content, file.version + 1
        return 200, file.resource(query.get("fields", [None])[0])


# ------------------------------------------------------------------ helpers

def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _trim(values: list[list[Any]]) -> list[list[Any]]:
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


def _render(value: Any, option: str) -> Any:
    if value is None:
        return None
    if option == "FORMATTED_VALUE":
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _input(value: Any, option: str) -> Any:
    """RAW keeps strings as typed (a leading '=' stays text); USER_ENTERED parses numbers, booleans and
    arithmetic formulas (recorded: `= 1 / 1024` reads back as 0.0009765625); other formulas are not modelled."""
    if option == "RAW" or not isinstance(value, str):
        return value
    if value.startswith("="):
        return _arithmetic(value[1:])
    if re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        number = float(value)
        return int(number) if number.is_integer() else number
    if value.strip().upper() in ("TRUE", "FALSE"):
        return value.strip().upper() == "TRUE"
    return value


def _arithmetic(text: str) -> Any:
    import ast
    import operator
    operators = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
                 ast.USub: operator.neg, ast.UAdd: operator.pos}

    def value(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in operators:
            return operators[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in operators:
            return operators[type(node.op)](value(node.operand))
        raise ValueError(text)
    try:
        result = value(ast.parse(text.strip(), mode="eval").body)
    except (ValueError, SyntaxError, ZeroDivisionError):
        return "#ERROR!"
    return int(result) if float(result).is_integer() else result


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


def select(resource: Any, fields: str) -> Any:
    """Apply a partial-response field mask: `a,b(c,d),e.f`."""
    if not fields or fields == "*":
        return resource
    if isinstance(resource, list):
        return [select(item, fields) for item in resource]
    if not isinstance(resource, dict):
        return resource
    out: dict[str, Any] = {}
    for path in _split_fields(fields):
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


def _split_fields(fields: str) -> list[str]:
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


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGoogle
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm and the
        # client's delayed ACK stall every keep-alive request by ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        recorded = Recorded(self.command, url.path, query, body)
        if self.fake.latency:
            time.sleep(self.fake.latency)
        with self.fake.lock:
            self.fake.requests.append(recorded)
            fault = next((f for f in self.fake.faults if f.times > 0 and f.match(recorded)), None)
            if fault:
                fault.times -= 1
            for hook in [h for h in self.fake.hooks if h[0](recorded)]:
                self.fake.hooks.remove(hook)
                hook[1]()
        if fault and fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fault and fault.kind == "timeout":
            time.sleep(self.fake.timeout_sleep)
            self.close_connection = True
            return
        try:
            if fault:
                code = int(fault.kind)
                error = HttpError(code, {429: "Quota exceeded for quota metric 'Read requests'.",
                                         500: "Internal error encountered.",
                                         503: "The service is currently unavailable."}.get(code, "error"),
                                  "rateLimitExceeded" if code == 429 else "backendError")
                extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                self._send(code, {"Content-Type": "application/json; charset=UTF-8", **extra},
                           json.dumps(error.body()).encode())
                return
            status, response_headers, payload = self.fake.handle(self.command, url.path, query, headers, body)
        except HttpError as error:
            status, response_headers, payload = error.code, {"Content-Type": "application/json; charset=UTF-8"}, \
                json.dumps(error.body()).encode()
        recorded.status, recorded.response = status, payload
        self._send(status, response_headers, payload)

    def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


