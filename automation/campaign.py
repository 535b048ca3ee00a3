"""A campaign file (sheet_schema/campaigns/*.toml) → a checked, frozen `Campaign`.

Everything specific to one emulation movement is here as data: tiers, categories, the
organisation that signs, the window, the copy counts. A bad file is refused at load with the
file, the key and what is wrong, so the job never starts on a half-valid configuration.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.errors import CampaignError
from automation.tomlfile import read_toml
from automation.text import clean, fold

SUBMISSION_KINDS = ("to_trinh", "quyet_dinh")
DOSSIER_NOTE = "Hồ sơ đề nghị khen thưởng gồm: Tờ trình kèm danh sách; Bản tóm tắt thành tích của từng tập thể, cá nhân"
SEVERITIES = ("error", "warning")
# The kinds of text a document may rest on, in order of legal force (the system of legal documents
# of the Luật Ban hành văn bản quy phạm pháp luật), then the administrative texts: a document cites
# its bases in this order whatever the order of the campaign file.
LEGAL_FORCE = ("Hiến pháp", "Luật", "Nghị quyết", "Pháp lệnh", "Nghị định", "Quyết định", "Thông tư", "Quy chế",
               "Kế hoạch", "Hướng dẫn", "Công văn")
# Nghị định 30/2020/NĐ-CP, Phụ lục I, II.8: how a signer signs for someone else.
AUTHORITIES = ("", "KT.", "TM.", "Q.", "TL.", "TUQ.")


SUBJECTS = ("individuals", "collectives", "all")


@dataclass(frozen=True)
class Criterion:
    """A standard of a tier computed from the register (Lịch sử khen thưởng), with its article.

    Read as the law reads: [a prior award, then] a run of consecutive years ending at the assessed
    year, each rated `run_rating` or better, within which titles and ratings are counted; or a title
    held in consecutive years up to the assessed year. Every part is optional; all present must hold."""

    article: str  # where the law says it: "điểm b khoản 1 Điều 73 Luật Thi đua, khen thưởng năm 2022"
    requirement: str  # what it asks, in short (the finding quotes it)
    subjects: str = "all"  # "individuals", "collectives" or "all"
    award_before: tuple[str, ...] = ()  # any of these awards, held before the run ("… và 05 năm tiếp theo")
    award_label: str = ""  # those awards in a word, for the finding ("Bằng khen cấp bộ, ngành, tỉnh")
    run_years: int = 0  # at least this many consecutive years, ending at the assessed year …
    run_rating: str = ""  # … each rated this or better
    titles_in_run: tuple[tuple[str, int], ...] = ()  # (title, times) within the run
    ratings_in_run: tuple[tuple[str, int], ...] = ()  # (rating, times) within the run
    consecutive_title: tuple[str, int] | None = None  # (title, years in a row up to the assessed year)
    severity: str = "error"  # "error": not met → Không hợp lệ; "warning": for the Office to judge
    source: str = ""  # where the criterion was checked (never printed)

    def applies_to(self, individual: bool) -> bool:
        return self.subjects == "all" or (self.subjects == "individuals") == individual


@dataclass(frozen=True)
class HistoryRules:
    """How a campaign reads the register: the year judged, and the awards that do not count."""

    assessed_year: int  # the year whose merit is judged: a run of years ends here
    not_counted: tuple[str, ...] = ()  # kinds of award that are no basis for this campaign's proposals
    not_counted_basis: str = ""  # the article that says so


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
    closing: str = ""  # the Tờ trình's last sentence
    document_name: str = ""  # file name of the tier's Tờ trình / Quyết định, if not the default
    classes: tuple[str, ...] = ()  # an order's classes ("Nhất", "Nhì", "Ba"): a nomination names one
    standard: str = ""  # the level of achievement the standard names, for the summary
    full_name: str = ""  # the award as documents name it, with nothing abbreviated (default: name)
    award_in_decision: str = ""  # the award as the signer's own Quyết định names it ("Giấy khen")
    criteria: tuple[Criterion, ...] = ()  # standards computed from the register

    @property
    def written(self) -> str:
        return self.full_name or self.name

    def register_award(self, award_class: str = "") -> str:
        """The award as the register records it once decided ("Huân chương Lao động hạng Ba")."""
        return f"{self.name} hạng {award_class}" if award_class and self.classes else self.name


@dataclass(frozen=True)
class LegalBasis:
    """One "Căn cứ …" line: the text cited, its kind (for the order of force), where it is cited."""

    kind: str
    text: str
    cited_in: tuple[str, ...]  # submission kinds: "to_trinh", "quyet_dinh"
    source: str  # where the citation was checked (never printed)

    @property
    def force(self) -> int:
        return LEGAL_FORCE.index(self.kind)


@dataclass(frozen=True)
class Signer:
    """Who signs the Tờ trình and the Quyết định, and for whom (Nghị định 30/2020, Phụ lục I)."""

    authority: str  # "", "KT.", "TM.", "Q.", "TL.", "TUQ."
    title: str  # the signer's own title ("Phó Viện trưởng")
    name: str
    on_behalf_of: str  # for KT., Q., TL., TUQ.: the head's title; for TM.: the collective body

    @property
    def lines(self) -> tuple[str, ...]:
        """The signature block's title lines, upper case: `KT. VIỆN TRƯỞNG` over `PHÓ VIỆN TRƯỞNG`."""
        if not self.authority:
            return (self.title.upper(),)
        if self.authority == "Q.":
            return (f"Q. {self.on_behalf_of.upper()}",)
        return (f"{self.authority} {self.on_behalf_of.upper()}", self.title.upper())


