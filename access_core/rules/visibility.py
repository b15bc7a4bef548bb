"""DOMAIN "Activity and privacy": which events a viewer may see.

Common doors: the managers covering the door, and the person who acted.
Residence doors, by who acted (judged for that door when it happened):
- a resident of that door: only themselves;
- a manager: themselves, their granter, the unit's residents, the covering managers;
- anyone else (doorcode, guest, non-resident app user): their granter, the unit's
  residents and the covering managers, not themselves.
Device-only managers and concierge agents see nothing as managers.

``sees`` is the rule for one event; ``access_core.visibility.visible`` is the same rule as an SQL
condition over many, and ``tests/integration/test_rule_forms.py`` runs both on the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from access_core.principal import Principal
from access_core.rules.coverage import coverage
from access_core.rules.facts import DoorFacts, EventFacts
from access_core.uow import Reads

RESIDENT, MANAGER, NONRESIDENT = "resident", "manager", "nonresident"
"""Who acted at a door (``access_core.models.ActorRole``)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What one viewer's managerial coverage and residencies are, in ids."""

    viewer_id: int
    """The viewer's person id."""
    full_properties: frozenset[int]
    """Properties whose every door the viewer covers as a manager (P, F, L)."""
    key_doors: frozenset[int]
    """Doors covered through specific-key management."""
    residencies: tuple[tuple[int, datetime, datetime | None], ...]
    """(door id, from, until) for each residence door the viewer is a resident of."""
    own_doors: frozenset[int]
    """Every door the viewer has (or had) any key or share to."""

    @property
    def has_any_view(self) -> bool:
        return bool(self.full_properties or self.key_doors or self.own_doors)

    def covers_door(self, door: DoorFacts) -> bool:
        return door.property_id in self.full_properties or door.id in self.key_doors

    def may_ask_about(self, door: DoorFacts) -> bool:
        return self.covers_door(door) or door.id in self.own_doors

    def resident_then(self, door_id: int, at: datetime) -> bool:
        return any(door == door_id and starts <= at and (ends is None or at < ends) for door, starts, ends in self.residencies)


def scope_from(principal: Principal, reads: Reads) -> Scope:
    """The viewer's scope read through ``reads`` (the SQL form is ``access_core.visibility.scope_of``)."""
    covered = coverage(principal, reads)
    holdings = reads.holdings(principal.person_id)
    residencies = tuple(sorted({(h.door_id, h.starts_at, h.ends_at) for h in holdings if h.residency}, key=lambda r: (r[0], r[1])))
    return Scope(principal.person_id, covered.full_properties, covered.key_doors, residencies, frozenset(h.door_id for h in holdings))


def sees(scope: Scope, event: EventFacts) -> bool:
    """May the viewer of ``scope`` see ``event``?"""
    me, role = scope.viewer_id, event.actor_role
    covered = event.property_id in scope.full_properties or event.door_id in scope.key_doors
    if covered and (not event.residence or role != RESIDENT):
        return True
    if event.actor_id == me and (not event.residence or role != NONRESIDENT):
        return True
    return event.residence and role != RESIDENT and (event.granter_id == me or scope.resident_then(event.door_id, event.at))
