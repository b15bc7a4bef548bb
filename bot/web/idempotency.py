"""Webhook idempotency: a key seen once (a Slack event id or signature, a Twilio MessageSid) is acted on once.

Keys expire after a while; they are kept in Redis when REDIS_URL is set, else in the database, so every worker
process sees every other's.
"""

from __future__ import annotations

import hashlib
import os
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from access_core.db import Database
from bot.web.models import HandledEvent

DAY = 24 * 3600
KEY_LENGTH = 100


def _short(key: str) -> str:
    return key if len(key) <= KEY_LENGTH else hashlib.sha256(key.encode()).hexdigest()


class SeenKeys:
    """``first_time(channel, key)`` is True once per key within ``ttl`` seconds, across processes."""

    def __init__(self, database: Database, redis_url: str | None = None) -> None:
        self.database = database
        url = redis_url if redis_url is not None else os.environ.get("REDIS_URL")
        self.redis: Any = None
        if url:
            import redis

            self.redis = redis.Redis.from_url(url)

    def first_time(self, channel: str, key: str, ttl: int = 2 * DAY) -> bool:
        key = _short(key)
        if self.redis is not None:
            return bool(self.redis.set(f"concierge:seen:{channel}:{key}", b"1", nx=True, ex=ttl))
        now = datetime.now(UTC)
        try:
            with self.database.session() as session:
                if random.random() < 0.01:
                    session.execute(delete(HandledEvent).where(HandledEvent.at < now - timedelta(days=2)))
                session.add(HandledEvent(channel=channel, event_id=key, at=now))
        except IntegrityError:
            return self._expired(channel, key, now, ttl)
        return True

    def seen(self, channel: str, key: str, ttl: int = 2 * DAY) -> bool:
        """Whether ``key`` was recorded within ``ttl`` seconds, without recording it."""
        key = _short(key)
        if self.redis is not None:
            return bool(self.redis.exists(f"concierge:seen:{channel}:{key}"))
        with self.database.session() as session:
            at = session.scalar(select(HandledEvent.at).where(HandledEvent.channel == channel, HandledEvent.event_id == key))
            return at is not None and at >= datetime.now(UTC) - timedelta(seconds=ttl)

    def _expired(self, channel: str, key: str, now: datetime, ttl: int) -> bool:
        """A key seen longer than ``ttl`` ago counts as new again; one process wins the update."""
        with self.database.session() as session:
            renewed = session.execute(
                update(HandledEvent)
                .where(HandledEvent.channel == channel, HandledEvent.event_id == key, HandledEvent.at < now - timedelta(seconds=ttl))
                .values(at=now)
            )
            return bool(getattr(renewed, "rowcount", 0))
