"""CPU per chat message of the web app in this process: a steady figure where wall-clock throughput is not.

``bench.web`` measures the production path from outside (msg/s, p99, the server's CPU per message, Slack's acks
included); on a machine shared with other work its wall figures swing. This posts the same conversation mix to
``POST /api/chat`` through the ASGI app in one process, one message at a time with the turn run inline (no
thread pool, so a profiler sees it all), and prints the CPU milliseconds per message and the statements and
Redis commands per message. Under ``valgrind --tool=callgrind --instr-atstart=no`` it switches instrumentation
on for the measured messages only, so callgrind's instruction count divided by ``--messages`` is exact::

    python -m bench.turn_cpu --db postgresql+psycopg://postgres@127.0.0.1/bench --redis redis://127.0.0.1:6379/5
    valgrind --tool=callgrind --instr-atstart=no python -m bench.turn_cpu --messages 200 --db ... --redis ...

The database is emptied and the demo property loaded into it first (PostgreSQL: give a database of its own).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 100


class _Inline:
    """The turn in the calling thread: what is measured and profiled is all on one thread."""

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the awaiting endpoint, as the pool would
            future.set_exception(exc)
        return future


def _under_callgrind(on: bool) -> None:
    """Instrumentation on or off when valgrind runs this process (its preload is in the environment)."""
    if "vgpreload" in os.environ.get("LD_PRELOAD", "") and shutil.which("callgrind_control"):
        subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())], check=False, capture_output=True)


def _empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


async def _run(app: Any, mix: list[tuple[str, str]], count: int, profile: str | None) -> dict[str, Any]:
    import httpx
    from sqlalchemy import event

    statements: Counter[str] = Counter()
    database = app.state.database

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:

        async def one(i: int) -> None:
            sender, message = mix[i % len(mix)]
            response = await client.post("/api/chat", json={"message": message, "as": sender})
            answer = response.json()
            if response.status_code != 200 or str(answer.get("reply", "")).startswith("Something went wrong"):
                raise SystemExit(f"{response.status_code} {sender}: {message!r} -> {str(answer)[:300]}")

        for i in range(WARM_UP):
            await one(i)
        event.listen(database.engine, "before_cursor_execute", lambda _c, _cur, statement, *_: statements.update([statement.split()[0]]))
        redis_before = _redis_calls()
        profiler = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        _under_callgrind(True)
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(WARM_UP, WARM_UP + count):
            await one(i)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        _under_callgrind(False)
        if profiler is not None and profile:
            profiler.stop()
            Path(profile).write_text(profiler.output_html() if profile.endswith(".html") else profiler.output_text())
    redis_after = _redis_calls()
    return {
        "cpu_ms_per_msg": round(cpu * 1000 / count, 3),
        "wall_ms_per_msg": round(wall * 1000 / count, 3),
        "statements_per_msg": round(sum(statements.values()) / count, 2),
        "statements": {k: round(v / count, 2) for k, v in statements.most_common()},
        "redis_commands_per_msg": None if redis_after is None or redis_before is None else round((redis_after - redis_before) / count, 2),
        "messages": count,
    }


def _redis_calls() -> int | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    import redis

    stats = redis.Redis.from_url(url).info("commandstats")
    return sum(int(v["calls"]) for k, v in stats.items() if not k.startswith("cmdstat_info"))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.turn_cpu", description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--db", help="Database URL (default: a fresh SQLite file); it is emptied first.")
    parser.add_argument("--redis", help="REDIS_URL for conversation state (default: in process).")
    parser.add_argument("--profile", help="Write a pyinstrument profile of the measured messages here (.html or text).")
    args = parser.parse_args()
    from bench.web import FIXTURE, _mix
    from bot.web.ratelimit import BUDGETS

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        if db.startswith("postgres"):
            _empty_postgres(db)
        os.environ.update({"CONCIERGE_DEMO": "1", "CONCIERGE_SECRET": "bench", "DATABASE_URL": db})
        os.environ.update(dict.fromkeys((setting for setting, _ in BUDGETS.values()), "off"))
        os.environ.pop("REDIS_URL", None)
        if args.redis:
            os.environ["REDIS_URL"] = args.redis
        subprocess.run([sys.executable, "-m", "bot.cli", "load", str(FIXTURE), "--db", db], check=True, cwd=ROOT, capture_output=True)
        from bot import bootstrap

        app = bootstrap.web_app(slack=False)
        app.state.turns.warm()
        app.state.turns.executor = _Inline()
        result = asyncio.run(_run(app, _mix("full"), args.messages, args.profile))
    where = ("PostgreSQL" if db.startswith("postgres") else "SQLite") + (" + Redis" if args.redis else "")
    print(
        f"{result['messages']} messages in process ({where}): CPU {result['cpu_ms_per_msg']} ms per message, "
        f"{result['statements_per_msg']} statements, {result['redis_commands_per_msg']} Redis commands"
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
