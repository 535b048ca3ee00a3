"""Keeping the fake honest: replay what the real Google APIs answered, check shapes against discovery.

1. Replay: every recorded gspread test (google-reference/gspread-cassettes) whose requests stay
   within the endpoints thidua uses is sent, request by request, to a fresh fake; its status and
   body must equal the recording, ids aside (ids the fake makes up are mapped to the recorded
   ones as they appear) and timestamps aside.
2. Discovery: the fake's answers to the requests thidua makes are validated against the JSON
   schemas of sheets.v4.json and drive.v3.json.

The recordings and the discovery documents live in tests/fake_google/reference (with their
licences), so these tests run in every clone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fake_google.server import FakeGoogle

REFERENCE = Path(__file__).resolve().parent / "fake_google" / "reference"  # copied from shared/google-reference
CASSETTES = REFERENCE / "gspread-cassettes"
USER = "gspread-recorder@example.iam.gserviceaccount.com"
VOLATILE = {"createdTime", "modifiedTime"}
# Recorded tests whose requests all fall in the subset thidua uses (metadata, values get / batchGet /
# batchUpdate / update, spreadsheets.batchUpdate with sheets and dimensions, Drive get / create / delete).
REPLAYED = [
    "CellTest.test_a1_value", "CellTest.test_equality", "CellTest.test_numeric_value", "CellTest.test_properties",
    "ClientTest.test_access_non_existing_spreadsheet", "ClientTest.test_create",
    "ClientTest.test_open_by_key_has_metadata", "SpreadsheetTest.test_add_del_worksheet",
    "SpreadsheetTest.test_creationTime_prop", "SpreadsheetTest.test_get_worksheet",
    "SpreadsheetTest.test_get_worksheet_by_id", "SpreadsheetTest.test_properties", "SpreadsheetTest.test_sheet1",
    "SpreadsheetTest.test_values_batch_get", "SpreadsheetTest.test_values_get", "SpreadsheetTest.test_worksheet",
    "SpreadsheetTest.test_worksheet_iteration", "SpreadsheetTest.test_worksheets",
]


class IdMap:
    """Recorded ids ↔ the fake's ids, learnt from the answers that create them."""

    def __init__(self) -> None:
        self.to_fake: dict[str, str] = {}

    def learn(self, recorded: Any, actual: Any) -> None:
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for key in ("id", "spreadsheetId", "sheetId"):
                if key in recorded and key in actual and str(recorded[key]) != str(actual[key]):
                    self.to_fake.setdefault(str(recorded[key]), str(actual[key]))
            for key in recorded.keys() & actual.keys():
                self.learn(recorded[key], actual[key])
        elif isinstance(recorded, list) and isinstance(actual, list):
            for r, a in zip(recorded, actual):
                self.learn(r, a)

    def request(self, text: str) -> str:
        for recorded, fake in sorted(self.to_fake.items(), key=lambda kv: -len(kv[0])):
            text = re.sub(rf"(?<![\w-]){re.escape(recorded)}(?![\w-])", fake, text)
        return text

    def back(self, value: Any) -> Any:
        reverse = {fake: recorded for recorded, fake in self.to_fake.items()}
        if isinstance(value, dict):
            return {k: self.back(v) for k, v in value.items() if k not in VOLATILE}
        if isinstance(value, list):
            return [self.back(v) for v in value]
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value)
            for fake, recorded in sorted(reverse.items(), key=lambda kv: -len(kv[0])):
                text = text.replace(fake, recorded)
            return int(text) if isinstance(value, int) and text.lstrip("-").isdigit() else text
        return value


def _body(response: dict[str, Any]) -> Any:
    text = response["body"]["string"]
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


