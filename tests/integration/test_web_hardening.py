"""Abuse from outside: oversized and malformed bodies, wrong JSON types, security headers, no CDN for /docs,
no echo of a field the core did not use. Every case on SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from fakes.slack_api import signed
from fastapi.testclient import TestClient

from access_core.db import Database
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token

BEN, JANE = "ben.carter@harbor.example", "jane.park@example.com"
SECRET = "slack-signing-secret"
HUGE = 2**70


@pytest.fixture
def client(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")  # nothing listens: Slack's API is unreachable
    for name in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "CONCIERGE_MAX_BODY_BYTES"):
        monkeypatch.delenv(name, raising=False)
    with TestClient(create_app(foundry, store=MemoryStore()), raise_server_exceptions=False) as test_client:
        yield test_client


def auth(database: Database, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(database, who)}"}


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("x", {}),
        ("payload=x", {"content-type": "application/x-www-form-urlencoded"}),
        (
            "payload=x",
            {"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": "soon", "x-slack-signature": "v0=abc"},
        ),
        ('{"type": "event_callback"', {"x-slack-request-timestamp": "12ab", "x-slack-signature": "v0=00"}),
    ],
)
def test_junk_to_slack_events_is_refused_before_parsing_and_logs_no_traceback(
    client: TestClient, caplog: pytest.LogCaptureFixture, body: str, headers: dict[str, str]
) -> None:
    with caplog.at_level(logging.DEBUG):
        answer = client.post("/slack/events", content=body, headers=headers)
    assert answer.status_code in (400, 401), answer.text
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def test_a_signed_but_malformed_slack_body_is_a_400(client: TestClient) -> None:
    answer = client.post("/slack/events", **signed(SECRET, "payload=%7Bnot-json", content_type="application/x-www-form-urlencoded"))
    assert answer.status_code == 400, answer.text


@pytest.mark.parametrize(
    "path",
    ["/api/chat", "/slack/events", "/twilio/sms", "/twilio/voice/intercom", "/webhooks/rest/webhook", "/api/v1/grants", "/api/session"],
)
def test_every_endpoint_refuses_a_body_past_the_limit(client: TestClient, path: str) -> None:
    big = b"{" + b" " * (70 * 1024) + b"}"
    answer = client.post(path, content=big, headers={"content-type": "application/json"})
    assert answer.status_code == 413 and "larger than" in answer.json()["detail"]


def test_a_streamed_body_is_counted_as_it_arrives(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 1024

    answer = client.post("/api/chat", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413


def test_the_limit_is_configurable(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCIERGE_MAX_BODY_BYTES", "100")
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as small:
        assert small.post("/api/chat", json={"message": "x" * 200, "as": BEN}).status_code == 413
        assert small.post("/api/chat", json={"message": "hi", "as": BEN}).status_code != 413


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/operations", {"op": "buy_experience", "experience": "Rooftop Wine Tasting", "quantity": "lots"}),
        ("/api/v1/operations", {"op": "buy_experience", "experience": "Rooftop Wine Tasting", "quantity": HUGE}),
        ("/api/v1/operations", {"op": "reserve_amenity", "amenity": "Roof Deck", "starts_at": 5, "ends_at": []}),
        ("/api/v1/people", {"name": "N" * 10_000, "email": "long@example.com"}),
        ("/api/v1/keys", {"name": "K" * 10_000, "doors": ["Gym"]}),
        ("/api/v1/grants", {"person": "p" * 10_000, "key": "Resident 3A"}),
        ("/api/v1/reservations", {"amenity": "Roof Deck", "starts_at": "soon", "ends_at": "later"}),
        ("/api/v1/operations", {"op": "deactivate_keycard", "serial": HUGE}),
        ("/api/v1/operations", {"op": "invite_person", "name": "N" * 10_000, "email": "n@example.com"}),
    ],
)
def test_wrong_types_and_huge_values_are_a_clear_4xx(client: TestClient, foundry: Database, path: str, body: dict[str, object]) -> None:
    for who in (BEN, JANE):
        answer = client.post(path, json=body, headers=auth(foundry, who))
        assert 400 <= answer.status_code < 500, answer.text[:300]
        assert answer.json()["detail"] and len(answer.content) < 3_000


@pytest.mark.parametrize("path", [f"/api/agent/calls/{HUGE}", "/api/agent/calls/abc", f"/api/agent/calls/{-HUGE}/answer"])
def test_ids_beyond_64_bits_or_not_numbers_are_a_4xx(client: TestClient, foundry: Database, path: str) -> None:
    method = client.post if path.endswith("answer") else client.get
    answer = method(path, headers=auth(foundry, "kim.tran@callcenter.example"))
    assert 400 <= answer.status_code < 500, answer.text[:300]


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/concierge", "/concierge/agent", "/health", "/api/session", "/openapi.json", "/docs", "/nowhere"):
        headers = client.get(path).headers
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert client.post("/api/chat", content=b"x" * 100_000).headers["x-frame-options"] == "DENY"


def test_docs_load_nothing_from_another_host(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_a_booking_for_someone_else_is_refused_not_echoed(client: TestClient, foundry: Database) -> None:
    body = {"amenity": "Roof Deck", "starts_at": "2026-12-05T18:00:00-05:00", "ends_at": "2026-12-05T19:00:00-05:00"}
    jane = auth(foundry, JANE)
    other = client.post("/api/v1/reservations", headers=jane, json={**body, "person": "priya.shah@example.com"})
    assert other.status_code == 422 and "only be made for yourself" in other.text
    other_op = client.post("/api/v1/operations", headers=jane, json={"op": "reserve_amenity", **body, "person": "priya.shah@example.com"})
    assert other_op.status_code == 422
    mine = client.post("/api/v1/reservations", headers=jane, json={**body, "person": JANE})
    assert mine.status_code == 201, mine.text
    assert mine.json()["operation"]["person"] == JANE


def test_hsts_when_served_over_https(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_URL", "https://concierge.example")
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as secure:
        assert secure.get("/health").headers["strict-transport-security"].startswith("max-age=31536000")
