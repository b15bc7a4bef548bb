"""Access decisions for one property from memory: every source compiled once from the database.

``AccessIndex.decide`` answers exactly as ``access_core.sources.decide_person`` does
(the same ``decide`` over the same sources: grants, then shares, then reservations,
each in id order), without a query per decision. Build it again after a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.decide import NO_RULES, AccessSource, Decision, DoorRules, decide
from access_core.door_rules import exempt_managers, property_rules
from access_core.models import Amenity, Door, Grant, GuestShare, Key, KeyDoor, Property, Reservation
from access_core.sources import cached_schedule, zone

Sources = dict[tuple[int, int], list[AccessSource]]


@dataclass(frozen=True, slots=True)
class AccessIndex:
    """Per (person, door) of one property, the sources of access; per door, whether it is activated."""

    tz: ZoneInfo
    """The property's zone."""
    activated: dict[int, bool]
    """Door id -> activated, for every door of the property."""
    sources: dict[tuple[int, int], tuple[AccessSource, ...]]
    """(person id, door id) -> what may let them through, in the order ``decide_person`` reads it."""
    rules: dict[int, DoorRules]
    """Door id -> its exception days and lockdowns."""

    @classmethod
    def build(cls, session: Session, prop: Property) -> AccessIndex:
        doors = session.execute(select(Door.id, Door.activated).where(Door.property_id == prop.id))
        activated = {door_id: bool(active) for door_id, active in doors}
        sources: Sources = {}
        rules = property_rules(session, prop.id, list(activated))
        exempt = exempt_managers(session, prop) if any(r.lockdowns for r in rules.values()) else frozenset()
        _grants(session, prop, sources, exempt)
        _shares(session, prop, sources)
        _reservations(session, prop, sources)
        frozen = {pair: tuple(found) for pair, found in sources.items()}
        return cls(zone(prop.timezone), activated, frozen, rules)

    def decide(self, person_id: int, door_id: int, at: datetime, *, credential_live: bool = True) -> Decision:
        """May this person open this door of the property at ``at``, and if not, why."""
        activated = self.activated.get(door_id)
        if activated is None:
            raise KeyError(f"door {door_id} is not a door of this property")
        return decide(
            self.sources.get((person_id, door_id), ()),
            at,
            self.tz,
            door_activated=activated,
            credential_live=credential_live,
            rules=self.rules.get(door_id, NO_RULES),
        )


def _grants(session: Session, prop: Property, sources: Sources, exempt: frozenset[int]) -> None:
    rows = session.execute(
        select(Grant.person_id, KeyDoor.door_id, Key.name, KeyDoor.schedule, Grant.starts_at, Grant.ends_at, Key.lockdown_exempt)
        .join(Key, Key.id == Grant.key_id)
        .join(KeyDoor, KeyDoor.key_id == Grant.key_id)
        .join(Door, Door.id == KeyDoor.door_id)
        .where(Door.property_id == prop.id)
        .order_by(Grant.id)
    )
    for person_id, door_id, key_name, schedule, starts, ends, key_exempt in rows:
        source = AccessSource(f"key {key_name}", starts, ends, cached_schedule(schedule), exempt=person_id in exempt or bool(key_exempt))
        sources.setdefault((person_id, door_id), []).append(source)


def _shares(session: Session, prop: Property, sources: Sources) -> None:
    rows = session.execute(
        select(GuestShare, KeyDoor.door_id, Key.name, KeyDoor.schedule)
        .join(Key, Key.id == GuestShare.key_id)
        .join(KeyDoor, KeyDoor.key_id == GuestShare.key_id)
        .join(Door, Door.id == KeyDoor.door_id)
        .where(Door.property_id == prop.id)
        .order_by(GuestShare.id)
    ).all()
    sharers = _sharer_grants(session, {(share.granter_id, share.key_id) for share, *_ in rows})
    for share, door_id, key_name, schedule in rows:
        grant = sharers.get((share.granter_id, share.key_id))
        if grant is None or not grant[0]:
            starts, ends, live = share.starts_at, share.ends_at, False
        else:
            starts = max(share.starts_at, grant[2])
            ends = max(min(share.ends_at, grant[1]), starts)
            live = share.active
        source = AccessSource(f"share of {key_name}", starts, ends, cached_schedule(schedule), live)
        sources.setdefault((share.guest_id, door_id), []).append(source)


def _sharer_grants(session: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[bool, datetime, datetime]]:
    """(person, key) -> (may_share, end or the end of time, start) of the sharers' own grants (sources.share_window)."""
    if not pairs:
        return {}
    grants = session.scalars(select(Grant).where(Grant.key_id.in_({key for _, key in pairs})))
    return {(g.person_id, g.key_id): (g.may_share, g.ends_at_or_max(), g.starts_at) for g in grants if (g.person_id, g.key_id) in pairs}


def _reservations(session: Session, prop: Property, sources: Sources) -> None:
    rows = session.execute(
        select(Reservation.person_id, Amenity.door_id, Amenity.name, Reservation.starts_at, Reservation.ends_at)
        .join(Amenity, Amenity.id == Reservation.amenity_id)
        .join(Door, Door.id == Amenity.door_id)
        .where(Door.property_id == prop.id, Reservation.cancelled.is_(False))
        .order_by(Reservation.id)
    )
    for person_id, door_id, amenity_name, starts, ends in rows:
        if door_id is not None:
            source = AccessSource(f"reservation of {amenity_name}", starts, ends)
            sources.setdefault((person_id, door_id), []).append(source)