@pytest.mark.parametrize("name", REPLAYED)
def test_the_fake_answers_as_google_did(name):
    interactions = json.loads((CASSETTES / f"{name}.json").read_text(encoding="utf-8"))["interactions"]
    with FakeGoogle() as fake:
        fake.tokens["recorded-token"] = USER
        ids = IdMap()
        session = requests.Session()
        for number, interaction in enumerate(interactions):
            request, recorded = interaction["request"], interaction["response"]
            url = urllib.parse.urlsplit(ids.request(request["uri"]))
            target = fake.root + url.path + (f"?{url.query}" if url.query else "")
            body = ids.request(request["body"]).encode("utf-8") if request["body"] else None
            answer = session.request(request["method"], target, data=body, headers={
                "Authorization": "Bearer recorded-token", "Content-Type": "application/json"})
            where = f"{name} #{number}: {request['method']} {request['uri'][:120]}"
            assert answer.status_code == recorded["status"]["code"], f"{where}\n{answer.text[:500]}"
            expected = _body(recorded)
            actual = answer.json() if answer.content else None
            ids.learn(expected, actual)
            assert ids.back(actual) == _strip(expected), where


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


# ------------------------------------------------------------------ discovery schemas

def _schemas(name: str) -> dict[str, Any]:
    return json.loads((REFERENCE / "discovery" / name).read_text(encoding="utf-8"))["schemas"]


