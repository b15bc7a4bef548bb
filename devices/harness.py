"""One property's whole device loop in one process: relay, event ingestion and a simulated fleet.

Used by ``concierge devices simulate``, the benchmark and the tests: ``settle()`` runs
the loop by hand until nothing moves; ``start()`` / ``stop()`` run it in threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from access_core.db import Database
from access_core.models import ActivityEvent, Door, Grant, Key, Keycard
from devices.bus import Bus
from devices.ingest import Ingest
from devices.models import DeviceAlert
from devices.relay import Relay, utcnow
from devices.sim import Fleet, SimDevice


class Harness:
    def __init__(self, database: Database, bus: Bus, property_id: int, clock: Callable[[], datetime] = utcnow) -> None:
        self.database, self.bus, self.property_id, self.clock = database, bus, property_id, clock
        with database.session() as session:
            doors = session.execute(
                select(Door.id, Door.device, Door.battery, Door.firmware).where(Door.property_id == property_id).order_by(Door.id)
            )
            devices = [
                SimDevice(door_id, model or "latch_m", battery=100 if battery is None else battery, firmware=firmware or "1.0.0")
                for door_id, model, battery, firmware in doors
            ]
        self.relay = Relay(database, bus, clock)
        self.ingest = Ingest(database, bus, clock=clock)
        self.fleet = Fleet(bus, property_id, devices)
        if database.url.startswith("sqlite"):
            self.relay.guard = self.ingest.guard = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.errors: list[Exception] = []

    def writing(self) -> AbstractContextManager[Any]:
        """Hold while writing to the core from another thread: SQLite takes one writer at a time."""
        return self.relay.guard

    def device(self, door_id: int) -> SimDevice:
        return self.fleet.devices[door_id]

    def settle(self, max_rounds: int = 50) -> int:
        """Run relay, fleet and ingestion until a round moves nothing; how many rounds it took."""
        for rounds in range(1, max_rounds + 1):
            moved = self.relay.step()
            moved += self.fleet.pump(self.clock(), block_ms=0)
            moved += self.ingest.pump(block_ms=0)
            if not moved:
                return rounds
        raise RuntimeError("the device loop did not settle")

    def start(self) -> None:
        self._stop.clear()
        loops = [
            lambda: self.relay.run(self._stop, on_error=self.errors.append),
            lambda: self.ingest.run(self._stop, on_error=self.errors.append),
            lambda: self.fleet.run(self._stop, self.clock),
        ]
        self._threads = [threading.Thread(target=loop, daemon=True) for loop in loops]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []


def simulated_population(database: Database, property_id: int) -> tuple[list[int], list[str]]:
    """Who the simulated life of a property plays: the people holding its keys, and its keycards."""
    with database.session() as session:
        people = list(
            session.scalars(select(Grant.person_id).join(Key, Key.id == Grant.key_id).where(Key.property_id == property_id).distinct())
        )
        cards = list(session.scalars(select(Keycard.serial).where(Keycard.property_id == property_id)))
    return people, cards


def events_recorded(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(ActivityEvent)) or 0


def alerts_of(database: Database, property_id: int) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(DeviceAlert).where(DeviceAlert.property_id == property_id)) or 0
