"""The `thidua` command: parse flags, call the library, turn errors into one line and exit 2."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any
from collections.abc import Callable

import click

from automation import __version__
from automation.counts import SyncReport
from automation.errors import ThiduaError
from automation.findings import ReviewState, Status, messages_of
from automation.memory import Memory
from automation.overview import console_table
from automation.runner import CampaignLock, Health, Runner, parse_at, parse_every
from automation.schema import HistoryKey, Key
from automation.resources import DEMO_CAMPAIGNS
from automation.settings import Settings, load_settings, state_file

EXIT_NOT_VALID = 1
EXIT_CANNOT_RUN = 2


def common_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--config, --workbook, --campaign, --output, --quiet, --json: shared by every command."""
    options = [
        click.option("--config", type=click.Path(path_type=Path), help="Tệp cấu hình (mặc định ./thidua.toml)."),
        click.option("--workbook", type=click.Path(path_type=Path), help="Tệp bảng tính .xlsx."),
        click.option("--campaign", type=click.Path(path_type=Path), help="Tệp chiến dịch (.toml)."),
        click.option("--output", "output_dir", type=click.Path(path_type=Path), help="Thư mục văn bản đầu ra."),
        click.option("--spreadsheet", "spreadsheet_id", help="Mã bảng tính Google (thay cho --workbook)."),
        click.option("--drive-folder", "drive_folder_id", help="Mã thư mục Google Drive (thay cho --output)."),
        click.option("--credentials", type=click.Path(path_type=Path), help="Tệp khóa Google (service account)."),
        click.option("--quiet", "-q", is_flag=True, help="Không in gì khi thành công."),
        click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (cho script)."),
        click.option("--verbose", "-v", is_flag=True, help="In chi tiết lỗi (traceback)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


class Interrupted(KeyboardInterrupt):
    """Ctrl+C or SIGTERM: the command stops where it is (every write is atomic) and says so."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_now(signum: int, frame: FrameType | None) -> None:
    os._exit(128 + signum)  # a second signal: end at once; the workers die with the process


def _stop_gently(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, _stop_now)
    signal.signal(signal.SIGTERM, _stop_now)
    raise Interrupted(signum)


def handle_errors(command: Callable[..., int | None]) -> Callable[..., None]:
    """Library errors become one clear line on stderr and exit 2; nothing else prints a traceback.

    A first Ctrl+C (or SIGTERM) stops the command cleanly and exits 128 + the signal (130, 143);
    a second ends it at once. `thidua run` sets its own: the running sync finishes first."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {s: signal.signal(s, _stop_gently) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            code = command(*args, **kwargs)
        except Interrupted as stop:
            click.echo("Đã dừng theo yêu cầu: những gì đã ghi được giữ nguyên, lần chạy sau sẽ làm tiếp.", err=True)
            sys.stdout.flush()
            sys.stderr.flush()
            # Out at once: the interpreter's shutdown would restore the default handlers, and a second
            # Ctrl+C then would kill the process mid-cleanup. The workers are already terminated.
            os._exit(128 + stop.signum)
        except ThiduaError as exc:
            click.echo(f"Lỗi: {exc}", err=True)
            sys.exit(EXIT_CANNOT_RUN)
        except BrokenPipeError:  # `thidua check | head`: the reader left, nothing to report
            sys.stderr.close()
            sys.exit(EXIT_CANNOT_RUN)
        except Exception as exc:
            if kwargs.get("verbose"):
                traceback.print_exc()
            click.echo(f"Lỗi không mong đợi: {type(exc).__name__}: {exc}", err=True)
            sys.exit(EXIT_CANNOT_RUN)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        sys.exit(code or 0)
    return wrapper


def _settings(config: Path | None, **flags: Any) -> Settings:
    return load_settings(config, **flags)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="thidua")
def main() -> None:
    """thidua — kiểm tra đề nghị khen thưởng trong bảng tính và lập hồ sơ.

    \b
    Bắt đầu:  thidua demo
    Hằng ngày: thidua sync --workbook thidua.xlsx
    """


@main.command()
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("demo"), show_default=True,
              help="Thư mục tạo bảng tính và cấu hình mẫu.")
@click.option("--campaign", "campaign", type=click.Choice(DEMO_CAMPAIGNS), default=DEMO_CAMPAIGNS[0],
              show_default=True,
              help="Chiến dịch của bảng tính mẫu (tên tệp chiến dịch có sẵn trong sheet_schema/campaigns): "
              "phong trào đặc biệt của kế hoạch mặc định, hoặc khen thưởng công trạng hằng năm có tab Lịch sử "
              "khen thưởng.")
