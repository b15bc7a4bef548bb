"""Events from devices reach activity and door status once each, with their own times, even after an hour offline."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from test_devices_sync import NOW, bus, door_id, fleet, run  # noqa: F401

from access_core.lookup import require_person
from access_core.models import ActivityEvent, Door, Person
from access_core.sources import decide_person
from devices import keypad
from devices.bus import events_stream
from devices.harness import Harness
from devices.ingest import GROUP, Ingest
from devices.models import DeviceAlert, DeviceMessage

EVENING = NOW.replace(hour=17, minute=30)  # a Tuesday, half an hour before the boiler room closes


def events_at(harness: Harness, door: int) -> list[ActivityEvent]:
    with harness.database.session() as session:
        return list(
            session.scalars(
                select(ActivityEvent)
                .where(ActivityEvent.door_id == door, ActivityEvent.external_id.like("dev-%"))
                .order_by(ActivityEvent.at)
            )
        )


def test_taps_become_activity_once(fleet: Harness) -> None:  # noqa: F811
    front = fleet.device(door_id(fleet.database, "Front Entrance"))
    with fleet.database.session() as session:
        jane = require_person(session, "jane.park@example.com").id
    assert front.tap(NOW, person=jane).allowed
    assert front.tap(NOW + timedelta(minutes=1), card="KC-00042").allowed
    assert not front.tap(NOW + timedelta(minutes=2), code="000000").allowed
    sent = list(front.outbox)
    fleet.settle()
    fleet.bus.publish_many(events_stream(fleet.bus.prefix), sent)  # delivered twice
    fleet.settle()
    recorded = events_at(fleet, front.door_id)
    assert [(e.credential, e.granted) for e in recorded] == [("app", True), ("keycard", True), ("doorcode", False)]
    assert recorded[0].actor_id == jane and recorded[0].at == NOW
    with fleet.database.session() as session:
        lucia = require_person(session, "lucia.romero@example.com").id
    assert recorded[1].actor_id == lucia


def test_a_device_offline_for_an_hour_decides_alone_and_back_fills_in_order(fleet: Harness) -> None:  # noqa: F811
    boiler = fleet.device(door_id(fleet.database, "Boiler Room"))
    front = fleet.device(door_id(fleet.database, "Front Entrance"))
    run(
        fleet.database,
        {
            "op": "grant_key",
            "person": "priya.shah@example.com",
            "key": "Common Door Key",
            "starts_at": NOW,
            "ends_at": EVENING + timedelta(minutes=20),
            "resident": False,
        },
    )
    fleet.settle()
    boiler.go_offline()
    front.go_offline()
    with fleet.database.session() as session:
        people = {p.email: p for p in session.scalars(select(Person)) if p.email}
        moments = [EVENING + timedelta(minutes=m) for m in range(0, 61, 5)]
        for at in moments:
            for device, person in ((boiler, "max.weber@cleanco.example"), (front, "priya.shah@example.com")):
                door = session.get(Door, device.door_id)
                assert device.tap(at, person=people[person].id) == decide_person(session, people[person], door, at)
    assert boiler.store.staleness(EVENING + timedelta(hours=1)) >= 3600
    fleet.settle()
    assert events_at(fleet, boiler.door_id) == []
    granted = [boiler.store.decide_person(people["max.weber@cleanco.example"].id, at).allowed for at in moments]
    assert granted == [True] * 6 + [False] * 7
    boiler.come_back(EVENING + timedelta(hours=1))
    front.come_back(EVENING + timedelta(hours=1))
    fleet.settle()
    for device in (boiler, front):
        recorded = events_at(fleet, device.door_id)
        assert [e.at for e in recorded] == moments
    assert [e.granted for e in events_at(fleet, boiler.door_id)] == granted


def test_battery_firmware_and_alarms_reach_door_status(fleet: Harness) -> None:  # noqa: F811
    gym = fleet.device(door_id(fleet.database, "Gym"))
    gym.battery = 22
    gym.drain(NOW, 3)
    gym.drain(NOW, 1)
    gym.emit("held_open", NOW)
    run(fleet.database, {"op": "upgrade_firmware", "door": "Gym", "version": "2.4.1"}, who="eli.novak@installers.example")
    fleet.settle()
    assert gym.firmware == "2.4.1"
    with fleet.database.session() as session:
        door = session.get(Door, gym.door_id)
        assert door is not None and door.battery == 18 and door.firmware == "2.4.1"
        alerts = session.scalars(select(DeviceAlert).order_by(DeviceAlert.id)).all()
        assert [(a.kind, a.level) for a in alerts] == [("low_battery", 19), ("held_open", None)]
        assert alerts[0].notify == ["ana.lopez@harbor.example", "eli.novak@installers.example"]
        commands = session.scalars(select(DeviceMessage).where(DeviceMessage.kind == "command")).all()
        assert [c.payload["type"] for c in commands if c.door_id == gym.door_id] == ["firmware"]
    assert [e.credential for e in events_at(fleet, gym.door_id)] == ["held_open"]


def test_events_left_pending_by_a_dead_consumer_are_reclaimed(fleet: Harness) -> None:  # noqa: F811
    front = fleet.device(door_id(fleet.database, "Front Entrance"))
    front.tap(NOW, card="KC-00017")
    fleet.fleet.flush()
    stream = events_stream(fleet.bus.prefix)
    taken = fleet.bus.read(stream, GROUP, "dead-consumer", block_ms=0)
    assert len(taken) == 1
    Ingest(fleet.database, fleet.bus, consumer="core-2").pump(block_ms=0, reclaim_idle_ms=0)
    Ingest(fleet.database, fleet.bus, consumer="core-3").handle(taken[0])  # the dead one's late retry
    assert len(events_at(fleet, front.door_id)) == 1
    assert fleet.bus.reclaim(stream, GROUP, "core-4", 0) == []


def test_wrong_codes_slow_the_keypad_and_alert_the_property_managers(fleet: Harness) -> None:  # noqa: F811
    front = fleet.device(door_id(fleet.database, "Front Entrance"))
    code = run(
        fleet.database, {"op": "create_doorcode", "key": "Common Door Key", "date": "2026-12-01"}, who="lucia.romero@example.com"
    ).detail["code"]
    fleet.settle()
    at = NOW
    for guess in range(keypad.FREE_WRONG + 3):
        at += timedelta(seconds=front.store.keypad.wait(at))
        assert not front.tap(at, code=f"{guess:012d}").allowed
    assert front.tap(at, code=code).reasons == keypad.WAIT.reasons  # a right code waits out the delay, no longer
    assert front.tap(at + timedelta(seconds=keypad.MAX_DELAY), code=code).allowed
    fleet.settle()
    with fleet.database.session() as session:
        alerts = session.scalars(select(DeviceAlert).where(DeviceAlert.kind == "wrong_codes")).all()
        assert [(a.door_id, a.at) for a in alerts] == [(front.door_id, NOW)]
        assert {"ana.lopez@harbor.example", "ben.carter@harbor.example"} <= set(alerts[0].notify)
    assert [e.credential for e in events_at(fleet, front.door_id)].count("wrong_codes") == 1
