"""Remote unlocks and device operations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from access_core import policy
from access_core.commands.base import Command, internal
from access_core.policy import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class UnlockDoor(Command):
    """Open a door remotely, once."""

    door: str
    """The door."""
    reason: str | None = None
    """Why (logged)."""
    call_id: int | None = internal()
    """The intercom call it is for, when made from the call console."""
    call: str | None = internal()
    """An outside reference of the call (logged)."""
    op: ClassVar[str] = "unlock_door"
    rule: ClassVar[Rule] = policy.UNLOCKING


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivateDoor(Command):
    """Mark a door's device installed and working."""

    door: str
    """The door."""
    op: ClassVar[str] = "activate_door"
    rule: ClassVar[Rule] = policy.DEVICES


@dataclass(frozen=True, slots=True, kw_only=True)
class DeactivateDoor(Command):
    """Take a door's device out of service."""

    door: str
    """The door."""
    op: ClassVar[str] = "deactivate_door"
    rule: ClassVar[Rule] = policy.DEVICES


@dataclass(frozen=True, slots=True, kw_only=True)
class UpgradeFirmware(Command):
    """Schedule a firmware upgrade of a door's device."""

    door: str
    """The door."""
    version: str | None = internal()
    """The version; the latest when None."""
    op: ClassVar[str] = "upgrade_firmware"
    rule: ClassVar[Rule] = policy.DEVICES
