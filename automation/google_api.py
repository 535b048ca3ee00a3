"""The Google side's plumbing: credentials, one authorised session, bounded retries.

- Credentials: a service-account key file (the usual way for a scheduled job), a user's
  authorised-user file, or Application Default Credentials. Never printed, never logged: errors
  name the file and what is wrong with it, never its content.
- Scopes: `spreadsheets` (read the tabs, write flags, Tổng hợp, Nhật ký) and `drive` (list the
  Office's existing folder and put documents in it; the narrower `drive.file` cannot see a
  folder the job did not create).
- Endpoint override: `THIDUA_GOOGLE_API_ROOT` (or the `google_api_root` setting) sends every
  Sheets and Drive request to another root, keeping Google's paths (`/v4/spreadsheets/…`,
  `/drive/v3/…`, `/upload/drive/v3/…`), as cloud SDKs do for emulators; the token endpoint is the
  credentials file's `token_uri`, as always.
- Retries: 429, 5xx, time-outs and dropped connections are retried with capped exponential
  backoff and full jitter, honouring `Retry-After`, a bounded number of times (gspread's own
  BackOffHTTPClient never gives up); then the run ends naming the request that failed.
"""

from __future__ import annotations

import json
import random
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gspread
import requests
from google.auth.exceptions import DefaultCredentialsError, GoogleAuthError, RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import HTTPAdapter

from automation.errors import ConfigError, SourceError, StoreError, ThiduaError

SCOPES = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive")
GOOGLE_ROOTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
RETRYABLE = {408, 429, 500, 502, 503, 504}
DEFAULT_TIMEOUT = (10.0, 120.0)  # connect, read


class GoogleRequestError(ThiduaError):
    """A request to Google that still failed after the retries."""


class SheetsRequestError(GoogleRequestError, SourceError):
    """… to the Sheets API: the spreadsheet could not be read or written."""


class DriveRequestError(GoogleRequestError, StoreError):
    """… to the Drive API: the document store could not be read or written."""


@dataclass(frozen=True)
class Retry:
    attempts: int = 5
    base: float = 1.0
    cap: float = 32.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, response: requests.Response | None) -> float:
        if response is not None and (after := response.headers.get("Retry-After")):
            try:
                return min(float(after), self.cap)
            except ValueError:
                pass  # an HTTP date: fall back to the backoff
        return random.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))


DEFAULT_RETRY = Retry()  # read at call time, so a test can swap in one that does not sleep


def describe(method: str, url: str) -> str:
    """`GET values:batchGet` — what a user can recognise in a message, without ids or tokens."""
    path = urllib.parse.urlsplit(url).path
    tail = path.rsplit("/", 1)[-1]
    if ":" in tail:
        return f"{method.upper()} {tail.split(':', 1)[1]}"
    if "/values/" in path:
        return f"{method.upper()} values"
    if "/upload/" in path:
        return f"{method.upper()} upload"
    return f"{method.upper()} {'drive files' if '/drive/' in path else 'spreadsheets'}"


def send(request: Callable[[], requests.Response], what: str, retry: Retry | None = None, *,
         error: type[GoogleRequestError] = SheetsRequestError) -> requests.Response:
    """Send with retries; returns the final response (the caller judges non-retryable errors)."""
    retry = retry or DEFAULT_RETRY
    for attempt in range(1, retry.attempts + 1):
        response: requests.Response | None = None
        try:
            response = request()
        except (requests.ConnectionError, requests.Timeout) as exc:
            failure = f"{type(exc).__name__}"
        except RefreshError as exc:
            raise ConfigError(f"Google không chấp nhận thông tin xác thực: {_short(exc)}.") from None
        except TransportError:  # the token endpoint could not be reached: a network fault like any other
            failure = "không kết nối được máy chủ cấp quyền của Google"
        else:
            if response.status_code not in RETRYABLE:
                return response
            failure = f"HTTP {response.status_code}"
        if attempt == retry.attempts:
            raise error(f"Yêu cầu tới Google '{what}' vẫn lỗi ({failure}) sau {retry.attempts} lần thử; "
                                     "chưa ghi gì, lần chạy sau sẽ làm tiếp.")
        retry.sleep(retry.delay(attempt, response))
    raise AssertionError("unreachable")