@click.option("--quiet", "-q", is_flag=True, help="Không in bảng tổng hợp.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--verbose", "-v", is_flag=True, help="In chi tiết lỗi (traceback).")
@handle_errors
def demo(folder: Path, campaign: str, quiet: bool, as_json: bool, verbose: bool) -> int:
    """Tạo bảng tính mẫu và chạy một lần đồng bộ: kế hoạch 515/KH-VKS (10 đơn vị, hơn 80 đề nghị), hoặc
    khen thưởng công trạng năm 2025 (tiêu chuẩn xét từ lịch sử khen thưởng 5 năm).

    \b
    Ví dụ:  thidua demo --dir demo
            thidua demo --campaign cong-trang-2025 --dir demo-cong-trang
    """
    settings, report = _operations().run_demo(folder, campaign)
    _print_report(report, as_json=as_json, quiet=quiet)
    if not quiet and not as_json:
        workbook = os.path.relpath(settings.workbook) if settings.workbook else ""
        documents = os.path.relpath(settings.output_dir) if settings.output_dir else ""
        click.echo(f"\nBảng tính mẫu: {workbook}\nVăn bản Word:  {documents}/\nCấu hình:      {settings.config}")
        click.echo(f"Mở bảng tính để xem cột 'Trạng thái' và 'Nội dung cần sửa'; chạy lại: "
                   f"thidua sync --config {settings.config}")
    return 0


@main.command()
@common_options
@click.option("--create", is_flag=True, help="Tạo bảng tính mới nếu tệp --workbook chưa có.")
@click.option("--with-history", is_flag=True,
              help="Tạo thêm tab Lịch sử khen thưởng và Quyết định khen thưởng (chiến dịch có tiêu chuẩn tính từ "
                   "lịch sử luôn có hai tab này).")
@handle_errors
def setup(config: Path | None, quiet: bool, as_json: bool, verbose: bool, create: bool, with_history: bool,
          **flags: Any) -> int:
    """Tạo hoặc sửa các tab, tiêu đề, danh sách chọn, màu trạng thái. Chạy lại không thay đổi gì.

    Tệp bảng tính chưa có chỉ được tạo khi có --create (gõ nhầm đường dẫn không tạo ra một
    chiến dịch trống). Với phong trào không có tiêu chuẩn tính từ lịch sử (như 515/KH-VKS),
    --with-history tạo tab Lịch sử khen thưởng và Quyết định khen thưởng để ghi lại các quyết
    định khen thưởng của phong trào (thidua record); bản tóm tắt thành tích khi đó có thêm mục III.

    \b
    Ví dụ:  thidua setup --workbook thidua.xlsx
            thidua setup --workbook thidua-moi.xlsx --create
            thidua setup --config thidua.toml --with-history
    """
    settings = _settings(config, **flags)
    with CampaignLock(state_file(settings, "lock")).acquire(wait=30):  # never while a sync writes
        changes = _operations().set_up_spreadsheet(settings, create=create, with_history=with_history)
    if as_json:
        click.echo(json.dumps({"changes": changes}, ensure_ascii=False, indent=2))
    elif not quiet:
        click.echo("\n".join(f"• {c}" for c in changes) if changes else "Không có gì cần thay đổi.")
    return 0


