"""Device fleet benchmark: one property's full sync to its simulated devices, offline decisions, revoke-to-deny.

    python -m bench.devices [--quick] [--db URL] [--schema NAME] [--redis URL]

Full size: 500 doors (20 common, 480 units) and 5,000 people; ``--quick`` the same
property with fewer revocations, decisions and lockdowns. The bus is Redis with ``--redis`` or
``REDIS_URL``, else the in-process bus. Progress lines first, the last line one JSON
object. Targets: full sync <= 10 s, >= 100,000 decisions/s on one device's store,
revoke-to-deny p99 <= 1,000 ms; over every (lockdown, door) pair of repeated whole-fleet lockdowns, from the
lockdown's commit until that door's store denies: p99 <= 500 ms, max <= 1,000 ms.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from access_core.db import Database
from access_core.models import Door, Doorcode, Grant, Key, Keycard, KeyDoor, Lockdown, Person, Portfolio, Property
from access_core.sources import decide_person
from bench.core import DEFAULT_DB, fresh_database
from bot import bootstrap
from devices.bus import Bus, MemoryBus, RedisBus, unique_prefix
from devices.harness import Harness

TARGETS = {
    "full_sync_s": 10,
    "decisions_per_s": 100_000,
    "revoke_to_deny_p99_ms": 1000,
    "lockdown_deny_p99_ms": 500,
    "lockdown_deny_max_ms": 1000,
}
COMMON = 20
UNITS = 480
PEOPLE = 5000
SCHEDULES = [None, None, "Mon-Sun 06:00-23:00", "Mon-Fri 08:00-18:00"]


def say(message: str) -> None:
    print(message, flush=True)


def build_property(db: Database) -> int:
    """One portfolio, one property: common doors on one key, a key per unit, residents, cards and codes."""
    started = datetime(2026, 1, 1, tzinfo=UTC)
    with db.engine.begin() as connection:
        portfolio = connection.execute(insert(Portfolio).values(name="Bench Devices").returning(Portfolio.id)).scalar_one()
        prop = connection.execute(
            insert(Property)
            .values(
                portfolio_id=portfolio,
                name="Bench Tower",
                address="1 Bench St",
                timezone="America/New_York",
                features=["keycards", "doorcodes"],
                upgrades=[],
            )
            .returning(Property.id)
        ).scalar_one()
        doors = [
            {
                "property_id": prop,
                "name": f"Common {n}",
                "type": "building_entrance",
                "device": "latch_r",
                "serial": f"R-{n}",
                "activated": True,
                "delivery": False,
                "battery": 90,
            }
            for n in range(COMMON)
        ]
        doors += [
            {
                "property_id": prop,
                "name": f"Unit {n}",
                "type": "residence",
                "device": "latch_m",
                "serial": f"M-{n}",
                "activated": True,
                "delivery": False,
                "battery": 80,
            }
            for n in range(UNITS)
        ]
        door_ids = list(connection.execute(insert(Door).returning(Door.id, sort_by_parameter_order=True), doors).scalars())
        keys = [{"property_id": prop, "name": "Common Key", "shareable": True}]
        keys += [{"property_id": prop, "name": f"Unit {n} Key", "shareable": True} for n in range(UNITS)]
        key_ids = list(connection.execute(insert(Key).returning(Key.id, sort_by_parameter_order=True), keys).scalars())
        key_doors = [{"key_id": key_ids[0], "door_id": door_ids[n], "schedule": SCHEDULES[n % 4], "position": n} for n in range(COMMON)]
        key_doors += [{"key_id": key_ids[1 + n], "door_id": door_ids[COMMON + n], "schedule": None, "position": 0} for n in range(UNITS)]
        connection.execute(insert(KeyDoor), key_doors)
        people = [{"name": f"Person {n}", "email": f"person{n}@bench.example", "phone": None} for n in range(PEOPLE)]
        person_ids = list(connection.execute(insert(Person).returning(Person.id, sort_by_parameter_order=True), people).scalars())
        grants = []
        for n, person in enumerate(person_ids):
            ends = None if n % 3 else started + timedelta(days=400 + n % 300)
            grants.append(
                {
                    "person_id": person,
                    "key_id": key_ids[0],
                    "starts_at": started,
                    "ends_at": ends,
                    "resident": False,
                    "may_share": True,
                    "granted_by_id": None,
                }
            )
            grants.append(
                {
                    "person_id": person,
                    "key_id": key_ids[1 + n % UNITS],
                    "starts_at": started,
                    "ends_at": ends,
                    "resident": True,
                    "may_share": True,
                    "granted_by_id": None,
                }
            )
        connection.execute(insert(Grant), grants)
        connection.execute(
            insert(Keycard),
            [{"serial": f"KC-{n:05d}", "person_id": person_ids[n * 10], "property_id": prop, "active": True} for n in range(PEOPLE // 10)],
        )
        today = datetime.now(UTC).date()
        connection.execute(
            insert(Doorcode),
            [
                {
                    "code": f"{n:012d}",
                    "key_id": key_ids[1 + n],
                    "property_id": prop,
                    "granter_id": person_ids[n],
                    "day": today + timedelta(days=n % 2),
                    "active": True,
                }
                for n in range(200)
            ],
        )
    return prop


def full_sync(harness: Harness) -> float:
    began = time.perf_counter()
    harness.relay.full_sync(harness.property_id)
    devices = list(harness.fleet.devices.values())
    while any(d.store.version < 0 for d in devices):
        if not harness.fleet.pump(harness.clock(), block_ms=100) and time.perf_counter() - began > 120:
            raise RuntimeError("full sync did not complete")
    return time.perf_counter() - began


def decisions_per_s(harness: Harness, count: int) -> float:
    store = harness.device(min(harness.fleet.devices)).store
    rng = random.Random(7)
    people = list(store.people) + [10**9 + n for n in range(len(store.people) // 10)]
    now = datetime.now(UTC)
    asks = [(rng.choice(people), now + timedelta(minutes=rng.randrange(-5000, 5000))) for _ in range(10_000)]
    began = time.perf_counter()
    done = 0
    while done < count:
        for person, at in asks:
            store.decide_person(person, at)
        done += len(asks)
    return done / (time.perf_counter() - began)


def mismatches(harness: Harness, samples: int) -> int:
    """Device answers that differ from the database's, on a sample of people, doors and times."""
    rng = random.Random(3)
    now = datetime.now(UTC)
    with harness.database.session() as session:
        people = session.scalars(select(Person).order_by(Person.id)).all()
        doors = session.scalars(select(Door).where(Door.property_id == harness.property_id)).all()
        differ = 0
        for _ in range(samples):
            person, door = rng.choice(people), rng.choice(doors)
            at = now + timedelta(hours=rng.randrange(-2000, 2000))
            differ += harness.device(door.id).store.decide_person(person.id, at) != decide_person(session, person, door, at)
    return differ


