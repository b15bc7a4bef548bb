"""Permission-checked, paged lists for the web pages: people, keys, doors, schedules, keycards, managers, devices, activity.

Every list asks ``access_core.policy`` who may see it and filters in SQL (search, paging and the activity
visibility of ``access_core.visibility``), so a page never loads a property's thousands of rows to show fifty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased, selectinload

from access_core import policy
from access_core.errors import Refused
from access_core.models import (
    ActivityEvent,
    Amenity,
    CallState,
    CatalogItem,
    Door,
    Grant,
    IntercomCall,
    Key,
    Keycard,
    KeyDoor,
    ManagerRole,
    Membership,
    Person,
    Property,
    Role,
)
from access_core.money import DEFAULT, currency_of, money
from access_core.principal import Principal
from access_core.rules.facts import Place
from access_core.views import Site
from access_core.visibility import scope_of, visible

T = TypeVar("T")
PAGE_SIZE = 25
FEW_ACTORS = 200
"""A person filter matching at most this many people looks their events up by actor; more, it filters rows."""
LOW_BATTERY = 20
"""A battery at or under this percentage is low (CONTRACT)."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its rows, where it starts, and whether more follow."""

    rows: list[T]
    """The rows of this page."""
    offset: int = 0
    """How many rows come before this page."""
    more: bool = False
    """Whether another page follows."""
    total: int | None = None
    """The number of rows in every page together, when cheap to count."""

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.rows)


def _paged(session: Session, query: Select[Any], offset: int, size: int, *, count: bool = True) -> Page[Any]:
    offset = max(offset, 0)
    rows = list(session.scalars(query.offset(offset).limit(size + 1)).unique())
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) if count else None
    return Page(rows[:size], offset, len(rows) > size, total)


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _person_matches(text: str) -> ColumnElement[bool]:
    pattern = _like(text)
    return or_(
        func.lower(Person.name).like(pattern, escape="\\"),
        func.lower(Person.email).like(pattern, escape="\\"),
        Person.phone.like(pattern, escape="\\"),
    )


def _require_people_view(principal: Principal, prop: Property) -> None:
    """People of a property: its key managers (P, F, L, S), who invite them."""
    policy.require_inviting(principal, prop)


@dataclass(frozen=True, slots=True)
class PersonRow:
    person: Person
    """The person."""
    keys: list[str] = field(default_factory=list)
    """Names of the keys they hold at the property (any grant, current or not)."""


def people(
    session: Session, principal: Principal, prop: Property, search: str = "", offset: int = 0, size: int = PAGE_SIZE
) -> Page[PersonRow]:
    """The property's people by name, matching ``search`` in name, email or phone."""
    _require_people_view(principal, prop)
    query = (
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.property_id == prop.id)
        .order_by(Person.name, Person.id)
    )
    if search.strip():
        query = query.where(_person_matches(search))
    page = _paged(session, query, offset, size)
    ids = [p.id for p in page.rows]
    held: dict[int, list[str]] = {}
    if ids:
        rows = session.execute(
            select(Grant.person_id, Key.name)
            .join(Key, Key.id == Grant.key_id)
            .where(Grant.person_id.in_(ids), Key.property_id == prop.id)
            .order_by(Key.name)
        )
        for person_id, key_name in rows:
            held.setdefault(person_id, []).append(key_name)
    return Page([PersonRow(p, held.get(p.id, [])) for p in page.rows], page.offset, page.more, page.total)


def _keys_query(principal: Principal, prop: Place) -> Select[Any]:
    query = select(Key).where(Key.property_id == prop.id)
    if not principal.manages_keys_at(prop):
        query = query.where(Key.id.in_(select(Grant.key_id).where(Grant.person_id == principal.person_id)))
    return query


def keys(session: Session, principal: Principal, prop: Property, search: str = "", offset: int = 0, size: int = PAGE_SIZE) -> Page[Key]:
    """The property's keys for its key managers; the keys one holds for anyone else (with their doors)."""
    query = _keys_query(principal, prop).options(selectinload(Key.doors).selectinload(KeyDoor.door)).order_by(Key.name, Key.id)
    if search.strip():
        query = query.where(func.lower(Key.name).like(_like(search), escape="\\"))
    return _paged(session, query, offset, size)