@dataclass(frozen=True)
class Run:
    """What changes as the campaign runs; None while not known (the documents show blanks)."""

    year: int
    council_meeting: dt.date | None = None
    council_minutes: str = ""
    document_date: dt.date | None = None


@dataclass(frozen=True)
class Organisation:
    parent_agency: str
    agency: str
    agency_in_text: str
    agency_short: str
    symbol_suffix: str
    place: str
    head_title: str
    office: str
    council: str
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
    signer: Signer
    legal_bases: tuple[LegalBasis, ...]
    run: Run
    scope_wording: dict[str, str]
    categories: tuple[str, ...]
    tiers: tuple[Tier, ...]
    source: Path
    kind: str = ""  # the kind of the awards it gives (Công trạng, Chuyên đề, …), as the register records them
    history: HistoryRules | None = None

    @property
    def has_criteria(self) -> bool:
        return any(t.criteria for t in self.tiers)

    @functools.cached_property
    def _tiers_by_name(self) -> dict[str, Tier]:
        return {fold(tier.name): tier for tier in self.tiers}

    def tier_named(self, name: str) -> Tier | None:
        return self._tiers_by_name.get(fold(name))

    def bases_for(self, submission: str) -> tuple[LegalBasis, ...]:
        """The legal bases a Tờ trình or a Quyết định cites, in order of legal force."""
        cited = [b for b in self.legal_bases if submission in b.cited_in]
        return tuple(sorted(cited, key=lambda b: b.force))  # stable: the file's order within a kind

    @property
    def classes(self) -> tuple[str, ...]:
        """Every tier's classes, once each (the Hạng dropdown)."""
        return tuple(dict.fromkeys(c for tier in self.tiers for c in tier.classes))


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


