"""thidua.toml + environment + flags → one frozen `Settings` (later sources win).

    campaign = "sheet_schema/campaigns/515-KH-VKS.toml"   # optional; this is the default
    [source]
    workbook = "thidua.xlsx"          # the embedded default, or:
    spreadsheet_id = "1AbC…"          # a Google spreadsheet
    credentials = "service-account.json"   # or GOOGLE_APPLICATION_CREDENTIALS, or Application Default Credentials
    [output]
    folder = "Hồ sơ"                  # a local folder (default: "Hồ sơ" beside the workbook), or:
    drive_folder_id = "0AbC…"         # a Drive folder
    templates = "Mẫu văn bản"         # optional: the Office's own .docx templates, by file name

Relative paths in the file are relative to the file. Unknown keys are refused, so a typo
never silently falls back to a default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from collections.abc import Mapping

from automation.errors import ConfigError
from automation.resources import DEFAULT_CAMPAIGN
from automation.tomlfile import read_toml

CONFIG_NAME = "thidua.toml"
KNOWN = {
    "": {"campaign", "source", "output"},
    "source": {"workbook", "spreadsheet_id", "credentials", "google_api_root", "office_emails"},
    "output": {"folder", "drive_folder_id", "templates"},
}
ENVIRONMENT = {
    "THIDUA_CAMPAIGN": "campaign",
    "THIDUA_WORKBOOK": "workbook",
    "THIDUA_SPREADSHEET_ID": "spreadsheet_id",
    "THIDUA_CREDENTIALS": "credentials",
    "THIDUA_OUTPUT_DIR": "output_dir",
    "THIDUA_DRIVE_FOLDER_ID": "drive_folder_id",
    "THIDUA_TEMPLATES": "templates_dir",
    "THIDUA_GOOGLE_API_ROOT": "google_api_root",
    "THIDUA_OFFICE_EMAILS": "office_emails",
}
PATHS = {"campaign", "workbook", "credentials", "output_dir", "templates_dir"}


@dataclass(frozen=True)
class Settings:
    campaign: Path = DEFAULT_CAMPAIGN
    workbook: Path | None = None
    spreadsheet_id: str | None = None
    credentials: Path | None = None
    output_dir: Path | None = None
    drive_folder_id: str | None = None
    templates_dir: Path | None = None
    google_api_root: str | None = None  # another root for Google's paths (an emulator, a proxy, the tests' fake)
    office_emails: tuple[str, ...] = ()  # the Office's Google accounts: registry and review column (setup)
    config: Path | None = None

    def require_source(self) -> None:
        if not self.workbook and not self.spreadsheet_id:
            raise ConfigError("Chưa chỉ định bảng tính: đặt 'workbook' (hoặc 'spreadsheet_id') trong mục [source] "
                              "của thidua.toml, biến THIDUA_WORKBOOK, hoặc cờ --workbook.")


def load_settings(config: Path | None = None, *, environ: Mapping[str, str] | None = None,
                  **flags: Any) -> Settings:
    """Defaults, then the config file, then the environment, then flags (None = not given)."""
    environ = os.environ if environ is None else environ
    explicit = config or (Path(environ["THIDUA_CONFIG"]) if environ.get("THIDUA_CONFIG") else None)
    path = explicit or (Path(CONFIG_NAME) if Path(CONFIG_NAME).is_file() else None)
    settings = Settings()
    if path is not None:
        settings = replace(_from_file(path), config=path)
    from_env: dict[str, Any] = {field: environ[name] for name, field in ENVIRONMENT.items() if environ.get(name)}
    if environ.get("GOOGLE_APPLICATION_CREDENTIALS") and "credentials" not in from_env and not settings.credentials:
        from_env["credentials"] = environ["GOOGLE_APPLICATION_CREDENTIALS"]
    if "office_emails" in from_env:
        from_env["office_emails"] = tuple(e.strip() for e in from_env["office_emails"].split(",") if e.strip())
    settings = replace(settings, **_as_fields(from_env))
    given: dict[str, Any] = {k: v for k, v in flags.items() if v not in (None, "")}
    unknown = set(given) - set(Settings.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"Tùy chọn không biết: {', '.join(sorted(unknown))}.")
    return replace(settings, **_as_fields(given))


def _as_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Setting name → value as the Settings field holds it (paths as Path)."""
    return {k: Path(v) if k in PATHS else v for k, v in values.items()}


def _from_file(path: Path) -> Settings:
    data = read_toml(path, "tệp cấu hình", ConfigError)
    for section, keys in KNOWN.items():
        table = data if not section else data.get(section, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: '{section}' phải là một mục [{section}].")
        extra = set(table) - keys - (set(KNOWN) - {""} if not section else set())
        if extra:
            where = f"[{section}] " if section else ""
            raise ConfigError(f"{path}: khóa {where}'{sorted(extra)[0]}' không được hỗ trợ; "
                              f"các khóa hợp lệ: {', '.join(sorted(keys))}.")
    base = path.resolve().parent
    source, output = data.get("source", {}), data.get("output", {})
    values = {
        "campaign": data.get("campaign"),
        "workbook": source.get("workbook"),
        "spreadsheet_id": source.get("spreadsheet_id"),
        "credentials": source.get("credentials"),
        "google_api_root": source.get("google_api_root"),
        "output_dir": output.get("folder"),
        "drive_folder_id": output.get("drive_folder_id"),
        "templates_dir": output.get("templates"),
    }
    for key, value in values.items():
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{path}: '{key}' phải là một chuỗi.")
    emails = source.get("office_emails", [])
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        raise ConfigError(f"{path}: 'office_emails' phải là một danh sách email, ví dụ [\"vanphong@…\"].")
    return Settings(**{k: (base / v if k in PATHS else v) for k, v in values.items() if v},
                    office_emails=tuple(emails))


def state_file(settings: Settings, kind: str, *, environ: Mapping[str, str] | None = None) -> Path:
    """The job's own file for this campaign (lock, health), the same wherever a command starts.

    Beside the workbook (through a symbolic link, beside the file it names): `.thidua-<name>.<kind>`.
    For a Google spreadsheet, in the user's state folder (THIDUA_STATE_DIR, else
    $XDG_STATE_HOME/thidua, else ~/.local/state/thidua): `google-<spreadsheet id>.<kind>`, so two
    syncs of one campaign started from two folders still meet at one lock."""
    if settings.workbook:
        target = settings.workbook.resolve()
        return target.parent / f".thidua-{target.name}.{kind}"
    environ = os.environ if environ is None else environ
    home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    folder = (Path(environ["THIDUA_STATE_DIR"]) if environ.get("THIDUA_STATE_DIR")
              else Path(environ.get("XDG_STATE_HOME") or home / ".local" / "state") / "thidua")
    return folder / f"google-{settings.spreadsheet_id or 'thidua'}.{kind}"
