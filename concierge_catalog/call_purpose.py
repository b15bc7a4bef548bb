"""Why someone is at the intercom: a delivery (said, or key 1), or a visit to a resident named or a unit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.directory import residents_of
from access_core.models import Door, DoorType, Grant, KeyDoor, Person, Property

DELIVERY_KEY, CONCIERGE_KEY = "1", "0"
DELIVERY = re.compile(
    r"\b(deliver(y|ies|ing)?|packages?|parcels?|couriers?|ups|fedex|fed ex|dhl|usps|amazon|mail|"
    r"food|takeout|door ?dash|grubhub|uber ?eats|instacart|drop ?off)\b",
    re.I,
)
UNIT = re.compile(r"\b(?:unit|apartment|apt|flat|suite)?\s*(\d{1,4})\s*-?\s*([a-z])\b", re.I)
MATCH = 86
"""The least rapidfuzz ratio for a spoken name (speech recognition spells names loosely)."""


@dataclass(frozen=True, slots=True)
class Purpose:
    """What the caller wants."""

    kind: str | None
    """delivery, visit or unknown (key 0); None when nothing usable was heard."""
    person: Person | None = None
    """The resident they visit, when one was recognised."""


def understand(session: Session, prop: Property, speech: str, digits: str, at: datetime) -> Purpose:
    digits, speech = digits.strip(), " ".join(speech.split())
    if digits == DELIVERY_KEY or DELIVERY.search(speech):
        return Purpose("delivery", _named(session, prop, speech, at))  # "a delivery for Jane Park": ring her first
    if digits == CONCIERGE_KEY:
        return Purpose("unknown")
    if not speech:
        return Purpose(None)
    return Purpose("visit", _named(session, prop, speech, at))


def _named(session: Session, prop: Property, speech: str, at: datetime) -> Person | None:
    """The resident the caller named (by unit or by name), if any."""
    if not speech:
        return None
    residents = residents_of(session, prop, at)
    return _by_unit(session, prop, speech, residents) or _by_name(speech, residents)


def _by_name(speech: str, residents: list[Person]) -> Person | None:
    words = re.findall(r"[\w'-]+", speech.lower())
    best: tuple[float, Person | None] = (0.0, None)
    for person in residents:
        name = person.name.lower().split()
        for size, target in ((len(name), " ".join(name)), (1, name[0] if name else "")):
            for start in range(max(1, len(words) - size + 1)):
                score = fuzz.ratio(" ".join(words[start : start + size]), target) - (5 if size == 1 else 0)
                if target and score > best[0]:
                    best = (score, person)
    return best[1] if best[0] >= MATCH else None


def _by_unit(session: Session, prop: Property, speech: str, residents: list[Person]) -> Person | None:
    """ "Unit 4B", "apartment 4 b": the first resident of that residence door."""
    for number, letter in UNIT.findall(speech):
        door = next(
            (
                d
                for d in session.scalars(select(Door).where(Door.property_id == prop.id, Door.type == DoorType.residence))
                if re.sub(r"\W|unit|apt", "", d.name.lower()) == f"{number}{letter}".lower()
            ),
            None,
        )
        if door is None:
            continue
        holders = set(
            session.scalars(
                select(Grant.person_id)
                .join(KeyDoor, KeyDoor.key_id == Grant.key_id)
                .where(KeyDoor.door_id == door.id, Grant.resident.is_(True))
            )
        )
        found = [p for p in residents if p.id in holders]
        if found:
            return found[0]
    return None
