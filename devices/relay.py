"""The relay: compiles recorded changes into versioned per-door messages, then publishes them.

Two steps, each safe to repeat. ``compile_pending`` turns pending ``device_changes``
into ``device_messages`` (store deltas with the door's next version, and commands) in
one transaction. ``publish_pending`` puts unpublished messages on the bus and only then
marks them published: a crash in between publishes them again, and devices drop what
they already have (deltas by version, commands by id). Snapshots and catch-ups are
read from the database on demand and never stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, delete, select, update
from sqlalchemy.orm import Session

from access_core.db import Database, retry_busy
from access_core.models import Door, Property
from access_core.sources import zone
from devices import compile as wire
from devices.bus import Bus, commands_stream
from devices.models import DeviceChange, DeviceDoor, DeviceMessage
from devices.plan import DoorWork, plan_changes
from devices.rules_wire import door_rules, revision, rules_message

Clock = Callable[[], datetime]
MAX_CATCH_UP = 200
PRUNE_EVERY_S = 60.0
TICK_EVERY_S = 5.0


def utcnow() -> datetime:
    return datetime.now(UTC)


def door_rows(session: Session, property_id: int, door_ids: list[int]) -> dict[int, DeviceDoor]:
    """The version rows of these doors, locked, created at version 0 when missing."""
    rows = {d.door_id: d for d in session.scalars(select(DeviceDoor).where(DeviceDoor.door_id.in_(door_ids)).with_for_update())}
    for door_id in door_ids:
        if door_id not in rows:
            rows[door_id] = DeviceDoor(door_id=door_id, property_id=property_id, version=0, acked_version=0)
            session.add(rows[door_id])
    session.flush()
    return rows


def _deltas(session: Session, property_id: int, work: dict[int, DoorWork], now: datetime) -> dict[int, dict[str, Any]]:
    full = [d for d, w in work.items() if w.full]
    payloads: dict[int, dict[str, Any]] = dict(wire.snapshots(session, property_id, now, full)) if full else {}
    partial = {d: w for d, w in work.items() if not w.full}
    people_doors = [d for d, w in partial.items() if w.people]
    people = (
        wire.people_entries(session, property_id, people_doors, {p for w in partial.values() for p in w.people}) if people_doors else {}
    )
    code_doors = [d for d, w in partial.items() if w.codes]
    prop = session.get(Property, property_id)
    assert prop is not None
    today = now.astimezone(zone(prop.timezone)).date()
    codes = wire.codes(session, property_id, today, code_doors, {c for w in partial.values() for c in w.codes}) if code_doors else {}
    serials = {s for w in partial.values() for s in w.cards}
    cards = wire.cards(session, property_id, serials) if serials else {}
    states = wire.door_states(session, property_id, [d for d, w in partial.items() if w.state])
    for door_id, w in partial.items():
        payload: dict[str, Any] = {}
        if w.people:
            found = people.get(door_id, {})
            payload.update(wire.pack({str(p): found.get(str(p), []) for p in w.people}))
        if w.codes:
            payload["codes"] = {c: codes.get(door_id, {}).get(c, []) for c in w.codes}
        if w.cards:
            payload["cards"] = {s: cards.get(s) for s in w.cards}
        if door_id in states:
            payload["door"] = states[door_id]
        if payload:
            payloads[door_id] = payload
    return payloads


class Relay:
    """Moves device work from the database to the bus."""

    def __init__(self, database: Database, bus: Bus, clock: Clock = utcnow) -> None:
        self.database, self.bus, self.clock = database, bus, clock
        self.guard: AbstractContextManager[Any] = nullcontext()
        """Held around each step; a lock shared with the ingestion keeps SQLite's single writer free."""

    def compile_pending(self, limit: int = 500) -> int:
        """Compile pending changes; those touching doors' rules (a lockdown) first, whatever is queued before them."""
        return self._compile(limit, urgent=True) + self._compile(limit, urgent=False)

    def _compile(self, limit: int, *, urgent: bool) -> int:
        now = self.clock()
        with self.database.session() as session:
            query = select(DeviceChange).where(DeviceChange.compiled_at.is_(None))
            if urgent:
                query = query.where(cast(DeviceChange.payload, String).like('%"rules%'))
            changes = session.scalars(query.order_by(DeviceChange.id).limit(limit).with_for_update(skip_locked=True)).all()
            if not changes:
                return 0
            plan = plan_changes(session, [c.payload for c in changes])
            for property_id in sorted(plan.rules):
                self._send_rules(session, property_id, now, changes[-1].id)
            for property_id, work in plan.by_property().items():
                self._write_messages(session, property_id, work, now, changes[-1].id)
            for change in changes:
                change.compiled_at = now
        return len(changes)

    def _send_rules(self, session: Session, property_id: int, now: datetime, change_id: int) -> None:
        """Every door's rules, straight onto the bus ahead of anything stored: they are state, not steps (the newest
        revision wins), so they are sent again rather than kept; a crash before the commit sends them again."""
        messages = [rules_message(door_id, change_id, rules) for door_id, rules in sorted(door_rules(session, property_id, now).items())]
        self.bus.publish_many(commands_stream(self.bus.prefix, property_id), messages)

    def _write_messages(self, session: Session, property_id: int, work: dict[int, DoorWork], now: datetime, change_id: int) -> None:
        live_doors = set(session.scalars(select(Door.id).where(Door.id.in_(list(work)))))
        work = {d: w for d, w in work.items() if d in live_doors}
        rows = door_rows(session, property_id, sorted(work))
        for door_id, payload in sorted(_deltas(session, property_id, work, now).items()):
            row = rows[door_id]
            row.version += 1
            session.add(
                DeviceMessage(
                    message_id=f"delta-{door_id}-{row.version}",
                    property_id=property_id,
                    door_id=door_id,
                    version=row.version,
                    kind="delta",
                    payload=payload,
                    created_at=now,
                )
            )
        for door_id, w in sorted(work.items()):
            for n, command in enumerate(w.commands):
                session.add(
                    DeviceMessage(
                        message_id=f"cmd-{change_id}-{door_id}-{n}",
                        property_id=property_id,
                        door_id=door_id,
                        kind="command",
                        payload=command,
                        created_at=now,
                    )
                )
        session.flush()

    def publish_pending(self, limit: int = 1000) -> int:
        with self.database.session() as session:
            messages = session.scalars(
                select(DeviceMessage).where(DeviceMessage.published_at.is_(None)).order_by(DeviceMessage.id).limit(limit)
            ).all()
            by_stream: dict[str, list[dict[str, Any]]] = {}
            for m in messages:
                by_stream.setdefault(commands_stream(self.bus.prefix, m.property_id), []).append(as_wire(m))
        for stream, batch in by_stream.items():
            self.bus.publish_many(stream, batch)
        self._mark_published([m.id for m in messages])
        return len(messages)

    def _mark_published(self, ids: list[int]) -> None:
        if ids:
            with self.database.session() as session:
                session.execute(update(DeviceMessage).where(DeviceMessage.id.in_(ids)).values(published_at=self.clock()))

    def prune(self, keep: int = MAX_CATCH_UP, commands_for: timedelta = timedelta(days=1)) -> int:
        """Forget published deltas a device could no longer catch up with (it gets a snapshot) and old commands."""
        newest = select(DeviceDoor.version).where(DeviceDoor.door_id == DeviceMessage.door_id).scalar_subquery()
        with self.database.session() as session:
            deltas = session.execute(
                delete(DeviceMessage).where(
                    DeviceMessage.kind == "delta", DeviceMessage.published_at.is_not(None), DeviceMessage.version <= newest - keep
                )
            )
            commands = session.execute(
                delete(DeviceMessage).where(DeviceMessage.kind == "command", DeviceMessage.published_at < self.clock() - commands_for)
            )
            return int(deltas.rowcount or 0) + int(commands.rowcount or 0)  # type: ignore[attr-defined]

    def step(self) -> int:
        with self.guard:
            return retry_busy(self.compile_pending) + retry_busy(self.publish_pending)

    def run(self, stop: threading.Event, interval: float = 0.02, on_error: Callable[[Exception], None] | None = None) -> None:
        """Move work until ``stop``; pruning and version ticks run on a thread of their own, so that a slow prune
        never holds up a lockdown."""
        upkeep = threading.Thread(target=self._upkeep, args=(stop, on_error), daemon=True)
        upkeep.start()
        while not stop.is_set():
            try:
                busy = self.step()
            except Exception as exc:  # a dead Redis or database: keep the work, try again
                if on_error:
                    on_error(exc)
                busy = 0
            if not busy:
                stop.wait(interval)
        upkeep.join(timeout=5)

    def _upkeep(self, stop: threading.Event, on_error: Callable[[Exception], None] | None) -> None:
        pruned_at = ticked_at = 0.0
        while not stop.is_set():
            try:
                if time.monotonic() - pruned_at > PRUNE_EVERY_S:
                    with self.guard:
                        self.prune()
                    pruned_at = time.monotonic()
                if time.monotonic() - ticked_at > TICK_EVERY_S:
                    self.tick_all()
                    ticked_at = time.monotonic()
            except Exception as exc:
                if on_error:
                    on_error(exc)
            stop.wait(1.0)

    def full_sync(self, property_id: int) -> int:
        """Send every door of the property its whole store (first install, or a fleet far behind)."""
        now = self.clock()
        with self.database.session() as session:
            door_ids = list(session.scalars(select(Door.id).where(Door.property_id == property_id)))
            versions = {d: r.version for d, r in door_rows(session, property_id, door_ids).items()}
            stores = wire.snapshots(session, property_id, now)
        messages = [snapshot_message(d, versions[d], payload) for d, payload in stores.items()]
        self.bus.publish_many(commands_stream(self.bus.prefix, property_id), messages)
        return len(messages)

    def tick_all(self) -> None:
        with self.database.session() as session:
            properties = list(session.scalars(select(DeviceDoor.property_id).distinct()))
        for property_id in properties:
            self.tick(property_id)

    def tick(self, property_id: int) -> None:
        """Tell the fleet each door's newest version: a device behind asks to catch up."""
        with self.database.session() as session:
            versions = {str(d.door_id): d.version for d in session.scalars(select(DeviceDoor).where(DeviceDoor.property_id == property_id))}
        self.bus.publish(
            commands_stream(self.bus.prefix, property_id),
            {"id": f"versions-{self.clock().timestamp()}", "kind": "versions", "versions": versions},
        )


