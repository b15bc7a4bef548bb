"""Questions answered by the core, each inside the asker's permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core import policy
from access_core.decide import Decision
from access_core.errors import Ambiguous, NotFound, Refused
from access_core.lookup import doors_named, require_person
from access_core.models import ActivityEvent, Door, Grant, GuestShare, Key, KeyDoor, Person
from access_core.principal import Principal
from access_core.rules.residency import resident_at
from access_core.sources import candidates_for_door, decide_doorcode, decide_keycard, decide_person, holds_access
from access_core.uow import SessionReads
from access_core.views import Doorway, Happening, Site, door_row
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
    """A person (email, phone, name), or a credential: ``keycard:SERIAL`` or ``doorcode:CODE``."""
    kind, _, value = person_ref.partition(":")
    if kind in ("keycard", "doorcode") and value and "@" not in person_ref:
        door = door_for(session, door_name)
        if kind == "keycard":
            return decide_keycard(session, value, door, at)
        return decide_doorcode(session, value, door, at)
    person = require_person(session, person_ref)
    return decide_person(session, person, door_for(session, door_name, person), at)


def visible_event_ids(
    session: Session,
    principal: Principal,
    *,
    door: Doorway | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ActivityEvent]:
    row = door_row(session, door) if door is not None else None
    return list(session.scalars(activity_query(session, principal, door=row, since=since, until=until)))


def denials(session: Session, principal: Principal, door: Doorway, person_id: int, since: datetime, until: datetime) -> list[Happening]:
    """The person's denied events at the door between ``since`` and ``until`` that the viewer may see, oldest first
    (none when the viewer may see none there)."""
    try:
        query = activity_query(session, principal, door=door_row(session, door), since=since, until=until)
    except Refused:
        return []
    return list(session.scalars(query.where(ActivityEvent.actor_id == person_id, ActivityEvent.granted.is_(False))))


@dataclass(frozen=True, slots=True)
class Holder:
    person: Person
    """Who holds access."""
    via: str
    """The key, or "share of KEY"."""
    resident: bool
    """Whether they are a resident for that key."""


def who_has_access(session: Session, principal: Principal, doorway: Doorway, at: datetime) -> list[Holder]:
    """Everyone who may open the door at ``at`` (grants and shares active then)."""
    door = door_row(session, doorway)
    policy.require_holder_view(session, principal, door, at)
    holders = []
    for person_id in candidates_for_door(session, door.id):
        source = holds_access(session, person_id, door.id, at)
        if source is not None:
            person = session.get(Person, person_id)
            assert person is not None
            holders.append(Holder(person, source.via, resident_at(SessionReads(session), person_id, door.id, at)))
    return sorted(holders, key=lambda h: h.person.label.lower())


def device_doors(session: Session, principal: Principal, prop: Site, *, low_battery: bool) -> list[Door]:
    policy.require_device_view(principal, prop)
    doors = session.scalars(select(Door).where(Door.property_id == prop.id).order_by(Door.id)).all()
    if low_battery:
        return [d for d in doors if d.battery is not None and d.battery <= LOW_BATTERY]
    return list(doors)


def key_holders(session: Session, principal: Principal, key: Key, at: datetime) -> list[Holder]:
    """Who holds a key at ``at``: for managers who cover every door of the key."""
    for entry in key.doors:
        if not policy.covers_door(session, principal, entry.door):
            raise Refused("activity_view_required", f"You can't see who holds {key.name}.")
    grants = session.scalars(select(Grant).where(Grant.key_id == key.id))
    holders = [Holder(g.person, f"key {key.name}", g.resident) for g in grants if g.active_at(at)]
    return sorted(holders, key=lambda h: h.person.label.lower())
