"""Lockdowns and exception days where people look: the start and lift of a lockdown in every activity answer (chat,
REST, `concierge activity`, the Activity page) for exactly the managers DOMAIN names, and the lockdown and coming
exception days on the Doors and Schedules pages for P, F, L and S only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from access_core.db import Database
from access_core.lookup import require_person
from access_core.models import Property
from access_core.principal import load_principal
from access_core.services.context import Context
from bot.cli import app as cli
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token
from tests.integration.operations import execute
from tests.integration.test_dialogue import FOUNDRY_NOW, talk

ROLES = {
    "P": "ana.lopez@harbor.example",
    "F": "ben.carter@harbor.example",
    "L": "carla.diaz@harbor.example",
    "S": "dev.shah@leasing.example",
    "D": "eli.novak@installers.example",
    "A": "kim.tran@callcenter.example",
    "R": "jane.park@example.com",
}
WHOLE_STARTED = datetime.fromisoformat("2026-11-30T15:00:00-05:00")
WHOLE_LIFTED = datetime.fromisoformat("2026-11-30T16:00:00-05:00")
GARAGE_STARTED = datetime.fromisoformat("2026-11-30T17:00:00-05:00")
PAGE_OPEN = {"/doors": "PFLSD", "/schedules": "PF"}
"""Who may open each page at all (D sees Doors for its locks, without the calendar)."""
SEEN = {  # the property events each role sees: S's keys have no Garage Gate, so not its lockdown
    "P": ["lockdown_started", "lockdown_lifted", "lockdown_started"],
    "F": ["lockdown_started", "lockdown_lifted", "lockdown_started"],
    "L": ["lockdown_started", "lockdown_lifted", "lockdown_started"],
    "S": ["lockdown_started", "lockdown_lifted"],
    "R": [],
}


def _run(db: Database, who: str, at: datetime, op: dict[str, Any]) -> None:
    with db.session() as session:
        prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
        assert prop is not None
        execute(Context(session, load_principal(session, require_person(session, ROLES[who])), at, prop), op)
        session.commit()


@pytest.fixture
def locked(foundry: Database) -> Database:
    """The Foundry locked down whole for an hour yesterday (gas leak), then its Garage Gate from 17:00 on."""
    _run(foundry, "F", WHOLE_STARTED, {"op": "start_lockdown", "property": "The Foundry", "doors": None, "reason": "gas leak"})
    _run(foundry, "P", WHOLE_LIFTED, {"op": "end_lockdown", "property": "The Foundry"})
    _run(foundry, "P", GARAGE_STARTED, {"op": "start_lockdown", "property": "The Foundry", "doors": ["Garage Gate"], "reason": None})
    return foundry


def kinds(found: dict[str, Any]) -> list[str]:
    return [m["kind"] for m in found.get("property_events", [])]


@pytest.mark.parametrize("who", ["P", "F", "L", "S", "R"])
def test_chat_activity_lists_the_lockdowns_the_asker_may_see(locked: Database, who: str) -> None:
    [answer] = talk(locked, ROLES[who], FOUNDRY_NOW, "who came in yesterday?")
    assert answer["status"] == "answer", answer
    assert kinds(answer["result"]) == SEEN[who]
    assert all(isinstance(e, str) and e.startswith("e") for e in answer["result"]["events"])  # the file's events only
    assert ("locked down all of The Foundry (gas leak)" in answer["reply"]) == (who != "R")
    assert ("locked down Garage Gate" in answer["reply"]) == (who in "PFL")
    assert ("lifted the lockdown of all of The Foundry" in answer["reply"]) == (who != "R")


@pytest.mark.parametrize("who", ["D", "A"])
def test_chat_activity_stays_refused_for_those_with_no_view(locked: Database, who: str) -> None:
    [answer] = talk(locked, ROLES[who], FOUNDRY_NOW, "who came in yesterday?")
    assert answer["status"] == "refused" and "property_events" not in (answer.get("result") or {})


def test_chat_activity_at_a_door_lists_only_lockdowns_naming_it(locked: Database) -> None:
    [answer] = talk(locked, ROLES["F"], FOUNDRY_NOW, "show me yesterday's activity at the front entrance")
    assert kinds(answer["result"]) == ["lockdown_started", "lockdown_lifted"]
    [denied] = talk(locked, ROLES["F"], FOUNDRY_NOW, "who was denied at the garage gate yesterday?")
    assert "property_events" not in denied["result"]


def cli_activity(db: Database, who: str, *args: str) -> dict[str, Any]:
    done = CliRunner().invoke(cli, ["activity", "--as", ROLES[who], "--json", "--db", db.url, *args])
    assert done.exit_code == 0, done.output
    found: dict[str, Any] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize("who", ["P", "F", "L", "S", "R"])
def test_cli_activity_lists_them_apart_from_the_events(locked: Database, who: str) -> None:
    found = cli_activity(locked, who)
    assert kinds(found) == SEEN[who]
    assert ("property_events" in found) == bool(SEEN[who])


def test_cli_activity_keeps_to_the_door_and_the_period(locked: Database) -> None:
    assert kinds(cli_activity(locked, "F", "--door", "Garage Gate")) == SEEN["F"]
    assert kinds(cli_activity(locked, "F", "--door", "Front Entrance")) == ["lockdown_started", "lockdown_lifted"]
    assert kinds(cli_activity(locked, "S", "--door", "Front Entrance")) == ["lockdown_started", "lockdown_lifted"]
    later = cli_activity(locked, "P", "--since", "2026-11-30T16:30:00-05:00")
    assert [(m["kind"], m["doors"], m["whole_property"]) for m in later["property_events"]] == [
        ("lockdown_started", ["Garage Gate"], False)
    ]
    assert "property_events" not in cli_activity(locked, "P", "--until", "2026-11-30T14:00:00-05:00")
    assert cli_activity(locked, "D")["refused"]


@pytest.fixture
def client(locked: Database) -> Iterator[TestClient]:
    with TestClient(create_app(locked, store=MemoryStore(), slack=False)) as test_client:
        yield test_client


@pytest.mark.parametrize("who", ["P", "F", "L", "S", "R", "D", "A"])
def test_rest_activity_lists_them_for_the_managers_only(client: TestClient, locked: Database, who: str) -> None:
    answer = client.get("/api/v1/activity", headers={"Authorization": f"Bearer {issue_token(locked, ROLES[who])}"})
    if who in "DA":
        assert answer.status_code == 403
        return
    assert kinds(answer.json()) == SEEN[who]
    whole = answer.json()["property_events"][:1]
    if whole:
        assert whole[0]["by"] == "Ben Carter" and whole[0]["reason"] == "gas leak" and whole[0]["whole_property"]


def signed_in(client: TestClient, db: Database, who: str) -> TestClient:
    client.cookies.clear()
    assert client.post("/api/session", json={"token": issue_token(db, ROLES[who])}).status_code == 200
    return client


@pytest.mark.parametrize("who", ["P", "F", "L", "S", "R"])
def test_the_activity_page_shows_them_as_their_own_rows(client: TestClient, locked: Database, who: str) -> None:
    page = signed_in(client, locked, who).get("/activity").text
    assert page.count('class="property-event ') == len(SEEN[who])
    assert ("Lockdowns started and lifted" in page) == bool(SEEN[who])
    filtered = client.get("/activity", params={"door": "Front Entrance", "since": "2026-11-30", "until": "2026-11-30"}).text
    assert filtered.count('class="property-event ') == min(len(SEEN[who]), 2)
    assert client.get("/activity", params={"since": "2026-12-01"}).text.count('class="property-event ') == 0


@pytest.mark.parametrize("who", ["P", "F", "L", "S", "R", "D", "A"])
@pytest.mark.parametrize("path", ["/doors", "/schedules"])
def test_doors_and_schedules_show_the_calendar_to_key_managers_only(client: TestClient, locked: Database, who: str, path: str) -> None:
    coming = (datetime.now(UTC) + timedelta(days=20)).date()
    later = (datetime.now(UTC) + timedelta(days=40)).date()
    _run(
        locked,
        "F",
        datetime.now(UTC),
        {
            "op": "add_exception_day",
            "property": "The Foundry",
            "date": coming.isoformat(),
            "name": "Staff Party",
            "mode": "closed",
            "doors": ["Gym"],
        },
    )
    _run(
        locked,
        "F",
        datetime.now(UTC),
        {
            "op": "add_exception_day",
            "property": "The Foundry",
            "date": later.isoformat(),
            "name": "Founders Day",
            "mode": "Sun",
            "doors": None,
        },
    )
    page = signed_in(client, locked, who).get(path)
    opens = PAGE_OPEN[path]
    assert (page.status_code == 200) == (who in opens)  # the page itself: as it was
    shown = who in opens and who in "PFLS"
    assert ("Lockdown and exception days" in page.text) == shown
    assert ("Staff Party" in page.text) == shown and ("Founders Day" in page.text) == shown
    if shown:
        assert "<strong>Locked down:</strong> Garage Gate, since" in page.text
        assert "Runs as a Sunday" in page.text and "Every scheduled door" in page.text
        assert page.text.index("Staff Party") < page.text.index("Founders Day")


def test_no_lockdown_is_said_plainly(client: TestClient, locked: Database) -> None:
    _run(locked, "F", datetime.now(UTC), {"op": "end_lockdown", "property": "The Foundry"})
    page = signed_in(client, locked, "L").get("/doors").text
    assert "No lockdown now." in page and "Locked down:" not in page and "No exception days coming." in page