def _short(exc: Exception) -> str:
    text = str(exc.args[0] if exc.args else exc)
    return text[:200]


def error_message(response: requests.Response) -> str:
    try:
        error = response.json()["error"]
        return f"HTTP {error.get('code', response.status_code)} {error.get('message', '')}".strip()
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


def error_reason(response: requests.Response) -> str:
    try:
        return response.json()["error"]["errors"][0]["reason"]
    except (ValueError, KeyError, TypeError, IndexError):
        return ""


# ------------------------------------------------------------------ credentials

def load_credentials(path: Path | None) -> Any:
    """A service-account or authorised-user file; without one, Application Default Credentials."""
    if path is None:
        try:
            import google.auth
            credentials, _ = google.auth.default(scopes=SCOPES)
            return credentials
        except DefaultCredentialsError:
            raise ConfigError("Chưa có thông tin xác thực Google: đặt 'credentials' trong mục [source] của "
                              "thidua.toml, biến GOOGLE_APPLICATION_CREDENTIALS, hoặc cờ --credentials.") from None
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Không tìm thấy tệp khóa Google '{path}'; kiểm tra 'credentials' trong thidua.toml.") \
            from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Không đọc được tệp khóa Google '{path}': {getattr(exc, 'strerror', None) or 'lỗi đọc'}.") \
            from None
    except ValueError:
        raise ConfigError(f"Tệp khóa Google '{path}' không phải JSON hợp lệ.") from None
    kind = info.get("type") if isinstance(info, dict) else None
    try:
        if kind == "service_account":
            from google.oauth2 import service_account
            return service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
        if kind == "authorized_user":
            from google.oauth2.credentials import Credentials
            return Credentials.from_authorized_user_info(info, scopes=SCOPES)
    except (ValueError, KeyError, GoogleAuthError):
        raise ConfigError(f"Tệp khóa Google '{path}' thiếu trường hoặc khóa riêng không hợp lệ; tải lại tệp khóa "
                          "JSON của tài khoản dịch vụ từ Google Cloud Console.") from None
    if isinstance(info, dict) and ("installed" in info or "web" in info):
        raise ConfigError(f"Tệp '{path}' là OAuth client ID, không phải tệp khóa: dùng tệp khóa JSON của tài khoản "
                          "dịch vụ (service account), hoặc tệp authorized_user sau khi đăng nhập.")
    raise ConfigError(f"Tệp '{path}' không phải tệp khóa Google (cần \"type\": \"service_account\" hoặc "
                      "\"authorized_user\").")


def account_of(credentials: Any) -> str:
    return getattr(credentials, "service_account_email", None) or getattr(credentials, "account", "") or \
        "tài khoản đang dùng"


# ------------------------------------------------------------------ the session

class _ApiRoot(HTTPAdapter):
    """Sends a request for a Google API host to another root, keeping the path."""

    def __init__(self, root: str) -> None:
        super().__init__()
        self.root = root.rstrip("/")

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: float | tuple[float, float] | tuple[float, None] | None = None, verify: bool | str = True,
             cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
             proxies: Mapping[str, str] | None = None) -> requests.Response:
        for google in GOOGLE_ROOTS:
            if request.url and request.url.startswith(google):
                request.url = self.root + request.url[len(google):]
        return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)


def google_session(credentials: Any, api_root: str | None = None) -> AuthorizedSession:
    session = AuthorizedSession(credentials)
    if api_root:
        adapter = _ApiRoot(api_root)
        for google in GOOGLE_ROOTS:
            session.mount(google + "/", adapter)
    return session


class RetryingHTTPClient(gspread.HTTPClient):
    """gspread's client with bounded retries and a default timeout."""

    def __init__(self, auth: Any, session: requests.Session | None = None) -> None:
        super().__init__(auth, session)
        self.timeout = DEFAULT_TIMEOUT

    def request(self, method: str, endpoint: str, params: Any = None, data: Any = None, json: Any = None,
                files: Any = None, headers: Any = None) -> requests.Response:
        response = send(lambda: self.session.request(method=method, url=endpoint, json=json, params=params, data=data,
                                                     files=files, headers=headers, timeout=self.timeout),
                        describe(method, endpoint))
        if response.ok:
            return response
        raise gspread.exceptions.APIError(response)
