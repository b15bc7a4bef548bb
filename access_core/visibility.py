"""Who may see which activity: the DOMAIN visibility table, as one SQL filter.

Common doors: the managers covering the door, and the person who acted.
Residence doors, by who acted (judged for that door when it happened):
- a resident of that door: only themselves;
- a manager: themselves, their granter, the unit's residents, the covering managers;
- anyone else (doorcode, guest, non-resident app user): their granter, the unit's
  residents and the covering managers, not themselves.
Device-only managers and concierge agents see nothing as managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import Session

from access_core.errors import Refused
from access_core.models import ActivityEvent, ActorRole, Door, Grant, GuestShare, KeyDoor, Property
from access_core.principal import Principal

E = ActivityEvent


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

    def covers_door(self, door: Door) -> bool:
        return door.property_id in self.full_properties or door.id in self.key_doors

    def may_ask_about(self, door: Door) -> bool:
        return self.covers_door(door) or door.id in self.own_doors


def scope_of(session: Session, principal: Principal) -> Scope:
    props = session.scalars(select(Property)).all() if principal.portfolios or principal.levels else []
    full = frozenset(
        p.id for p in props
        if principal.is_portfolio_manager(p) or principal.has(p, "full_key_management", "limited_key_management")
    )
    specific_keys = [k for p in props for k in principal.my_keys(p)]
    key_doors = frozenset(
        session.scalars(select(KeyDoor.door_id).where(KeyDoor.key_id.in_(specific_keys))) if specific_keys else []
    )
    residencies = tuple(
        (door_id, g.starts_at, g.ends_at)
        for g, door_id in session.execute(
            select(Grant, KeyDoor.door_id)
            .join(KeyDoor, KeyDoor.key_id == Grant.key_id)
            .join(Door, Door.id == KeyDoor.door_id)
            .where(Grant.person_id == principal.person_id, Grant.resident.is_(True), Door.type == "residence")
        )
    )
    own = set(session.scalars(
        select(KeyDoor.door_id).join(Grant, Grant.key_id == KeyDoor.key_id).where(Grant.person_id == principal.person_id)
    ))
    own |= set(session.scalars(
        select(KeyDoor.door_id).join(GuestShare, GuestShare.key_id == KeyDoor.key_id)
        .where(GuestShare.guest_id == principal.person_id)
    ))
    return Scope(principal.person_id, full, key_doors, residencies, frozenset(own))


def visible(scope: Scope) -> ColumnElement[bool]:
    """The SQL condition for the events this viewer may see."""
    me = scope.viewer_id
    covered = or_(
        E.property_id.in_(scope.full_properties) if scope.full_properties else false(),
        E.door_id.in_(scope.key_doors) if scope.key_doors else false(),
    )
    resident_then = or_(false(), *(
        and_(E.door_id == door_id, E.at >= starts, *( [E.at < ends] if ends is not None else []))
        for door_id, starts, ends in scope.residencies
    ))
    return or_(
        and_(E.residence.is_(False), or_(E.actor_id == me, covered)),
        and_(E.residence.is_(True), E.actor_role != ActorRole.nonresident, E.actor_id == me),
        and_(E.residence.is_(True), E.actor_role != ActorRole.resident, or_(E.granter_id == me, resident_then, covered)),
    )


def activity_query(
    session: Session,
    principal: Principal,
    *,
    door: Door | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> Select[tuple[ActivityEvent]]:
    """The viewer's events, oldest first; refused when they have no view at all (or of that door)."""
    scope = scope_of(session, principal)
    if not scope.has_any_view:
        raise Refused("no_activity_view", "You have no access to any activity log.")
    if door is not None and not scope.may_ask_about(door):
        raise Refused("not_your_door", f"You can't see activity at {door.name}.")
    query = select(E).where(visible(scope))
    if door is not None:
        query = query.where(E.door_id == door.id)
    if since is not None:
        query = query.where(E.at >= since)
    if until is not None:
        query = query.where(E.at < until)
    query = query.order_by(E.at, E.id)
    return query.limit(limit) if limit else query
