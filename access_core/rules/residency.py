"""DOMAIN "People and access": resident status is per key; a person is a resident of a door at a moment
when a grant marked resident, of a key that contains the door, is active then."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from access_core.rules.facts import GrantFacts
from access_core.rules.grants import active_at
from access_core.uow import Reads


def resident_through(grants: Iterable[GrantFacts], at: datetime) -> bool:
    """Given a person's grants of keys containing the door: is one of them a resident grant active at ``at``?"""
    return any(g.resident and active_at(g, at) for g in grants)


def resident_at(reads: Reads, person_id: int, door_id: int, at: datetime) -> bool:
    return resident_through(reads.grants_through(person_id, door_id), at)
