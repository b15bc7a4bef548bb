"""Conversations through the dialogue on two different properties: plans, questions, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from access_core.db import Database
from bot.dialogue import Dialogue
from bot.state import Conversation

FOUNDRY_NOW = "2026-12-01T10:00:00-05:00"
MAPLE_NOW = "2026-12-01T10:00:00-08:00"


def talk(db: Database, who: str, now: str, *turns: str, dry_run: bool = True) -> list[dict[str, Any]]:
    dialogue = Dialogue(db, dry_run=dry_run)
    conv = Conversation(person=who, now=now)
    return [dialogue.turn(conv, text) for text in turns]


def has_op(answer: dict[str, Any], **fields: Any) -> bool:
    return any(all(op.get(k) == v for k, v in fields.items()) for op in answer["operations"])


MAPLE_PLANS = [
    (
        "marcus.lee@cedar.example",
        "give ivy chen access to apt 202 starting jan 15, she's moving in",
        "confirm",
        {
            "op": "grant_key",
            "person": "ivy.chen@mail.example",
            "key": "Apt 202 Key",
            "starts_at": "2027-01-15T00:00:00-08:00",
            "resident": True,
        },
    ),
    (
        "marcus.lee@cedar.example",
        "add leo grant to building access until dec 31",
        "confirm",
        {
            "op": "grant_key",
            "person": "leo.grant@mail.example",
            "key": "Building Access",
            "ends_at": "2027-01-01T00:00:00-08:00",
            "resident": False,
        },
    ),
    (
        "marcus.lee@cedar.example",
        "revoke diego's access to the common doors",
        "confirm",
        {"op": "revoke_key", "person": "diego.alvarez@mail.example", "key": "Building Access"},
    ),
    (
        "marcus.lee@cedar.example",
        "remove the parking garage from building access",
        "confirm",
        {"op": "remove_door_from_key", "key": "Building Access", "door": "Parking Garage"},
    ),
    (
        "marcus.lee@cedar.example",
        "set the pool in the pool key to weekdays 9-5",
        "confirm",
        {"op": "set_schedule", "key": "Pool Key", "door": "Pool", "schedule": "Mon-Fri 09:00-17:00"},
    ),
    (
        "marcus.lee@cedar.example",
        "create a key called Roof Key with the pool and fitness center",
        "confirm",
        {"op": "create_key", "name": "Roof Key", "shareable": False},
    ),
    (
        "marcus.lee@cedar.example",
        "issue keycard KC-7777 to Diego Alvarez",
        "confirm",
        {"op": "issue_keycard", "serial": "KC-7777", "person": "diego.alvarez@mail.example"},
    ),
    (
        "marcus.lee@cedar.example",
        "set up card kc-42 for diego alvarez",
        "confirm",
        {"op": "issue_keycard", "serial": "KC-42", "person": "diego.alvarez@mail.example"},
    ),
    ("marcus.lee@cedar.example", "unlock the main door for a plumber", "confirm", {"op": "unlock_door", "door": "Main Door"}),
    ("nina.patel@cedar.example", "create a key called Roof Key with the pool", "refused", None),
    (
        "marcus.lee@cedar.example",
        "extend hannah's building access through june 30",
        "confirm",
        {
            "op": "grant_key",
            "key": "Building Access",
            "starts_at": "2026-01-01T00:00:00-08:00",
            "ends_at": "2027-07-01T00:00:00-07:00",
            "may_share": True,
        },
    ),
    (
        "marcus.lee@cedar.example",
        "kick diego out of 102 effective dec 15",
        "confirm",
        {"op": "revoke_key", "person": "diego.alvarez@mail.example", "key": "Apt 102 Key", "at": "2026-12-15T00:00:00-08:00"},
    ),
    ("tom.baker@vendor.example", "give Ivy Chen building access", "refused", None),
    (
        "tom.baker@vendor.example",
        "give Ivy Chen the pool key until end of january",
        "confirm",
        {"op": "grant_key", "key": "Pool Key", "ends_at": "2027-02-01T00:00:00-08:00"},
    ),
    (
        "hannah.s@mail.example",
        "send a door code for my apartment to my cleaner for friday",
        "confirm",
        {"op": "create_doorcode", "granter": "hannah.s@mail.example", "key": "Apt 101 Key", "date": "2026-12-04"},
    ),
    (
        "hannah.s@mail.example",
        "can i get a code for the front door tomorrow",
        "confirm",
        {"op": "create_doorcode", "key": "Building Access", "date": "2026-12-02"},
    ),
    (
        "hannah.s@mail.example",
        "let my sister +1 (503) 555-0199 into my place this weekend",
        "confirm",
        {"op": "share_key", "key": "Apt 101 Key", "starts_at": "2026-12-05T00:00:00-08:00", "ends_at": "2026-12-07T00:00:00-08:00"},
    ),
    (
        "hannah.s@mail.example",
        "book the pool tomorrow 3-5pm",
        "confirm",
        {"op": "reserve_amenity", "amenity": "Pool", "starts_at": "2026-12-02T15:00:00-08:00", "ends_at": "2026-12-02T17:00:00-08:00"},
    ),
    ("hannah.s@mail.example", "book the pool tomorrow 9pm to 10pm", "refused", None),
    ("hannah.s@mail.example", "reserve the pool for saturday from 10am to 2pm", "refused", None),
    ("diego.alvarez@mail.example", "give my friend a code for tomorrow", "refused", None),
    ("zoe.martin@desk.example", "courier at the main door, please let them in", "confirm", {"op": "unlock_door", "door": "Main Door"}),
    ("zoe.martin@desk.example", "open apt 101 for the delivery", "refused", None),
    ("zoe.martin@desk.example", "who came in today", "refused", None),
    ("ravi.kumar@locks.example", "who came in yesterday?", "refused", None),
    ("grace.kim@mail.example", "book the pool tomorrow 3-4pm", "refused", None),
]


@pytest.mark.parametrize(("who", "text", "status", "op"), MAPLE_PLANS, ids=[p[1][:40] for p in MAPLE_PLANS])
def test_plans_on_another_property(maple: Database, who: str, text: str, status: str, op: dict[str, Any] | None) -> None:
    answer = talk(maple, who, MAPLE_NOW, text)[0]
    assert answer["status"] == status, answer
    if op is not None:
        assert has_op(answer, **op), answer["operations"]


MAPLE_QUESTIONS = [
    ("marcus.lee@cedar.example", "who can get into the pool right now?", {"people": ["leo.grant@mail.example"]}),
    ("marcus.lee@cedar.example", "why can't grace get into apt 201?", {"allowed": False, "reasons": ["grant_expired"]}),
    ("marcus.lee@cedar.example", "what upgrades are available?", {"upgrades": ["latch_camera", "package_lockers"]}),
    ("marcus.lee@cedar.example", "how do I import a bunch of tenants from a spreadsheet?", {"section": "CSV import"}),
    ("ravi.kumar@locks.example", "any locks with low battery?", {"doors": ["Parking Garage", "Pool"]}),
    ("marcus.lee@cedar.example", "who has the staff key", {"people": ["leo.grant@mail.example"]}),
    ("marcus.lee@cedar.example", "show me denied entries this week", {"events": ["m4"]}),
    ("hannah.s@mail.example", "who came into my apartment yesterday", {"events": ["m2"]}),
    ("diego.alvarez@mail.example", "any activity at my place yesterday?", {"events": ["m3"]}),
    ("hannah.s@mail.example", "why can't i get into the fitness center at 11:30pm", {"allowed": False, "reasons": ["outside_schedule"]}),
]


@pytest.mark.parametrize(("who", "text", "result"), MAPLE_QUESTIONS, ids=[q[1][:40] for q in MAPLE_QUESTIONS])
def test_questions_on_another_property(maple: Database, who: str, text: str, result: dict[str, Any]) -> None:
    answer = talk(maple, who, MAPLE_NOW, text)[0]
    assert answer["status"] == "answer", answer
    for key, value in result.items():
        got = answer["result"][key]
        assert (sorted(got) == sorted(value)) if isinstance(value, list) else got == value, answer


def test_resident_status_is_asked_then_taken_from_yes(foundry: Database) -> None:
    first, second = talk(foundry, "ben.carter@harbor.example", FOUNDRY_NOW, "Give priya.shah@example.com the Resident 3B key", "yes")
    assert first["status"] == "ask" and first["missing"] == ["resident"]
    assert second["status"] == "confirm"
    assert has_op(second, op="grant_key", key="Resident 3B", resident=True)


def test_ambiguous_name_is_asked_not_guessed(foundry: Database) -> None:
    answer = talk(foundry, "ben.carter@harbor.example", FOUNDRY_NOW, "give Diaz the maintenance key")[0]
    assert answer["status"] == "ask"
    assert "carla.diaz@harbor.example" in answer["reply"] and "+17185550199" in answer["reply"]
    assert answer["operations"] == []


def test_executed_grant_then_undo(foundry: Database) -> None:
    answers = talk(
        foundry,
        "ben.carter@harbor.example",
        FOUNDRY_NOW,
        "give jo.new@example.com the maintenance key until dec 31",
        "yes",
        "undo that",
        "yes",
        dry_run=False,
    )
    assert [a["status"] for a in answers] == ["confirm", "done", "confirm", "done"]
    from access_core.lookup import person_by_ref

    with foundry.session() as session:
        assert person_by_ref(session, "jo.new@example.com") is None


def test_no_leaves_everything_unchanged(foundry: Database) -> None:
    answers = talk(
        foundry, "carla.diaz@harbor.example", FOUNDRY_NOW, "revoke Omar Haddad's access to the common doors", "no", dry_run=False
    )
    assert answers[0]["status"] == "confirm" and answers[1]["status"] == "answer"
    from datetime import datetime

    from access_core.queries import check_access

    with foundry.session() as session:
        decision = check_access(session, "omar.haddad@example.com", "Front Entrance", datetime.fromisoformat(FOUNDRY_NOW))
    assert decision.allowed


def test_unknown_speaker_gets_a_polite_refusal(foundry: Database) -> None:
    answer = talk(foundry, "stranger@example.com", FOUNDRY_NOW, "give me the gym")[0]
    assert answer["status"] == "refused" and answer["operations"] == []


@pytest.mark.parametrize(
    ("message", "door"),
    [
        ("courier at the lobby with a package, open the front entrance pls", "Front Entrance"),
        ("let the ups guy into the package room, he is at the front entrance", "Package Room"),
    ],
)
def test_of_several_doors_the_one_to_open_is_the_one_after_the_verb(foundry: Database, message: str, door: str) -> None:
    answer = talk(foundry, "kim.tran@callcenter.example", FOUNDRY_NOW, message)[0]
    assert answer["status"] == "confirm" and has_op(answer, op="unlock_door", door=door), answer


def test_several_doors_and_no_verb_to_tell_them_apart_is_a_question(foundry: Database) -> None:
    answer = talk(foundry, "kim.tran@callcenter.example", FOUNDRY_NOW, "courier needs the front entrance or the package room")[0]
    assert answer["status"] == "ask" and "Front Entrance" in answer["reply"] and "Package Room" in answer["reply"], answer


def test_a_list_of_doors_after_the_verb_unlocks_each(foundry: Database) -> None:
    answer = talk(foundry, "kim.tran@callcenter.example", FOUNDRY_NOW, "unlock the front entrance and the package room for fedex")[0]
    assert answer["status"] == "confirm", answer
    assert [op["door"] for op in answer["operations"]] == ["Front Entrance", "Package Room"], answer


def test_the_gym_and_the_pool_are_two_grants(maple: Database) -> None:
    answer = talk(maple, "marcus.lee@cedar.example", "2026-03-06T09:00:00-08:00", "give ivy access to the gym and pool for march")[0]
    assert answer["status"] == "confirm", answer
    assert sorted(op["key"] for op in answer["operations"]) == ["Fitness Key", "Pool Key"], answer
    assert {(op["person"], op["ends_at"]) for op in answer["operations"]} == {("ivy.chen@mail.example", "2026-04-01T00:00:00-07:00")}


def test_several_keys_with_a_residence_ask_once_then_grant_each(maple: Database) -> None:
    first, second = talk(
        maple,
        "marcus.lee@cedar.example",
        "2026-03-06T09:00:00-08:00",
        "give ivy the pool and apt 202 keys from april 1",
        "yes she lives there",
    )
    assert first["status"] == "ask" and first["missing"] == ["resident"], first
    assert second["status"] == "confirm", second
    assert {op["key"]: op["resident"] for op in second["operations"]} == {"Pool Key": False, "Apt 202 Key": True}


def test_leaving_at_the_end_of_the_month_is_the_months_end(maple: Database) -> None:
    answer = talk(maple, "marcus.lee@cedar.example", "2026-03-06T09:00:00-08:00", "move diego out of apt 102 at the end of the month")[0]
    assert has_op(answer, op="revoke_key", person="diego.alvarez@mail.example", key="Apt 102 Key", at="2026-04-01T00:00:00-07:00"), answer


def test_her_apartment_is_the_named_persons_home(maple: Database) -> None:
    answer = talk(maple, "marcus.lee@cedar.example", "2026-03-06T09:00:00-08:00", "hannah is locked out of her apartment, why")[0]
    assert answer["status"] == "answer" and "Apt 101" in answer["reply"], answer


def test_a_former_residents_home_is_still_theirs_to_ask_about(maple: Database) -> None:
    answer = talk(maple, "marcus.lee@cedar.example", "2026-11-02T09:00:00-08:00", "why can't grace kim get into her place?")[0]
    assert answer["status"] == "answer" and "Apt 201" in answer["reply"], answer
    assert answer["result"] == {"allowed": False, "reasons": ["grant_expired"]}, answer


def test_a_manager_for_a_key_manages_that_key_only(maple: Database) -> None:
    answer = talk(maple, "olivia.grant@cedar.example", "2026-03-06T09:00:00-08:00", "make tom baker a manager for the fitness key")[0]
    assert has_op(
        answer, op="create_manager", person="tom.baker@vendor.example", permissions=["specific_key_management"], keys=["Fitness Key"]
    ), answer


def test_specific_key_management_asks_which_keys(maple: Database) -> None:
    first, second = talk(
        maple,
        "olivia.grant@cedar.example",
        "2026-03-06T09:00:00-08:00",
        "make leo grant a manager with specific key access",
        "the pool key",
    )
    assert first["status"] == "ask" and first["missing"] == ["keys"], first
    assert has_op(second, op="create_manager", person="leo.grant@mail.example", keys=["Pool Key"]), second


@pytest.mark.parametrize(
    ("message", "section"),
    [
        ("how can i see who has low battery locks", "Devices"),
        ("how do I install a new lock", "Devices"),
        ("how do i import ppl from a spreadsheet", "CSV import"),
    ],
)
def test_how_do_i_questions_are_help_whatever_they_mention(foundry: Database, message: str, section: str) -> None:
    answer = talk(foundry, "ben.carter@harbor.example", FOUNDRY_NOW, message)[0]
    assert (answer["status"], answer["result"]) == ("answer", {"section": section}), answer


def test_a_service_named_in_part_is_found_or_asked_among_the_close_ones(foundry: Database) -> None:
    first, second = talk(foundry, "jane.park@example.com", FOUNDRY_NOW, "book a cleaning for next tuesday at 10", "dry cleaning")
    assert first["status"] == "ask" and "Apartment Cleaning or Dry Cleaning Pickup" in first["reply"], first
    assert has_op(second, op="book_service", service="Dry Cleaning Pickup", starts_at="2026-12-08T10:00:00-05:00"), second


@pytest.mark.parametrize("message", ["what's the weather like", "asdf qwer", "I like turtles"])
def test_a_message_about_nothing_here_is_not_understood(foundry: Database, message: str) -> None:
    assert talk(foundry, "ben.carter@harbor.example", FOUNDRY_NOW, message)[0]["status"] == "unknown"


def test_a_keycard_named_by_serial_is_deactivated_for_its_holder(foundry: Database) -> None:
    answer = talk(foundry, "ben.carter@harbor.example", FOUNDRY_NOW, "deactivate keycard KC-00042")[0]
    assert has_op(answer, op="deactivate_keycard", serial="KC-00042", person="lucia.romero@example.com"), answer


def test_a_new_key_named_in_quotes(foundry: Database) -> None:
    answer = talk(foundry, "ben.carter@harbor.example", FOUNDRY_NOW, 'new key "Storage Access" for the boiler room and the garage gate')[0]
    assert has_op(answer, op="create_key", name="Storage Access", doors=["Boiler Room", "Garage Gate"]), answer


def test_which_key_for_a_schedule_offers_the_keys_holding_the_door(foundry: Database) -> None:
    answer = talk(foundry, "ben.carter@harbor.example", FOUNDRY_NOW, "roof deck hours should be 8am-10pm daily")[0]
    assert answer["status"] == "ask" and "Amenities Key or Manager Key" in answer["reply"], answer


@pytest.mark.parametrize(
    ("message", "section"),
    [
        ("how do I install a lock", "Devices"),
        ("how do I import people from a csv", "CSV import"),
        ("how do i add a door to a key", "Keys"),
        ("how can i set the gym hours", "Schedules"),
    ],
)
def test_help_ranks_the_specific_words_over_the_common_ones(foundry: Database, message: str, section: str) -> None:
    answer = talk(foundry, "ben.carter@harbor.example", FOUNDRY_NOW, message)[0]
    assert (answer["status"], answer["result"]) == ("answer", {"section": section}), answer


def test_how_do_i_book_an_amenity_is_help(foundry: Database) -> None:
    answer = talk(foundry, "jane.park@example.com", FOUNDRY_NOW, "how do i book the roof deck?")[0]
    assert (answer["status"], answer["result"]) == ("answer", {"section": "Concierge"}), answer


def test_an_amenity_and_a_slot_of_time_is_a_reservation(maple: Database) -> None:
    inside, outside = (
        talk(maple, "diego.alvarez@mail.example", "2026-12-01T10:00:00-08:00", f"can I get the pool on dec 10, {slot}?")[0]
        for slot in ("6 to 8 pm", "8 to 10 pm")
    )
    assert inside["status"] == "confirm" and has_op(inside, op="reserve_amenity", amenity="Pool", starts_at="2026-12-10T18:00:00-08:00"), (
        inside
    )
    assert outside["status"] == "refused" and outside["intent"] == "reserve_amenity", outside


def test_why_was_someone_denied_explains_the_denial_the_asker_may_see(maple: Database) -> None:
    [reply] = talk(maple, "marcus.lee@cedar.example", MAPLE_NOW, "why was leo denied at the pool last night")
    assert reply["status"] == "answer"
    assert "22:30" in reply["reply"]  # the denied entry of that night, not 18:00 for "last night"
    assert reply["result"] == {"allowed": True, "reasons": []}  # Staff Key opens the pool at any hour


def test_a_residents_private_denial_is_never_used_to_answer_a_manager(maple: Database) -> None:
    from datetime import datetime

    from sqlalchemy import select

    from access_core.activity import Actor, record_event
    from access_core.models import Door, Person

    with maple.session() as session:
        door = session.scalar(select(Door).where(Door.name == "Apt 101"))
        hannah = session.scalar(select(Person).where(Person.email == "hannah.s@mail.example"))
        assert door is not None and hannah is not None
        record_event(
            session,
            external_id="private-1",
            door=door,
            actor=Actor(person=hannah),
            at=datetime.fromisoformat("2026-11-30T21:40:00-08:00"),
            credential="app",
            granted=False,
        )
    [manager] = talk(maple, "marcus.lee@cedar.example", MAPLE_NOW, "why was hannah denied at apt 101 last night")
    assert "21:40" not in manager["reply"] and "was denied" not in manager["reply"]
    [herself] = talk(maple, "hannah.s@mail.example", MAPLE_NOW, "why was i denied at my apartment last night")
    assert "21:40" in herself["reply"]


@pytest.mark.parametrize(("who", "shown"), [("jane.park@example.com", False), ("ben.carter@harbor.example", True)])
def test_residents_are_never_shown_contacts_to_choose_between_two_names(foundry: Database, who: str, shown: bool) -> None:
    """DOMAIN: residents see people's contacts only as who-has-access answers, never to choose between two names;
    and a resident may ask why only about themselves, so is refused before being asked which of two others."""
    [asked] = talk(foundry, who, FOUNDRY_NOW, "why can't Shah open the gym?")
    if not shown:
        assert asked["status"] == "refused" and "@" not in asked["reply"]
        return
    assert asked["status"] == "ask" and asked["missing"] == ["person"]
    assert "priya.shah@example.com" in asked["reply"] and "dev.shah@leasing.example" in asked["reply"]
