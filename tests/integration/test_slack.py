"""A real Bolt app on the ASGI app against a local fake of Slack's Web API, with signed requests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest
from fakes.http_fake import FakeServer
from fakes.slack_api import event, fake_slack, interaction, signed
from fastapi.testclient import TestClient
from sqlalchemy import select

from access_core.db import Database
from access_core.models import Grant, Key, Person
from bot.state import MemoryStore
from bot.web.app import create_app

SECRET = "slack-signing-secret"
GRANT = "give Priya Shah the Resident 3A key from Jan 1 2027 as a resident"


def eventually(check: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


@pytest.fixture
def slack_api() -> Iterator[FakeServer]:
    with fake_slack() as fake:
        yield fake


@pytest.fixture
def client(foundry: Database, slack_api: FakeServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", slack_api.url + "/api/")
    for name in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with TestClient(create_app(foundry, store=MemoryStore())) as test_client:
        yield test_client


def dm(event_id: str, text: str, user: str = "UBEN") -> str:
    return event(
        event_id, {"type": "message", "channel_type": "im", "channel": "D1", "user": user, "text": text, "ts": f"{time.time():.6f}"}
    )


def has_grant(database: Database) -> bool:
    with database.session() as session:
        return (
            session.scalar(
                select(Grant.id)
                .join(Person, Grant.person_id == Person.id)
                .join(Key)
                .where(Person.email == "priya.shah@example.com", Key.name == "Resident 3A")
            )
            is not None
        )


def test_dm_confirm_buttons_click_makes_the_grant(client: TestClient, slack_api: FakeServer, foundry: Database) -> None:
    started = time.monotonic()
    response = client.post("/slack/events", **signed(SECRET, dm("Ev1", GRANT)))
    assert response.status_code == 200 and time.monotonic() - started < 3
    assert eventually(lambda: len(slack_api.named("chat.postMessage")) == 1)
    posted = slack_api.named("chat.postMessage")[0].params
    blocks = posted["blocks"] if isinstance(posted["blocks"], list) else json.loads(posted["blocks"])
    buttons = blocks[-1]["elements"]
    assert [b["action_id"] for b in buttons] == ["concierge_confirm", "concierge_cancel"]
    assert not has_grant(foundry)

    click = {
        "type": "block_actions",
        "user": {"id": "UBEN"},
        "team": {"id": "T1"},
        "channel": {"id": "D1"},
        "message": {"ts": "111.222", "text": posted["text"]},
        "response_url": slack_api.url + "/respond",
        "trigger_id": "t1",
        "actions": [{"action_id": "concierge_confirm", "block_id": "concierge_plan", "value": buttons[0]["value"], "type": "button"}],
    }
    body = interaction(click)
    response = client.post("/slack/events", **signed(SECRET, body, content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 200
    assert eventually(lambda: len(slack_api.named("chat.update")) == 1)
    update = slack_api.named("chat.update")[0].params
    assert update["ts"] == "111.222" and update["text"].startswith("Gave Priya Shah")
    assert has_grant(foundry)

    again = interaction({**click, "trigger_id": "t2"})  # a second click is a new request (an identical one is a replay)
    client.post("/slack/events", **signed(SECRET, again, content_type="application/x-www-form-urlencoded"))
    assert eventually(lambda: len(slack_api.named("chat.update")) == 2)
    assert "no longer waiting" in slack_api.named("chat.update")[1].params["text"]
    assert len(slack_api.named("users.info")) == 1


def blocks_of(call_params: dict[str, object]) -> list[dict[str, object]]:
    blocks = call_params["blocks"]
    return blocks if isinstance(blocks, list) else json.loads(str(blocks))  # type: ignore[no-any-return]


def press(client: TestClient, slack_api: FakeServer, button: dict[str, object], ts: str, trigger: str) -> None:
    click = {
        "type": "block_actions",
        "user": {"id": "UBEN"},
        "team": {"id": "T1"},
        "channel": {"id": "D1"},
        "message": {"ts": ts, "text": "plan"},
        "response_url": slack_api.url + "/respond",
        "trigger_id": trigger,
        "actions": [{**button, "block_id": "concierge_plan", "type": "button"}],
    }
    body = interaction(click)
    assert client.post("/slack/events", **signed(SECRET, body, content_type="application/x-www-form-urlencoded")).status_code == 200


def test_an_old_plans_button_does_nothing_after_a_newer_request(client: TestClient, slack_api: FakeServer, foundry: Database) -> None:
    client.post("/slack/events", **signed(SECRET, dm("Ev-old", GRANT)))
    assert eventually(lambda: len(slack_api.named("chat.postMessage")) == 1)
    old = slack_api.named("chat.postMessage")[0]
    old_confirm = blocks_of(old.params)[-1]["elements"][0]  # type: ignore[index]
    client.post("/slack/events", **signed(SECRET, dm("Ev-new", "unlock the gym for maintenance")))
    assert eventually(lambda: len(slack_api.named("chat.postMessage")) == 2)
    new = slack_api.named("chat.postMessage")[1].params
    assert "earlier plan" in str(new["text"]).lower()
    new_confirm = blocks_of(new)[-1]["elements"][0]  # type: ignore[index]
    assert new_confirm["value"] != old_confirm["value"]
    # the replaced plan's message lost its buttons as soon as the newer request came
    assert eventually(lambda: len(slack_api.named("chat.update")) == 1)
    retired = slack_api.named("chat.update")[0].params
    assert retired["channel"] == "D1" and "replaced" in str(retired["text"])
    assert all(b.get("type") != "actions" for b in blocks_of(retired))

    press(client, slack_api, {"action_id": "concierge_confirm", "value": old_confirm["value"]}, "111.1", "t-old")
    assert eventually(lambda: len(slack_api.named("chat.update")) == 2)
    assert "no longer waiting" in str(slack_api.named("chat.update")[1].params["text"])
    assert not has_grant(foundry)

    press(client, slack_api, {"action_id": "concierge_cancel", "value": new_confirm["value"]}, "111.2", "t-new")
    assert eventually(lambda: len(slack_api.named("chat.update")) == 3)
    assert "won't" in str(slack_api.named("chat.update")[2].params["text"])


def test_a_retried_event_acts_once(client: TestClient, slack_api: FakeServer) -> None:
    body = dm("Ev2", "help")
    assert client.post("/slack/events", **signed(SECRET, body)).status_code == 200
    assert client.post("/slack/events", **signed(SECRET, body, retry=1)).status_code == 200
    assert client.post("/slack/events", **signed(SECRET, body, retry=2)).status_code == 200
    assert eventually(lambda: len(slack_api.named("chat.postMessage")) >= 1)
    time.sleep(0.3)
    assert len(slack_api.named("chat.postMessage")) == 1


def test_bad_or_stale_signatures_are_401(client: TestClient, slack_api: FakeServer) -> None:
    body = dm("Ev3", GRANT)
    assert client.post("/slack/events", **signed("wrong-secret", body)).status_code == 401
    assert client.post("/slack/events", **signed(SECRET, body, timestamp=int(time.time()) - 3600)).status_code == 401
    assert client.post("/slack/events", content=body, headers={"Content-Type": "application/json"}).status_code == 401
    time.sleep(0.2)
    assert slack_api.named("chat.postMessage") == []


def test_slash_command_answers_through_the_response_url(client: TestClient, slack_api: FakeServer) -> None:
    from urllib.parse import urlencode

    body = urlencode(
        {
            "command": "/concierge",
            "text": "help",
            "user_id": "UJANE",
            "channel_id": "C1",
            "team_id": "T1",
            "response_url": slack_api.url + "/respond",
            "trigger_id": "t2",
        }
    )
    response = client.post("/slack/events", **signed(SECRET, body, content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 200
    assert eventually(lambda: len(slack_api.named("/respond")) == 1)
    assert slack_api.named("/respond")[0].json["response_type"] == "ephemeral"


def test_unknown_slack_users_are_told_politely(client: TestClient, slack_api: FakeServer) -> None:
    client.post("/slack/events", **signed(SECRET, dm("Ev4", "help", user="USTRANGER")))
    assert eventually(lambda: len(slack_api.named("chat.postMessage")) == 1)
    assert "couldn't match" in slack_api.named("chat.postMessage")[0].params["text"]


def test_app_home_lists_properties_and_low_battery_doors(client: TestClient, slack_api: FakeServer) -> None:
    body = event("Ev5", {"type": "app_home_opened", "user": "UBEN", "channel": "D1", "tab": "home"})
    client.post("/slack/events", **signed(SECRET, body))
    assert eventually(lambda: len(slack_api.named("views.publish")) == 1)
    view = slack_api.named("views.publish")[0].params["view"]
    text = view if isinstance(view, str) else json.dumps(view)
    assert "The Foundry" in text


def test_one_workspace_has_no_install_routes(client: TestClient, slack_api: FakeServer) -> None:
    assert client.get("/slack/install", follow_redirects=False).status_code == 404
    assert client.get("/slack/oauth_redirect?code=code-t1&state=x", follow_redirects=False).status_code == 404
    assert slack_api.named("oauth.v2.access") == []


def test_destructive_plans_ask_again_in_a_confirm_dialog() -> None:
    from bot.slack_app import confirm_blocks

    revoke = {"status": "confirm", "reply": "Revoke?", "operations": [{"op": "revoke_key", "person": "x", "key": "y"}]}
    grant = {"status": "confirm", "reply": "Grant?", "operations": [{"op": "grant_key", "person": "x", "key": "y"}]}
    assert confirm_blocks(revoke, "p1")[-1]["elements"][0]["confirm"]["title"]["text"] == "Are you sure?"
    assert "confirm" not in confirm_blocks(grant, "p1")[-1]["elements"][0]
    assert [b["value"] for b in confirm_blocks(grant, "p1")[-1]["elements"]] == ["p1", "p1"]
    assert len(confirm_blocks({"status": "done", "reply": "Done.", "operations": []})) == 1
