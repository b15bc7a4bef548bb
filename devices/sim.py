"""A simulated fleet: Latch R/M/C locks and intercoms that decide from their own stores.

A ``SimDevice`` applies snapshots and deltas, runs commands once each, decides taps
offline and reports events; while offline it keeps its events and sends them, in
order and with their original times, when it comes back. A ``Fleet`` is the property's
gateway: it reads the property's command stream in the ``fleet`` group and hands each
message to its door's device.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from access_core.decide import Decision
from devices.bus import Bus, commands_stream, events_stream
from devices.store import DoorStore

GROUP = "fleet"
SEEN_COMMANDS = 1000


@dataclass(slots=True)
class SimDevice:
    """One lock or intercom at one door."""

    door_id: int
    model: str = "latch_m"
    online: bool = True
    battery: int = 100
    firmware: str = "1.0.0"
    store: DoorStore = field(init=False)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    """Events not yet sent (all of them while offline)."""
    applied_commands: list[dict[str, Any]] = field(default_factory=list)
    unlocked: int = 0
    _seen: deque[str] = field(default_factory=lambda: deque(maxlen=SEEN_COMMANDS))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.store = DoorStore(self.door_id)

    def receive(self, message: dict[str, Any], now: datetime) -> None:
        if not self.online:
            return
        self.store.heard_at = now
        kind = message["kind"]
        if kind in ("snapshot", "delta"):
            if self.store.apply(message["version"], message["payload"], snapshot=kind == "snapshot"):
                self.emit("ack", now, version=self.store.version)
            elif message["version"] > self.store.version + 1 or self.store.version < 0:
                self.emit("hello", now, version=self.store.version)
        elif kind == "rules":
            self.store.apply_rules(message["payload"])
        elif kind == "versions":
            newest = message["versions"].get(str(self.door_id))
            if newest is not None and newest != self.store.version:
                self.emit("hello", now, version=self.store.version)
        elif kind == "command" and message["id"] not in self._seen:
            self._seen.append(message["id"])
            self._run(message["payload"], now)

    def _run(self, command: dict[str, Any], now: datetime) -> None:
        self.applied_commands.append(command)
        if command["type"] == "unlock":
            self.unlocked += 1
        elif command["type"] == "firmware":
            self.firmware = command["version"]
            self.emit("firmware", now, version=self.firmware)

    def emit(self, kind: str, at: datetime, **fields: Any) -> None:
        with self._lock:
            self.outbox.append({"id": f"dev-{uuid.uuid4().hex}", "type": kind, "door": self.door_id, "at": at.isoformat(), **fields})

    def take_outbox(self) -> list[dict[str, Any]]:
        """The events to send now (none while offline), in the order they happened."""
        with self._lock:
            if not self.online:
                return []
            taken, self.outbox = self.outbox, []
            return taken

    def tap(self, at: datetime, *, person: int | None = None, card: str | None = None, code: str | None = None) -> Decision:
        """Someone presents a credential: decide from the store, record the event."""
        if card is not None:
            who: dict[str, Any] = {"card": card}
            decision, credential = self.store.decide_card(card, at), "keycard"
        elif code is not None:
            who = {"code": code}
            (decision, slowed), credential = self.store.enter_code(code, at), "doorcode"
            if slowed:
                self.emit("wrong_codes", at)
        else:
            assert person is not None
            who = {"person": person}
            decision, credential = self.store.decide_person(person, at), "app"
        self.emit("access", at, credential=credential, granted=decision.allowed, **who)
        return decision

    def drain(self, at: datetime, percent: int = 1) -> None:
        self.battery = max(0, self.battery - percent)
        self.emit("battery", at, level=self.battery)

    def go_offline(self) -> None:
        self.online = False

    def come_back(self, now: datetime) -> None:
        self.online = True
        self.emit("hello", now, version=self.store.version)


class Fleet:
    """The devices of one property on the bus."""

    def __init__(self, bus: Bus, property_id: int, devices: list[SimDevice], consumer: str = "fleet-1") -> None:
        self.bus, self.property_id, self.consumer = bus, property_id, consumer
        self.devices = {d.door_id: d for d in devices}
        self.commands = commands_stream(bus.prefix, property_id)
        self.events = events_stream(bus.prefix)
        bus.ensure_group(self.commands, GROUP)

    def pump(self, now: datetime, block_ms: int = 50, reclaim_idle_ms: int = 5000) -> int:
        """Deliver waiting commands, then send what online devices have to say."""
        entries = self.bus.reclaim(self.commands, GROUP, self.consumer, reclaim_idle_ms)
        entries += self.bus.read(self.commands, GROUP, self.consumer, block_ms=block_ms)
        for _, message in entries:
            if message["kind"] == "versions":
                for device in self.devices.values():
                    device.receive(message, now)
            elif (addressed := self.devices.get(message["door"])) is not None:
                addressed.receive(message, now)
        self.flush()
        self.bus.ack(self.commands, GROUP, [entry_id for entry_id, _ in entries])
        return len(entries)

    def flush(self) -> int:
        sent: list[dict[str, Any]] = []
        for device in self.devices.values():
            sent.extend(device.take_outbox())
        if sent:
            self.bus.publish_many(self.events, sent)
        return len(sent)

    def run(self, stop: threading.Event, clock: Any) -> None:
        while not stop.is_set():
            self.pump(clock())

    def simulate_activity(self, now: datetime, rng: random.Random, people: list[int], cards: list[str]) -> None:
        """One round of life: taps, card swipes, battery drain, a device dropping off or coming back."""
        for device in self.devices.values():
            roll = rng.random()
            if not device.online:
                if roll < 0.2:
                    device.come_back(now)
                continue
            if roll < 0.02:
                device.go_offline()
            elif roll < 0.4 and people:
                device.tap(now, person=rng.choice(people))
            elif roll < 0.5 and cards:
                device.tap(now, card=rng.choice(cards))
            elif roll < 0.52 and device.store.codes:
                device.tap(now, code=rng.choice(sorted(device.store.codes)))
            elif roll < 0.57:
                device.drain(now, rng.randint(1, 5))
            elif roll < 0.575:
                device.emit(rng.choice(("held_open", "tamper")), now)
