"""Reading the TOML files users edit (thidua.toml, campaign files, the column schema)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any



def read_toml(path: Path, what: str, error: type[Exception]) -> dict[str, Any]:
    """The parsed file, or `error` with a Vietnamese line naming `what` (e.g. "tệp chiến dịch") and the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"Không tìm thấy {what} '{path}'.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"Không đọc được {what} '{path}': {exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{what[:1].upper()}{what[1:]} '{path}' sai cú pháp TOML: {exc}.") from None
