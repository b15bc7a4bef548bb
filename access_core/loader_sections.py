"""The sections of one property in a property file: doors, keys, grants and the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.activity import Actor, record_event
from access_core.file_fields import Fields, FileError
from access_core.loader_catalog import amenities, experiences, services
from access_core.loader_context import Context
from access_core.lookup import remember_member
from access_core.models import (
    Amenity,
    CatalogItem,
    DeviceModel,
    Door,
    Doorcode,
    DoorType,
    Grant,
    GuestShare,
    Key,
    Keycard,
    KeyDoor,
    Permission,
    Person,
    Property,
)
from access_core.phones import normalize_email, normalize_phone
from access_core.schedule import ScheduleError, canonical_schedule
from access_core.sharing import share_problem


def known_person(session: Session, people: dict[str, Person], f: Fields, key: str) -> Person:
    ref = f.text(key)
    handle = normalize_email(ref) or normalize_phone(ref)
    person = people.get(handle or "")
    if person is None and handle:
        column = Person.email if "@" in handle else Person.phone
        person = session.scalar(select(Person).where(column == handle))
    if person is None:
        raise f.error(key, f"{ref!r} is not a person of this file (people need an email or phone)")
    return person


def _guest(ctx: Context, f: Fields) -> Person:
    """A share's guest: a known person, or a new one made from their phone or email."""
    ref = f.text("guest")
    handle = normalize_email(ref) or normalize_phone(ref)
    if handle is None:
        raise f.error("guest", f"{ref!r} is not an email or phone")
    if handle not in ctx.people:
        person = ctx.session.scalar(select(Person).where((Person.email == handle) | (Person.phone == handle)))
        if person is None:
            person = Person(email=handle if "@" in handle else None, phone=None if "@" in handle else handle)
            ctx.session.add(person)
            ctx.session.flush()
        ctx.people[handle] = person
    return ctx.people[handle]


def members(ctx: Context, pf: Fields) -> None:
    """Everyone the property's file lists is known at that property."""
    for item, line in pf.items("people"):
        person = known_person(
            ctx.session, ctx.people, Fields(item, line, "person"), "email" if isinstance(item, dict) and item.get("email") else "phone"
        )
        remember_member(ctx.session, ctx.prop, person)
    ctx.session.flush()


def doors(ctx: Context, pf: Fields) -> None:
    delivery = {name.lower() for name in pf.words("delivery_doors")}
    for item, line in pf.items("doors"):
        f = Fields(item, line, "door")
        f.check_known({"name", "type", "device", "serial", "battery", "activated", "firmware"})
        name = f.text("name")
        if name.lower() in ctx.doors:
            raise f.error("name", f"door {name!r} appears twice")
        door = Door(
            property_id=ctx.prop.id,
            name=name,
            type=f.choice("type", {t.value for t in DoorType}),
            device=f.choice("device", {d.value for d in DeviceModel}, None),
            serial=f.text("serial", None),
            battery=f.number("battery", None, high=100),
            activated=f.flag("activated", True),
            firmware=f.text("firmware", None),
            delivery=name.lower() in delivery,
        )
        ctx.session.add(door)
        ctx.doors[name.lower()] = door
        ctx.count("doors")
    missing = delivery - set(ctx.doors)
    if missing:
        raise pf.error("delivery_doors", f"{sorted(missing)[0]!r} is not a door of {ctx.prop.name}")
    ctx.session.flush()


def keys(ctx: Context, pf: Fields) -> None:
    for item, line in pf.items("keys"):
        f = Fields(item, line, "key")
        f.check_known({"name", "shareable", "doors", "lockdown_exempt"})
        name = f.text("name")
        if name.lower() in ctx.keys:
            raise f.error("name", f"key {name!r} appears twice")
        key = Key(
            property_id=ctx.prop.id, name=name, shareable=f.flag("shareable", False), lockdown_exempt=f.flag("lockdown_exempt", False)
        )
        if key.lockdown_exempt and key.shareable:
            raise f.error("lockdown_exempt", f"key {name!r} is lockdown_exempt, so it can't be shareable")
        for position, (entry, entry_line) in enumerate(f.items("doors")):
            door, schedule = _key_door(ctx, entry, entry_line)
            if any(kd.door_id == door.id for kd in key.doors):
                raise FileError(entry_line, f"key {name!r}: door {door.name!r} appears twice")
            key.doors.append(KeyDoor(door_id=door.id, door=door, schedule=schedule, position=position))
        if not key.doors:
            raise f.error("doors", f"key {name!r} needs at least one door")
        ctx.session.add(key)
        ctx.keys[name.lower()] = key
        ctx.count("keys")
    ctx.session.flush()


