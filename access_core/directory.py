"""The lists a caller may read of a property: its people, doors, keys, grants and reservations.

People follow DOMAIN's "list people with their email and phone": P, F and L every person of the
property; S the holders of their keys; A the residents of the property (a name and a number to ring,
no email); R the people who hold keys to the homes they live in (as who has access answers). The
refusals are ``access_core.policy``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access_core import policy
from access_core.door_rules import active_lockdowns, door_ids_of, exempt_managers
from access_core.errors import Ambiguous, CoreError, Refused
from access_core.exception_days import coming_days, day_json
from access_core.lookup import person_by_ref
from access_core.models import (
    Amenity,
    Door,
    DoorType,
    Grant,
    GuestShare,
    Key,
    KeyDoor,
    ManagerRole,
    Membership,
    Person,
    Property,
    Reservation,
)
from access_core.principal import Principal, load_principal
from access_core.rules.coverage import covers_property
from access_core.rules.grants import active_at
from access_core.rules.residency import resident_at
from access_core.sources import zone
from access_core.uow import SessionReads
from access_core.views import Site, property_row


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def residents_of(session: Session, prop: Site, at: datetime) -> list[Person]:
    """People holding a resident grant on a key of the property, active at ``at``, by name."""
    grants = session.scalars(
        select(Grant).join(Key, Key.id == Grant.key_id).where(Key.property_id == prop.id, Grant.resident.is_(True))
    ).all()
    people = {g.person.id: g.person for g in grants if active_at(g, at)}
    return sorted(people.values(), key=lambda p: p.label)


def homes_of(session: Session, person_id: int, prop: Site, at: datetime) -> set[int]:
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


@dataclass(frozen=True, slots=True)
class ContactScope:
    """Whose contacts a caller may see at a property: the coverage of people lists (``people``)."""

    everyone: bool = False
    """Every person of the property, with email and phone (P, F, L)."""
    in_full: frozenset[int] = frozenset()
    """Person ids shown with email and phone: holders of the caller's keys (S), of keys to their home (R)."""
    phone_only: frozenset[int] = frozenset()
    """Person ids shown with their phone only: the residents, to an agent (A) who rings them."""

    def shows(self, person: Person) -> dict[str, str | None] | None:
        """What of this person's contacts the caller may see (None: nothing, only that someone is there)."""
        if self.everyone or person.id in self.in_full:
            return {"email": person.email, "phone": person.phone}
        if person.id in self.phone_only:
            return {"email": None, "phone": person.phone}
        return None


def contact_scope(session: Session, principal: Principal, prop: Site, at: datetime, homes: set[int] | None = None) -> ContactScope:
    """Whose email and phone the caller may see at the property; empty for anyone who may not list its people."""
    if covers_property(principal, prop):
        return ContactScope(everyone=True)
    homes = homes_of(session, principal.person_id, prop, at) if homes is None else homes
    in_full = _holders(session, set(principal.my_keys(prop)), None)
    if homes:
        keys = set(session.scalars(select(KeyDoor.key_id).where(KeyDoor.door_id.in_(homes))))
        in_full |= _holders(session, keys, at)
    ring_only = {p.id for p in residents_of(session, prop, at)} - in_full if prop.id in principal.agent_at else set()
    return ContactScope(in_full=frozenset(in_full), phone_only=frozenset(ring_only))


def people(session: Session, principal: Principal, prop: Property, at: datetime) -> list[dict[str, Any]]:
    """The people the caller may list, with their email and phone (agents: name and phone)."""
    homes = homes_of(session, principal.person_id, prop, at)
    policy.require_people_view(principal, prop, lives_there=bool(homes))
    scope = contact_scope(session, principal, prop, at, homes)
    if scope.everyone:
        rows = session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.property_id == prop.id)
            .order_by(Person.name)
        )
        return [{"name": p.name, "email": p.email, "phone": p.phone} for p in rows]
    listed = []
    for person in session.scalars(select(Person).where(Person.id.in_(scope.in_full | scope.phone_only))):
        shown = scope.shows(person)
        assert shown is not None
        listed.append({"name": person.name, **shown})
    return sorted(listed, key=lambda row: (row["name"] or "", row["email"] or row["phone"] or ""))


def residents_listed_behind(session: Session, principal: Principal, prop: Site, door_id: int, at: datetime) -> list[Person] | None:
    """Those living behind a door among the people the caller may list (a concierge agent asks to ring them);
    None when the caller may list no one at the property."""
    try:
        listed = people(session, principal, property_row(session, prop), at)
    except Refused:
        return None
    reachable = {row["email"] for row in listed if row["email"]} | {row["phone"] for row in listed if row["phone"]}
    reads = SessionReads(session)
    return [
        p
        for p in residents_of(session, prop, at)
        if resident_at(reads, p.id, door_id, at) and (p.email in reachable or p.phone in reachable)
    ]


