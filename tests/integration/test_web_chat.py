"""The web channel on the ASGI app: sign-in, /api/chat through confirm, Rasa's REST channel, tokens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from access_core.db import Database
from access_core.models import Grant, Key, Person
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token

BEN = "ben.carter@harbor.example"
GRANT = "give Priya Shah the Resident 3A key from Jan 1 2027 as a resident"


@pytest.fixture
def client(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("CONCIERGE_DEMO", "1")
    monkeypatch.delenv("REST_CHANNEL_TOKEN", raising=False)
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as test_client:
        yield test_client


def _has_grant(database: Database, email: str, key: str) -> bool:
    with database.session() as session:
        return (
            session.scalar(
                select(Grant.id).join(Person, Grant.person_id == Person.id).join(Key).where(Person.email == email, Key.name == key)
            )
            is not None
        )


def test_sign_in_ask_confirm_yes_makes_the_grant(client: TestClient, foundry: Database) -> None:
    assert client.post("/api/chat", json={"message": "help"}).status_code == 401
    people = client.get("/api/session").json()["people"]
    assert BEN in [p["handle"] for p in people]
    signed = client.post("/api/session", json={"as": BEN}).json()
    assert signed["person"] == BEN
    assert client.post("/api/chat", json={"message": GRANT}).status_code == 403  # a cookie alone is not enough
    client.headers["x-csrf-token"] = signed["csrf"]

    planned = client.post("/api/chat", json={"message": GRANT}).json()
    assert planned["status"] == "confirm"
    assert planned["operations"][0]["op"] == "grant_key"
    assert not _has_grant(foundry, "priya.shah@example.com", "Resident 3A")

    done = client.post("/api/chat", json={"message": "yes"}).json()
    assert done["status"] == "done"
    assert _has_grant(foundry, "priya.shah@example.com", "Resident 3A")


def test_the_page_and_its_sections(client: TestClient) -> None:
    assert client.get("/concierge", follow_redirects=False).headers["location"] == "/signin?next=/concierge"
    client.post("/api/session", json={"as": BEN})
    page = client.get("/concierge")
    assert page.status_code == 200 and "Submit a Request" in page.text and 'role="log"' in page.text
    assert "The Foundry" in page.text
    assert '<a href="/people">People</a>' in page.text  # help for a manager's sections, pointing at their pages
    assert 'name="upgrade" value="latch_camera"' in page.text and "Latch Camera" in page.text
    assert client.get("/api/concierge").status_code == 404  # the old page's JSON went with it
    assert client.get("/health").json()["status"] == "ok"
    assert client.post("/slack/events", json={}).status_code == 401


def test_demo_sign_in_is_refused_outside_demo_mode(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONCIERGE_DEMO", raising=False)
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as client:
        assert client.post("/api/session", json={"as": BEN}).status_code == 403
        assert client.post("/api/chat", json={"message": "help", "as": BEN}).status_code == 401
        assert client.post("/api/session", json={"token": "cgt_wrong"}).status_code == 403
        token = issue_token(foundry, BEN)
        signed = client.post("/api/session", json={"token": token}).json()
        assert signed["person"] == BEN
        assert client.post("/api/chat", json={"message": "help"}, headers={"x-csrf-token": signed["csrf"]}).json()["status"] == "answer"
        assert client.post("/webhooks/rest/webhook", json={"sender": BEN, "message": "help"}).status_code == 403


def test_rasa_rest_channel_keeps_a_conversation_per_sender(client: TestClient, foundry: Database) -> None:
    out = client.post("/webhooks/rest/webhook", json={"sender": BEN, "message": GRANT}).json()
    assert out[0]["recipient_id"] == BEN
    assert [b["payload"] for b in out[0]["buttons"]] == ["yes", "no"]
    done = client.post("/webhooks/rest/webhook", json={"sender": BEN, "message": "yes"}).json()
    assert "buttons" not in done[0]
    assert _has_grant(foundry, "priya.shah@example.com", "Resident 3A")


@pytest.mark.redis
def test_two_workers_share_the_conversation_through_redis(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import uuid

    from bot.state import RedisStore

    monkeypatch.setenv("CONCIERGE_DEMO", "1")
    prefix = f"concierge:test:{uuid.uuid4().hex}:"
    store = RedisStore("redis://127.0.0.1:6379/0", prefix=prefix)
    first = TestClient(create_app(foundry, store=store, slack=False))
    second = TestClient(create_app(foundry, store=RedisStore("redis://127.0.0.1:6379/0", prefix=prefix), slack=False))
    with first, second:
        assert first.post("/api/chat", json={"message": GRANT, "as": BEN}).json()["status"] == "confirm"
        assert second.post("/api/chat", json={"message": "yes", "as": BEN}).json()["status"] == "done"
    assert _has_grant(foundry, "priya.shah@example.com", "Resident 3A")
    store.redis.delete(*store.redis.keys(prefix + "*") or ["none"])


def test_100_kb_of_junk_is_a_short_clear_error(client: TestClient) -> None:
    for size, status in ((3_000, 422), (33_000, 413)):  # too long a message; past the body limit
        junk = "\u202e<script>" + "x\x00y" * size
        for path, body in (
            ("/api/chat", {"message": junk, "as": "ben.carter@harbor.example"}),
            ("/webhooks/rest/webhook", {"sender": "ben.carter@harbor.example", "message": junk}),
        ):
            answer = client.post(path, json=body)
            assert answer.status_code == status and len(answer.content) < 1_000, answer.text[:200]
            if status == 422:
                assert answer.json()["detail"][0]["msg"] == "String should have at most 4000 characters"
    broken = client.post("/api/chat", content=b"\xff" * 60_000, headers={"content-type": "application/json"})
    assert broken.status_code in (400, 422) and len(broken.content) < 1_000