def as_wire(m: DeviceMessage) -> dict[str, Any]:
    return {"id": m.message_id, "door": m.door_id, "kind": m.kind, "version": m.version, "payload": m.payload}


def snapshot_message(door_id: int, version: int, payload: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"snapshot-{door_id}-{version}", "door": door_id, "kind": "snapshot", "version": version, "payload": payload}


def catch_up(session: Session, door_id: int, version: int, now: datetime) -> list[dict[str, Any]]:
    """What a device at ``version`` needs: the deltas after it, or a snapshot when they are gone or too many."""
    door = session.get(Door, door_id)
    if door is None:
        return []
    current = door_rows(session, door.property_id, [door_id])[door_id].version
    rules = rules_message(door_id, revision(session), door_rules(session, door.property_id, now, [door_id])[door_id])
    if version == current:
        return [rules]
    if 0 <= version < current and current - version <= MAX_CATCH_UP:
        deltas = session.scalars(
            select(DeviceMessage)
            .where(DeviceMessage.door_id == door_id, DeviceMessage.kind == "delta", DeviceMessage.version > version)
            .order_by(DeviceMessage.version)
        ).all()
        if [m.version for m in deltas] == list(range(version + 1, current + 1)):
            return [rules, *(as_wire(m) for m in deltas)]
    payload = wire.snapshots(session, door.property_id, now, [door_id])[door_id]
    return [snapshot_message(door_id, current, payload)]