def revoke_to_deny(harness: Harness, revocations: int) -> list[float]:
    rng = random.Random(11)
    front = harness.device(min(harness.fleet.devices))
    with harness.database.session() as session:
        common = session.scalar(select(Key.id).where(Key.name == "Common Key"))
        holders = list(session.scalars(select(Grant.person_id).where(Grant.key_id == common, Grant.ends_at.is_(None))))
    latencies = []
    harness.start()
    try:
        for person in rng.sample(holders, revocations):
            now = datetime.now(UTC)
            if not front.store.decide_person(person, now).allowed:
                continue
            with harness.writing(), harness.database.session() as session:
                grant = session.scalar(select(Grant).where(Grant.person_id == person, Grant.key_id == common))
                assert grant is not None
                grant.ends_at = now
            committed = time.perf_counter()
            while front.store.decide_person(person, now).allowed:
                if time.perf_counter() - committed > 10:
                    break
                time.sleep(0.0005)
            latencies.append((time.perf_counter() - committed) * 1000)
    finally:
        harness.stop()
    return latencies


def _probes(harness: Harness, at: datetime) -> dict[int, int]:
    """Door id -> someone its store lets in at ``at`` (not spared by a lockdown); doors with no one are left out."""
    probes = {}
    for door_id, device in harness.fleet.devices.items():
        for person in device.store.people:
            if person not in device.store.exempt and device.store.decide_person(person, at).allowed:
                probes[door_id] = person
                break
    return probes


def _set_lockdown(harness: Harness, lockdown_id: int | None) -> int:
    """Lock the whole property down (None) or lift that lockdown; committed on return."""
    now = datetime.now(UTC)
    with harness.writing(), harness.database.session() as session:
        if lockdown_id is None:
            lockdown = Lockdown(property_id=harness.property_id, door_ids=None, started_at=now)
            session.add(lockdown)
        else:
            lockdown = session.get_one(Lockdown, lockdown_id)
            lockdown.ended_at = now
        session.flush()
        return lockdown.id


def _until(probes: dict[int, int], harness: Harness, denied: bool, committed: float) -> dict[int, float]:
    """Milliseconds from ``committed`` until each probed door's store denies (or allows again) its person."""
    waiting, reached = dict(probes), {}
    while waiting and time.perf_counter() - committed < 10:
        at = datetime.now(UTC)
        for door_id, person in list(waiting.items()):
            if harness.device(door_id).store.decide_person(person, at).allowed is not denied:
                reached[door_id] = (time.perf_counter() - committed) * 1000
                del waiting[door_id]
        time.sleep(0.0005)
    reached.update(dict.fromkeys(waiting, float("inf")))
    return reached


