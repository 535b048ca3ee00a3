"""Closing the loop: the decisions that came back → new rows of the register, each added once.

The Office writes one row per decision on a tier in the decisions tab (Quyết định khen thưởng):
its number and date, and either nothing (everyone in the tier's submission was awarded) or the
record ids of those who were. `thidua record` adds one register row per person awarded, with the
campaign's kind of award (công trạng, chuyên đề, …), so the next campaign's criteria see it. A row
already in the register (the same person, award and decision) is never added again, so the command
may run as often as the Office likes. Nothing the Office typed is changed: the job writes only the
new rows at the register's end and its own column of the decisions tab.

Pure: the snapshot and the evaluation in, the rows to add and the flags to write out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from automation.campaign import Campaign
from automation.cells import is_blank, parse_cell
from automation.intake import find_tab
from automation.flags import TIMESTAMP
from automation.register import Register, person_key
from automation.schema import DecisionKey, HistoryKey, Key, Schema, locate_columns
from automation.sheets import RowFlags, Snapshot, TabAppend, TabWrite, row_fingerprint
from automation.text import fold
from automation.verdict import Verdict

@dataclass(frozen=True)
class Recording:
    """What `thidua record` writes: the register's new rows, and the decisions tab's own column."""

    appended: TabAppend | None
    flags: TabWrite | None
    added: int  # register rows added
    already: int  # people of a decision the register already held
    problems: tuple[str, ...]  # decisions that could not be recorded, and why


def _key(person: tuple[Any, ...], award: str, decision: str) -> tuple[Any, ...]:
    return (*person, fold(award), fold(decision).replace(" ", ""))


def _held(register: Register, schema: Schema) -> set[tuple[Any, ...]]:
    """Every (person, award, decision) the register holds, whatever the state of its row: a coded row
    under its code and under its name and birth year (a nomination may not carry the code)."""
    held = set()
    for row in register.rows:
        # A cell that did not parse still names what was typed (an award row with a problem is held too).
        value = {k: (c.value if c.value is not None else None if c.blank else c.raw) for k, c in row.cells.items()}
        name = value.get(HistoryKey.NAME)
        if not name or not value.get(HistoryKey.AWARD):
            continue
        individual = value.get(HistoryKey.SUBJECT_TYPE) == schema.individual
        code = str(value.get(HistoryKey.PERSON_CODE) or "")
        for person in {person_key(individual, str(name), value.get(HistoryKey.BIRTH_YEAR), code),
                       person_key(individual, str(name), value.get(HistoryKey.BIRTH_YEAR))}:
            held.add(_key(person, str(value[HistoryKey.AWARD]), str(value.get(HistoryKey.DECISION) or "")))
    return held


def record_decisions(snapshot: Snapshot, verdicts: list[Verdict], register: Register, campaign: Campaign,
                     schema: Schema, *, now: dt.datetime) -> Recording:
    tab = find_tab(snapshot, schema.tabs["decisions"])
    if tab is None or not tab.rows:
        return Recording(None, None, 0, 0, (f"Bảng tính chưa có tab '{schema.tabs['decisions']}' (hoặc tab trống); "
                                            "chạy 'thidua setup --with-history' rồi ghi các quyết định đã nhận.",))
    if not register.readable:
        why = register.problem or f"bảng tính chưa có tab '{schema.tabs['register']}'"
        return Recording(None, None, 0, 0, (f"{why}; chưa ghi gì (chạy 'thidua setup --with-history').",))
    headers = locate_columns(tab.rows[0], schema.decision_columns + schema.decision_flag_columns)
    required = [c for c in schema.decision_columns if c.required == "yes"]
    if missing := [c.header for c in required if c.key not in headers.positions]:
        return Recording(None, None, 0, 0, (f"Tab '{tab.title}': thiếu cột {', '.join(repr(h) for h in missing)}",))
    flag_columns, new_headers = headers.place_flags(schema.decision_flag_columns)
    flag_key = schema.decision_flag_columns[0].key
    at = [(c, headers.positions[c.key]) for c in schema.decision_columns if c.key in headers.positions]
    positions = tuple(sorted(p for _, p in at))
    headers_of = {c.key: c.header for c in schema.decision_columns}
    held = _held(register, schema)
    by_id = {v.record_id: v for v in verdicts if v.record_id}
    columns = [c.key for c in schema.register_columns]
    rows: list[list[Any]] = []
    flags: list[RowFlags] = []
    problems: list[str] = []
    already = 0
    stamp = now.strftime(TIMESTAMP)
    for index in tab.holding(1):
        raw_row = tab.rows[index]
        raws = {c.key: (raw_row[p] if p < len(raw_row) else None) for c, p in at}
        if all(is_blank(v) for v in raws.values()):
            continue
        cells = {c.key: parse_cell(c, raws[c.key], today=now.date()) for c, _ in at}
        where = f"Tab '{tab.title}', dòng {index + 1}"
        wrong = [f"{headers_of[k]}: {cell.problem.message}" for k, cell in cells.items() if cell.problem]
        wrong += [f"{c.header}: chưa nhập" for c in required if c.key in cells and cells[c.key].blank]
        tier = campaign.tier_named(str(cells[DecisionKey.AWARD].value or ""))
        date = cells[DecisionKey.DECISION_DATE].value
        if isinstance(date, dt.date) and date > now.date():
            wrong.append(f"ngày quyết định {date:%d/%m/%Y} ở tương lai")
        text = ""
        if wrong or tier is None:
            text = "Chưa ghi: " + "; ".join(wrong or ["chọn hình thức khen thưởng"])
            problems.append(f"{where}: {text}")
        else:
            award_class = str(cells[DecisionKey.AWARD_CLASS].value or "") if DecisionKey.AWARD_CLASS in cells else ""
            listed = [i.strip().upper() for i in re.split(r"[,;\s]+", str(cells[DecisionKey.RECORD_IDS].value or ""))
                      if i.strip()] if DecisionKey.RECORD_IDS in cells else []
            unknown = [i for i in listed if i not in by_id]
            awarded = ([by_id[i] for i in listed if i in by_id] if listed else
                       [v for v in verdicts if v.included and v.nomination.value(Key.AWARD) == tier.name
                        and (not award_class or v.nomination.value(Key.AWARD_CLASS) == award_class)])
            decided_by = str(cells[DecisionKey.DECIDED_BY].value or "") if DecisionKey.DECIDED_BY in cells else ""
            decision = str(cells[DecisionKey.DECISION].value)
            added = 0
            for verdict in awarded:
                row = _register_row(verdict, tier.register_award(award_class or str(
                    verdict.nomination.value(Key.AWARD_CLASS) or "")), decision, date, decided_by or tier.decided_by,
                    campaign, schema)
                person = person_key(row[HistoryKey.SUBJECT_TYPE] == schema.individual, row[HistoryKey.NAME],
                                    row[HistoryKey.BIRTH_YEAR], row[HistoryKey.PERSON_CODE])
                key = _key(person, row[HistoryKey.AWARD], decision)
                if key in held:
                    already += 1
                    continue
                held.add(key)
                rows.append([row.get(k) for k in columns])
                added += 1
            if added == len(awarded):
                text = f"Đã ghi {added} người vào Lịch sử khen thưởng ({stamp})"
            elif added == 0:
                text = f"Cả {len(awarded)} người đã có trong Lịch sử khen thưởng (kiểm tra lúc {stamp})"
            else:
                text = (f"Đã ghi {added} người vào Lịch sử khen thưởng ({stamp}); {len(awarded) - added} người "
                        "đã có từ trước")
            if not awarded:
                text = "Chưa ghi: không có ai trong tờ trình (quyết định) của hình thức này" + (
                    f" hạng {award_class}" if award_class else "")
            if unknown:
                text += f"; không tìm thấy mã hồ sơ {', '.join(unknown[:5])}"
                problems.append(f"{where}: không tìm thấy mã hồ sơ {', '.join(unknown[:5])}")
        flags.append(RowFlags(index + 1, "", {flag_key: text}, row_fingerprint(raw_row, positions)))
    appended = TabAppend(register.title or schema.tabs["register"], tuple(rows)) if rows else None
    written = TabWrite(tab.title, flag_columns, new_headers, tuple(flags), positions)
    return Recording(appended, written, len(rows), already, tuple(problems))


def _register_row(verdict: Verdict, award: str, decision: str, date: Any, decided_by: str, campaign: Campaign,
                  schema: Schema) -> dict[str, Any]:
    n = verdict.nomination
    return {
        HistoryKey.SUBJECT_TYPE: n.value(Key.SUBJECT_TYPE), HistoryKey.PERSON_CODE: str(n.value(Key.PERSON_CODE) or ""),
        HistoryKey.NAME: n.value(Key.NAME), HistoryKey.BIRTH_YEAR: n.value(Key.BIRTH_YEAR),
        # The year of the merit rewarded: a yearly campaign's assessed year (its runs of years then start
        # after it), else the year of the decision.
        HistoryKey.UNIT: n.unit.name, HistoryKey.YEAR: campaign.history.assessed_year if campaign.history else
        date.year if isinstance(date, dt.date) else campaign.run.year,
        HistoryKey.AWARD: award, HistoryKey.DECISION: decision, HistoryKey.DECISION_DATE: date,
        HistoryKey.DECIDED_BY: decided_by, HistoryKey.KIND: campaign.kind,
        HistoryKey.NOTE: f"{campaign.code}, mã hồ sơ {verdict.record_id}",
    }
