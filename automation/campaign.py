"""A campaign file (sheet_schema/campaigns/*.toml) → a checked, frozen `Campaign`.

Everything specific to one emulation movement is here as data: tiers, categories, the
organisation that signs, the window, the copy counts. A bad file is refused at load with the
file, the key and what is wrong, so the job never starts on a half-valid configuration.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.errors import CampaignError
from automation.tomlfile import read_toml
from automation.text import clean, fold

SUBMISSION_KINDS = ("to_trinh", "quyet_dinh")
DOSSIER_NOTE = "Hồ sơ đề nghị khen thưởng gồm: Tờ trình kèm danh sách; Bản tóm tắt thành tích của từng tập thể, cá nhân"
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Tier:
    """One kind of award (hình thức khen thưởng) and what the plan asks of it."""

    key: str
    name: str
    copies: int  # original dossier copies (bộ hồ sơ bản chính), plan IV.4
    decided_by: str
    submission: str  # "to_trinh" (Tờ trình to the level above) or "quyet_dinh" (own decision)
    addressed_to: str
    folder: str
    scopes: tuple[str, ...]  # scopes of influence the standard requires; empty = any
    scope_severity: str  # "error" or "warning" when the scope is lower
    material_contribution_instead: bool = False
    proposal: str = ""  # what the Tờ trình asks: "… kính đề nghị <addressed_to> <proposal> cho …"
    document_name: str = ""  # file name of the tier's Tờ trình / Quyết định, if not the default


@dataclass(frozen=True)
class Organisation:
    parent_agency: str
    agency: str
    agency_short: str
    symbol_suffix: str
    place: str
    signer_title: str
    signer_name: str
    office: str
    legal_bases: tuple[str, ...]
    recipients: tuple[str, ...]
    office_head: str = ""
    office_head_title: str = ""
    decision_recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class Campaign:
    code: str
    name: str
    short_name: str
    plan_date: dt.date
    window_start: dt.date
    window_end: dt.date | None
    min_summary_length: int
    office_approval_required: bool
    dossier_note: str
    organisation: Organisation
    categories: tuple[str, ...]
    tiers: tuple[Tier, ...]
    source: Path

    @functools.cached_property
    def _tiers_by_name(self) -> dict[str, Tier]:
        return {fold(tier.name): tier for tier in self.tiers}

    def tier_named(self, name: str) -> Tier | None:
        return self._tiers_by_name.get(fold(name))


class _Reader:
    """Reads keys out of the parsed TOML and collects every problem before refusing.

    It remembers which keys it asked of each table, so a key nobody asks for — a typo such as
    `scope_severty`, which would silently fall back to the default — is refused by name, with the
    nearest key it may have meant."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self._asked: dict[int, tuple[str, dict[str, Any], set[str]]] = {}

    def problem(self, key: str, what: str) -> None:
        self.problems.append(f"{key}: {what}")

    def unknown_keys(self) -> None:
        for where, table, asked in self._asked.values():
            for key in sorted(set(table) - asked):
                near = difflib.get_close_matches(key, asked, n=1, cutoff=0.6)
                hint = f"có phải là '{near[0]}'?" if near else f"các khóa hợp lệ: {', '.join(sorted(asked))}"
                self.problem(f"{where}.{key}" if where else key, f"khóa không được hỗ trợ; {hint}")

    def get(self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
            *, default: Any = ..., ) -> Any:
        self._asked.setdefault(id(table), (where, table, set()))[2].add(key)
        name = f"{where}.{key}" if where else key
        if key not in table:
            if default is ...:
                self.problem(name, "thiếu khóa này")
            return None if default is ... else default
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem(name, f"giá trị {value!r} sai kiểu")
            return None if default is ... else default
        return value

    def text(self, table: dict[str, Any], key: str, where: str, *, allow_empty: bool = False,
             default: Any = ...) -> str:
        value = self.get(table, key, str, where, default=default)
        if value is None:
            return ""
        value = clean(value)
        if not value and not allow_empty:
            self.problem(f"{where}.{key}", "không được để trống")
        return value

    def texts(self, table: dict[str, Any], key: str, where: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        values = self.get(table, key, list, where)
        if values is None:
            return ()
        if not all(isinstance(v, str) and clean(v) for v in values):
            self.problem(f"{where}.{key}", "mỗi phần tử phải là một chuỗi không rỗng")
            return ()
        if not values and not allow_empty:
            self.problem(f"{where}.{key}", "danh sách không được rỗng")
        if len({fold(v) for v in values}) != len(values):
            self.problem(f"{where}.{key}", "có giá trị bị lặp")
        return tuple(clean(v) for v in values)


def load_campaign(path: Path, *, scopes: tuple[str, ...]) -> Campaign:
    """Load and check a campaign file. `scopes` are the schema's allowed scope values."""
    data = read_toml(path, "tệp chiến dịch", CampaignError)

    r = _Reader(path)
    head = r.get(data, "campaign", dict, "") or {}
    org = r.get(data, "organisation", dict, "") or {}
    window_end = r.get(head, "window_end", dt.date, "campaign", default=None)
    campaign = Campaign(
        code=r.text(head, "code", "campaign"),
        name=r.text(head, "name", "campaign"),
        short_name=r.text(head, "short_name", "campaign", allow_empty=True, default=""),
        plan_date=r.get(head, "plan_date", dt.date, "campaign"),
        window_start=r.get(head, "window_start", dt.date, "campaign"),
        window_end=window_end,
        min_summary_length=r.get(head, "min_summary_length", int, "campaign") or 0,
        office_approval_required=r.get(head, "office_approval_required", bool, "campaign", default=True),
        dossier_note=r.text(head, "dossier_note", "campaign", default=DOSSIER_NOTE),
        organisation=Organisation(
            parent_agency=r.text(org, "parent_agency", "organisation"),
            agency=r.text(org, "agency", "organisation"),
            agency_short=r.text(org, "agency_short", "organisation"),
            symbol_suffix=r.text(org, "symbol_suffix", "organisation"),
            place=r.text(org, "place", "organisation"),
            signer_title=r.text(org, "signer_title", "organisation"),
            signer_name=r.text(org, "signer_name", "organisation", allow_empty=True),
            office=r.text(org, "office", "organisation"),
            legal_bases=r.texts(org, "legal_bases", "organisation", allow_empty=True),
            recipients=r.texts(org, "recipients", "organisation"),
            office_head=r.text(org, "office_head", "organisation", allow_empty=True, default=""),
            office_head_title=r.text(org, "office_head_title", "organisation", allow_empty=True, default=""),
            decision_recipients=r.texts(org, "decision_recipients", "organisation", allow_empty=True)
            if "decision_recipients" in org else (),
        ),
        categories=r.texts(data, "categories", ""),
        tiers=_read_tiers(r, data, scopes),
        source=path,
    )
    if campaign.min_summary_length < 0:
        r.problem("campaign.min_summary_length", "phải là số không âm")
    if window_end and isinstance(campaign.window_start, dt.date) and window_end < campaign.window_start:
        r.problem("campaign.window_end", "phải sau campaign.window_start")
    r.unknown_keys()
    if r.problems:
        listing = "; ".join(r.problems)
        raise CampaignError(f"Tệp chiến dịch '{path}' không hợp lệ — {listing}.")
    return campaign


def _read_tiers(r: _Reader, data: dict[str, Any], scopes: tuple[str, ...]) -> tuple[Tier, ...]:
    tables = r.get(data, "tiers", list, "")
    if not tables:
        if tables is not None:
            r.problem("tiers", "cần ít nhất một hình thức khen thưởng")
        return ()
    tiers = []
    known_scopes = {fold(s): s for s in scopes}
    for i, table in enumerate(tables, start=1):
        where = f"tiers[{i}]"
        if not isinstance(table, dict):
            r.problem(where, "phải là một bảng [[tiers]]")
            continue
        copies = r.get(table, "copies", int, where) or 0
        if copies < 1:
            r.problem(f"{where}.copies", "phải là số nguyên dương")
        submission = r.text(table, "submission", where)
        if submission and submission not in SUBMISSION_KINDS:
            r.problem(f"{where}.submission", f"'{submission}' không phải một trong {', '.join(SUBMISSION_KINDS)}")
        severity = r.text(table, "scope_severity", where, default="error")
        if severity not in SEVERITIES:
            r.problem(f"{where}.scope_severity", f"'{severity}' không phải một trong {', '.join(SEVERITIES)}")
        tier_scopes = []
        for scope in r.texts(table, "scopes", where, allow_empty=True):
            if fold(scope) not in known_scopes:
                r.problem(f"{where}.scopes", f"'{scope}' không có trong danh sách Phạm vi ảnh hưởng của sheet_schema")
            else:
                tier_scopes.append(known_scopes[fold(scope)])
        tiers.append(Tier(
            key=r.text(table, "key", where),
            name=r.text(table, "name", where),
            copies=copies,
            decided_by=r.text(table, "decided_by", where),
            submission=submission,
            addressed_to=r.text(table, "addressed_to", where, allow_empty=True, default=""),
            folder=r.text(table, "folder", where),
            scopes=tuple(tier_scopes),
            scope_severity=severity,
            material_contribution_instead=r.get(table, "material_contribution_instead", bool, where, default=False),
            proposal=r.text(table, "proposal", where, allow_empty=True, default=""),
            document_name=r.text(table, "document_name", where, allow_empty=True, default=""),
        ))
    for attr in ("key", "name", "folder"):
        values = [fold(getattr(t, attr)) for t in tiers]
        if len(set(values)) != len(values):
            r.problem(f"tiers.{attr}", "có giá trị bị lặp giữa các hình thức")
    return tuple(tiers)
