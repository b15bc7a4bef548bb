"""Both buses: consumer groups, acknowledgement, and reclaiming what a dead consumer left pending."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from devices.bus import Bus, MemoryBus, RedisBus, commands_stream, unique_prefix

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def bus(request: pytest.FixtureRequest) -> Iterator[Bus]:
    found: Bus = MemoryBus(unique_prefix()) if request.param == "memory" else RedisBus(REDIS_URL, unique_prefix())
    yield found
    found.close(drop=True)


def test_each_group_reads_every_message_once(bus: Bus) -> None:
    stream = commands_stream(bus.prefix, 1)
    bus.ensure_group(stream, "fleet")
    bus.ensure_group(stream, "audit")
    bus.ensure_group(stream, "fleet")
    bus.publish(stream, {"id": "a"})
    bus.publish_many(stream, [{"id": "b"}, {"id": "c"}])
    first = bus.read(stream, "fleet", "one", count=2, block_ms=0)
    second = bus.read(stream, "fleet", "two", block_ms=0)
    assert [m["id"] for _, m in first + second] == ["a", "b", "c"]
    assert [m["id"] for _, m in bus.read(stream, "audit", "x", block_ms=0)] == ["a", "b", "c"]
    assert bus.read(stream, "fleet", "one", block_ms=10) == []


def test_unacknowledged_entries_are_reclaimed_once_idle(bus: Bus) -> None:
    stream = commands_stream(bus.prefix, 2)
    bus.ensure_group(stream, "fleet")
    bus.publish_many(stream, [{"id": "a"}, {"id": "b"}])
    taken = bus.read(stream, "fleet", "dies", block_ms=0)
    bus.ack(stream, "fleet", [taken[0][0]])
    assert bus.reclaim(stream, "fleet", "heir", min_idle_ms=60_000) == []
    reclaimed = bus.reclaim(stream, "fleet", "heir", min_idle_ms=0)
    assert [m["id"] for _, m in reclaimed] == ["b"]
    bus.ack(stream, "fleet", [reclaimed[0][0]])
    assert bus.reclaim(stream, "fleet", "heir", min_idle_ms=0) == []
