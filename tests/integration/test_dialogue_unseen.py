"""Phrasings first met on a third, unseen building (tests/cases/birch.jsonl), checked on the worked property."""

from __future__ import annotations

from typing import Any

from access_core.db import Database
from bot.dialogue import Dialogue
from bot.state import Conversation

NOW = "2026-12-01T10:00:00-05:00"


def talk(db: Database, who: str, *turns: str) -> dict[str, Any]:
    dialogue = Dialogue(db, dry_run=True)
    conv = Conversation(person=who, now=NOW)
    return [dialogue.turn(conv, text) for text in turns][-1]


def test_a_request_the_asker_may_never_make_is_refused_before_details_are_asked(foundry: Database) -> None:
    assert talk(foundry, "carla.diaz@harbor.example", "make a new key with just the gym")["status"] == "refused"
    assert talk(foundry, "eli.novak@installers.example", "give priya access")["status"] == "refused"
    assert talk(foundry, "ben.carter@harbor.example", "give priya access")["status"] == "ask"


def test_an_amenity_that_cannot_be_reserved_is_refused_before_asking_when(foundry: Database) -> None:
    assert talk(foundry, "jane.park@example.com", "can i book the gym friday at 7am")["status"] == "refused"


def test_a_hyphenated_new_name_is_one_name(foundry: Database) -> None:
    answer = talk(foundry, "ben.carter@harbor.example", "onboard Chidi Okeke-Obi, phone 347-555-0188")
    assert answer["operations"][0]["name"] == "Chidi Okeke-Obi"


def test_renewing_an_ended_grant_keeps_its_resident_status(foundry: Database) -> None:
    answer = talk(foundry, "ben.carter@harbor.example", "renew sam okafor's resident 1A access until june 30")
    assert answer["status"] == "confirm"
    assert answer["operations"][0]["resident"] is True


def test_letting_someone_into_my_place_is_a_share(foundry: Database) -> None:
    answer = talk(foundry, "jane.park@example.com", "let rosa diaz into my place")
    assert answer["status"] == "ask" and answer["missing"] == ["ends_at"]
