"""A lockdown is posted to the property's managers on Slack with a Lift button that plans, confirms and checks
permission like any change (against the local fake of Slack's Web API)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fakes.http_fake import Call, FakeServer
from fakes.slack_api import fake_slack, interaction, signed
from fastapi.testclient import TestClient
from slack_sdk import WebClient
from sqlalchemy import select

from access_core.db import Database
from access_core.events import PropertyAlert
from access_core.models import Lockdown, Property
from bot.lockdown_alerts import LIFT_ACTION, post_alert
from bot.state import MemoryStore
from bot.web.app import create_app
from tests.integration.test_slack import SECRET, dm, eventually

CHANNEL = "C-ALERTS"


@pytest.fixture
def slack_api() -> Iterator[FakeServer]:
    with fake_slack() as fake:
        yield fake


@pytest.fixture
def client(foundry: Database, slack_api: FakeServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", slack_api.url + "/api/")
    monkeypatch.setenv("SLACK_ALERTS_CHANNEL", CHANNEL)
    for name in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with TestClient(create_app(foundry, store=MemoryStore())) as test_client:
        yield test_client


def blocks_of(params: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = params["blocks"]
    return blocks if isinstance(blocks, list) else json.loads(blocks)  # type: ignore[no-any-return]


def press(client: TestClient, user: str, action: dict[str, Any], channel: str) -> None:
    click = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T1"},
        "channel": {"id": channel},
        "message": {"ts": "1.1", "text": ""},
        "trigger_id": "t1",
        "actions": [{**action, "type": "button"}],
    }
    body = interaction(click)
    assert client.post("/slack/events", **signed(SECRET, body, content_type="application/x-www-form-urlencoded")).status_code == 200


def posts_to(slack_api: FakeServer, channel: str) -> list[dict[str, Any]]:
    return [c.params for c in slack_api.named("chat.postMessage") if c.params.get("channel") == channel]


def locked(database: Database) -> bool:
    with database.session() as session:
        return session.scalar(select(Lockdown.id).where(Lockdown.ended_at.is_(None))) is not None


def test_a_lockdown_is_posted_with_a_lift_button_that_goes_through_the_plan(
    client: TestClient, slack_api: FakeServer, foundry: Database
) -> None:
    client.post("/slack/events", **signed(SECRET, dm("EvL1", "lock down the garage gate, there's a gas leak")))
    assert eventually(lambda: len(posts_to(slack_api, "D1")) == 1)
    confirm = blocks_of(posts_to(slack_api, "D1")[0])[-1]["elements"][0]
    press(client, "UBEN", {"action_id": confirm["action_id"], "value": confirm["value"]}, "D1")
    assert eventually(lambda: len(posts_to(slack_api, CHANNEL)) == 1)
    assert locked(foundry)
    alert = posts_to(slack_api, CHANNEL)[0]
    assert "Garage Gate" in alert["text"] and "gas leak" in alert["text"]
    lift = blocks_of(alert)[-1]["elements"][0]
    assert lift["action_id"] == LIFT_ACTION

    press(client, "UJANE", {"action_id": LIFT_ACTION, "value": lift["value"]}, CHANNEL)  # a resident may not
    assert eventually(lambda: len(posts_to(slack_api, CHANNEL)) == 2)
    assert locked(foundry) and "Lift lockdown" not in json.dumps(blocks_of(posts_to(slack_api, CHANNEL)[1]))

    press(client, "UBEN", {"action_id": LIFT_ACTION, "value": lift["value"]}, CHANNEL)
    assert eventually(lambda: len(posts_to(slack_api, CHANNEL)) == 3)
    plan = posts_to(slack_api, CHANNEL)[2]
    assert plan["text"].startswith("Lift the lockdown") and locked(foundry)  # asked first, like any change
    yes = blocks_of(plan)[-1]["elements"][0]
    press(client, "UBEN", {"action_id": yes["action_id"], "value": yes["value"]}, CHANNEL)
    assert eventually(lambda: not locked(foundry))
    assert eventually(lambda: any("lifted" in p["text"] for p in posts_to(slack_api, CHANNEL)))


def test_without_an_alerts_channel_each_manager_who_may_lift_gets_a_direct_message(
    foundry: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLACK_ALERTS_CHANNEL", raising=False)

    def answer(call: Call) -> tuple[int, Any]:
        method = call.path.rsplit("/", 1)[-1]
        if method == "users.lookupByEmail":
            return 200, {"ok": True, "user": {"id": "U-" + call.params["email"].split("@")[0]}}
        return 200, {"ok": True, "channel": call.params.get("channel"), "ts": "1.0"}

    with FakeServer(answer) as fake, foundry.session() as session:
        prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
        assert prop is not None
        alert = PropertyAlert("lockdown_started", prop.id, prop.name, "Ben Carter locked down all of The Foundry.")
        assert post_alert(foundry.engine, alert, WebClient(token="xoxb-test", base_url=fake.url + "/api/")) == 2
        assert sorted(c.params["channel"] for c in fake.named("chat.postMessage")) == ["U-ana.lopez", "U-ben.carter"]
