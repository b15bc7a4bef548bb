"""How a calendar change is worded: closing a day (which doors close, which stay open, what it cancels), a lockdown."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from access_core.exception_days import closure, reservations_on
from access_core.lookup import property_by_name
from access_core.models import Door, Reservation
from access_core.timefmt import moment_text

WEEKDAYS = {"Mon": "Monday", "Tue": "Tuesday", "Wed": "Wednesday", "Thu": "Thursday", "Fri": "Friday", "Sat": "Saturday", "Sun": "Sunday"}


def describe_exception_day(session: Any, op: dict[str, Any], tz: Any) -> str:
    """ "close every scheduled door on Christmas Day (Fri 25 Dec 2026) ..." with what stays open and is cancelled."""
    day = date.fromisoformat(str(op.get("date")))
    mode, doors, prop = op.get("mode"), op.get("doors"), property_by_name(session, str(op.get("property") or ""))
    where = ", ".join(doors) if doors else "every scheduled door"
    on = f"on {op.get('name') or day} ({day:%a %-d %b %Y})"
    if mode != "closed":
        weekday = WEEKDAYS.get(str(mode), str(mode))
        return f"run {where} on its {weekday} schedule {on}"
    head = f"close {where} {on}"
    if prop is None:
        return head
    if not doors:
        closed, stays = closure(session, prop)
        head += " (" + "; ".join(f"{', '.join(names)} through {key}" for key, names in closed.items()) + ")"
        head += "; doors without a schedule in a key stay open through it: " + ", ".join(stays)
    ids = None if not doors else frozenset(session.scalars(select(Door.id).where(Door.property_id == prop.id, Door.name.in_(doors))))
    cancelled = reservations_on(session, prop, day, ids)
    if cancelled:
        head += "; this cancels " + ", ".join(
            f"{r.person.label}'s {r.amenity.name} reservation ({r.starts_at.astimezone(tz):%H:%M})" for r in cancelled
        )
    return head


def describe_lockdown(session: Any, op: dict[str, Any], tz: Any) -> str:
    doors = op.get("doors")
    what = ", ".join(doors) if doors else f"all of {op.get('property')} (every door, homes included)"
    return f"lock down {what}" + (f" ({op['reason']})" if op.get("reason") else "") + " until the lockdown is lifted"


def describe_restore_reservations(session: Any, op: dict[str, Any], tz: Any) -> str:
    """ "restore the reservations closing that day cancelled (Jane Park's Pool at 10:00 …), where their slot is still free"."""
    ids = [int(i) for i in op.get("reservations") or []]
    rows = session.scalars(select(Reservation).where(Reservation.id.in_(ids)).order_by(Reservation.starts_at)).all() if ids else []
    which = ", ".join(f"{r.person.label}'s {r.amenity.name} at {r.starts_at.astimezone(tz):%H:%M}" for r in rows)
    return "restore the reservations closing that day cancelled" + (f" ({which})" if which else "") + ", where their slot is still free"


def restored_reservations(facts: Any, tz: Any) -> str:
    """What the undo of a closed day gave back, and which reservations stay cancelled and why."""
    parts = []
    if facts["restored"]:
        parts.append("Restored " + ", ".join(facts["restored"]) + ".")
    if facts["kept"]:
        parts.append("Could not restore " + "; ".join(f"{label} ({why.rstrip('.')})" for label, why in facts["kept"]) + ".")
    return " ".join(parts) or "No cancelled reservation to restore."


def property_event_text(event: Any, tz: Any) -> str:
    """ "Tue 1 Dec 2026 10:00: Ben Carter locked down all of The Foundry (gas leak)", for a ``PropertyHappening``."""
    what = f"all of {event.property}" if event.whole_property else ", ".join(event.doors)
    by = event.by or "a manager"
    if event.kind == "lockdown_started":
        done = f"{by} locked down {what}" + (f" ({event.reason})" if event.reason else "")
    else:
        done = f"{by} lifted the lockdown of {what}"
    return f"{moment_text(event.at, tz)}: {done}"
