"""Who may see which activity: the SQL form of the DOMAIN visibility table (``access_core.rules.visibility``).

``scope_of`` reads a viewer's coverage and residencies in one statement; ``visible`` is the rule's
``sees`` as one SQL condition, so a question about activity is one query. The rule itself, for one
event, is ``rules.visibility.sees``; ``tests/integration/test_rule_forms.py`` compares the two.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, bindparam, false, literal_column, null, or_, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.types import Integer, String

from access_core.errors import Refused
from access_core.models import ActivityEvent, ActorRole, Door, Grant, GuestShare, KeyDoor, Permission, Property
from access_core.principal import Principal
from access_core.rules.visibility import Scope

E = ActivityEvent
INLINE_IDS = 16
"""Above this many ids, an id list is part of the SQL text (drivers convert long parameter lists slowly)."""


def scope_of(session: Session, principal: Principal) -> Scope:
    """The viewer's coverage, residencies and doors: one query (two for a portfolio manager).

    The SQL form of ``rules.visibility.scope_from`` (coverage: ``rules.coverage.coverage``).
    """
    full, specific_keys = _coverage(session, principal)
    key_doors: set[int] = set()
    own: set[int] = set()
    residencies = []
    rows = session.execute(_DOORS, {"person": principal.person_id, "keys": specific_keys})
    for kind, door_id, residency, starts, ends in rows:
        if kind == "key":
            key_doors.add(door_id)
            continue
        own.add(door_id)
        if residency:
            residencies.append((door_id, starts, ends))
    return Scope(principal.person_id, full, frozenset(key_doors), tuple(residencies), frozenset(own))


def _coverage(session: Session, principal: Principal) -> tuple[frozenset[int], list[int]]:
    """Properties whose every door the viewer covers (P; F or L there), and the keys selected for them (S)."""
    full = {prop for prop, levels in principal.levels.items() if levels & {Permission.full, Permission.limited}}
    if principal.portfolios:
        full.update(session.scalars(select(Property.id).where(Property.portfolio_id.in_(principal.portfolios))))
    keys = [
        key for prop, levels in principal.levels.items() if Permission.specific in levels for key in principal.specific_keys.get(prop, ())
    ]
    return frozenset(full), sorted(keys)


def _doors_statement() -> CompoundSelect[Any]:
    """(kind, door, residency, from, until): doors of a person's grants and shares, and of the given keys.

    ``residency`` is true for a resident grant at a residence door.
    """
    person = bindparam("person", type_=Integer)
    grants = (
        select(
            literal_column("'grant'", String).label("kind"),
            KeyDoor.door_id,
            and_(Grant.resident.is_(True), Door.type == "residence").label("residency"),
            Grant.starts_at,
            Grant.ends_at,
        )
        .join(KeyDoor, KeyDoor.key_id == Grant.key_id)
        .join(Door, Door.id == KeyDoor.door_id)
        .where(Grant.person_id == person)
    )
    shares = (
        select(literal_column("'share'", String), KeyDoor.door_id, false(), GuestShare.starts_at, GuestShare.ends_at)
        .join(KeyDoor, KeyDoor.key_id == GuestShare.key_id)
        .where(GuestShare.guest_id == person)
    )
    keys = select(literal_column("'key'", String), KeyDoor.door_id, false(), null(), null()).where(
        KeyDoor.key_id.in_(bindparam("keys", expanding=True, type_=Integer))
    )
    return union_all(grants, shares, keys)


_DOORS = _doors_statement()


def visible(scope: Scope) -> ColumnElement[bool]:
    """The SQL condition for the events this viewer may see.

    Events the viewer covers as a manager: at common doors, and at residence doors unless a
    resident of that door acted. Their own: at common doors, and at residence doors unless
    they acted as a non-resident. As granter or resident then: residence-door events of
    anyone but a resident of that door.
    """
    me = scope.viewer_id
    covered = or_(_in(E.property_id, scope.full_properties), _in(E.door_id, scope.key_doors))
    resident_then = or_(
        false(),
        *(
            and_(E.door_id == door_id, E.at >= starts, *([E.at < ends] if ends is not None else []))
            for door_id, starts, ends in scope.residencies
        ),
    )
    return or_(
        and_(covered, or_(E.residence.is_(False), E.actor_role != ActorRole.resident)),
        and_(E.actor_id == me, or_(E.residence.is_(False), E.actor_role != ActorRole.nonresident)),
        and_(E.residence.is_(True), E.actor_role != ActorRole.resident, or_(E.granter_id == me, resident_then)),
    )


def _in(column: InstrumentedAttribute[int], ids: frozenset[int]) -> ColumnElement[bool]:
    """``column IN (ids)``; a long list is written into the statement rather than passed as a parameter each."""
    if not ids:
        return false()
    return column.in_(bindparam(None, sorted(ids), expanding=True, literal_execute=len(ids) > INLINE_IDS))


def activity_query(
    session: Session,
    principal: Principal,
    *,
    door: Door | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> Select[Any]:
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
