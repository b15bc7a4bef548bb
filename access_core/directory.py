"""The lists a caller may read of a property: its people, doors, keys, grants and reservations.

People follow DOMAIN's "list people with their email and phone": P, F and L every person of the
property; S the holders of their keys; A the residents of the property (a name and a number to ring,
no email); R the people who hold keys to the homes they live in (as who has access answers). The
refusals are ``access_core.policy``'s.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access_core import policy
from access_core.errors import CoreError
from access_core.models import Amenity, Door, DoorType, Grant, GuestShare, Key, KeyDoor, Membership, Person, Property, Reservation
from access_core.principal import Principal
from access_core.rules.coverage import covers_property
from access_core.rules.grants import active_at


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def residents_of(session: Session, prop: Property, at: datetime) -> list[Person]:
    """People holding a resident grant on a key of the property, active at ``at``, by name."""
    grants = session.scalars(
        select(Grant).join(Key, Key.id == Grant.key_id).where(Key.property_id == prop.id, Grant.resident.is_(True))
    ).all()
    people = {g.person.id: g.person for g in grants if active_at(g, at)}
    return sorted(people.values(), key=lambda p: p.label)


def homes_of(session: Session, person_id: int, prop: Property, at: datetime) -> set[int]:
    """The residence doors of the property the person is a resident of at ``at``."""
    rows = session.execute(
        select(KeyDoor.door_id, Grant)
        .join(Grant, Grant.key_id == KeyDoor.key_id)
        .join(Door, Door.id == KeyDoor.door_id)
        .where(Grant.person_id == person_id, Grant.resident.is_(True), Door.type == DoorType.residence, Door.property_id == prop.id)
    )
    return {door_id for door_id, grant in rows if active_at(grant, at)}


def _holders(session: Session, key_ids: set[int], at: datetime | None) -> set[int]:
    """People with a grant or share of these keys (active at ``at``; any period when None)."""
    if not key_ids:
        return set()
    grants = session.scalars(select(Grant).where(Grant.key_id.in_(key_ids)))
    shares = session.scalars(select(GuestShare).where(GuestShare.key_id.in_(key_ids), GuestShare.active.is_(True)))
    return {g.person_id for g in grants if at is None or active_at(g, at)} | {s.guest_id for s in shares if at is None or active_at(s, at)}


def people(session: Session, principal: Principal, prop: Property, at: datetime) -> list[dict[str, Any]]:
    """The people the caller may list, with their email and phone (agents: name and phone)."""
    homes = homes_of(session, principal.person_id, prop, at)
    policy.require_people_view(principal, prop, lives_there=bool(homes))
    if covers_property(principal, prop):
        rows = session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.property_id == prop.id)
            .order_by(Person.name)
        )
        return [{"name": p.name, "email": p.email, "phone": p.phone} for p in rows]
    in_full = _holders(session, set(principal.my_keys(prop)), None)
    if homes:
        keys = set(session.scalars(select(KeyDoor.key_id).where(KeyDoor.door_id.in_(homes))))
        in_full |= _holders(session, keys, at)
    shown: dict[int, Person] = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(in_full)))}
    ring_only = [p for p in residents_of(session, prop, at) if p.id not in shown] if prop.id in principal.agent_at else []
    listed = [{"name": p.name, "email": p.email, "phone": p.phone} for p in shown.values()]
    listed += [{"name": p.name, "email": None, "phone": p.phone} for p in ring_only]
    return sorted(listed, key=lambda row: (row["name"] or "", row["email"] or row["phone"] or ""))


def people_now(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    return people(session, principal, prop, datetime.now(UTC))


def keys(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    """Key managers: every key of the property; anyone else the keys they hold."""
    query = select(Key).where(Key.property_id == prop.id).order_by(Key.name)
    if not principal.manages_keys_at(prop):
        query = query.join(Grant, Grant.key_id == Key.id).where(Grant.person_id == principal.person_id)
    return [
        {"name": k.name, "shareable": k.shareable, "doors": [{"door": kd.door.name, "schedule": kd.schedule} for kd in k.doors]}
        for k in session.scalars(query)
    ]


def doors(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    """Managers of the property: its doors; with device management, their battery and activation too."""
    policy.require_door_list(principal, prop)
    try:
        policy.require_device_view(principal, prop)
        devices = True
    except CoreError:
        devices = False
    rows = session.scalars(select(Door).where(Door.property_id == prop.id).order_by(Door.name))
    return [{"name": d.name, "type": str(d.type), **({"battery": d.battery, "activated": d.activated} if devices else {})} for d in rows]


def grants(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    """The grants of the keys the caller may view (``policy.viewable_keys``), and their own."""
    query = select(Grant).join(Key).where(Key.property_id == prop.id).order_by(Grant.id)
    viewable = policy.viewable_keys(principal, prop)
    if viewable is not None:
        query = query.where(or_(Grant.person_id == principal.person_id, Grant.key_id.in_(viewable)))
    return [
        {
            "person": g.person.handle,
            "key": g.key.name,
            "starts_at": _iso(g.starts_at),
            "ends_at": _iso(g.ends_at),
            "resident": g.resident,
            "may_share": g.may_share,
        }
        for g in session.scalars(query)
    ]


def reservations(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    """Key managers: every reservation of the property; anyone else their own."""
    query = (
        select(Reservation)
        .join(Amenity)
        .where(Amenity.property_id == prop.id, Reservation.cancelled.is_(False))
        .order_by(Reservation.starts_at)
    )
    if not principal.manages_keys_at(prop):
        query = query.where(Reservation.person_id == principal.person_id)
    return [
        {"id": r.id, "amenity": r.amenity.name, "person": r.person.handle, "starts_at": _iso(r.starts_at), "ends_at": _iso(r.ends_at)}
        for r in session.scalars(query)
    ]
