"""Rate limits with the ``limits`` library: moving windows, in Redis when REDIS_URL is set, else in this process.

``RateLimits`` keeps named budgets, each one or more limits (``"30/minute;500/day"``), counted per
identifier: a person (``person:<id>``, the same whichever channel they use) or, before a sender is
known, the sender's number. The network server reads its budgets from the environment
(``RateLimits.from_env``); ``concierge chat`` and the benchmarks install none or their own.
Keys are namespaced by database, so two databases sharing one Redis never share a budget.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Mapping

from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from access_core.db import Database
from access_core.lookup import person_id_by_contact

log = logging.getLogger(__name__)
BUDGETS: dict[str, tuple[str, str]] = {
    "turns": ("CONCIERGE_LIMIT_TURNS", "60/minute"),
    "doorcodes": ("CONCIERGE_LIMIT_DOORCODES", "10/hour;20/day"),
    "shares": ("CONCIERGE_LIMIT_SHARES", "10/hour;20/day"),
    "bookings": ("CONCIERGE_LIMIT_BOOKINGS", "10/hour;30/day"),
    "calls": ("CONCIERGE_LIMIT_CALLS", "10/minute"),
}
"""Each budget: the setting that overrides it and its default. A setting of ``off`` (or none) lifts it."""
OFF = {"", "off", "none", "unlimited"}


def rules_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    environ = os.environ if environ is None else environ
    return {budget: environ.get(setting, default) for budget, (setting, default) in BUDGETS.items()}


class RateLimits:
    """Named budgets of moving-window limits per identifier."""

    def __init__(self, rules: Mapping[str, str | list[RateLimitItem]], *, redis_url: str | None = None, namespace: str = "") -> None:
        self.rules = {
            budget: parse_many(rule) if isinstance(rule, str) else list(rule)
            for budget, rule in rules.items()
            if not isinstance(rule, str) or rule.strip().lower() not in OFF
        }
        self.storage: Storage = (
            RedisStorage(redis_url, key_prefix="concierge-limits", wrap_exceptions=True) if redis_url else MemoryStorage()
        )
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.namespace = namespace

    @classmethod
    def from_env(cls, database_url: str = "") -> RateLimits:
        """The server's budgets: the settings of ``BUDGETS``, shared through REDIS_URL when it is set."""
        namespace = hashlib.sha1(database_url.encode()).hexdigest()[:10] if database_url else ""
        return cls(rules_from_env(), redis_url=os.environ.get("REDIS_URL") or None, namespace=namespace)

    def spend(self, costs: Mapping[str, int], who: str) -> tuple[str, float] | None:
        """Count each budget's cost for ``who``, all or none: None when allowed, else (budget, seconds to wait).

        When Redis is unreachable the request is allowed (and the outage logged): an outage of the counters
        must not take every channel down with it; the caps on places and the keypads hold regardless.
        """
        try:
            return self._spend(costs, who)
        except StorageError as exc:
            log.warning("rate limits unavailable (%s); allowing the request", type(exc).__name__)
            return None

    def _spend(self, costs: Mapping[str, int], who: str) -> tuple[str, float] | None:
        counted = [(budget, item) for budget, cost in costs.items() if cost for item in self.rules.get(budget, ())]
        if len(counted) > 1 and (refused := self._check(costs, who)) is not None:
            return refused  # several limits: test them all before counting any
        for budget, cost in costs.items():
            for item in self.rules.get(budget, ()) if cost else ():
                if not self.strategy.hit(item, self.namespace, budget, who, cost=cost):
                    return budget, self._wait(item, budget, who)  # lost a race with another worker: counted, refused
        return None

    def check(self, costs: Mapping[str, int], who: str) -> tuple[str, float] | None:
        """As ``spend``, counting nothing."""
        try:
            return self._check(costs, who)
        except StorageError as exc:
            log.warning("rate limits unavailable (%s); allowing the request", type(exc).__name__)
            return None

    def _check(self, costs: Mapping[str, int], who: str) -> tuple[str, float] | None:
        for budget, cost in costs.items():
            for item in self.rules.get(budget, ()) if cost else ():
                if not self.strategy.test(item, self.namespace, budget, who, cost=cost):
                    return budget, self._wait(item, budget, who)
        return None

    def _wait(self, item: RateLimitItem, budget: str, who: str) -> float:
        reset = self.strategy.get_window_stats(item, self.namespace, budget, who).reset_time
        return max(1.0, reset - time.time())


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key: a flood guard before a sender is known."""

    def __init__(self, name: str, limit: int, window: int = 60, redis_url: str | None = None) -> None:
        url = redis_url if redis_url is not None else os.environ.get("REDIS_URL")
        self.name = name
        self.limits = RateLimits({name: [RateLimitItemPerSecond(limit, window)]}, redis_url=url or None)

    def allow(self, key: str) -> bool:
        return self.limits.spend({self.name: 1}, key) is None


class People:
    """The person behind a sender's handle (email or phone), remembered: budgets are the person's, not the channel's."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._known: dict[str, str] = {}
        self._guard = threading.Lock()

    def key(self, handle: str) -> str:
        known = self._known.get(handle)
        if known is not None:
            return known
        with self.database.session() as session:
            person_id = person_id_by_contact(session, handle)
        if person_id is None:
            return f"sender:{handle}"  # not remembered: once the person is added, their budget is theirs
        key = f"person:{person_id}"
        with self._guard:
            if len(self._known) > 100_000:
                self._known.clear()
            self._known[handle] = key
        return key
