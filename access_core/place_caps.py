"""No hoarding: one person holds at most a few places of an amenity slot or of an experience.

The cap is the property file's ``max_places_per_person`` on the amenity or the experience, else the
defaults below. It is checked by the booking services after the amenity's or the experience's row is
locked, so two bookings of one person at the same moment are counted one after the other, whatever the
channel (chat, REST, Slack, SMS) they came through.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from access_core.errors import Invalid
from access_core.file_fields import Fields
from access_core.models import Amenity, CatalogItem, Order, Reservation

if TYPE_CHECKING:
    from access_core.services.context import Context

AMENITY_PLACES = 2
"""Places of one amenity slot a person may hold when the property file says nothing: theirs and a guest's."""
EXPERIENCE_PLACES = 4
"""Places of one experience a person may buy when the property file says nothing."""
FIELD = "max_places_per_person"


def cap_from_file(f: Fields) -> int | None:
    """The optional ``max_places_per_person`` of an amenity or experience entry: a whole number from 1."""
    value = f.number(FIELD, None, low=1, high=100_000)
    if value is not None and not isinstance(value, int):
        raise f.error(FIELD, f"{FIELD!r} must be a whole number, not {value!r}")
    return value


def check_amenity_places(ctx: Context, amenity: Amenity, starts: datetime, ends: datetime, *, person_id: int | None = None) -> None:
    """Refuse one more reservation of ``amenity`` by the acting person (or ``person_id``'s) when it would pass their
    cap for that slot."""
    cap = amenity.max_places_per_person or AMENITY_PLACES
    holder = ctx.principal.person_id if person_id is None else person_id
    held = (
        ctx.session.scalar(
            select(func.count(Reservation.id)).where(
                Reservation.amenity_id == amenity.id,
                Reservation.person_id == holder,
                Reservation.cancelled.is_(False),
                Reservation.starts_at < ends,
                Reservation.ends_at > starts,
            )
        )
        or 0
    )
    if held + 1 > cap:
        who = "You already hold" if holder == ctx.principal.person_id else "They already hold"
        raise Invalid("starts_at", f"{who} {held} of {amenity.name}'s places then; one person may hold at most {cap} at a time.")


def check_experience_places(ctx: Context, item: CatalogItem, quantity: int) -> None:
    """Refuse ``quantity`` more places of an experience when the acting person's total would pass their cap."""
    cap = item.max_places_per_person or EXPERIENCE_PLACES
    held = (
        ctx.session.scalar(
            select(func.coalesce(func.sum(Order.quantity), 0)).where(
                Order.item_id == item.id, Order.person_id == ctx.principal.person_id, Order.state != "cancelled"
            )
        )
        or 0
    )
    if held + quantity > cap:
        have = f"You already have {held}; " if held else ""
        raise Invalid("quantity", f"{have}one person may book at most {cap} places for {item.name}.")


def check_booker(ctx: Context, ref: str | None) -> None:
    """A booking is the acting person's own: a ``person`` naming someone else is refused, never ignored."""
    if ref and ctx.person(ref).id != ctx.principal.person_id:
        raise Invalid("person", "A booking can only be made for yourself; nothing was booked.")
