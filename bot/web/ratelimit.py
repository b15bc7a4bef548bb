"""Fixed-window rate limits per sender: in Redis when REDIS_URL is set, else in this process."""

from __future__ import annotations

import os
import threading
import time


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key."""

    def __init__(self, name: str, limit: int, window: int = 60, redis_url: str | None = None) -> None:
        self.name, self.limit, self.window = name, limit, window
        url = redis_url if redis_url is not None else os.environ.get("REDIS_URL")
        self.redis = None
        if url:
            import redis

            self.redis = redis.Redis.from_url(url)
        self.counts: dict[str, tuple[int, int]] = {}
        self.lock = threading.Lock()

    def allow(self, key: str) -> bool:
        bucket = int(time.time() // self.window)
        if self.redis is not None:
            name = f"concierge:rate:{self.name}:{key}:{bucket}"
            pipe = self.redis.pipeline()
            pipe.incr(name)
            pipe.expire(name, self.window * 2)
            count = int(pipe.execute()[0])
            return count <= self.limit
        with self.lock:
            seen_bucket, count = self.counts.get(key, (bucket, 0))
            count = count + 1 if seen_bucket == bucket else 1
            if len(self.counts) > 50_000:
                self.counts = {k: v for k, v in self.counts.items() if v[0] == bucket}
            self.counts[key] = (bucket, count)
            return count <= self.limit
