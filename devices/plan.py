"""From recorded core changes to what each door's store must re-read: people, codes, cards, state, or all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from access_core.models import Amenity, Door, GuestShare, Key, KeyDoor, Property


@dataclass(slots=True)
class DoorWork:
    """What to re-read for one door."""

    property_id: int
    full: bool = False
    state: bool = False
    people: set[int] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    cards: set[str] = field(default_factory=set)
    commands: list[dict[str, Any]] = field(default_factory=list)


class Plan:
    """Door id -> the work a batch of changes implies."""

    def __init__(self) -> None:
        self.doors: dict[int, DoorWork] = {}
        self.rules: set[int] = set()
        """Properties whose doors must get their rules (exception days, lockdowns, who is exempt) again."""

    def door(self, door_id: int, property_id: int) -> DoorWork:
        return self.doors.setdefault(door_id, DoorWork(property_id))

    def by_property(self) -> dict[int, dict[int, DoorWork]]:
        grouped: dict[int, dict[int, DoorWork]] = {}
        for door_id, work in self.doors.items():
            grouped.setdefault(work.property_id, {})[door_id] = work
        return grouped


def plan_changes(session: Session, payloads: Iterable[dict[str, Any]]) -> Plan:
    plan, merged = Plan(), _merge(payloads)
    if merged["everything"]:
        merged["full_doors"] = set(session.scalars(select(Door.id)))
    key_doors = _key_doors(session, {k for _, k in merged["grants"] | merged["shares"]} | {k for k, _ in merged["codes"]})
    guests = _guests_of(session, merged["grants"])
    for person, key in merged["grants"] | merged["shares"]:
        for door, prop in key_doors.get(key, ()):
            plan.door(door, prop).people.update({person, *guests.get((person, key), ())})
    for key, code in merged["codes"]:
        for door, prop in key_doors.get(key, ()):
            plan.door(door, prop).codes.add(code)
    for door, prop in _doors(session, merged["full_doors"] | merged["doors"]):
        work = plan.door(door, prop)
        work.full = work.full or door in merged["full_doors"]
        work.state = True
    for person, amenity in merged["reservations"]:
        found = session.execute(select(Amenity.door_id, Amenity.property_id).where(Amenity.id == amenity)).first()
        if found and found[0] is not None:
            plan.door(found[0], found[1]).people.add(person)
    cards_by_property: dict[int, set[str]] = {}
    for serial, prop in merged["cards"]:
        cards_by_property.setdefault(prop, set()).add(serial)
    for prop, serials in cards_by_property.items():
        for (door,) in session.execute(select(Door.id).where(Door.property_id == prop)):
            plan.door(door, prop).cards.update(serials)
    plan.rules = set(merged["rules"])
    if merged["rules_portfolios"]:
        plan.rules |= set(session.scalars(select(Property.id).where(Property.portfolio_id.in_(merged["rules_portfolios"]))))
    for command in merged["commands"]:
        found_door = session.get(Door, command["door"])
        if found_door is not None:
            plan.door(found_door.id, found_door.property_id).commands.append(command)
    return plan


def _merge(payloads: Iterable[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {
        kind: set()
        for kind in ("grants", "shares", "codes", "cards", "reservations", "doors", "full_doors", "everything", "rules", "rules_portfolios")
    }
    merged["commands"] = []
    for payload in payloads:
        for kind, items in payload.items():
            if kind == "commands":
                merged[kind].extend(items)
            elif kind in ("doors", "full_doors", "everything", "rules", "rules_portfolios"):
                merged[kind].update(items)
            elif kind in merged:
                merged[kind].update(tuple(item) for item in items)
    return merged


def _key_doors(session: Session, keys: set[int]) -> dict[int, list[tuple[int, int]]]:
    found: dict[int, list[tuple[int, int]]] = {}
    if keys:
        rows = session.execute(
            select(KeyDoor.key_id, KeyDoor.door_id, Key.property_id).join(Key, Key.id == KeyDoor.key_id).where(KeyDoor.key_id.in_(keys))
        )
        for key, door, prop in rows:
            found.setdefault(key, []).append((door, prop))
    return found


def _guests_of(session: Session, grants: set[tuple[int, int]]) -> dict[tuple[int, int], set[int]]:
    """A share lives on its sharer's grant: a grant change concerns the guests of that sharer's shares."""
    found: dict[tuple[int, int], set[int]] = {}
    if grants:
        rows = session.execute(
            select(GuestShare.granter_id, GuestShare.key_id, GuestShare.guest_id).where(
                tuple_(GuestShare.granter_id, GuestShare.key_id).in_(list(grants))
            )
        )
        for granter, key, guest in rows:
            found.setdefault((granter, key), set()).add(guest)
    return found


def _doors(session: Session, door_ids: set[int]) -> list[tuple[int, int]]:
    if not door_ids:
        return []
    return [(d, p) for d, p in session.execute(select(Door.id, Door.property_id).where(Door.id.in_(door_ids)))]
