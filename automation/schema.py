"""The column schema (sheet_schema/columns.toml): headers → columns, raw cells → typed values.

A raw cell is whatever a backend read: str, int, float, bool, date/datetime or None (Google's
UNFORMATTED_VALUE and openpyxl both give these). `parse_cell` turns it into a typed value or a
`CellProblem` written in Vietnamese for the unit, naming what is wrong and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.campaign import Campaign
from automation.errors import CampaignError
from automation.tomlfile import read_toml
from automation.text import clean, fold, has_control_characters

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "sheet_schema"
DEFAULT_SCHEMA = SCHEMA_DIR / "columns.toml"
DEFAULT_CAMPAIGN = SCHEMA_DIR / "campaigns" / "515-KH-VKS.toml"

TYPES = ("text", "choice", "integer", "year", "number", "checkbox", "date")
REQUIRED = ("yes", "no", "individuals")

# Spreadsheet serial dates count days from 1899-12-30 (Sheets and Excel alike, after 1900-03-01).
SERIAL_EPOCH = dt.date(1899, 12, 30)
FORMULA_ERRORS = {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!", "#SPILL!", "#CALC!"}
TRUE_WORDS = {"true", "có", "x", "✓", "✔", "yes", "1", "đã xác nhận", "rồi"}
FALSE_WORDS = {"false", "không", "no", "0", "chưa"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: str = "text"
    required: str = "no"
    hint: str = ""
    choices: tuple[str, ...] = ()
    choices_from: str = ""
    multiline: bool = False
    must_be_true: bool = False
    min: int | None = None
    min_age: int | None = None
    width: int = 15

    def __hash__(self) -> int:  # cheap: cells are parsed (and cached) by column hundreds of thousands of times
        return hash((self.key, self.type))

    def required_for(self, subject_type: str | None, individual: str) -> bool:
        if self.required == "yes":
            return True
        return self.required == "individuals" and subject_type == individual


@dataclass(frozen=True)
class Schema:
    tabs: dict[str, str]
    individual: str
    collective: str
    registry_columns: tuple[Column, ...]
    unit_columns: tuple[Column, ...]
    office_columns: tuple[Column, ...]
    job_columns: tuple[Column, ...]

    @property
    def nomination_columns(self) -> tuple[Column, ...]:
        return self.unit_columns + self.office_columns

    @property
    def system_tabs(self) -> tuple[str, ...]:
        return tuple(self.tabs.values())

    @functools.cached_property
    def _by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.nomination_columns + self.job_columns}

    def column(self, key: str) -> Column:
        """A column of the unit tabs (unit, Office or job column) by key."""
        return self._by_key[key]

    def with_campaign(self, campaign: Campaign) -> Schema:
        """The schema with `choices_from` lists filled in from the campaign."""
        lists = {"tiers": tuple(t.name for t in campaign.tiers), "categories": campaign.categories}

        def fill(columns: tuple[Column, ...]) -> tuple[Column, ...]:
            return tuple(
                Column(**{**c.__dict__, "choices": lists[c.choices_from]}) if c.choices_from else c
                for c in columns
            )
        return Schema(self.tabs, self.individual, self.collective, fill(self.registry_columns),
                      fill(self.unit_columns), fill(self.office_columns), self.job_columns)


def load_schema(path: Path = DEFAULT_SCHEMA) -> Schema:
    data = read_toml(path, "tệp cột", CampaignError)
    problems: list[str] = []

    def columns(group: str) -> tuple[Column, ...]:
        out = []
        for i, table in enumerate(data.get(group, []), start=1):
            where = f"{group}[{i}]"
            try:
                column = Column(**{k: tuple(v) if isinstance(v, list) else v for k, v in table.items()})
            except TypeError as exc:
                problems.append(f"{where}: {exc}")
                continue
            column = Column(**{**column.__dict__, "header": clean(column.header),
                               "choices": tuple(clean(c) for c in column.choices)})
            if column.type not in TYPES:
                problems.append(f"{where}.type: '{column.type}' không phải một trong {', '.join(TYPES)}")
            if column.required not in REQUIRED:
                problems.append(f"{where}.required: '{column.required}' không phải một trong {', '.join(REQUIRED)}")
            if column.type == "choice" and not (column.choices or column.choices_from in ("tiers", "categories")):
                problems.append(f"{where}: cột chọn cần 'choices' hoặc 'choices_from' = tiers/categories")
            out.append(column)
        if not out:
            problems.append(f"{group}: không có cột nào")
        return tuple(out)

    groups = {g: columns(g) for g in ("registry_columns", "unit_columns", "office_columns", "job_columns")}
    nomination_headers = [fold(c.header) for g in ("unit_columns", "office_columns", "job_columns") for c in groups[g]]
    if len(set(nomination_headers)) != len(nomination_headers):
        problems.append("unit/office/job columns: có tiêu đề cột bị lặp")
    wanted_keys = {"subject_type", "name", "workplace", "award", "scope", "summary", "copies_submitted",
                   "head_confirmed", "proposed_on", "material_contribution", "office_review",
                   "record_id", "status", "messages", "document", "checked_at"}
    present = {c.key for g in groups.values() for c in g}
    if missing := sorted(wanted_keys - present):
        problems.append(f"thiếu các cột có khóa: {', '.join(missing)}")
    tabs = data.get("tabs", {})
    for key in ("guide", "registry", "summary", "log", "lists"):
        if not isinstance(tabs.get(key), str) or not tabs.get(key):
            problems.append(f"tabs.{key}: thiếu tên tab")
    subject = data.get("subject_types", {})
    if problems:
        raise CampaignError(f"Tệp cột '{path}' không hợp lệ — {'; '.join(problems)}.")
    return Schema(tabs=dict(tabs), individual=subject.get("individual", "Cá nhân"),
                  collective=subject.get("collective", "Tập thể"), **groups)


# ------------------------------------------------------------------ headers

@dataclass(frozen=True)
class HeaderMap:
    """Where each known column sits in a tab (0-based), found by header text."""

    positions: dict[str, int]
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    width: int = 0  # the number of header cells up to the last non-blank one


def locate_columns(header_row: list[Any], columns: tuple[Column, ...]) -> HeaderMap:
    by_header = {fold(c.header): c.key for c in columns}
    seen: dict[str, list[int]] = {}
    width = 0
    for index, cell in enumerate(header_row):
        text = clean(str(cell)) if cell is not None else ""
        if text:
            width = index + 1
        key = by_header.get(fold(text)) if text else None
        if key:
            seen.setdefault(key, []).append(index)
    return HeaderMap(
        positions={key: places[0] for key, places in seen.items()},
        duplicates={key: places for key, places in seen.items() if len(places) > 1},
        width=width,
    )


def column_letter(index: int) -> str:
    """0-based column index → A1 letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ------------------------------------------------------------------ cells

@dataclass(frozen=True)
class Formula:
    """A formula cell whose value the backend could not compute (openpyxl cannot)."""

    text: str


@dataclass(frozen=True)
class CellProblem:
    kind: str  # "missing" (→ Cần bổ sung) or "invalid" (→ Không hợp lệ)
    message: str


@dataclass(frozen=True)
class Cell:
    raw: Any
    value: Any = None  # the typed value; None when blank or when there is a problem
    problem: CellProblem | None = None
    control_characters: bool = False

    @property
    def blank(self) -> bool:
        return is_blank(self.raw)


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
    return _parse_cached(column, type(raw), raw, today)


def _parse(column: Column, raw: Any, today: dt.date) -> Cell:
    if is_blank(raw):
        return Cell(raw)
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
def _parse_cached(column: Column, kind: type, raw: Any, today: dt.date) -> Cell:
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
        raise _Bad(f"năm sinh {year} nằm ngoài khoảng {earliest}–{latest}")
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