def _key_door(ctx: Context, entry: object, line: int) -> tuple[Door, str | None]:
    if isinstance(entry, str):
        f = Fields({"door": entry}, line, "key door")
        return ctx.door(f, "door"), None
    f = Fields(entry, line, "key door")
    f.check_known({"door", "schedule"})
    door = ctx.door(f, "door")
    try:
        return door, canonical_schedule(f.text("schedule", None))
    except ScheduleError as exc:
        raise f.error("schedule", str(exc)) from None


def grants(ctx: Context, pf: Fields) -> None:
    seen: set[tuple[int, int]] = set()
    for item, line in pf.items("grants"):
        f = Fields(item, line, "grant")
        f.check_known({"person", "key", "resident", "may_share", "starts", "ends", "granted_by"})
        person, key = known_person(ctx.session, ctx.people, f, "person"), ctx.key(f)
        if (person.id, key.id) in seen:
            raise FileError(line, f"grant: {person.handle} holds {key.name!r} twice; give one period")
        seen.add((person.id, key.id))
        resident = f.flag("resident", None)
        if resident is None and key.has_residence:
            raise FileError(line, f"grant: 'resident' must be stated ({key.name!r} has residence doors)")
        if resident and not key.has_residence:
            raise f.error("resident", f"{key.name!r} has no residence door, so no one is its resident")
        resident = bool(resident)
        starts = f.moment("starts", ctx.tz, None) or ctx.previous_starts.get((person.id, key.name.lower())) or datetime.now(UTC)
        ends = f.moment("ends", ctx.tz, None)
        if ends is not None and ends <= starts:
            raise f.error("ends", "a grant must end after it starts")
        granted_by = known_person(ctx.session, ctx.people, f, "granted_by") if "granted_by" in f.map else None
        remember_member(ctx.session, ctx.prop, person)
        ctx.session.add(
            Grant(
                person_id=person.id,
                key_id=key.id,
                starts_at=starts,
                ends_at=ends,
                resident=resident,
                may_share=f.flag("may_share", resident and key.shareable),
                granted_by_id=granted_by.id if granted_by else None,
            )
        )
        ctx.count("grants")
    ctx.session.flush()


def keycards(ctx: Context, pf: Fields) -> None:
    for item, line in pf.items("keycards"):
        f = Fields(item, line, "keycard")
        f.check_known({"serial", "person", "active"})
        serial = f.text("serial")
        if ctx.session.scalar(select(Keycard).where(Keycard.serial == serial)):
            raise f.error("serial", f"keycard {serial!r} is already issued")
        person = known_person(ctx.session, ctx.people, f, "person")
        ctx.session.add(Keycard(serial=serial, person_id=person.id, property_id=ctx.prop.id, active=f.flag("active", True)))
        ctx.session.flush()
        ctx.count("keycards")


def shares(ctx: Context, pf: Fields) -> None:
    for item, line in pf.items("shares"):
        f = Fields(item, line, "share")
        f.check_known({"granter", "guest", "key", "starts", "ends"})
        granter, key = known_person(ctx.session, ctx.people, f, "granter"), ctx.key(f)
        guest = _guest(ctx, f)
        starts, ends = f.moment("starts", ctx.tz), f.moment("ends", ctx.tz)
        problem = share_problem(ctx.session, granter, key, starts, ends)
        if problem:
            raise FileError(line, f"share: {problem}")
        ctx.session.add(GuestShare(granter_id=granter.id, guest_id=guest.id, key_id=key.id, starts_at=starts, ends_at=ends))
        remember_member(ctx.session, ctx.prop, guest)
        ctx.count("shares")
    ctx.session.flush()


def doorcodes(ctx: Context, pf: Fields) -> None:
    taken: set[tuple[date, str]] = set()
    for item, line in pf.items("doorcodes"):
        f = Fields(item, line, "doorcode")
        f.check_known({"code", "granter", "key", "date"})
        code = f.text("code")
        if not code.isdigit() or not 4 <= len(code) <= 10:
            raise f.error("code", f"{code!r} must be 4 to 10 digits")
        granter, key, day = known_person(ctx.session, ctx.people, f, "granter"), ctx.key(f), f.day("date")
        if (day, code) in taken:
            raise f.error("code", f"code {code!r} is used twice on {day}: a code is unique in its property on its day")
        taken.add((day, code))
        starts = datetime.combine(day, time(0), tzinfo=ctx.tz)
        problem = share_problem(ctx.session, granter, key, starts, starts + timedelta(days=1), whole_period=False)
        if problem:
            raise FileError(line, f"doorcode: {problem}")
        ctx.session.add(Doorcode(code=code, key_id=key.id, property_id=ctx.prop.id, granter_id=granter.id, day=day))
        ctx.count("doorcodes")
    ctx.session.flush()