def _check(value: Any, schema: dict[str, Any], schemas: dict[str, Any], where: str, problems: list[str]) -> None:
    if "$ref" in schema:
        schema = schemas[schema["$ref"]]
    kind = schema.get("type", "any")
    if kind == "any" or value is None:
        return
    if kind == "object":
        if not isinstance(value, dict):
            problems.append(f"{where}: expected an object, got {type(value).__name__}")
            return
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if properties and key in properties:
                _check(item, properties[key], schemas, f"{where}.{key}", problems)
            elif extra:
                _check(item, extra, schemas, f"{where}.{key}", problems)
            else:
                problems.append(f"{where}.{key}: not in the schema")
    elif kind == "array":
        if not isinstance(value, list):
            problems.append(f"{where}: expected an array")
            return
        for i, item in enumerate(value):
            _check(item, schema.get("items", {}), schemas, f"{where}[{i}]", problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{where}: expected a string, got {value!r}")
    elif kind == "integer":
        if schema.get("format") in ("int64", "uint64"):
            ok = isinstance(value, str) and value.lstrip("-").isdigit()
        else:
            ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok:
            problems.append(f"{where}: expected an integer ({schema.get('format')}), got {value!r}")
    elif kind == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{where}: expected a number, got {value!r}")
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append(f"{where}: expected a boolean, got {value!r}")


RESPONSES = [  # (method, path pattern) → schema, for every request thidua makes
    ("GET", r"/v4/spreadsheets/[^/:]+/values:batchGet", "sheets.v4.json", "BatchGetValuesResponse"),
    ("POST", r"/v4/spreadsheets/[^/:]+/values:batchUpdate", "sheets.v4.json", "BatchUpdateValuesResponse"),
    ("POST", r"/v4/spreadsheets/[^/:]+:batchUpdate", "sheets.v4.json", "BatchUpdateSpreadsheetResponse"),
    ("GET", r"/v4/spreadsheets/[^/:]+", "sheets.v4.json", "Spreadsheet"),
    ("GET", r"/drive/v3/files", "drive.v3.json", "FileList"),
    ("POST", r"/drive/v3/files", "drive.v3.json", "File"),
    ("PATCH", r"/drive/v3/files/[^/]+", "drive.v3.json", "File"),
    ("POST", r"/upload/drive/v3/files", "drive.v3.json", "File"),
    ("PATCH", r"/upload/drive/v3/files/[^/]+", "drive.v3.json", "File"),
]


def test_the_fakes_answers_to_thiduas_requests_match_the_discovery_schemas(tmp_path, fake, credentials_file):
    from automation.demo import build_demo
    from automation.operations import set_up_spreadsheet, sync_once
    from tests.fake_google.fixtures import ACCOUNT, OFFICE, google_settings, workbook_merges, workbook_tabs
    now = dt.datetime(2022, 1, 10, 9, 30)  # after every date in the demo
    demo = build_demo(tmp_path / "demo")
    spreadsheet_id = fake.add_spreadsheet(workbook_tabs(demo.workbook), editors={ACCOUNT, OFFICE},
                                          merges=workbook_merges(demo.workbook))
    drive = fake.add_shared_drive("Thi đua", members={ACCOUNT})
    settings = google_settings(fake, credentials_file, spreadsheet_id, fake.add_folder("Hồ sơ", drive, drive_id=drive))
    set_up_spreadsheet(settings)  # the grid answers too: formats, validations, column widths
    sync_once(settings, now=now)
    sheet = fake.spreadsheets[spreadsheet_id].sheet("P1")
    header = sheet.rows[0]
    sheet.rows[1][header.index("Chức vụ")] = "Kiểm sát viên cao cấp"  # something to update, something to archive
    sheet.rows[2][header.index("Số bộ hồ sơ bản chính đã nộp")] = 0
    sync_once(settings, now=now)
    checked, problems = set(), []
    for request in fake.requests:
        if request.api not in ("sheets", "drive") or not request.response:
            continue
        method_and_schema = next(((f, s) for m, p, f, s in RESPONSES
                                  if m == request.method and re.fullmatch(p, request.path)), None)
        assert method_and_schema, f"a request thidua makes has no schema here: {request.method} {request.path}"
        document, schema = method_and_schema
        body = json.loads(request.response)
        if "error" in body:
            continue
        schemas = _schemas(document)
        _check(body, schemas[schema], schemas, f"{request.method} {request.path.split('/')[-1]} {schema}", problems)
        checked.add(schema)
    assert problems == []
    assert checked == {s for *_, s in RESPONSES}  # every kind of answer was exercised


REQUESTS = [  # (method, path pattern) → schema of the body thidua sends
    ("POST", r"/v4/spreadsheets/[^/:]+/values:batchUpdate", "BatchUpdateValuesRequest"),
    ("POST", r"/v4/spreadsheets/[^/:]+:batchUpdate", "BatchUpdateSpreadsheetRequest"),
]


def test_what_thidua_sends_to_sheets_matches_the_discovery_schemas(tmp_path, fake, credentials_file):
    """The fake accepts what it understands; the real API refuses a field it does not know. Every
    body setup and the sync send (tabs, formats, protections, charts, their moves) is checked."""
    from automation.demo import build_demo
    from automation.operations import set_up_spreadsheet, sync_once
    from tests.fake_google.fixtures import ACCOUNT, OFFICE, google_settings, workbook_merges, workbook_tabs
    demo = build_demo(tmp_path / "demo")
    spreadsheet_id = fake.add_spreadsheet(workbook_tabs(demo.workbook), editors={ACCOUNT, OFFICE},
                                          merges=workbook_merges(demo.workbook))
    drive = fake.add_shared_drive("Thi đua", members={ACCOUNT})
    settings = google_settings(fake, credentials_file, spreadsheet_id, fake.add_folder("Hồ sơ", drive, drive_id=drive))
    set_up_spreadsheet(settings)
    sync_once(settings, now=dt.datetime(2022, 1, 10, 9, 30))
    registry = fake.spreadsheets[spreadsheet_id].sheet("Đơn vị").rows
    registry.append(["ZZ", "Đơn vị mới", "ZZ", *registry[1][3:]])  # the charts' ranges move
    sync_once(settings, now=dt.datetime(2022, 1, 10, 10, 30))
    schemas, problems, kinds = _schemas("sheets.v4.json"), [], set()
    for request in fake.requests:
        schema = next((s for m, p, s in REQUESTS if m == request.method and re.fullmatch(p, request.path)), None)
        if schema is None:
            continue
        body = json.loads(request.body)
        kinds |= {kind for item in body.get("requests", []) for kind in item}
        _check(body, schemas[schema], schemas, f"{request.path.split('/')[-1]} {schema}", problems)
    assert problems == []
    assert {"addSheet", "repeatCell", "addChart", "updateChartSpec", "addConditionalFormatRule",
            "addProtectedRange", "updateSheetProperties", "updateDimensionProperties"} <= kinds


@pytest.mark.parametrize("body, words", [
    ({"files": [{"id": 3}]}, "expected a string"),
    ({"files": [{"id": "x", "colour": "red"}]}, "not in the schema"),
    ({"files": [{"version": 7}]}, "expected a string"),  # int64 travels as a string in JSON
])
def test_the_schema_check_catches_a_wrong_answer(body, words):
    problems: list[str] = []
    schemas = _schemas("drive.v3.json")
    _check(body, schemas["FileList"], schemas, "FileList", problems)
    assert problems and words in problems[0]
