"""Tổng hợp on Google Sheets: its dress and its two charts, as batchUpdate requests.

`thidua setup` dresses the tab (column widths, the unit's columns frozen, the header wrapped and
shaded by group, the totals in bold by a rule that follows them wherever they fall) and places
the charts once. Each sync writes values only; when the number of unit rows changed, it moves the
charts' ranges in the batchUpdate it sends for grid repairs — so a steady-state sync pays nothing.
Google grows a wrapped row by itself. Print settings are not in the Sheets API: on Google the
Office prints with Tệp ▸ In (File ▸ Print), "Vừa với chiều rộng" (Fit to width), as the guide says.
"""

from __future__ import annotations

import copy
from typing import Any

from automation.sheets import GROUP_SHADES, STATUS_CHART, STATUS_CHART_COLOURS, TIER_CHART, OverviewLayout

PIXELS_PER_CHARACTER = 7
HEADER_FORMAT_FIELDS = ("backgroundColor", "wrapStrategy", "verticalAlignment", "textFormat.bold")
ROW_PIXELS = 21  # Google's default row height: where the second chart starts


def rgb(hex_colour: str) -> dict[str, float]:
    red, green, blue = (int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 4), "green": round(green, 4), "blue": round(blue, 4)}


def width_in_pixels(characters: int) -> int:
    return characters * PIXELS_PER_CHARACTER + 5


def dress(sheet: dict[str, Any], row1: list[dict[str, Any]], row2: list[dict[str, Any]], pixels: list[int],
          layout: OverviewLayout, changes: list[str]) -> list[dict[str, Any]]:
    """What Tổng hợp lacks of its dress, and only that: a width nobody chose (Google's 100 px), the
    frozen header and unit columns, a header cell without its group's shade, the body wrapped and
    read from the top, the rule that makes the totals bold."""
    props = sheet["properties"]
    sheet_id, title = props["sheetId"], props["title"]
    grid = props.get("gridProperties", {})
    requests: list[dict[str, Any]] = []
    if (grid.get("frozenRowCount", 0), grid.get("frozenColumnCount", 0)) != (1, layout.frozen_columns):
        requests.append({"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": {
            "frozenRowCount": 1, "frozenColumnCount": layout.frozen_columns}},
            "fields": "gridProperties(frozenRowCount,frozenColumnCount)"}})
        changes.append(f"tab '{title}': cố định dòng tiêu đề và các cột đơn vị")
    if len(layout.widths) > grid.get("columnCount", 26):
        requests.append({"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                             "length": len(layout.widths) - grid.get("columnCount", 26)}})
    widened = 0
    for at, characters in enumerate(layout.widths):
        wanted = width_in_pixels(characters)
        if (pixels[at] if at < len(pixels) else 100) == 100 and wanted != 100:  # never undo a width someone chose
            requests.append({"updateDimensionProperties": {"range": {
                "sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": at, "endIndex": at + 1},
                "properties": {"pixelSize": wanted}, "fields": "pixelSize"}})
            widened += 1
    if widened:
        changes.append(f"tab '{title}': độ rộng {widened} cột")
    for number, (first, last) in enumerate(layout.groups):
        wanted_format = header_format(GROUP_SHADES[number % 2])
        if any(not same_format(row1[c].get("userEnteredFormat", {}) if c < len(row1) else {}, wanted_format)
               for c in range(first, last + 1)):
            requests.append({"repeatCell": {
                "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1,
                          "startColumnIndex": first, "endColumnIndex": last + 1},
                "cell": {"userEnteredFormat": wanted_format},
                "fields": f"userEnteredFormat({','.join(HEADER_FORMAT_FIELDS)})"}})
            changes.append(f"tab '{title}': tô màu nhóm tiêu đề {number + 1}")
    body = row2 if row2 else []
    if any(not same_format(body[c].get("userEnteredFormat", {}) if c < len(body) else {}, BODY_FORMAT)
           for c in range(len(layout.widths))):
        requests.append({"repeatCell": {
            "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": 0,
                      "endColumnIndex": len(layout.widths)},
            "cell": {"userEnteredFormat": BODY_FORMAT}, "fields": "userEnteredFormat(wrapStrategy,verticalAlignment)"}})
        changes.append(f"tab '{title}': xuống dòng, căn trên")
    formula = totals_formula(layout)
    if not any(_formula_of(rule) == formula for rule in sheet.get("conditionalFormats", [])):
        requests.append({"addConditionalFormatRule": {"index": 0, "rule": {
            "ranges": [{"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": 0,
                        "endColumnIndex": len(layout.widths)}],  # no end row: the totals wherever they fall
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]},
                            "format": {"textFormat": {"bold": True}}}}}})
        changes.append(f"tab '{title}': in đậm dòng {layout.total_label}")
    return requests


def header_format(shade: str) -> dict[str, Any]:
    return {"backgroundColor": rgb(shade), "wrapStrategy": "WRAP", "verticalAlignment": "MIDDLE",
            "textFormat": {"bold": True}}


def totals_formula(layout: OverviewLayout) -> str:
    """Bold where `OverviewLayout.is_bold` says: the totals rows, the header of the block below."""
    return f'=OR($A2="{layout.total_label}",$A2="{layout.block_label}")'


BODY_FORMAT = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}


