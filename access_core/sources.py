"""Where a person's access to a door comes from, read from the database."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from access_core.decide import AccessSource, Decision, decide
from access_core.models import Amenity, Door, Grant, GuestShare, Key, KeyDoor, Reservation
from access_core.schedule import Schedule, parse_schedule
from access_core.views import Asker, Doorway, door_row


@lru_cache(maxsize=4096)
def cached_schedule(text: str | None) -> Schedule | None:
    return parse_schedule(text)


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def grant_sources(session: Session, person_id: int, door_id: int, *, exempt: bool = False) -> list[AccessSource]:
    """``exempt``: the person's own grants are spared by a lockdown (a P or F manager of the property)."""
    rows = session.execute(
        select(Grant, Key.name, KeyDoor.schedule, Key.lockdown_exempt)
        .join(Key, Key.id == Grant.key_id)
        .join(KeyDoor, and_(KeyDoor.key_id == Grant.key_id, KeyDoor.door_id == door_id))
        .where(Grant.person_id == person_id)
        .order_by(Grant.id)
    )
    return [
        AccessSource(f"key {key_name}", grant.starts_at, grant.ends_at, cached_schedule(schedule), exempt=exempt or bool(key_exempt))
        for grant, key_name, schedule, key_exempt in rows
    ]


def share_sources(session: Session, person_id: int, door_id: int) -> list[AccessSource]:
    rows = session.execute(
        select(GuestShare, Key.name, KeyDoor.schedule)
        .join(Key, Key.id == GuestShare.key_id)
        .join(KeyDoor, and_(KeyDoor.key_id == GuestShare.key_id, KeyDoor.door_id == door_id))
        .where(GuestShare.guest_id == person_id)
        .order_by(GuestShare.id)
    )
    sources = []
    for share, key_name, schedule in rows:
        starts, ends, live = share_window(session, share)
        sources.append(AccessSource(f"share of {key_name}", starts, ends, cached_schedule(schedule), live))
    return sources


def share_window(session: Session, share: GuestShare) -> tuple[datetime, datetime, bool]:
    """A share's effective period and liveness: never beyond the sharer's own grant, dead when
    the sharer may no longer share that key or the share was revoked."""
    grant = session.scalar(select(Grant).where(Grant.person_id == share.granter_id, Grant.key_id == share.key_id))
    if grant is None or not grant.may_share:
        return share.starts_at, share.ends_at, False
    starts = max(share.starts_at, grant.starts_at)
    ends = min(share.ends_at, grant.ends_at_or_max())
    return starts, max(ends, starts), share.active


def reservation_sources(session: Session, person_id: int, door_id: int) -> list[AccessSource]:
    rows = session.scalars(
        select(Reservation)
        .join(Amenity, Amenity.id == Reservation.amenity_id)
        .where(Reservation.person_id == person_id, Amenity.door_id == door_id, Reservation.cancelled.is_(False))
        .order_by(Reservation.id)
    )
    return [AccessSource(f"reservation of {r.amenity.name}", r.starts_at, r.ends_at) for r in rows]


def sources_for(session: Session, person_id: int, door_id: int, *, exempt: bool = False) -> list[AccessSource]:
    return (
        grant_sources(session, person_id, door_id, exempt=exempt)
        + share_sources(session, person_id, door_id)
        + reservation_sources(session, person_id, door_id)
    )


def decide_person(session: Session, person: Asker, doorway: Doorway, at: datetime, *, credential_live: bool = True) -> Decision:
    from access_core.door_rules import exempt_managers, rules_for_door

    door = door_row(session, doorway)
    tz = zone(door.property.timezone)
    rules = rules_for_door(session, door)
    exempt = bool(rules.lockdowns) and person.id in exempt_managers(session, door.property)
    return decide(
        sources_for(session, person.id, door.id, exempt=exempt),
        at,
        tz,
        door_activated=door.activated,
        credential_live=credential_live,
        rules=rules,
    )


def candidates_for_door(session: Session, door_id: int) -> set[int]:
    """Everyone with any grant, share or reservation that includes the door."""
    keys = select(KeyDoor.key_id).where(KeyDoor.door_id == door_id)
    people = set(session.scalars(select(Grant.person_id).where(Grant.key_id.in_(keys))))
    people |= set(session.scalars(select(GuestShare.guest_id).where(GuestShare.key_id.in_(keys))))
    people |= set(
        session.scalars(
            select(Reservation.person_id)
            .join(Amenity, Amenity.id == Reservation.amenity_id)
            .where(Amenity.door_id == door_id, Reservation.cancelled.is_(False))
        )
    )
    return people


def holds_access(session: Session, person_id: int, door_id: int, at: datetime) -> AccessSource | None:
    """The source through which a person holds access to the door at ``at`` (schedules aside)."""
    for source in sources_for(session, person_id, door_id):
        failed = set(source.failures(at, ZoneInfo("UTC"))) - {"outside_schedule"}
        if not failed:
            return source
    return None


def decide_keycard(session: Session, serial: str, door: Door, at: datetime) -> Decision:
    """A keycard mirrors its holder exactly; a deactivated card opens nothing."""
    from access_core.errors import NotFound
    from access_core.models import Keycard

    card = session.scalar(select(Keycard).where(Keycard.serial == serial.strip().upper()))
    if card is None:
        raise NotFound("keycard", serial)
    return decide_person(session, card.person, door, at, credential_live=card.active)


def decide_doorcode(session: Session, code: str, door: Door, at: datetime) -> Decision:
    """A daily doorcode: valid on its own local day, on the doors of its key, within their schedules."""
    from access_core.decide import doorcode_decision, doorcode_source
    from access_core.models import Doorcode

    tz = zone(door.property.timezone)
    rows = session.execute(
        select(Doorcode, KeyDoor.schedule)
        .join(KeyDoor, and_(KeyDoor.key_id == Doorcode.key_id, KeyDoor.door_id == door.id))
        .where(Doorcode.code == code.strip())
    ).all()
    from access_core.door_rules import rules_for_door

    rules = rules_for_door(session, door)
    if not rows:
        return doorcode_decision(None, at, tz, door_activated=door.activated, rules=rules)
    local_day = at.astimezone(tz).date()
    doorcode, schedule = min(rows, key=lambda row: (row[0].day != local_day, not row[0].active))
    source = doorcode_source(f"doorcode {doorcode.code}", doorcode.day, tz, cached_schedule(schedule), doorcode.active)
    return doorcode_decision(source, at, tz, door_activated=door.activated, rules=rules)
