"""`concierge serve --workers 2` on PostgreSQL and Redis: a conversation continues whichever worker takes the next message."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from e2e_support import fixture_file, free_port, stop
from sqlalchemy import create_engine, text

from bot.web.readiness import wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
MANAGER = "ben.carter@harbor.example"


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[str]:
    schema = f"t_workers_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    db = f"{PG_URL}?options=-csearch_path%3D{schema}"
    env = {
        **os.environ,
        "CONCIERGE_DEMO": "1",
        "CONCIERGE_SECRET": "workers-secret",
        "REDIS_URL": REDIS_URL,
        "CONCIERGE_REDIS_PREFIX": f"test:{schema}:",
    }
    if os.environ.get("WORKERS_TEST_WITHOUT_REDIS"):  # to see the test fail: state in each worker's memory only
        env.pop("REDIS_URL")
    for name in ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL"):
        env.pop(name, None)
    concierge = [sys.executable, "-m", "bot.cli"]
    log = (tmp_path / "serve.log").open("wb")
    server = None
    try:
        subprocess.run([*concierge, "load", str(fixture_file()), "--db", db], check=True, cwd=ROOT, env=env, capture_output=True)
        port = free_port()
        server = subprocess.Popen(
            [*concierge, "serve", "--port", str(port), "--db", db, "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, server)
        yield base
    finally:
        if server is not None:
            stop(server)
        log.close()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def _say(base: str, message: str) -> dict[str, object]:
    # a fresh connection per message, so the two workers share the messages between them
    with httpx.Client(base_url=base, timeout=30) as client:
        response = client.post("/api/chat", json={"message": message, "as": MANAGER})
    response.raise_for_status()
    answer: dict[str, object] = response.json()
    return answer


def test_a_conversation_continues_on_whichever_worker_answers(two_workers: str) -> None:
    """Ten two-turn conversations: with state only in one worker, about half the second turns would be lost."""
    for _ in range(10):
        _say(two_workers, "cancel")  # whatever the last round left proposed
        first = _say(two_workers, "give Priya Shah access from January 1")
        assert first["status"] == "ask", first
        second = _say(two_workers, "Resident 3A, she's the tenant")
        assert second["status"] == "confirm", second
        assert any(op.get("key") == "Resident 3A" and op.get("resident") is True for op in second["operations"]), second  # type: ignore[attr-defined, union-attr]
