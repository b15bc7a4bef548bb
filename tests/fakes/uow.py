"""A unit of work over plain objects, built from a property file: the rules run against it without a database.

It reads the parts of the file the rules need (managers, properties, doors, keys, people, grants,
shares, doorcodes, activity) with PyYAML; events are classified by the core's own rules, as
``access_core.activity.classify`` does against the database.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from access_core.principal import Principal
from access_core.rules.residency import resident_at
from access_core.rules.visibility import MANAGER, NONRESIDENT, RESIDENT
from access_core.uow import GrantTerms, Holding


@dataclass(slots=True)
class FakeProperty:
    id: int
    portfolio_id: int
    name: str
    timezone: str


@dataclass(slots=True)
class FakeDoor:
    id: int
    property: FakeProperty
    name: str
    type: str

    @builtins.property  # the field above is called property
    def property_id(self) -> int:
        return self.property.id

    @builtins.property
    def is_residence(self) -> bool:
        return self.type == "residence"


@dataclass(slots=True)
class FakeKey:
    id: int
    property_id: int
    name: str
    shareable: bool
    door_ids: list[int]


@dataclass(slots=True)
class FakePerson:
    id: int
    name: str
    email: str | None
    phone: str | None


@dataclass(slots=True)
class FakeShare:
    granter_id: int
    guest_id: int
    key_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(slots=True)
class FakeEvent:
    external_id: str
    property_id: int
    door_id: int
    at: datetime
    residence: bool
    actor_id: int | None
    actor_role: str
    granter_id: int | None


@dataclass
class FakeUnitOfWork:
    """Plain objects in lists; ``committed`` records a commit, as cosmicpython's fake does."""

    properties: list[FakeProperty] = field(default_factory=list)
    doors: list[FakeDoor] = field(default_factory=list)
    keys: list[FakeKey] = field(default_factory=list)
    people: list[FakePerson] = field(default_factory=list)
    grants: list[GrantTerms] = field(default_factory=list)
    granted_by: dict[tuple[int, int], int | None] = field(default_factory=dict)
    shares: list[FakeShare] = field(default_factory=list)
    doorcodes: list[tuple[str, int, int, date]] = field(default_factory=list)
    """(code, key id, granter id, day)."""
    principals: dict[int, Principal] = field(default_factory=dict)
    events: list[FakeEvent] = field(default_factory=list)
    committed: bool = False

    # --- the unit of work -------------------------------------------------------------------

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.rollback()

    def commit(self) -> None:
        self.committed = True

    def rollback(self) -> None:
        pass

    # --- access_core.uow.Reads --------------------------------------------------------------

    def doors_of_keys(self, key_ids: Iterable[int]) -> frozenset[int]:
        wanted = set(key_ids)
        return frozenset(d for k in self.keys if k.id in wanted for d in k.door_ids)

    def properties_of_portfolios(self, portfolio_ids: Iterable[int]) -> frozenset[int]:
        wanted = set(portfolio_ids)
        return frozenset(p.id for p in self.properties if p.portfolio_id in wanted)

    def grants_through(self, person_id: int, door_id: int) -> Sequence[GrantTerms]:
        keys = {k.id for k in self.keys if door_id in k.door_ids}
        return [g for g in self.grants if g.person_id == person_id and g.key_id in keys]

    def holdings(self, person_id: int) -> Sequence[Holding]:
        held = [
            Holding(d, g.starts_at, g.ends_at, g.resident and self.door_by_id(d).is_residence)
            for g in self.grants
            if g.person_id == person_id
            for d in self.key(g.key_id).door_ids
        ]
        return held + [
            Holding(d, s.starts_at, s.ends_at, False) for s in self.shares if s.guest_id == person_id for d in self.key(s.key_id).door_ids
        ]

    # --- finding things by name -------------------------------------------------------------

    def person(self, ref: str) -> FakePerson:
        return next(p for p in self.people if ref in (p.email, p.phone, p.name))

    def door(self, name: str) -> FakeDoor:
        return next(d for d in self.doors if d.name == name)

    def door_by_id(self, door_id: int) -> FakeDoor:
        return next(d for d in self.doors if d.id == door_id)

    def key(self, key_id: int) -> FakeKey:
        return next(k for k in self.keys if k.id == key_id)

    def principal(self, ref: str) -> Principal:
        person = self.person(ref)
        return self.principals.get(person.id) or Principal(person.id, person.email or person.phone or "", person.name)

    def event(self, external_id: str) -> FakeEvent:
        return next(e for e in self.events if e.external_id == external_id)


def from_property_file(path: Path) -> FakeUnitOfWork:
    """The portfolio of a property file (one portfolio, id 1), as plain objects."""
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    uow = FakeUnitOfWork()
    builder = _Builder(uow)
    for place in data.get("properties", []):
        builder.add_property(place)
    for role in data.get("managers", []):
        builder.add_manager(role)
    for place, prop in zip(data.get("properties", []), uow.properties, strict=True):
        builder.add_activity(place, prop)
    return uow


