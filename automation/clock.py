"""The time users read: Vietnam has one time zone (UTC+7) and no daylight saving."""

from __future__ import annotations

import datetime as dt

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


def now_local() -> dt.datetime:
    """Now in Vietnam, without tzinfo (spreadsheets store naive local times)."""
    return dt.datetime.now(VIETNAM).replace(tzinfo=None, microsecond=0)
