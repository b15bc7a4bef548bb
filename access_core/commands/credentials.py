"""Keycards, daily doorcodes and guest shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from access_core import policy
from access_core.commands.access import PersonRef
from access_core.commands.base import Command, asking
from access_core.policy import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueKeycard(Command):
    """Bind a keycard to a person (it mirrors their access)."""

    serial: str = asking("What is the keycard's serial number?")
    """The card's serial."""
    person: str
    """Whose card."""
    op: ClassVar[str] = "issue_keycard"
    rule: ClassVar[Rule] = policy.KEYCARDS


@dataclass(frozen=True, slots=True, kw_only=True)
class DeactivateKeycard(Command):
    """Stop a keycard, named by serial or by its holder."""

    serial: str | None = None
    """The card's serial."""
    person: str | None = None
    """Its holder."""
    op: ClassVar[str] = "deactivate_keycard"
    rule: ClassVar[Rule] = policy.KEYCARDS


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateDoorcode(Command):
    """A code opening the doors of a shareable key for one day."""

    granter: str | None = None
    """Who creates it (the asker)."""
    key: str
    """The shareable key."""
    date: date
    """The day it works, in the property's zone."""
    op: ClassVar[str] = "create_doorcode"
    rule: ClassVar[Rule] = policy.SHARING


@dataclass(frozen=True, slots=True, kw_only=True)
class ShareKey(Command):
    """Invite a guest to a shareable key for a bounded time."""

    granter: str | None = None
    """Who shares (the asker)."""
    guest: PersonRef | None = None
    """The guest: a known person, or a new one by phone or email."""
    key: str
    """The shareable key."""
    starts_at: datetime | None = None
    """From when; now when None."""
    ends_at: datetime | None = None
    """Until when (exclusive); required."""
    op: ClassVar[str] = "share_key"
    rule: ClassVar[Rule] = policy.SHARING


@dataclass(frozen=True, slots=True, kw_only=True)
class RevokeDoorcode(Command):
    """Undo of create_doorcode."""

    key: str
    """Its key."""
    code: str
    """The code."""
    date: date
    """Its day."""
    op: ClassVar[str] = "revoke_doorcode"
    rule: ClassVar[Rule] = policy.OWN_THINGS


@dataclass(frozen=True, slots=True, kw_only=True)
class RevokeShare(Command):
    """Undo of share_key."""

    share_id: int
    """The share."""
    op: ClassVar[str] = "revoke_share"
    rule: ClassVar[Rule] = policy.OWN_THINGS
