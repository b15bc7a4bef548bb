"""Commands to their handlers: execute one for a principal, or try a plan and roll it back (dry run)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from access_core import budgets
from access_core import commands as c
from access_core.services import access, bookings, calendar, credentials, doors, keys, lockdown, managers
from access_core.services.context import Context, Outcome
from access_core.uow import dry_run

Handler = Callable[[Context, Any], Outcome]

HANDLERS: Mapping[type[c.Command], Handler] = {
    c.GrantKey: access.grant_key,
    c.RevokeKey: access.revoke_key,
    c.InvitePerson: access.invite_person,
    c.CreateKey: keys.create_key,
    c.AddDoorToKey: keys.add_door_to_key,
    c.RemoveDoorFromKey: keys.remove_door_from_key,
    c.SetSchedule: keys.set_schedule,
    c.CreateDoor: keys.create_door,
    c.IssueKeycard: credentials.issue_keycard,
    c.DeactivateKeycard: credentials.deactivate_keycard,
    c.CreateDoorcode: credentials.create_doorcode,
    c.ShareKey: credentials.share_key,
    c.UnlockDoor: doors.unlock_door,
    c.CreateManager: managers.create_manager,
    c.ReserveAmenity: bookings.reserve_amenity,
    c.CancelReservation: bookings.cancel_reservation,
    c.BookService: bookings.book_service,
    c.BuyExperience: bookings.buy_experience,
    c.SubmitRequest: bookings.submit_request,
    c.CancelOrder: bookings.cancel_order,
    c.ConfirmOrder: bookings.confirm_order,
    c.FulfillOrder: bookings.fulfill_order,
    c.ActivateDoor: doors.activate_door,
    c.DeactivateDoor: doors.deactivate_door,
    c.UpgradeFirmware: doors.upgrade_firmware,
    c.AddExceptionDay: calendar.add_exception_day,
    c.RemoveExceptionDay: calendar.remove_exception_day,
    c.StartLockdown: lockdown.start_lockdown,
    c.EndLockdown: lockdown.end_lockdown,
    # produced only by undo
    c.RestoreGrant: access.restore_grant,
    c.ForgetPerson: access.forget_person,
    c.DeleteKey: keys.delete_key,
    c.DeleteDoor: keys.delete_door,
    c.RevokeDoorcode: credentials.revoke_doorcode,
    c.RevokeShare: credentials.revoke_share,
    c.RemoveManager: managers.remove_manager,
    c.RestoreReservations: calendar.restore_reservations,
}
"""Each command type's handler (every class of ``access_core.commands`` has one)."""


def execute(ctx: Context, command: c.Command) -> Outcome:
    """Run one command inside the caller's transaction: its rule is checked first, then the handler's own rules."""
    ctx.forget()
    ctx = ctx.for_command(command)
    type(command).rule.check(ctx, command)
    return HANDLERS[type(command)](ctx, command)


def execute_all(ctx: Context, commands: Iterable[c.Command], *, spend: bool = True) -> list[Outcome]:
    plan = list(commands)
    budgets.charge(ctx.principal.person_id, plan, spend=spend)  # the person's limits, for the whole plan or none of it
    return [execute(ctx, command) for command in plan]


def try_operations(ctx: Context, commands: Iterable[c.Command]) -> list[Outcome]:
    """Check a plan by running it in a savepoint that is always rolled back: nothing is written."""
    savepoint = ctx.session.begin_nested()
    try:
        with dry_run(ctx.session):
            return execute_all(dataclasses.replace(ctx, planning=True, _found={}), commands, spend=False)
    finally:
        savepoint.rollback()
