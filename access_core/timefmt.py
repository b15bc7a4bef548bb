"""Times and periods as people read them, in the property's zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def day_text(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y}"


def moment_text(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    if local.time() == time(0):
        return day_text(local, tz)
    return f"{day_text(local, tz)} {local:%H:%M}"


def end_text(moment: datetime, tz: ZoneInfo) -> str:
    """An exclusive end as people say it: midnight Jan 1 reads "until Thu 31 Dec 2026"."""
    local = moment.astimezone(tz)
    if local.time() == time(0):
        return f"until {day_text(local - timedelta(days=1), tz)} (inclusive)"
    return f"until {moment_text(local, tz)}"


def when(starts: datetime | None, ends: datetime | None, tz: ZoneInfo) -> str:
    parts = []
    if starts is not None:
        parts.append(f"from {moment_text(starts, tz)}")
    if ends is not None:
        parts.append(end_text(ends, tz))
    else:
        parts.append("with no end date")
    return " ".join(parts)
