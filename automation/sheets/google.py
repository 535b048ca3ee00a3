"""The Google Sheets backend, on gspread: at most five Sheets requests per sync.

    1. metadata (tabs, grid sizes, merges, charts)      spreadsheets.get with a field mask
    2. every tab's values                               values:batchGet, UNFORMATTED_VALUE
    3. grid repairs, only when needed                   spreadsheets.batchUpdate (addSheet, appendDimension,
                                                        updateChartSpec when Tổng hợp's unit rows changed)
    4. the unit tabs again, just before writing         values:batchGet
    5. flags, headers, Tổng hợp, the Nhật ký row        values:batchUpdate, RAW

Units keep typing while a sync runs. Step 4 finds each row again — by its `Mã hồ sơ`, or by
its content for a row that had none — and a flag is written only where the unit's cells are
still exactly those that were judged; a row changed meanwhile is left for the next run. Values
are written RAW (text starting with `=`, `+`, `-`, `@` stays text), in one atomic batch, and
only into the flag columns, Tổng hợp and Nhật ký.
"""

from __future__ import annotations

import datetime as dt

from collections.abc import Callable, Sequence
from typing import Any

import gspread

from automation.errors import ConfigError, SourceError
from automation.google_api import account_of
from automation.sheets import (FLAG_SHADE, Layout, RowFlags, SheetUpdate, Snapshot, TabData, TabWrite, column_letter,
                               header_cell_is_free, row_fingerprint)
from automation.sheets.google_overview import (condition_value, dress, move_charts, place_charts, rgb, same_format,
                                               width_in_pixels)
from automation.sheets.headers import repair_headers
from automation.text import fold, title_like

METADATA_FIELDS = ("spreadsheetId,properties.title,"
                   "sheets(properties(sheetId,title,index,gridProperties),merges,charts(chartId,spec))")
SETUP_FIELDS = ("sheets(properties(sheetId,title,index,hidden,gridProperties),conditionalFormats,protectedRanges,"
                "charts(chartId,spec(title)))")
GRID_FIELDS = ("sheets(properties(sheetId,title),data(startRow,columnMetadata(pixelSize),"
               "rowData(values(userEnteredValue,dataValidation,userEnteredFormat))))")
GROUPED_NUMBER = {"type": "NUMBER", "pattern": "#,##0"}  # grouped by the spreadsheet's locale: 2.000.000 in vi_VN
READ = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER", "majorDimension": "ROWS"}
GROW_ROWS = 500  # rows added at once when Nhật ký or Tổng hợp reach the end of their grid


def quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


