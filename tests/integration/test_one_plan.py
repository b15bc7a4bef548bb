"""A yes answers one plan: plan ids, a browser tab per conversation, replaced plans, and the pages' CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from access_core.db import Database
from access_core.models import Grant, Key, Person
from bot.dialogue import Dialogue
from bot.state import Conversation, MemoryStore
from bot.web.app import create_app

BEN = "ben.carter@harbor.example"
GRANT = "give Priya Shah the Resident 3A key from Jan 1 2027 as a resident"
UNLOCK = "unlock the gym for maintenance"
NOW = "2026-12-01T10:00:00-05:00"
TAB_A, TAB_B = "tab-a-0123456789abcdef", "tab-b-0123456789abcdef"


@pytest.fixture
def client(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("CONCIERGE_DEMO", "1")
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as test_client:
        yield test_client


def has_grant(database: Database) -> bool:
    with database.session() as session:
        found = session.scalar(
            select(Grant.id)
            .join(Person, Grant.person_id == Person.id)
            .join(Key)
            .where(Person.email == "priya.shah@example.com", Key.name == "Resident 3A")
        )
        return found is not None


def page_token(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf[_-]token" (?:content|value)="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, who: str = BEN) -> str:
    """Sign in through the form, as a browser does; the signed-in page's token."""
    answer = client.post("/signin", data={"person": who, "csrf_token": page_token(client, "/signin")}, follow_redirects=False)
    assert answer.status_code == 303
    return page_token(client, "/concierge")


def chat(client: TestClient, token: str, tab: str, message: str, plan: str | None = None) -> dict[str, Any]:
    body = {"message": message, "conversation": tab, "plan": plan}
    answer = client.post("/chat/turn", json=body, headers={"x-csrf-token": token})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_an_old_button_does_nothing_after_a_newer_request(client: TestClient, foundry: Database) -> None:
    token = sign_in(client)
    first = chat(client, token, TAB_A, GRANT)
    assert first["turn"]["status"] == "confirm" and first["plan"]
    assert ("For", "Priya Shah") in [tuple(row) for row in first["card"]]
    second = chat(client, token, TAB_A, UNLOCK)
    assert second["turn"]["status"] == "confirm" and second["plan"] not in (None, first["plan"])
    assert "replaces the earlier plan to give Priya Shah" in second["turn"]["reply"]

    stale = chat(client, token, TAB_A, "yes", plan=first["plan"])
    assert stale["turn"]["status"] == "answer" and "no longer waiting" in stale["turn"]["reply"]
    assert stale["plan"] == second["plan"]  # the newer plan still waits for its own answer
    forged = chat(client, token, TAB_A, "yes", plan="not-a-plan-id")
    assert forged["turn"]["status"] == "answer" and forged["turn"]["operations"] == []
    assert not has_grant(foundry)

    assert chat(client, token, TAB_A, "no", plan=second["plan"])["turn"]["reply"] == "OK, I won't do that."
    again = chat(client, token, TAB_A, "yes")
    assert again["turn"]["status"] == "answer" and "no plan waiting" in again["turn"]["reply"]
    assert not has_grant(foundry)


def test_two_tabs_are_two_conversations(client: TestClient, foundry: Database) -> None:
    token = sign_in(client)
    mine = chat(client, token, TAB_A, GRANT)
    other = chat(client, token, TAB_B, UNLOCK)
    assert "earlier plan" not in other["turn"]["reply"]
    assert chat(client, token, TAB_A, "yes", plan=other["plan"])["turn"]["status"] == "answer"  # not this tab's plan
    done = chat(client, token, TAB_A, "yes", plan=mine["plan"])
    assert done["turn"]["status"] == "done" and done["turn"]["operations"][0]["op"] == "grant_key"
    assert has_grant(foundry)
    assert chat(client, token, TAB_B, "no")["turn"]["reply"] == "OK, I won't do that."  # B's plan waited in B


def test_a_tab_id_reaches_only_its_own_persons_conversation(client: TestClient, foundry: Database) -> None:
    token = sign_in(client)
    planned = chat(client, token, TAB_A, GRANT)
    other = TestClient(client.app)
    other_token = sign_in(other, "carla.diaz@harbor.example")
    hijack = chat(other, other_token, TAB_A, "yes", plan=planned["plan"])  # same tab id, another person
    assert hijack["turn"]["status"] == "answer" and not has_grant(foundry)
    assert client.post("/chat/turn", json={"message": "hi", "conversation": "../x"}, headers={"x-csrf-token": token}).status_code == 422


def test_changes_from_the_pages_need_the_sessions_token(client: TestClient, foundry: Database) -> None:
    assert client.post("/signin", data={"person": BEN}, follow_redirects=False).status_code == 403
    token = sign_in(client)
    assert client.post("/chat/turn", json={"message": GRANT, "conversation": TAB_A}).status_code == 403
    bad = {"x-csrf-token": "x" * 43}
    assert client.post("/chat/turn", json={"message": GRANT, "conversation": TAB_A}, headers=bad).status_code == 403
    assert client.post("/api/chat", json={"message": GRANT}).status_code == 403
    answer = client.post("/api/chat", json={"message": GRANT}, headers={"x-csrf-token": token})
    assert answer.status_code == 200 and answer.json()["status"] == "confirm"
    assert set(answer.json()) == {"intent", "confidence", "status", "operations", "missing", "result", "reply"}
    plan = answer.headers["x-concierge-plan"]
    ops = '[{"op": "unlock_door", "door": "Gym", "reason": "forged"}]'
    assert client.post("/changes/confirm", data={"operations": ops, "back": "/doors"}).status_code == 403
    done = client.post("/api/chat", json={"message": "yes", "plan": plan}, headers={"x-csrf-token": token})
    assert done.json()["status"] == "done" and has_grant(foundry)


def test_a_question_in_between_keeps_the_plan_waiting(foundry: Database) -> None:
    dialogue = Dialogue(foundry, dry_run=True)
    conv = Conversation(person=BEN, now=NOW)
    planned = dialogue.turn(conv, GRANT)
    plan = conv.pending["id"] if conv.pending else None
    assert planned["status"] == "confirm" and plan
    assert dialogue.turn(conv, "who has access to the gym?")["status"] == "answer"
    assert conv.pending and conv.pending["id"] == plan
    assert dialogue.turn(conv, "yes", plan)["reply"] == "Dry run: nothing was changed."
