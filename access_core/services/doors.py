"""Remote unlocks and device operations."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from access_core import policy
from access_core.activity import Actor, record_event
from access_core.errors import Invalid, NotFound
from access_core.models import CallState, Door, IntercomCall, IntercomCallEvent
from access_core.services.context import Context, Outcome


def unlock_door(ctx: Context, op: dict[str, Any]) -> Outcome:
    door = ctx.door(op.get("door"))
    call = _intercom_call(ctx, op)
    logged_here = call is None and (call := _agents_live_call(ctx, door)) is not None
    if call is not None:
        policy.require_call_unlock(ctx.principal, call, door)
    policy.require_unlock(ctx.session, ctx.principal, door, ctx.now)
    policy.require_unlock_in_lockdown(ctx.session, ctx.principal, door, ctx.now)
    if not door.activated:
        raise Invalid("door", f"{door.name} has no installed lock yet.")
    reason = str(op.get("reason") or "").strip() or "remote unlock"
    agent = door.property_id in ctx.principal.agent_at
    event = record_event(
        ctx.session, external_id=f"unlock-{uuid.uuid4().hex[:12]}", door=door,
        actor=Actor(ctx.me(), agent=agent), at=ctx.now, credential="remote", granted=True,
        photo=call.snapshot if call is not None else None,
    )
    ctx.session.flush()
    linked = {"call_id": call.id} if call is not None else {}
    ctx.audit("unlock_door", door=door.name, reason=reason, event=event.external_id, call=op.get("call"), **linked)
    if call is not None and logged_here:  # the console logs its own unlocks; one asked for in chat is logged here
        ctx.session.add(IntercomCallEvent(call_id=call.id, at=ctx.now, kind="unlock", actor_id=ctx.principal.person_id,
                                          door_id=door.id, detail={"door": door.name, "event": event.external_id, "via": "chat"}))
    return Outcome(f"Unlocked {door.name} ({reason}).", [], {"event": event.external_id})


def _agents_live_call(ctx: Context, door: Door) -> IntercomCall | None:
    """The call a concierge agent is on at the door's property: an unlock asked for elsewhere (chat) belongs to it."""
    if door.property_id not in ctx.principal.agent_at:
        return None
    return ctx.session.scalar(select(IntercomCall).where(
        IntercomCall.property_id == door.property_id, IntercomCall.agent_id == ctx.principal.person_id,
        IntercomCall.state == CallState.answered).order_by(IntercomCall.id.desc()).limit(1))


def _intercom_call(ctx: Context, op: dict[str, Any]) -> IntercomCall | None:
    """The intercom call an unlock is made for (``call_id``), whose rules then apply too."""
    if op.get("call_id") is None:
        return None
    call = ctx.session.get(IntercomCall, int(op["call_id"]))
    if call is None:
        raise NotFound("call", str(op["call_id"]))
    return call


def _device_op(ctx: Context, op: dict[str, Any], activated: bool) -> Outcome:
    door = ctx.door(op.get("door"))
    policy.require_device_view(ctx.principal, ctx.prop)
    before = door.activated
    door.activated = activated
    ctx.session.flush()
    ctx.audit("activate_door" if activated else "deactivate_door", door=door.name)
    verb = "activated" if activated else "deactivated"
    undo_op = "activate_door" if before else "deactivate_door"
    return Outcome(f"{door.name} is {verb}.", [{"op": undo_op, "door": door.name}])


def activate_door(ctx: Context, op: dict[str, Any]) -> Outcome:
    return _device_op(ctx, op, True)


def deactivate_door(ctx: Context, op: dict[str, Any]) -> Outcome:
    return _device_op(ctx, op, False)


def upgrade_firmware(ctx: Context, op: dict[str, Any]) -> Outcome:
    door = ctx.door(op.get("door"))
    policy.require_device_view(ctx.principal, ctx.prop)
    version = str(op.get("version") or "latest")
    door.firmware = version
    ctx.session.flush()
    ctx.audit("upgrade_firmware", door=door.name, version=version)
    return Outcome(f"Firmware upgrade to {version} scheduled for {door.name}.")
