"""The Google Sheets backend, on gspread: at most five Sheets requests per sync.

    1. metadata (tabs, grid sizes, merges)              spreadsheets.get with a field mask
    2. every tab's values                               values:batchGet, UNFORMATTED_VALUE
    3. grid repairs, only when needed                   spreadsheets.batchUpdate (addSheet, appendDimension)
    4. the unit tabs again, just before writing         values:batchGet
    5. flags, headers, Tổng hợp, the Nhật ký row        values:batchUpdate, RAW

Units keep typing while a sync runs. Step 4 finds each row again — by its `Mã hồ sơ`, or by
its content for a row that had none — and a flag is written only where the unit's cells are
still exactly those that were judged; a row changed meanwhile is left for the next run. Values
are written RAW (text starting with `=`, `+`, `-`, `@` stays text), in one atomic batch, and
only into the job's columns, Tổng hợp and Nhật ký.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gspread

from automation.errors import ConfigError, SourceError
from automation.google_api import account_of
from automation.sheets import Layout, RowFlags, Snapshot, TabData, TabWrite, WritePlan, row_fingerprint
from automation.text import fold

METADATA_FIELDS = "spreadsheetId,properties.title,sheets(properties(sheetId,title,index,gridProperties),merges)"
READ = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER", "majorDimension": "ROWS"}
GROW_ROWS = 500  # rows added at once when Nhật ký or Tổng hợp reach the end of their grid


def quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def letters(index: int) -> str:
    text, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


class GoogleSheet:
    def __init__(self, client: gspread.Client, spreadsheet_id: str, credentials: Any) -> None:
        self.http = client.http_client
        self.spreadsheet_id = spreadsheet_id
        self.account = account_of(credentials)
        self.name = f"Google Sheets {spreadsheet_id}"
        self._grids: dict[str, dict[str, Any]] = {}
        self._snapshot: Snapshot | None = None

    # ------------------------------------------------------------ reading

    def read(self) -> Snapshot:
        meta = self._call(lambda: self.http.fetch_sheet_metadata(self.spreadsheet_id,
                                                                 params={"fields": METADATA_FIELDS}),
                          "đọc thông tin bảng tính")
        sheets = sorted(meta.get("sheets", []), key=lambda s: s["properties"].get("index", 0))
        self._grids = {s["properties"]["title"]: s["properties"] for s in sheets}
        titles = list(self._grids)
        data = self._call(lambda: self.http.values_batch_get(self.spreadsheet_id, [quote(t) for t in titles],
                                                             params=dict(READ)), "đọc các tab")
        tabs: dict[str, TabData] = {}
        for sheet, block in zip(sheets, data.get("valueRanges", [])):
            title = sheet["properties"]["title"]
            merges = tuple((m["startRowIndex"], m["startColumnIndex"], m["endRowIndex"] - 1, m["endColumnIndex"] - 1)
                           for m in sheet.get("merges", []))
            tabs[title] = TabData(title, [list(r) for r in block.get("values", [])], merges)
        self._snapshot = Snapshot(tabs)
        return self._snapshot

    # ------------------------------------------------------------ writing

    def write(self, plan: WritePlan) -> None:
        snapshot = self._snapshot or self.read()
        summary_title = self._title_like(plan.summary_title)
        log_title = self._title_like(plan.log_title)
        log_rows = len(snapshot.tabs[log_title].rows) if log_title in snapshot.tabs else 0
        log_at = max(log_rows, 1) + 1  # row 1 holds the header
        summary_height = max(len(plan.summary), len(snapshot.tabs[summary_title].rows)
                             if summary_title in snapshot.tabs else 0)
        summary_width = max([len(r) for r in plan.summary] +
                            [len(r) for r in snapshot.tabs[summary_title].rows] if summary_title in snapshot.tabs
                            else [len(r) for r in plan.summary])
        self._repair_grids(plan, summary_title, summary_height, summary_width, log_title, log_at)

        current = self._reread([t.title for t in plan.tabs])
        data: list[dict[str, Any]] = []
        for tab in plan.tabs:
            data += self._tab_ranges(tab, current.get(tab.title, []))
        data.append({"range": f"{quote(summary_title)}!A1",
                     "values": _padded(plan.summary, summary_height, summary_width)})
        if log_rows == 0:
            data.append({"range": f"{quote(log_title)}!A1", "values": [plan.log_header]})
        data.append({"range": f"{quote(log_title)}!A{log_at}", "values": [plan.log_row]})
        self._call(lambda: self.http.values_batch_update(self.spreadsheet_id, {"valueInputOption": "RAW",
                                                                               "data": data}), "ghi kết quả")

    def _title_like(self, title: str) -> str:
        return next((t for t in self._grids if fold(t) == fold(title)), title)

    def _repair_grids(self, plan: WritePlan, summary_title: str, summary_height: int, summary_width: int,
                      log_title: str, log_at: int) -> None:
        """Missing job tabs and grids too small for what will be written: one batchUpdate, only if needed."""
        requests: list[dict[str, Any]] = []
        for title, height, width in ((summary_title, summary_height, summary_width),
                                     (log_title, log_at, len(plan.log_header))):
            if title not in self._grids:
                requests.append({"addSheet": {"properties": {"title": title, "gridProperties": {
                    "rowCount": max(1000, height + GROW_ROWS), "columnCount": max(26, width)}}}})
            else:
                requests += _grow(self._grids[title], height, width)
        for tab in plan.tabs:
            grid = self._grids.get(tab.title)
            if grid is not None:
                requests += _grow(grid, 1, max(tab.job_columns.values(), default=0) + 1)
        if not requests:
            return
        reply = self._call(lambda: self.http.batch_update(self.spreadsheet_id, {"requests": requests}),
                           "thêm tab hoặc mở rộng bảng")
        for answer in reply.get("replies", []):
            if "addSheet" in answer:
                props = answer["addSheet"]["properties"]
                self._grids[props["title"]] = props

    def _reread(self, titles: list[str]) -> dict[str, list[list[Any]]]:
        if not titles:
            return {}
        data = self._call(lambda: self.http.values_batch_get(self.spreadsheet_id, [quote(t) for t in titles],
                                                             params=dict(READ)), "đọc lại các tab trước khi ghi")
        return {t: [list(r) for r in block.get("values", [])] for t, block in zip(titles, data.get("valueRanges", []))}

    def _tab_ranges(self, tab: TabWrite, rows: list[list[Any]]) -> list[dict[str, Any]]:
        """Each flag on the row it describes now, or nowhere if that row changed since it was judged."""
        id_at = tab.job_columns["record_id"]
        by_id: dict[str, list[int]] = {}
        by_content: dict[str, list[int]] = {}
        for index in range(1, len(rows)):
            row = rows[index]
            record_id = str(row[id_at]).strip().upper() if id_at < len(row) and row[id_at] not in (None, "") else ""
            if record_id:
                by_id.setdefault(record_id, []).append(index)
            by_content.setdefault(row_fingerprint(row, tab.unit_columns), []).append(index)
        taken: set[int] = set()
        ranges = [{"range": f"{quote(tab.title)}!{letters(position)}1", "values": [[header]]}
                  for position, header in tab.new_headers.items()]
        for flags in tab.rows:
            target = self._locate(flags, rows, by_id, by_content, taken, id_at, tab.unit_columns)
            if target is None:
                continue
            taken.add(target)
            ranges += _row_ranges(tab, flags, target + 1)
        return ranges

    @staticmethod
    def _locate(flags: RowFlags, rows: list[list[Any]], by_id: dict[str, list[int]], by_content: dict[str, list[int]],
                taken: set[int], id_at: int, positions: tuple[int, ...]) -> int | None:
        """The row's index now, if its unit cells are still those that were judged."""
        if flags.had_id:
            candidates = by_id.get(flags.record_id.upper(), [])
        else:  # a row that had no id: same content, and still without one
            candidates = [i for i in by_content.get(flags.fingerprint, [])
                          if not (id_at < len(rows[i]) and rows[i][id_at] not in (None, ""))]
        for index in candidates:
            if index not in taken:
                return index if row_fingerprint(rows[index], positions) == flags.fingerprint else None
        return None

    # ------------------------------------------------------------ setup

    def setup(self, layout: Layout) -> list[str]:
        raise ConfigError("'thidua setup' trên Google Sheets chưa có trong phiên bản này; hãy tạo các tab và tiêu đề "
                          "theo sheet_schema/columns.toml, hoặc dùng tệp .xlsx.")

    # ------------------------------------------------------------ errors

    def _call(self, action: Callable[[], Any], what: str) -> Any:
        try:
            return action()
        except gspread.exceptions.APIError as exc:
            code = exc.response.status_code
            if code == 404:
                raise SourceError(f"Không tìm thấy bảng tính '{self.spreadsheet_id}' khi {what}: kiểm tra "
                                  f"'spreadsheet_id' và chia sẻ bảng tính cho {self.account}.") from None
            if code == 403:
                raise SourceError(f"Tài khoản {self.account} không có quyền với bảng tính '{self.spreadsheet_id}' "
                                  f"khi {what}: chia sẻ bảng tính cho email này với quyền Người chỉnh sửa.") from None
            if code == 401:
                raise ConfigError(f"Google từ chối thông tin xác thực khi {what}; kiểm tra tệp khóa.") from None
            raise SourceError(f"Google trả lỗi khi {what}: HTTP {code} {exc.error.get('message', '')}".rstrip()
                              + ".") from None


