"""Events from devices into the core: access into activity, battery and firmware into door status.

Each event is applied in one transaction together with its id in ``device_inbox``;
the bus entry is acknowledged only after the commit. An event seen again (a redelivery,
a back-fill sent twice) changes nothing. Access events keep the time the device saw them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core.activity import Actor, record_event
from access_core.db import Database, retry_busy
from access_core.models import Door, Keycard, ManagerRole, Permission, Person, Role
from devices.bus import Bus, Entry, commands_stream, events_stream
from devices.models import DeviceAlert, DeviceDoor, DeviceInbox
from devices.outbox import FROM_DEVICES
from devices.relay import Clock, catch_up, door_rows, utcnow

GROUP = "core"
LOW_BATTERY = 20
SECURITY_KINDS = {"wrong_codes"}
"""A keypad slowed down after wrong codes (devices.keypad): the property's key managers hear of it too."""
ALERT_KINDS = {"held_open", "tamper", *SECURITY_KINDS}


def managers_to_tell(session: Session, door: Door, *, security: bool = False) -> list[str]:
    """Portfolio managers of the door's portfolio and device managers of its property (with ``security``,
    its full and limited key managers too)."""
    prop = door.property
    wanted = {Permission.device, Permission.full, Permission.limited} if security else {Permission.device}
    told = []
    for role in session.scalars(select(ManagerRole).where(ManagerRole.portfolio_id == prop.portfolio_id)):
        if role.role == Role.portfolio_manager or (role.property_id == prop.id and wanted & set(role.permissions)):
            told.append(role.person.handle)
    return sorted(set(told))


def _actor(session: Session, event: dict[str, Any]) -> Actor:
    if event.get("card"):
        card = session.scalar(select(Keycard).where(Keycard.serial == event["card"]))
        return Actor(card.person if card else None)
    if event.get("code"):
        return Actor(None, doorcode=str(event["code"]))
    person = session.get(Person, event["person"]) if event.get("person") else None
    return Actor(person)


class Ingest:
    """The core's consumer of the events stream."""

    def __init__(self, database: Database, bus: Bus, consumer: str = "core-1", clock: Clock = utcnow) -> None:
        self.database, self.bus, self.consumer, self.clock = database, bus, consumer, clock
        self.stream = events_stream(bus.prefix)
        self.guard: AbstractContextManager[Any] = nullcontext()
        bus.ensure_group(self.stream, GROUP)

    def pump(self, block_ms: int = 100, reclaim_idle_ms: int = 5000) -> int:
        entries = self.bus.reclaim(self.stream, GROUP, self.consumer, reclaim_idle_ms)
        entries += self.bus.read(self.stream, GROUP, self.consumer, block_ms=block_ms)
        for entry in entries:
            self.handle(entry)
        return len(entries)

    def handle(self, entry: Entry) -> None:
        entry_id, event = entry

        def store() -> list[tuple[int, dict[str, Any]]]:
            with self.guard, self.database.session() as session:
                session.info[FROM_DEVICES] = True
                if session.get(DeviceInbox, event["id"]) is not None:
                    return []
                session.add(DeviceInbox(event_id=event["id"], processed_at=self.clock()))
                return self.apply(session, event)

        try:
            replies = retry_busy(store)  # SQLite refuses a stale snapshot when the relay committed meanwhile
        except IntegrityError:  # another consumer applied it at the same moment
            replies = []
        for property_id, message in replies:
            self.bus.publish(commands_stream(self.bus.prefix, property_id), message)
        self.bus.ack(self.stream, GROUP, [entry_id])

    def apply(self, session: Session, event: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
        door = session.get(Door, event["door"])
        if door is None:
            return []
        kind, at = event["type"], datetime.fromisoformat(event["at"])
        state = door_rows(session, door.property_id, [door.id])[door.id]
        state.last_seen_at = max(state.last_seen_at or at, at)
        if kind == "hello":
            return [(door.property_id, m) for m in catch_up(session, door.id, int(event["version"]), self.clock())]
        if kind == "ack":
            state.acked_version = max(state.acked_version, int(event["version"]))
        elif kind == "access":
            record_event(
                session,
                external_id=event["id"],
                door=door,
                actor=_actor(session, event),
                at=at,
                credential=event["credential"],
                granted=bool(event["granted"]),
            )
        elif kind in ALERT_KINDS:
            record_event(session, external_id=event["id"], door=door, actor=Actor(None), at=at, credential=kind, granted=False)
            self._alert(session, door, kind, None, at)
        elif kind == "battery":
            self._battery(session, door, state, int(event["level"]), at)
        elif kind == "firmware":
            door.firmware = str(event["version"])
        return []

    def _battery(self, session: Session, door: Door, state: DeviceDoor, level: int, at: datetime) -> None:
        before = door.battery
        door.battery = level
        if level <= LOW_BATTERY and (before is None or before > LOW_BATTERY):
            self._alert(session, door, "low_battery", level, at)

    def _alert(self, session: Session, door: Door, kind: str, level: int | None, at: datetime) -> None:
        session.add(
            DeviceAlert(
                property_id=door.property_id,
                door_id=door.id,
                kind=kind,
                level=level,
                at=at,
                notify=managers_to_tell(session, door, security=kind in SECURITY_KINDS),
                resolved=False,
            )
        )

    def run(self, stop: threading.Event, on_error: Callable[[Exception], None] | None = None) -> None:
        while not stop.is_set():
            try:
                self.pump()
            except Exception as exc:  # keep consuming; unacknowledged entries are reclaimed later
                if on_error:
                    on_error(exc)
                stop.wait(0.2)
