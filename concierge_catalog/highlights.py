"""Feature highlights: features the property has enabled but is not using, from its data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access_core.models import Amenity, Doorcode, GuestShare, Key, Keycard, KeyDoor, Reservation
from access_core.views import Site


@dataclass(frozen=True, slots=True)
class Highlight:
    feature: str
    """The feature id as the property file writes it."""
    why: str
    """Why it helps."""
    how: str
    """How to start."""


def _count(session: Session, query: Any) -> int:
    return int(session.scalar(query) or 0)


def highlights(session: Session, prop: Site) -> list[Highlight]:
    keys = select(Key.id).where(Key.property_id == prop.id)
    checks: dict[str, tuple[Callable[[], bool], str, str]] = {
        "keycards": (
            lambda: _count(session, select(func.count(Keycard.id)).where(Keycard.property_id == prop.id)) == 0,
            "Residents who prefer a card get the same access as their phone.",
            "Issue the first keycard under Keycards.",
        ),
        "doorcodes": (
            lambda: _count(session, select(func.count(Doorcode.id)).where(Doorcode.key_id.in_(keys))) == 0,
            "Residents can let a dog walker or cleaner in for one day without sharing their key.",
            "Ask a resident to text 'send a code for tomorrow'.",
        ),
        "guest_sharing": (
            lambda: _count(session, select(func.count(GuestShare.id)).where(GuestShare.key_id.in_(keys))) == 0,
            "Residents invite guests for a bounded time; you see it in Activity.",
            "Residents share from the app or by texting 'let my sister in this weekend'.",
        ),
        "amenity_booking": (
            lambda: (
                _count(session, select(func.count(Amenity.id)).where(Amenity.property_id == prop.id, Amenity.reservable.is_(True))) == 0
                or _count(session, select(func.count(Reservation.id)).join(Amenity).where(Amenity.property_id == prop.id)) == 0
            ),
            "Residents reserve amenities themselves and the door opens only for their slot.",
            "Make an amenity reservable under Concierge, then tell residents.",
        ),
        "schedules": (
            lambda: (
                _count(session, select(func.count()).select_from(KeyDoor).where(KeyDoor.key_id.in_(keys), KeyDoor.schedule.is_not(None)))
                == 0
            ),
            "Doors such as the gym or the office open only in their hours.",
            "Set a schedule on a door of a key under Schedules.",
        ),
    }
    found = []
    for feature, (unused, why, how) in checks.items():
        if feature in prop.features and unused():
            found.append(Highlight(feature, why, how))
    return found
