"""Safety review: ways around the rules that an earlier version left open, each pinned by a test.

Core rules run on the foundry in a rolled-back transaction (SQLite and PostgreSQL), like
test_permissions; conversations run through the dialogue on a freshly loaded database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from access_core.db import Database
from access_core.lookup import property_by_name, require_person
from access_core.principal import load_principal
from access_core.queries import check_access
from access_core.services.context import Context
from bot.dialogue import Dialogue
from bot.state import Conversation
from tests.integration.operations import execute

NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
BEN, JANE, OMAR = "ben.carter@harbor.example", "jane.park@example.com", "omar.haddad@example.com"
MARCUS, MAPLE_NOW = "marcus.lee@cedar.example", "2026-12-01T10:00:00-08:00"


def run(session: Session, who: str, op: dict[str, Any], now: datetime = NOW, prop: str = "The Foundry") -> Any:
    place = property_by_name(session, prop)
    assert place is not None
    return execute(Context(session, load_principal(session, require_person(session, who)), now, place), op)


def tomorrows_code(session: Session) -> str:
    outcome = run(session, JANE, {"op": "create_doorcode", "key": "Resident 4B", "date": "2026-12-02"})
    code = outcome.detail["code"]
    assert check_access(session, f"doorcode:{code}", "Unit 4B", datetime.fromisoformat("2026-12-02T12:00:00-05:00")).allowed
    return str(code)


# --- a doorcode never outlives its maker's right to share ----------------------------------------


def test_a_doorcode_stops_when_its_makers_grant_is_revoked(session: Session) -> None:
    code = tomorrows_code(session)
    run(session, BEN, {"op": "revoke_key", "person": JANE, "key": "Resident 4B", "at": None})
    decision = check_access(session, f"doorcode:{code}", "Unit 4B", datetime.fromisoformat("2026-12-02T12:00:00-05:00"))
    assert not decision.allowed and "credential_inactive" in decision.reasons


def test_a_doorcode_made_today_stops_when_the_grant_is_revoked_today(session: Session) -> None:
    code = run(session, JANE, {"op": "create_doorcode", "key": "Resident 4B", "date": "2026-12-01"}).detail["code"]
    run(session, BEN, {"op": "revoke_key", "person": JANE, "key": "Resident 4B", "at": None})
    decision = check_access(session, f"doorcode:{code}", "Unit 4B", datetime.fromisoformat("2026-12-01T15:00:00-05:00"))
    assert not decision.allowed


@pytest.mark.parametrize(
    "terms",
    [{"may_share": False, "resident": True}, {"resident": True, "may_share": True, "ends_at": "2026-12-02T00:00:00-05:00"}],
    ids=["sharing_taken_away", "grant_shortened"],
)
def test_a_doorcode_stops_when_its_makers_grant_no_longer_covers_it(session: Session, terms: dict[str, Any]) -> None:
    code = tomorrows_code(session)
    run(session, BEN, {"op": "grant_key", "person": JANE, "key": "Resident 4B", **terms})
    decision = check_access(session, f"doorcode:{code}", "Unit 4B", datetime.fromisoformat("2026-12-02T12:00:00-05:00"))
    assert not decision.allowed and "credential_inactive" in decision.reasons


def test_a_doorcode_survives_a_change_that_still_covers_it(session: Session) -> None:
    code = tomorrows_code(session)
    run(
        session,
        BEN,
        {
            "op": "grant_key",
            "person": JANE,
            "key": "Resident 4B",
            "resident": True,
            "may_share": True,
            "starts_at": "2026-02-01T00:00:00-05:00",
            "ends_at": "2027-06-01T00:00:00-04:00",
        },
    )
    assert check_access(session, f"doorcode:{code}", "Unit 4B", datetime.fromisoformat("2026-12-02T12:00:00-05:00")).allowed


# --- a message acts on the person it names, or asks ---------------------------------------------


def talk(db: Database, who: str, *turns: str, now: str = NOW.isoformat()) -> list[dict[str, Any]]:
    dialogue = Dialogue(db, dry_run=True)
    conv = Conversation(person=who, now=now)
    return [dialogue.turn(conv, text) for text in turns]


def people_in(answer: dict[str, Any]) -> set[Any]:
    found = (op.get("person") or op.get("guest") for op in answer["operations"])
    return {who.get("email") if isinstance(who, dict) else who for who in found}


@pytest.fixture
def both(database: Database) -> Database:
    """The foundry and Maple Court (another portfolio) in one database, plus Tom Grant at the foundry."""
    from access_core.loader import load_property_file
    from tests.conftest import MAPLE, fixture_file

    with database.session() as session:
        load_property_file(session, fixture_file())
        load_property_file(session, MAPLE)
    with database.session() as session:
        run(
            session,
            BEN,
            {
                "op": "grant_key",
                "person": {"name": "Tom Grant", "email": "tom.grant@example.com"},
                "key": "Common Door Key",
                "resident": False,
            },
        )
    return database


@pytest.mark.parametrize("text", ["grant priya the gym key", "grant omar access to the gym"])
def test_a_name_that_is_also_a_word_of_the_message_is_asked_about(both: Database, text: str) -> None:
    answer = talk(both, BEN, text)[0]
    assert "tom.grant@example.com" not in people_in(answer)
    assert answer["status"] == "ask" and "tom.grant@example.com" in answer["reply"]


def test_a_full_name_wins_over_a_word_that_is_also_a_name(both: Database) -> None:
    answer = talk(both, BEN, "grant priya shah the gym key")[0]
    assert answer["status"] == "confirm" and people_in(answer) == {"priya.shah@example.com"}


@pytest.mark.parametrize(
    ("who", "text", "now", "stranger"),
    [
        (MARCUS, "give Jane Park the pool key", MAPLE_NOW, JANE),
        (BEN, "give Hannah Schmidt the maintenance key", NOW.isoformat(), "hannah.s@mail.example"),
        ("hannah.s@mail.example", "share my apartment with Omar Haddad until tomorrow", MAPLE_NOW, OMAR),
    ],
    ids=["manager_maple", "manager_foundry", "resident_share"],
)
def test_a_full_name_known_only_in_another_portfolio_names_no_one(both: Database, who: str, text: str, now: str, stranger: str) -> None:
    answer = talk(both, who, text, now=now)[0]
    assert stranger not in people_in(answer) and stranger not in answer["reply"]
    assert answer["status"] != "confirm"


def test_a_misspelt_name_is_asked_about_before_anything_is_planned(both: Database) -> None:
    asked, named = talk(both, MARCUS, "give Ivy Chan the pool key", "Ivy Chen", now=MAPLE_NOW)
    assert asked["status"] == "ask" and asked["operations"] == [] and "ivy.chen@mail.example" in asked["reply"]
    assert named["status"] == "confirm" and people_in(named) == {"ivy.chen@mail.example"}


def test_a_misspelt_name_confirmed_with_yes_is_that_person(both: Database) -> None:
    asked, agreed = talk(both, BEN, "revoke Omar Haddid's common door key", "yes")
    assert asked["status"] == "ask" and asked["operations"] == []
    assert agreed["status"] == "confirm" and people_in(agreed) == {OMAR}


def test_a_list_of_people_plans_one_change_each(both: Database) -> None:
    answer = talk(both, MARCUS, "revoke diego and hannah from building access", now=MAPLE_NOW)[0]
    assert answer["status"] == "confirm", answer
    assert people_in(answer) == {"diego.alvarez@mail.example", "hannah.s@mail.example"}
    assert [(op["op"], op["key"]) for op in answer["operations"]] == [("revoke_key", "Building Access")] * 2


def test_a_person_named_by_their_relation_and_email_is_the_one_taken(both: Database) -> None:
    answer = talk(both, MARCUS, "give Hannah's cleaner new.cleaner@mail.example the building access key", now=MAPLE_NOW)[0]
    assert answer["status"] == "confirm" and people_in(answer) == {"new.cleaner@mail.example"}


# --- a plan runs with the roles its proposer holds when it is confirmed --------------------------


def test_a_manager_role_taken_back_by_undo_stops_at_once(foundry: Database) -> None:
    dialogue = Dialogue(foundry)  # one process: the cache of roles is shared by both conversations
    ana = Conversation(person="ana.lopez@harbor.example", now=NOW.isoformat())
    lucia = Conversation(person="lucia.romero@example.com", now=NOW.isoformat())  # a resident, made a manager a while
    made = [dialogue.turn(ana, text) for text in ("make lucia.romero@example.com a limited manager", "yes")]
    assert made[-1]["status"] == "done"
    planned = dialogue.turn(lucia, "give max weber the common door key")
    assert planned["status"] == "confirm"
    undone = [dialogue.turn(ana, text) for text in ("undo", "yes")]
    assert undone[-1]["status"] == "done"
    assert dialogue.turn(lucia, "yes")["status"] == "refused"
    assert dialogue.turn(lucia, "give max weber the common door key")["status"] == "refused"
    with foundry.session() as session:
        assert not check_access(session, "max.weber@cleanco.example", "Laundry Room", NOW).allowed


# --- REST reads stay inside the caller's view ---------------------------------------------------


def test_a_specific_key_manager_lists_only_the_grants_of_their_keys(foundry: Database) -> None:
    from fastapi.testclient import TestClient

    from bot.state import MemoryStore
    from bot.web.app import create_app
    from bot.web.auth import issue_token

    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as client:
        dev = {"Authorization": f"Bearer {issue_token(foundry, 'dev.shah@leasing.example')}"}
        listed = client.get("/api/v1/grants", headers=dev)
        assert listed.status_code == 200, listed.text
        assert {g["key"] for g in listed.json()} == {"Leasing Key"}  # who holds Resident 4B is not theirs to see
        ben = {"Authorization": f"Bearer {issue_token(foundry, BEN)}"}
        assert {"Resident 4B", "Leasing Key"} <= {g["key"] for g in client.get("/api/v1/grants", headers=ben).json()}