def key_names(session: Session, principal: Principal, prop: Place, limit: int = 500) -> list[str]:
    """The names of the keys the viewer may see (the first ``limit``): for a form's choice and the concierge's answer."""
    query = _keys_query(principal, prop).with_only_columns(Key.name).order_by(Key.name).limit(limit)
    return list(session.scalars(query))


def key(session: Session, principal: Principal, prop: Property, key_id: int) -> Key:
    """One key of the property that the viewer may see (as ``keys`` lists them)."""
    found: Key | None = session.scalar(
        _keys_query(principal, prop).where(Key.id == key_id).options(selectinload(Key.doors).selectinload(KeyDoor.door))
    )
    if found is None:
        raise Refused("key_not_visible", f"You can't see that key at {prop.name}.")
    return found


def key_holders(session: Session, principal: Principal, prop: Property, key: Key, offset: int = 0, size: int = PAGE_SIZE) -> Page[Grant]:
    """Who holds ``key``: for managers who may list its grants (``policy.viewable_keys``); others see only their own."""
    viewable = policy.viewable_keys(principal, prop) if principal.manages_keys_at(prop) else frozenset()
    query = (
        select(Grant)
        .where(Grant.key_id == key.id)
        .options(selectinload(Grant.person))
        .join(Person, Person.id == Grant.person_id)
        .order_by(Person.name, Grant.id)
    )
    if viewable is not None and key.id not in viewable:
        query = query.where(Grant.person_id == principal.person_id)
    return _paged(session, query, offset, size)


def doors(session: Session, principal: Principal, prop: Property, search: str = "", offset: int = 0, size: int = PAGE_SIZE) -> Page[Door]:
    """The property's doors: for its managers of any kind."""
    if not principal.is_manager_at(prop):
        raise Refused("doors_view", f"Only managers of {prop.name} may list its doors.")
    query = select(Door).where(Door.property_id == prop.id).order_by(Door.name, Door.id)
    if search.strip():
        query = query.where(func.lower(Door.name).like(_like(search), escape="\\"))
    return _paged(session, query, offset, size)


def door_names(session: Session, principal: Principal, prop: Property, limit: int = 500) -> list[str]:
    """The names of the property's doors for a filter's choice (managers only; the first ``limit``)."""
    if not principal.is_manager_at(prop):
        return []
    return list(session.scalars(select(Door.name).where(Door.property_id == prop.id).order_by(Door.name).limit(limit)))


@dataclass(frozen=True, slots=True)
class DeviceRow:
    door: Door
    """The door and its lock."""

    @property
    def low_battery(self) -> bool:
        return self.door.battery is not None and self.door.battery <= LOW_BATTERY


def devices(
    session: Session, principal: Principal, prop: Property, *, low_only: bool = False, offset: int = 0, size: int = PAGE_SIZE
) -> Page[DeviceRow]:
    """The locks of the property (battery, activation, firmware), lowest battery first: device and portfolio managers."""
    policy.require_device_view(principal, prop)
    query = (
        select(Door)
        .where(Door.property_id == prop.id, Door.device.is_not(None))
        .order_by(Door.battery.is_(None), Door.battery, Door.name, Door.id)
    )
    if low_only:
        query = query.where(Door.battery <= LOW_BATTERY)
    page = _paged(session, query, offset, size)
    return Page([DeviceRow(d) for d in page.rows], page.offset, page.more, page.total)


def schedules(
    session: Session, principal: Principal, prop: Property, search: str = "", offset: int = 0, size: int = PAGE_SIZE
) -> Page[KeyDoor]:
    """Every door of every key with its schedule (key or door matching ``search``): for who may edit keys (P, F)."""
    policy.require_key_editing(principal, prop)
    query = (
        select(KeyDoor)
        .join(Key, Key.id == KeyDoor.key_id)
        .join(Door, Door.id == KeyDoor.door_id)
        .where(Key.property_id == prop.id)
        .options(selectinload(KeyDoor.key), selectinload(KeyDoor.door))
        .order_by(KeyDoor.schedule.is_(None), Key.name, KeyDoor.position, Door.name)
    )
    if search.strip():
        pattern = _like(search)
        query = query.where(or_(func.lower(Key.name).like(pattern, escape="\\"), func.lower(Door.name).like(pattern, escape="\\")))
    return _paged(session, query, offset, size)


