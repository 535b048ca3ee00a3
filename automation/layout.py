"""What `thidua setup` makes sure the spreadsheet has: tabs, headers, dropdowns, colours.

The layout is pure, built from the schema, the campaign and the registry; each backend applies
it (`Spreadsheet.setup`). `set_up` is the whole setup pass: read the registry, build, apply.
"""

from __future__ import annotations

import datetime as dt

from automation.campaign import Campaign
from automation.errors import ThiduaError
from automation.findings import Status
from automation.guide import SECTION, unit_guide
from automation.intake import read_intake
from automation.nomination import Unit
from automation.overview import overview_layout
from automation.schema import Column, Key, Schema
from automation.sheets import ColumnLayout, Layout, Spreadsheet, TabLayout
from automation.text import fold

STATUS_FILLS = {Status.HOP_LE.value: "C6EFCE", Status.CAN_BO_SUNG.value: "FFEB9C", Status.KHONG_HOP_LE.value: "FFC7CE"}


def guide_tab(title: str, schema: Schema, campaign: Campaign) -> TabLayout:
    """The `Hướng dẫn` tab: the units' guide (automation.guide), one line per row, its section
    headings marked for bold."""
    lines = unit_guide(schema, campaign)
    return TabLayout(title, (), tuple((line.removeprefix(SECTION),) for line in lines),
                     headings=tuple(i for i, line in enumerate(lines) if line.startswith(SECTION)))


# A unit tab has some 25 columns: on one A4 page across they would print at 3 pt. On paper each
# block of rows takes four pages across, cut where a reader changes subject — who is proposed for
# what; the achievement; the dossier and the Office's word; what the job says — and the first
# three columns (STT, Đối tượng, the name) repeat on each, so every page says whose row it is.
PAGE_STARTS = (Key.CATEGORY, Key.COPIES_SUBMITTED, Key.RECORD_ID)
REPEATED_COLUMNS = 3
WRAPPED_WIDTH = 20  # a text (or long choice) column this wide or wider holds sentences: wrapped


def _column(c: Column, *, flag: bool = False, office: bool = False) -> ColumnLayout:
    return ColumnLayout(header=c.header, width=c.width, aliases=c.aliases,
                        choices=c.choices if c.type == "choice" else (), checkbox=c.type == "checkbox",
                        flag=flag, office=office, status_colours=c.key == Key.STATUS,
                        wrap=c.multiline or (c.type in ("text", "choice") and c.width >= WRAPPED_WIDTH),
                        grouped=c.type == "number", page_break=c.key in PAGE_STARTS)


def build_layout(schema: Schema, campaign: Campaign, units: tuple[Unit, ...], *,
                 office: tuple[str, ...] = (), existing: tuple[str, ...] = (), with_history: bool = False) -> Layout:
    """`existing`: the spreadsheet's tab titles. The register (Lịch sử khen thưởng) and the decisions
    tab are made for a campaign whose criteria read the register, or when asked (`with_history`), and
    kept in shape wherever they exist."""
    schema = schema.with_campaign(campaign)
    have = {fold(t) for t in existing}
    history_tabs = [
        TabLayout(schema.tabs[name], tuple(_column(c) for c in columns)
                  + tuple(_column(c, flag=True) for c in flags), repeat_columns=3)
        for name, columns, flags in (("register", schema.register_columns, schema.register_flag_columns),
                                     ("decisions", schema.decision_columns, schema.decision_flag_columns))
        if campaign.has_criteria or with_history or fold(schema.tabs[name]) in have]
    unit_columns = (tuple(_column(c) for c in schema.unit_columns)
                    + tuple(_column(c, office=True) for c in schema.office_columns)
                    + tuple(_column(c, flag=True) for c in schema.flag_columns))
    tabs = [
        guide_tab(schema.tabs["guide"], schema, campaign),
        TabLayout(schema.tabs["registry"], tuple(_column(c) for c in schema.registry_columns)),
        *(TabLayout(u.tab, unit_columns, editors=u.editors, repeat_columns=REPEATED_COLUMNS) for u in units),
        *history_tabs,
        TabLayout(schema.tabs["overview"], ()),
        TabLayout(schema.tabs["log"], ()),
        TabLayout(schema.tabs["lists"], (), hidden=True),
    ]
    return Layout(tuple(tabs), STATUS_FILLS, office_editors=office, registry_title=schema.tabs["registry"],
                  guide_title=schema.tabs["guide"], overview_title=schema.tabs["overview"],
                  overview=overview_layout(campaign), overview_units=len(units))


def set_up(sheet: Spreadsheet, campaign: Campaign, schema: Schema, *, today: dt.date,
           office: tuple[str, ...] = (), with_history: bool = False) -> list[str]:
    """The setup pass: a tab for each registered unit, and everything the layout asks for; returns
    what changed. A new or unregistered spreadsheet gets the registry tab first."""
    units: tuple[Unit, ...] = ()
    existing: tuple[str, ...] = ()
    try:
        snapshot = sheet.read()
        existing = tuple(snapshot.tabs)
        units = read_intake(snapshot, schema, today=today).units
    except ThiduaError:
        pass  # nothing to read yet (a workbook still to create, no registry tab): setup makes them
    return sheet.setup(build_layout(schema, campaign, units, office=office, existing=existing,
                                    with_history=with_history))
