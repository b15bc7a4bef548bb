"""Keys, doors and schedules: creating and editing them (full key management)."""

from __future__ import annotations

from sqlalchemy import func, select

from access_core.commands import (
    AddDoorToKey,
    Command,
    CreateDoor,
    CreateKey,
    DeleteDoor,
    DeleteKey,
    RemoveDoorFromKey,
    SetSchedule,
)
from access_core.errors import Invalid
from access_core.models import Door, DoorType, Key, KeyDoor
from access_core.schedule import ScheduleError, canonical_schedule
from access_core.services.context import Context, Outcome


def create_key(ctx: Context, cmd: CreateKey) -> Outcome:
    name = cmd.name.strip()
    if not name:
        raise Invalid("name", "What should the key be called?")
    if _key_named(ctx, name) is not None:
        raise Invalid("name", f"There is already a key called {name}.")
    doors = [ctx.door(d) for d in cmd.doors]
    if not doors:
        raise Invalid("doors", f"Which doors should {name} open?")
    key = Key(property_id=ctx.prop.id, name=name, shareable=cmd.shareable)
    for position, door in enumerate(doors):
        key.doors.append(KeyDoor(door_id=door.id, door=door, position=position))
    ctx.session.add(key)
    ctx.session.flush()
    ctx.audit("create_key", key=name)
    return Outcome("key_created", {"key": name, "shareable": key.shareable, "doors": [d.name for d in doors]}, [DeleteKey(key=name)])


def delete_key(ctx: Context, cmd: DeleteKey) -> Outcome:
    key = ctx.key(cmd.key)
    ctx.session.delete(key)
    ctx.session.flush()
    ctx.audit("delete_key", key=key.name)
    return Outcome("key_deleted", {"key": key.name})


def add_door_to_key(ctx: Context, cmd: AddDoorToKey) -> Outcome:
    key, door = ctx.key(cmd.key), ctx.door(cmd.door)
    if any(kd.door_id == door.id for kd in key.doors):
        raise Invalid("door", f"{key.name} already opens {door.name}.")
    key.doors.append(KeyDoor(door_id=door.id, door=door, position=len(key.doors)))
    ctx.session.flush()
    ctx.audit("add_door_to_key", key=key.name, door=door.name)
    return Outcome("door_added", {"key": key.name, "door": door.name}, [RemoveDoorFromKey(key=key.name, door=door.name)])


def remove_door_from_key(ctx: Context, cmd: RemoveDoorFromKey) -> Outcome:
    key, door = ctx.key(cmd.key), ctx.door(cmd.door)
    entry = _entry(key, door)
    if len(key.doors) == 1:
        raise Invalid("door", f"{door.name} is the only door of {key.name}; a key needs at least one.")
    schedule = entry.schedule
    key.doors.remove(entry)
    ctx.session.flush()
    ctx.audit("remove_door_from_key", key=key.name, door=door.name)
    undo: list[Command] = [AddDoorToKey(key=key.name, door=door.name)]
    if schedule:
        undo.append(SetSchedule(key=key.name, door=door.name, schedule=schedule))
    return Outcome("door_removed", {"key": key.name, "door": door.name}, undo)


def set_schedule(ctx: Context, cmd: SetSchedule) -> Outcome:
    key, door = ctx.key(cmd.key), ctx.door(cmd.door)
    entry = _entry(key, door)
    try:
        schedule = canonical_schedule(cmd.schedule)
    except ScheduleError as exc:
        raise Invalid("schedule", str(exc)) from None
    before = entry.schedule
    entry.schedule = schedule
    ctx.session.flush()
    ctx.audit("set_schedule", key=key.name, door=door.name, schedule=schedule, before=before)
    return Outcome(
        "schedule_set",
        {"key": key.name, "door": door.name, "schedule": schedule},
        [SetSchedule(key=key.name, door=door.name, schedule=before)],
    )


def create_door(ctx: Context, cmd: CreateDoor) -> Outcome:
    name = cmd.name.strip()
    door_type = cmd.type
    if not name:
        raise Invalid("name", "What is the door called?")
    if door_type not in {t.value for t in DoorType}:
        raise Invalid("type", "Is it a building entrance, a residence, a communal door or a service door?")
    if ctx.session.scalar(select(Door).where(Door.property_id == ctx.prop.id, func.lower(Door.name) == name.lower())):
        raise Invalid("name", f"There is already a door called {name}.")
    door = Door(property_id=ctx.prop.id, name=name, type=door_type, device=cmd.device, serial=cmd.serial, activated=False)
    ctx.session.add(door)
    ctx.session.flush()
    ctx.audit("create_door", door=name)
    return Outcome("door_created", {"door": name}, [DeleteDoor(door=name)])


def delete_door(ctx: Context, cmd: DeleteDoor) -> Outcome:
    door = ctx.door(cmd.door)
    ctx.session.delete(door)
    ctx.session.flush()
    ctx.audit("delete_door", door=door.name)
    return Outcome("door_deleted", {"door": door.name})


def _key_named(ctx: Context, name: str) -> Key | None:
    return ctx.session.scalar(select(Key).where(Key.property_id == ctx.prop.id, func.lower(Key.name) == name.lower()))


def _entry(key: Key, door: Door) -> KeyDoor:
    for entry in key.doors:
        if entry.door_id == door.id:
            return entry
    raise Invalid("door", f"{key.name} does not include {door.name}.")