def lockdown_to_deny(harness: Harness, rounds: int) -> list[float]:
    """Per (lockdown, door): from the commit of a whole-property lockdown until that door's store denies."""
    latencies: list[float] = []
    harness.start()
    try:
        for _ in range(rounds):
            probes = _probes(harness, datetime.now(UTC) + timedelta(seconds=5))
            lockdown = _set_lockdown(harness, None)
            latencies += _until(probes, harness, True, time.perf_counter()).values()
            _set_lockdown(harness, lockdown)
            _until(probes, harness, False, time.perf_counter())
    finally:
        harness.stop()
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def run(db: Database, bus: Bus, quick: bool) -> dict[str, Any]:
    say(f"building a property of {COMMON + UNITS} doors and {PEOPLE:,} people ...")
    began = time.perf_counter()
    prop = build_property(Database(db.url, auto_migrate=False))  # seeded unwired, as a restore: devices get it by full sync
    say(f"  built in {time.perf_counter() - began:.1f} s")
    harness = Harness(db, bus, prop)
    say(f"full sync to {len(harness.fleet.devices)} simulated devices ({type(bus).__name__}) ...")
    sync_s = full_sync(harness)
    entries = sum(len(d.store.people) for d in harness.fleet.devices.values())
    say(f"  {sync_s:.2f} s ({entries:,} person-door entries)")
    harness.settle(max_rounds=1000)
    # 500 devices share this one process, unlike real locks: keep the cyclic collector from walking every
    # synced store on each pass (a stop-the-world pause no single device would have)
    gc.freeze()
    differ = mismatches(harness, 300)
    say(f"  {differ} of 300 sampled device decisions differ from the database's")
    say("decisions on one device's store ...")
    rate = decisions_per_s(harness, 200_000 if quick else 1_000_000)
    say(f"  {rate:,.0f} decisions/s")
    revocations = 30 if quick else 200
    say(f"revoke-to-deny, {revocations} revocations with the fleet online ...")
    latencies = revoke_to_deny(harness, revocations)
    say(f"  p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms")
    rounds = 2 if quick else 10
    say(f"lockdown-to-deny, {rounds} lockdowns of the whole fleet ...")
    lockdowns = lockdown_to_deny(harness, rounds)
    say(
        f"  {len(lockdowns)} (lockdown, door) pairs: p50 {percentile(lockdowns, 0.5):.1f} ms, "
        f"p99 {percentile(lockdowns, 0.99):.1f} ms, max {max(lockdowns, default=float('nan')):.1f} ms"
    )
    return {
        "size": "quick" if quick else "full",
        "doors": COMMON + UNITS,
        "people": PEOPLE,
        "devices": len(harness.fleet.devices),
        "bus": type(bus).__name__,
        "full_sync_s": round(sync_s, 2),
        "store_entries": entries,
        "decisions_per_s": round(rate),
        "decision_mismatches": differ,
        "revoke_to_deny_p50_ms": round(percentile(latencies, 0.5), 1),
        "revoke_to_deny_p99_ms": round(percentile(latencies, 0.99), 1),
        "revocations": len(latencies),
        "lockdown_deny_p99_ms": round(percentile(lockdowns, 0.99), 1),
        "lockdown_deny_max_ms": round(max(lockdowns, default=float("nan")), 1),
        "lockdown_pairs": len(lockdowns),
        "errors": len(harness.errors),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.devices", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer revocations and decisions (under a minute)")
    parser.add_argument("--db", default=DEFAULT_DB, help=f"PostgreSQL URL (default {DEFAULT_DB}); sqlite:///… works too")
    parser.add_argument("--schema", default="bench_devices", help="PostgreSQL schema to drop, recreate and fill")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL"), help="Redis URL (default REDIS_URL; else in-process)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    db = bootstrap.database(args.db) if args.db.startswith("sqlite") else fresh_database(args.db, args.schema)
    bus: Bus = RedisBus(args.redis, unique_prefix("bench")) if args.redis else MemoryBus(unique_prefix("bench"))
    try:
        result = run(db, bus, args.quick)
    finally:
        bus.close(drop=True)
    result["total_s"] = round(time.perf_counter() - began, 1)
    result["missed_targets"] = [
        name for name, target in TARGETS.items() if (result[name] < target if name == "decisions_per_s" else result[name] > target)
    ]
    print(json.dumps(result), flush=True)
    return 1 if result["decision_mismatches"] or result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