class _Builder:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.levels: dict[int, dict[int, set[str]]] = {}

    def _person(self, ref: str, name: str = "") -> FakePerson:
        for person in self.uow.people:
            if ref in (person.email, person.phone):
                return person
        person = FakePerson(len(self.uow.people) + 1, name, ref if "@" in ref else None, None if "@" in ref else ref)
        self.uow.people.append(person)
        return person

    def add_property(self, place: dict[str, Any]) -> None:
        prop = FakeProperty(len(self.uow.properties) + 1, 1, place["name"], place["timezone"])
        self.uow.properties.append(prop)
        tz = ZoneInfo(prop.timezone)
        for door in place.get("doors", []):
            self.uow.doors.append(FakeDoor(len(self.uow.doors) + 1, prop, door["name"], door["type"]))
        names = {d.name: d.id for d in self.uow.doors if d.property is prop}
        for key in place.get("keys", []):
            doors = [names[d if isinstance(d, str) else d["door"]] for d in key.get("doors", [])]
            self.uow.keys.append(FakeKey(len(self.uow.keys) + 1, prop.id, key["name"], bool(key.get("shareable")), doors))
        for person in place.get("people", []):
            made = self._person(person.get("email") or str(person["phone"]), person.get("name", ""))
            made.email, made.phone = person.get("email"), person.get("phone")
        for grant in place.get("grants", []):
            person, key = self._person(grant["person"]), self._key(prop, grant["key"])
            self.uow.grants.append(
                GrantTerms(
                    person.id,
                    key.id,
                    _moment(grant["starts"], tz),
                    _moment(grant.get("ends"), tz),
                    bool(grant["resident"]),
                    bool(grant.get("may_share")),
                )
            )
            giver = grant.get("granted_by")
            self.uow.granted_by[(person.id, key.id)] = self._person(giver).id if giver else None
        for share in place.get("shares", []):
            self.uow.shares.append(
                FakeShare(
                    self._person(share["granter"]).id,
                    self._person(str(share["guest"])).id,
                    self._key(prop, share["key"]).id,
                    _required(share["starts"], tz),
                    _required(share["ends"], tz),
                )
            )
        for code in place.get("doorcodes", []):
            self.uow.doorcodes.append((str(code["code"]), self._key(prop, code["key"]).id, self._person(code["granter"]).id, code["date"]))

    def _key(self, prop: FakeProperty, name: str) -> FakeKey:
        return next(k for k in self.uow.keys if k.property_id == prop.id and k.name == name)

    def add_manager(self, role: dict[str, Any]) -> None:
        person = self._person(role["person"])
        current = self.uow.principals.get(person.id) or Principal(person.id, person.email or "", person.name)
        prop = next((p for p in self.uow.properties if p.name == role.get("property")), None)
        if role["role"] == "portfolio_manager":
            current = _with(current, portfolios=current.portfolios | {1})
        elif role["role"] == "concierge_agent" and prop is not None:
            current = _with(current, agent_at=current.agent_at | {prop.id})
        elif prop is not None:
            levels = {**current.levels, prop.id: current.levels.get(prop.id, frozenset()) | set(role.get("permissions", []))}
            keys = {
                **current.specific_keys,
                prop.id: current.specific_keys.get(prop.id, frozenset()) | {self._key(prop, name).id for name in role.get("keys", [])},
            }
            current = _with(current, levels=levels, specific_keys=keys)
        self.uow.principals[person.id] = current

    def add_activity(self, place: dict[str, Any], prop: FakeProperty) -> None:
        tz = ZoneInfo(prop.timezone)
        for item in place.get("activity", []):
            door = next(d for d in self.uow.doors if d.property is prop and d.name == item["door"])
            at, by = _required(item["at"], tz), str(item["by"])
            role, actor, granter = self._classify(door, by, at)
            self.uow.events.append(FakeEvent(item["id"], prop.id, door.id, at, door.is_residence, actor, role, granter))

    def _classify(self, door: FakeDoor, by: str, at: datetime) -> tuple[str, int | None, int | None]:
        """As ``access_core.activity.classify``: resident first, then manager, else non-resident."""
        if by.startswith("doorcode:"):
            code = by.split(":", 1)[1].strip()
            keys = {k.id for k in self.uow.keys if door.id in k.door_ids}
            granters = [g for c, k, g, _day in self.uow.doorcodes if c == code and k in keys]
            return NONRESIDENT, None, granters[0] if granters else None
        agent = by.startswith("agent:")
        person = self._person(by.removeprefix("agent:"))
        if not agent and resident_at(self.uow, person.id, door.id, at):
            return RESIDENT, person.id, None
        principal = self.uow.principals.get(person.id)
        role = MANAGER if not agent and principal is not None and principal.is_manager_at(door.property) else NONRESIDENT
        return role, person.id, self._granter(person.id, door, at)

    def _granter(self, person_id: int, door: FakeDoor, at: datetime) -> int | None:
        keys = {k.id for k in self.uow.keys if door.id in k.door_ids}
        shares = sorted(
            (s for s in self.uow.shares if s.guest_id == person_id and s.key_id in keys), key=lambda s: not (s.starts_at <= at < s.ends_at)
        )
        if shares:
            return shares[0].granter_id
        grants = [g for g in self.uow.grants if g.person_id == person_id and g.key_id in keys]
        return self.uow.granted_by.get((grants[0].person_id, grants[0].key_id)) if grants else None


def _with(principal: Principal, **changes: Any) -> Principal:
    from dataclasses import replace

    return replace(principal, **changes)


def _moment(value: Any, tz: ZoneInfo) -> Any:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _required(value: Any, tz: ZoneInfo) -> datetime:
    moment: datetime = _moment(value, tz)
    return moment