class GoogleSheet:
    def __init__(self, client: gspread.Client, spreadsheet_id: str, credentials: Any) -> None:
        self.http = client.http_client
        self.spreadsheet_id = spreadsheet_id
        self.account = account_of(credentials)
        self.name = f"Google Sheets {spreadsheet_id}"
        self._grids: dict[str, dict[str, Any]] = {}
        self._charts: dict[str, list[dict[str, Any]]] = {}  # tab → its charts as read
        self._snapshot: Snapshot | None = None

    # ------------------------------------------------------------ reading

    def read(self) -> Snapshot:
        meta = self._call(lambda: self.http.fetch_sheet_metadata(self.spreadsheet_id,
                                                                 params={"fields": METADATA_FIELDS}),
                          "đọc thông tin bảng tính")
        sheets = sorted(meta.get("sheets", []), key=lambda s: s["properties"].get("index", 0))
        self._grids = {s["properties"]["title"]: s["properties"] for s in sheets}
        self._charts = {s["properties"]["title"]: s.get("charts", []) for s in sheets}
        titles = list(self._grids)
        data = self._call(lambda: self.http.values_batch_get(self.spreadsheet_id, [quote(t) for t in titles],
                                                             params=dict(READ)), "đọc các tab")
        tabs: dict[str, TabData] = {}
        for sheet, block in zip(sheets, data.get("valueRanges", [])):
            title = sheet["properties"]["title"]
            merges = tuple((m["startRowIndex"], m["startColumnIndex"], m["endRowIndex"] - 1, m["endColumnIndex"] - 1)
                           for m in sheet.get("merges", []))
            # The data's extent (Sheets trims the empty grid); an empty row is [], which TabData.holding skips.
            tabs[title] = TabData(title, [list(r) for r in block.get("values", [])], merges)
        self._snapshot = Snapshot(tabs)
        return self._snapshot

    # ------------------------------------------------------------ writing

    def write(self, update: SheetUpdate) -> None:
        snapshot = self._snapshot or self.read()
        overview_title = title_like(self._grids, update.overview_title)
        log_title = title_like(self._grids, update.log_title)
        log_rows = len(snapshot.tabs[log_title].rows) if log_title in snapshot.tabs else 0
        log_at = max(log_rows, 1) + 1  # row 1 holds the header
        targets = [(log_title, log_at, len(update.log_header))]
        if update.overview is not None:
            previous = snapshot.tabs[overview_title].rows if overview_title in snapshot.tabs else []
            overview_height = max(len(update.overview), len(previous))  # blanks over what the last overview left
            overview_width = max(len(r) for r in [*update.overview, *previous])
            targets.insert(0, (overview_title, overview_height, overview_width))
        appends = [(title_like(self._grids, a.title), a) for a in update.appends]
        for title, append in appends:  # room for the new rows below what the tab held when read
            rows_now = len(snapshot.tabs[title].rows) if title in snapshot.tabs else 0
            targets.append((title, rows_now + len(append.rows) + GROW_ROWS, max(len(r) for r in append.rows)))
        self._repair_grids(update, targets)

        current = self._reread(list(dict.fromkeys([t.title for t in update.tabs] + [t for t, _ in appends])))
        data: list[dict[str, Any]] = []
        for tab in update.tabs:
            data += self._tab_ranges(tab, current.get(tab.title, []))
        for title, append in appends:  # below the last row as it is now, not as it was read
            data.append({"range": f"{quote(title)}!A{len(current.get(title, [])) + 1}",
                         "values": [[_plain(v) for v in row] for row in append.rows]})
        if update.overview is not None:
            data.append({"range": f"{quote(overview_title)}!A1",
                         "values": _padded(update.overview, overview_height, overview_width)})
        if log_rows == 0:
            data.append({"range": f"{quote(log_title)}!A1", "values": [update.log_header]})
        data.append({"range": f"{quote(log_title)}!A{log_at}", "values": [update.log_row]})
        self._call(lambda: self.http.values_batch_update(self.spreadsheet_id, {"valueInputOption": "RAW",
                                                                               "data": data}), "ghi kết quả")

    def _repair_grids(self, update: SheetUpdate, targets: list[tuple[str, int, int]]) -> None:
        """Missing tabs the job writes (Tổng hợp, Nhật ký) and grids too small for what will be written:
        and Tổng hợp's charts moved to the unit rows about to be written: one batchUpdate, only if needed."""
        requests: list[dict[str, Any]] = []
        for title, height, width in targets:  # (title, rows, columns) the job's own tabs must hold
            if title not in self._grids:
                requests.append({"addSheet": {"properties": {"title": title, "gridProperties": {
                    "rowCount": max(1000, height + GROW_ROWS), "columnCount": max(26, width)}}}})
            else:
                requests += _grow(self._grids[title], height, width)
        for tab in update.tabs:
            grid = self._grids.get(tab.title)
            if grid is not None:
                right = max([*tab.flag_columns.values(), *([tab.notice[0]] if tab.notice else [])], default=0)
                requests += _grow(grid, 1, right + 1)
        overview = title_like(self._grids, update.overview_title)
        if update.overview is not None and update.overview_layout is not None and overview in self._grids:
            requests += move_charts(self._grids[overview]["sheetId"], self._charts.get(overview, []),
                                    update.overview_layout, update.overview_layout.unit_rows(update.overview))
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
        """Each flag on the row it describes now, or nowhere if that row changed since it was judged.

        A row is found by its id cell as read (empty for a new row, a duplicate for a copied one)
        together with its unit's cells: both must be unchanged since they were judged."""
        header_now = rows[0] if rows else []
        ranges = [{"range": f"{quote(tab.title)}!{column_letter(position)}1", "values": [[header]]}
                  for position, header in tab.new_headers.items()
                  if header_cell_is_free(_at(header_now, position))]
        if tab.notice is not None and header_cell_is_free(_at(header_now, tab.notice[0])) \
                and (_at(header_now, tab.notice[0]) or "") != tab.notice[1]:
            ranges.append({"range": f"{quote(tab.title)}!{column_letter(tab.notice[0])}1",
                           "values": [[tab.notice[1]]]})
        if not tab.rows:
            return ranges
        id_at = tab.flag_columns.get("record_id", -1)  # the register's rows have no id: found by their cells
        rows_by_key: dict[tuple[str, str], list[int]] = {}
        for index in range(1, len(rows)):
            if not rows[index]:  # a row holding nothing carries no flag to find (a stray far below: a million)
                continue
            key = (_id_cell(rows[index], id_at), row_fingerprint(rows[index], tab.unit_columns))
            rows_by_key.setdefault(key, []).append(index)
        for flags in tab.rows:
            candidates = rows_by_key.get((flags.read_id.strip().upper(), flags.fingerprint))
            if candidates:  # identical rows (a pasted copy) are taken in order, one flag each
                ranges += _row_ranges(tab, flags, candidates.pop(0) + 1)
        return ranges

    # ------------------------------------------------------------ setup

    def setup(self, layout: Layout) -> list[str]:
        """Tabs, headers, dropdowns, checkbox, status colours, frozen header and protections, in one
        batchUpdate; nothing at all when everything is already in place."""
        meta = self._call(lambda: self.http.fetch_sheet_metadata(self.spreadsheet_id, params={"fields": SETUP_FIELDS}),
                          "đọc thông tin bảng tính")
        sheets = {s["properties"]["title"]: s for s in meta.get("sheets", [])}
        tabs = [t for t in layout.tabs if not t.hidden]  # the lists tab serves .xlsx dropdowns only
        overview = title_like(sheets, layout.overview_title) if layout.overview else ""
        present = [title for t in tabs if (title := title_like(sheets, t.title)) in sheets
                   and (t.columns or title == overview)]
        cells = self._first_rows(present)
        next_id = max([s["properties"]["sheetId"] for s in sheets.values()] + [0]) + 1
        requests: list[dict[str, Any]] = []
        changes: list[str] = []
        for tab in tabs:
            title = title_like(sheets, tab.title)
            sheet = sheets.get(title)
            if sheet is None:
                sheet = {"properties": {"sheetId": next_id, "title": tab.title,
                                        "gridProperties": {"rowCount": 1000, "columnCount": max(26, len(tab.columns)),
                                                           "frozenRowCount": 1 if tab.columns else 0}}}
                next_id += 1
                requests.append({"addSheet": {"properties": sheet["properties"]}})
                changes.append(f"tạo tab '{tab.title}'")
                if tab.rows:
                    requests.append(_cells(sheet["properties"]["sheetId"], 0, 0, [list(r) for r in tab.rows]))
                    changes.append(f"ghi hướng dẫn vào tab '{tab.title}'")
                title = tab.title
            header, rows, pixels = cells.get(title, ([], [[], []], []))
            requests += self._setup_tab(tab, sheet, header, rows[1], layout, changes, pixels=pixels)
            if layout.overview is not None and fold(tab.title) == fold(layout.overview_title):
                requests += dress(sheet, rows[0], rows[1], pixels, layout.overview, changes)
                requests += place_charts(sheet, layout.overview, layout.overview_units, changes)
        if requests:
            self._call(lambda: self.http.batch_update(self.spreadsheet_id, {"requests": requests}),
                       "tạo tab, định dạng và bảo vệ")
        return changes

    def _first_rows(self, titles: list[str]) -> dict[str, tuple[list[str], list[list[dict[str, Any]]], list[int]]]:
        """Headers (row 1), the cells of rows 1 and 2 (validation, format), and the column widths, for the
        tabs that exist."""
        if not titles:
            return {}
        data = self._call(lambda: self.http.fetch_sheet_metadata(self.spreadsheet_id, params={
            "ranges": [f"{quote(t)}!1:2" for t in titles], "includeGridData": "true", "fields": GRID_FIELDS}),
            "đọc tiêu đề các tab")
        out = {}
        for sheet in data.get("sheets", []):
            rows = (sheet.get("data") or [{}])[0].get("rowData", [])
            first = rows[0].get("values", []) if rows else []
            second = rows[1].get("values", []) if len(rows) > 1 else []
            header = [str(next(iter(c.get("userEnteredValue", {"": ""}).values()))) for c in first]
            pixels = [m.get("pixelSize", 100) for m in (sheet.get("data") or [{}])[0].get("columnMetadata", [])]
            out[sheet["properties"]["title"]] = (header, [first, second], pixels)
        return out

    def _setup_tab(self, tab: Any, sheet: dict[str, Any], header: list[str], row2: list[dict[str, Any]],
                   layout: Layout, changes: list[str], *, pixels: Sequence[int] = ()) -> list[dict[str, Any]]:
        props = sheet["properties"]
        sheet_id, title = props["sheetId"], props["title"]
        rows = props.get("gridProperties", {}).get("rowCount", 1000)
        requests: list[dict[str, Any]] = []
        repair = repair_headers(title, header, tab.columns)
        positions = repair.positions
        for position, text in repair.writes.items():
            requests.append(_cells(sheet_id, 0, position, [[text]]))
        changes += repair.notes
        width = max(positions.values(), default=-1) + 1
        if tab.columns and props.get("gridProperties", {}).get("frozenRowCount", 0) != 1:
            requests.append({"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": {
                "frozenRowCount": 1}}, "fields": "gridProperties.frozenRowCount"}})
            changes.append(f"tab '{title}': cố định dòng tiêu đề")
        if width > props.get("gridProperties", {}).get("columnCount", 26):
            requests.insert(0, {"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                                    "length": width - props["gridProperties"]["columnCount"]}})
        existing_formats = {(f["ranges"][0].get("startColumnIndex"), condition_value(f))
                            for f in sheet.get("conditionalFormats", [])}
        for column in tab.columns:
            at = positions[fold(column.header)]
            column_range = {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": rows,
                            "startColumnIndex": at, "endColumnIndex": at + 1}
            rule = _validation(column)
            current = row2[at].get("dataValidation") if at < len(row2) else None
            if rule and current != rule:
                requests.append({"setDataValidation": {"range": column_range, "rule": rule}})
                changes.append(f"tab '{title}': danh sách chọn cho cột '{column.header}'")
            wanted = _format(column)
            current = row2[at].get("userEnteredFormat", {}) if at < len(row2) else {}
            if not same_format(current, wanted):
                requests.append({"repeatCell": {"range": column_range, "cell": {"userEnteredFormat": wanted},
                                                "fields": f"userEnteredFormat({','.join(wanted)})"}})
                changes.append(f"tab '{title}': định dạng cột '{column.header}'")
            width = width_in_pixels(column.width)
            if (pixels[at] if at < len(pixels) else 100) == 100 and width != 100:  # never undo a width someone chose
                requests.append({"updateDimensionProperties": {"range": {
                    "sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": at, "endIndex": at + 1},
                    "properties": {"pixelSize": width}, "fields": "pixelSize"}})
                changes.append(f"tab '{title}': độ rộng cột '{column.header}'")
            if column.status_colours:
                for status, colour in layout.status_fills.items():
                    if (at, status) not in existing_formats:
                        requests.append({"addConditionalFormatRule": {"index": 0, "rule": {
                            "ranges": [column_range], "booleanRule": {
                                "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": status}]},
                                "format": {"backgroundColor": rgb(colour)}}}}})
                        changes.append(f"tab '{title}': tô màu trạng thái '{status}'")
        requests += self._protections(tab, sheet, positions, layout, changes)
        return requests

    def _protections(self, tab: Any, sheet: dict[str, Any], positions: dict[str, int], layout: Layout,
                     changes: list[str]) -> list[dict[str, Any]]:
        """Unit tab: its registry emails and the Office; review column: the Office; flag columns and the
        job's tabs: the job's account alone. Keyed by description, so a second setup only updates editors."""
        sheet_id, title = sheet["properties"]["sheetId"], sheet["properties"]["title"]
        job_account, office = [self.account], list(layout.office_editors)
        wanted: list[tuple[str, dict[str, Any], list[str]]] = []
        whole = {"sheetId": sheet_id}
        flag_columns = [positions[fold(c.header)] for c in tab.columns if c.flag]
        if flag_columns:  # a unit tab
            wanted.append((f"thidua: tab đơn vị '{title}'", whole, [*tab.editors, *office, *job_account]))
            for number, column in enumerate(c for c in tab.columns if c.office):
                # The first is the review column, under the description earlier versions gave it.
                description = (f"thidua: ý kiến thẩm định '{title}'" if number == 0 else
                               f"thidua: cột '{column.header}' của Văn phòng '{title}'")
                at = positions[fold(column.header)]
                wanted.append((description, _columns(sheet_id, at, at + 1), [*office, *job_account]))
            wanted.append((f"thidua: cột của chương trình '{title}'",
                           _columns(sheet_id, min(flag_columns), max(flag_columns) + 1), job_account))
        elif title in (layout.registry_title, layout.guide_title):
            wanted.append((f"thidua: tab '{title}'", whole, [*office, *job_account]))
        else:  # Tổng hợp, Nhật ký
            wanted.append((f"thidua: tab '{title}'", whole, job_account))
        existing = {p.get("description"): p for p in sheet.get("protectedRanges", [])}
        requests: list[dict[str, Any]] = []
        for description, grid_range, editors in wanted:
            users = sorted(set(editors))
            current = existing.get(description)
            if current is None:
                requests.append({"addProtectedRange": {"protectedRange": {
                    "range": grid_range, "description": description, "warningOnly": False,
                    "editors": {"users": users}}}})
                changes.append(f"bảo vệ: {description.removeprefix('thidua: ')}")
            elif sorted(current.get("editors", {}).get("users", [])) != users:
                requests.append({"updateProtectedRange": {"protectedRange": {
                    "protectedRangeId": current["protectedRangeId"], "editors": {"users": users}},
                    "fields": "editors"}})
                changes.append(f"cập nhật người được sửa: {description.removeprefix('thidua: ')}")
        return requests

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