@main.command()
@common_options
@handle_errors
def check(config: Path | None, quiet: bool, as_json: bool, verbose: bool, **flags: Any) -> int:
    """Kiểm tra mọi dòng và in nội dung cần sửa; không ghi gì.

    Mã thoát: 0 mọi dòng hợp lệ, 1 có dòng chưa hợp lệ, 2 không chạy được.

    \b
    Ví dụ:  thidua check --workbook thidua.xlsx
    """
    evaluation = _operations().check(_settings(config, **flags))
    rows = sorted(evaluation.verdicts.values(), key=lambda v: (v.nomination.unit.row, v.nomination.row))
    not_valid = [v for v in rows if v.status is not Status.HOP_LE]
    register_rows = [r for r in evaluation.history.rows if r.status is not Status.HOP_LE]
    if as_json:
        click.echo(json.dumps({
            **evaluation.report.as_dict(),
            "rows": [{"tab": v.nomination.tab, "row": v.nomination.row, "name": v.nomination.value(Key.NAME),
                      "status": v.status.value, "review": v.review.value if v.review else None,
                      "standing": v.standing, "findings": [f.line() for f in v.findings]} for v in rows],
            "register": [{"row": r.row, "status": r.status.value, "findings": [f.line() for f in r.findings]}
                         for r in register_rows],
        }, ensure_ascii=False, indent=2))
    elif not quiet:
        tab = None
        for v in rows:
            if not v.findings and v.review not in (ReviewState.REJECTED, ReviewState.ASKED):
                continue  # nothing to fix and nothing the Office asked
            if v.nomination.tab != tab:
                tab = v.nomination.tab
                click.echo(f"\nTab '{tab}'")
            name = v.nomination.value(Key.NAME) or "(chưa có tên)"
            click.echo(f"  dòng {v.nomination.row}: {name} — {v.status.value}")
            for line in v.messages.splitlines():
                click.echo(f"      {line}")
        if register_rows:
            click.echo(f"\nTab '{evaluation.history.title}'")
            for r in register_rows:
                name = r.cells[HistoryKey.NAME].value if HistoryKey.NAME in r.cells else ""
                click.echo(f"  dòng {r.row}: {name} — {r.status.value}")
                for line in messages_of(r.findings).splitlines():
                    click.echo(f"      {line}")
        click.echo()
        click.echo(console_table(evaluation.report))
    return EXIT_NOT_VALID if not_valid or register_rows or evaluation.report.problems else 0


@main.command()
@common_options
@click.option("--wait", type=click.FloatRange(min=0), default=30, show_default=True,
              help="Số giây chờ nếu một lần đồng bộ khác đang chạy.")
@handle_errors
def record(config: Path | None, quiet: bool, as_json: bool, verbose: bool, wait: float, **flags: Any) -> int:
    """Ghi các quyết định khen thưởng đã nhận (tab Quyết định khen thưởng) vào tab Lịch sử khen thưởng.

    Mỗi dòng của tab Quyết định khen thưởng là một quyết định cho một hình thức: số, ngày quyết
    định, và mã hồ sơ những người được khen (để trống: mọi người trong tờ trình hoặc quyết định của
    hình thức đó). Mỗi người được thêm một dòng vào lịch sử, kèm loại khen thưởng của chiến dịch;
    người đã có (cùng hình thức, cùng số quyết định) không bao giờ được thêm lần nữa, nên chạy lại
    bao nhiêu lần cũng được.

    \b
    Ví dụ:  thidua record --config thidua.toml
    """
    settings = _settings(config, **flags)
    with CampaignLock(state_file(settings, "lock")).acquire(wait=wait):
        recording = _operations().record(settings)
    if as_json:
        click.echo(json.dumps({"added": recording.added, "already": recording.already,
                               "problems": list(recording.problems)}, ensure_ascii=False, indent=2))
    elif not quiet:
        click.echo(f"Đã thêm {recording.added} dòng vào Lịch sử khen thưởng"
                   + (f"; {recording.already} người đã có từ trước." if recording.already else "."))
        for problem in recording.problems:
            click.echo(f"• {problem}")
    return EXIT_NOT_VALID if recording.problems else 0


def _operations() -> ModuleType:
    """What the commands do (automation.operations), imported by the command that needs it: it
    brings openpyxl, python-docx and docxtpl, which `thidua --version` and `--help` do not need."""
    from automation import operations
    return operations


def _start_render_workers_server() -> None:
    """The render workers' server started now, in the background: ready, with this module
    imported, by the time a sync has read and judged the spreadsheet (automation.render)."""
    from automation.render import start_workers_server
    start_workers_server(preload=[__name__])


@main.command(name="sync")
@common_options
@click.option("--wait", type=click.FloatRange(min=0), default=30, show_default=True,
              help="Số giây chờ nếu một lần đồng bộ khác đang chạy.")
@click.option("--allow-archive", is_flag=True,
              help="Đồng ý chuyển nhiều văn bản vào Lưu trữ khi lần đồng bộ trước đã dừng vì việc này.")
