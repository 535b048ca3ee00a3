"""The Sheets v4 subset: metadata, values get / batchGet / update / batchUpdate, spreadsheets.batchUpdate.

Recorded behaviour (gspread's cassettes): the metadata shape, quoted titles in returned ranges,
whole-column ranges clipped to the grid, trailing empty cells and rows trimmed, `updatedRange`
naming the cells written. Inferred from the discovery document: UNFORMATTED_VALUE /
SERIAL_NUMBER rendering, `null` in written values leaving a cell unchanged, the grid-limit error,
repeatCell of format fields and column widths (columnMetadata.pixelSize, 100 by default).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from tests.fake_google import a1
from tests.fake_google.model import (Answer, HttpError, Request, Route, Sheet, Spreadsheet, State, mask_paths, select,
                                     trim)

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



def spreadsheet_of(state: State, user: str, spreadsheet_id: str) -> Spreadsheet:
    spreadsheet = state.spreadsheets.get(spreadsheet_id)
    if spreadsheet is None:
        raise HttpError(404, "Requested entity was not found.")
    if user not in spreadsheet.editors:
        raise HttpError(403, "The caller does not have permission")
    return spreadsheet


# ------------------------------------------------------------------ metadata

def spreadsheet_get(state: State, request: Request, spreadsheet_id: str) -> Answer:
    spreadsheet = spreadsheet_of(state, request.user, spreadsheet_id)
    full = {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": {"title": spreadsheet.title, **copy.deepcopy(DEFAULT_PROPERTIES)},
        "sheets": [sheet_resource(s, i) for i, s in enumerate(spreadsheet.sheets)],
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet.spreadsheet_id}/edit",
    }
    if request.arg("includeGridData", "false").lower() == "true" and request.query.get("ranges"):
        full["sheets"] = _grid_data(spreadsheet, request.query["ranges"])
    fields = request.arg("fields")
    return 200, select(full, fields) if fields else full


def sheet_resource(sheet: Sheet, index: int) -> dict[str, Any]:
    grid: dict[str, Any] = {"rowCount": sheet.row_count, "columnCount": sheet.column_count}
    if sheet.frozen_rows:
        grid["frozenRowCount"] = sheet.frozen_rows
    if sheet.frozen_columns:
        grid["frozenColumnCount"] = sheet.frozen_columns
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
    if sheet.charts:
        resource["charts"] = copy.deepcopy(sheet.charts)
    return resource


def _grid_data(spreadsheet: Spreadsheet, ranges: list[str]) -> list[dict[str, Any]]:
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
            values = [_grid_cell(sheet, r, c) for c in range(grid.start_col or 0, c2)]
            while values and not values[-1]:
                values.pop()
            rows.append({"values": values} if values else {})
        entry = out.setdefault(sheet.title, {**sheet_resource(sheet, spreadsheet.sheets.index(sheet)), "data": []})
        columns = [{"pixelSize": sheet.column_pixels.get(c, DEFAULT_COLUMN_PIXELS)}
                   for c in range(grid.start_col or 0, c2)]
        entry["data"].append({"startRow": r1, "rowData": rows, "columnMetadata": columns})
    return list(out.values())


def _grid_cell(sheet: Sheet, r: int, c: int) -> dict[str, Any]:
    cell: dict[str, Any] = {}
    value = sheet.cell(r, c)
    if value is not None:
        key = ("boolValue" if isinstance(value, bool) else "numberValue"
               if isinstance(value, (int, float)) else "stringValue")
        cell["userEnteredValue"] = {key: value}
    if (r, c) in sheet.validations:
        cell["dataValidation"] = copy.deepcopy(sheet.validations[(r, c)])
    if sheet.formats.get((r, c)):
        cell["userEnteredFormat"] = copy.deepcopy(sheet.formats[(r, c)])
    return cell


# ------------------------------------------------------------------ values

def _read_range(spreadsheet: Spreadsheet, text: str, render: str) -> dict[str, Any]:
    grid = a1.parse(text)
    sheet = spreadsheet.sheet(grid.title)
    r1 = grid.start_row or 0
    r2 = min(grid.end_row if grid.end_row is not None else sheet.row_count, sheet.row_count)
    c1 = grid.start_col or 0
    c2 = min(grid.end_col if grid.end_col is not None else sheet.column_count, sheet.column_count)
    # Beyond the rows the sheet holds every cell is empty and trimmed away: the grid's million rows
    # are not walked (the answer is the same; the fake stays quick for a stray value far below).
    held = min(r2, len(sheet.rows))
    values = [[_render(sheet.cell(r, c), render) for c in range(c1, min(c2, len(sheet.rows[r])))]
              for r in range(r1, held)]
    result: dict[str, Any] = {"range": a1.format_range(sheet.title, r1, r2, c1, c2), "majorDimension": "ROWS"}
    trimmed = trim(values)
    if trimmed:
        result["values"] = trimmed
    return result


def values_batch_get(state: State, request: Request, spreadsheet_id: str) -> Answer:
    spreadsheet = spreadsheet_of(state, request.user, spreadsheet_id)
    render = request.arg("valueRenderOption", "FORMATTED_VALUE")
    ranges = [_read_range(spreadsheet, text, render) for text in request.query.get("ranges", [])]
    return 200, {"spreadsheetId": spreadsheet_id, "valueRanges": ranges}


def values_get(state: State, request: Request, spreadsheet_id: str, text: str) -> Answer:
    spreadsheet = spreadsheet_of(state, request.user, spreadsheet_id)
    return 200, _read_range(spreadsheet, text, request.arg("valueRenderOption", "FORMATTED_VALUE"))


def _write_range(spreadsheet: Spreadsheet, text: str, values: list[list[Any]], option: str) -> dict[str, Any]:
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


def values_put(state: State, request: Request, spreadsheet_id: str, text: str) -> Answer:
    spreadsheet = spreadsheet_of(state, request.user, spreadsheet_id)
    data = json.loads(request.body or b"{}")
    return 200, _write_range(spreadsheet, text, data.get("values", []), request.arg("valueInputOption"))


def values_batch_update(state: State, request: Request, spreadsheet_id: str) -> Answer:
    spreadsheet = spreadsheet_of(state, request.user, spreadsheet_id)
    data = json.loads(request.body or b"{}")
    snapshot = copy.deepcopy(spreadsheet.sheets)  # all or nothing, as the API
    try:
        responses = [_write_range(spreadsheet, item["range"], item.get("values", []), data.get("valueInputOption", ""))
                     for item in data.get("data", [])]
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


DEFAULT_COLUMN_PIXELS = 100  # a new sheet's column width (inferred from the Sheets UI)

# ------------------------------------------------------------------ spreadsheets.batchUpdate

def batch_update(state: State, request: Request, spreadsheet_id: str) -> Answer:
    spreadsheet = spreadsheet_of(state, request.user, spreadsheet_id)
    snapshot = copy.deepcopy(spreadsheet.sheets)  # all or nothing, as the API
    replies = []
    try:
        for item in json.loads(request.body or b"{}").get("requests", []):
            (kind, args), = item.items()
            change = STRUCTURAL.get(kind)
            if change is None:
                raise HttpError(400, f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[0]'")
            replies.append(change(state, spreadsheet, args))
    except HttpError:
        spreadsheet.sheets = snapshot
        raise
    return 200, {"spreadsheetId": spreadsheet_id, "replies": replies}


def _sheet_by_id(spreadsheet: Spreadsheet, sheet_id: int, kind: str) -> Sheet:
    for sheet in spreadsheet.sheets:
        if sheet.sheet_id == sheet_id:
            return sheet
    raise HttpError(400, f"Invalid requests[0].{kind}: No grid with id: {sheet_id}")


def _add_sheet(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
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
    return {"addSheet": {"properties": sheet_resource(sheet, index)["properties"]}}


def _delete_sheet(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    sheet = _sheet_by_id(spreadsheet, args["sheetId"], "deleteSheet")
    if len(spreadsheet.sheets) == 1:
        raise HttpError(400, "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document.")
    spreadsheet.sheets.remove(sheet)
    return {}


def _append_dimension(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    sheet = _sheet_by_id(spreadsheet, args["sheetId"], "appendDimension")
    if args["dimension"] == "ROWS":
        sheet.row_count += args["length"]
    else:
        sheet.column_count += args["length"]
    return {}


def _rows_dimension(kind: str) -> Callable[[State, Spreadsheet, dict[str, Any]], dict[str, Any]]:
    """insertDimension / deleteDimension, on rows (what units do while the job runs)."""
    def change(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        sheet = _sheet_by_id(spreadsheet, args["range"]["sheetId"], kind)
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
    return change


def _update_sheet_properties(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    sheet = _sheet_by_id(spreadsheet, args["properties"]["sheetId"], "updateSheetProperties")
    fields = args.get("fields", "*")
    paths = mask_paths(fields)
    grid = args["properties"].get("gridProperties", {})
    if {"gridProperties", "gridProperties.frozenRowCount"} & paths or fields == "*":
        sheet.frozen_rows = grid.get("frozenRowCount", 0)
    if {"gridProperties", "gridProperties.frozenColumnCount"} & paths or fields == "*":
        sheet.frozen_columns = grid.get("frozenColumnCount", 0)
    if "hidden" in paths or fields == "*":
        sheet.hidden = bool(args["properties"].get("hidden", False))
    if "title" in paths or fields == "*":
        sheet.title = args["properties"].get("title", sheet.title)
    return {}


def _update_cells(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    start = args["start"]
    sheet = _sheet_by_id(spreadsheet, start["sheetId"], "updateCells")
    for r, row in enumerate(args.get("rows", [])):
        for c, cell in enumerate(row.get("values", [])):
            entered = cell.get("userEnteredValue")
            if entered:
                sheet.set(start.get("rowIndex", 0) + r, start.get("columnIndex", 0) + c, next(iter(entered.values())))
    return {}


def _set_data_validation(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    target = args["range"]
    sheet = _sheet_by_id(spreadsheet, target["sheetId"], "setDataValidation")
    for r in range(target.get("startRowIndex", 0), target.get("endRowIndex", sheet.row_count)):
        for c in range(target.get("startColumnIndex", 0), target.get("endColumnIndex", sheet.column_count)):
            if args.get("rule"):
                sheet.validations[(r, c)] = copy.deepcopy(args["rule"])
            else:
                sheet.validations.pop((r, c), None)
    return {}


def _repeat_cell(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    """repeatCell of userEnteredFormat fields only (what setup sends): each field the mask names is
    set from the given format, or cleared when the format leaves it out."""
    target = args["range"]
    sheet = _sheet_by_id(spreadsheet, target["sheetId"], "repeatCell")
    paths = mask_paths(args.get("fields", ""))
    if not paths or any(not p.startswith("userEnteredFormat.") for p in paths):
        raise HttpError(400, "repeatCell: this fake supports only fields=userEnteredFormat(…)")
    given = args.get("cell", {}).get("userEnteredFormat", {})
    for r in range(target.get("startRowIndex", 0), target.get("endRowIndex", sheet.row_count)):
        for c in range(target.get("startColumnIndex", 0), target.get("endColumnIndex", sheet.column_count)):
            current = sheet.formats.setdefault((r, c), {})
            for path in paths:  # "userEnteredFormat.textFormat.bold": that leaf only
                *parents, leaf = path.split(".")[1:]
                source: Any = given
                target_format = current
                for name in parents:
                    source = source.get(name, {}) if isinstance(source, dict) else {}
                    target_format = target_format.setdefault(name, {})
                if isinstance(source, dict) and leaf in source:
                    target_format[leaf] = copy.deepcopy(source[leaf])
                else:
                    target_format.pop(leaf, None)
    return {}


def _update_dimension_properties(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    target = args["range"]
    sheet = _sheet_by_id(spreadsheet, target["sheetId"], "updateDimensionProperties")
    if target.get("dimension") != "COLUMNS" or args.get("fields") != "pixelSize":
        raise HttpError(400, "updateDimensionProperties: this fake supports only column pixelSize")
    for c in range(target["startIndex"], target["endIndex"]):
        sheet.column_pixels[c] = args["properties"]["pixelSize"]
    return {}


def _add_conditional_format_rule(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    rule = args["rule"]
    sheet = _sheet_by_id(spreadsheet, rule["ranges"][0]["sheetId"], "addConditionalFormatRule")
    sheet.conditional_formats.insert(args.get("index", 0), copy.deepcopy(rule))
    return {}


def _add_protected_range(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    protected = copy.deepcopy(args["protectedRange"])
    sheet = _sheet_by_id(spreadsheet, protected["range"]["sheetId"], "addProtectedRange")
    protected["protectedRangeId"] = state.next_number()
    sheet.protected_ranges.append(protected)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}


def _update_protected_range(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    wanted = args["protectedRange"]
    for sheet in spreadsheet.sheets:
        for protected in sheet.protected_ranges:
            if protected["protectedRangeId"] == wanted["protectedRangeId"]:
                for name in args.get("fields", "").split(","):
                    if name.strip() in wanted:
                        protected[name.strip()] = copy.deepcopy(wanted[name.strip()])
                return {}
    raise HttpError(400, f"No protected range with id: {wanted['protectedRangeId']}")


def _chart_sources(spreadsheet: Spreadsheet, spec: dict[str, Any], kind: str) -> None:
    """As the API: every source range on an existing grid, exactly one of its dimensions of length 1."""
    basic = spec.get("basicChart", {})
    for area in [d.get("domain", {}) for d in basic.get("domains", [])] + [
            s.get("series", {}) for s in basic.get("series", [])]:
        for source in area.get("sourceRange", {}).get("sources", []):
            _sheet_by_id(spreadsheet, source.get("sheetId", 0), kind)
            rows = source.get("endRowIndex", 0) - source.get("startRowIndex", 0)
            columns = source.get("endColumnIndex", 0) - source.get("startColumnIndex", 0)
            if rows < 1 or columns < 1 or (rows != 1 and columns != 1):
                raise HttpError(400, f"Invalid requests[0].{kind}: The chart source range must have exactly one "
                                     "dimension of length 1.")


def _add_chart(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    chart = copy.deepcopy(args["chart"])
    anchor = chart.get("position", {}).get("overlayPosition", {}).get("anchorCell", {})
    sheet = _sheet_by_id(spreadsheet, anchor.get("sheetId", 0), "addChart")
    _chart_sources(spreadsheet, chart.get("spec", {}), "addChart")
    chart["chartId"] = state.next_number()
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def _update_chart_spec(state: State, spreadsheet: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    _chart_sources(spreadsheet, args["spec"], "updateChartSpec")
    for sheet in spreadsheet.sheets:
        for chart in sheet.charts:
            if chart["chartId"] == args["chartId"]:
                chart["spec"] = copy.deepcopy(args["spec"])
                return {}
    raise HttpError(400, f"Invalid requests[0].updateChartSpec: No chart with id: {args['chartId']}")


STRUCTURAL: dict[str, Callable[[State, Spreadsheet, dict[str, Any]], dict[str, Any]]] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "appendDimension": _append_dimension,
    "insertDimension": _rows_dimension("insertDimension"),
    "deleteDimension": _rows_dimension("deleteDimension"),
    "updateSheetProperties": _update_sheet_properties,
    "updateCells": _update_cells,
    "setDataValidation": _set_data_validation,
    "repeatCell": _repeat_cell,
    "updateDimensionProperties": _update_dimension_properties,
    "addConditionalFormatRule": _add_conditional_format_rule,
    "addProtectedRange": _add_protected_range,
    "updateProtectedRange": _update_protected_range,
    "addChart": _add_chart,
    "updateChartSpec": _update_chart_spec,
}

ROUTES: list[Route] = [
    ("GET", r"/v4/spreadsheets/([^/:]+)/values:batchGet", values_batch_get),
    ("POST", r"/v4/spreadsheets/([^/:]+)/values:batchUpdate", values_batch_update),
    ("GET", r"/v4/spreadsheets/([^/:]+)/values/(.+)", values_get),
    ("PUT", r"/v4/spreadsheets/([^/:]+)/values/(.+)", values_put),
    ("POST", r"/v4/spreadsheets/([^/:]+):batchUpdate", batch_update),
    ("GET", r"/v4/spreadsheets/([^/:]+)", spreadsheet_get),
]