def _at(row: list[Any], at: int) -> Any:
    return row[at] if at < len(row) else None


def _id_cell(row: list[Any], at: int) -> str:
    return str(row[at]).strip().upper() if 0 <= at < len(row) and row[at] not in (None, "") else ""


def _format(column: Any) -> dict[str, Any]:
    """The cells of a column below its header: to the top, long text wrapped (Google then grows the
    row to fit), amounts grouped, the job's columns shaded. Only the fields named are set."""
    wanted: dict[str, Any] = {"verticalAlignment": "TOP"}
    if column.wrap:
        wanted["wrapStrategy"] = "WRAP"
    if column.grouped:
        wanted["numberFormat"] = GROUPED_NUMBER
    if column.flag:
        wanted["backgroundColor"] = rgb(FLAG_SHADE)
    return wanted


def _cells(sheet_id: int, row: int, column: int, values: list[list[str]]) -> dict[str, Any]:
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column},
                            "rows": [{"values": [{"userEnteredValue": {"stringValue": v}} for v in r]} for r in values],
                            "fields": "userEnteredValue"}}


def _columns(sheet_id: int, start: int, end: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "startColumnIndex": start, "endColumnIndex": end}


def _validation(column: Any) -> dict[str, Any] | None:
    if column.checkbox:
        return {"condition": {"type": "BOOLEAN"}, "strict": True}
    if column.choices:
        return {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in column.choices]},
                "strict": True, "showCustomUi": True}
    return None


