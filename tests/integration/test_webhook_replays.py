"""A signed webhook replayed (by an attacker who captured it, or by a retrying sender) is acted on once: Slack's slash
commands and events, Twilio's texts (MessageSid) and calls (CallSid); the keys are shared across workers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fakes.http_fake import FakeServer
from fakes.slack_api import fake_slack, signed
from fakes.twilio_api import fake_twilio
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from access_core.db import Database
from access_core.models import Doorcode, IntercomCallEvent
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.idempotency import SeenKeys

SECRET = "slack-signing-secret"
TWILIO = "test-auth-token"
PUBLIC = "https://concierge.example"
JANE = "+17185550142"


@pytest.fixture
def slack_api() -> Iterator[FakeServer]:
    with fake_slack() as fake:
        yield fake


@pytest.fixture
def client(foundry: Database, slack_api: FakeServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    with fake_twilio() as twilio_api:
        for name, value in {
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_API_URL": slack_api.url + "/api/",
            "TWILIO_AUTH_TOKEN": TWILIO,
            "TWILIO_ACCOUNT_SID": "ACtest",
            "TWILIO_FROM": "+15005550001",
            "TWILIO_API_URL": twilio_api.url,
            "PUBLIC_URL": PUBLIC,
        }.items():
            monkeypatch.setenv(name, value)
        for name in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "REDIS_URL"):
            monkeypatch.delenv(name, raising=False)
        with TestClient(create_app(foundry, store=MemoryStore())) as test_client:
            yield test_client


def twilio(client: TestClient, path: str, form: dict[str, str]) -> str:
    signature = RequestValidator(TWILIO).compute_signature(PUBLIC + path, form)
    answer = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200, answer.text[:300]
    return answer.text


def codes(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(Doorcode)) or 0)


def test_a_replayed_signed_sms_makes_no_second_door_code(client: TestClient, foundry: Database) -> None:
    def sms(sid: str, body: str) -> str:
        return twilio(client, "/twilio/sms", {"From": JANE, "To": "+15005550001", "Body": body, "MessageSid": sid})

    assert "yes/no" in sms("SM-ask", "send a door code for tomorrow")
    before = codes(foundry)
    assert "<Message>" in sms("SM-yes", "yes")
    assert codes(foundry) == before + 1
    assert sms("SM-ask", "send a door code for tomorrow") == sms("SM-yes", "yes")  # both replays: empty TwiML, no turn
    assert "<Message>" not in sms("SM-yes", "yes")
    assert codes(foundry) == before + 1


def test_a_replayed_signed_slash_command_runs_once(client: TestClient, slack_api: FakeServer) -> None:
    body = urlencode(
        {
            "command": "/concierge",
            "text": "help",
            "user_id": "UJANE",
            "channel_id": "C1",
            "team_id": "T1",
            "response_url": slack_api.url + "/respond",
            "trigger_id": "t1",
        }
    )
    request = signed(SECRET, body, content_type="application/x-www-form-urlencoded")
    assert client.post("/slack/events", **request).status_code == 200
    assert client.post("/slack/events", **request).status_code == 200
    deadline = time.monotonic() + 10
    while not slack_api.named("/respond") and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)
    assert len(slack_api.named("/respond")) == 1


def test_a_replayed_dial_result_is_logged_once(client: TestClient, foundry: Database) -> None:
    twilio(client, "/twilio/voice/intercom?serial=I-5001", {"CallSid": "CA-r", "From": "+15005550006"})
    dialed = {"CallSid": "CA-r", "DialCallSid": "CA-d", "DialCallStatus": "completed", "DialCallDuration": "12"}
    twilio(client, "/twilio/voice/intercom/dialed", dialed)
    twilio(client, "/twilio/voice/intercom/dialed", dialed)
    with foundry.session() as session:
        assert session.scalar(select(func.count()).select_from(IntercomCallEvent).where(IntercomCallEvent.kind == "dial_ended")) == 1


def test_seen_keys_expire_and_are_shared_through_the_database(foundry: Database) -> None:
    one, other = SeenKeys(foundry, redis_url=""), SeenKeys(foundry, redis_url="")
    assert one.first_time("sms", "SM1", ttl=3600)
    assert not other.first_time("sms", "SM1", ttl=3600)  # another worker's view: already seen
    assert other.seen("sms", "SM1") and not other.seen("sms", "SM-never")
    assert other.first_time("sms", "x" * 500, ttl=3600) and not one.first_time("sms", "x" * 500, ttl=3600)
    time.sleep(1.1)
    assert one.first_time("sms", "SM1", ttl=1)  # expired: new again, once
    assert not other.first_time("sms", "SM1", ttl=1)


@pytest.mark.redis
def test_seen_keys_are_shared_through_redis(foundry: Database) -> None:
    import os
    import uuid

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    key = uuid.uuid4().hex
    one, other = SeenKeys(foundry, redis_url=url), SeenKeys(foundry, redis_url=url)
    try:
        one.redis.ping()
    except Exception:
        pytest.fail(f"Redis is not running at {url} (start it: redis-server --daemonize yes)")
    assert not other.seen("slack", key)
    assert one.first_time("slack", key, ttl=60) and not other.first_time("slack", key, ttl=60)
    assert other.seen("slack", key)


def test_a_slack_retry_of_a_handled_event_is_acked_before_bolt(client: TestClient, slack_api: FakeServer) -> None:
    from fakes.slack_api import event

    body = event(
        "EvRetry", {"type": "message", "channel_type": "im", "channel": "D1", "user": "UJANE", "text": "help", "ts": f"{time.time():.6f}"}
    )
    first = client.post("/slack/events", **signed(SECRET, body))
    assert first.status_code == 200 and "x-slack-no-retry" not in first.headers
    deadline = time.monotonic() + 10
    while not slack_api.named("chat.postMessage") and time.monotonic() < deadline:
        time.sleep(0.02)
    retry = client.post("/slack/events", **signed(SECRET, body, retry=1))
    assert retry.status_code == 200 and retry.headers["x-slack-no-retry"] == "1"
    time.sleep(0.3)
    assert len(slack_api.named("chat.postMessage")) == 1
