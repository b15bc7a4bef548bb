"""Exception days of a property's calendar: add_exception_day, remove_exception_day."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from access_core import policy
from access_core.door_rules import door_ids_of
from access_core.errors import Invalid
from access_core.exception_days import day_json, parse_day, parse_mode, reservations_on
from access_core.models import ExceptionDay
from access_core.services.context import Context, Outcome


def _door_ids(ctx: Context, names: Any) -> list[str] | None:
    if names is None or names == []:
        return None
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list):
        raise Invalid("doors", "doors must be a list of door names, or null for every scheduled door")
    return sorted({str(ctx.door(name).id) for name in names}, key=int)


def add_exception_day(ctx: Context, op: dict[str, Any]) -> Outcome:
    policy.require_calendar_editing(ctx.principal, ctx.prop)
    try:
        day, mode = parse_day(op.get("date")), parse_mode(op.get("mode"))
    except ValueError as exc:
        raise Invalid("date" if "date" in str(exc) else "mode", str(exc)) from None
    door_ids = _door_ids(ctx, op.get("doors"))
    name = str(op.get("name") or "").strip() or day.isoformat()
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
    what = "closed" if mode == "closed" else f"run as a {mode}"
    where = ", ".join(shown["doors"]) if shown["doors"] else "every scheduled door"
    summary = f"{name} ({day:%a %-d %b %Y}): {where} {what}."
    if cancelled:
        summary += " Cancelled " + ", ".join(f"{r.person.label}'s {r.amenity.name} reservation" for r in cancelled) + "."
    undo = [{"op": "remove_exception_day", "property": ctx.prop.name, "date": day.isoformat()}]
    return Outcome(summary, undo, {"exception_day": shown, "cancelled_reservations": [r.id for r in cancelled]})


def remove_exception_day(ctx: Context, op: dict[str, Any]) -> Outcome:
    policy.require_calendar_editing(ctx.principal, ctx.prop)
    try:
        day = parse_day(op.get("date"))
    except ValueError as exc:
        raise Invalid("date", str(exc)) from None
    entries = list(ctx.session.scalars(select(ExceptionDay).where(ExceptionDay.property_id == ctx.prop.id, ExceptionDay.day == day)))
    if not entries:
        raise Invalid("date", f"{ctx.prop.name} has no exception day on {day:%a %-d %b %Y}.")
    undo = [{"op": "add_exception_day", "property": ctx.prop.name, **{k: v for k, v in day_json(ctx.session, e).items()}} for e in entries]
    for entry in entries:
        ctx.session.delete(entry)
    ctx.session.flush()
    ctx.audit("remove_exception_day", date=day.isoformat())
    names = ", ".join(sorted({e.name for e in entries}))
    return Outcome(f"{names} ({day:%a %-d %b %Y}) is a normal day again.", undo)