def named_elsewhere_in_portfolio(session: Session, principal: Principal, prop: Site, at: datetime) -> list[tuple[str, str]]:
    """(handle, name) of the people at the portfolio's other properties whose people the caller may list in full
    there: a name said here may be someone of theirs there ("make Hannah Brooks a manager here too")."""
    others = session.scalars(select(Property).where(Property.portfolio_id == prop.portfolio_id, Property.id != prop.id))
    seen = [other.id for other in others if contact_scope(session, principal, other, at).everyone]
    if not seen:
        return []
    people = session.scalars(select(Person).join(Membership, Membership.person_id == Person.id).where(Membership.property_id.in_(seen)))
    return [(person.handle, person.name or "") for person in people]


def ambiguous_person(session: Session, principal: Principal, prop: Site, at: datetime, written: str, handles: list[str]) -> Ambiguous:
    """A name several people share (``handles``: ``Person.handle`` of each), as the caller may be told it: the contacts
    of those their people list shows (``people``); of the others only that they exist, never their email or phone."""
    ids = [int(h.split(":", 1)[1]) for h in handles if h.startswith("person:") and h.split(":", 1)[1].isdigit()]
    found = session.scalars(select(Person).where(or_(Person.email.in_(handles), Person.phone.in_(handles), Person.id.in_(ids))))
    by_handle = {p.handle: p for p in found}
    scope = contact_scope(session, principal, prop, at)
    shown = []
    for handle in handles:
        person = by_handle.get(handle)
        contacts = scope.shows(person) if person is not None else None
        visible = (contacts or {}).get("email") or (contacts or {}).get("phone")
        if visible:
            shown.append(str(visible))
    return Ambiguous.of_people(written, shown, hidden=len(handles) - len(shown))


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


@dataclass(frozen=True, slots=True)
class Someone:
    """A person as a page names them."""

    id: int
    handle: str
    """Their email, else phone."""
    label: str
    """Their name, else their handle."""


def someone(person: Person) -> Someone:
    return Someone(person.id, person.handle, person.label)


@dataclass(slots=True)
class Seat:
    """Who is signed in, at which of their properties: what every page of a channel starts from."""

    person: Someone
    principal: Principal
    prop: Property | None
    """The property they work at now (None when they have none)."""
    properties: list[Property] = field(default_factory=list)
    """Every property they manage, hold a key to or were shared one at, by name."""


def properties_of(session: Session, person_id: int) -> list[Property]:
    """The properties a person manages (directly or by portfolio), holds a key to, or was shared a key at, by name."""
    ids: set[int] = set()
    for role in session.scalars(select(ManagerRole).where(ManagerRole.person_id == person_id)):
        if role.property_id is not None:
            ids.add(role.property_id)
        else:
            ids |= set(session.scalars(select(Property.id).where(Property.portfolio_id == role.portfolio_id)))
    ids |= set(session.scalars(select(Key.property_id).join(Grant, Grant.key_id == Key.id).where(Grant.person_id == person_id)))
    ids |= set(
        session.scalars(select(Key.property_id).join(GuestShare, GuestShare.key_id == Key.id).where(GuestShare.guest_id == person_id))
    )
    if not ids:
        return []
    return list(session.scalars(select(Property).where(Property.id.in_(ids)).order_by(Property.name)))


def seat_of(session: Session, handle: str, wanted: str | None = None) -> Seat | None:
    """The person known by ``handle`` at their property named ``wanted`` (else their first); None when unknown."""
    person = person_by_ref(session, handle)
    if person is None:
        return None
    places = properties_of(session, person.id)
    prop = next((p for p in places if p.name == wanted), places[0] if places else None)
    return Seat(someone(person), load_principal(session, person), prop, places)


def people_by_name(session: Session, limit: int | None = None) -> list[Someone]:
    """People by name, the first ``limit`` of them when given (the demo sign-in chooser)."""
    return [someone(p) for p in session.scalars(select(Person).order_by(Person.name).limit(limit))]


def label_of(session: Session, ref: str) -> str:
    """A person named by email or phone, by their name when known (else the reference as given)."""
    found = person_by_ref(session, ref.strip())
    return found.label if found is not None else ref.strip()


def lockdown_managers(session: Session, property_id: int) -> list[str]:
    """The emails of the managers who may lift a lockdown of the property (its portfolio and full-key managers)."""
    prop = session.get(Property, property_id)
    if prop is None:
        return []
    people = session.scalars(select(Person).where(Person.id.in_(exempt_managers(session, prop))).order_by(Person.id))
    return [p.email for p in people if p.email]


def exception_days(session: Session, principal: Principal, prop: Property) -> dict[str, Any]:
    policy.require_calendar_view(principal, prop)
    today = datetime.now(UTC).astimezone(zone(prop.timezone)).date()
    return {"exception_days": [day_json(session, d) for d in coming_days(session, prop, today)]}


def lockdown_state(session: Session, principal: Principal, prop: Property) -> dict[str, Any]:
    policy.require_calendar_view(principal, prop)
    found = []
    for lockdown in active_lockdowns(session, prop.id, datetime.now(UTC)):
        ids = door_ids_of(lockdown.door_ids)
        doors = None if ids is None else list(session.scalars(select(Door.name).where(Door.id.in_(ids)).order_by(Door.id)))
        found.append({"doors": doors, "reason": lockdown.reason, "started_at": lockdown.started_at.isoformat()})
    return {"locked_down": bool(found), "lockdowns": found}
