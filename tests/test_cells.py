"""Cells → typed values, and headers → columns: the table of everything units type (automation.cells)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from automation.cells import parse_cell
from automation.schema import locate_columns
from automation.sheets import Formula
from automation.text import fold
from tests.builders import TODAY, headers


def parse(schema, key, raw):
    return parse_cell(schema.column(key), raw, today=TODAY)


@pytest.mark.parametrize("raw, expected", [
    (dt.datetime(2021, 11, 15, 0, 0), dt.date(2021, 11, 15)),  # a real date cell (openpyxl)
    (dt.date(2021, 11, 15), dt.date(2021, 11, 15)),
    (44515, dt.date(2021, 11, 15)),  # a serial number (Sheets SERIAL_NUMBER rendering)
    (44515.75, dt.date(2021, 11, 15)),  # a serial with a time of day
    ("15/11/2021", dt.date(2021, 11, 15)),
    ("5/1/2022", dt.date(2022, 1, 5)),
    (" 15-11-2021 ", dt.date(2021, 11, 15)),
    ("15.11.2021", dt.date(2021, 11, 15)),
    ("2021-11-15", dt.date(2021, 11, 15)),
])
def test_dates_are_read_in_every_form_units_type(schema, raw, expected):
    cell = parse(schema, "proposed_on", raw)
    assert cell.problem is None and cell.value == expected


@pytest.mark.parametrize("raw, words", [
    ("31/02/2021", "không tồn tại"),
    ("29/02/2022", "không tồn tại"),
    ("15/13/2021", "không tồn tại"),
    ("15/11/21", "bốn chữ số"),
    ("ngày 15 tháng 11", "dd/mm/yyyy"),
    (True, "không phải là ngày"),
    (-5, "không phải là ngày"),
])
def test_impossible_dates_are_invalid_and_say_why(schema, raw, words):
    cell = parse(schema, "proposed_on", raw)
    assert cell.value is None and cell.problem.kind == "invalid"
    assert words in cell.problem.message and "dd/mm/yyyy" in cell.problem.message  # the hint says how to fix


@pytest.mark.parametrize("key, raw, expected", [
    ("copies_submitted", 5, 5),
    ("copies_submitted", 5.0, 5),
    ("copies_submitted", "05", 5),  # a number typed as text
    ("copies_submitted", " 2 ", 2),
    ("copies_submitted", "3.0", 3),
    ("birth_year", "1985", 1985),
    ("birth_year", 1985.0, 1985),
    ("material_contribution", "50.000.000", 50_000_000),
    ("material_contribution", "50,000,000 đ", 50_000_000),
    ("material_contribution", "1 500 000 đồng", 1_500_000),
    ("material_contribution", "2,5", 2.5),
    ("material_contribution", 0, 0),
])
def test_numbers_typed_as_text_are_accepted(schema, key, raw, expected):
    cell = parse(schema, key, raw)
    assert cell.problem is None and cell.value == expected


@pytest.mark.parametrize("key, raw, words", [
    ("copies_submitted", "hai", "không phải là số nguyên"),
    ("copies_submitted", 2.5, "không phải là số nguyên"),
    ("copies_submitted", -1, "nhỏ hơn 0"),
    ("copies_submitted", True, "không phải là số nguyên"),
    ("birth_year", "khoảng 1980", "không phải là năm"),
    ("birth_year", 1939, "ngoài khoảng 1940–2003"),  # TODAY is 2021: at least 18 years old
    ("birth_year", 2004, "ngoài khoảng 1940–2003"),
    ("material_contribution", "nhiều", "không phải là số"),
    ("material_contribution", -100, "số âm"),
    ("material_contribution", dt.datetime(2021, 1, 1), "không phải là số"),
])
def test_text_in_number_columns_is_invalid(schema, key, raw, words):
    cell = parse(schema, key, raw)
    assert cell.problem.kind == "invalid" and words in cell.problem.message


@pytest.mark.parametrize("raw, expected", [
    (True, True), (False, False), ("TRUE", True), ("FALSE", False), ("Có", True), ("có", True),
    ("Không", False), ("x", True), ("X", True), (1, True), (0, False), ("✓", True),
])
def test_checkbox_accepts_true_false_co_khong_and_x(schema, raw, expected):
    cell = parse(schema, "head_confirmed", raw)
    assert cell.problem is None and cell.value is expected


@pytest.mark.parametrize("raw, expected", [
    ("Cá nhân", "Cá nhân"),
    ("cá nhân", "Cá nhân"),  # case
    ("  Cá   nhân ", "Cá nhân"),  # spaces
    (unicodedata.normalize("NFD", "Tập thể"), "Tập thể"),  # decomposed Unicode
])
def test_choices_match_in_any_case_spacing_and_unicode_form(schema, raw, expected):
    assert parse(schema, "subject_type", raw).value == expected


def test_a_choice_outside_the_list_names_the_list(schema):
    cell = parse(schema, "gender", "nam giới")
    assert cell.problem.kind == "invalid" and "Nam; Nữ" in cell.problem.message


def test_text_is_nfc_without_control_characters(schema):
    cell = parse(schema, "name", unicodedata.normalize("NFD", "Nguyễn\x07 Văn\u200b  An"))
    assert cell.value == "Nguyễn Văn An" and unicodedata.is_normalized("NFC", cell.value)
    assert cell.control_characters


def test_multiline_text_keeps_its_lines(schema):
    assert parse(schema, "summary", "Dòng một\r\nDòng hai").value == "Dòng một\nDòng hai"


@pytest.mark.parametrize("raw", ["#REF!", "#N/A", "#VALUE!"])
def test_formula_errors_are_invalid(schema, raw):
    assert parse(schema, "copies_submitted", raw).problem.kind == "invalid"


def test_an_uncomputed_formula_counts_as_blank(schema):
    cell = parse(schema, "seq", Formula("=ROW()-1"))
    assert cell.blank and cell.problem is None


@pytest.mark.parametrize("transform", [
    lambda hs: hs,
    lambda hs: list(reversed(hs)),  # reordered
    lambda hs: [h.upper() for h in hs],  # different case
    lambda hs: [f"  {h.replace(' ', '  ')} " for h in hs],  # extra spaces
    lambda hs: [unicodedata.normalize("NFD", h) for h in hs],  # decomposed
    lambda hs: ["Cột thêm của đơn vị", *hs, "Ghi chú riêng"],  # unknown extra columns
])
def test_columns_are_found_by_header_text_not_position(schema, transform):
    row = transform(headers(schema))
    found = locate_columns(row, schema.nomination_columns)
    for column in schema.nomination_columns:
        assert fold(row[found.positions[column.key]]) == fold(column.header)
    assert not found.duplicates


def test_duplicated_headers_are_reported(schema):
    row = [*headers(schema), "Họ và tên / Tên tập thể "]
    found = locate_columns(row, schema.nomination_columns)
    assert found.duplicates == {"name": [2, len(row) - 1]}