def _row_ranges(tab: TabWrite, flags: RowFlags, sheet_row: int) -> list[dict[str, Any]]:
    """The job cells of one row: one range when the job columns are side by side, else one per cell."""
    cells = sorted((tab.job_columns[key], value) for key, value in flags.values.items())
    first, last = cells[0][0], cells[-1][0]
    if last - first + 1 == len(cells):
        return [{"range": f"{quote(tab.title)}!{letters(first)}{sheet_row}", "values": [[v for _, v in cells]]}]
    return [{"range": f"{quote(tab.title)}!{letters(c)}{sheet_row}", "values": [[v]]} for c, v in cells]


def _grow(grid: dict[str, Any], height: int, width: int) -> list[dict[str, Any]]:
    props = grid.get("gridProperties", {})
    requests = []
    if height > props.get("rowCount", 1000):
        requests.append({"appendDimension": {"sheetId": grid["sheetId"], "dimension": "ROWS",
                                             "length": height - props.get("rowCount", 1000) + GROW_ROWS}})
    if width > props.get("columnCount", 26):
        requests.append({"appendDimension": {"sheetId": grid["sheetId"], "dimension": "COLUMNS",
                                             "length": width - props.get("columnCount", 26)}})
    return requests


def _padded(table: list[list[Any]], height: int, width: int) -> list[list[Any]]:
    """The new table over the old one, with "" where the old one had cells the new one lacks."""
    out = []
    for r in range(height):
        row = list(table[r]) if r < len(table) else []
        row = [("" if v is None else v) for v in row] + [""] * (width - len(row))
        out.append(row)
    return out
