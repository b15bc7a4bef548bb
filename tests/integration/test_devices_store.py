"""A door's compiled store decides exactly as the core does from the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from access_core.db import Database
from access_core.decide import Decision, doorcode_decision, doorcode_source
from access_core.lookup import property_by_name
from access_core.models import Door, Doorcode, Keycard, KeyDoor, Person, Property
from access_core.schedule import parse_schedule
from access_core.sources import decide_person, zone
from devices.compile import snapshots
from devices.store import DoorStore

COMPILED_AT = datetime.fromisoformat("2026-11-29T12:00:00-05:00")
MOMENTS = [datetime.fromisoformat(t) for t in (
    "2025-01-01T12:00:00-05:00",
    "2026-03-08T02:30:00-05:00",
    "2026-11-28T10:00:00-05:00",
    "2026-11-30T12:30:00-05:00",
    "2026-11-30T23:30:00-05:00",
    "2026-12-01T10:00:00-05:00",
    "2027-06-01T09:00:00-04:00",
)]


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


def test_store_decides_people_as_the_database_does(foundry: Database) -> None:
    with foundry.session() as session:
        prop = _foundry(session)
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
                    expected = decide_person(session, card.person, door, at, credential_live=card.active)
                    assert stores[door.id].decide_card(card.serial, at) == expected
        assert stores[prop.doors[0].id].decide_card("NO-SUCH-CARD", MOMENTS[0]).reasons == ("no_key_for_door",)


def _reference_code(session: Session, prop: Property, door: Door, code: str, at: datetime) -> Decision:
    tz = zone(prop.timezone)
    rows = session.execute(select(Doorcode, KeyDoor.schedule)
                           .join(KeyDoor, and_(KeyDoor.key_id == Doorcode.key_id, KeyDoor.door_id == door.id))
                           .where(Doorcode.code == code).order_by(Doorcode.id)).all()
    today = at.astimezone(tz).date()
    rows.sort(key=lambda row: row[0].day != today)
    source = doorcode_source(f"code {code}", rows[0][0].day, tz, parse_schedule(rows[0][1]), rows[0][0].active) \
        if rows else None
    return doorcode_decision(source, at, tz, door_activated=door.activated)


def test_store_decides_doorcodes_as_the_database_does(foundry: Database) -> None:
    with foundry.session() as session:
        prop = _foundry(session)
        stores = _stores(session, prop)
        checked = 0
        for door in prop.doors:
            for code in ("481516", "000000"):
                for at in MOMENTS + [datetime.fromisoformat("2026-11-30T10:00:00-05:00")]:
                    assert stores[door.id].decide_code(code, at) == _reference_code(session, prop, door, code, at)
                    checked += 1
        unit = next(d for d in prop.doors if d.name == "Unit 4B")
        assert stores[unit.id].decide_code("481516", datetime.fromisoformat("2026-11-30T10:00:00-05:00")).allowed
        assert checked


def test_deltas_apply_in_order_only() -> None:
    store = DoorStore(7)
    door = {"activated": True, "tz": "America/New_York"}
    assert not store.apply(1, {"door": door})
    assert store.apply(3, {"full": True, "door": door, "sources": [["key A", 0, None, None, True]],
                                  "people": {"5": [0]}},
                       snapshot=True)
    assert store.decide_person(5, MOMENTS[0]).allowed
    assert not store.apply(3, {"people": {"5": []}})
    assert not store.apply(5, {"people": {"5": []}})
    assert store.apply(4, {"people": {"5": []}})
    assert store.decide_person(5, MOMENTS[0]).reasons == ("no_key_for_door",)
    assert not store.apply(2, {"full": True, "door": door}, snapshot=True)
    assert store.staleness(MOMENTS[0]) is None
