"""What the outer layers (``actions``, ``bot``, ``nlu``) hold of stored things: shapes and plain values, never ORM rows.

A turn keeps the asker and the property as ``Asker`` and ``Site``: the core's functions take these shapes, so
the outer layers never name a model, and the core may hand them a row or a plain value alike. The other reads
here answer the questions the dialogue and the planners ask (a property's keys and doors, a person's homes and
residence doors, the doors of amenities, the data version a cache holds to), each as frozen values or shapes;
lists for pages and answers (amenities, the catalog) are ``listings``', activity ``queries``'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached, selectinload

from access_core.models import (
    Amenity,
    AuditEntry,
    Door,
    Grant,
    Key,
    KeyDoor,
    Person,
    Property,
)


class Asker(Protocol):
    """A person as a turn knows them: who asks, or who a question is about."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def handle(self) -> str:
        """Their email, else phone."""

    @property
    def label(self) -> str:
        """Their name, else their handle."""


class Site(Protocol):
    """A property as a turn knows it: its name, where it is (its zone), what it has and may buy."""

    @property
    def id(self) -> int: ...
    @property
    def portfolio_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def address(self) -> str | None: ...
    @property
    def timezone(self) -> str: ...
    @property
    def country(self) -> str | None: ...
    @property
    def subdivision(self) -> str | None: ...
    @property
    def features(self) -> Sequence[str]: ...
    @property
    def upgrades(self) -> Sequence[str]: ...