def load_campaign(path: Path, *, scopes: tuple[str, ...], register: Mapping[str, tuple[str, ...]] | None = None
                  ) -> Campaign:
    """Load and check a campaign file. `scopes` are the schema's allowed scope values; `register`, the
    register's lists by column key (rating, title, award, kind) that criteria may name."""
    data = read_toml(path, "tệp chiến dịch", CampaignError)
    register = register or {}

    r = _Reader(path)
    head = r.get(data, "campaign", dict, "") or {}
    org = r.get(data, "organisation", dict, "") or {}
    window_end = r.get(head, "window_end", dt.date, "campaign", default=None)
    plan_date = r.get(head, "plan_date", dt.date, "campaign")
    window_start = r.get(head, "window_start", dt.date, "campaign")
    organisation = Organisation(
        parent_agency=r.text(org, "parent_agency", "organisation"),
        agency=r.text(org, "agency", "organisation"),
        agency_in_text=r.text(org, "agency_in_text", "organisation"),
        agency_short=r.text(org, "agency_short", "organisation"),
        symbol_suffix=r.text(org, "symbol_suffix", "organisation"),
        place=r.text(org, "place", "organisation"),
        head_title=r.text(org, "head_title", "organisation"),
        office=r.text(org, "office", "organisation"),
        council=r.text(org, "council", "organisation"),
        recipients=r.texts(org, "recipients", "organisation"),
        office_head=r.text(org, "office_head", "organisation", allow_empty=True, default=""),
        office_head_title=r.text(org, "office_head_title", "organisation", allow_empty=True, default=""),
        decision_recipients=r.texts(org, "decision_recipients", "organisation", allow_empty=True)
        if "decision_recipients" in org else (),
    )
    campaign = Campaign(
        code=r.text(head, "code", "campaign"),
        name=r.text(head, "name", "campaign"),
        short_name=r.text(head, "short_name", "campaign", allow_empty=True, default=""),
        plan_date=plan_date,
        window_start=window_start,
        window_end=window_end,
        min_summary_length=r.get(head, "min_summary_length", int, "campaign") or 0,
        office_approval_required=r.get(head, "office_approval_required", bool, "campaign", default=True),
        dossier_note=r.text(head, "dossier_note", "campaign", default=DOSSIER_NOTE),
        organisation=organisation,
        signer=_read_signer(r, data, organisation),
        legal_bases=_read_legal_bases(r, data),
        run=_read_run(r, data, plan_date, window_start, window_end),
        scope_wording=_read_scope_wording(r, data, scopes),
        categories=r.texts(data, "categories", ""),
        tiers=_read_tiers(r, data, scopes, register),
        source=path,
        kind=r.text(head, "kind", "campaign", allow_empty=True, default=""),
        history=_read_history(r, data, register),
    )
    if campaign.kind and register.get("kind") and campaign.kind not in register["kind"]:
        r.problem("campaign.kind", f"'{campaign.kind}' không có trong danh sách Loại khen thưởng "
                  f"({', '.join(register['kind'])})")
    if campaign.has_criteria and campaign.history is None:
        r.problem("history", "có tiêu chuẩn tính từ lịch sử khen thưởng nhưng thiếu mục [history] (assessed_year)")
    if campaign.min_summary_length < 0:
        r.problem("campaign.min_summary_length", "phải là số không âm")
    if window_end and isinstance(campaign.window_start, dt.date) and window_end < campaign.window_start:
        r.problem("campaign.window_end", "phải sau campaign.window_start")
    r.unknown_keys()
    if r.problems:
        listing = "; ".join(r.problems)
        raise CampaignError(f"Tệp chiến dịch '{path}' không hợp lệ — {listing}.")
    return campaign


def _read_tiers(r: _Reader, data: dict[str, Any], scopes: tuple[str, ...],
                register: Mapping[str, tuple[str, ...]]) -> tuple[Tier, ...]:
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
            closing=r.text(table, "closing", where, allow_empty=True, default=""),
            document_name=r.text(table, "document_name", where, allow_empty=True, default=""),
            classes=r.texts(table, "classes", where, allow_empty=True) if "classes" in table else (),
            standard=r.text(table, "standard", where, allow_empty=True, default=""),
            full_name=r.text(table, "full_name", where, allow_empty=True, default=""),
            award_in_decision=r.text(table, "award_in_decision", where, allow_empty=True, default=""),
            criteria=_read_criteria(r, table, where, register),
        ))
    for attr in ("key", "name", "folder"):
        values = [fold(getattr(t, attr)) for t in tiers]
        if len(set(values)) != len(values):
            r.problem(f"tiers.{attr}", "có giá trị bị lặp giữa các hình thức")
    return tuple(tiers)


