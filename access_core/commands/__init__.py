"""Typed commands: one frozen value per operation of the CONTRACT (and per undo), each naming its rule.

Adding a command: a class here (fields in CONTRACT order, ``op`` and ``rule``), its handler in
``access_core.services`` with its entry in ``dispatch.HANDLERS``, and its wording in ``access_core.describe``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from access_core.commands.access import (
    ForgetPerson,
    GrantKey,
    GrantState,
    InvitePerson,
    NewPerson,
    PersonRef,
    RestoreGrant,
    RevokeKey,
)
from access_core.commands.base import Command, build
from access_core.commands.bookings import (
    BookService,
    BuyExperience,
    CancelOrder,
    CancelReservation,
    ConfirmOrder,
    FulfillOrder,
    ReserveAmenity,
    SubmitRequest,
)
from access_core.commands.calendar import AddExceptionDay, EndLockdown, RemoveExceptionDay, RestoreReservations, StartLockdown
from access_core.commands.credentials import (
    CreateDoorcode,
    DeactivateKeycard,
    IssueKeycard,
    RevokeDoorcode,
    RevokeShare,
    ShareKey,
)
from access_core.commands.doors import ActivateDoor, DeactivateDoor, UnlockDoor, UpgradeFirmware
from access_core.commands.keys import (
    AddDoorToKey,
    CreateDoor,
    CreateKey,
    DeleteDoor,
    DeleteKey,
    RemoveDoorFromKey,
    SetSchedule,
)
from access_core.commands.managers import CreateManager, RemoveManager
from access_core.errors import Invalid

CONTRACT: tuple[type[Command], ...] = (
    GrantKey,
    RevokeKey,
    InvitePerson,
    CreateKey,
    AddDoorToKey,
    RemoveDoorFromKey,
    SetSchedule,
    CreateDoor,
    IssueKeycard,
    DeactivateKeycard,
    CreateDoorcode,
    ShareKey,
    UnlockDoor,
    CreateManager,
    ReserveAmenity,
    CancelReservation,
    BookService,
    BuyExperience,
    SubmitRequest,
    CancelOrder,
    ConfirmOrder,
    FulfillOrder,
    ActivateDoor,
    DeactivateDoor,
    UpgradeFirmware,
    AddExceptionDay,
    RemoveExceptionDay,
    StartLockdown,
    EndLockdown,
)
"""The operations anyone may ask for (the CONTRACT vocabulary, plus orders and devices)."""
UNDO: tuple[type[Command], ...] = (
    RestoreGrant,
    ForgetPerson,
    DeleteKey,
    DeleteDoor,
    RevokeDoorcode,
    RevokeShare,
    RemoveManager,
    RestoreReservations,
)
"""Operations that only undo produces."""
BY_NAME: dict[str, type[Command]] = {kind.op: kind for kind in (*CONTRACT, *UNDO)}


def from_op(op: Mapping[str, Any], *, undo: bool = True) -> Command:
    """The command an operation dict says; ``Invalid`` names the bad field (``op`` for an unknown one).

    ``undo=False`` accepts only the CONTRACT vocabulary (what callers outside may ask for)."""
    if not isinstance(op, Mapping):
        raise Invalid("op", "An operation must be an object with an 'op'.")
    kind = BY_NAME.get(str(op.get("op")))
    if kind is None or (not undo and kind not in CONTRACT):
        raise Invalid("op", f"{op.get('op')!r} is not an operation")
    return build(kind, op)


__all__ = [
    "BY_NAME",
    "CONTRACT",
    "UNDO",
    "AddDoorToKey",
    "ActivateDoor",
    "BookService",
    "BuyExperience",
    "CancelOrder",
    "CancelReservation",
    "Command",
    "ConfirmOrder",
    "CreateDoor",
    "CreateDoorcode",
    "CreateKey",
    "CreateManager",
    "DeactivateDoor",
    "DeactivateKeycard",
    "DeleteDoor",
    "DeleteKey",
    "ForgetPerson",
    "FulfillOrder",
    "GrantKey",
    "GrantState",
    "InvitePerson",
    "IssueKeycard",
    "NewPerson",
    "PersonRef",
    "RemoveDoorFromKey",
    "RemoveManager",
    "RestoreReservations",
    "ReserveAmenity",
    "RestoreGrant",
    "RevokeDoorcode",
    "RevokeKey",
    "RevokeShare",
    "SetSchedule",
    "ShareKey",
    "SubmitRequest",
    "UnlockDoor",
    "UpgradeFirmware",
    "from_op",
    "AddExceptionDay",
    "RemoveExceptionDay",
    "StartLockdown",
    "EndLockdown",
]
