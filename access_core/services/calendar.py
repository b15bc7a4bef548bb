"""Exception days of a property's calendar: add_exception_day, remove_exception_day."""

from __future__ import annotations

from sqlalchemy import func, select

from access_core import place_caps
from access_core.commands import AddExceptionDay, RemoveExceptionDay, RestoreReservations
from access_core.door_rules import door_ids_of
from access_core.errors import Invalid
from access_core.exception_days import day_json, parse_mode, reservations_on
from access_core.models import Amenity, ExceptionDay, Reservation
from access_core.services.bookings import reservation_problem
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
    undo: list[AddExceptionDay | RemoveExceptionDay | RestoreReservations] = [RemoveExceptionDay(property=ctx.prop.name, date=day)]
    if cancelled:  # after the day is normal again, so their slots are open
        undo.append(RestoreReservations(property=ctx.prop.name, reservations=tuple(r.id for r in cancelled)))
    return Outcome("exception_day_added", facts, list(undo), {"exception_day": shown, "cancelled_reservations": [r.id for r in cancelled]})


def remove_exception_day(ctx: Context, cmd: RemoveExceptionDay) -> Outcome:
    ctx.require_named_property(cmd.property)
    day = cmd.date
    entries = list(ctx.session.scalars(select(ExceptionDay).where(ExceptionDay.property_id == ctx.prop.id, ExceptionDay.day == day)))
    if not entries:
        raise Invalid("date", f"{ctx.prop.name} has no exception day on {day:%a %-d %b %Y}.")
    undo: list[AddExceptionDay] = []
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


def restore_reservations(ctx: Context, cmd: RestoreReservations) -> Outcome:
    """Undo of closing a day: each reservation it cancelled is live again when its slot still may be booked (not
    passed, open, within the amenity's capacity and its holder's places); the others stay cancelled, each with why."""
    ctx.require_named_property(cmd.property)
    ids = cmd.reservations or ()
    found = ctx.session.scalars(
        select(Reservation)
        .join(Amenity, Amenity.id == Reservation.amenity_id)
        .where(Reservation.id.in_(ids), Amenity.property_id == ctx.prop.id)
        .order_by(Reservation.starts_at, Reservation.id)
    ).all()
    restored: list[str] = []
    kept: list[tuple[str, str]] = []
    for reservation in found:
        if not reservation.cancelled:
            continue
        label = f"{reservation.person.label}'s {reservation.amenity.name} reservation"
        problem = _restore_problem(ctx, reservation)
        if problem is not None:
            kept.append((label, problem))
            continue
        reservation.cancelled = False
        ctx.session.flush()
        restored.append(label)
    ctx.audit("restore_reservations", restored=[r.id for r in found if not r.cancelled], kept=[r.id for r in found if r.cancelled])
    return Outcome("reservations_restored", {"restored": restored, "kept": kept})


def _restore_problem(ctx: Context, reservation: Reservation) -> str | None:
    """Why a cancelled reservation can't be live again now, or None."""
    amenity, starts, ends = reservation.amenity, reservation.starts_at, reservation.ends_at
    problem = reservation_problem(ctx, amenity, starts, ends)
    if problem is not None:
        return problem
    taken = ctx.session.scalar(
        select(func.count(Reservation.id)).where(
            Reservation.amenity_id == amenity.id,
            Reservation.cancelled.is_(False),
            Reservation.starts_at < ends,
            Reservation.ends_at > starts,
        )
    )
    if (taken or 0) >= amenity.capacity:
        return f"{amenity.name} has since been fully booked then ({amenity.capacity} at a time)"
    try:
        place_caps.check_amenity_places(ctx, amenity, starts, ends, person_id=reservation.person_id)
    except Invalid as exc:
        return exc.message
    return None
