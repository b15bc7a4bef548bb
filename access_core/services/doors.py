"""Remote unlocks and device operations."""

from __future__ import annotations

import uuid

from access_core import policy
from access_core.activity import Actor, record_event
from access_core.commands import ActivateDoor, DeactivateDoor, UnlockDoor, UpgradeFirmware
from access_core.errors import Invalid
from access_core.models import IntercomCallEvent
from access_core.services.context import Context, Outcome


def unlock_door(ctx: Context, cmd: UnlockDoor) -> Outcome:
    """Open a door once; an agent's unlock belongs to the call they are handling (the rule checked that)."""
    door = ctx.door(cmd.door)
    call = ctx.intercom_call(cmd.call_id) if cmd.call_id is not None else None
    logged_here = call is None and (call := policy.agents_live_call(ctx.session, ctx.principal, door)) is not None
    if not door.activated:
        raise Invalid("door", f"{door.name} has no installed lock yet.")
    reason = (cmd.reason or "").strip() or "remote unlock"
    agent = door.property_id in ctx.principal.agent_at
    event = record_event(
        ctx.session,
        external_id=f"unlock-{uuid.uuid4().hex[:12]}",
        door=door,
        actor=Actor(ctx.me(), agent=agent),
        at=ctx.now,
        credential="remote",
        granted=True,
        photo=call.snapshot if call is not None else None,
    )
    ctx.session.flush()
    linked = {"call_id": call.id} if call is not None else {}
    ctx.audit("unlock_door", door=door.name, reason=reason, event=event.external_id, call=cmd.call, **linked)
    if call is not None and logged_here:  # the console logs its own unlocks; one asked for in chat is logged here
        ctx.session.add(
            IntercomCallEvent(
                call_id=call.id,
                at=ctx.now,
                kind="unlock",
                actor_id=ctx.principal.person_id,
                door_id=door.id,
                detail={"door": door.name, "event": event.external_id, "via": "chat"},
            )
        )
    return Outcome("unlocked", {"door": door.name, "reason": reason}, [], {"event": event.external_id})


def _device_op(ctx: Context, name: str, activated: bool) -> Outcome:
    door = ctx.door(name)
    before = door.activated
    door.activated = activated
    ctx.session.flush()
    ctx.audit("activate_door" if activated else "deactivate_door", door=door.name)
    undo = ActivateDoor(door=door.name) if before else DeactivateDoor(door=door.name)
    return Outcome("door_activated" if activated else "door_deactivated", {"door": door.name}, [undo])


def activate_door(ctx: Context, cmd: ActivateDoor) -> Outcome:
    return _device_op(ctx, cmd.door, True)


def deactivate_door(ctx: Context, cmd: DeactivateDoor) -> Outcome:
    return _device_op(ctx, cmd.door, False)


def upgrade_firmware(ctx: Context, cmd: UpgradeFirmware) -> Outcome:
    door = ctx.door(cmd.door)
    version = cmd.version or "latest"
    door.firmware = version
    ctx.session.flush()
    ctx.audit("upgrade_firmware", door=door.name, version=version)
    return Outcome("firmware_scheduled", {"door": door.name, "version": version})
