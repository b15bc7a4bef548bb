"""Lockdowns and exception days on the devices: delivered before anything else, enforced offline."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from access_core.db import Database
from access_core.lookup import property_by_name, require_person
from access_core.models import Grant, Key
from devices.harness import Harness
from devices.models import DeviceChange
from devices.sim import GROUP
from tests.integration import test_devices_sync as sync
from tests.integration.test_devices_sync import NOW, assert_converged, door_id, run

bus = sync.bus
fleet = sync.fleet  # the synced Foundry fleet of test_devices_sync

FULL = "ben.carter@harbor.example"
JANE = "jane.park@example.com"
WHOLE = {"op": "start_lockdown", "property": "The Foundry", "doors": None, "reason": "gas leak"}
LIFT = {"op": "end_lockdown", "property": "The Foundry"}
LATER = NOW + timedelta(hours=1)


def person_id(database: Database, handle: str) -> int:
    with database.session() as session:
        return require_person(session, handle).id


def test_stores_follow_lockdowns_and_exception_days_as_the_core_does(fleet: Harness) -> None:
    run(
        fleet.database,
        {
            "op": "add_exception_day",
            "property": "The Foundry",
            "date": "2026-12-25",
            "name": "Christmas Day",
            "mode": "closed",
            "doors": None,
        },
        FULL,
    )
    run(
        fleet.database,
        {
            "op": "add_exception_day",
            "property": "The Foundry",
            "date": "2026-12-31",
            "name": "New Year's Eve",
            "mode": "Sun",
            "doors": ["Gym"],
        },
        FULL,
    )
    run(fleet.database, {**WHOLE, "doors": ["Garage Gate", "Unit 4B"]}, FULL)
    fleet.settle()
    moments = [LATER, datetime.fromisoformat("2026-12-25T10:00:00-05:00"), datetime.fromisoformat("2026-12-31T07:00:00-05:00")]
    assert_converged(fleet, moments)
    run(fleet.database, LIFT, FULL, LATER)
    fleet.settle()
    assert_converged(fleet, [LATER + timedelta(minutes=1)])


def test_a_door_keeps_denying_during_a_lockdown_with_its_connection_cut(fleet: Harness) -> None:
    front = fleet.device(door_id(fleet.database, "Front Entrance"))
    jane, ben = person_id(fleet.database, JANE), person_id(fleet.database, FULL)
    assert front.tap(LATER, person=jane).allowed
    run(fleet.database, WHOLE, FULL)
    fleet.settle()
    front.go_offline()
    assert front.tap(LATER, person=jane).reasons == ("lockdown",)
    assert front.tap(LATER, card="KC-00017").reasons == ("lockdown",)
    assert front.tap(LATER, person=ben).allowed  # a full-key manager's own app is exempt
    run(fleet.database, LIFT, FULL, LATER)  # lifted while the door can't hear it
    fleet.settle()
    for minutes in (1, 60, 600):
        assert front.tap(LATER + timedelta(minutes=minutes), person=jane).reasons == ("lockdown",)
    front.come_back(LATER)
    fleet.settle()
    assert front.tap(LATER + timedelta(minutes=1), person=jane).allowed


def test_a_lockdown_goes_out_before_every_pending_change(fleet: Harness) -> None:
    with fleet.database.session() as session:
        prop = property_by_name(session, "The Foundry")
        assert prop is not None
        common = session.scalar(select(Key).where(Key.name == "Common Door Key", Key.property_id == prop.id))
        assert common is not None
        grants = [g.id for g in session.scalars(select(Grant).where(Grant.key_id == common.id))]
    for grant_id in grants:  # several people's changes queued first, each its own transaction
        with fleet.database.session() as session:
            session.get_one(Grant, grant_id).ends_at = LATER
    run(fleet.database, WHOLE, FULL)
    fleet.relay.compile_pending(limit=1)  # the lockdown goes out although older changes still wait
    with fleet.database.session() as session:
        waiting = session.scalar(select(DeviceChange).where(DeviceChange.compiled_at.is_(None)))
        assert waiting is not None and "grants" in waiting.payload
    on_the_bus = fleet.bus.read(fleet.fleet.commands, GROUP, "probe", count=10_000, block_ms=0)
    doors = len(fleet.fleet.devices)
    assert [message["kind"] for _, message in on_the_bus][:doors] == ["rules"] * doors
    for _, message in on_the_bus:
        fleet.device(message["door"]).receive(message, NOW)
    front = fleet.device(door_id(fleet.database, "Front Entrance"))
    assert front.tap(LATER, person=person_id(fleet.database, JANE)).reasons == ("lockdown",)


def test_a_lockdown_exempt_key_opens_its_door_offline(fleet: Harness) -> None:
    from access_core.lookup import door_in
    from access_core.models import KeyDoor

    with fleet.database.session() as session:
        prop = property_by_name(session, "The Foundry")
        assert prop is not None
        front = door_in(session, prop, "Front Entrance")
        key = Key(property_id=prop.id, name="First Responders", shareable=False, lockdown_exempt=True)
        key.doors.append(KeyDoor(door_id=front.id, door=front))
        session.add(key)
        session.flush()
        priya = require_person(session, "priya.shah@example.com")
        session.add(
            Grant(person_id=priya.id, key_id=key.id, starts_at=NOW - timedelta(days=1), ends_at=None, resident=False, may_share=False)
        )
    run(fleet.database, WHOLE, FULL)
    fleet.settle()
    device = fleet.device(door_id(fleet.database, "Front Entrance"))
    device.go_offline()
    assert device.tap(LATER, person=person_id(fleet.database, "priya.shah@example.com")).allowed
    garage = fleet.device(door_id(fleet.database, "Garage Gate"))
    assert not garage.tap(LATER, person=person_id(fleet.database, "priya.shah@example.com")).allowed
