"""Concurrent bookings never overbook: 50 parallel attempts at a slot of capacity 20 (PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlalchemy import select

from access_core.db import Database
from access_core.errors import CoreError
from access_core.lookup import property_by_name, require_person
from access_core.models import Grant, Key, Order, Person, Reservation
from access_core.principal import load_principal
from access_core.services.context import Context
from tests.integration.operations import execute

NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
ATTEMPTS = 50


def _residents(db: Database, count: int) -> list[str]:
    """Make ``count`` people with an active grant at The Foundry (bookings need one)."""
    with db.session() as session:
        key = session.scalar(select(Key).where(Key.name == "Common Door Key"))
        assert key is not None
        handles = []
        for n in range(count):
            person = Person(name=f"Booker {n}", email=f"booker{n}@example.com")
            session.add(person)
            session.flush()
            session.add(
                Grant(person_id=person.id, key_id=key.id, starts_at=NOW.replace(year=2025), ends_at=None, resident=False, may_share=False)
            )
            handles.append(person.email)
    return handles


def _attempt(db: Database, handle: str, op: dict[str, object]) -> bool:
    try:
        with db.session() as session:
            person = require_person(session, handle)
            prop = property_by_name(session, "The Foundry")
            assert prop is not None
            execute(Context(session, load_principal(session, person), NOW, prop), {**op, "person": handle})
        return True
    except CoreError:
        return False


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_fifty_parallel_reservations_fill_exactly_the_capacity(foundry: Database) -> None:
    handles = _residents(foundry, ATTEMPTS)
    op = {"op": "reserve_amenity", "amenity": "Roof Deck", "starts_at": "2026-12-05T18:00:00-05:00", "ends_at": "2026-12-05T20:00:00-05:00"}
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda h: _attempt(foundry, h, op), handles))
    assert sum(results) == 20
    with foundry.session() as session:
        assert len(session.scalars(select(Reservation).where(Reservation.cancelled.is_(False))).all()) == 20


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_an_experience_never_sells_past_its_capacity(foundry: Database) -> None:
    handles = _residents(foundry, ATTEMPTS)
    op = {"op": "buy_experience", "experience": "Rooftop Wine Tasting", "quantity": 1}
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda h: _attempt(foundry, h, op), handles))
    assert sum(results) == 30
    with foundry.session() as session:
        assert sum(o.quantity for o in session.scalars(select(Order))) == 30
