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
FILE_FIELDS = "id,name,parents,appProperties,webViewLink"


class DriveStore:
    # Uploads in flight at once: latency (~100 ms a request) dominates, and Drive's write quota
    # (a few writes a second per user, sustained) makes more than a handful pointless.
    parallel = 4

    def __init__(self, session: requests.Session, folder_id: str, campaign: str, *, account: str = "",
                 retry: Retry | None = None) -> None:
        self.session, self.folder_id, self.campaign = session, folder_id, campaign
        self.account, self.retry = account or "tài khoản đang dùng", retry
        self._folders: dict[str, str] = {"": folder_id}  # path → folder id
        self._folder_lock = threading.Lock()  # uploads run in parallel; each folder is made once
        self._files: dict[str, tuple[str, str]] = {}  # document id → (file id, parent id)

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

        for folder_id in folders:
            if (path := path_of(folder_id)) is not None:
                self._folders.setdefault(path, folder_id)
        held = {}
        for f in files:
            props = f.get("appProperties", {})
            doc_id = props.get("thidua_doc")
            if not doc_id or not f.get("parents"):
                continue
            folder_path = path_of(f["parents"][0])
            if folder_path is None:
                continue  # moved out of the campaign folder by someone: a new one will be made
            self._files[doc_id] = (f["id"], f["parents"][0])
            path = f"{folder_path}/{f['name']}" if folder_path else f["name"]
            held[doc_id] = StoredDocument(doc_id, path, props.get("thidua_key", ""), f.get("webViewLink", ""))
        return held

    def save(self, spec: DocumentSpec, data: bytes, previous: StoredDocument | None) -> StoredDocument:
        folder_path, _, name = spec.path.rpartition("/")
        parent = self._folder(folder_path)
        meta: dict[str, Any] = {"name": name, "appProperties": {"thidua_campaign": self.campaign,
                                                                "thidua_doc": spec.doc_id, "thidua_key": spec.key}}
        params = {**ALL_DRIVES, "uploadType": "multipart", "fields": FILE_FIELDS}
        if previous is not None and spec.doc_id in self._files:
            file_id, old_parent = self._files[spec.doc_id]
            if old_parent != parent:
                params.update(addParents=parent, removeParents=old_parent)
            answer = self._request("PATCH", f"{UPLOAD}/{file_id}", params=params, multipart=(meta, data),
                                   what=f"cập nhật '{spec.path}'")
        else:
            meta["parents"] = [parent]
            answer = self._request("POST", UPLOAD, params=params, multipart=(meta, data), what=f"tải lên '{spec.path}'")
        self._files[spec.doc_id] = (answer["id"], parent)
        return StoredDocument(spec.doc_id, spec.path, spec.key, answer.get("webViewLink", ""))

    def archive(self, stored: StoredDocument) -> None:
        file_id, parent = self._files[stored.doc_id]
        archive = self._folder(ARCHIVE_FOLDER)
        self._request("PATCH", f"{FILES}/{file_id}",
                      params={**ALL_DRIVES, "addParents": archive, "removeParents": parent, "fields": "id"},
                      body={"appProperties": {"thidua_doc": None, "thidua_archived": stored.doc_id}},
                      what=f"chuyển '{stored.path}' vào {ARCHIVE_FOLDER}")
        self._files.pop(stored.doc_id, None)

    def close(self) -> None:
        pass  # Drive itself remembers: the appProperties are the manifest

    # ------------------------------------------------------------ helpers

    def _list(self) -> list[dict[str, Any]]:
        query = (f"appProperties has {{ key='thidua_campaign' and value='{_escape(self.campaign)}' }} "
                 "and trashed = false")
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
        answer = self._request("POST", FILES, params={**ALL_DRIVES, "fields": "id"}, what=f"tạo thư mục '{path}'",
                               body={"name": name, "mimeType": FOLDER, "parents": [parent],
                                     "appProperties": {"thidua_campaign": self.campaign, "thidua_kind": "folder"}})
        self._folders[path] = answer["id"]
        return answer["id"]

    def _request(self, method: str, url: str, *, params: dict[str, str], what: str, body: Any = None,
                 multipart: tuple[dict[str, Any], bytes] | None = None) -> dict[str, Any]:
        headers, data = {}, None
        if multipart is not None:
            boundary = "thidua-" + secrets.token_hex(12)
            meta, content = multipart
            data = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                    f"{json.dumps(meta, ensure_ascii=False)}\r\n--{boundary}\r\nContent-Type: {DOCX}\r\n\r\n"
                    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/related; boundary={boundary}"
        response = send(lambda: self.session.request(method, url, params=params, json=body, data=data,
                                                     headers=headers, timeout=google_api.DEFAULT_TIMEOUT),
                        f"{method} drive ({what})", self.retry, error=DriveRequestError)
        if response.ok:
            return response.json()
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
