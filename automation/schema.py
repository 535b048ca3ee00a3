"""The column schema (sheet_schema/columns.toml) → a checked `Schema`; headers → columns.

The schema is data the Office may edit: headers, types, allowed values, hints, widths, and the
words of the Office's review. The code knows columns only by the keys in `Key` and the review
words only by their meaning in `Review`; loading checks that the file defines every one of them,
so an edit can change a header or a word and every rule follows, but can never switch a rule off.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.errors import CampaignError
from automation.resources import DEFAULT_SCHEMA
from automation.sheets import NOTICE_MARK
from automation.text import clean, fold
from automation.tomlfile import read_toml

if TYPE_CHECKING:  # only a type here: the campaign is loaded beside the schema, not from it
    from automation.campaign import Campaign

TYPES = ("text", "choice", "integer", "year", "number", "checkbox", "date")
REQUIRED = ("yes", "no", "individuals", "collectives")
CAMPAIGN_LISTS = ("tiers", "categories", "classes")  # `choices_from` lists the campaign file fills in
SCHEMA_LISTS = ("subject_types", "review")  # `choices_from` lists this file defines itself


class Key(enum.StrEnum):
    """The columns of a unit tab the code relies on, by their key in columns.toml."""

    SEQ = "seq"
    SUBJECT_TYPE = "subject_type"
    NAME = "name"
    PERSON_CODE = "person_code"  # the Office's code for a person (only in campaigns with criteria)
    GENDER = "gender"
    BIRTH_YEAR = "birth_year"
    POSITION = "position"
    WORKPLACE = "workplace"
    AWARD = "award"
    AWARD_CLASS = "award_class"  # an order's class (hạng), where the tier has classes
    CATEGORY = "category"
    SCOPE = "scope"
    MATERIAL_CONTRIBUTION = "material_contribution"
    SUMMARY = "summary"
    SITUATION = "situation"  # a collective's function and situation (đặc điểm, tình hình)
    COPIES_SUBMITTED = "copies_submitted"
    HEAD_CONFIRMED = "head_confirmed"
    PROPOSED_ON = "proposed_on"
    NOTE = "note"
    OFFICE_REVIEW = "office_review"  # the Office's columns
    OFFICE_NOTE = "office_note"
    RECORD_ID = "record_id"  # the flag columns, written by the job
    STATUS = "status"
    MESSAGES = "messages"
    DOCUMENT = "document"
    CHECKED_AT = "checked_at"


class RegistryKey(enum.StrEnum):
    """The columns of the registry tab (Đơn vị)."""

    CODE = "code"
    NAME = "name"
    TAB = "tab"
    EDITORS = "editors"
    KIND = "kind"
    PLACE = "place"  # Địa danh: where the unit's documents are dated


class HistoryKey(enum.StrEnum):
    """The columns of the register (Lịch sử khen thưởng): one yearly result or award per row."""

    SUBJECT_TYPE = "subject_type"
    PERSON_CODE = "person_code"
    NAME = "name"
    BIRTH_YEAR = "birth_year"
    UNIT = "unit"
    YEAR = "year"
    RATING = "rating"  # the year's rating (xếp loại), best first in the column's choices
    TITLE = "title"  # an emulation title (danh hiệu thi đua)
    AWARD = "award"  # an award form (hình thức khen thưởng)
    DECISION = "decision"
    DECISION_DATE = "decision_date"
    DECIDED_BY = "decided_by"
    KIND = "kind"  # công trạng, chuyên đề, đột xuất, …
    NOTE = "note"


class DecisionKey(enum.StrEnum):
    """The columns of the decisions tab (Quyết định khen thưởng): one decision on a tier per row."""

    AWARD = "award"
    AWARD_CLASS = "award_class"
    DECISION = "decision"
    DECISION_DATE = "decision_date"
    DECIDED_BY = "decided_by"
    RECORD_IDS = "record_ids"


ONLY_FOR = ("criteria", "material_contribution", "classes")  # campaign features a unit column may depend on


@dataclass(frozen=True)
class Review:
    """The Office's verdicts in `Ý kiến thẩm định` (columns.toml [review]), by what they mean."""

    approved: str  # the nominee goes into its tier's submission
    rejected: str
    more_requested: str

    @property
    def words(self) -> tuple[str, ...]:
        return (self.approved, self.rejected, self.more_requested)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: str = "text"
    required: str = "no"
    hint: str = ""
    choices: tuple[str, ...] = ()
    choices_from: str = ""
    aliases: tuple[str, ...] = ()  # other spellings of the header, read as this column (and repaired by setup)
    multiline: bool = False
    must_be_true: bool = False
    min: int | None = None
    min_age: int | None = None
    width: int = 15
    only_for: str = ""  # a campaign feature the column belongs to (ONLY_FOR); "" = every campaign

    def __hash__(self) -> int:  # cheap: cells are parsed (and cached) by column hundreds of thousands of times
        return hash((self.key, self.type))

    def required_for(self, subject_type: str | None, individual: str) -> bool:
        if self.required == "yes":
            return True
        if self.required == "individuals":
            return subject_type == individual
        return self.required == "collectives" and subject_type is not None and subject_type != individual


