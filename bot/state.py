"""Conversation state: in process by default, in Redis when REDIS_URL is set; expires when idle."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, cast

IDLE_SECONDS = 30 * 60


@dataclass(slots=True)
class Conversation:
    """What the dialogue remembers between two messages of one conversation."""

    person: str
    """Handle of who is talking."""
    now: str | None = None
    """The conversation's clock (ISO), or None for the real time."""
    property_id: int | None = None
    """The property the conversation is about, once known."""
    frame: dict[str, Any] | None = None
    """An intent still gathering details: {"intent", "values", "missing"}."""
    pending: dict[str, Any] | None = None
    """The plan awaiting yes/no: {"id", "intent", "operations", "property_id", "values", "asked"}; its unguessable
    id is what a button carries, so a yes answers that plan only."""
    undo: list[dict[str, Any]] = field(default_factory=list)
    """Operations that undo the last change made."""
    last_question: str | None = None
    """The question answered last, for a follow-up such as "what about the gym?"."""
    last_said: str | None = None
    """The words of that question, for a follow-up that only names where ("Canal House")."""

    def reset(self) -> None:
        self.frame, self.pending, self.undo, self.last_question, self.last_said = None, None, [], None, None


def pending_id(conversation: Conversation) -> str | None:
    """The id of the plan waiting for yes/no in this conversation, if any."""
    pending = conversation.pending
    return str(pending["id"]) if pending and pending.get("id") else None


class Store(Protocol):
    def load(self, conversation_id: str) -> Conversation | None: ...
    def save(self, conversation_id: str, conversation: Conversation) -> None: ...
    def drop(self, conversation_id: str) -> None: ...


class MemoryStore:
    """In-process state for one process; idle conversations are forgotten."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle = idle_seconds
        self.items: dict[str, tuple[float, Conversation]] = {}

    def load(self, conversation_id: str) -> Conversation | None:
        item = self.items.get(conversation_id)
        if item is None or time.monotonic() - item[0] > self.idle:
            self.items.pop(conversation_id, None)
            return None
        return item[1]

    def save(self, conversation_id: str, conversation: Conversation) -> None:
        self.items[conversation_id] = (time.monotonic(), conversation)
        if len(self.items) > 10_000:
            cutoff = time.monotonic() - self.idle
            self.items = {k: v for k, v in self.items.items() if v[0] >= cutoff}

    def drop(self, conversation_id: str) -> None:
        self.items.pop(conversation_id, None)


class RedisStore:
    """State shared by every process, as JSON with an idle expiry.

    One round trip per turn where the conversation did not change: reading it refreshes its expiry (GETEX), and a
    conversation saved exactly as it was read (or last written by this process) is not written again.
    """

    REMEMBERED = 10_000
    """How many conversations' last known JSON this process keeps to notice an unchanged save."""

    def __init__(self, url: str, idle_seconds: int = IDLE_SECONDS, prefix: str = "concierge:conv:") -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.idle = idle_seconds
        self.prefix = prefix
        self._known: dict[str, bytes] = {}
        self._getex = True  # GETEX needs Redis 6.2; older servers get GET and always a SET

    def load(self, conversation_id: str) -> Conversation | None:
        key = self.prefix + conversation_id
        raw = self._read(key)
        self._known.pop(conversation_id, None)
        if raw is None:
            return None
        try:
            conversation = Conversation(**json.loads(raw))
        except (ValueError, TypeError):
            return None
        if self._getex:
            self._remember(conversation_id, raw)
        return conversation

    def _read(self, key: str) -> bytes | None:
        import redis

        if self._getex:
            try:
                return cast("bytes | None", self.redis.getex(key, ex=self.idle))
            except redis.ResponseError:
                self._getex = False
        return cast("bytes | None", self.redis.get(key))

    def save(self, conversation_id: str, conversation: Conversation) -> None:
        raw = json.dumps(asdict(conversation)).encode()
        if self._known.get(conversation_id) == raw:
            return  # as read at the start of this turn, whose read refreshed the expiry
        self.redis.set(self.prefix + conversation_id, raw, ex=self.idle)
        if self._getex:
            self._remember(conversation_id, raw)

    def _remember(self, conversation_id: str, raw: bytes) -> None:
        if len(self._known) >= self.REMEMBERED:
            self._known.clear()
        self._known[conversation_id] = raw

    def drop(self, conversation_id: str) -> None:
        self._known.pop(conversation_id, None)
        self.redis.delete(self.prefix + conversation_id)


def default_store() -> Store:
    """Redis when REDIS_URL is set (keys under CONCIERGE_REDIS_PREFIX, for deployments sharing one Redis), else in process."""
    url = os.environ.get("REDIS_URL")
    return RedisStore(url, prefix=os.environ.get("CONCIERGE_REDIS_PREFIX", "concierge:conv:")) if url else MemoryStore()
