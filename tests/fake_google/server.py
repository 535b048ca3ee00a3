"""A stateful fake of the Google Sheets v4 and Drive v3 subset thidua uses, over real HTTP.

Started on 127.0.0.1 with a free port; gspread and google-auth reach it unmodified, through a
session whose transport sends Google's hosts here (the same THIDUA_GOOGLE_API_ROOT switch the
product has). It keeps spreadsheets (tabs of cell values, merges, grid sizes) and Drive files
(folders, uploads with appProperties, parents, a Shared drive), counts every request, and can
fail chosen requests (429 with or without Retry-After, 500, 503, a timeout, a dropped connection).

The rooms: model.py (the state, errors, field masks), auth.py (the token endpoint), sheets.py
and drive.py (the API handlers, each with its ROUTES table), this file (the HTTP server, the
dispatch, faults and hooks, and the helpers tests set the state up with). Each API module's
docstring says which behaviour is recorded (reference/gspread-cassettes) and which inferred
from the discovery documents; the error body `{"error": {"code", "message", "status"}}` is recorded.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fake_google import auth, drive, sheets
from tests.fake_google.model import (FOLDER, DriveFile, Fault, HttpError, Recorded, Request, Route, Sheet,
                                     Spreadsheet, State, now, trim)

ROUTES: list[Route] = sheets.ROUTES + drive.ROUTES


class FakeGoogle(State):
    """The state and the HTTP server. Use as a context manager; `root` is the API root URL."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.hooks: list[tuple[Callable[[Recorded], bool], Callable[[], None]]] = []
        self.timeout_sleep = 5.0
        self.latency = 0.0  # seconds added to every answer, as the real API's round trip (bench/)
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
        self.files[drive_id] = DriveFile(drive_id, name, FOLDER, [], drive_id=drive_id, created=now(), modified=now())
        return drive_id

    def add_folder(self, name: str, parent: str | None, *, owner: str = "", drive_id: str | None = None,
                   shared_with: set[str] | None = None) -> str:
        folder = DriveFile(self.new_id("f"), name, FOLDER, [parent] if parent else [], drive_id=drive_id, owner=owner,
                           shared_with=set(shared_with or ()), created=now(), modified=now())
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
        return trim([list(r) for r in self.spreadsheets[spreadsheet_id].sheet(title).rows])

    # ------------------------------------------------------------ dispatch

    def handle(self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
               ) -> tuple[int, dict[str, str], bytes]:
        if path == "/token":
            return auth.token(self, body)
        request = Request(auth.user_of(self, headers), query, headers, body)
        for verb, pattern, action in ROUTES:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                with self.lock:
                    status, payload = action(self, request, *(urllib.parse.unquote(g) for g in match.groups()))
                if isinstance(payload, bytes):
                    return status, {"Content-Type": "application/octet-stream"}, payload
                return status, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(payload).encode()
        raise HttpError(404, f"The requested URL {path} was not found on this server.")


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
        if fault and fault.kind == "lost":  # carried out, but the answer never arrives
            try:
                self.fake.handle(self.command, url.path, query, headers, body)
            except HttpError:
                pass
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