def _read_signer(r: _Reader, data: dict[str, Any], org: Organisation) -> Signer:
    table = r.get(data, "signer", dict, "") or {}
    authority = r.text(table, "authority", "signer", allow_empty=True, default="")
    if authority not in AUTHORITIES:
        r.problem("signer.authority", f"'{authority}' không phải một trong "
                  f"{', '.join(repr(a) for a in AUTHORITIES)} (Nghị định 30/2020/NĐ-CP)")
    on_behalf_of = r.text(table, "on_behalf_of", "signer", allow_empty=True, default="") or org.head_title
    title = r.text(table, "title", "signer", allow_empty=authority == "Q.", default="" if authority == "Q." else ...)
    if authority == "TM." and "on_behalf_of" not in table:
        r.problem("signer.on_behalf_of", "ký thay mặt (TM.) cần tên tập thể, ví dụ \"Hội đồng Thi đua, khen thưởng\"")
    return Signer(authority, title, r.text(table, "name", "signer", allow_empty=True), on_behalf_of)


def _read_legal_bases(r: _Reader, data: dict[str, Any]) -> tuple[LegalBasis, ...]:
    tables = r.get(data, "legal_bases", list, "", default=[])
    bases = []
    for i, table in enumerate(tables, start=1):
        where = f"legal_bases[{i}]"
        if not isinstance(table, dict):
            r.problem(where, "phải là một bảng [[legal_bases]]")
            continue
        kind = r.text(table, "kind", where)
        if kind and kind not in LEGAL_FORCE:
            r.problem(f"{where}.kind", f"'{kind}' không phải một trong {', '.join(LEGAL_FORCE)}")
            continue
        text = r.text(table, "text", where)
        if text.lower().startswith("căn cứ") or text.endswith((";", ".", ",")):
            r.problem(f"{where}.text", "ghi tên văn bản, không kèm 'Căn cứ' ở đầu và dấu câu ở cuối")
        cited_in = r.texts(table, "cited_in", where)
        if unknown := [c for c in cited_in if c not in SUBMISSION_KINDS]:
            r.problem(f"{where}.cited_in", f"'{unknown[0]}' không phải một trong {', '.join(SUBMISSION_KINDS)}")
        bases.append(LegalBasis(kind, text, cited_in, r.text(table, "source", where)))
    return tuple(bases)


def _read_run(r: _Reader, data: dict[str, Any], plan_date: Any, start: Any, end: dt.date | None) -> Run:
    table = r.get(data, "run", dict, "", default={})
    default_year = plan_date.year if isinstance(plan_date, dt.date) else 0
    meeting = r.get(table, "council_meeting", dt.date, "run", default=None)
    document_date = r.get(table, "document_date", dt.date, "run", default=None)
    if document_date and isinstance(start, dt.date) and (document_date < start or (end and document_date > end)):
        window = f"từ {start:%d/%m/%Y}" + (f" đến {end:%d/%m/%Y}" if end else "")
        r.problem("run.document_date", f"ngày {document_date:%d/%m/%Y} nằm ngoài thời gian phong trào ({window})")
    year = r.get(table, "year", int, "run", default=default_year)
    if document_date and year != document_date.year:
        year = document_date.year
    return Run(year, meeting, r.text(table, "council_minutes", "run", allow_empty=True, default=""), document_date)


def _read_scope_wording(r: _Reader, data: dict[str, Any], scopes: tuple[str, ...]) -> dict[str, str]:
    table = r.get(data, "scope_wording", dict, "", default={})
    known = {fold(s): s for s in scopes}
    wording = {}
    for scope, text in table.items():
        if fold(scope) not in known:
            r.problem(f"scope_wording.{scope}", "không có trong danh sách Phạm vi ảnh hưởng của sheet_schema")
        elif not isinstance(text, str) or not clean(text):
            r.problem(f"scope_wording.{scope}", "phải là một câu không rỗng")
        else:
            wording[known[fold(scope)]] = clean(text)
    return wording


