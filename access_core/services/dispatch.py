"""Operations by name: execute one for a principal, or try it and roll back (dry run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from access_core.errors import Invalid
from access_core.services import access, bookings, calendar, credentials, doors, keys, lockdown, managers
from access_core.services.context import Context, Outcome

Handler = Callable[[Context, dict[str, Any]], Outcome]

HANDLERS: dict[str, Handler] = {
    "grant_key": access.grant_key,
    "revoke_key": access.revoke_key,
    "invite_person": access.invite_person,
    "create_key": keys.create_key,
    "add_door_to_key": keys.add_door_to_key,
    "remove_door_from_key": keys.remove_door_from_key,
    "set_schedule": keys.set_schedule,
    "create_door": keys.create_door,
    "issue_keycard": credentials.issue_keycard,
    "deactivate_keycard": credentials.deactivate_keycard,
    "create_doorcode": credentials.create_doorcode,
    "share_key": credentials.share_key,
    "unlock_door": doors.unlock_door,
    "create_manager": managers.create_manager,
    "reserve_amenity": bookings.reserve_amenity,
    "cancel_reservation": bookings.cancel_reservation,
    "book_service": bookings.book_service,
    "buy_experience": bookings.buy_experience,
    "submit_request": bookings.submit_request,
    "cancel_order": bookings.cancel_order,
    "confirm_order": bookings.confirm_order,
    "fulfill_order": bookings.fulfill_order,
    "activate_door": doors.activate_door,
    "deactivate_door": doors.deactivate_door,
    "upgrade_firmware": doors.upgrade_firmware,
    "add_exception_day": calendar.add_exception_day,
    "remove_exception_day": calendar.remove_exception_day,
    "start_lockdown": lockdown.start_lockdown,
    "end_lockdown": lockdown.end_lockdown,
}
"""The CONTRACT vocabulary, plus the device operations."""

UNDO_HANDLERS: dict[str, Handler] = {
    "restore_grant": access.restore_grant,
    "forget_person": access.forget_person,
    "delete_key": keys.delete_key,
    "delete_door": keys.delete_door,
    "revoke_doorcode": credentials.revoke_doorcode,
    "revoke_share": credentials.revoke_share,
    "remove_manager": managers.remove_manager,
    "cancel_order": bookings.cancel_order,
}
"""Internal operations that only undo produces."""


def execute(ctx: Context, op: dict[str, Any]) -> Outcome:
    """Run one operation inside the caller's transaction; permission and rules are checked here."""
    name = op.get("op")
    handler = HANDLERS.get(str(name)) or UNDO_HANDLERS.get(str(name))
    if handler is None:
        raise Invalid("op", f"{name!r} is not an operation")
    return handler(ctx, op)


def execute_all(ctx: Context, ops: list[dict[str, Any]]) -> list[Outcome]:
    return [execute(ctx, op) for op in ops]


def try_operations(ctx: Context, ops: list[dict[str, Any]]) -> list[Outcome]:
    """Check a plan by running it in a savepoint that is always rolled back: nothing is written."""
    savepoint = ctx.session.begin_nested()
    try:
        return execute_all(ctx, ops)
    finally:
        savepoint.rollback()