@dataclass(frozen=True)
class Schema:
    tabs: dict[str, str]  # guide, registry, overview, log, lists, register, decisions → tab title
    individual: str
    collective: str
    review: Review
    registry_columns: tuple[Column, ...]
    unit_columns: tuple[Column, ...]
    office_columns: tuple[Column, ...]
    flag_columns: tuple[Column, ...]
    kinds_without_seal: tuple[str, ...] = ()  # registry kinds whose head has no seal of its own
    register_columns: tuple[Column, ...] = ()  # Lịch sử khen thưởng
    register_flag_columns: tuple[Column, ...] = ()
    decision_columns: tuple[Column, ...] = ()  # Quyết định khen thưởng
    decision_flag_columns: tuple[Column, ...] = ()

    @property
    def nomination_columns(self) -> tuple[Column, ...]:
        return self.unit_columns + self.office_columns

    @property
    def system_tabs(self) -> tuple[str, ...]:
        return tuple(self.tabs.values())

    @functools.cached_property
    def _by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.nomination_columns + self.flag_columns}

    def column(self, key: str) -> Column:
        """A column of the unit tabs (unit, Office or flag column) by key."""
        return self._by_key[key]

    def header(self, key: str) -> str:
        return self._by_key[key].header

    @functools.cached_property
    def _register_by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.register_columns + self.register_flag_columns}

    def register_column(self, key: str) -> Column:
        """A column of the register (Lịch sử khen thưởng) by key."""
        return self._register_by_key[key]

    def with_campaign(self, campaign: Campaign) -> Schema:
        """The schema as the campaign uses it: its `choices_from` lists (tiers, categories) filled in,
        and the unit columns of features it does not use (`only_for`) left out."""
        lists = {"tiers": tuple(t.name for t in campaign.tiers), "categories": campaign.categories,
                 "classes": campaign.classes}
        features = {"criteria": campaign.has_criteria,
                    "material_contribution": any(t.material_contribution_instead for t in campaign.tiers),
                    "classes": bool(campaign.classes)}

        def fill(columns: tuple[Column, ...]) -> tuple[Column, ...]:
            return tuple(replace(c, choices=lists[c.choices_from]) if c.choices_from in lists else c
                         for c in columns if not c.only_for or features[c.only_for])
        return replace(self, registry_columns=fill(self.registry_columns), unit_columns=fill(self.unit_columns),
                       office_columns=fill(self.office_columns), decision_columns=fill(self.decision_columns))


def register_lists(schema: Schema) -> dict[str, tuple[str, ...]]:
    """The register's lists a campaign's criteria may name, by column key: rating, title, award, kind."""
    return {key: schema.register_column(key).choices for key in (HistoryKey.RATING, HistoryKey.TITLE,
                                                                  HistoryKey.AWARD, HistoryKey.KIND)}


