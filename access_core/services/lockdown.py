"""Lockdowns of a property (DOMAIN "Lockdown"): start_lockdown, end_lockdown."""

from __future__ import annotations

from sqlalchemy import select

from access_core.commands import EndLockdown, StartLockdown
from access_core.door_rules import door_ids_of
from access_core.errors import Invalid
from access_core.events import PropertyAlert
from access_core.models import Door, Lockdown, PropertyEvent
from access_core.services.context import Context, Outcome
from access_core.uow import publish


def _names(ctx: Context, ids: frozenset[int] | None) -> list[str]:
    query = select(Door.name).where(Door.property_id == ctx.prop.id).order_by(Door.id)
    if ids is not None:
        query = query.where(Door.id.in_(ids))
    return list(ctx.session.scalars(query))


def _all_ids(ctx: Context) -> list[str]:
    return [str(i) for i in ctx.session.scalars(select(Door.id).where(Door.property_id == ctx.prop.id).order_by(Door.id))]


def start_lockdown(ctx: Context, cmd: StartLockdown) -> Outcome:
    ctx.require_named_property(cmd.property)
    names = cmd.doors
    door_ids = sorted({str(ctx.door(n).id) for n in names}, key=int) if names else None
    reason = (cmd.reason or "").strip() or None
    lockdown = Lockdown(
        property_id=ctx.prop.id, door_ids=door_ids, reason=reason, started_at=ctx.now, started_by_id=ctx.principal.person_id
    )
    ctx.session.add(lockdown)
    doors = _names(ctx, door_ids_of(door_ids))
    ctx.session.add(
        PropertyEvent(
            property_id=ctx.prop.id,
            at=ctx.now,
            kind="lockdown_started",
            actor_id=ctx.principal.person_id,
            door_ids=door_ids or _all_ids(ctx),
            detail={"reason": reason, "whole_property": door_ids is None},
        )
    )
    ctx.session.flush()
    ctx.audit("start_lockdown", doors=door_ids and doors, reason=reason, lockdown=lockdown.id)
    what = f"all of {ctx.prop.name}" if door_ids is None else ", ".join(doors)
    because = f" ({reason})" if reason else ""
    publish(
        ctx.session,
        PropertyAlert(
            "lockdown_started",
            ctx.prop.id,
            ctx.prop.name,
            f"{ctx.me().label} locked down {what}{because}. Doors open only for exempt managers and first responders.",
        ),
    )
    return Outcome(
        "lockdown_started",
        {"what": what, "reason": reason},
        [EndLockdown(property=ctx.prop.name)],
        {"lockdown": {"id": lockdown.id, "doors": None if door_ids is None else doors, "reason": reason}},
    )


def end_lockdown(ctx: Context, cmd: EndLockdown) -> Outcome:
    ctx.require_named_property(cmd.property)
    active = list(
        ctx.session.scalars(select(Lockdown).where(Lockdown.property_id == ctx.prop.id, Lockdown.ended_at.is_(None)).order_by(Lockdown.id))
    )
    if not active:
        raise Invalid("property", f"{ctx.prop.name} is not locked down.")
    ids: set[str] = set()
    for lockdown in active:
        lockdown.ended_at, lockdown.ended_by_id = ctx.now, ctx.principal.person_id
        ids |= set(lockdown.door_ids or _all_ids(ctx))
    door_ids = sorted(ids, key=int)
    ctx.session.add(
        PropertyEvent(
            property_id=ctx.prop.id,
            at=ctx.now,
            kind="lockdown_lifted",
            actor_id=ctx.principal.person_id,
            door_ids=door_ids,
            detail={"lockdowns": [ld.id for ld in active]},
        )
    )
    ctx.session.flush()
    ctx.audit("end_lockdown", lockdowns=[ld.id for ld in active])
    publish(
        ctx.session,
        PropertyAlert("lockdown_lifted", ctx.prop.id, ctx.prop.name, f"{ctx.me().label} lifted the lockdown of {ctx.prop.name}."),
    )
    return Outcome("lockdown_lifted", {"property": ctx.prop.name}, [], {"lifted": [ld.id for ld in active]})
