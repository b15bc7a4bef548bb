"""Lockdowns of a property (DOMAIN "Lockdown"): start_lockdown, end_lockdown."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from access_core import policy
from access_core.door_rules import door_ids_of
from access_core.errors import Invalid
from access_core.models import Door, Lockdown, PropertyEvent
from access_core.property_alerts import PropertyAlert, announce_after_commit
from access_core.services.context import Context, Outcome


def _names(ctx: Context, ids: frozenset[int] | None) -> list[str]:
    query = select(Door.name).where(Door.property_id == ctx.prop.id).order_by(Door.id)
    if ids is not None:
        query = query.where(Door.id.in_(ids))
    return list(ctx.session.scalars(query))


def _all_ids(ctx: Context) -> list[str]:
    return [str(i) for i in ctx.session.scalars(select(Door.id).where(Door.property_id == ctx.prop.id).order_by(Door.id))]


def start_lockdown(ctx: Context, op: dict[str, Any]) -> Outcome:
    policy.require_lockdown_control(ctx.principal, ctx.prop)
    names = op.get("doors")
    if isinstance(names, str):
        names = [names]
    door_ids = sorted({str(ctx.door(n).id) for n in names}, key=int) if names else None
    reason = str(op.get("reason") or "").strip() or None
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
    announce_after_commit(ctx.session, PropertyAlert(
        "lockdown_started", ctx.prop.id, ctx.prop.name,
        f"{ctx.me().label} locked down {what}{because}. Doors open only for exempt managers and first responders."))
    return Outcome(
        f"Locked down {what}{because}. Doors open only for exempt managers and first responders.",
        [{"op": "end_lockdown", "property": ctx.prop.name}],
        {"lockdown": {"id": lockdown.id, "doors": None if door_ids is None else doors, "reason": reason}},
    )


def end_lockdown(ctx: Context, op: dict[str, Any]) -> Outcome:
    policy.require_lockdown_control(ctx.principal, ctx.prop)
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
    announce_after_commit(ctx.session, PropertyAlert("lockdown_lifted", ctx.prop.id, ctx.prop.name,
                                                     f"{ctx.me().label} lifted the lockdown of {ctx.prop.name}."))
    return Outcome(f"Lifted the lockdown of {ctx.prop.name}; its doors follow their keys again.", [], {"lifted": [ld.id for ld in active]})
