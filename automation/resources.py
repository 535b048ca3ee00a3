"""Where the files thidua ships live: the column schema and campaigns, and the default templates.

In a clone they are the top-level folders the Office reads and edits (`sheet_schema/`,
`templates/`). An installed wheel carries the same folders as package data under
`automation/_bundled/` (pyproject.toml maps them there), found with importlib.resources, so an
installed copy never looks outside its own package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent  # the clone, for a source or editable install


def shipped_folder(name: str) -> Path:
    """`sheet_schema` or `templates`: inside the installed package, else the clone's folder."""
    bundled = files("automation").joinpath("_bundled", name)
    if bundled.is_dir():
        return Path(str(bundled))  # a regular package on disk: a real path (thidua is never zipped)
    return _CHECKOUT / name


SCHEMA_DIR = shipped_folder("sheet_schema")
DEFAULT_SCHEMA = SCHEMA_DIR / "columns.toml"
DEFAULT_CAMPAIGN = SCHEMA_DIR / "campaigns" / "515-KH-VKS.toml"
YEARLY_CAMPAIGN = SCHEMA_DIR / "campaigns" / "cong-trang-2025.toml"  # the yearly merit campaign, with criteria
DEMO_CAMPAIGNS = (DEFAULT_CAMPAIGN.stem, YEARLY_CAMPAIGN.stem)  # the shipped campaigns `thidua demo` can build
DEFAULT_TEMPLATES = shipped_folder("templates")
