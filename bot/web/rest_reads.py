"""What the REST API lists, each read scoped to the caller: managers see their property, others their own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access_core import policy
from access_core.errors import CoreError, Refused
from access_core.models import Amenity, Door, Grant, Key, Membership, Person, Property, Reservation
from access_core.principal import Principal


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def people(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    if not principal.manages_keys_at(prop):
        raise Refused("people_view", f"Only managers of {prop.name} may list its people.")
    rows = session.scalars(select(Person).join(Membership, Membership.person_id == Person.id)
                           .where(Membership.property_id == prop.id).order_by(Person.name))
    return [{"name": p.name, "email": p.email, "phone": p.phone} for p in rows]


def keys(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    query = select(Key).where(Key.property_id == prop.id).order_by(Key.name)
    if not principal.manages_keys_at(prop):
        query = query.join(Grant, Grant.key_id == Key.id).where(Grant.person_id == principal.person_id)
    return [{"name": k.name, "shareable": k.shareable,
             "doors": [{"door": kd.door.name, "schedule": kd.schedule} for kd in k.doors]} for k in session.scalars(query)]


def doors(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    if not principal.is_manager_at(prop):
        raise Refused("doors_view", f"Only managers of {prop.name} may list its doors.")
    try:
        policy.require_device_view(principal, prop)
        devices = True
    except CoreError:
        devices = False
    rows = session.scalars(select(Door).where(Door.property_id == prop.id).order_by(Door.name))
    return [{"name": d.name, "type": str(d.type), **({"battery": d.battery, "activated": d.activated} if devices else {})}
            for d in rows]


def grants(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    query = select(Grant).join(Key).where(Key.property_id == prop.id).order_by(Grant.id)
    keys = policy.viewable_keys(principal, prop)
    if keys is not None:
        query = query.where(or_(Grant.person_id == principal.person_id, Grant.key_id.in_(keys)))
    return [{"person": g.person.handle, "key": g.key.name, "starts_at": _iso(g.starts_at), "ends_at": _iso(g.ends_at),
             "resident": g.resident, "may_share": g.may_share} for g in session.scalars(query)]


def reservations(session: Session, principal: Principal, prop: Property) -> list[dict[str, Any]]:
    query = (select(Reservation).join(Amenity).where(Amenity.property_id == prop.id, Reservation.cancelled.is_(False))
             .order_by(Reservation.starts_at))
    if not principal.manages_keys_at(prop):
        query = query.where(Reservation.person_id == principal.person_id)
    return [{"id": r.id, "amenity": r.amenity.name, "person": r.person.handle, "starts_at": _iso(r.starts_at),
             "ends_at": _iso(r.ends_at)} for r in session.scalars(query)]
