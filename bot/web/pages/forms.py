"""Reading the pages' form fields: local times in the property's zone, optional text, page offsets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def text(value: str | None) -> str | None:
    """A field's text, or None when left empty."""
    return value.strip() if value and value.strip() else None


def local_iso(value: str | None, tz: ZoneInfo) -> str | None:
    """A `datetime-local` or `date` field read in the property's zone, as ISO 8601 with its offset."""
    if not value or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return value.strip()  # the core says what is wrong with it
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.isoformat()


def day_start(value: str | None, tz: ZoneInfo, *, next_day: bool = False) -> datetime | None:
    """A `date` field as the start of that day in the property's zone (of the day after, for an inclusive end)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=1 if next_day else 0), time(), tz)


def offset(value: str | None) -> int:
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return 0


def shown(value: str | None, tz: ZoneInfo, default: str = "-") -> str:
    """A `datetime-local` field as the plan card says it: 'Sat 12 Dec 2026 10:00' in the property's zone."""
    if not value or not value.strip():
        return default
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    local = moment.astimezone(tz) if moment.tzinfo is not None else moment
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"
