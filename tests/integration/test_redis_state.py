"""Conversation state in Redis: one round trip for a turn that changed nothing, and the idle expiry still kept."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from bot.state import Conversation, RedisStore

pytestmark = pytest.mark.redis


@pytest.fixture
def store() -> Iterator[RedisStore]:
    store = RedisStore("redis://127.0.0.1:6379/0", idle_seconds=600, prefix=f"concierge:test:{uuid.uuid4().hex}:")
    yield store
    store.redis.delete(*store.redis.keys(store.prefix + "*") or ["none"])


def _commands(store: RedisStore) -> list[str]:
    sent: list[str] = []
    send = store.redis.execute_command

    def counted(*args: Any, **options: Any) -> Any:
        sent.append(str(args[0]))
        return send(*args, **options)

    store.redis.execute_command = counted  # type: ignore[method-assign]
    return sent


def test_an_unchanged_conversation_costs_one_round_trip_and_its_expiry_is_refreshed(store: RedisStore) -> None:
    store.save("web:ben", Conversation(person="ben", last_question="who_has_access"))
    store.redis.expire(store.prefix + "web:ben", 5)
    sent = _commands(store)

    conversation = store.load("web:ben")
    assert conversation is not None and conversation.last_question == "who_has_access"
    assert store.redis.ttl(store.prefix + "web:ben") > 500  # reading refreshed the idle expiry
    sent.clear()
    store.save("web:ben", conversation)
    assert sent == []

    conversation.pending = {"intent": "grant_key", "operations": []}
    store.save("web:ben", conversation)
    assert sent == ["SET"]
    again = store.load("web:ben")
    assert again is not None and again.pending == {"intent": "grant_key", "operations": []}


def test_a_change_made_by_another_process_is_never_overwritten_by_an_unchanged_save(store: RedisStore) -> None:
    other = RedisStore("redis://127.0.0.1:6379/0", idle_seconds=600, prefix=store.prefix)
    store.save("web:ben", Conversation(person="ben"))
    mine = store.load("web:ben")
    assert mine is not None
    theirs = other.load("web:ben")
    assert theirs is not None
    theirs.last_question = "activity"
    other.save("web:ben", theirs)
    store.save("web:ben", mine)  # unchanged here: the other process's newer state stays
    assert store.load("web:ben") == theirs
    store.drop("web:ben")
    assert store.load("web:ben") is None
    store.save("web:ben", Conversation(person="ben"))  # a dropped conversation saved again is written
    assert store.load("web:ben") == Conversation(person="ben")
