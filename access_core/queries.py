"""Questions answered by the core, each inside the asker's permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core import policy
from access_core.decide import Decision
from access_core.errors import Ambiguous, NotFound
from access_core.lookup import doors_named, require_person
from access_core.models import ActivityEvent, Door, Grant, GuestShare, Key, KeyDoor, Person, Property
from access_core.principal import Principal
from access_core.sources import decide_person
from access_core.visibility import activity_query

LOW_BATTERY = 20


def door_for(session: Session, name: str, person: Person | None = None) -> Door:
    """A door by name; when several properties have one, the one this person relates to."""
    doors = doors_named(session, name)
    if not doors:
        raise NotFound("door", name)
    if len(doors) > 1 and person is not None:
        mine = [d for d in doors if _relates(session, person, d)]
        doors = mine or doors
    if len(doors) > 1:
        raise Ambiguous("door", name, [f"{d.name} ({d.property.name})" for d in doors])
    return doors[0]


def _relates(session: Session, person: Person, door: Door) -> bool:
    keys = select(KeyDoor.key_id).where(KeyDoor.door_id == door.id)
    return bool(
        session.scalar(select(Grant.id).where(Grant.person_id == person.id, Grant.key_id.in_(keys)).limit(1))
        or session.scalar(select(GuestShare.id).where(GuestShare.guest_id == person.id, GuestShare.key_id.in_(keys)).limit(1))
    )


def check_access(session: Session, person_ref: str, door_name: str, at: datetime) -> Decision:
    person = require_person(session, person_ref)
    return decide_person(session, person, door_for(session, door_name, person), at)


def visible_event_ids(
    session: Session, principal: Principal, *, door: Door | None = None,
    since: datetime | None = None, until: datetime | None = None,
) -> list[ActivityEvent]:
    return list(session.scalars(activity_query(session, principal, door=door, since=since, until=until)))


@dataclass(frozen=True, slots=True)
class Holder:
    person: Person
    """Who holds access."""
    via: str
    """The key, or "share of KEY"."""
    resident: bool
    """Whether they are a resident for that key."""


def who_has_access(session: Session, principal: Principal, door: Door, at: datetime) -> list[Holder]:
    """Everyone who may open the door at ``at`` (grants and shares active then)."""
    policy.require_activity_view(session, principal, door, about_others=True)
    holders: dict[int, Holder] = {}
    rows = session.execute(
        select(Grant, Key).join(Key, Key.id == Grant.key_id)
        .join(KeyDoor, KeyDoor.key_id == Key.id).where(KeyDoor.door_id == door.id)
    )
    for grant, key in rows:
        if grant.active_at(at):
            holders.setdefault(grant.person_id, Holder(grant.person, key.name, grant.resident))
    shares = session.execute(
        select(GuestShare, Key).join(Key, Key.id == GuestShare.key_id)
        .join(KeyDoor, KeyDoor.key_id == Key.id).where(KeyDoor.door_id == door.id)
    )
    for share, key in shares:
        if share.active and share.starts_at <= at < share.ends_at:
            holders.setdefault(share.guest_id, Holder(share.guest, f"share of {key.name}", False))
    return sorted(holders.values(), key=lambda h: h.person.label.lower())


def device_doors(session: Session, principal: Principal, prop: Property, *, low_battery: bool) -> list[Door]:
    policy.require_device_view(principal, prop)
    doors = session.scalars(select(Door).where(Door.property_id == prop.id).order_by(Door.id)).all()
    if low_battery:
        return [d for d in doors if d.battery is not None and d.battery <= LOW_BATTERY]
    return list(doors)