def keycards(
    session: Session, principal: Principal, prop: Property, search: str = "", offset: int = 0, size: int = PAGE_SIZE
) -> Page[Keycard]:
    """The property's keycards (serial or holder matching ``search``): P, F, L."""
    policy.require_keycards(principal, prop)
    query = (
        select(Keycard)
        .join(Person, Person.id == Keycard.person_id)
        .where(Keycard.property_id == prop.id)
        .options(selectinload(Keycard.person))
        .order_by(Keycard.serial)
    )
    if search.strip():
        query = query.where(or_(_person_matches(search), func.lower(Keycard.serial).like(_like(search), escape="\\")))
    return _paged(session, query, offset, size)


def managers(session: Session, principal: Principal, prop: Property) -> list[ManagerRole]:
    """Who manages the property (its portfolio managers, property managers and concierge agents): for its managers."""
    if not principal.is_manager_at(prop):
        raise Refused("managers_view", f"Only managers of {prop.name} may list its managers.")
    query = (
        select(ManagerRole)
        .options(selectinload(ManagerRole.person))
        .where(
            or_(
                ManagerRole.property_id == prop.id,
                and_(ManagerRole.role == Role.portfolio_manager, ManagerRole.portfolio_id == prop.portfolio_id),
            )
        )
        .order_by(ManagerRole.role, ManagerRole.id)
    )
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class EventRow:
    event: ActivityEvent
    """The event."""
    door: str
    """The door's name."""
    actor: str | None
    """Who acted (name, else email or phone), when known."""


def activity(
    session: Session,
    principal: Principal,
    prop: Property,
    *,
    door: Door | None = None,
    person: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    before: tuple[datetime, int] | None = None,
    size: int = PAGE_SIZE,
) -> Page[EventRow]:
    """The viewer's events at the property, newest first, strictly within the DOMAIN visibility (in SQL).

    ``person`` matches who acted by name, email or phone; ``before`` is the (time, id) of the last event of the
    previous page (keyset paging: as fast on page 1,000 as on page 1).
    """
    scope = scope_of(session, principal)
    if not scope.has_any_view:
        raise Refused("no_activity_view", "You have no access to any activity log.")
    if door is not None and not scope.may_ask_about(door):
        raise Refused("not_your_door", f"You can't see activity at {door.name}.")
    E = ActivityEvent
    actor = aliased(Person)
    matches: list[int] | None = None
    if person.strip():
        matches = list(session.scalars(select(Person.id).where(_person_matches(person)).limit(FEW_ACTORS + 1)))
    common_word = matches is not None and len(matches) > FEW_ACTORS
    query = select(E, Door.name, actor).where(E.property_id == prop.id, visible(scope))
    query = query.join(Door, Door.id == E.door_id).outerjoin(actor, actor.id == E.actor_id)
    if door is not None:
        query = query.where(E.door_id == door.id)
    if matches is not None and not common_word:  # a selective name: straight to those people's events (actor index)
        query = query.where(E.actor_id.in_(matches) if matches else false())
    elif common_word:
        # tested on each visible event's actor, as a condition of the joined pair (through CASE on the event's
        # column): a planner guessing that the word matches one person must not start from the people it matches
        pattern = _like(person)
        words = func.lower(func.coalesce(actor.name, "") + " " + func.coalesce(actor.email, "") + " " + func.coalesce(actor.phone, ""))
        query = query.where(case((E.actor_id.is_not(None), words), else_="").like(pattern, escape="\\"))
    if since is not None:
        query = query.where(E.at >= since)
    if until is not None:
        query = query.where(E.at < until)
    if before is not None:
        query = query.where(tuple_(E.at, E.id) < tuple_(*before))
    rows = session.execute(query.order_by(E.at.desc(), E.id.desc()).limit(size + 1)).all()
    events = [EventRow(event, door_name, who.label if who is not None else None) for event, door_name, who in rows[:size]]
    return Page(events, 0, len(rows) > size)


