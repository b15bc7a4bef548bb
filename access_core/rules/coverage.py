"""DOMAIN "Who may do what": the doors a manager covers. P, F and L cover every door of the property;
S the doors of their keys; D and A none. Activity, who has access and people lists all follow it."""

from __future__ import annotations

from dataclasses import dataclass

from access_core.principal import FULL, LIMITED, SPECIFIC, Principal
from access_core.rules.facts import DoorFacts, Place
from access_core.uow import Reads


def covers_property(principal: Principal, prop: Place) -> bool:
    """Every door of the property: a portfolio manager, or a full or limited key manager there."""
    return principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED)


def viewable_keys(principal: Principal, prop: Place) -> frozenset[int] | None:
    """The keys whose holders a manager may list: every key (None) for P, F, L; a specific-key manager only their keys."""
    if covers_property(principal, prop):
        return None
    return principal.my_keys(prop)


def covers_door(principal: Principal, door: DoorFacts, reads: Reads) -> bool:
    """Managerial view of a door: P, F, L of its property; S when it is in one of their keys."""
    prop = door.property
    if covers_property(principal, prop):
        return True
    keys = principal.my_keys(prop)
    return bool(keys) and door.id in reads.doors_of_keys(keys)


@dataclass(frozen=True, slots=True)
class Coverage:
    """A manager's coverage as sets of ids (what the SQL form of visibility filters by)."""

    full_properties: frozenset[int]
    """Properties whose every door they cover."""
    key_doors: frozenset[int]
    """Doors covered through specific-key management."""

    def covers(self, door: DoorFacts) -> bool:
        return door.property_id in self.full_properties or door.id in self.key_doors


def coverage(principal: Principal, reads: Reads) -> Coverage:
    full = {prop for prop, levels in principal.levels.items() if levels & {FULL, LIMITED}}
    full |= reads.properties_of_portfolios(principal.portfolios)
    keys = {key for prop, levels in principal.levels.items() if SPECIFIC in levels for key in principal.specific_keys.get(prop, ())}
    return Coverage(frozenset(full), reads.doors_of_keys(keys))
