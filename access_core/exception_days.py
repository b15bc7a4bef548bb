"""A property's calendar of exception days (DOMAIN "Exception days"): reading, checking, explaining."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.decide import NO_RULES, WEEKDAY_MODES, DoorRules
from access_core.door_rules import door_ids_of, modes_by_door
from access_core.models import Amenity, Door, ExceptionDay, Key, KeyDoor, Property, Reservation
from access_core.views import Site

_WEEKDAY_WORDS = {name.lower(): name for name in WEEKDAY_MODES} | {
    full: name
    for name, full in zip(WEEKDAY_MODES, ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), strict=True)
}


def parse_mode(value: Any) -> str:
    """``closed`` or a weekday in its canonical form (``Sun``); ValueError otherwise."""
    text = str(value or "").strip().lower()
    if text == "closed":
        return "closed"
    if text in _WEEKDAY_WORDS:
        return _WEEKDAY_WORDS[text]
    raise ValueError(f"mode {value!r} is neither closed nor a weekday (Mon … Sun)")


def parse_day(value: Any) -> date:
    """A ``YYYY-MM-DD`` date; ValueError otherwise."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"date {value!r} is not a date like 2026-12-25") from None


def coming_days(session: Session, prop: Site, today: date) -> list[ExceptionDay]:
    return list(
        session.scalars(
            select(ExceptionDay)
            .where(ExceptionDay.property_id == prop.id, ExceptionDay.day >= today)
            .order_by(ExceptionDay.day, ExceptionDay.id)
        )
    )


def day_json(session: Session, entry: ExceptionDay) -> dict[str, Any]:
    """The CONTRACT form: ``{"date", "name", "mode", "doors"}`` (doors null for every scheduled door)."""
    ids = door_ids_of(entry.door_ids)
    doors = None if ids is None else sorted(d.name for d in session.scalars(select(Door).where(Door.id.in_(ids))))
    return {"date": entry.day.isoformat(), "name": entry.name, "mode": entry.mode, "doors": doors}


def local_day(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The day's start and end (exclusive) in the zone, DST included."""
    return datetime.combine(day, time(0), tzinfo=tz), datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def scheduled_door_ids(session: Session, prop: Property) -> set[int]:
    """Doors that have a schedule in at least one key."""
    rows = session.scalars(
        select(KeyDoor.door_id).join(Door, Door.id == KeyDoor.door_id).where(Door.property_id == prop.id, KeyDoor.schedule.is_not(None))
    )
    return set(rows)


def amenity_follows(session: Session, prop: Property, amenity: Amenity, door_ids: frozenset[int] | None) -> bool:
    """Whether a day for these doors (None: every scheduled door) applies to the amenity."""
    if amenity.door_id is None:
        return False
    if door_ids is not None:
        return amenity.door_id in door_ids
    return bool(amenity.hours) or amenity.door_id in scheduled_door_ids(session, prop)


def reservations_on(session: Session, prop: Property, day: date, door_ids: frozenset[int] | None) -> list[Reservation]:
    """The live reservations that a closed day for these doors would cancel."""
    starts, ends = local_day(day, ZoneInfo(prop.timezone))
    rows = session.scalars(
        select(Reservation)
        .join(Amenity, Amenity.id == Reservation.amenity_id)
        .where(Amenity.property_id == prop.id, Reservation.cancelled.is_(False), Reservation.starts_at < ends, Reservation.ends_at > starts)
        .order_by(Reservation.starts_at, Reservation.id)
    )
    return [r for r in rows if amenity_follows(session, prop, r.amenity, door_ids)]


def amenity_rules(session: Session, amenity: Amenity) -> DoorRules:
    """The calendar of the amenity's door (its hours are read with it)."""
    if amenity.door_id is None:
        return NO_RULES
    prop = session.get(Property, amenity.property_id)
    assert prop is not None
    days = [
        d
        for d in session.scalars(select(ExceptionDay).where(ExceptionDay.property_id == prop.id))
        if amenity_follows(session, prop, amenity, door_ids_of(d.door_ids))
    ]
    return DoorRules(modes_by_door(days, amenity.door_id)) if days else NO_RULES


def closure(session: Session, prop: Property) -> tuple[dict[str, list[str]], list[str]]:
    """What a closed day for every scheduled door does: key -> the doors it closes, and the doors that stay
    open (no schedule in some key: homes, and doors a key opens at any time)."""
    rows = session.execute(
        select(Door.name, KeyDoor.schedule, Key.name)
        .join(KeyDoor, KeyDoor.door_id == Door.id)
        .join(Key, Key.id == KeyDoor.key_id)
        .where(Door.property_id == prop.id)
        .order_by(Door.id, Key.id)
    )
    closed: dict[str, list[str]] = {}
    stays: list[str] = []
    for door, schedule, key in rows:
        if schedule is not None:
            closed.setdefault(key, []).append(door)
        elif door not in stays:
            stays.append(door)
    return closed, stays


def closed_day_in(rules: DoorRules, starts: datetime, ends: datetime) -> date | None:
    """The first closed local day a slot (local times) touches, or None."""
    day = starts.date()
    while day <= (ends - timedelta(microseconds=1)).date():
        if rules.days.get(day) == "closed":
            return day
        day += timedelta(days=1)
    return None