def _read_history(r: _Reader, data: dict[str, Any], register: Mapping[str, tuple[str, ...]]) -> HistoryRules | None:
    table = r.get(data, "history", dict, "", default=None)
    if table is None:
        return None
    year = r.get(table, "assessed_year", int, "history") or 0
    if year and not 1975 <= year <= 2100:
        r.problem("history.assessed_year", f"năm {year} không hợp lệ")
    not_counted = r.texts(table, "not_counted", "history", allow_empty=True) if "not_counted" in table else ()
    if unknown := [k for k in not_counted if register.get("kind") and k not in register["kind"]]:
        r.problem("history.not_counted", f"'{unknown[0]}' không có trong danh sách Loại khen thưởng")
    basis = r.text(table, "not_counted_basis", "history", allow_empty=not not_counted, default="")
    return HistoryRules(year, not_counted, basis)


def _read_criteria(r: _Reader, tier: dict[str, Any], where: str,
                   register: Mapping[str, tuple[str, ...]]) -> tuple[Criterion, ...]:
    tables = r.get(tier, "criteria", list, where, default=[])
    criteria = []

    def known(value: str, key: str, name: str, place: str) -> str:
        if register.get(key) and value not in register[key]:
            r.problem(place, f"'{value}' không có trong danh sách {name} của tab Lịch sử khen thưởng")
        return value

    def counts(table: dict[str, Any], key: str, place: str, list_key: str, name: str) -> tuple[tuple[str, int], ...]:
        value = r.get(table, key, dict, place, default={})
        out = []
        for item, times in value.items():
            if not isinstance(times, int) or isinstance(times, bool) or times < 1:
                r.problem(f"{place}.{key}.{item}", "phải là số lần, nguyên dương")
                continue
            out.append((known(clean(item), list_key, name, f"{place}.{key}"), times))
        return tuple(out)

    for i, table in enumerate(tables, start=1):
        place = f"{where}.criteria[{i}]"
        if not isinstance(table, dict):
            r.problem(place, "phải là một bảng [[tiers.criteria]]")
            continue
        subjects = r.text(table, "subjects", place, default="all")
        if subjects not in SUBJECTS:
            r.problem(f"{place}.subjects", f"'{subjects}' không phải một trong {', '.join(SUBJECTS)}")
        severity = r.text(table, "severity", place, default="error")
        if severity not in SEVERITIES:
            r.problem(f"{place}.severity", f"'{severity}' không phải một trong {', '.join(SEVERITIES)}")
        awards = tuple(known(a, "award", "Hình thức khen thưởng", f"{place}.award_before")
                       for a in (r.texts(table, "award_before", place) if "award_before" in table else ()))
        run_years = r.get(table, "run_years", int, place, default=0)
        run_rating = r.text(table, "run_rating", place, allow_empty=True, default="")
        if run_rating:
            known(run_rating, "rating", "Xếp loại", f"{place}.run_rating")
        if bool(run_years) != bool(run_rating) or run_years < 0:
            r.problem(place, "run_years và run_rating đi cùng nhau: số năm liên tục (nguyên dương) và mức xếp loại")
        in_run = counts(table, "titles_in_run", place, "title", "Danh hiệu thi đua")
        ratings = counts(table, "ratings_in_run", place, "rating", "Xếp loại")
        if (in_run or ratings or awards) and not run_years:
            r.problem(place, "titles_in_run, ratings_in_run và award_before cần một chuỗi năm (run_years, run_rating)")
        consecutive = None
        if "consecutive_title" in table:
            pair = counts(table, "consecutive_title", place, "title", "Danh hiệu thi đua")
            if len(pair) != 1:
                r.problem(f"{place}.consecutive_title", "ghi đúng một danh hiệu và số năm liên tục")
            else:
                consecutive = pair[0]
        if not (run_years or consecutive):
            r.problem(place, "tiêu chuẩn không đòi hỏi gì (cần run_years hoặc consecutive_title)")
        criteria.append(Criterion(
            article=r.text(table, "article", place), requirement=r.text(table, "requirement", place),
            subjects=subjects, award_before=awards,
            award_label=r.text(table, "award_label", place, allow_empty=True, default=""),
            run_years=run_years, run_rating=run_rating,
            titles_in_run=in_run, ratings_in_run=ratings, consecutive_title=consecutive, severity=severity,
            source=r.text(table, "source", place),
        ))
    return tuple(criteria)
