"""Amenity reservations, service bookings, experiences and their orders, upgrade requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from access_core import policy
from access_core.commands.base import Command, internal
from access_core.policy import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class ReserveAmenity(Command):
    """Reserve an amenity for a slot."""

    amenity: str
    """The amenity."""
    person: str | None = None
    """For whom (the asker)."""
    starts_at: datetime | None = None
    """The slot's start."""
    ends_at: datetime | None = None
    """The slot's exclusive end."""
    op: ClassVar[str] = "reserve_amenity"
    rule: ClassVar[Rule] = policy.RESIDENT_SERVICES


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelReservation(Command):
    """Cancel one of the asker's reservations (by amenity and start, or by id)."""

    amenity: str | None = None
    """The amenity."""
    person: str | None = None
    """Whose (the asker)."""
    starts_at: datetime | None = None
    """Its start, when several."""
    ends_at: datetime | None = None
    """Its end (not needed)."""
    reservation_id: int | None = internal()
    """The reservation itself (undo of reserve_amenity)."""
    op: ClassVar[str] = "cancel_reservation"
    rule: ClassVar[Rule] = policy.OWN_THINGS


@dataclass(frozen=True, slots=True, kw_only=True)
class BookService(Command):
    """Request a local service (an order waiting for confirmation)."""

    service: str
    """The service."""
    person: str | None = None
    """For whom (the asker)."""
    starts_at: datetime | None = None
    """When, if said."""
    op: ClassVar[str] = "book_service"
    rule: ClassVar[Rule] = policy.RESIDENT_SERVICES


@dataclass(frozen=True, slots=True, kw_only=True)
class BuyExperience(Command):
    """Buy places for an experience (confirmed at once)."""

    experience: str
    """The experience."""
    person: str | None = None
    """For whom (the asker)."""
    quantity: int = 1
    """How many places."""
    op: ClassVar[str] = "buy_experience"
    rule: ClassVar[Rule] = policy.RESIDENT_SERVICES


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitRequest(Command):
    """Ask the sales team for an upgrade the property has not enabled."""

    upgrade: str | None = None
    """The upgrade."""
    op: ClassVar[str] = "submit_request"
    rule: ClassVar[Rule] = policy.SALES


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelOrder(Command):
    """Cancel an order (its buyer) or decline it (a manager)."""

    order: str
    """Its receipt number (or id)."""
    op: ClassVar[str] = "cancel_order"
    rule: ClassVar[Rule] = policy.CANCELLING_ORDERS


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmOrder(Command):
    """Confirm a requested order."""

    order: str
    """Its receipt number (or id)."""
    op: ClassVar[str] = "confirm_order"
    rule: ClassVar[Rule] = policy.HANDLING_ORDERS


@dataclass(frozen=True, slots=True, kw_only=True)
class FulfillOrder(Command):
    """Mark an order fulfilled."""

    order: str
    """Its receipt number (or id)."""
    op: ClassVar[str] = "fulfill_order"
    rule: ClassVar[Rule] = policy.HANDLING_ORDERS
