"""Which Word documents the verdicts call for, what goes in each, and a content key per document.

Pure: verdicts and the campaign in, `DocumentSpec`s (automation.store) out. A spec's `key` is a hash of its
template and its data (everything but the date it is dated), so a document is rendered again
only when what it is made of changed; the date is the day it was last (re)drafted.

Per tier (plan 515/KH-VKS IV.3–IV.4, SPEC section 4):
- a Tờ trình with its danh sách (tiers decided above the province), or the provincial chief's
  Quyết định with its danh sách: the tier's included nominees (Hợp lệ, and Đồng ý where the
  campaign asks), collectives first;
- a Bản tóm tắt thành tích for every valid nominee of the tier: the unit needs it, signed by its
  head, before the Office appraises the row, so it does not wait for the Office's Đồng ý.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from typing import Any
from collections.abc import Iterable

from automation.campaign import Campaign, Tier
from automation.findings import Status
from automation.schema import Key
from automation.store import DocumentSpec
from automation.text import clean
from automation.verdict import Verdict

SUMMARY_FOLDER = "Tóm tắt thành tích"
TEMPLATES = {"to_trinh": "to_trinh.docx", "quyet_dinh": "quyet_dinh.docx",
             "individual": "tom_tat_ca_nhan.docx", "collective": "tom_tat_tap_the.docx"}
DOCUMENT_NAMES = {"to_trinh": "Tờ trình đề nghị {tier}", "quyet_dinh": "Quyết định tặng {tier}"}
UNDATED = ("date_line", "date_short")  # left out of the content key
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
MAX_NAME_CHARACTERS, MAX_NAME_BYTES = 120, 180


def documents_for(verdicts: Iterable[Verdict], campaign: Campaign, today: dt.date,
                   template_digests: dict[str, str], *, individual: str) -> list[DocumentSpec]:
    ordered = sorted(verdicts, key=lambda v: (v.nomination.unit.row, v.nomination.row))
    specs: list[DocumentSpec] = []
    dates = {"date_line": date_line(campaign.organisation.place, today), "date_short": f"ngày {today:%d/%m/%Y}"}
    for tier in campaign.tiers:
        mine = [v for v in ordered if v.nomination.value(Key.AWARD) == tier.name]
        included = [v for v in mine if v.included]
        if included:
            template = TEMPLATES[tier.submission]
            name = tier.document_name or DOCUMENT_NAMES[tier.submission].format(tier=tier.name)
            context = {**_common(campaign, tier), **_annex(included, individual), **dates}
            if tier.submission == "quyet_dinh":
                context["recipients"] = list(campaign.organisation.decision_recipients or
                                             campaign.organisation.recipients)
            specs.append(_spec(f"submission:{tier.key}", f"{tier.folder}/{safe_file_name(name)}.docx",
                               template, context, template_digests))
        for verdict in mine:
            if verdict.status is not Status.HOP_LE:
                continue
            n = verdict.nomination
            kind = "individual" if n.value(Key.SUBJECT_TYPE) == individual else "collective"
            context = {**_common(campaign, tier), "p": _person(verdict, paragraphs=True),
                       "unit": {"name": n.unit.name, "name_upper": n.unit.name.upper()}, **dates}
            file_name = safe_file_name(f"{verdict.record_id} - {n.value(Key.NAME)}")
            specs.append(_spec(f"summary:{verdict.record_id}", f"{tier.folder}/{SUMMARY_FOLDER}/{file_name}.docx",
                               TEMPLATES[kind], context, template_digests, record_id=verdict.record_id))
    return specs


def content_key(template_digest: str, context: dict[str, Any]) -> str:
    data = {k: v for k, v in context.items() if k not in UNDATED}
    text = json.dumps({"template": template_digest, "data": data}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def date_line(place: str, day: dt.date) -> str:
    """`Tây Ninh, ngày 08 tháng 11 năm 2021`: a leading zero for days below 10 and for months 1 and 2
    (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


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


def _spec(doc_id: str, path: str, template: str, context: dict[str, Any], digests: dict[str, str],
          record_id: str | None = None) -> DocumentSpec:
    return DocumentSpec(doc_id, path, template, context, content_key(digests[template], context), record_id)


def _common(campaign: Campaign, tier: Tier) -> dict[str, Any]:
    org = campaign.organisation
    title = org.signer_title
    return {
        "org": {
            "parent_agency": org.parent_agency, "agency": org.agency, "agency_short": org.agency_short,
            "symbol_suffix": org.symbol_suffix, "place": org.place, "signer_title": title,
            "signer_name": org.signer_name, "signer_authority": f"{title} {org.agency}",
            "signer_authority_short": f"{title.capitalize()} {org.agency_short}",
            "office_head": org.office_head or org.office, "office_head_title": org.office_head_title or org.office,
        },
        "campaign": {"code": campaign.code, "name": campaign.name, "plan_date": f"{campaign.plan_date:%d/%m/%Y}",
                     "dossier_note": campaign.dossier_note},
        "tier": {"name": tier.name, "name_upper": tier.name.upper(), "decided_by": tier.decided_by,
                 "addressed_to": tier.addressed_to, "proposal": tier.proposal or f"xem xét, tặng {tier.name}",
                 "copies_text": f"{tier.copies:02d} bộ (bản chính)"},
        "legal_bases": list(org.legal_bases),
        "recipients": list(org.recipients),
    }


def _annex(included: list[Verdict], individual: str) -> dict[str, Any]:
    collectives = [v for v in included if v.nomination.value(Key.SUBJECT_TYPE) != individual]
    individuals = [v for v in included if v.nomination.value(Key.SUBJECT_TYPE) == individual]
    return {
        "collectives": [{**_person(v), "stt": i} for i, v in enumerate(collectives, start=1)],
        "individuals": [{**_person(v), "stt": i} for i, v in enumerate(individuals, start=1)],
        "count_text": count_text(len(collectives), len(individuals)),
    }


def _person(verdict: Verdict, *, paragraphs: bool = False) -> dict[str, Any]:
    n = verdict.nomination
    value = lambda key: n.value(key) if n.value(key) is not None else ""  # noqa: E731
    summary = value(Key.SUMMARY)
    contribution = n.value(Key.MATERIAL_CONTRIBUTION)
    gender_year = ", ".join(str(x) for x in (value(Key.GENDER), value(Key.BIRTH_YEAR)) if x != "")
    note = "; ".join(x for x in (verdict.record_id, value(Key.NOTE)) if x)
    return {
        "record_id": verdict.record_id, "name": value(Key.NAME), "gender": value(Key.GENDER),
        "birth_year": value(Key.BIRTH_YEAR), "position": value(Key.POSITION), "workplace": value(Key.WORKPLACE),
        "gender_year": gender_year,
        "position_workplace": ", ".join(x for x in (value(Key.POSITION), value(Key.WORKPLACE)) if x),
        "category": value(Key.CATEGORY), "scope": value(Key.SCOPE),
        # "\a" starts a new paragraph with the template's formatting (docxtpl), "\n" a line break.
        "summary": summary.replace("\n", "\a") if paragraphs else summary,
        "contribution_line": (f"- Đóng góp vật chất: {contribution:,.0f} đồng.".replace(",", ".")
                              if isinstance(contribution, (int, float)) and contribution > 0 else ""),
        "note": note,
    }
