"""Where a person's access to a door comes from, read from the database."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from access_core.decide import AccessSource, Decision, decide
from access_core.models import Amenity, Door, Grant, GuestShare, Key, KeyDoor, Person, Reservation
from access_core.schedule import Schedule, parse_schedule


@lru_cache(maxsize=4096)
def cached_schedule(text: str | None) -> Schedule | None:
    return parse_schedule(text)


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def grant_sources(session: Session, person_id: int, door_id: int) -> list[AccessSource]:
    rows = session.execute(
        select(Grant, Key.name, KeyDoor.schedule)
        .join(Key, Key.id == Grant.key_id)
        .join(KeyDoor, and_(KeyDoor.key_id == Grant.key_id, KeyDoor.door_id == door_id))
        .where(Grant.person_id == person_id)
    )
    return [
        AccessSource(f"key {key_name}", grant.starts_at, grant.ends_at, cached_schedule(schedule))
        for grant, key_name, schedule in rows
    ]


def share_sources(session: Session, person_id: int, door_id: int) -> list[AccessSource]:
    rows = session.execute(
        select(GuestShare, Key.name, KeyDoor.schedule)
        .join(Key, Key.id == GuestShare.key_id)
        .join(KeyDoor, and_(KeyDoor.key_id == GuestShare.key_id, KeyDoor.door_id == door_id))
        .where(GuestShare.guest_id == person_id)
    )
    sources = []
    for share, key_name, schedule in rows:
        live = share.active and sharer_still_may_share(session, share)
        sources.append(
            AccessSource(f"share of {key_name}", share.starts_at, share.ends_at, cached_schedule(schedule), live)
        )
    return sources


def sharer_still_may_share(session: Session, share: GuestShare) -> bool:
    """A share dies with the sharer's right to share that key."""
    grant = session.scalar(
        select(Grant).where(Grant.person_id == share.granter_id, Grant.key_id == share.key_id)
    )
    return grant is not None and grant.may_share and grant.ends_at_or_max() >= share.ends_at


def reservation_sources(session: Session, person_id: int, door_id: int) -> list[AccessSource]:
    rows = session.scalars(
        select(Reservation)
        .join(Amenity, Amenity.id == Reservation.amenity_id)
        .where(Reservation.person_id == person_id, Amenity.door_id == door_id, Reservation.cancelled.is_(False))
    )
    return [AccessSource(f"reservation of {r.amenity.name}", r.starts_at, r.ends_at) for r in rows]


def sources_for(session: Session, person_id: int, door_id: int) -> list[AccessSource]:
    return (
        grant_sources(session, person_id, door_id)
        + share_sources(session, person_id, door_id)
        + reservation_sources(session, person_id, door_id)
    )


def decide_person(session: Session, person: Person, door: Door, at: datetime, *, credential_live: bool = True) -> Decision:
    tz = zone(door.property.timezone)
    return decide(
        sources_for(session, person.id, door.id), at, tz,
        door_activated=door.activated, credential_live=credential_live,
    )
