"""What each command does, from the settings to its result; the CLI and the scheduler call these.

Each opens what the settings name (`connect`), runs one pass of the library, and returns plain
values for the caller to print. A run that cannot proceed raises a ThiduaError whose message is
one Vietnamese line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from automation.clock import now_local
from automation.memory import Memory
from automation.connect import load_rules, open_renderer, open_spreadsheet, open_store
from automation.counts import SyncReport
from automation.demo import build_demo
from automation.errors import ConfigError
from automation.layout import set_up
from automation.settings import Settings
from automation.sync import Evaluation, evaluate, sync


def check(settings: Settings, *, now: dt.datetime | None = None) -> Evaluation:
    """Judge every row; write nothing anywhere."""
    campaign, schema = load_rules(settings)
    return evaluate(open_spreadsheet(settings, read_only=True), campaign, schema, now=now)


def sync_once(settings: Settings, *, now: dt.datetime | None = None, allow_archive: bool = False,
              memory: Memory | None = None) -> SyncReport:
    """One sync with everything read afresh: edits to the config or the campaign apply at the next run.

    `allow_archive`: a person has looked and agrees that a large share of the documents goes to
    Lưu trữ (`thidua sync --allow-archive`); the scheduled job never says so."""
    campaign, schema = load_rules(settings)
    return sync(open_spreadsheet(settings), campaign, schema, store=open_store(settings, campaign),
                renderer=open_renderer(settings), now=now, allow_archive=allow_archive, memory=memory)


def set_up_spreadsheet(settings: Settings, *, create: bool = False) -> list[str]:
    """Create or repair the tabs, headers, dropdowns, colours and protections; what changed.

    A workbook path that does not exist is created only when asked (`create`): a typo in the
    path must not start an empty campaign beside the real one."""
    if settings.workbook and not settings.spreadsheet_id and not settings.workbook.exists() and not create:
        raise ConfigError(f"Chưa có tệp bảng tính '{settings.workbook}'. Nếu muốn tạo bảng tính mới ở đó, chạy lại "
                          "với --create; nếu không, kiểm tra lại đường dẫn.")
    campaign, schema = load_rules(settings)
    return set_up(open_spreadsheet(settings), campaign, schema, today=now_local().date(),
                  office=settings.office_emails)


def run_demo(folder: Path) -> tuple[Settings, SyncReport]:
    """Build the demo workbook and its config in `folder`, set it up, run one sync."""
    settings = build_demo(folder)
    set_up_spreadsheet(settings)
    return settings, sync_once(settings)
