"""Recording activity: who acted at a door, judged for that door when it happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from access_core.models import (
    ActivityEvent,
    ActorRole,
    Door,
    Doorcode,
    Grant,
    GuestShare,
    KeyDoor,
    Person,
    Property,
)
from access_core.principal import load_principal
from access_core.rules.residency import resident_at
from access_core.uow import SessionReads


@dataclass(frozen=True, slots=True)
class Actor:
    """Who an event names: a person, a doorcode, or an agent acting remotely."""

    person: Person | None
    """The person who acted (the agent for agent unlocks); None for a doorcode."""
    doorcode: str | None = None
    """The code used, for doorcode events."""
    agent: bool = False
    """True when a concierge agent acted for someone else."""


def _granter_of(session: Session, person_id: int, door_id: int, at: datetime) -> int | None:
    """Who gave this person their way through this door: a share's sharer, else the grant's giver."""
    shares = session.scalars(
        select(GuestShare)
        .join(KeyDoor, and_(KeyDoor.key_id == GuestShare.key_id, KeyDoor.door_id == door_id))
        .where(GuestShare.guest_id == person_id)
    ).all()
    for share in sorted(shares, key=lambda s: not (s.starts_at <= at < s.ends_at)):
        return share.granter_id
    grants = session.scalars(
        select(Grant).join(KeyDoor, and_(KeyDoor.key_id == Grant.key_id, KeyDoor.door_id == door_id)).where(Grant.person_id == person_id)
    ).all()
    for grant in sorted(grants, key=lambda g: not g.active_at(at)):
        return grant.granted_by_id
    return None


def _doorcode_granter(session: Session, door: Door, code: str, at: datetime) -> int | None:
    rows = session.scalars(
        select(Doorcode).join(KeyDoor, and_(KeyDoor.key_id == Doorcode.key_id, KeyDoor.door_id == door.id)).where(Doorcode.code == code)
    ).all()
    local_day = at.astimezone(_tz(door.property)).date()
    for doorcode in sorted(rows, key=lambda d: d.day != local_day):
        return doorcode.granter_id
    return None


def _tz(prop: Property):  # type: ignore[no-untyped-def]
    from access_core.sources import zone

    return zone(prop.timezone)


def classify(session: Session, door: Door, actor: Actor, at: datetime) -> tuple[str, int | None]:
    """The actor's role at this door at this time, and their granter (DOMAIN visibility table)."""
    if actor.person is None:
        granter = _doorcode_granter(session, door, actor.doorcode or "", at)
        return ActorRole.nonresident, granter
    person_id = actor.person.id
    if not actor.agent and resident_at(SessionReads(session), person_id, door.id, at):
        return ActorRole.resident, None
    if not actor.agent and load_principal(session, actor.person).is_manager_at(door.property):
        return ActorRole.manager, _granter_of(session, person_id, door.id, at)
    return ActorRole.nonresident, _granter_of(session, person_id, door.id, at)


def record_event(
    session: Session,
    *,
    external_id: str,
    door: Door,
    actor: Actor,
    at: datetime,
    credential: str,
    granted: bool,
    photo: str | None = None,
) -> ActivityEvent:
    role, granter = classify(session, door, actor, at)
    event = ActivityEvent(
        external_id=external_id,
        property_id=door.property_id,
        door_id=door.id,
        at=at,
        residence=door.is_residence,
        actor_id=actor.person.id if actor.person else None,
        actor_role=role,
        granter_id=granter,
        doorcode=actor.doorcode,
        credential=credential,
        granted=granted,
        photo=photo,
    )
    session.add(event)
    return event
