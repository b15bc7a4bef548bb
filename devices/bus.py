"""The device bus: a command stream per property and one events stream, read by consumer groups.

``RedisBus`` uses Redis Streams (XADD, XREADGROUP, XACK, XAUTOCLAIM); ``MemoryBus`` is
the same thing inside one process. A message is a JSON object; an entry read but not
acknowledged stays pending and can be reclaimed by another consumer once idle.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

Entry = tuple[str, dict[str, Any]]


def commands_stream(prefix: str, property_id: int) -> str:
    return f"{prefix}:cmd:{property_id}"


def events_stream(prefix: str) -> str:
    return f"{prefix}:events"


class Bus(Protocol):
    prefix: str

    def publish(self, stream: str, message: dict[str, Any]) -> str: ...
    def publish_many(self, stream: str, messages: list[dict[str, Any]]) -> None: ...
    def ensure_group(self, stream: str, group: str) -> None: ...
    def read(self, stream: str, group: str, consumer: str, count: int = 500, block_ms: int = 100) -> list[Entry]: ...
    def ack(self, stream: str, group: str, ids: list[str]) -> None: ...
    def reclaim(self, stream: str, group: str, consumer: str, min_idle_ms: int, count: int = 500) -> list[Entry]: ...
    def close(self, *, drop: bool = False) -> None: ...


class RedisBus:
    """Redis Streams; every key starts with ``prefix`` so tests and properties never meet."""

    def __init__(self, url: str, prefix: str = "concierge") -> None:
        import redis

        self.prefix = prefix
        self.redis = redis.Redis.from_url(url)

    def publish(self, stream: str, message: dict[str, Any]) -> str:
        return str(self.redis.xadd(stream, {"m": json.dumps(message)}))

    def publish_many(self, stream: str, messages: list[dict[str, Any]]) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for message in messages:
            pipe.xadd(stream, {"m": json.dumps(message)})
        pipe.execute()

    def ensure_group(self, stream: str, group: str) -> None:
        import redis

        try:
            self.redis.xgroup_create(stream, group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def read(self, stream: str, group: str, consumer: str, count: int = 500, block_ms: int = 100) -> list[Entry]:
        found: Any = self.redis.xreadgroup(group, consumer, {stream: ">"}, count=count, block=block_ms or None)
        return [_decode(entry) for _, entries in found or [] for entry in entries]

    def ack(self, stream: str, group: str, ids: list[str]) -> None:
        if ids:
            self.redis.xack(stream, group, *ids)

    def reclaim(self, stream: str, group: str, consumer: str, min_idle_ms: int, count: int = 500) -> list[Entry]:
        reply: Any = self.redis.xautoclaim(stream, group, consumer, min_idle_time=min_idle_ms, count=count)
        claimed = reply[1]
        return [_decode(entry) for entry in claimed if entry[1]]

    def close(self, *, drop: bool = False) -> None:
        if drop:
            keys = list(self.redis.scan_iter(match=f"{self.prefix}:*"))
            if keys:
                self.redis.delete(*keys)
        self.redis.close()


def _decode(entry: Any) -> Entry:
    entry_id, fields = entry
    return entry_id.decode(), json.loads(fields[b"m"])


@dataclass(slots=True)
class _Group:
    next: int = 0
    pending: dict[int, tuple[str, float]] = field(default_factory=dict)
    """Entry index -> (consumer, when delivered)."""


class MemoryBus:
    """The same streams and groups inside one process (threads may share it)."""

    def __init__(self, prefix: str = "concierge") -> None:
        self.prefix = prefix
        self._streams: dict[str, list[dict[str, Any]]] = {}
        self._groups: dict[tuple[str, str], _Group] = {}
        self._changed = threading.Condition()

    def publish(self, stream: str, message: dict[str, Any]) -> str:
        self.publish_many(stream, [message])
        return f"{len(self._streams[stream]) - 1}-0"

    def publish_many(self, stream: str, messages: list[dict[str, Any]]) -> None:
        with self._changed:
            self._streams.setdefault(stream, []).extend(json.loads(json.dumps(m)) for m in messages)
            self._changed.notify_all()

    def ensure_group(self, stream: str, group: str) -> None:
        with self._changed:
            self._streams.setdefault(stream, [])
            self._groups.setdefault((stream, group), _Group())

    def read(self, stream: str, group: str, consumer: str, count: int = 500, block_ms: int = 100) -> list[Entry]:
        deadline = time.monotonic() + block_ms / 1000
        with self._changed:
            state = self._groups[(stream, group)]
            entries = self._streams[stream]
            while state.next >= len(entries) and block_ms and (left := deadline - time.monotonic()) > 0:
                self._changed.wait(left)
            taken = range(state.next, min(len(entries), state.next + count))
            state.next = taken.stop
            now = time.monotonic()
            for index in taken:
                state.pending[index] = (consumer, now)
            return [(f"{index}-0", entries[index]) for index in taken]

    def ack(self, stream: str, group: str, ids: list[str]) -> None:
        with self._changed:
            pending = self._groups[(stream, group)].pending
            for entry_id in ids:
                pending.pop(int(entry_id.split("-")[0]), None)

    def reclaim(self, stream: str, group: str, consumer: str, min_idle_ms: int, count: int = 500) -> list[Entry]:
        with self._changed:
            state, now = self._groups[(stream, group)], time.monotonic()
            idle = [i for i, (_, at) in sorted(state.pending.items()) if (now - at) * 1000 >= min_idle_ms][:count]
            for index in idle:
                state.pending[index] = (consumer, now)
            return [(f"{index}-0", self._streams[stream][index]) for index in idle]

    def close(self, *, drop: bool = False) -> None:
        if drop:
            self._streams.clear()
            self._groups.clear()


def make_bus(url: str | None = None, prefix: str | None = None) -> Bus:
    """Redis when ``REDIS_URL`` (or ``url``) is set, else the in-process bus."""
    url = url or os.environ.get("REDIS_URL")
    prefix = prefix or os.environ.get("DEVICES_BUS_PREFIX") or "concierge"
    return RedisBus(url, prefix) if url else MemoryBus(prefix)


def unique_prefix(base: str = "test") -> str:
    return f"{base}-{uuid.uuid4().hex[:12]}"
