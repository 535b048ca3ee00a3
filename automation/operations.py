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
from automation.demo_yearly import build_yearly_demo
from automation.resources import DEFAULT_CAMPAIGN, DEMO_CAMPAIGNS
from automation.decisions import Recording, record_decisions
from automation.errors import ConfigError, SourceError
from automation.overview import LOG_HEADER, log_row
from automation.sheets import SheetUpdate
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


def record(settings: Settings, *, now: dt.datetime | None = None) -> Recording:
    """Add who the decisions of the decisions tab awarded to the register, each once; one write."""
    now = now or now_local()
    campaign, schema = load_rules(settings)
    sheet = open_spreadsheet(settings)
    evaluation = evaluate(sheet, campaign, schema, now=now)  # one read: the decisions tab is in its snapshot
    recording = record_decisions(evaluation.snapshot, list(evaluation.verdicts.values()), evaluation.history,
                                 campaign, schema, now=now)
    if recording.flags is None:
        raise SourceError(recording.problems[0])
    result = f"Ghi quyết định vào Lịch sử khen thưởng: thêm {recording.added} dòng" + (
        f", {recording.already} người đã có từ trước" if recording.already else "")
    evaluation.report.seconds = 0.0
    sheet.write(SheetUpdate((recording.flags,), schema.tabs["overview"], None, schema.tabs["log"], LOG_HEADER,
                            log_row(evaluation.report, result=result),
                            appends=(recording.appended,) if recording.appended else ()))
    return recording


def set_up_spreadsheet(settings: Settings, *, create: bool = False, with_history: bool = False) -> list[str]:
    """Create or repair the tabs, headers, dropdowns, colours and protections; what changed.

    A workbook path that does not exist is created only when asked (`create`): a typo in the
    path must not start an empty campaign beside the real one."""
    if settings.workbook and not settings.spreadsheet_id and not settings.workbook.exists() and not create:
        raise ConfigError(f"Chưa có tệp bảng tính '{settings.workbook}'. Nếu muốn tạo bảng tính mới ở đó, chạy lại "
                          "với --create; nếu không, kiểm tra lại đường dẫn.")
    campaign, schema = load_rules(settings)
    return set_up(open_spreadsheet(settings), campaign, schema, today=now_local().date(),
                  office=settings.office_emails, with_history=with_history)


DEMOS = dict(zip(DEMO_CAMPAIGNS, (build_demo, build_yearly_demo)))  # by campaign file


def run_demo(folder: Path, campaign: str = DEFAULT_CAMPAIGN.stem) -> tuple[Settings, SyncReport]:
    """Build a shipped campaign's demo workbook and its config in `folder`, set it up, run one sync."""
    if campaign not in DEMOS:
        raise ConfigError(f"Không có bảng tính mẫu cho chiến dịch '{campaign}'; chọn một trong: {', '.join(DEMOS)}.")
    settings = DEMOS[campaign](folder)
    set_up_spreadsheet(settings)
    return settings, sync_once(settings)
