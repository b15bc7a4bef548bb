"""The property-wide rules of each door, read from the database: its exception days and lockdowns."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access_core.decide import NO_RULES, DoorRules
from access_core.models import Door, ExceptionDay, Lockdown, ManagerRole, Permission, Property, Role


def door_ids_of(ids: list[str] | None) -> frozenset[int] | None:
    """The door ids an exception day or lockdown names; None for every door."""
    return None if ids is None else frozenset(int(i) for i in ids)


def modes_by_door(days: list[ExceptionDay], door_id: int) -> dict[date, str]:
    """Local date -> mode for one door; on a date with several entries ``closed`` wins."""
    modes: dict[date, str] = {}
    for day in days:
        named = door_ids_of(day.door_ids)
        if named is not None and door_id not in named:
            continue
        if modes.get(day.day) != "closed":
            modes[day.day] = day.mode
    return modes


def property_rules(session: Session, property_id: int, door_ids: list[int] | None = None) -> dict[int, DoorRules]:
    """Door id -> its rules, for every door of the property (or the given ones)."""
    if door_ids is None:
        door_ids = list(session.scalars(select(Door.id).where(Door.property_id == property_id)))
    days = list(session.scalars(select(ExceptionDay).where(ExceptionDay.property_id == property_id)))
    lockdowns = list(session.scalars(select(Lockdown).where(Lockdown.property_id == property_id).order_by(Lockdown.id)))
    if not days and not lockdowns:
        return dict.fromkeys(door_ids, NO_RULES)
    rules = {}
    for door_id in door_ids:
        spans = tuple((ld.started_at, ld.ended_at) for ld in lockdowns if (named := door_ids_of(ld.door_ids)) is None or door_id in named)
        rules[door_id] = DoorRules(modes_by_door(days, door_id), spans)
    return rules


def rules_for_door(session: Session, door: Door) -> DoorRules:
    return property_rules(session, door.property_id, [door.id])[door.id]


def exempt_managers(session: Session, prop: Property) -> frozenset[int]:
    """People whose own credentials a lockdown of the property spares: its portfolio managers and
    full-key managers (DOMAIN "Lockdown")."""
    roles = session.scalars(
        select(ManagerRole).where(
            or_(
                (ManagerRole.role == Role.portfolio_manager) & (ManagerRole.portfolio_id == prop.portfolio_id),
                (ManagerRole.role == Role.property_manager) & (ManagerRole.property_id == prop.id),
            )
        )
    )
    return frozenset(r.person_id for r in roles if r.role == Role.portfolio_manager or Permission.full in (r.permissions or []))


def active_lockdowns(session: Session, property_id: int, at: datetime) -> list[Lockdown]:
    rows = session.scalars(
        select(Lockdown)
        .where(Lockdown.property_id == property_id, Lockdown.started_at <= at, or_(Lockdown.ended_at.is_(None), Lockdown.ended_at > at))
        .order_by(Lockdown.id)
    )
    return list(rows)
