"""Socket Mode: with SLACK_APP_TOKEN the web app connects to Slack's socket for as long as it runs (a local fake here),
acks each envelope over it and answers through the (fake) Web API; the connection is closed when the app stops."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest
from fakes.http_fake import FakeServer
from fakes.slack_api import event, eventually, fake_slack, signed, token_of
from fakes.slack_socket import FakeSocketMode
from fastapi.testclient import TestClient

from access_core.db import Database
from bot.state import MemoryStore
from bot.web.app import create_app


@pytest.fixture
def socket_mode() -> Iterator[FakeSocketMode]:
    with FakeSocketMode() as fake:
        yield fake


@pytest.fixture
def slack_api(socket_mode: FakeSocketMode) -> Iterator[FakeServer]:
    with fake_slack(socket_url=socket_mode.url) as fake:
        yield fake


@pytest.fixture
def socket_env(slack_api: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-test")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", slack_api.url + "/api/")
    for name in (
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


def socket_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "slack-socket-mode" and t.is_alive()]


@pytest.mark.usefixtures("socket_env")
def test_envelopes_are_acked_on_the_socket_and_answered_through_the_web_api(
    foundry: Database, socket_mode: FakeSocketMode, slack_api: FakeServer
) -> None:
    with TestClient(create_app(foundry, store=MemoryStore())) as client:
        assert socket_mode.connected.wait(10), "the app never opened the socket"
        opened = slack_api.named("apps.connections.open")
        assert len(opened) == 1 and token_of(opened[0]) == "xapp-1-test"
        assert socket_mode.requests == ["/link/?ticket=fake-ticket"]

        dm = {"type": "message", "channel_type": "im", "channel": "D1", "user": "UBEN", "text": "help", "ts": f"{time.time():.6f}"}
        envelope = socket_mode.push_event(json.loads(event("EvS1", dm)))
        assert socket_mode.ack(envelope) == {"envelope_id": envelope}
        assert eventually(lambda: len(slack_api.named("chat.postMessage")) == 1, seconds=20)
        posted = slack_api.named("chat.postMessage")[0]
        assert posted.params["channel"] == "D1" and token_of(posted) == "xoxb-test"
        assert "couldn't match" not in posted.params["text"]

        # Without a signing secret nothing over HTTP can be verified, so nothing is taken.
        assert client.post("/slack/events", **signed("any-secret", event("EvS2", dm))).status_code == 401
    assert socket_mode.closed.wait(10), "the socket was left open after shutdown"
    assert socket_threads() == []
    time.sleep(0.2)
    assert len(slack_api.named("chat.postMessage")) == 1


@pytest.mark.usefixtures("socket_env")
def test_no_socket_at_start_up_neither_blocks_the_app_nor_outlives_it(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_slack() as refusing:  # apps.connections.open hands out no URL
        monkeypatch.setenv("SLACK_API_URL", refusing.url + "/api/")
        started = time.monotonic()
        with TestClient(create_app(foundry, store=MemoryStore())) as client:
            assert client.get("/health").status_code == 200
            assert eventually(lambda: len(refusing.named("apps.connections.open")) >= 1, seconds=10)
        assert time.monotonic() - started < 10
        assert socket_threads() == []
