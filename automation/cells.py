"""Raw cells → typed values, or a problem written in Vietnamese for the unit.

A raw cell is whatever a backend read: str, int, float, bool, date/datetime, a `Formula` whose
value is unknown, or None (Google's UNFORMATTED_VALUE and openpyxl both give these).
`parse_cell` turns it into a `Cell` with its typed value, or with a `CellProblem` naming what is
wrong and how to fix it (the column's hint).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from automation.nomination import Cell, CellProblem
from automation.schema import Column
from automation.sheets import Formula
from automation.text import clean, fold, has_control_characters

# Spreadsheet serial dates count days from 1899-12-30 (Sheets and Excel alike, after 1900-03-01).
SERIAL_EPOCH = dt.date(1899, 12, 30)
FORMULA_ERRORS = {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!", "#SPILL!", "#CALC!"}
TRUE_WORDS = {"true", "có", "x", "✓", "✔", "yes", "1", "đã xác nhận", "rồi"}
FALSE_WORDS = {"false", "không", "no", "0", "chưa"}


def is_blank(raw: Any) -> bool:
    """Nothing usable: empty, only spaces, or a formula with no computed value yet."""
    if raw is None or isinstance(raw, Formula):
        return True
    if isinstance(raw, str):
        return not raw.strip() or (not raw.isprintable() and not clean(raw))
    return False


def show(raw: Any) -> str:
    """A raw value as a unit would recognise it in a message."""
    if isinstance(raw, dt.datetime):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, dt.date):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    text = clean(str(raw))
    return text if len(text) <= 60 else text[:57] + "…"


def parse_cell(column: Column, raw: Any, *, today: dt.date) -> Cell:
    if column.type == "text":
        return _parse(column, raw, today)
    # Everything but free text repeats across thousands of rows (tiers, dates, choices, counts).
    # The type is part of the key: True == 1 and 1 == 1.0 for a plain cache.
    return _parse_cached(column, type(raw).__name__, raw, today)


def parse_repeating(column: Column, raw: Any, *, today: dt.date) -> Cell:
    """`parse_cell` for a table whose every column repeats (the register: the same units, names,
    decisions, years and ratings row after row): each distinct value of a column is parsed once."""
    return _BLANK if raw is None else _parse_cached(column, type(raw).__name__, raw, today)


_BLANK = Cell(None, blank=True)


def _parse(column: Column, raw: Any, today: dt.date) -> Cell:
    if is_blank(raw):
        return Cell(raw, blank=True)
    control = isinstance(raw, str) and not raw.isprintable() and has_control_characters(raw)
    if isinstance(raw, str) and raw.lstrip()[:1] == "#" and clean(raw).upper() in FORMULA_ERRORS:
        return Cell(raw, problem=CellProblem("invalid", f"ô đang báo lỗi công thức {clean(raw)}; {column.hint}"))
    try:
        value = _PARSERS[column.type](column, raw, today)
    except _Bad as bad:
        return Cell(raw, problem=CellProblem("invalid", f"{bad}; {column.hint}" if column.hint else str(bad)),
                    control_characters=control)
    return Cell(raw, value, control_characters=control)


@functools.lru_cache(maxsize=65536)
def _parse_cached(column: Column, kind: str, raw: Any, today: dt.date) -> Cell:
    return _parse(column, raw, today)


class _Bad(ValueError):
    pass


def _text(column: Column, raw: Any, today: dt.date) -> str:
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, (dt.date, dt.datetime)):
        return show(raw)
    return clean(str(raw), multiline=column.multiline)


def _choice(column: Column, raw: Any, today: dt.date) -> str:
    text = fold(_text(column, raw, today))
    for choice in column.choices:
        if fold(choice) == text:
            return choice
    listing = "; ".join(column.choices)
    raise _Bad(f"'{show(raw)}' không có trong danh sách ({listing})")


_INTEGER_TEXT = re.compile(r"^[+]?\d+$")


def _integer(column: Column, raw: Any, today: dt.date) -> int:
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.datetime)):
        raise _Bad(f"'{show(raw)}' không phải là số nguyên")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise _Bad(f"'{show(raw)}' không phải là số nguyên")
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    else:
        text = clean(str(raw)).replace(" ", "")
        if text.endswith(".0"):
            text = text[:-2]
        if not _INTEGER_TEXT.match(text):
            raise _Bad(f"'{show(raw)}' không phải là số nguyên")
        value = int(text)
    if column.min is not None and value < column.min:
        raise _Bad(f"'{value}' nhỏ hơn {column.min}")
    return value


def _year(column: Column, raw: Any, today: dt.date) -> int:
    try:
        year = _integer(Column(column.key, column.header), raw, today)
    except _Bad:
        raise _Bad(f"'{show(raw)}' không phải là năm (bốn chữ số)") from None
    latest = today.year - (column.min_age or 0)
    earliest = column.min or 1
    if not earliest <= year <= latest:
        raise _Bad(f"{column.header.lower()} {year} nằm ngoài khoảng {earliest}–{latest}")
    return year


_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_DECIMAL = re.compile(r"^\d+([.,]\d+)?$")
_CURRENCY = re.compile(r"(đồng|đ|vnđ|vnd)$", re.IGNORECASE)


def _number(column: Column, raw: Any, today: dt.date) -> float | int:
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.datetime)):
        raise _Bad(f"'{show(raw)}' không phải là số")
    if isinstance(raw, (int, float)):
        value = raw
    else:
        text = _CURRENCY.sub("", clean(str(raw)).replace(" ", "")).strip()
        if _GROUPED.match(text):  # 50.000.000 or 50,000,000: thousands separators
            value = int(re.sub(r"[.,]", "", text))
        elif _DECIMAL.match(text):
            value = float(text.replace(",", "."))
        else:
            raise _Bad(f"'{show(raw)}' không phải là số")
    if value < 0:
        raise _Bad(f"'{show(raw)}' là số âm")
    return int(value) if float(value).is_integer() else value


def _checkbox(column: Column, raw: Any, today: dt.date) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    word = fold(str(raw))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _Bad(f"'{show(raw)}' không phải là dấu xác nhận (đánh dấu ô, hoặc ghi Có / Không)")


_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _date(column: Column, raw: Any, today: dt.date) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise _Bad(f"'{show(raw)}' không phải là ngày")
    if isinstance(raw, (int, float)):
        # A serial number, as Google's SERIAL_NUMBER rendering or an unformatted Excel cell gives.
        if not 1 <= raw < 2958466:
            raise _Bad(f"'{show(raw)}' không phải là ngày")
        return SERIAL_EPOCH + dt.timedelta(days=int(raw))
    text = clean(str(raw))
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) != 4:
            raise _Bad(f"'{text}' cần ghi năm đủ bốn chữ số")
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise _Bad(f"'{show(raw)}' không phải là ngày dạng dd/mm/yyyy")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _Bad(f"ngày '{text}' không tồn tại") from None


_PARSERS = {"text": _text, "choice": _choice, "integer": _integer, "year": _year,
            "number": _number, "checkbox": _checkbox, "date": _date}