@handle_errors
def sync_command(config: Path | None, quiet: bool, as_json: bool, verbose: bool, wait: float, allow_archive: bool,
                 **flags: Any) -> int:
    """Một lần đồng bộ: kiểm tra, ghi trạng thái cạnh từng dòng, lập văn bản, cập nhật Tổng hợp và Nhật ký.

    Nếu lần đồng bộ sẽ chuyển hơn một phần năm số văn bản (hoặc toàn bộ văn bản của một đơn vị)
    vào Lưu trữ, chương trình dừng, không ghi gì và nói lý do; xem lại bảng tính, nếu đúng là vậy
    thì chạy lại với --allow-archive. Lịch chạy định kỳ không bao giờ tự đồng ý.

    Mã thoát: 0 đã chạy (dù các dòng hợp lệ hay không), 2 không chạy được (hoặc đã dừng như trên).

    \b
    Ví dụ:  thidua sync --config thidua.toml
            thidua sync --config thidua.toml --allow-archive
    """
    settings = _settings(config, **flags)
    _start_render_workers_server()
    with CampaignLock(state_file(settings, "lock")).acquire(wait=wait):
        report = _operations().sync_once(settings, allow_archive=allow_archive)
    _print_report(report, as_json=as_json, quiet=quiet)
    return 0


@main.command()
@common_options
@click.option("--every", "every_text", metavar="KHOẢNG", help="Chạy định kỳ: 30s, 15m, 1h.")
@click.option("--at", "at_text", metavar="HH:MM", help="Chạy hằng ngày vào giờ này (giờ của máy).")
@click.option("--log-file", type=click.Path(path_type=Path), help="Ghi nhật ký chạy vào tệp này.")
@handle_errors
def run(config: Path | None, quiet: bool, as_json: bool, verbose: bool, every_text: str | None,
        at_text: str | None, log_file: Path | None, **flags: Any) -> int:
    """Chạy đồng bộ định kỳ cho đến khi bị dừng (SIGTERM / Ctrl+C): lần đầu chạy ngay.

    Mỗi lần chạy độc lập: lỗi được ghi lại và lần sau vẫn chạy đúng lịch. Tình trạng xem bằng
    'thidua status'.

    \b
    Ví dụ:  thidua run --every 15m --config thidua.toml
            thidua run --at 07:30 --log-file thidua.log
    """
    if bool(every_text) == bool(at_text):
        raise click.UsageError("Chọn đúng một trong --every (ví dụ 15m) hoặc --at (ví dụ 07:30).")
    try:
        every = parse_every(every_text) if every_text else None
        at = parse_at(at_text) if at_text else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    settings = _settings(config, **flags)
    settings.require_source()
    _configure_logging(verbose=verbose, quiet=quiet, log_file=log_file)
    sync_lock = CampaignLock(state_file(settings, "lock"))
    _start_render_workers_server()
    memory = Memory()  # rows unchanged since the last run are not parsed nor judged again

    def job() -> SyncReport:
        with sync_lock.acquire(wait=300):  # a manual `thidua sync` may be running: let it finish
            return _operations().sync_once(settings, memory=memory)

    with CampaignLock(state_file(settings, "run.lock"), busy="Đã có 'thidua run' đang chạy cho chiến dịch này"
                      ).acquire(wait=0):
        runner = Runner(job, every=every, at=at, health_path=state_file(settings, "health.json"))
        runner.install_signal_handlers()
        return runner.loop()


@main.command()
@click.option("--client-secret", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=True,
              help="Tệp OAuth client ID (loại Desktop app) tải từ Google Cloud Console.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=Path("google-user.json"),
              show_default=True, help="Nơi lưu thông tin đăng nhập (giữ bí mật).")
@click.option("--verbose", "-v", is_flag=True, help="In chi tiết lỗi (traceback).")
@handle_errors
def login(client_secret: Path, out: Path, verbose: bool) -> int:
    """Đăng nhập bằng tài khoản Google của người dùng, thay cho tài khoản dịch vụ.

    Mở trang đăng nhập của Google, rồi lưu thông tin đăng nhập vào --out; đặt đường dẫn đó
    vào 'credentials' của thidua.toml. Dùng khi không có Shared drive.

    \b
    Ví dụ:  thidua login --client-secret client_secret.json --out google-user.json
    """
    from google_auth_oauthlib.flow import InstalledAppFlow

    from automation.google_api import SCOPES
    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(client_secret), list(SCOPES))
    except (ValueError, KeyError):
        raise ThiduaError(f"'{client_secret}' không phải tệp OAuth client ID (loại Desktop app).") from None
    credentials = flow.run_local_server(port=0)
    saved = {**json.loads(credentials.to_json()), "type": "authorized_user"}  # as gcloud writes it
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a secret: never readable by others
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(saved, handle, indent=2)
    out.chmod(0o600)  # also when the file existed before
    click.echo(f"Đã lưu thông tin đăng nhập vào '{out}'. Đặt credentials = \"{out}\" trong mục [source] của "
               "thidua.toml (và giữ tệp này bí mật).")
    return 0


