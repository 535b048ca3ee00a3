"""Which Word documents the verdicts call for, what goes in each, and a content key per document.

Pure: verdicts and the campaign in, `DocumentSpec`s (automation.store) out. A spec's `key` is a hash
of its template and its data, so a document is rendered again only when what it is made of changed.
Nothing in a document depends on the day it is drafted: the date of issue is left blank for the
văn thư ("ngày     tháng     năm 2021"), or is the campaign run's fixed `document_date`.

Per tier (plan 515/KH-VKS IV.3–IV.4, SPEC section 4), the tier's folder holds exactly the dossier
to send:
- a Tờ trình with its danh sách (tiers decided above the province), or the provincial chief's
  Quyết định with its danh sách: the tier's included nominees (Hợp lệ, and Đồng ý where the
  campaign asks), grouped by class where the tier has classes, collectives first;
- the Bản tóm tắt thành tích of exactly those nominees.
A valid nominee the Office has not approved yet has its summary drafted as well — the unit needs
it signed by its head — in `Tóm tắt thành tích chờ thẩm định/<unit>/`; the same document moves
into the tier's folder when the Office approves (same content key: moved, not rendered again).
A nominee the Office turned down has none.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import partial
from typing import Any
from collections.abc import Callable, Iterable

from automation.campaign import Campaign, Tier
from automation.findings import ReviewState
from automation.nomination import Nomination
from automation.schema import Key, Schema
from automation.store import DocumentSpec
from automation.text import clean, fold
from automation.verdict import Verdict

SUMMARY_FOLDER = "Tóm tắt thành tích"
PENDING_FOLDER = "Tóm tắt thành tích chờ thẩm định"  # by unit: summaries of nominees not approved yet
TEMPLATES = {"to_trinh": "to_trinh.docx", "quyet_dinh": "quyet_dinh.docx",
             "individual": "tom_tat_ca_nhan.docx", "collective": "tom_tat_tap_the.docx"}
DOCUMENT_NAMES = {"to_trinh": "Tờ trình đề nghị {tier}", "quyet_dinh": "Quyết định tặng {tier}"}
BLANK_DAY = "ngày      tháng      năm {year}"  # for the văn thư to fill in when the document is issued
DOTS = "……"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
HEADER_LINE = 27  # characters of an upper-case 12 pt bold line in the header's left column (78 mm)
PARENT_LINE = 32  # the same in regular type (the level above)
# Where an agency's name may break between lines: before its administrative level, so a place
# name ("TÂY NINH", "GÒ DẦU") is never broken.
LEVELS = ("TỐI CAO", "CẤP CAO", "TỈNH", "THÀNH PHỐ", "THỊ XÃ", "HUYỆN", "QUẬN", "KHU VỰC")
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
MAX_NAME_CHARACTERS, MAX_NAME_BYTES = 120, 180


def documents_for(verdicts: Iterable[Verdict], campaign: Campaign, schema: Schema,
                  template_digests: dict[str, str], *, with_history: bool = False) -> list[DocumentSpec]:
    """`with_history`: the spreadsheet has a register (Lịch sử khen thưởng), so each summary has its
    section III of titles and awards recorded (none printed without one: a campaign as before)."""
    ordered = sorted(verdicts, key=lambda v: (v.nomination.unit.row, v.nomination.row))
    specs: list[DocumentSpec] = []
    for tier in campaign.tiers:
        mine = [v for v in ordered if v.nomination.value(Key.AWARD) == tier.name]
        included = [v for v in mine if v.included]
        if included:
            name = tier.document_name or DOCUMENT_NAMES[tier.submission].format(tier=tier.name)
            specs.append(_spec(f"submission:{tier.key}", f"{tier.folder}/{safe_file_name(name)}.docx",
                               TEMPLATES[tier.submission], template_digests,
                               partial(_submission_context, campaign, schema, tier, included)))
        for verdict in mine:
            if not verdict.summary_ready or verdict.review is ReviewState.REJECTED:
                continue
            n = verdict.nomination
            kind = "individual" if n.value(Key.SUBJECT_TYPE) == schema.individual else "collective"
            file_name = safe_file_name(f"{verdict.record_id} - {n.value(Key.NAME)}")
            folder = (f"{tier.folder}/{SUMMARY_FOLDER}" if verdict.included
                      else f"{PENDING_FOLDER}/{safe_file_name(n.unit.name)}")
            draft = partial(_summary_context, campaign, schema, tier, verdict, with_history)
            specs.append(_spec(f"summary:{verdict.record_id}", f"{folder}/{file_name}.docx", TEMPLATES[kind],
                               template_digests, draft, record_id=verdict.record_id))
    return specs


def _submission_context(campaign: Campaign, schema: Schema, tier: Tier, included: list[Verdict]) -> dict[str, Any]:
    return {**_common(campaign, tier), **_submission(campaign, tier), **_annex(included, tier, schema)}


def _summary_context(campaign: Campaign, schema: Schema, tier: Tier, verdict: Verdict, with_history: bool
                     ) -> dict[str, Any]:
    return {**_common(campaign, tier), **_summary(verdict, campaign, tier, schema),
            "history": _history(verdict, with_history)}


def content_key(template_digest: str, context: dict[str, Any]) -> str:
    text = json.dumps({"template": template_digest, "data": context}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def day_text(campaign: Campaign) -> str:
    """`ngày 08 tháng 11 năm 2021` (the run's fixed date of issue), else blanks for the văn thư. A
    leading zero for days below 10 and for months 1 and 2 (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    day = campaign.run.document_date
    if day is None:
        return BLANK_DAY.format(year=campaign.run.year)
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def header_lines(name: str, width: int = HEADER_LINE) -> str:
    """An agency's name, upper case, broken into lines for the header's narrow column: before its
    administrative level when it is too long, else between words; never inside a place name."""
    words = clean(name).upper().split(" ")
    text = " ".join(words)
    if len(text) <= width:
        return text
    for level in LEVELS:
        at = f"{text} ".rfind(f" {level} ")
        if 0 < at <= width and len(text) - at - 1 <= width:
            return f"{text[:at]}\n{text[at + 1:]}"
    fewest = len(_wrap(words, width))
    for target in range(-(-len(text) // fewest), width + 1):  # the same number of lines, as even as they go
        if len(lines := _wrap(words, target)) == fewest:
            return "\n".join(lines)
    return "\n".join(_wrap(words, width))


def _wrap(words: list[str], width: int) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def count_text(collectives: int, individuals: int) -> str:
    parts = [f"{collectives:02d} tập thể" if collectives else "", f"{individuals:02d} cá nhân" if individuals else ""]
    return " và ".join(p for p in parts if p)


def safe_file_name(text: str) -> str:
    """A name every file system and Drive accept: no separators, reserved or invisible characters, at
    most 120 characters and 180 bytes of UTF-8 (a file name may have 255 bytes; ".docx", a folder's
    temporary prefix and "(2)" in Lưu trữ need room too)."""
    visible = "".join(ch for ch in clean(text) if unicodedata.category(ch) not in ("Cf", "Co", "Cs"))
    name = _UNSAFE_IN_FILE_NAMES.sub("-", visible).strip(" .-")[:MAX_NAME_CHARACTERS]
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    return name.rstrip(" .") or "Không tên"


def _spec(doc_id: str, path: str, template: str, digests: dict[str, str], draft: Callable[[], dict[str, Any]],
          record_id: str | None = None) -> DocumentSpec:
    """The document's key from its data, the data itself built again when it is rendered."""
    return DocumentSpec(doc_id, path, template, draft, content_key(digests[template], draft()), record_id)


def _common(campaign: Campaign, tier: Tier) -> dict[str, Any]:
    org = campaign.organisation
    return {
        "org": {
            "parent_agency": header_lines(org.parent_agency, PARENT_LINE), "agency": header_lines(org.agency),
            "agency_in_text": org.agency_in_text, "symbol_suffix": org.symbol_suffix,
            "office_head": org.office_head or org.office, "office_head_title": org.office_head_title or org.office,
        },
        "campaign": {"code": campaign.code, "name": campaign.name, "dossier_note": campaign.dossier_note},
        "tier": {"name": tier.written, "name_upper": tier.written.upper(), "addressed_to": tier.addressed_to,
                 "in_decision": tier.award_in_decision or tier.written,
                 "in_decision_upper": (tier.award_in_decision or tier.written).upper(),
                 "proposal": tier.proposal or f"xem xét, quyết định tặng {tier.written}",
                 "closing": tier.closing or f"Kính trình {tier.addressed_to} xem xét, quyết định./.",
                 "copies_text": f"{tier.copies:02d} bộ (bản chính)"},
        "day": day_text(campaign),
    }


def _submission(campaign: Campaign, tier: Tier) -> dict[str, Any]:
    """What a Tờ trình or a Quyết định adds: its bases, the council's review, the signer, Nơi nhận."""
    org, signer, run = campaign.organisation, campaign.signer, campaign.run
    bases = [f"Căn cứ {b.text};" for b in campaign.bases_for(tier.submission)]
    meeting = f"{run.council_meeting:%d/%m/%Y}" if run.council_meeting else f"{DOTS}/{DOTS}/{run.year}"
    minutes = f" ({run.council_minutes})" if run.council_minutes else ""
    bases.append(f"Căn cứ kết quả họp xét của {org.council} ngày {meeting}{minutes};")
    recipients = org.recipients if tier.submission == "to_trinh" else (org.decision_recipients or org.recipients)
    return {
        "legal_bases": bases,
        "recipients": list(recipients),
        "signer": {"lines": list(signer.lines), "name": signer.name},
        "date_line": f"{org.place}, {day_text(campaign)}",
        # The authority a Quyết định is issued under is the office, whoever signs for it.
        "authority": f"{org.head_title.upper()} {org.agency}",
        "issued_by": org.agency_in_text if tier.submission == "to_trinh" else f"{org.head_title} {org.agency_in_text}",
    }


def _annex(included: list[Verdict], tier: Tier, schema: Schema) -> dict[str, Any]:
    """The danh sách, as rows: headings (I., II. …; 1., 2. within a class) and nominees, numbered
    within their group. Groups: the tier's classes, if any, then collectives before individuals;
    only groups that have someone, so a list of individuals only starts at I."""
    def is_individual(v: Verdict) -> bool:
        return bool(v.nomination.value(Key.SUBJECT_TYPE) == schema.individual)

    def by_subject(group: list[Verdict]) -> list[tuple[str, list[Verdict]]]:
        return [(label, rows) for label, rows in (("TẬP THỂ", [v for v in group if not is_individual(v)]),
                                                  ("CÁ NHÂN", [v for v in group if is_individual(v)])) if rows]

    lines: list[dict[str, Any]] = []

    def people(rows: list[Verdict]) -> None:
        lines.extend({**_row(v), "stt": i, "heading": ""} for i, v in enumerate(rows, start=1))

    if tier.classes:
        classes = [(c, [v for v in included if v.nomination.value(Key.AWARD_CLASS) == c]) for c in tier.classes]
        for number, (name, group) in enumerate([(c, g) for c, g in classes if g]):
            lines.append({"heading": f"{ROMAN[number]}. {tier.written.upper()} HẠNG {name.upper()}"})
            for sub, (label, rows) in enumerate(by_subject(group), start=1):
                lines.append({"heading": f"{sub}. {label.capitalize()}"})
                people(rows)
        parts = [f"hạng {c} cho {_count(g, is_individual)}" for c, g in classes if g]
        award_for = "; ".join(parts)
    else:
        for number, (label, rows) in enumerate(by_subject(included)):
            lines.append({"heading": f"{ROMAN[number]}. {label}"})
            people(rows)
        award_for = f"cho {_count(included, is_individual)}"
    return {"lines": lines, "count_text": _count(included, is_individual), "award_for": award_for}


def _count(group: list[Verdict], is_individual: Any) -> str:
    individuals = sum(1 for v in group if is_individual(v))
    return count_text(len(group) - individuals, individuals)


def _value(n: Nomination, key: str) -> Any:
    value = n.value(key)
    return "" if value is None else value


def _money(amount: float) -> str:
    """`200.000.000`: thousands grouped with dots, as Vietnamese documents write amounts."""
    return f"{amount:,.0f}".replace(",", ".")


def _join(*parts: str) -> str:
    """`Kiểm sát viên, Phòng 2, Viện kiểm sát nhân dân tỉnh Tây Ninh`: each part once, even when a
    unit typed the agency twice, or after a name that already ends with it ("Văn phòng Viện kiểm
    sát nhân dân tỉnh Tây Ninh, Viện kiểm sát nhân dân tỉnh Tây Ninh")."""
    seen: list[str] = []
    for part in (p.strip() for text in parts for p in str(text).split(",")):
        folded = fold(part)
        if part and not any(fold(s) == folded or fold(s).endswith(f" {folded}") for s in seen):
            seen.append(part)
    return ", ".join(seen)


def _row(verdict: Verdict) -> dict[str, Any]:
    """A nominee's row of the danh sách: nothing internal (no record id, no spreadsheet label)."""
    n = verdict.nomination
    return {
        "name": _value(n, Key.NAME),
        "gender_year": ", ".join(str(x) for x in (_value(n, Key.GENDER), _value(n, Key.BIRTH_YEAR)) if x != ""),
        "position_workplace": _join(_value(n, Key.POSITION), _value(n, Key.WORKPLACE)),
        "summary": _value(n, Key.SUMMARY),
        "note": "",  # the danh sách's Ghi chú is the Office's, by hand
    }


NOTHING_RECORDED = [{"year": "", "what": "Chưa có", "decision": ""}]


def _history(verdict: Verdict, shown: bool) -> dict[str, Any]:
    """Section III of a summary, "các hình thức khen thưởng đã được ghi nhận": the titles and the awards
    the register holds for the nominee, oldest first, with the decision and who issued it."""
    if not shown:
        return {"shown": False, "titles": [], "awards": []}

    def line(r: Any, what: str) -> dict[str, Any]:
        decision = ", ".join(x for x in (f"Quyết định số {r.decision}" if r.decision else "",
                                         f"ngày {r.decision_date:%d/%m/%Y}" if r.decision_date else "") if x)
        issuer = f"{decision}; {r.decided_by}" if decision and r.decided_by else decision or r.decided_by
        return {"year": r.year, "what": what, "decision": issuer}
    titles = [line(r, r.title) for r in verdict.history if r.title]
    awards = [line(r, r.award) for r in verdict.history if r.award]
    return {"shown": True, "titles": titles or NOTHING_RECORDED, "awards": awards or NOTHING_RECORDED}


def _summary(verdict: Verdict, campaign: Campaign, tier: Tier, schema: Schema) -> dict[str, Any]:
    """A Bản tóm tắt thành tích: the unit's header and place, the nominee, the achievement as the
    unit wrote it, its level and scope as a sentence, and the confirmations its form asks for."""
    n = verdict.nomination
    org = campaign.organisation
    collective = n.value(Key.SUBJECT_TYPE) != schema.individual
    own_seal = n.unit.kind not in schema.kinds_without_seal
    contribution = n.value(Key.MATERIAL_CONTRIBUTION)
    award = tier.written + (f" hạng {n.value(Key.AWARD_CLASS)}" if tier.classes and n.value(Key.AWARD_CLASS) else "")
    scope = campaign.scope_wording.get(n.value(Key.SCOPE) or "", "")
    level = ", ".join(x for x in (f"{tier.standard} trong {campaign.short_name or campaign.name}"
                                  if tier.standard else "", scope) if x)
    who = _value(n, Key.NAME) if collective else f"đồng chí {_value(n, Key.NAME)}"
    sign = "(Ký, ghi rõ họ tên, đóng dấu)" if own_seal else "(Ký, ghi rõ họ tên)"
    return {
        # The issuer in full; only the level above may be abbreviated (Nghị định 30/2020, Phụ lục I).
        "unit": {"parent": header_lines(org.agency_short, PARENT_LINE), "name": header_lines(n.unit.name)},
        "date_line": f"{n.unit.place or org.place}, {day_text(campaign)}",
        "award": award,
        "p": {
            "name": _value(n, Key.NAME), "gender": _value(n, Key.GENDER), "birth_year": _value(n, Key.BIRTH_YEAR),
            "position": _value(n, Key.POSITION), "workplace": _join(_value(n, Key.WORKPLACE)),
            # "\a" starts a new paragraph with the template's formatting (docxtpl).
            "situation": str(_value(n, Key.SITUATION)).replace("\n", "\a"),
            "summary": str(_value(n, Key.SUMMARY)).replace("\n", "\a"),
            "level": f"Với những kết quả trên, {who} {level}." if level else "",
            "contribution_line": (f"Đóng góp vật chất cho công tác phòng, chống dịch: {_money(contribution)} đồng."
                                  if isinstance(contribution, (int, float)) and contribution > 0 else ""),
        },
        "confirm": {
            "head_sign": sign,
            # A unit without a seal of its own (a department) is confirmed and sealed by the level above;
            # a collective's summary is always confirmed by the level that proposes it.
            "above": "" if own_seal and not collective else f"XÁC NHẬN CỦA {header_lines(org.agency, 40)}",
        },
    }
