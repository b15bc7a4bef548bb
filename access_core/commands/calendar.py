"""A property's calendar and lockdowns: exception days, start and lift a lockdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from access_core import policy
from access_core.commands.base import Command, internal
from access_core.policy import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class AddExceptionDay(Command):
    """Close a day, or run it as another weekday, for every scheduled door or the named ones."""

    property: str | None = None
    """The property (the conversation's when None)."""
    date: date
    """The day, in the property's zone."""
    name: str | None = None
    """What the day is called (a holiday's name); the date when None."""
    mode: str = "closed"
    """``closed`` or a weekday (``Mon`` … ``Sun``) whose windows apply that day."""
    doors: tuple[str, ...] | None = None
    """The doors it applies to; every scheduled door when None."""
    op: ClassVar[str] = "add_exception_day"
    rule: ClassVar[Rule] = policy.CALENDAR


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveExceptionDay(Command):
    """Make an exception day a normal day again."""

    property: str | None = None
    """The property (the conversation's when None)."""
    date: date
    """The day."""
    op: ClassVar[str] = "remove_exception_day"
    rule: ClassVar[Rule] = policy.CALENDAR


@dataclass(frozen=True, slots=True, kw_only=True)
class RestoreReservations(Command):
    """Undo of closing a day: the amenity reservations the closing cancelled, live again where their slot still is
    free (open, not passed, within the amenity's capacity and the holder's places)."""

    property: str | None = None
    """The property (the conversation's when None)."""
    reservations: tuple[int, ...] | None = internal()
    """The reservations the closing cancelled."""
    op: ClassVar[str] = "restore_reservations"
    rule: ClassVar[Rule] = policy.CALENDAR


@dataclass(frozen=True, slots=True, kw_only=True)
class StartLockdown(Command):
    """Lock down the whole property or the named doors until the lockdown is lifted."""

    property: str | None = None
    """The property (the conversation's when None)."""
    doors: tuple[str, ...] | None = None
    """The doors; every door of the property when None."""
    reason: str | None = None
    """Why, when given (never asked for)."""
    op: ClassVar[str] = "start_lockdown"
    rule: ClassVar[Rule] = policy.LOCKDOWN


@dataclass(frozen=True, slots=True, kw_only=True)
class EndLockdown(Command):
    """Lift every lockdown of the property at once."""

    property: str | None = None
    """The property (the conversation's when None)."""
    op: ClassVar[str] = "end_lockdown"
    rule: ClassVar[Rule] = policy.LOCKDOWN
