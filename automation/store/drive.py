"""The Drive folder store (Drive v3 through google-auth's AuthorizedSession).

Every file and folder the job makes carries `appProperties` (campaign, document id, content
key), so one paginated `files.list` finds them all; then only new or changed documents cost a
request each. A changed document is updated in place (same id, same link); a withdrawn one is
moved to `Lưu trữ/` and untagged, never deleted. Every call sets `supportsAllDrives=true`: the
folder should live in a Shared drive, since a service account has no storage of its own and
cannot own files in a user's My Drive (`storageQuotaExceeded`).
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any

import requests

from automation import google_api
from automation.errors import StoreError
from automation.google_api import DriveRequestError, Retry, error_message, error_reason, send
from automation.store import ARCHIVE_FOLDER, DocumentSpec, StoredDocument

FILES = "https://www.googleapis.com/drive/v3/files"
UPLOAD = "https://www.googleapis.com/upload/drive/v3/files"
FOLDER = "application/vnd.google-apps.folder"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALL_DRIVES = {"supportsAllDrives": "true"}
FILE_FIELDS = "id,name,parents,appProperties,webViewLink,createdTime"


class DriveStore:
    # Uploads in flight at once: latency (~100 ms a request) dominates, and Drive's write quota
    # (a few writes a second per user, sustained) makes more than a handful pointless.
    parallel = 4

    def __init__(self, session: requests.Session, folder_id: str, campaign: str, *, account: str = "",
                 retry: Retry | None = None) -> None:
        self.session, self.folder_id, self.campaign = session, folder_id, campaign
        self.account, self.retry = account or "tài khoản đang dùng", retry
        self._folders: dict[str, str] = {"": folder_id}  # path → folder id (the one kept, if two)
        self._folder_lock = threading.Lock()  # uploads run in parallel; each folder is made once
        self._files: dict[str, tuple[str, str, str]] = {}  # document id → (file id, parent id, folder path)
        self._copies: list[tuple[str, str, str]] = []  # second copies: (file id, parent id, document id)
        self._folder_copies: list[tuple[str, str, str]] = []  # (folder id, parent id, path)
        self._parents: dict[str, tuple[str, str]] = {}  # kept folder id → (its parent id, its parent's path)

    # ------------------------------------------------------------ the protocol

    def inventory(self) -> dict[str, StoredDocument]:
        files = self._list()
        folders = {f["id"]: f for f in files if f.get("appProperties", {}).get("thidua_kind") == "folder"}

        def path_of(folder_id: str, depth: int = 0) -> str | None:
            if folder_id == self.folder_id:
                return ""
            folder = folders.get(folder_id)
            if folder is None or depth > 20 or not folder.get("parents"):
                return None
            parent = path_of(folder["parents"][0], depth + 1)
            return None if parent is None else (f"{parent}/{folder['name']}" if parent else folder["name"])

        by_path: dict[str, list[dict[str, Any]]] = {}
        for folder_id, folder in folders.items():
            if (path := path_of(folder_id)) is not None:
                by_path.setdefault(path, []).append(folder)
        for path in sorted(by_path, key=lambda p: p.count("/")):  # parents first: a kept folder's parent is kept
            parent_path = path.rpartition("/")[0]
            kept, *copies = sorted(by_path[path], key=lambda f: (f["parents"][0] != self._folders.get(parent_path),
                                                                 f.get("createdTime", ""), f["id"]))
            self._folders[path] = kept["id"]
            self._parents[kept["id"]] = (kept["parents"][0], parent_path)
            self._folder_copies += [(f["id"], f["parents"][0], path) for f in copies]
        held: dict[str, StoredDocument] = {}
        by_doc: dict[str, list[tuple[dict[str, Any], str]]] = {}
        for f in files:
            doc_id = f.get("appProperties", {}).get("thidua_doc")
            if doc_id and f.get("parents") and (folder_path := path_of(f["parents"][0])) is not None:
                by_doc.setdefault(doc_id, []).append((f, folder_path))
            # else moved out of the campaign folder by someone: a new one will be made
        for doc_id, found in by_doc.items():
            # Two files for one document (two syncs raced, or a create whose answer was lost): the
            # first made is kept, the others go to Lưu trữ when this sync ends well.
            (kept, folder_path), *extra = sorted(found, key=lambda c: (c[0].get("createdTime", ""), c[0]["id"]))
            self._files[doc_id] = (kept["id"], kept["parents"][0], folder_path)
            self._copies += [(c["id"], c["parents"][0], doc_id) for c, _ in extra]
            path = f"{folder_path}/{kept['name']}" if folder_path else kept["name"]
            held[doc_id] = StoredDocument(doc_id, path, kept["appProperties"].get("thidua_key", ""),
                                          kept.get("webViewLink", ""))
        return held

    def save(self, spec: DocumentSpec, data: bytes, previous: StoredDocument | None) -> StoredDocument:
        folder_path, _, name = spec.path.rpartition("/")
        parent = self._folder(folder_path)
        meta: dict[str, Any] = {"name": name, "appProperties": {"thidua_campaign": self.campaign,
                                                                "thidua_doc": spec.doc_id, "thidua_key": spec.key}}
        params = {**ALL_DRIVES, "uploadType": "multipart", "fields": FILE_FIELDS}
        if previous is not None and spec.doc_id in self._files:
            file_id, old_parent, _ = self._files[spec.doc_id]
            if old_parent != parent:
                params.update(addParents=parent, removeParents=old_parent)
            answer = self._request("PATCH", f"{UPLOAD}/{file_id}", params=params, multipart=(meta, data),
                                   what=f"cập nhật '{spec.path}'")
        else:
            meta["parents"] = [parent]
            answer = self._create(UPLOAD, params=params, multipart=(meta, data), what=f"tải lên '{spec.path}'",
                                  tag=("thidua_doc", spec.doc_id))
        self._files[spec.doc_id] = (answer["id"], parent, folder_path)
        return StoredDocument(spec.doc_id, spec.path, spec.key, answer.get("webViewLink", ""))

    def move(self, stored: StoredDocument, path: str) -> StoredDocument:
        """One metadata request: the same file (id, link, revisions) gets a new folder and name."""
        folder_path, _, name = path.rpartition("/")
        parent = self._folder(folder_path)
        file_id, old_parent, _ = self._files[stored.doc_id]
        answer = self._move(file_id, old_parent, parent, f"chuyển '{stored.path}' sang '{path}'", name=name)
        self._files[stored.doc_id] = (file_id, parent, folder_path)
        return StoredDocument(stored.doc_id, path, stored.key, answer.get("webViewLink", stored.link))

    def archive(self, stored: StoredDocument) -> None:
        file_id, parent, _ = self._files[stored.doc_id]
        self._to_archive(file_id, parent, {"thidua_doc": None, "thidua_archived": stored.doc_id},
                         f"chuyển '{stored.path}' vào {ARCHIVE_FOLDER}")
        self._files.pop(stored.doc_id, None)

    def close(self) -> None:
        """Drive itself remembers (the appProperties are the manifest). What is left to do is tidying
        up after a race: second copies to Lưu trữ, kept files and folders into the kept folders."""
        for file_id, parent, doc_id in self._copies:
            self._to_archive(file_id, parent, {"thidua_doc": None, "thidua_archived": doc_id},
                             f"chuyển bản trùng của '{doc_id}' vào {ARCHIVE_FOLDER}")
        for folder_id, (parent, parent_path) in self._parents.items():
            if parent != self._folders.get(parent_path, parent):
                self._move(folder_id, parent, self._folders[parent_path], "chuyển thư mục về đúng chỗ")
        for doc_id, (file_id, parent, folder_path) in list(self._files.items()):
            if parent != self._folders.get(folder_path, parent):
                self._move(file_id, parent, self._folders[folder_path], f"chuyển '{doc_id}' về đúng thư mục")
                self._files[doc_id] = (file_id, self._folders[folder_path], folder_path)
        for folder_id, parent, path in self._folder_copies:
            self._to_archive(folder_id, parent, {"thidua_kind": None, "thidua_path": None,
                                                 "thidua_archived_folder": path},
                             f"chuyển thư mục trùng '{path}' vào {ARCHIVE_FOLDER}")
        self._copies, self._folder_copies = [], []

    # ------------------------------------------------------------ helpers

    def _to_archive(self, file_id: str, parent: str, properties: dict[str, Any], what: str) -> None:
        """Moved to Lưu trữ and untagged, so no later listing takes it for the campaign's: never deleted."""
        self._request("PATCH", f"{FILES}/{file_id}",
                      params={**ALL_DRIVES, "addParents": self._folder(ARCHIVE_FOLDER), "removeParents": parent,
                              "fields": "id"}, body={"appProperties": properties}, what=what)

    def _move(self, file_id: str, old_parent: str, new_parent: str, what: str, *, name: str | None = None
              ) -> dict[str, Any]:
        """Into another folder (and under another name, if given); the same file."""
        params = {**ALL_DRIVES, "fields": FILE_FIELDS if name else "id"}
        if old_parent != new_parent:
            params.update(addParents=new_parent, removeParents=old_parent)
        return self._request("PATCH", f"{FILES}/{file_id}", params=params, body={"name": name} if name else {},
                             what=what)

    def _list(self, *tags: tuple[str, str]) -> list[dict[str, Any]]:
        query = " and ".join(f"appProperties has {{ key='{key}' and value='{_escape(value)}' }}"
                             for key, value in (("thidua_campaign", self.campaign), *tags)) + " and trashed = false"
        files: list[dict[str, Any]] = []
        token = None
        while True:
            params = {**ALL_DRIVES, "includeItemsFromAllDrives": "true", "corpora": "allDrives", "q": query,
                      "pageSize": "1000", "fields": f"nextPageToken,files({FILE_FIELDS})"}
            if token:
                params["pageToken"] = token
            page = self._request("GET", FILES, params=params, what="liệt kê văn bản trên Drive")
            files += page.get("files", [])
            token = page.get("nextPageToken")
            if not token:
                return files

    def _folder(self, path: str) -> str:
        with self._folder_lock:
            return self._folder_locked(path)

    def _folder_locked(self, path: str) -> str:
        if path in self._folders:
            return self._folders[path]
        parent_path, _, name = path.rpartition("/")
        parent = self._folder_locked(parent_path)
        answer = self._create(FILES, params={**ALL_DRIVES, "fields": FILE_FIELDS}, what=f"tạo thư mục '{path}'",
                              body={"name": name, "mimeType": FOLDER, "parents": [parent], "appProperties": {
                                  "thidua_campaign": self.campaign, "thidua_kind": "folder", "thidua_path": path}},
                              tag=("thidua_path", path))
        self._folders[path] = answer["id"]
        self._parents[answer["id"]] = (parent, parent_path)
        return answer["id"]

    def _create(self, url: str, *, params: dict[str, str], what: str, tag: tuple[str, str], body: Any = None,
                multipart: tuple[dict[str, Any], bytes] | None = None) -> dict[str, Any]:
        """A create sent again only once Drive is known not to hold it: after a lost answer or a
        server error, the file or folder is looked up by its tag first (one listing), so a retry
        never makes a second copy."""
        retry = self.retry or google_api.DEFAULT_RETRY
        for attempt in range(1, retry.attempts + 1):
            response: requests.Response | None = None
            try:
                response = self._send("POST", url, params=params, body=body, multipart=multipart)
            except (requests.ConnectionError, requests.Timeout):
                failure = "mất kết nối"
            else:
                if response.status_code not in google_api.RETRYABLE:
                    return self._answer(response, what)
                failure = f"HTTP {response.status_code}"
            if found := self._list(tag):  # the earlier attempt landed after all
                return found[0]
            if attempt == retry.attempts:
                raise DriveRequestError(f"Yêu cầu tới Google 'POST drive ({what})' vẫn lỗi ({failure}) sau "
                                        f"{retry.attempts} lần thử; chưa ghi gì, lần chạy sau sẽ làm tiếp.")
            retry.sleep(retry.delay(attempt, response))
        raise AssertionError("unreachable")

    def _request(self, method: str, url: str, *, params: dict[str, str], what: str, body: Any = None,
                 multipart: tuple[dict[str, Any], bytes] | None = None) -> dict[str, Any]:
        response = send(lambda: self._send(method, url, params=params, body=body, multipart=multipart),
                        f"{method} drive ({what})", self.retry, error=DriveRequestError)
        return self._answer(response, what)

    def _send(self, method: str, url: str, *, params: dict[str, str], body: Any = None,
              multipart: tuple[dict[str, Any], bytes] | None = None) -> requests.Response:
        headers, data = {}, None
        if multipart is not None:
            boundary = "thidua-" + secrets.token_hex(12)
            meta, content = multipart
            data = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                    f"{json.dumps(meta, ensure_ascii=False)}\r\n--{boundary}\r\nContent-Type: {DOCX}\r\n\r\n"
                    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/related; boundary={boundary}"
        return self.session.request(method, url, params=params, json=body, data=data, headers=headers,
                                    timeout=google_api.DEFAULT_TIMEOUT)

    def _answer(self, response: requests.Response, what: str) -> dict[str, Any]:
        if response.ok:
            answer: dict[str, Any] = response.json()
            return answer
        if error_reason(response) == "storageQuotaExceeded":
            raise StoreError(f"Không {what} được: tài khoản dịch vụ {self.account} không có dung lượng Drive riêng. "
                             "Hãy dùng một thư mục trong Shared drive (Bộ nhớ dùng chung) có thêm tài khoản này làm "
                             "thành viên, hoặc đăng nhập bằng tài khoản người dùng.")
        if response.status_code == 404:
            raise StoreError(f"Không {what} được: không thấy thư mục Drive '{self.folder_id}' (hoặc {self.account} "
                             "chưa được chia sẻ); kiểm tra 'drive_folder_id'.")
        if response.status_code == 403:
            raise StoreError(f"Không {what} được: {self.account} không có quyền ghi vào thư mục Drive "
                             f"'{self.folder_id}' ({error_message(response)}).")
        raise StoreError(f"Không {what} được: Google trả {error_message(response)}.")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")
