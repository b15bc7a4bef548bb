"""Giving, revoking and restoring keys; inviting people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from access_core import policy
from access_core.commands.base import Command, asking, internal
from access_core.policy import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class NewPerson:
    """Someone not known yet, named by the asker."""

    name: str | None = None
    """Their name, when said."""
    email: str | None = None
    """Their email, as said."""
    phone: str | None = None
    """Their phone, as said."""


PersonRef = str | NewPerson
"""A known person by email (phone where they have none, or exact full name), or a new one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GrantKey(Command):
    """Give a person a key for a period (or change the period of the grant they hold)."""

    person: PersonRef = asking("Who is it for?")
    """Who gets it."""
    key: str
    """The key's exact name."""
    starts_at: datetime | None = None
    """From when; now when None."""
    ends_at: datetime | None = None
    """Until when (exclusive); open-ended when None."""
    resident: bool | None = None
    """Resident for the key's doors; must be decided for keys with residence doors."""
    may_share: bool | None = None
    """May share the key; the grant-term default when None."""
    op: ClassVar[str] = "grant_key"
    rule: ClassVar[Rule] = policy.GIVING_KEYS


@dataclass(frozen=True, slots=True, kw_only=True)
class RevokeKey(Command):
    """End a person's grant of a key."""

    person: str
    """Whose grant."""
    key: str
    """Which key."""
    at: datetime | None = None
    """From when; now when None."""
    op: ClassVar[str] = "revoke_key"
    rule: ClassVar[Rule] = policy.GIVING_KEYS


@dataclass(frozen=True, slots=True, kw_only=True)
class InvitePerson(Command):
    """Make a new person known at the property."""

    name: str | None = None
    """Their name."""
    email: str | None = None
    """Their email."""
    phone: str | None = None
    """Their phone."""
    op: ClassVar[str] = "invite_person"
    rule: ClassVar[Rule] = policy.INVITING


@dataclass(frozen=True, slots=True, kw_only=True)
class GrantState:
    """A grant's terms as they were, kept by the undo of a change to it."""

    starts_at: datetime
    """Its start."""
    ends_at: datetime | None
    """Its exclusive end."""
    resident: bool
    """Resident status."""
    may_share: bool
    """Sharing."""
    granted_by: int | None
    """Who had given it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RestoreGrant(Command):
    """Undo of grant_key / revoke_key: put a grant back as it was, or remove it (``state`` None)."""

    person: str
    """Whose grant."""
    key: str
    """Which key."""
    state: GrantState | None = None
    """The grant as it was; None when there was none."""
    doorcodes: tuple[int, ...] | None = internal()
    """The holder's doorcodes the change switched off (they work again)."""
    op: ClassVar[str] = "restore_grant"
    rule: ClassVar[Rule] = policy.GIVING_KEYS


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgetPerson(Command):
    """Undo of an invitation: remove a person who holds nothing."""

    person: str
    """Who."""
    op: ClassVar[str] = "forget_person"
    rule: ClassVar[Rule] = policy.INVITING