def place_charts(sheet: dict[str, Any], layout: OverviewLayout, units: int, changes: list[str]
                 ) -> list[dict[str, Any]]:
    """The charts Tổng hợp lacks (known by their titles: the Office may move, resize or restyle them)."""
    present = {chart.get("spec", {}).get("title") for chart in sheet.get("charts", [])}
    props = sheet["properties"]
    requests = []
    top = 1
    for title in (STATUS_CHART, TIER_CHART):
        height = status_chart_height(units) if title == STATUS_CHART else 320
        if title not in present:
            requests.append({"addChart": {"chart": {
                "spec": chart_spec(title, props["sheetId"], layout, units),
                "position": {"overlayPosition": {
                    "anchorCell": {"sheetId": props["sheetId"], "rowIndex": top, "columnIndex": len(layout.widths) + 1},
                    "widthPixels": 600, "heightPixels": height}}}}})
            changes.append(f"tab '{props['title']}': biểu đồ '{title}'")
        top += -(-height // ROW_PIXELS) + 2
    return requests


def move_charts(sheet_id: int, charts: list[dict[str, Any]], layout: OverviewLayout, units: int
                ) -> list[dict[str, Any]]:
    """The sync's part: a chart whose ranges no longer cover the unit rows just written gets them,
    the rest of its spec (what the Office restyled) kept."""
    requests = []
    for chart in charts:
        spec = chart.get("spec", {})
        if spec.get("title") not in (STATUS_CHART, TIER_CHART):
            continue
        wanted = chart_spec(spec["title"], sheet_id, layout, units)
        if _sources(spec) == _sources(wanted):
            continue
        moved = copy.deepcopy(spec)
        basic = moved.get("basicChart", {})
        if (len(basic.get("domains", [])), len(basic.get("series", []))) == (
                len(wanted["basicChart"]["domains"]), len(wanted["basicChart"]["series"])):
            for mine, theirs in zip(basic["domains"], wanted["basicChart"]["domains"]):
                mine["domain"]["sourceRange"] = theirs["domain"]["sourceRange"]
            for mine, theirs in zip(basic["series"], wanted["basicChart"]["series"]):
                mine["series"]["sourceRange"] = theirs["series"]["sourceRange"]
        else:  # no longer a chart of ours in shape: drawn again as setup draws it
            moved = wanted
        requests.append({"updateChartSpec": {"chartId": chart["chartId"], "spec": moved}})
    return requests


def chart_spec(title: str, sheet_id: int, layout: OverviewLayout, units: int) -> dict[str, Any]:
    """Statuses per unit: a stacked bar per unit row (its code), a series per status with its
    colour. Nominees per tier: a column per tier, from the header and the totals row."""
    def area(top: int, bottom: int, left: int, right: int) -> dict[str, Any]:
        return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": top, "endRowIndex": bottom,
                                             "startColumnIndex": left, "endColumnIndex": right}]}}
    if title == STATUS_CHART:
        first, last = layout.statuses
        return {"title": title, "basicChart": {
            "chartType": "BAR", "stackedType": "STACKED", "legendPosition": "BOTTOM_LEGEND", "headerCount": 1,
            "axis": [{"position": "BOTTOM_AXIS", "title": "Số dòng"}],
            "domains": [{"domain": area(0, 1 + units, 0, 1)}],
            "series": [{"series": area(0, 1 + units, c, c + 1), "targetAxis": "BOTTOM_AXIS",
                        "colorStyle": {"rgbColor": rgb(colour)}}
                       for c, colour in zip(range(first, last + 1), STATUS_CHART_COLOURS)]}}
    first, last = layout.proposed
    return {"title": title, "basicChart": {
        "chartType": "COLUMN", "legendPosition": "NO_LEGEND", "headerCount": 0,
        "axis": [{"position": "LEFT_AXIS", "title": "Số đề nghị"}],
        "domains": [{"domain": area(0, 1, first, last + 1)}],
        "series": [{"series": area(1 + units, 2 + units, first, last + 1), "targetAxis": "LEFT_AXIS"}]}}


def status_chart_height(units: int) -> int:
    return max(320, 28 * units + 140)


RANGE_FIELDS = ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")


def _sources(spec: dict[str, Any]) -> list[list[tuple[int, ...]]]:
    """A chart's ranges, compared as Google answers them (a field equal to 0 is left out)."""
    basic = spec.get("basicChart", {})
    areas = ([d.get("domain", {}) for d in basic.get("domains", [])]
             + [s.get("series", {}) for s in basic.get("series", [])])
    return [[tuple(g.get(name, 0) for name in RANGE_FIELDS) for g in a.get("sourceRange", {}).get("sources", [])]
            for a in areas]


def same_format(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether a cell's format already holds every field wanted. Colours are compared on the 0–255
    scale (Google answers 0.8666667 for what was sent as 0.8667, and leaves out a 0 component);
    a nested format compares only the fields wanted (a font size the Office chose is theirs)."""
    for name, value in wanted.items():
        have = current.get(name)
        if name == "backgroundColor":
            if not isinstance(have, dict) or any(round(have.get(c, 0) * 255) != round(value.get(c, 0) * 255)
                                                 for c in ("red", "green", "blue")):
                return False
        elif isinstance(value, dict):
            if not same_format(have if isinstance(have, dict) else {}, value):
                return False
        elif have != value:
            return False
    return True


def condition_value(rule: dict[str, Any]) -> str | None:
    """The first value of a conditional format's condition: the text it matches, or its formula."""
    values = rule.get("booleanRule", {}).get("condition", {}).get("values") or [{}]
    return values[0].get("userEnteredValue")


def _formula_of(rule: dict[str, Any]) -> str | None:
    is_formula = rule.get("booleanRule", {}).get("condition", {}).get("type") == "CUSTOM_FORMULA"
    return condition_value(rule) if is_formula else None