@main.command()
@common_options
@handle_errors
def status(config: Path | None, quiet: bool, as_json: bool, verbose: bool, **flags: Any) -> int:
    """Tình trạng của 'thidua run': lần chạy gần nhất, lần thành công, lỗi, các con số.

    Mã thoát: 0 đang chạy và lần gần nhất thành công, 1 cần xem lại, 2 chưa có thông tin.

    \b
    Ví dụ:  thidua status --config thidua.toml
    """
    settings = _settings(config, **flags)
    path = state_file(settings, "health.json")
    try:
        health = Health.read(path)
    except FileNotFoundError:
        raise ThiduaError(f"Chưa có tệp tình trạng '{path}': 'thidua run' chưa chạy với cấu hình này.") from None
    except (OSError, ValueError, TypeError) as exc:
        raise ThiduaError(f"Không đọc được tệp tình trạng '{path}': {exc}.") from None
    alive = health.stopped_at is None and _process_alive(health.pid)
    healthy = alive and health.last_success is not None and health.consecutive_failures == 0
    if as_json:
        click.echo(json.dumps({**health.__dict__, "alive": alive, "healthy": healthy}, ensure_ascii=False, indent=2))
    elif not quiet:
        click.echo(_describe_health(health, alive))
    return 0 if healthy else EXIT_NOT_VALID


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid > 0


def _when(value: str | None) -> str:
    if not value:
        return "chưa có"
    return dt.datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M:%S")


def _describe_health(health: Health, alive: bool) -> str:
    state = "đang chạy" if alive else (f"đã dừng lúc {_when(health.stopped_at)}" if health.stopped_at
                                       else "không còn chạy (tiến trình đã mất)")
    lines = [
        f"Tiến trình:            {health.pid} — {state}",
        f"Lịch chạy:             {health.schedule}",
        f"Lần chạy gần nhất:     {_when(health.last_start)}"
        + (f" ({health.last_seconds:.1f} giây)".replace(".", ",") if health.last_seconds is not None else ""),
        f"Lần thành công gần nhất: {_when(health.last_success)}",
        f"Lần chạy tới:          {_when(health.next_run) if alive else '—'}",
        f"Số lần chạy:           {health.runs} (lỗi {health.failures})",
    ]
    if health.last_error:
        lines.append(f"Lỗi gần nhất:          {_when(health.last_error_at)} — {health.last_error}")
    if health.consecutive_failures:
        lines.append(f"CẢNH BÁO: {health.consecutive_failures} lần chạy gần nhất đều lỗi.")
    counts = health.counts
    if counts:
        statuses = ", ".join(f"{k} {v}" for k, v in counts.get("statuses", {}).items())
        d = counts.get("documents", {})
        lines.append(f"Số dòng:               {counts.get('rows', 0)} — {statuses}")
        lines.append(f"Văn bản:               {d.get('created', 0)} tạo mới, {d.get('updated', 0)} cập nhật, "
                     f"{d.get('unchanged', 0)} giữ nguyên, {d.get('moved', 0)} chuyển thư mục, "
                     f"{d.get('withdrawn', 0)} chuyển vào Lưu trữ")
    return "\n".join(lines)


def _configure_logging(*, verbose: bool, quiet: bool, log_file: Path | None) -> None:
    logger = logging.getLogger("thidua")
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    logger.handlers.clear()
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(formatter)
        logger.addHandler(handler)


def _print_report(report: SyncReport, *, as_json: bool, quiet: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    elif not quiet:
        click.echo(console_table(report))
        d = report.documents
        if d.created or d.updated or d.unchanged or d.moved or d.withdrawn:
            moved = f"{d.moved} chuyển thư mục, " if d.moved else ""
            click.echo(f"Văn bản: {d.created} tạo mới, {d.updated} cập nhật, {d.unchanged} giữ nguyên, "
                       f"{moved}{d.withdrawn} chuyển vào Lưu trữ.")
        if report.ignored_tabs:
            click.echo(f"Bỏ qua các tab không có trong danh mục: {', '.join(report.ignored_tabs)}")

