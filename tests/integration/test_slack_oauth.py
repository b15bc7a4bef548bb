"""Multi-workspace install through Bolt's OAuth flow, installations and states in the app's own database (SQLite and
PostgreSQL), against the fake Slack Web API; events are then answered with the token of the workspace they come from."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fakes.http_fake import FakeServer
from fakes.slack_api import event, eventually, fake_slack, signed, token_of
from fastapi.testclient import TestClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import inspect, text

from access_core.db import Database
from bot.state import MemoryStore
from bot.web.app import create_app

SECRET = "slack-signing-secret"
CLIENT_ID = "1111.2222"
COOKIE = "slack-app-oauth-state"
SLACK_TABLES = ("slack_oauth_states", "slack_installations", "slack_bots")


def clear_slack_tables(database: Database) -> None:
    """conftest empties only the core tables between PostgreSQL tests."""
    with database.engine.begin() as connection:
        for table in SLACK_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


def rows(database: Database, sql: str) -> list[tuple[str, ...]]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


@pytest.fixture
def slack_api() -> Iterator[FakeServer]:
    with fake_slack() as fake:
        yield fake


@pytest.fixture
def client(foundry: Database, slack_api: FakeServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    clear_slack_tables(foundry)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "client-secret")
    monkeypatch.setenv("SLACK_API_URL", slack_api.url + "/api/")
    monkeypatch.setenv("SLACK_AUTHORIZATION_URL", slack_api.url + "/oauth/v2/authorize")
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_REDIRECT_URI", "SLACK_SCOPES", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    # Bolt sets the state cookie Secure, so the browser is on https.
    with TestClient(create_app(foundry, store=MemoryStore()), base_url="https://testserver") as test_client:
        yield test_client
    clear_slack_tables(foundry)


def start_install(client: TestClient) -> str:
    """GET /slack/install: a redirect to Slack's authorize page; returns the state it carries."""
    response = client.get("/slack/install", follow_redirects=False)
    assert response.status_code == 302
    state = parse_qs(urlsplit(response.headers["location"]).query)["state"][0]
    assert f"{COOKIE}={state}" in response.headers["set-cookie"]
    return state


def install(client: TestClient, code: str) -> httpx.Response:
    return client.get("/slack/oauth_redirect", params={"code": code, "state": start_install(client)}, follow_redirects=False)


def dm(event_id: str, team: str, user: str, text: str) -> str:
    return event(
        event_id,
        {"type": "message", "channel_type": "im", "channel": "D" + team, "user": user, "text": text, "ts": f"{time.time():.6f}"},
        team_id=team,
    )


def test_install_redirects_to_slacks_authorize_page_with_a_stored_state(
    client: TestClient, slack_api: FakeServer, foundry: Database
) -> None:
    response = client.get("/slack/install", follow_redirects=False)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == slack_api.url + "/oauth/v2/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    assert {"chat:write", "users:read.email", "commands", "im:history"} <= set(query["scope"][0].split(","))
    assert rows(foundry, "SELECT state FROM slack_oauth_states") == [(query["state"][0],)]
    assert f"{COOKIE}={query['state'][0]}" in response.headers["set-cookie"]


def test_two_workspaces_install_and_each_is_answered_with_its_own_token(
    client: TestClient, slack_api: FakeServer, foundry: Database
) -> None:
    assert install(client, "code-t1").status_code == 200
    assert install(client, "code-t2").status_code == 200
    assert sorted(rows(foundry, "SELECT team_id, bot_token, client_id FROM slack_installations")) == [
        ("T1", "xoxb-t1", CLIENT_ID),
        ("T2", "xoxb-t2", CLIENT_ID),
    ]
    assert sorted(rows(foundry, "SELECT team_id, bot_token, bot_id FROM slack_bots")) == [
        ("T1", "xoxb-t1", "BBOT1"),
        ("T2", "xoxb-t2", "BBOT2"),
    ]
    assert rows(foundry, "SELECT state FROM slack_oauth_states") == []  # each state is used up
    assert [c.params["code"] for c in slack_api.named("oauth.v2.access")] == ["code-t1", "code-t2"]

    # U0SAME is a stranger in T1 and Jane Park in T2.
    assert client.post("/slack/events", **signed(SECRET, dm("EvA", "T1", "U0SAME", "help"))).status_code == 200
    assert eventually(lambda: len(slack_api.named("chat.postMessage")) == 1)
    assert client.post("/slack/events", **signed(SECRET, dm("EvB", "T2", "U0SAME", "help"))).status_code == 200
    assert eventually(lambda: len(slack_api.named("chat.postMessage")) == 2)

    first, second = slack_api.named("chat.postMessage")
    assert (token_of(first), first.params["channel"]) == ("xoxb-t1", "DT1")
    assert "couldn't match" in first.params["text"]
    assert (token_of(second), second.params["channel"]) == ("xoxb-t2", "DT2")
    assert "couldn't match" not in second.params["text"]
    assert [token_of(c) for c in slack_api.named("users.info")] == ["xoxb-t1", "xoxb-t2"]


def test_a_bad_replayed_or_expired_state_is_refused_and_stores_nothing(
    client: TestClient, slack_api: FakeServer, foundry: Database
) -> None:
    def callback(state: str, cookie: str | None) -> int:
        headers = {"cookie": f"{COOKIE}={cookie}"} if cookie else {}
        client.cookies.clear()
        return client.get(
            "/slack/oauth_redirect", params={"code": "code-t1", "state": state}, headers=headers, follow_redirects=False
        ).status_code

    issued = start_install(client)
    assert callback(issued, None) == 400  # not the browser that started the install
    assert callback("forged", "forged") == 401  # never issued
    expired = SQLAlchemyOAuthStateStore(expiration_seconds=-60, engine=foundry.engine).issue()
    assert callback(expired, expired) == 401
    assert callback(issued, issued) == 200
    assert callback(issued, issued) == 401  # a state is good once
    assert len(slack_api.named("oauth.v2.access")) == 1
    assert rows(foundry, "SELECT team_id FROM slack_installations") == [("T1",)]


def test_an_event_from_a_workspace_that_never_installed_is_not_acted_on(client: TestClient, slack_api: FakeServer) -> None:
    assert install(client, "code-t1").status_code == 200
    response = client.post("/slack/events", **signed(SECRET, dm("EvC", "T2", "U0SAME", "help")))
    assert response.status_code == 200  # acked (no retries), but not answered
    assert client.post("/slack/events", **signed("wrong", dm("EvD", "T1", "UBEN", "help"))).status_code == 401
    time.sleep(0.3)
    assert slack_api.named("chat.postMessage") == [] and slack_api.named("users.info") == []


def test_the_migration_makes_the_tables_the_stores_define(database: Database) -> None:
    stores = [
        *SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=database.engine).metadata.sorted_tables,
        *SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=database.engine).metadata.sorted_tables,
    ]
    inspector = inspect(database.engine)
    for table in stores:
        migrated = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(migrated) == {c.name for c in table.columns}, table.name
        for column in table.columns:
            assert migrated[column.name]["nullable"] == (column.nullable and not column.primary_key), column.name
            assert getattr(migrated[column.name]["type"], "length", None) == getattr(column.type, "length", None), column.name
        assert {i["name"]: i["column_names"] for i in inspector.get_indexes(table.name)} == {
            i.name: [c.name for c in i.columns] for i in table.indexes
        }
