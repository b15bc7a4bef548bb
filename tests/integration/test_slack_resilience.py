"""Slack down or half-configured takes nothing else down: the app starts, the other channels answer, Slack is retried
in the background and each channel's state is on `/health`."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from fakes.http_fake import Call, FakeServer
from fastapi.testclient import TestClient
from slack_sdk import WebClient
from twilio.request_validator import RequestValidator

from access_core.db import Database
from bot.slack_app import TokenCheck
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.health import ChannelStates

TWILIO = "test-auth-token"
PUBLIC = "https://concierge.example"
UNREACHABLE = "http://127.0.0.1:9/api/"


def slack_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_SIGNING_SECRET",
        "SLACK_API_URL",
        "REDIS_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"TWILIO_AUTH_TOKEN": TWILIO, "TWILIO_ACCOUNT_SID": "ACtest", "PUBLIC_URL": PUBLIC, **values}.items():
        monkeypatch.setenv(name, value)


def twilio(client: TestClient, path: str, form: dict[str, str]) -> int:
    signature = RequestValidator(TWILIO).compute_signature(PUBLIC + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature}).status_code


def eventually(check: object, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def unreachable(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    slack_env(monkeypatch, SLACK_SIGNING_SECRET="secret", SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=UNREACHABLE)
    with TestClient(create_app(foundry, store=MemoryStore())) as client:
        yield client


def test_with_slack_unreachable_the_app_starts_and_every_other_channel_answers(unreachable: TestClient) -> None:
    client = unreachable
    turn = client.post("/api/chat", json={"message": "help", "as": "ben.carter@harbor.example"})
    assert turn.status_code == 401  # the web chat answers (no demo sign-in here)
    assert twilio(client, "/twilio/sms", {"From": "+17185550142", "Body": "help", "MessageSid": "SM1"}) == 200
    assert twilio(client, "/twilio/voice/intercom?serial=I-5001", {"CallSid": "CA1", "From": "+15005550006"}) == 200
    assert eventually(lambda: client.get("/health").json()["channels"]["slack"]["state"] == "down")
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json()["channels"]["web"] == {"state": "up"} and health.json()["channels"]["sms"] == {"state": "up"}
    assert "unreachable" in health.json()["channels"]["slack"]["detail"]


def test_a_signing_secret_without_a_token_is_named_in_one_line(
    foundry: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    slack_env(monkeypatch, SLACK_SIGNING_SECRET="secret")
    with caplog.at_level(logging.INFO), TestClient(create_app(foundry, store=MemoryStore())) as client:
        assert twilio(client, "/twilio/sms", {"From": "+17185550142", "Body": "help", "MessageSid": "SM2"}) == 200
        slack = client.get("/health").json()["channels"]["slack"]
        assert slack["state"] == "misconfigured" and "SLACK_BOT_TOKEN" in slack["detail"]
        assert client.post("/slack/events", content="{}").status_code == 503
    named = [r for r in caplog.records if "SLACK_BOT_TOKEN" in r.getMessage()]
    assert len(named) == 1 and "\n" not in named[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]


def test_the_token_check_retries_until_slack_answers() -> None:
    answers = iter([503, 503])

    def answer(call: Call) -> tuple[int, object]:
        status = next(answers, 200)
        return status, {"ok": status == 200, **({} if status == 200 else {"error": "service_unavailable"})}

    states = ChannelStates()
    with FakeServer(answer) as slack:
        check = TokenCheck(WebClient(token="xoxb-test", base_url=slack.url + "/api/"), states, retry_seconds=0.05)
        check.start()
        assert eventually(lambda: getattr(states.get("slack"), "state", None) == "up")
        check.stop()
        assert len(slack.named("auth.test")) == 3


def test_a_token_slack_refuses_is_reported_and_not_retried() -> None:
    states = ChannelStates()
    with FakeServer(lambda call: (200, {"ok": False, "error": "invalid_auth"})) as slack:
        check = TokenCheck(WebClient(token="xoxb-bad", base_url=slack.url + "/api/"), states, retry_seconds=0.05)
        check.run()
        state = states.get("slack")
        assert state is not None and state.state == "misconfigured" and "invalid_auth" in state.detail
        assert len(slack.named("auth.test")) == 1
