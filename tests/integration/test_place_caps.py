"""No hoarding: one person holds a few places of an amenity slot or an experience, in chat and REST alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access_core import place_caps
from access_core.commands import from_op
from access_core.db import Database
from access_core.errors import Invalid
from access_core.loader import load_property_text
from access_core.lookup import property_by_name, require_person
from access_core.models import Amenity, CatalogItem, Reservation
from access_core.principal import load_principal
from access_core.services.context import Context
from access_core.services.dispatch import execute
from bot.dialogue import Dialogue
from bot.state import Conversation, MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token
from tests.conftest import fixture_file

NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
JANE, LUCIA = "jane.park@example.com", "lucia.romero@example.com"
ROOF = {"op": "reserve_amenity", "amenity": "Roof Deck", "starts_at": "2026-12-05T18:00:00-05:00", "ends_at": "2026-12-05T20:00:00-05:00"}
WINE = {"op": "buy_experience", "experience": "Rooftop Wine Tasting", "quantity": 1}


def run(session: Session, who: str, op: dict[str, Any]) -> Any:
    prop = property_by_name(session, "The Foundry")
    assert prop is not None
    return execute(Context(session, load_principal(session, require_person(session, who)), NOW, prop), from_op(op))


def test_one_person_holds_at_most_the_default_places_of_a_slot(session: Session) -> None:
    for _ in range(place_caps.AMENITY_PLACES):
        run(session, JANE, ROOF)
    with pytest.raises(Invalid, match="at most 2 at a time"):
        run(session, JANE, {**ROOF, "starts_at": "2026-12-05T19:00:00-05:00"})  # overlapping counts too
    run(session, JANE, {**ROOF, "starts_at": "2026-12-05T20:00:00-05:00", "ends_at": "2026-12-05T21:00:00-05:00"})
    run(session, LUCIA, ROOF)  # the others' places are theirs


def test_one_person_buys_at_most_the_default_places_of_an_experience(session: Session) -> None:
    run(session, JANE, {**WINE, "quantity": place_caps.EXPERIENCE_PLACES - 1})
    with pytest.raises(Invalid, match="You already have 3; one person may book at most 4"):
        run(session, JANE, {**WINE, "quantity": 2})
    receipt = run(session, JANE, WINE).detail["receipt"]
    with pytest.raises(Invalid, match="at most 4"):
        run(session, JANE, WINE)
    run(session, JANE, {"op": "cancel_order", "order": receipt})
    run(session, JANE, WINE)
    with pytest.raises(Invalid, match="at most 4 places"):
        run(session, LUCIA, {**WINE, "quantity": 20})


def test_the_property_file_sets_the_caps(database: Database) -> None:
    text = fixture_file().read_text(encoding="utf-8")
    text = text.replace("capacity: 20,", "capacity: 20, max_places_per_person: 1,", 1)
    text = text.replace("price: 40.00, capacity: 30", "price: 40.00, capacity: 30, max_places_per_person: 10", 1)
    with database.session() as session:
        load_property_text(session, text)
    with database.session() as session:
        assert session.scalar(select(Amenity.max_places_per_person).where(Amenity.name == "Roof Deck")) == 1
        run(session, JANE, ROOF)
        with pytest.raises(Invalid, match="at most 1 at a time"):
            run(session, JANE, ROOF)
        run(session, JANE, {**WINE, "quantity": 10})


def test_chat_and_rest_refuse_hoarding_alike(foundry: Database) -> None:
    with foundry.session() as session:
        session.execute(update(CatalogItem).where(CatalogItem.name == "Rooftop Wine Tasting").values(max_places_per_person=2))
    dialogue = Dialogue(foundry)
    jane = Conversation(person=JANE, now=NOW.isoformat())
    plan = dialogue.turn(jane, "book 3 places for the rooftop wine tasting")
    assert plan["status"] == "refused" and "at most 2 places" in plan["reply"], plan
    client = TestClient(create_app(foundry, store=MemoryStore(), slack=False))
    lucia = {"Authorization": f"Bearer {issue_token(foundry, LUCIA)}"}
    slot = {"amenity": "Roof Deck", "starts_at": "2030-06-01T18:00:00-04:00", "ends_at": "2030-06-01T20:00:00-04:00"}
    assert [client.post("/api/v1/reservations", headers=lucia, json=slot).status_code for _ in range(3)] == [201, 201, 422]
    with foundry.session() as session:
        assert len(session.scalars(select(Reservation).where(Reservation.cancelled.is_(False))).all()) == 2


def test_a_rest_booking_for_someone_else_is_refused_not_ignored(foundry: Database) -> None:
    client = TestClient(create_app(foundry, store=MemoryStore(), slack=False))
    lucia = {"Authorization": f"Bearer {issue_token(foundry, LUCIA)}"}
    slot = {"amenity": "Roof Deck", "starts_at": "2030-06-01T18:00:00-04:00", "ends_at": "2030-06-01T20:00:00-04:00"}
    refused = client.post("/api/v1/reservations", headers=lucia, json={**slot, "person": JANE})
    assert refused.status_code == 422 and "only be made for yourself" in refused.text
    assert client.post("/api/v1/reservations", headers=lucia, json={**slot, "person": LUCIA}).status_code == 201
    with foundry.session() as session:
        booked = session.scalars(select(Reservation).where(Reservation.cancelled.is_(False))).all()
        assert [r.person.email for r in booked] == [LUCIA]