def catalog(ctx: Context, pf: Fields) -> None:
    amenities(ctx, pf)
    services(ctx, pf)
    experiences(ctx, pf)


CREDENTIALS = {"app", "keycard", "doorcode", "remote", "pin"}


def activity(ctx: Context, pf: Fields) -> None:
    for item, line in pf.items("activity"):
        f = Fields(item, line, "event")
        f.check_known({"id", "at", "door", "by", "credential", "result", "photo"})
        external_id = f.text("id")
        if external_id in ctx.event_ids:
            raise f.error("id", f"event id {external_id!r} is used twice in {ctx.prop.name}")
        ctx.event_ids.add(external_id)
        door, at = ctx.door(f, "door"), f.moment("at", ctx.tz)
        record_event(
            ctx.session,
            external_id=external_id,
            door=door,
            actor=_actor(ctx, f),
            at=at,
            credential=f.choice("credential", CREDENTIALS),
            granted=f.choice("result", {"granted", "denied"}) == "granted",
            photo=f.text("photo", None),
        )
        ctx.session.flush()
        ctx.count("events")


def _actor(ctx: Context, f: Fields) -> Actor:
    by = f.text("by")
    if by.startswith("doorcode:"):
        return Actor(None, doorcode=by.split(":", 1)[1].strip())
    if by.startswith("agent:"):
        return Actor(known_person(ctx.session, ctx.people, Fields({"by": by[6:]}, f.line_of("by"), "event"), "by"), agent=True)
    return Actor(known_person(ctx.session, ctx.people, f, "by"))


def permissions(session: Session, prop: Property, f: Fields) -> tuple[list[str], list[str]]:
    levels = f.words("permissions")
    allowed = {p.value for p in Permission}
    for level in levels:
        if level not in allowed:
            raise f.error("permissions", f"{level!r} is not a permission level ({', '.join(sorted(allowed))})")
    if not levels:
        raise f.error("permissions", "a property manager needs at least one permission level")
    key_ids = []
    for name in f.words("keys"):
        key = session.scalar(select(Key).where(Key.property_id == prop.id, Key.name == name))
        if key is None:
            raise f.error("keys", f"{name!r} is not a key of {prop.name}")
        key_ids.append(str(key.id))
    if Permission.specific in levels and not key_ids:
        raise f.error("permissions", "specific_key_management needs the keys: it covers")
    return levels, key_ids


__all__ = ["Context", "CatalogItem", "Amenity"]


def holiday_place(pf: Fields) -> dict[str, str | None]:
    """``country`` (ISO 3166 alpha-2 with public holidays) and ``subdivision`` (a state of it)."""
    import holidays

    country = pf.text("country", None)
    subdivision = pf.text("subdivision", None)
    if country is None:
        if subdivision is not None:
            raise pf.error("subdivision", "'subdivision' needs 'country'")
        return {"country": None, "subdivision": None}
    country = country.upper()
    if country not in holidays.list_supported_countries():
        raise pf.error("country", f"{country!r} is not a country code with public holidays (like US, CA, GB)")
    if subdivision is not None:
        subdivision = subdivision.upper()
        if subdivision not in holidays.country_holidays(country).subdivisions:
            raise pf.error("subdivision", f"{subdivision!r} is not a subdivision of {country}")
    return {"country": country, "subdivision": subdivision}


def exception_days(ctx: Context, pf: Fields) -> None:
    from access_core.exception_days import parse_mode
    from access_core.models import ExceptionDay

    seen: set[tuple[object, tuple[str, ...] | None]] = set()
    for item, line in pf.items("exception_days"):
        f = Fields(item, line, "exception day")
        f.check_known({"date", "name", "mode", "doors"})
        day = f.day("date")
        try:
            mode = parse_mode(f.text("mode"))
        except ValueError as exc:
            raise f.error("mode", str(exc)) from None
        names = f.words("doors") if f.raw("doors", None) is not None else None
        door_ids = None if names is None else sorted({str(ctx.door(f, "doors", n).id) for n in names}, key=int)
        if (day, tuple(door_ids) if door_ids else None) in seen:
            raise f.error("date", f"{day} appears twice for the same doors")
        seen.add((day, tuple(door_ids) if door_ids else None))
        ctx.session.add(ExceptionDay(property_id=ctx.prop.id, day=day, name=f.text("name", day.isoformat()), mode=mode, door_ids=door_ids))
        ctx.count("exception_days")
    ctx.session.flush()
