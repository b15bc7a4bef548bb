"""Access decisions on the foundry: grants, keycards, doorcodes, guest shares and reservations.

The core decides a person through ``sources.decide_person`` / ``queries.check_access``. It has no
entry point that starts from a keycard serial or a doorcode, so ``keycard_decision`` and
``doorcode_check`` below compose the core's own pieces (``decide_person(credential_live=...)``,
``decide.doorcode_source`` and ``decide.doorcode_decision``) the way such an entry point would.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from access_core.decide import Decision, doorcode_decision, doorcode_source
from access_core.errors import Invalid
from access_core.lookup import door_in, require_person
from access_core.models import Amenity, Doorcode, GuestShare, Keycard, KeyDoor, Property, Reservation
from access_core.principal import load_principal
from access_core.queries import check_access, door_for, who_has_access
from access_core.schedule import parse_schedule
from access_core.services.context import Context
from access_core.sources import decide_person, zone
from tests.integration.operations import execute

CASES = Path(__file__).resolve().parents[1] / "cases" / "sample.jsonl"  # the contract's sample cases, carried in the repo
NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
JANE, OMAR, LUCIA, BEN = ("jane.park@example.com", "omar.haddad@example.com", "lucia.romero@example.com", "ben.carter@harbor.example")
ROSA, GUEST = "+17185550199", "+17185550123"


def at(text_: str) -> datetime:
    return datetime.fromisoformat(text_)


def act(session: Session, who: str, op: dict[str, Any], now: datetime = NOW) -> Any:
    prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
    assert prop is not None
    return execute(Context(session, load_principal(session, require_person(session, who)), now, prop), op)


def check(session: Session, person: str, door: str, when: str) -> Decision:
    return check_access(session, person, door, at(when))


def keycard_decision(session: Session, serial: str, door: str, when: datetime) -> Decision:
    card = session.scalar(select(Keycard).where(Keycard.serial == serial))
    assert card is not None
    return decide_person(session, card.person, door_for(session, door, card.person), when, credential_live=card.active)


def doorcode_check(session: Session, code: str, door_name: str, when: str) -> Decision:
    prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
    assert prop is not None
    door, tz, moment = door_in(session, prop, door_name), zone(prop.timezone), at(when)
    rows = session.execute(
        select(Doorcode, KeyDoor.schedule)
        .join(KeyDoor, and_(KeyDoor.key_id == Doorcode.key_id, KeyDoor.door_id == door.id))
        .where(Doorcode.code == code)
    ).all()
    today = moment.astimezone(tz).date()
    rows.sort(key=lambda row: row[0].day != today)
    source = doorcode_source(f"code {code}", rows[0][0].day, tz, parse_schedule(rows[0][1]), rows[0][0].active) if rows else None
    return doorcode_decision(source, moment, tz, door_activated=door.activated)


# --- the sample cases of shared/fixtures ------------------------------------------------------


def _sample(kind: str) -> list[Any]:
    cases = [json.loads(line) for line in CASES.read_text().splitlines() if line.strip()]
    return [pytest.param(c, id=c["id"]) for c in cases if c.get("kind") == kind]


@pytest.mark.parametrize("case", _sample("check"))
def test_sample_checks(session: Session, case: dict[str, Any]) -> None:
    decision = check(session, case["person"], case["door"], case["at"])
    expected = case["expect"]["result"]
    assert decision.allowed is expected["allowed"]
    assert list(decision.reasons) == expected.get("reasons", [])


SESSION_OPS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "session-01": [
        (
            BEN,
            {
                "op": "grant_key",
                "person": "priya.shah@example.com",
                "key": "Resident 3A",
                "starts_at": "2027-01-01T00:00:00-05:00",
                "ends_at": None,
                "resident": True,
            },
        )
    ],
    "session-02": [(BEN, {"op": "revoke_key", "person": OMAR, "key": "Resident 4B", "at": None}), (BEN, "undo")],
    "session-03": [],
    "session-04": [(BEN, {"op": "set_schedule", "key": "Amenities Key", "door": "Gym", "schedule": "Mon-Sun 09:00-17:00"})],
    "session-05": [("carla.diaz@harbor.example", {"op": "revoke_key", "person": OMAR, "key": "Common Door Key", "at": None})],
}


@pytest.mark.parametrize("case", _sample("session"))
def test_sample_sessions_as_operations(session: Session, case: dict[str, Any]) -> None:
    """The executing sample sessions, as the operations they confirm, then their after-checks."""
    last = None
    for who, op in SESSION_OPS[case["id"]]:
        if op == "undo":
            assert last is not None
            for undo in last.undo:
                act(session, who, undo)
        else:
            last = act(session, who, op)
    for after in case["after"]:
        decision = check(session, after["person"], after["door"], after["at"])
        expected = after["expect"]["result"]
        assert decision.allowed is expected["allowed"]
        assert set(expected.get("reasons", [])) <= set(decision.reasons)


# --- grants across the DST switches, through the database ------------------------------------


@pytest.mark.parametrize(
    ("when", "reasons"),
    [
        ("2026-11-01T05:59:00-05:00", ("outside_schedule",)),
        ("2026-11-01T06:00:00-05:00", ()),
        ("2026-11-01T21:59:00-05:00", ()),
        ("2026-11-01T22:00:00-05:00", ("outside_schedule",)),
        ("2026-11-01T01:30:00-05:00", ("outside_schedule",)),
        ("2026-03-08T05:59:00-04:00", ("outside_schedule",)),
        ("2026-03-08T06:00:00-04:00", ()),
        ("2026-03-08T10:00:00Z", ()),  # 06:00 EDT written in UTC
        ("2026-03-08T09:59:00Z", ("outside_schedule",)),
        ("2026-03-08T22:00:00-04:00", ("outside_schedule",)),
    ],
)
def test_key_schedules_are_read_in_the_propertys_local_time(session: Session, when: str, reasons: tuple[str, ...]) -> None:
    assert check(session, LUCIA, "Gym", when).reasons == reasons


@pytest.mark.parametrize(
    ("person", "door", "when", "reasons"),
    [
        (JANE, "Unit 4B", "2026-02-01T00:00:00-05:00", ()),
        (JANE, "Unit 4B", "2026-01-31T23:59:59-05:00", ("grant_not_started",)),
        (JANE, "Unit 4B", "2027-01-31T23:59:59-05:00", ()),
        (JANE, "Unit 4B", "2027-02-01T00:00:00-05:00", ("grant_expired",)),
        ("sam.okafor@example.com", "Unit 1A", "2026-10-31T23:59:00-04:00", ()),
        ("sam.okafor@example.com", "Unit 1A", "2026-11-01T00:00:00-04:00", ("grant_expired",)),
        (JANE, "Gym", "2027-02-01T23:00:00-05:00", ("grant_expired", "outside_schedule")),
        ("dev.shah@leasing.example", "Unit 4A", "2025-12-01T10:00:00-05:00", ("grant_not_started", "door_not_activated")),
        (JANE, "Unit 4A", "2026-12-01T10:00:00-05:00", ("no_key_for_door", "door_not_activated")),
        (BEN, "Unit 1B", "2026-12-01T03:00:00-05:00", ()),
        ("max.weber@cleanco.example", "Boiler Room", "2026-12-05T10:00:00-05:00", ("outside_schedule",)),
        ("max.weber@cleanco.example", "Boiler Room", "2026-12-04T17:59:00-05:00", ()),
        ("max.weber@cleanco.example", "Front Entrance", "2026-12-05T10:00:00-05:00", ()),
    ],
)
def test_grant_periods_and_reasons(session: Session, person: str, door: str, when: str, reasons: tuple[str, ...]) -> None:
    decision = check(session, person, door, when)
    assert decision.reasons == reasons and decision.allowed is (reasons == ())


# --- keycards mirror their holder ----------------------------------------------------------

MIRROR = [
    ("KC-00017", JANE, "Unit 4B", "2026-12-01T10:00:00-05:00"),
    ("KC-00017", JANE, "Gym", "2026-11-30T23:10:00-05:00"),
    ("KC-00017", JANE, "Boiler Room", "2026-12-01T10:00:00-05:00"),
    ("KC-00017", JANE, "Unit 4A", "2026-12-01T10:00:00-05:00"),
    ("KC-00017", JANE, "Front Entrance", "2027-02-01T00:00:00-05:00"),
    ("KC-00042", LUCIA, "Gym", "2026-12-01T10:00:00-05:00"),
    ("KC-00042", LUCIA, "Unit 2A", "2026-12-01T03:00:00-05:00"),
    ("KC-00042", LUCIA, "Unit 4B", "2026-12-01T10:00:00-05:00"),
]


@pytest.mark.parametrize(("serial", "holder", "door", "when"), MIRROR)
def test_a_keycard_mirrors_its_holder(session: Session, serial: str, holder: str, door: str, when: str) -> None:
    assert keycard_decision(session, serial, door, at(when)) == check(session, holder, door, when)


@pytest.mark.parametrize(("serial", "holder", "door", "when"), MIRROR)
def test_a_deactivated_keycard_is_an_inactive_credential(session: Session, serial: str, holder: str, door: str, when: str) -> None:
    act(session, BEN, {"op": "deactivate_keycard", "serial": serial, "person": holder})
    person_alone = check(session, holder, door, when)
    card = keycard_decision(session, serial, door, at(when))
    assert not card.allowed
    assert "credential_inactive" in card.reasons
    assert set(card.reasons) - {"credential_inactive"} == set(person_alone.reasons)


def test_a_keycard_follows_changes_to_its_holders_access(session: Session) -> None:
    act(session, BEN, {"op": "revoke_key", "person": JANE, "key": "Resident 4B", "at": None})
    assert keycard_decision(session, "KC-00017", "Unit 4B", NOW).reasons == ("grant_expired",)
    act(session, BEN, {"op": "deactivate_keycard", "serial": "KC-00017", "person": JANE})
    act(session, BEN, {"op": "issue_keycard", "serial": "KC-00017", "person": OMAR})
    assert keycard_decision(session, "KC-00017", "Unit 4B", NOW).allowed
    assert keycard_decision(session, "KC-00017", "Gym", NOW).reasons == ("no_key_for_door",)


# --- daily doorcodes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("door", "when", "reasons"),
    [
        ("Unit 4B", "2026-11-30T00:00:00-05:00", ()),
        ("Unit 4B", "2026-11-30T10:00:00-05:00", ()),
        ("Unit 4B", "2026-11-30T23:59:59-05:00", ()),
        ("Unit 4B", "2026-12-01T00:00:00-05:00", ("credential_inactive",)),
        ("Unit 4B", "2026-11-29T23:59:59-05:00", ("credential_inactive",)),
        ("Unit 4B", "2026-11-30T04:59:59Z", ("credential_inactive",)),
        ("Unit 4B", "2026-11-30T05:00:00Z", ()),
        ("Front Entrance", "2026-11-30T10:00:00-05:00", ("no_key_for_door",)),
    ],
)
def test_the_foundry_doorcode_is_valid_on_its_local_day_only(session: Session, door: str, when: str, reasons: tuple[str, ...]) -> None:
    assert doorcode_check(session, "481516", door, when).reasons == reasons


@pytest.mark.parametrize(
    ("door", "when", "reasons"),
    [
        ("Front Entrance", "2026-12-02T08:00:00-05:00", ()),
        ("Garage Gate", "2026-12-02T23:59:00-05:00", ()),
        ("Front Entrance", "2026-12-03T08:00:00-05:00", ("credential_inactive",)),
        ("Front Entrance", "2026-12-01T23:59:00-05:00", ("credential_inactive",)),
        ("Unit 4B", "2026-12-02T08:00:00-05:00", ("no_key_for_door",)),
    ],
)
def test_a_new_doorcode_opens_its_keys_doors_on_its_day(session: Session, door: str, when: str, reasons: tuple[str, ...]) -> None:
    outcome = act(session, JANE, {"op": "create_doorcode", "granter": JANE, "key": "Common Door Key", "date": "2026-12-02"})
    assert doorcode_check(session, outcome.detail["code"], door, when).reasons == reasons


def test_a_revoked_doorcode_is_an_inactive_credential(session: Session) -> None:
    outcome = act(session, JANE, {"op": "create_doorcode", "key": "Resident 4B", "date": "2026-12-02"})
    code = outcome.detail["code"]
    assert doorcode_check(session, code, "Unit 4B", "2026-12-02T12:00:00-05:00").allowed
    for undo in outcome.undo:
        act(session, JANE, undo)
    assert doorcode_check(session, code, "Unit 4B", "2026-12-02T12:00:00-05:00").reasons == ("credential_inactive",)


@pytest.mark.parametrize(
    ("when", "reasons"),
    [
        ("2026-12-02T21:59:00-05:00", ()),
        ("2026-12-02T23:00:00-05:00", ("outside_schedule",)),
        ("2026-12-03T23:00:00-05:00", ("outside_schedule", "credential_inactive")),
        ("2026-12-03T12:00:00-05:00", ("credential_inactive",)),
    ],
)
def test_a_doorcode_follows_the_doors_schedule_in_its_key(session: Session, when: str, reasons: tuple[str, ...]) -> None:
    act(session, BEN, {"op": "create_key", "name": "Pool Key", "doors": ["Gym"], "shareable": True})
    act(session, BEN, {"op": "set_schedule", "key": "Pool Key", "door": "Gym", "schedule": "Mon-Sun 06:00-22:00"})
    act(session, BEN, {"op": "grant_key", "person": JANE, "key": "Pool Key", "resident": False, "may_share": True})
    outcome = act(session, JANE, {"op": "create_doorcode", "key": "Pool Key", "date": "2026-12-02"})
    assert doorcode_check(session, outcome.detail["code"], "Gym", when).reasons == reasons


# --- guest shares -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("door", "when", "reasons"),
    [
        ("Unit 4B", "2026-11-30T11:59:59-05:00", ("grant_not_started",)),
        ("Unit 4B", "2026-11-30T12:00:00-05:00", ()),
        ("Unit 4B", "2026-11-30T15:59:59-05:00", ()),
        ("Unit 4B", "2026-11-30T16:00:00-05:00", ("grant_expired",)),
        ("Front Entrance", "2026-11-30T12:09:00-05:00", ()),
        ("Garage Gate", "2026-11-30T16:00:00-05:00", ("grant_expired",)),
        ("Gym", "2026-11-30T13:00:00-05:00", ("no_key_for_door",)),
        ("Unit 2A", "2026-11-30T13:00:00-05:00", ("no_key_for_door",)),
    ],
)
def test_guest_shares_are_time_boxed(session: Session, door: str, when: str, reasons: tuple[str, ...]) -> None:
    assert check(session, ROSA, door, when).reasons == reasons


def _share_to_guest(session: Session) -> Any:
    return act(
        session,
        JANE,
        {
            "op": "share_key",
            "granter": JANE,
            "guest": GUEST,
            "key": "Resident 4B",
            "starts_at": NOW.isoformat(),
            "ends_at": "2026-12-02T10:00:00-05:00",
        },
    )


def test_a_revoked_share_is_an_inactive_credential(session: Session) -> None:
    outcome = _share_to_guest(session)
    assert check(session, GUEST, "Unit 4B", "2026-12-01T12:00:00-05:00").allowed
    for undo in outcome.undo:
        act(session, JANE, undo)
    assert check(session, GUEST, "Unit 4B", "2026-12-01T12:00:00-05:00").reasons == ("credential_inactive",)
    share = session.scalar(select(GuestShare).where(GuestShare.guest_id == require_person(session, GUEST).id))
    assert share is not None and share.active is False


SHARER_CHANGES = {
    "revoked_now": {"op": "revoke_key", "person": JANE, "key": "Resident 4B", "at": None},
    "revoked_at_18h": {"op": "revoke_key", "person": JANE, "key": "Resident 4B", "at": "2026-12-01T18:00:00-05:00"},
    "may_share_withdrawn": {
        "op": "grant_key",
        "person": JANE,
        "key": "Resident 4B",
        "starts_at": "2026-02-01T00:00:00-05:00",
        "ends_at": "2027-02-01T00:00:00-05:00",
        "resident": True,
        "may_share": False,
    },
    "start_moved_to_dec_2": {
        "op": "grant_key",
        "person": JANE,
        "key": "Resident 4B",
        "starts_at": "2026-12-02T00:00:00-05:00",
        "ends_at": "2027-02-01T00:00:00-05:00",
        "resident": True,
        "may_share": True,
    },
}


@pytest.mark.parametrize(
    ("change", "when", "allowed"),
    [
        ("revoked_now", "2026-12-01T12:00:00-05:00", False),
        ("revoked_at_18h", "2026-12-01T19:00:00-05:00", False),
        pytest.param(
            "revoked_at_18h",
            "2026-12-01T12:00:00-05:00",
            True,
        ),
        ("may_share_withdrawn", "2026-12-01T12:00:00-05:00", False),
        pytest.param(
            "start_moved_to_dec_2",
            "2026-12-01T12:00:00-05:00",
            False,
        ),
        ("start_moved_to_dec_2", "2026-12-02T09:00:00-05:00", True),
    ],
)
def test_a_share_lives_only_within_the_sharers_grant(session: Session, change: str, when: str, allowed: bool) -> None:
    _share_to_guest(session)
    act(session, BEN, SHARER_CHANGES[change])
    decision = check(session, GUEST, "Unit 4B", when)
    assert decision.allowed is allowed
    assert (decision.reasons == ()) is allowed


def test_a_share_does_not_outlive_a_sharer_who_lost_the_key_entirely(session: Session) -> None:
    _share_to_guest(session)
    act(session, BEN, {"op": "revoke_key", "person": JANE, "key": "Resident 4B", "at": "2026-02-01T00:00:00-05:00"})
    assert not check(session, GUEST, "Unit 4B", "2026-12-01T12:00:00-05:00").allowed
    assert check(session, OMAR, "Unit 4B", "2026-12-01T12:00:00-05:00").allowed


# --- reservations -------------------------------------------------------------------------

RESERVATION = {
    "op": "reserve_amenity",
    "amenity": "Roof Deck",
    "starts_at": "2026-12-05T18:00:00-05:00",
    "ends_at": "2026-12-05T20:00:00-05:00",
}


@pytest.mark.parametrize(
    ("when", "reasons"),
    [
        ("2026-12-05T17:59:59-05:00", ("grant_not_started",)),
        ("2026-12-05T18:00:00-05:00", ()),
        ("2026-12-05T19:59:59-05:00", ()),
        ("2026-12-05T20:00:00-05:00", ("grant_expired",)),
        ("2026-12-06T19:00:00-05:00", ("grant_expired",)),
    ],
)
def test_a_reservation_opens_the_amenity_door_for_its_slot_only(session: Session, when: str, reasons: tuple[str, ...]) -> None:
    assert check(session, OMAR, "Roof Deck", when).reasons == ("no_key_for_door",)
    act(session, OMAR, RESERVATION)
    assert check(session, OMAR, "Roof Deck", when).reasons == reasons
    assert check(session, OMAR, "Gym", when).reasons == ("no_key_for_door",)


def test_a_cancelled_reservation_opens_nothing(session: Session) -> None:
    outcome = act(session, OMAR, RESERVATION)
    for undo in outcome.undo:
        act(session, OMAR, undo)
    assert check(session, OMAR, "Roof Deck", "2026-12-05T19:00:00-05:00").reasons == ("no_key_for_door",)


def test_a_reservation_adds_to_a_key_holders_access(session: Session) -> None:
    act(session, LUCIA, RESERVATION)
    assert check(session, LUCIA, "Roof Deck", "2026-12-05T19:00:00-05:00").allowed
    assert check(session, LUCIA, "Roof Deck", "2026-12-06T12:00:00-05:00").allowed
    assert check(session, LUCIA, "Roof Deck", "2026-12-06T21:00:00-05:00").reasons == ("outside_schedule",)


@pytest.mark.parametrize(
    ("amenity", "starts", "ends", "problem"),
    [
        ("Roof Deck", "2026-12-05T18:00:00-05:00", "2026-12-05T21:00:00-05:00", None),
        ("Roof Deck", "2026-12-05T09:00:00-05:00", "2026-12-05T12:00:00-05:00", None),
        ("Roof Deck", "2026-12-05T17:59:00-05:00", "2026-12-05T21:00:00-05:00", "at most 3 hours"),
        ("Roof Deck", "2026-12-05T20:00:00-05:00", "2026-12-05T22:00:00-05:00", "outside its hours"),
        ("Roof Deck", "2026-12-05T08:30:00-05:00", "2026-12-05T10:00:00-05:00", "outside its hours"),
        ("Roof Deck", "2026-11-30T18:00:00-05:00", "2026-11-30T20:00:00-05:00", "already passed"),
        ("Roof Deck", "2026-12-05T20:00:00-05:00", "2026-12-05T18:00:00-05:00", "end after it starts"),
        ("Gym", "2026-12-05T10:00:00-05:00", "2026-12-05T11:00:00-05:00", "can't be reserved"),
    ],
)
def test_reservations_respect_the_amenitys_rules(session: Session, amenity: str, starts: str, ends: str, problem: str | None) -> None:
    op = {"op": "reserve_amenity", "amenity": amenity, "starts_at": starts, "ends_at": ends}
    if problem is None:
        act(session, LUCIA, op)
        assert session.scalar(select(Reservation).where(Reservation.starts_at == at(starts))) is not None
        return
    with pytest.raises(Invalid) as refused:
        act(session, LUCIA, op)
    assert problem in refused.value.message


def test_a_full_amenity_refuses_one_more_reservation(session: Session) -> None:
    session.execute(update(Amenity).where(Amenity.name == "Roof Deck").values(max_places_per_person=20))  # no hoarding cap here
    for _ in range(20):
        act(session, LUCIA, RESERVATION)
    with pytest.raises(Invalid) as refused:
        act(session, OMAR, RESERVATION)
    assert "fully booked" in refused.value.message
    assert check(session, OMAR, "Roof Deck", "2026-12-05T19:00:00-05:00").reasons == ("no_key_for_door",)


# --- who has access agrees with the decisions -------------------------------------------------


def who_has(session: Session, door: str, when: str) -> list[str]:
    prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
    assert prop is not None
    principal = load_principal(session, require_person(session, BEN))
    holders = who_has_access(session, principal, door_in(session, prop, door), at(when))
    return sorted(h.person.handle for h in holders)


def test_who_has_access_lists_holders_and_guests_of_the_moment(session: Session) -> None:
    assert who_has(session, "Unit 4B", NOW.isoformat()) == [JANE, OMAR]
    assert who_has(session, "Unit 4B", "2026-11-30T13:00:00-05:00") == [ROSA, JANE, OMAR]
    assert who_has(session, "Unit 1A", NOW.isoformat()) == []
    _share_to_guest(session)
    assert who_has(session, "Unit 4B", "2026-12-01T12:00:00-05:00") == [GUEST, JANE, OMAR]


def test_who_has_access_leaves_out_guests_of_a_sharer_who_lost_the_key(session: Session) -> None:
    _share_to_guest(session)
    act(session, BEN, {"op": "revoke_key", "person": JANE, "key": "Resident 4B", "at": None})
    assert not check(session, GUEST, "Unit 4B", "2026-12-01T12:00:00-05:00").allowed
    assert who_has(session, "Unit 4B", "2026-12-01T12:00:00-05:00") == [OMAR]


def test_who_has_access_includes_a_reservation_during_its_slot(session: Session) -> None:
    act(session, OMAR, RESERVATION)
    assert check(session, OMAR, "Roof Deck", "2026-12-05T19:00:00-05:00").allowed
    assert OMAR in who_has(session, "Roof Deck", "2026-12-05T19:00:00-05:00")


def test_undoing_a_revoke_gives_back_the_doorcodes_it_switched_off(session: Session) -> None:
    code = act(session, JANE, {"op": "create_doorcode", "key": "Resident 4B", "date": "2026-12-02"}).detail["code"]
    revoked = act(session, BEN, {"op": "revoke_key", "person": JANE, "key": "Resident 4B", "at": None})
    assert doorcode_check(session, code, "Unit 4B", "2026-12-02T12:00:00-05:00").reasons == ("credential_inactive",)
    for undo in revoked.undo:
        act(session, BEN, undo)
    assert doorcode_check(session, code, "Unit 4B", "2026-12-02T12:00:00-05:00").allowed
