"""Keys, doors and schedules (full key management)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from access_core import policy
from access_core.commands.base import Command, asking, internal
from access_core.policy import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateKey(Command):
    """Create a key opening some doors."""

    name: str = asking("What should the key be called?")
    """Its name."""
    doors: tuple[str, ...] = ()
    """The doors it opens, by exact name."""
    shareable: bool = False
    """Whether holders who may share can share it."""
    op: ClassVar[str] = "create_key"
    rule: ClassVar[Rule] = policy.EDITING_KEYS


@dataclass(frozen=True, slots=True, kw_only=True)
class AddDoorToKey(Command):
    """Make a key open one more door."""

    key: str
    """The key."""
    door: str
    """The door."""
    op: ClassVar[str] = "add_door_to_key"
    rule: ClassVar[Rule] = policy.EDITING_KEYS


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveDoorFromKey(Command):
    """Take a door out of a key."""

    key: str
    """The key."""
    door: str
    """The door."""
    op: ClassVar[str] = "remove_door_from_key"
    rule: ClassVar[Rule] = policy.EDITING_KEYS


@dataclass(frozen=True, slots=True, kw_only=True)
class SetSchedule(Command):
    """Set when a door opens through a key."""

    key: str
    """The key."""
    door: str
    """The door of that key."""
    schedule: str | None = None
    """Weekly windows ("Mon-Fri 09:00-17:00"); None for always."""
    op: ClassVar[str] = "set_schedule"
    rule: ClassVar[Rule] = policy.EDITING_KEYS


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateDoor(Command):
    """Create the twin of a door (it works once its lock is installed)."""

    name: str = asking("What is the door called?")
    """Its name."""
    type: str | None = None
    """building_entrance, residence, communal or service."""
    device: str | None = internal()
    """Its device model, when known."""
    serial: str | None = internal()
    """Its device serial, when known."""
    op: ClassVar[str] = "create_door"
    rule: ClassVar[Rule] = policy.EDITING_KEYS


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteKey(Command):
    """Undo of create_key."""

    key: str
    """The key."""
    op: ClassVar[str] = "delete_key"
    rule: ClassVar[Rule] = policy.EDITING_KEYS


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteDoor(Command):
    """Undo of create_door."""

    door: str
    """The door."""
    op: ClassVar[str] = "delete_door"
    rule: ClassVar[Rule] = policy.EDITING_KEYS
