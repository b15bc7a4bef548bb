"""Page sessions live on the server: a cookie copied before sign-out stops working at sign-out, and revoking a
token (`concierge token revoke`) refuses it, and the sessions it signed in, from the next request on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from access_core.db import Database
from bot.cli import app as cli
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token

BEN, JANE = "ben.carter@harbor.example", "jane.park@example.com"


@pytest.fixture
def client(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("CONCIERGE_SECRET", "sessions-test-secret")
    monkeypatch.delenv("CONCIERGE_DEMO", raising=False)
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as test_client:
        yield test_client


def signed_in_cookie(client: TestClient, token: str) -> str:
    answer = client.post("/api/session", json={"token": token})
    assert answer.status_code == 200, answer.text
    client.headers["x-csrf-token"] = answer.json()["csrf"]  # the page's scripts send it with every change
    return client.cookies["concierge_session"]


def as_cookie(client: TestClient, cookie: str) -> str | None:
    client.cookies.clear()
    client.cookies.set("concierge_session", cookie)
    person: str | None = client.get("/api/session").json()["person"]
    return person


def test_a_cookie_copied_before_sign_out_stops_working_at_sign_out(client: TestClient, foundry: Database) -> None:
    copied = signed_in_cookie(client, issue_token(foundry, JANE))
    assert client.get("/api/session").json()["person"] == JANE
    assert client.get("/api/v1/grants").status_code == 200
    assert client.delete("/api/session").status_code == 200
    assert as_cookie(client, copied) is None
    assert client.get("/api/v1/grants").status_code == 401
    assert client.post("/api/chat", json={"message": "help"}).status_code == 401


def test_revoking_a_token_refuses_it_and_its_sessions_at_once(client: TestClient, foundry: Database) -> None:
    token = issue_token(foundry, BEN, "laptop")
    other = issue_token(foundry, BEN, "phone")
    cookie = signed_in_cookie(client, token)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/keys", headers=bearer).status_code == 200

    listed = CliRunner().invoke(cli, ["token", "list", "--as", BEN, "--db", foundry.url])
    assert listed.exit_code == 0, listed.output
    assert token not in listed.output and "laptop" in listed.output and "phone" in listed.output
    laptop_id = next(line.split()[0] for line in listed.output.splitlines() if line.endswith("laptop"))

    revoked = CliRunner().invoke(cli, ["token", "revoke", laptop_id, "--db", foundry.url])
    assert revoked.exit_code == 0 and "revoked" in revoked.output, revoked.output
    assert client.get("/api/v1/keys", headers=bearer).status_code == 401
    assert as_cookie(client, cookie) is None
    assert client.post("/api/session", json={"token": token}).status_code == 403
    assert client.get("/api/v1/keys", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    listed = CliRunner().invoke(cli, ["token", "list", "--db", foundry.url]).output
    assert any(line.startswith(laptop_id) and "revoked" in line for line in listed.splitlines())


def test_revoke_takes_the_token_itself_and_refuses_what_names_nothing(client: TestClient, foundry: Database) -> None:
    token = issue_token(foundry, JANE)
    assert CliRunner().invoke(cli, ["token", "revoke", token, "--db", foundry.url]).exit_code == 0
    assert client.get("/api/v1/grants", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    for junk in ("cgt_not-a-token", "abc", "ffffffffffff"):
        assert CliRunner().invoke(cli, ["token", "revoke", junk, "--db", foundry.url]).exit_code == 1


def test_a_forged_or_old_style_cookie_signs_nobody_in(client: TestClient, foundry: Database) -> None:
    import base64
    import json

    from itsdangerous import TimestampSigner

    old_style = TimestampSigner("sessions-test-secret").sign(base64.b64encode(json.dumps({"person": BEN}).encode())).decode()
    assert as_cookie(client, old_style) is None
    made_up = TimestampSigner("sessions-test-secret").sign(base64.b64encode(json.dumps({"sid": "guess"}).encode())).decode()
    assert as_cookie(client, made_up) is None
