"""A door's compiled store decides exactly as the core does from the database."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.db import Database
from access_core.lookup import property_by_name, require_person
from access_core.models import Door, Grant, GuestShare, Key, Keycard, Person, Property
from access_core.sources import decide_doorcode, decide_keycard, decide_person
from devices.compile import snapshots
from devices.store import DoorStore

COMPILED_AT = datetime.fromisoformat("2026-11-29T12:00:00-05:00")
MOMENTS = [
    datetime.fromisoformat(t)
    for t in (
        "2025-01-01T12:00:00-05:00",
        "2026-03-08T02:30:00-05:00",
        "2026-11-28T10:00:00-05:00",
        "2026-11-30T12:30:00-05:00",
        "2026-11-30T15:00:00-05:00",
        "2026-11-30T23:30:00-05:00",
        "2026-12-01T10:00:00-05:00",
        "2027-06-01T09:00:00-04:00",
    )
]


def _stores(session: Session, prop: Property) -> dict[int, DoorStore]:
    stores = {}
    for door_id, payload in snapshots(session, prop.id, COMPILED_AT).items():
        store = DoorStore(door_id)
        assert store.apply(1, payload, snapshot=True)
        stores[door_id] = store
    return stores


def _foundry(session: Session) -> Property:
    prop = property_by_name(session, "The Foundry")
    assert prop is not None
    return prop


def _shares_bounded_and_dead(session: Session, prop: Property) -> None:
    """Jane's unit grant ends mid-share (the share is clipped); she may no longer share the common key (it dies)."""
    jane = require_person(session, "jane.park@example.com")
    for grant in session.scalars(
        select(Grant).join(Key, Key.id == Grant.key_id).where(Grant.person_id == jane.id, Key.property_id == prop.id)
    ):
        if grant.key.name == "Resident 4B":
            grant.ends_at = datetime.fromisoformat("2026-11-30T14:00:00-05:00")
        if grant.key.name == "Common Door Key":
            grant.may_share = False
    assert session.scalars(select(GuestShare)).all()
    session.flush()


@pytest.mark.parametrize("variety", [False, True])
def test_store_decides_people_as_the_database_does(foundry: Database, variety: bool) -> None:
    with foundry.session() as session:
        prop = _foundry(session)
        if variety:
            _shares_bounded_and_dead(session, prop)
        stores = _stores(session, prop)
        people = session.scalars(select(Person).order_by(Person.id)).all()
        doors = session.scalars(select(Door).where(Door.property_id == prop.id)).all()
        allowed = 0
        for door in doors:
            for person in people:
                for at in MOMENTS:
                    for live in (True, False):
                        expected = decide_person(session, person, door, at, credential_live=live)
                        got = stores[door.id].decide_person(person.id, at, credential_live=live)
                        assert got == expected, (person.handle, door.name, at)
                        allowed += got.allowed
        assert allowed > 0


def test_store_decides_keycards_as_the_database_does(foundry: Database) -> None:
    with foundry.session() as session:
        prop = _foundry(session)
        cards = session.scalars(select(Keycard)).all()
        cards[0].active = False
        session.flush()
        stores = _stores(session, prop)
        for card in cards:
            for door in prop.doors:
                for at in MOMENTS:
                    assert stores[door.id].decide_card(card.serial, at) == decide_keycard(session, card.serial, door, at)
        assert stores[prop.doors[0].id].decide_card("NO-SUCH-CARD", MOMENTS[0]).reasons == ("no_key_for_door",)


def test_store_decides_doorcodes_as_the_database_does(foundry: Database) -> None:
    with foundry.session() as session:
        prop = _foundry(session)
        stores = _stores(session, prop)
        checked = 0
        for door in prop.doors:
            for code in ("481516", "000000"):
                for at in MOMENTS + [datetime.fromisoformat("2026-11-30T10:00:00-05:00")]:
                    assert stores[door.id].decide_code(code, at) == decide_doorcode(session, code, door, at)
                    checked += 1
        unit = next(d for d in prop.doors if d.name == "Unit 4B")
        assert stores[unit.id].decide_code("481516", datetime.fromisoformat("2026-11-30T10:00:00-05:00")).allowed
        assert checked


def test_deltas_apply_in_order_only() -> None:
    store = DoorStore(7)
    door = {"activated": True, "tz": "America/New_York"}
    assert not store.apply(1, {"door": door})
    assert store.apply(3, {"full": True, "door": door, "sources": [["key A", 0, None, None, True]], "people": {"5": [0]}}, snapshot=True)
    assert store.decide_person(5, MOMENTS[0]).allowed
    assert not store.apply(3, {"people": {"5": []}})
    assert not store.apply(5, {"people": {"5": []}})
    assert store.apply(4, {"people": {"5": []}})
    assert store.decide_person(5, MOMENTS[0]).reasons == ("no_key_for_door",)
    assert not store.apply(2, {"full": True, "door": door}, snapshot=True)
    assert store.staleness(MOMENTS[0]) is None
