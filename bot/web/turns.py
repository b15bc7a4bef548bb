"""One place every channel sends a message through: state per channel and sender, one turn at a time."""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from access_core.budgets import OverBudget
from access_core.db import Database, retry_busy
from bot.state import Conversation, Store, default_store, pending_id
from bot.web.idempotency import DAY, SeenKeys
from bot.web.ratelimit import People, RateLimits

if TYPE_CHECKING:
    from bot.dialogue import Dialogue

log = logging.getLogger(__name__)
FAILED: dict[str, Any] = {"intent": None, "confidence": 0.0, "status": "unknown", "operations": [], "missing": [], "result": None}


def turn_threads(database: Database) -> int:
    """How many turns one process answers at once: ``CONCIERGE_TURN_THREADS``, else 1 on SQLite (a turn is all CPU
    there, so a second thread only contends for the GIL) and 2 on a database server (a turn waits for ~8 round trips,
    and a second thread uses the CPU meanwhile)."""
    configured = os.environ.get("CONCIERGE_TURN_THREADS")
    if configured:
        return max(1, int(configured))
    return 1 if database.engine.dialect.name == "sqlite" else 2


@dataclass(frozen=True, slots=True)
class Exchange:
    """One message's answer and what its channel shows beside it."""

    turn: dict[str, Any]
    """The CONTRACT turn."""
    plan: str | None
    """The id of the plan waiting for yes/no after this message, if any (its buttons carry it)."""


class Turns:
    """The dialogue behind every channel; a conversation is keyed by channel and sender."""

    def __init__(self, database: Database, *, store: Store | None = None, engine: Any = None) -> None:
        self.database = database
        self.store = store if store is not None else default_store()
        self.engine = engine
        self._local = threading.local()
        from bot.places import Places

        self.places = Places()  # one cache per process, shared by the dialogue threads
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._async_locks: dict[str, asyncio.Lock] = {}
        self.seen = SeenKeys(database)
        self.executor = ThreadPoolExecutor(turn_threads(database), thread_name_prefix="turn")
        self.limits, self.people = RateLimits.from_env(database.url), People(database)

    def _dialogue(self) -> Dialogue:
        dialogue: Dialogue | None = getattr(self._local, "dialogue", None)
        if dialogue is None:
            from bot.dialogue import Dialogue

            dialogue = self._local.dialogue = Dialogue(self.database, engine=self.engine, places=self.places)
        return dialogue

    def warm(self) -> None:
        """Load the language model now rather than on the first message."""
        self._dialogue()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            if len(self._locks) > 10_000:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            return self._locks.setdefault(key, threading.Lock())

    def turn(self, channel: str, sender: str, text: str, *, plan: str | None = None) -> dict[str, Any]:
        """Answer one message from ``sender`` (email or phone of a known person) on ``channel``."""
        return self.exchange(channel, sender, text, plan=plan).turn

    def exchange(self, channel: str, sender: str, text: str, *, plan: str | None = None) -> Exchange:
        """`turn`, with the id of the plan left waiting for yes/no (for the buttons of channels that show them);
        ``plan``, a button's plan id, makes the message answer that plan only."""
        key = f"{channel}:{sender}"
        if (limited := self.limits.spend({"turns": 1}, self.people.key(sender))) is not None:
            return Exchange({**FAILED, "status": "refused", "reply": OverBudget(*limited).message}, None)
        with self._lock(key):
            before = self.store.load(key) or Conversation(person=sender)
            conversation = copy.deepcopy(before)

            def attempt() -> dict[str, Any]:
                nonlocal conversation
                if attempts:  # start again from the conversation as it was before the refused attempt
                    conversation = copy.deepcopy(before)
                attempts.append(1)
                return self._dialogue().turn(conversation, text, plan)

            attempts: list[int] = []

            try:
                answer = retry_busy(attempt)  # a turn's only effect before its commit is its transaction
            except Exception as exc:  # one bad message must never end the conversation
                log.exception("%s turn of %s failed after %d attempt(s)", channel, sender, len(attempts))
                answer = {**FAILED, "reply": f"Something went wrong with that message ({type(exc).__name__})."}
            self.store.save(key, conversation)
        return Exchange(answer, pending_id(conversation))

    async def aturn(self, channel: str, sender: str, text: str) -> dict[str, Any]:
        """`turn` on the few dialogue threads, so a burst of messages never starves the event loop or the acks."""
        return (await self.aexchange(channel, sender, text)).turn

    async def aexchange(self, channel: str, sender: str, text: str, *, plan: str | None = None) -> Exchange:
        """`exchange` on the dialogue threads."""
        key = f"{channel}:{sender}"
        lock = self._async_locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                return await asyncio.wrap_future(self.executor.submit(self.exchange, channel, sender, text, plan=plan))
        finally:
            if not lock.locked() and len(self._async_locks) > 10_000:
                self._async_locks = {k: v for k, v in self._async_locks.items() if v.locked()}

    def pending(self, channel: str, sender: str) -> dict[str, Any] | None:
        conversation = self.store.load(f"{channel}:{sender}")
        return conversation.pending if conversation else None

    def reset(self, channel: str, sender: str) -> None:
        self.store.drop(f"{channel}:{sender}")

    def first_time(self, channel: str, event_id: str, ttl: int = 2 * DAY) -> bool:
        """Record an inbound event id or idempotency key; False when it was already handled (a retry, a replay)."""
        return self.seen.first_time(channel, event_id, ttl)
