"""Per-person limits on chat turns, door codes, shares and bookings: one budget per person across channels
and workers, a clear refusal (429 with Retry-After on REST, status refused in chat), never a half-made change."""

from __future__ import annotations

import os
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from access_core import budgets
from access_core.commands import from_op
from access_core.db import Database
from access_core.models import Doorcode, GuestShare
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token
from bot.web.ratelimit import RateLimits
from bot.web.turns import Turns

JANE, JANE_PHONE, LUCIA = "jane.park@example.com", "+17185550142", "lucia.romero@example.com"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def test_one_person_has_one_turn_budget_over_every_channel(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCIERGE_LIMIT_TURNS", "3/minute")
    turns = Turns(foundry, store=MemoryStore())
    answers = [turns.turn("web", JANE, "help"), turns.turn("sms", JANE_PHONE, "help"), turns.turn("slack", JANE, "help")]
    assert all(a["status"] != "refused" for a in answers)
    limited = turns.turn("sms", JANE_PHONE, "help")
    assert limited["status"] == "refused" and "sending messages too quickly" in limited["reply"]
    assert turns.turn("web", LUCIA, "help")["status"] != "refused"  # someone else's budget is their own


def test_rest_answers_429_with_retry_after_and_makes_nothing(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCIERGE_LIMIT_DOORCODES", "2/day")
    client = TestClient(create_app(foundry, store=MemoryStore(), slack=False))
    lucia = {"Authorization": f"Bearer {issue_token(foundry, LUCIA)}"}
    code = {"op": "create_doorcode", "key": "Resident 2A", "date": "2030-01-10"}
    assert [client.post("/api/v1/operations", headers=lucia, json=code).status_code for _ in range(2)] == [200, 200]
    refused = client.post("/api/v1/operations", headers=lucia, json=code)
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 86_400
    assert "as many door codes as you may" in refused.json()["detail"]
    with foundry.session() as session:
        assert session.scalar(select(func.count()).select_from(Doorcode).where(Doorcode.granter.has(email=LUCIA))) == 2


def test_chat_refuses_politely_once_the_budget_is_spent(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCIERGE_LIMIT_SHARES", "1/hour")
    app = create_app(foundry, store=MemoryStore(), slack=False)
    turns: Turns = app.state.turns
    ask = "share my apartment with +17185550123 from 2030-01-10 10:00 until 2030-01-10 18:00"
    first = turns.turn("web", LUCIA, ask)
    assert first["status"] == "confirm", first
    assert turns.turn("web", LUCIA, "yes")["status"] == "done"
    again = turns.turn("web", LUCIA, ask)
    assert again["status"] == "refused" and "shared keys as often as you may" in again["reply"], again
    with foundry.session() as session:
        assert session.scalar(select(func.count()).select_from(GuestShare).where(GuestShare.granter.has(email=LUCIA))) == 1


def test_a_plan_over_budget_is_refused_whole() -> None:
    limits = RateLimits({"doorcodes": "2/day", "shares": "5/day"})
    who = budgets.person_key(7)
    assert limits.spend({"doorcodes": 1}, who) is None
    refused = limits.spend({"shares": 1, "doorcodes": 2}, who)
    assert refused is not None and refused[0] == "doorcodes"
    assert limits.spend({"shares": 5}, who) is None  # the refused plan counted nothing


def test_without_a_server_nothing_is_counted() -> None:
    budgets.install(None)
    code = from_op({"op": "create_doorcode", "key": "Common Door Key", "date": "2026-12-02"})
    booking = from_op(
        {"op": "reserve_amenity", "amenity": "Roof Deck", "starts_at": "2026-12-05T18:00:00-05:00", "ends_at": "2026-12-05T19:00:00-05:00"}
    )
    budgets.charge(1, [code] * 1000)  # `concierge chat` and the benchmarks install no meter
    budgets.install(RateLimits({"doorcodes": "off", "bookings": "none"}))
    budgets.charge(1, [code, booking] * 1000)


@pytest.mark.redis
def test_workers_share_a_budget_through_redis() -> None:
    namespace = f"test-{uuid.uuid4().hex}"
    first, second = (RateLimits({"turns": "3/minute"}, redis_url=REDIS_URL, namespace=namespace) for _ in range(2))
    assert [first.spend({"turns": 1}, "person:1") for _ in range(2)] == [None, None]
    assert second.spend({"turns": 1}, "person:1") is None
    assert first.spend({"turns": 1}, "person:1") is not None
    assert second.spend({"turns": 1}, "person:2") is None


def test_an_unreachable_redis_lets_requests_through() -> None:
    limits = RateLimits({"turns": "1/minute"}, redis_url="redis://127.0.0.1:1/0")
    assert [limits.spend({"turns": 1}, "person:1") for _ in range(3)] == [None, None, None]
