"""Every reply's wording of a change: a plan as the question that asks to confirm it, and what a service did.

It lives in the core because every entry point words changes the same way (the dialogue on every
channel, the REST API's summaries, the call console), and the core is the one package all of them use.
Services return data (``Outcome``: what changed, with its facts); this module alone turns it into English."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.describe_calendar import describe_exception_day, describe_lockdown, describe_restore_reservations, restored_reservations
from access_core.lookup import person_by_ref
from access_core.money import DEFAULT, money
from access_core.services.context import Outcome
from access_core.timefmt import day_text, moment_text, when


def _person(session: Session, ref: Any) -> str:
    if isinstance(ref, dict):
        return str(ref.get("name") or ref.get("email") or ref.get("phone") or "someone")
    if not ref:
        return "someone"
    person = person_by_ref(session, str(ref))
    return person.label if person else str(ref)


def _t(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def describe(session: Session, op: dict[str, Any], tz: ZoneInfo, now: datetime | None = None) -> str:
    """One clause in the imperative: "give Priya Shah the key Resident 3A from Fri 1 Jan 2027" (``now``: the
    turn's moment, for "starting now")."""
    if op.get("op") == "grant_key":
        return _grant(session, op, tz, now)
    writer = WRITERS.get(op.get("op", ""))
    if writer is None:
        return f"{op.get('op', 'do that')}".replace("_", " ")
    return writer(session, op, tz)


def _grant(s: Session, op: dict[str, Any], tz: ZoneInfo, now: datetime | None = None) -> str:
    starts, ends = _t(op.get("starts_at")), _t(op.get("ends_at"))
    role = " as a resident" if op.get("resident") else ""
    share = " (may share it)" if op.get("may_share") else ""
    at_once = starts is None or (now is not None and abs((starts - now).total_seconds()) < 60)
    period = end_only(ends, tz) if at_once and not ends else when(starts, ends, tz)
    return f"give {_person(s, op.get('person'))} the key {op.get('key')} {period}{role}{share}".replace("  ", " ")


def end_only(ends: datetime | None, tz: ZoneInfo) -> str:
    return when(None, ends, tz) if ends else "starting now, with no end date"


def _restore(s: Session, op: dict[str, Any], tz: ZoneInfo) -> str:
    if op.get("state") is None:
        return f"take {op.get('key')} back from {_person(s, op.get('person'))}"
    return f"restore {_person(s, op.get('person'))}'s {op.get('key')} as it was"


def _at(before: str, value: Any, tz: ZoneInfo, *, otherwise: str = "") -> str:
    moment = _t(value)
    return before + moment_text(moment, tz) if moment else otherwise


WRITERS: dict[str, Callable[[Session, dict[str, Any], ZoneInfo], str]] = {
    "restore_grant": _restore,
    "revoke_key": lambda s, op, tz: (
        f"revoke {_person(s, op.get('person'))}'s {op.get('key')}" + _at(" from ", op.get("at"), tz, otherwise=" now")
    ),
    "invite_person": lambda s, op, tz: f"invite {_person(s, op)}",
    "create_key": lambda s, op, tz: (
        f"create the key {op.get('name')} with {', '.join(op.get('doors') or [])}, "
        + ("shareable" if op.get("shareable") else "not shareable")
    ),
    "add_door_to_key": lambda s, op, tz: f"add {op.get('door')} to {op.get('key')}",
    "remove_door_from_key": lambda s, op, tz: f"remove {op.get('door')} from {op.get('key')}",
    "set_schedule": lambda s, op, tz: (
        f"make {op.get('door')} in {op.get('key')} open " + (op["schedule"] if op.get("schedule") else "at any time (no schedule)")
    ),
    "create_door": lambda s, op, tz: f"create the door {op.get('name')} ({str(op.get('type')).replace('_', ' ')})",
    "issue_keycard": lambda s, op, tz: f"issue keycard {op.get('serial')} to {_person(s, op.get('person'))}",
    "deactivate_keycard": lambda s, op, tz: (
        "deactivate " + (f"keycard {op['serial']}" if op.get("serial") else f"{_person(s, op.get('person'))}'s keycard")
    ),
    "create_doorcode": lambda s, op, tz: (
        f"create a door code for {op.get('key')} valid on " + day_text(datetime.fromisoformat(str(op.get("date"))).replace(tzinfo=tz), tz)
    ),
    "share_key": lambda s, op, tz: (
        f"share {op.get('key')} with {_person(s, op.get('guest'))} " + when(_t(op.get("starts_at")), _t(op.get("ends_at")), tz)
    ),
    "unlock_door": lambda s, op, tz: f"unlock {op.get('door')} now" + (f" ({op['reason']})" if op.get("reason") else ""),
    "create_manager": lambda s, op, tz: (
        f"make {_person(s, op.get('person'))} a "
        + str(op.get("role", "")).replace("_", " ")
        + (f" with {', '.join(op.get('permissions') or [])}" if op.get("permissions") else "")
    ),
    "reserve_amenity": lambda s, op, tz: f"reserve {op.get('amenity')} " + when(_t(op.get("starts_at")), _t(op.get("ends_at")), tz),
    "cancel_reservation": lambda s, op, tz: f"cancel your {op.get('amenity') or ''} reservation".replace("  ", " "),
    "book_service": lambda s, op, tz: f"book {op.get('service')}" + _at(" for ", op.get("starts_at"), tz),
    "buy_experience": lambda s, op, tz: f"book {op.get('quantity') or 1} for {op.get('experience')}",
    "submit_request": lambda s, op, tz: f"send a request for {op.get('upgrade')} to the sales team",
    "activate_door": lambda s, op, tz: f"activate {op.get('door')}",
    "deactivate_door": lambda s, op, tz: f"deactivate {op.get('door')}",
    "upgrade_firmware": lambda s, op, tz: f"upgrade the firmware of {op.get('door')}",
    "delete_key": lambda s, op, tz: f"delete the key {op.get('key')}",
    "delete_door": lambda s, op, tz: f"delete the door {op.get('door')}",
    "revoke_doorcode": lambda s, op, tz: f"cancel door code {op.get('code')}",
    "revoke_share": lambda s, op, tz: "cancel that share",
    "forget_person": lambda s, op, tz: f"remove {_person(s, op.get('person'))}",
    "remove_manager": lambda s, op, tz: "remove that manager role",
    "cancel_order": lambda s, op, tz: _order(s, op, tz, "cancel order {}"),
    "confirm_order": lambda s, op, tz: _order(s, op, tz, "confirm order {}"),
    "fulfill_order": lambda s, op, tz: _order(s, op, tz, "mark order {} fulfilled"),
    "add_exception_day": describe_exception_day,
    "remove_exception_day": lambda s, op, tz: f"make {op.get('date')} a normal day again (remove its exception day)",
    "restore_reservations": describe_restore_reservations,
    "start_lockdown": describe_lockdown,
    "end_lockdown": lambda s, op, tz: f"lift the lockdown of {op.get('property')} (every door at once)",
}


def _order(session: Session, op: dict[str, Any], tz: ZoneInfo, clause: str) -> str:
    """ "cancel order R-1-3 (Dog Walking for Jane Park, Thu 3 Dec 2026 10:00)"."""
    from access_core.models import Order

    ref = op.get("order") or op.get("order_id")
    column = Order.id if isinstance(ref, int) else Order.receipt_no
    order = session.scalar(select(Order).where(column == ref)) if ref is not None else None
    if order is None:
        return clause.format(ref)
    when = f", {moment_text(order.starts_at, tz)}" if order.starts_at else ""
    return clause.format(f"{order.receipt_no} ({order.item_name} for {order.person.label}{when})")


def question(session: Session, ops: list[dict[str, Any]], tz: ZoneInfo, now: datetime | None = None) -> str:
    clauses = [describe(session, op, tz, now) for op in ops]
    places = [op.get("property") for op in ops]
    if len({p for p in places if p}) > 1:  # one plan at several properties: each part says where
        clauses = [f"at {place}: {clause}" if place else clause for place, clause in zip(places, clauses, strict=True)]
    text = "; and ".join(clauses)
    return text[:1].upper() + text[1:] + "? (yes/no)"


def _granted(f: Facts, tz: ZoneInfo) -> str:
    role = " as a resident" if f["resident"] else ""
    return f"Gave {f['person']} {f['key']}{role} {when(f['starts_at'], f['ends_at'], tz)}."


def _service(f: Facts, tz: ZoneInfo) -> str:
    at = f" for {moment_text(f['starts_at'], tz)}" if f["starts_at"] else ""
    return (
        f"Requested {f['item']} from {f['vendor']}{at} ({money(f['unit_cents'], f.get('currency', DEFAULT))} per {f['unit']}); "
        f"receipt {f['receipt']}, waiting for confirmation."
    )


def _manager(f: Facts, tz: ZoneInfo) -> str:
    what = f["role"].replace("_", " ") + (f" ({', '.join(f['permissions'])})" if f["permissions"] else "")
    return f"{f['person']} is now a {what}."


Facts = Mapping[str, Any]


def _exception_day_added(f: Facts, tz: ZoneInfo) -> str:
    where = ", ".join(f["doors"]) if f["doors"] else "every scheduled door"
    what = "closed" if f["mode"] == "closed" else f"run as a {f['mode']}"
    cancelled = " Cancelled " + ", ".join(f["cancelled"]) + "." if f["cancelled"] else ""
    return f"{f['name']} ({f['day']:%a %-d %b %Y}): {where} {what}.{cancelled}"


def _lockdown_started(f: Facts, tz: ZoneInfo) -> str:
    because = f" ({f['reason']})" if f["reason"] else ""
    return f"Locked down {f['what']}{because}. Doors open only for exempt managers and first responders."


DONE: dict[str, Callable[[Facts, ZoneInfo], str]] = {
    "granted": _granted,
    "revoked": lambda f, tz: f"Revoked {f['person']}'s {f['key']}.",
    "grant_removed": lambda f, tz: f"{f['person']} no longer holds {f['key']}.",
    "grant_restored": lambda f, tz: f"{f['person']}'s {f['key']} is back as it was.",
    "already_known": lambda f, tz: f"{f['person']} is already known.",
    "invited": lambda f, tz: f"Invited {f['person']}.",
    "person_removed": lambda f, tz: f"Removed {f['person']}.",
    "key_created": lambda f, tz: f"Created {f['key']} ({'shareable' if f['shareable'] else 'not shareable'}) with {', '.join(f['doors'])}.",
    "key_deleted": lambda f, tz: f"Deleted {f['key']}.",
    "door_added": lambda f, tz: f"{f['key']} now opens {f['door']}.",
    "door_removed": lambda f, tz: f"{f['key']} no longer opens {f['door']}.",
    "schedule_set": lambda f, tz: (
        f"{f['door']} in {f['key']} now " + (f"opens {f['schedule']}." if f["schedule"] else "opens at any time.")
    ),
    "door_created": lambda f, tz: f"Created the door {f['door']}; it works once a device manager installs its lock.",
    "door_deleted": lambda f, tz: f"Deleted the door {f['door']}.",
    "keycard_issued": lambda f, tz: f"Keycard {f['serial']} now opens what {f['person']} may open.",
    "keycard_deactivated": lambda f, tz: f"Keycard {f['serial']} is deactivated.",
    "doorcode_created": lambda f, tz: f"Code {f['code']} opens {f['key']} on {day_text(f['day'], tz)}.",
    "doorcode_revoked": lambda f, tz: f"Code {f['code']} no longer works.",
    "shared": lambda f, tz: f"Shared {f['key']} with {f['guest']} {when(f['starts_at'], f['ends_at'], tz)}.",
    "share_revoked": lambda f, tz: f"{f['guest']} no longer has {f['key']}.",
    "unlocked": lambda f, tz: f"Unlocked {f['door']} ({f['reason']}).",
    "door_activated": lambda f, tz: f"{f['door']} is activated.",
    "door_deactivated": lambda f, tz: f"{f['door']} is deactivated.",
    "firmware_scheduled": lambda f, tz: f"Firmware upgrade to {f['version']} scheduled for {f['door']}.",
    "manager_created": _manager,
    "manager_removed": lambda f, tz: "Removed that manager role.",
    "reserved": lambda f, tz: f"Reserved {f['amenity']} {when(f['starts_at'], f['ends_at'], tz)}.",
    "reservation_cancelled": lambda f, tz: f"Cancelled your {f['amenity']} reservation.",
    "service_requested": _service,
    "experience_booked": lambda f, tz: (
        f"Booked {f['quantity']} for {f['item']}; {money(f['total_cents'], f.get('currency', DEFAULT))}, receipt {f['receipt']}."
    ),
    "order_cancelled": lambda f, tz: f"Cancelled order {f['receipt']} ({f['item']}).",
    "order_confirmed": lambda f, tz: f"Confirmed order {f['receipt']} ({f['item']} for {f['buyer']}).",
    "order_fulfilled": lambda f, tz: f"Marked order {f['receipt']} ({f['item']} for {f['buyer']}) fulfilled.",
    "request_already_open": lambda f, tz: f"A request for {f['upgrade']} is already open (#{f['request']}); the sales team has it.",
    "request_sent": lambda f, tz: f"Sent your request for {f['upgrade']} to the sales team (#{f['request']}).",
    "exception_day_added": _exception_day_added,
    "exception_day_removed": lambda f, tz: f"{f['names']} ({f['day']:%a %-d %b %Y}) is a normal day again.",
    "reservations_restored": restored_reservations,
    "lockdown_started": _lockdown_started,
    "lockdown_lifted": lambda f, tz: f"Lifted the lockdown of {f['property']}; its doors follow their keys again.",
}
"""Each change a service reports, in the past tense ("Gave Priya Shah Resident 3A from …")."""


def done(outcome: Outcome, tz: ZoneInfo) -> str:
    """What a service did, as one sentence."""
    return DONE[outcome.change](outcome.facts, tz)


def summary(outcomes: Iterable[Outcome], tz: ZoneInfo) -> str:
    """What a plan did, one sentence per change."""
    return " ".join(done(outcome, tz) for outcome in outcomes)