def calls(session: Session, principal: Principal, prop: Property, offset: int = 0, size: int = 10) -> Page[IntercomCall]:
    """The property's intercom calls, newest first, resolved ones included (the call history): for who answers them."""
    policy.require_call_answering(principal, prop)
    query = (
        select(IntercomCall)
        .where(IntercomCall.property_id == prop.id)
        .options(selectinload(IntercomCall.agent), selectinload(IntercomCall.visiting), selectinload(IntercomCall.door))
        .order_by(IntercomCall.ringing_at.desc(), IntercomCall.id.desc())
    )
    return _paged(session, query, offset, size, count=False)


@dataclass(frozen=True, slots=True)
class Offer:
    """A service or experience of the property's catalog, as a page shows it."""

    id: int
    kind: str
    """"service" or "experience"."""
    name: str
    vendor: str
    price: float
    unit: str
    """What the price is per ("" when a flat price)."""
    starts_at: datetime | None
    """An experience's start."""
    currency: str = DEFAULT
    """The property's currency (ISO 4217)."""

    def price_text(self, quantity: int = 1) -> str:
        """The price in the property's currency, e.g. "$25.00 per walk" (for one) or "€50.00" (for two)."""
        total = money(round(self.price * quantity * 100), self.currency)
        return total + (f" per {self.unit}" if self.unit and quantity == 1 else "")


@dataclass(frozen=True, slots=True)
class AmenityRow:
    """An amenity of the property and how it is booked."""

    id: int
    name: str
    reservable: bool
    capacity: int
    hours: str | None
    max_hours: float | None


def _offer(item: CatalogItem, prop: Site) -> Offer:
    return Offer(item.id, item.kind, item.name, item.vendor, item.price, item.unit, item.starts_at, currency_of(prop))


def offers(session: Session, prop: Site, kind: str | None = None) -> list[Offer]:
    """The property's catalog (every person of it may read it), by name; only ``kind`` when given."""
    query = select(CatalogItem).where(CatalogItem.property_id == prop.id).order_by(CatalogItem.name)
    if kind is not None:
        query = query.where(CatalogItem.kind == kind)
    return [_offer(item, prop) for item in session.scalars(query)]


def offer(session: Session, prop: Site, kind: str, name: str) -> Offer | None:
    """The catalog's ``kind`` named exactly ``name``, if any."""
    item = session.scalar(select(CatalogItem).where(CatalogItem.property_id == prop.id, CatalogItem.kind == kind, CatalogItem.name == name))
    return _offer(item, prop) if item is not None else None


def amenities(session: Session, prop: Site) -> list[AmenityRow]:
    """The property's amenities, by name."""
    return [
        AmenityRow(a.id, a.name, a.reservable, a.capacity, a.hours, a.max_hours)
        for a in session.scalars(select(Amenity).where(Amenity.property_id == prop.id).order_by(Amenity.name))
    ]


@dataclass(frozen=True, slots=True)
class CallRow:
    """An intercom call of the history, as the console lists it."""

    id: int
    state: str
    purpose: str | None
    heard: str | None
    caller: str | None
    intercom: str | None
    visiting: str | None
    """The resident the caller named, by name."""
    agent: str | None
    """Who answered, by name."""
    ringing_at: datetime
    ended_at: datetime | None
    note: str | None


def call_history(session: Session, principal: Principal, prop: Property, offset: int = 0, size: int = 10) -> Page[CallRow]:
    """The property's ended calls (resolved or abandoned), newest first: for who answers calls there."""
    policy.require_call_answering(principal, prop)
    query = (
        select(IntercomCall)
        .where(IntercomCall.property_id == prop.id, IntercomCall.state.in_([CallState.resolved, CallState.abandoned]))
        .options(selectinload(IntercomCall.agent), selectinload(IntercomCall.visiting), selectinload(IntercomCall.door))
        .order_by(IntercomCall.ringing_at.desc(), IntercomCall.id.desc())
    )
    page: Page[IntercomCall] = _paged(session, query, offset, size, count=False)
    return Page(
        [
            CallRow(
                c.id,
                c.state,
                c.purpose,
                c.heard,
                c.caller,
                c.door.name if c.door else None,
                c.visiting.label if c.visiting else None,
                c.agent.label if c.agent else None,
                c.ringing_at,
                c.ended_at,
                c.note,
            )
            for c in page.rows
        ],
        page.offset,
        page.more,
    )