def _row_ranges(tab: TabWrite, flags: RowFlags, sheet_row: int) -> list[dict[str, Any]]:
    """The flag cells of one row: one range when the flag columns are side by side, else one per cell."""
    cells = sorted((tab.flag_columns[key], value) for key, value in flags.values.items())
    first, last = cells[0][0], cells[-1][0]
    if last - first + 1 == len(cells):
        return [{"range": f"{quote(tab.title)}!{column_letter(first)}{sheet_row}", "values": [[v for _, v in cells]]}]
    return [{"range": f"{quote(tab.title)}!{column_letter(c)}{sheet_row}", "values": [[v]]} for c, v in cells]


def _grow(grid: dict[str, Any], height: int, width: int) -> list[dict[str, Any]]:
    props = grid.get("gridProperties", {})
    requests: list[dict[str, Any]] = []
    if height > props.get("rowCount", 1000):
        requests.append({"appendDimension": {"sheetId": grid["sheetId"], "dimension": "ROWS",
                                             "length": height - props.get("rowCount", 1000) + GROW_ROWS}})
    if width > props.get("columnCount", 26):
        requests.append({"appendDimension": {"sheetId": grid["sheetId"], "dimension": "COLUMNS",
                                             "length": width - props.get("columnCount", 26)}})
    return requests


def _plain(value: Any) -> Any:
    """A value as RAW input stores it readably: a date as dd/mm/yyyy text (the job reads it back)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def _padded(table: list[list[Any]], height: int, width: int) -> list[list[Any]]:
    """The new table over the old one, with "" where the old one had cells the new one lacks."""
    out = []
    for r in range(height):
        row = list(table[r]) if r < len(table) else []
        row = [("" if v is None else v) for v in row] + [""] * (width - len(row))
        out.append(row)
    return out
