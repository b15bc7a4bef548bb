"""Exception days of a property's calendar: add_exception_day, remove_exception_day."""

from __future__ import annotations

from sqlalchemy import select

from access_core.commands import AddExceptionDay, RemoveExceptionDay
from access_core.door_rules import door_ids_of
from access_core.errors import Invalid
from access_core.exception_days import day_json, parse_mode, reservations_on
from access_core.models import ExceptionDay
from access_core.services.context import Context, Outcome


def _door_ids(ctx: Context, names: tuple[str, ...] | None) -> list[str] | None:
    if not names:
        return None
    return sorted({str(ctx.door(name).id) for name in names}, key=int)


def add_exception_day(ctx: Context, cmd: AddExceptionDay) -> Outcome:
    ctx.require_named_property(cmd.property)
    try:
        mode = parse_mode(cmd.mode)
    except ValueError as exc:
        raise Invalid("mode", str(exc)) from None
    day, door_ids = cmd.date, _door_ids(ctx, cmd.doors)
    name = (cmd.name or "").strip() or day.isoformat()
    for old in ctx.session.scalars(select(ExceptionDay).where(ExceptionDay.property_id == ctx.prop.id, ExceptionDay.day == day)):
        if old.door_ids == door_ids:
            ctx.session.delete(old)
    entry = ExceptionDay(property_id=ctx.prop.id, day=day, name=name, mode=mode, door_ids=door_ids)
    ctx.session.add(entry)
    cancelled = reservations_on(ctx.session, ctx.prop, day, door_ids_of(door_ids)) if mode == "closed" else []
    for reservation in cancelled:
        reservation.cancelled = True
    ctx.session.flush()
    shown = day_json(ctx.session, entry)
    ctx.audit("add_exception_day", **shown, cancelled=[r.id for r in cancelled])
    facts = {
        "name": name,
        "day": day,
        "mode": mode,
        "doors": shown["doors"] or [],
        "cancelled": [f"{r.person.label}'s {r.amenity.name} reservation" for r in cancelled],
    }
    undo = [RemoveExceptionDay(property=ctx.prop.name, date=day)]
    return Outcome("exception_day_added", facts, list(undo), {"exception_day": shown, "cancelled_reservations": [r.id for r in cancelled]})


def remove_exception_day(ctx: Context, cmd: RemoveExceptionDay) -> Outcome:
    ctx.require_named_property(cmd.property)
    day = cmd.date
    entries = list(ctx.session.scalars(select(ExceptionDay).where(ExceptionDay.property_id == ctx.prop.id, ExceptionDay.day == day)))
    if not entries:
        raise Invalid("date", f"{ctx.prop.name} has no exception day on {day:%a %-d %b %Y}.")
    undo = []
    for entry in entries:
        shown = day_json(ctx.session, entry)
        undo.append(
            AddExceptionDay(
                property=ctx.prop.name, date=day, name=entry.name, mode=entry.mode, doors=tuple(shown["doors"]) if shown["doors"] else None
            )
        )
        ctx.session.delete(entry)
    ctx.session.flush()
    ctx.audit("remove_exception_day", date=day.isoformat())
    names = ", ".join(sorted({e.name for e in entries}))
    return Outcome("exception_day_removed", {"names": names, "day": day}, list(undo))