class Doorway(Protocol):
    """A door as a turn holds it (to name it, and to hand back to the core's questions about it)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def property_id(self) -> int: ...


class KeyHandle(Protocol):
    """A key as a turn holds it (to name it, and to choose among a person's keys)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def property_id(self) -> int: ...


class Listed(Protocol):
    """A catalog item as an order names it."""

    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...


class Ordered(Protocol):
    """An order of the property's catalog, as its receipt and the lists of orders show it."""

    @property
    def id(self) -> int: ...
    @property
    def receipt_no(self) -> str: ...
    @property
    def item_name(self) -> str: ...
    @property
    def item(self) -> Listed: ...
    @property
    def vendor(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def person_id(self) -> int: ...
    @property
    def person(self) -> Asker: ...
    @property
    def starts_at(self) -> datetime | None: ...
    @property
    def quantity(self) -> int: ...
    @property
    def unit_cents(self) -> int: ...
    @property
    def total_cents(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def requested_at(self) -> datetime: ...
    @property
    def confirmed_at(self) -> datetime | None: ...
    @property
    def fulfilled_at(self) -> datetime | None: ...
    @property
    def cancelled_at(self) -> datetime | None: ...
    def can_become(self, state: str) -> bool:
        """Whether the order may move to ``state`` from the one it is in."""


class Happening(Protocol):
    """An access event as an answer words it."""

    @property
    def id(self) -> int: ...
    @property
    def external_id(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def granted(self) -> bool: ...
    @property
    def actor_id(self) -> int | None: ...
    @property
    def actor(self) -> Asker | None: ...
    @property
    def doorcode(self) -> str | None: ...
    @property
    def photo(self) -> str | None: ...
    @property
    def credential(self) -> str: ...
    @property
    def door(self) -> Doorway: ...


def asker(session: Session, person_id: int) -> Asker | None:
    """The person with this id."""
    return session.get(Person, person_id)


def asker_by_contact(session: Session, column: str, handle: str) -> Asker | None:
    """The person whose ``email`` or ``phone`` (as stored) is ``handle``."""
    field = Person.email if column == "email" else Person.phone
    return session.scalar(select(Person).where(field == handle))


def handles_of(session: Session, person_ids: list[int]) -> dict[int, str]:
    """Person id -> their handle (email, else phone)."""
    return {p.id: p.handle for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}


def data_version(session: Session) -> tuple[int, int]:
    """Changes through the core write the audit log; loads make new properties: (last audit id, last property id)."""
    row = session.execute(select(select(func.max(AuditEntry.id)).scalar_subquery(), select(func.max(Property.id)).scalar_subquery())).one()
    return int(row[0] or 0), int(row[1] or 0)


def homes_of(session: Session, person_id: int) -> frozenset[int]:
    """The properties where the person holds a resident grant (at any time)."""
    query = select(Key.property_id).join(Grant, Grant.key_id == Key.id).where(Grant.person_id == person_id, Grant.resident.is_(True))
    return frozenset(session.scalars(query))


def portfolio_property_ids(session: Session, portfolio_ids: frozenset[int]) -> list[int]:
    """Every property of these portfolios, by name."""
    return list(session.scalars(select(Property.id).where(Property.portfolio_id.in_(portfolio_ids)).order_by(Property.name)))


@dataclass(frozen=True, slots=True)
class KeyLayout:
    """A key of a property as plain values."""

    name: str
    shareable: bool
    doors: tuple[str, ...]
    """Its doors' names, in the key's order."""
    residence: bool
    """Whether it includes a residence door."""
    schedules: tuple[tuple[str, str], ...] = ()
    """(door name, weekly schedule) for its doors that have one in this key."""


def key_layout(session: Session, property_id: int) -> tuple[tuple[KeyLayout, ...], dict[str, str]]:
    """A property's keys (by id) and its doors' types (door name -> type)."""
    keys = session.scalars(
        select(Key).where(Key.property_id == property_id).order_by(Key.id).options(selectinload(Key.doors).selectinload(KeyDoor.door))
    ).all()
    views = tuple(
        KeyLayout(
            k.name,
            k.shareable,
            tuple(kd.door.name for kd in k.doors),
            any(kd.door.is_residence for kd in k.doors),
            tuple((kd.door.name, kd.schedule) for kd in k.doors if kd.schedule),
        )
        for k in keys
    )
    doors = session.execute(select(Door.name, Door.type).where(Door.property_id == property_id).order_by(Door.id))
    return views, {name: kind for name, kind in doors}


@dataclass(frozen=True, slots=True)
class ResidentDoor:
    """A residence door a person holds a resident grant to, with that grant's period."""

    door: str
    starts_at: datetime
    ends_at: datetime | None
    resident: bool


def resident_doors(session: Session, property_id: int, person_id: int) -> list[ResidentDoor]:
    """The residence doors of the property the person holds (or held, or will hold) a resident grant to."""
    rows = session.execute(
        select(Door.name, Grant.starts_at, Grant.ends_at, Grant.resident)
        .join(KeyDoor, KeyDoor.door_id == Door.id)
        .join(Grant, Grant.key_id == KeyDoor.key_id)
        .where(Grant.person_id == person_id, Grant.resident.is_(True), Door.type == "residence", Door.property_id == property_id)
    )
    return [ResidentDoor(name, starts, ends, resident) for name, starts, ends, resident in rows]


def door_of_amenity(session: Session, property_id: int, amenity: str) -> str | None:
    """The name of the door of the property's amenity, if it has one."""
    return session.scalar(
        select(Door.name).join(Amenity, Amenity.door_id == Door.id).where(Amenity.property_id == property_id, Amenity.name == amenity)
    )


def amenity_doors(session: Session, property_id: int, amenities: list[str]) -> list[str]:
    """The doors of these amenities of the property (those that have one), in the order the amenities are given."""
    if not amenities:
        return []
    rows = dict(
        session.execute(
            select(Amenity.name, Door.name)
            .join(Door, Amenity.door_id == Door.id)
            .where(Amenity.property_id == property_id, Amenity.name.in_(amenities))
        ).all()
    )
    return [rows[a] for a in amenities if a in rows]


def door_names(session: Session, door_ids: list[int]) -> list[str]:
    """The names of these doors, by id."""
    return list(session.scalars(select(Door.name).where(Door.id.in_(door_ids)).order_by(Door.id)))


def doors_of(session: Session, property_id: int) -> list[Doorway]:
    """The property's doors, by id."""
    return list(session.scalars(select(Door).where(Door.property_id == property_id).order_by(Door.id)))


def door_row(session: Session, door: Doorway) -> Door:
    """The stored door a turn's ``Doorway`` stands for."""
    if isinstance(door, Door):
        return door
    found = session.get(Door, door.id)
    if found is None:
        raise LookupError(f"no door {door.id}")
    return found


def property_row(session: Session, prop: Site) -> Property:
    """The stored property a turn's ``Site`` stands for."""
    if isinstance(prop, Property):
        return prop
    found = session.get(Property, prop.id)
    if found is None:
        raise LookupError(f"no property {prop.id}")
    return found


Row = TypeVar("Row", Person, Property)


class Rows:
    """People and properties by id, from a copy of their columns kept while a data version (``data_version``) holds.

    A hit costs no query: the copy is merged into the caller's session without loading. One instance may serve
    several threads (whole entries replaced, never mutated in place).
    """

    def __init__(self, limit: int = 100_000) -> None:
        self._rows: dict[tuple[type, int], tuple[tuple[int, int] | None, dict[str, Any]]] = {}
        self._limit = limit

    def asker(self, session: Session, person_id: int, version: tuple[int, int] | None) -> Asker | None:
        return self._row(session, Person, person_id, version)

    def site(self, session: Session, property_id: int, version: tuple[int, int] | None) -> Site | None:
        return self._row(session, Property, property_id, version)

    def _row(self, session: Session, cls: type[Row], ident: int, version: tuple[int, int] | None) -> Row | None:
        cached = self._rows.get((cls, ident))
        if version is not None and cached is not None and cached[0] == version:
            copy = cls(**cached[1])
            make_transient_to_detached(copy)
            return session.merge(copy, load=False)
        found = session.get(cls, ident)
        if found is not None and version is not None:
            if len(self._rows) > self._limit:
                self._rows.clear()
            self._rows[(cls, ident)] = (version, {a.key: getattr(found, a.key) for a in inspect(cls).column_attrs})
        return found