def load_schema(path: Path = DEFAULT_SCHEMA) -> Schema:
    data = read_toml(path, "tệp cột", CampaignError)
    problems: list[str] = []

    subject = data.get("subject_types", {})
    individual, collective = clean(subject.get("individual", "")), clean(subject.get("collective", ""))
    if not individual or not collective or fold(individual) == fold(collective):
        problems.append("subject_types: cần 'individual' và 'collective' khác nhau")
    review_words = data.get("review", {})
    review = Review(**{name: clean(str(review_words.get(name, ""))) for name in ("approved", "rejected",
                                                                                 "more_requested")})
    if not all(review.words) or len({fold(w) for w in review.words}) != 3:
        problems.append("review: cần 'approved', 'rejected', 'more_requested' khác nhau, không để trống")
    if extra := set(review_words) - {"approved", "rejected", "more_requested"}:
        problems.append(f"review: khóa không được hỗ trợ {', '.join(sorted(extra))}")
    own_lists = {"subject_types": (individual, collective), "review": review.words}

    def columns(group: str) -> tuple[Column, ...]:
        out = []
        for i, table in enumerate(data.get(group, []), start=1):
            where = f"{group}[{i}]"
            try:
                fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
                column = Column(**fields)
            except TypeError as exc:
                problems.append(f"{where}: {exc}")
                continue
            column = replace(column, header=clean(column.header), choices=tuple(clean(c) for c in column.choices),
                             aliases=tuple(clean(a) for a in column.aliases))
            if column.choices_from in own_lists:
                column = replace(column, choices=own_lists[column.choices_from])
            if column.type not in TYPES:
                problems.append(f"{where}.type: '{column.type}' không phải một trong {', '.join(TYPES)}")
            if column.required not in REQUIRED:
                problems.append(f"{where}.required: '{column.required}' không phải một trong {', '.join(REQUIRED)}")
            if column.choices_from and column.choices_from not in CAMPAIGN_LISTS + SCHEMA_LISTS:
                problems.append(f"{where}.choices_from: '{column.choices_from}' không phải một trong "
                                f"{', '.join(CAMPAIGN_LISTS + SCHEMA_LISTS)}")
            if column.only_for and column.only_for not in ONLY_FOR:
                problems.append(f"{where}.only_for: '{column.only_for}' không phải một trong {', '.join(ONLY_FOR)}")
            if column.type == "choice" and not (column.choices or column.choices_from):
                problems.append(f"{where}: cột chọn cần 'choices' hoặc 'choices_from'")
            out.append(column)
        if not out:
            problems.append(f"{group}: không có cột nào")
        return tuple(out)

    groups = {g: columns(g) for g in ("registry_columns", "unit_columns", "office_columns", "flag_columns",
                                      "register_columns", "register_flag_columns", "decision_columns",
                                      "decision_flag_columns")}
    nomination = groups["unit_columns"] + groups["office_columns"] + groups["flag_columns"]
    spellings = [fold(s) for c in nomination for s in (c.header, *c.aliases)]
    if len(set(spellings)) != len(spellings):
        problems.append("unit/office/flag columns: có tiêu đề cột (hoặc cách viết khác trong aliases) bị lặp")
    for keys, present, group in ((Key, {c.key for c in nomination}, "unit/office/flag columns"),
                                 (RegistryKey, {c.key for c in groups["registry_columns"]}, "registry_columns"),
                                 (HistoryKey, {c.key for c in groups["register_columns"]}, "register_columns"),
                                 (DecisionKey, {c.key for c in groups["decision_columns"]}, "decision_columns")):
        if missing := [k.value for k in keys if k.value not in present]:
            problems.append(f"{group}: thiếu các cột có khóa {', '.join(missing)}")
    lists: dict[str, tuple[tuple[str, ...], str]] = {}
    for group, found in groups.items():  # the lists tab keeps a dropdown's values under its header
        for c in found:
            if c.type == "choice":
                offered = (c.choices, c.choices_from)
                if lists.setdefault(c.header, offered) != offered:
                    problems.append(f"{group}: cột chọn '{c.header}' trùng tiêu đề với một cột chọn khác có danh "
                                    "sách khác; đổi một trong hai tiêu đề")
    by_key = {c.key: c for c in nomination}
    for key, wanted in ((Key.SUBJECT_TYPE, "subject_types"), (Key.OFFICE_REVIEW, "review")):
        if key in by_key and by_key[key].choices_from != wanted:
            problems.append(f"cột '{key}': cần choices_from = \"{wanted}\" (giá trị được định nghĩa một lần)")
    kinds = next((c.choices for c in groups["registry_columns"] if c.key == RegistryKey.KIND), ())
    without_seal = tuple(clean(k) for k in data.get("seal", {}).get("without_own_seal", []))
    if unknown := [k for k in without_seal if k not in kinds]:
        problems.append(f"seal.without_own_seal: '{unknown[0]}' không có trong danh sách Loại đơn vị")
    if extra := set(data.get("seal", {})) - {"without_own_seal"}:
        problems.append(f"seal: khóa không được hỗ trợ {', '.join(sorted(extra))}")
    tabs = data.get("tabs", {})
    for tab in ("guide", "registry", "overview", "log", "lists", "register", "decisions"):
        if not isinstance(tabs.get(tab), str) or not tabs.get(tab):
            problems.append(f"tabs.{tab}: thiếu tên tab")
    if problems:
        raise CampaignError(f"Tệp cột '{path}' không hợp lệ — {'; '.join(problems)}.")
    return Schema(tabs=dict(tabs), individual=individual, collective=collective, review=review, **groups,
                  kinds_without_seal=without_seal)


# ------------------------------------------------------------------ headers

@dataclass(frozen=True)
class HeaderMap:
    """Where each known column sits in a tab (0-based), found by header text or a known spelling."""

    positions: dict[str, int]
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    width: int = 0  # the number of header cells up to the last non-blank one (a notice aside)
    notice_at: int | None = None  # a notice the job left in the header row (sheets.NOTICE_MARK)

    def place_flags(self, flags: tuple[Column, ...]) -> tuple[dict[str, int], dict[int, str]]:
        """Where the job's columns are: where the tab has them, else appended right of its headers
        (key → position, and the headers to write for those the tab lacks)."""
        placed = {c.key: self.positions[c.key] for c in flags if c.key in self.positions}
        new_headers: dict[int, str] = {}
        next_free = self.width
        for column in flags:
            if column.key not in placed:
                placed[column.key] = next_free
                new_headers[next_free] = column.header
                next_free += 1
        return placed, new_headers


def locate_columns(header_row: list[Any], columns: tuple[Column, ...]) -> HeaderMap:
    by_header = {fold(spelling): c.key for c in columns for spelling in (c.header, *c.aliases)}
    seen: dict[str, list[int]] = {}
    width, notice_at = 0, None
    for index, cell in enumerate(header_row):
        text = clean(str(cell)) if cell is not None else ""
        if text.startswith(NOTICE_MARK):
            notice_at = index
            continue
        if text:
            width = index + 1
        key = by_header.get(fold(text)) if text else None
        if key:
            seen.setdefault(key, []).append(index)
    return HeaderMap(
        positions={key: places[0] for key, places in seen.items()},
        duplicates={key: places for key, places in seen.items() if len(places) > 1},
        width=width,
        notice_at=notice_at,
    )
