"""DOMAIN "Lockdown": who may start and lift one, who still gets in, and who sees it in the activity log."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core import queries
from access_core.access_index import AccessIndex
from access_core.errors import Refused
from access_core.lookup import door_in, require_person
from access_core.models import Door, Grant, Key, KeyDoor, Property
from access_core.principal import load_principal
from access_core.property_events import visible_property_events
from access_core.services.context import Context
from access_core.sources import decide_person
from tests.integration.operations import execute

NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
LATER = datetime.fromisoformat("2026-12-01T12:00:00-05:00")
ACTORS = {
    "P": "ana.lopez@harbor.example",
    "F": "ben.carter@harbor.example",
    "L": "carla.diaz@harbor.example",
    "S": "dev.shah@leasing.example",
    "D": "eli.novak@installers.example",
    "A": "kim.tran@callcenter.example",
    "R": "jane.park@example.com",
}
WHOLE = {"op": "start_lockdown", "property": "The Foundry", "doors": None, "reason": "gas leak"}
GARAGE = {"op": "start_lockdown", "property": "The Foundry", "doors": ["Garage Gate"], "reason": None}
LIFT = {"op": "end_lockdown", "property": "The Foundry"}


def foundry(session: Session) -> Property:
    prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
    assert prop is not None
    return prop


def ctx(session: Session, who: str, now: datetime = NOW) -> Context:
    person = require_person(session, ACTORS.get(who, who))
    return Context(session, load_principal(session, person), now, foundry(session))


def check(session: Session, who: str, door: str, at: datetime = LATER) -> tuple[str, ...]:
    return queries.check_access(session, ACTORS.get(who, who), door, at).reasons


@pytest.mark.parametrize("who", ["L", "S", "D", "A", "R"])
@pytest.mark.parametrize("op", [WHOLE, GARAGE, LIFT])
def test_only_portfolio_and_full_managers_start_or_lift(session: Session, who: str, op: dict[str, object]) -> None:
    execute(ctx(session, "F"), WHOLE)
    with pytest.raises(Refused):
        execute(ctx(session, who), op)


@pytest.mark.parametrize("who", ["P", "F"])
def test_portfolio_and_full_managers_start_and_lift(session: Session, who: str) -> None:
    execute(ctx(session, who), WHOLE)
    assert check(session, "R", "Front Entrance") == ("lockdown",)
    execute(ctx(session, who, LATER), LIFT)
    assert check(session, "R", "Front Entrance", datetime.fromisoformat("2026-12-01T13:00:00-05:00")) == ()


def _first_responders(session: Session, holder: str = "priya.shah@example.com") -> None:
    prop = foundry(session)
    front = door_in(session, prop, "Front Entrance")
    key = Key(property_id=prop.id, name="First Responders", shareable=False, lockdown_exempt=True)
    key.doors.append(KeyDoor(door_id=front.id, door=front))
    session.add(key)
    session.flush()
    person = require_person(session, holder)
    session.add(Grant(person_id=person.id, key_id=key.id, starts_at=NOW.replace(year=2025), ends_at=None, resident=False, may_share=False))
    session.flush()


EXEMPTIONS = [
    # who (or credential), door, reasons during a whole-property lockdown
    ("F", "Front Entrance", ()),  # full-key manager: own app
    ("F", "Unit 1B", ()),  # his own home too
    ("L", "Front Entrance", ("lockdown",)),  # limited manager: not exempt
    ("S", "Front Entrance", ("lockdown",)),
    ("R", "Front Entrance", ("lockdown",)),
    ("R", "Unit 4B", ("lockdown",)),  # residences included
    ("keycard:KC-00017", "Gym", ("lockdown",)),  # Jane's keycard
    ("priya.shah@example.com", "Front Entrance", ()),  # a lockdown_exempt key, at its door
    ("priya.shah@example.com", "Garage Gate", ("no_key_for_door", "lockdown")),  # not at other doors
    ("P", "Front Entrance", ("no_key_for_door", "lockdown")),  # exempt, but holds no key
]


@pytest.mark.parametrize(("who", "door", "expected"), EXEMPTIONS)
def test_exemptions(session: Session, who: str, door: str, expected: tuple[str, ...]) -> None:
    _first_responders(session)
    execute(ctx(session, "F"), WHOLE)
    assert check(session, who, door) == expected
    index = AccessIndex.build(session, foundry(session))
    if not who.startswith("keycard:"):
        person = require_person(session, ACTORS.get(who, who))
        target = door_in(session, foundry(session), door)
        assert index.decide(person.id, target.id, LATER) == decide_person(session, person, target, LATER)


def test_shares_doorcodes_and_reservations_are_never_exempt(session: Session) -> None:
    started = datetime.fromisoformat("2026-11-30T09:00:00-05:00")
    execute(ctx(session, "F", started), WHOLE)
    during_share = datetime.fromisoformat("2026-11-30T13:00:00-05:00")
    assert "lockdown" in check(session, "+17185550199", "Unit 4B", during_share)  # Rosa's guest share
    assert check(session, "doorcode:481516", "Unit 4B", during_share) == ("lockdown",)


def test_a_single_door_lockdown_leaves_the_others(session: Session) -> None:
    execute(ctx(session, "F"), GARAGE)
    assert check(session, "R", "Garage Gate") == ("lockdown",)
    assert check(session, "R", "Front Entrance") == ()


@pytest.mark.parametrize(
    ("who", "door", "allowed"),
    [
        ("F", "Garage Gate", True),
        ("P", "Garage Gate", True),
        ("L", "Garage Gate", False),
        ("A", "Front Entrance", False),
        ("priya.shah@example.com", "Front Entrance", True),
    ],
)
def test_remote_unlocks_during_a_lockdown(session: Session, who: str, door: str, allowed: bool) -> None:
    _first_responders(session)
    execute(ctx(session, "F"), WHOLE)
    unlock = {"op": "unlock_door", "door": door, "reason": "test"}
    if allowed:
        execute(ctx(session, who, LATER), unlock)
    else:
        with pytest.raises(Refused):
            execute(ctx(session, who, LATER), unlock)


@pytest.mark.parametrize(("who", "sees"), [("P", 2), ("F", 2), ("L", 2), ("S", 2), ("D", 0), ("A", 0), ("R", 0)])
def test_start_and_lift_are_property_events_for_the_managers(session: Session, who: str, sees: int) -> None:
    execute(ctx(session, "F"), WHOLE)
    execute(ctx(session, "F", LATER), LIFT)
    events = visible_property_events(session, ctx(session, who).principal, foundry(session))
    assert len(events) == sees
    if sees:
        names = {d.name for d in session.scalars(select(Door).where(Door.id.in_([int(i) for i in events[0].door_ids])))}
        assert {"Front Entrance", "Unit 4B"} <= names


def test_specific_manager_sees_a_lockdown_only_when_it_names_a_door_of_their_keys(session: Session) -> None:
    execute(ctx(session, "F"), GARAGE)  # Garage Gate is not in the Leasing Key
    assert visible_property_events(session, ctx(session, "S").principal, foundry(session)) == []
    execute(ctx(session, "F"), {**GARAGE, "doors": ["Unit 3B"]})
    assert len(visible_property_events(session, ctx(session, "S").principal, foundry(session))) == 1


def test_lifting_ends_every_lockdown_at_once(session: Session) -> None:
    execute(ctx(session, "F"), GARAGE)
    execute(ctx(session, "F"), {**GARAGE, "doors": ["Gym"]})
    execute(ctx(session, "F", LATER), LIFT)
    at = datetime.fromisoformat("2026-12-01T13:00:00-05:00")
    assert check(session, "R", "Garage Gate", at) == () and check(session, "R", "Gym", at) == ()
