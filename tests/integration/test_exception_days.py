"""DOMAIN "Exception days": who may set them, what they close, and what they cancel."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core import policy, queries
from access_core.access_index import AccessIndex
from access_core.describe import done
from access_core.errors import Invalid, NotFound, Refused
from access_core.lookup import door_in, require_person
from access_core.models import Amenity, Property, Reservation
from access_core.principal import load_principal
from access_core.services.context import Context, Outcome
from access_core.sources import decide_person
from tests.integration.operations import execute

NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
ACTORS = {
    "P": "ana.lopez@harbor.example",
    "F": "ben.carter@harbor.example",
    "L": "carla.diaz@harbor.example",
    "S": "dev.shah@leasing.example",
    "D": "eli.novak@installers.example",
    "A": "kim.tran@callcenter.example",
    "R": "jane.park@example.com",
}
CHRISTMAS = {
    "op": "add_exception_day",
    "property": "The Foundry",
    "date": "2026-12-25",
    "name": "Christmas Day",
    "mode": "closed",
    "doors": None,
}
NYE_AS_SUNDAY = {**CHRISTMAS, "date": "2026-12-31", "name": "New Year's Eve", "mode": "Sun"}
REMOVE = {"op": "remove_exception_day", "property": "The Foundry", "date": "2026-12-25"}


def foundry(session: Session) -> Property:
    prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
    assert prop is not None
    return prop


def ctx(session: Session, who: str) -> Context:
    person = require_person(session, ACTORS.get(who, who))
    return Context(session, load_principal(session, person), NOW, foundry(session))


def reasons(session: Session, who: str, door: str, at: str) -> tuple[str, ...]:
    return queries.check_access(session, ACTORS.get(who, who), door, datetime.fromisoformat(at)).reasons


@pytest.mark.parametrize("who", ["L", "S", "D", "A", "R"])
@pytest.mark.parametrize("op", [CHRISTMAS, NYE_AS_SUNDAY, REMOVE])
def test_only_portfolio_and_full_managers_edit_the_calendar(session: Session, who: str, op: dict[str, object]) -> None:
    execute(ctx(session, "F"), CHRISTMAS)
    with pytest.raises(Refused):
        execute(ctx(session, who), op)


@pytest.mark.parametrize(("who", "may"), [("P", True), ("F", True), ("L", True), ("S", True), ("D", False), ("A", False), ("R", False)])
def test_who_may_list_the_calendar(session: Session, who: str, may: bool) -> None:
    c = ctx(session, who)
    if may:
        policy.require_calendar_view(c.principal, c.prop)
    else:
        with pytest.raises(Refused):
            policy.require_calendar_view(c.principal, c.prop)


CLOSED_TABLE = [
    # who, door, local time, reasons with Christmas closed for every scheduled door
    ("max.weber@cleanco.example", "Boiler Room", "2026-12-25T10:00:00-05:00", ("closed_day",)),
    ("max.weber@cleanco.example", "Boiler Room", "2026-12-24T10:00:00-05:00", ()),
    ("max.weber@cleanco.example", "Front Entrance", "2026-12-25T10:00:00-05:00", ()),  # unscheduled in his key
    ("R", "Gym", "2026-12-25T10:00:00-05:00", ("closed_day",)),
    ("R", "Unit 4B", "2026-12-25T10:00:00-05:00", ()),  # homes stay open
    ("F", "Boiler Room", "2026-12-25T10:00:00-05:00", ()),  # unscheduled in the Manager Key
    ("doorcode:481516", "Unit 4B", "2026-11-30T10:00:00-05:00", ()),
]


@pytest.mark.parametrize(("who", "door", "at", "expected"), CLOSED_TABLE)
def test_a_closed_day_closes_only_scheduled_doors(session: Session, who: str, door: str, at: str, expected: tuple[str, ...]) -> None:
    execute(ctx(session, "F"), CHRISTMAS)
    assert reasons(session, who, door, at) == expected
    if not who.startswith("doorcode:"):
        person = require_person(session, ACTORS.get(who, who))
        target = door_in(session, foundry(session), door)
        moment = datetime.fromisoformat(at)
        assert AccessIndex.build(session, foundry(session)).decide(person.id, target.id, moment) == decide_person(
            session, person, target, moment
        )


def test_a_weekday_mode_runs_that_weekdays_windows(session: Session) -> None:
    execute(ctx(session, "F"), NYE_AS_SUNDAY)
    assert reasons(session, "max.weber@cleanco.example", "Boiler Room", "2026-12-31T10:00:00-05:00") == ("outside_schedule",)
    execute(ctx(session, "F"), {**CHRISTMAS, "date": "2026-12-27", "name": "Workday", "mode": "Monday"})
    assert reasons(session, "max.weber@cleanco.example", "Boiler Room", "2026-12-27T10:00:00-05:00") == ()


def test_named_doors_only(session: Session) -> None:
    execute(ctx(session, "F"), {**CHRISTMAS, "doors": ["Gym"]})
    assert reasons(session, "R", "Gym", "2026-12-25T10:00:00-05:00") == ("closed_day",)
    assert reasons(session, "R", "Roof Deck", "2026-12-25T10:00:00-05:00") == ()


def test_removing_the_day_opens_again(session: Session) -> None:
    execute(ctx(session, "F"), CHRISTMAS)
    execute(ctx(session, "F"), REMOVE)
    assert reasons(session, "R", "Gym", "2026-12-25T10:00:00-05:00") == ()
    with pytest.raises(Invalid):
        execute(ctx(session, "F"), REMOVE)


@pytest.mark.parametrize(("field", "value"), [("date", "2026-13-01"), ("date", "christmas"), ("mode", "holiday"), ("doors", ["Ballroom"])])
def test_bad_values_are_refused(session: Session, field: str, value: object) -> None:
    with pytest.raises((Invalid, NotFound)):
        execute(ctx(session, "F"), {**CHRISTMAS, field: value})


def _reserve(session: Session, starts: str, ends: str) -> Reservation:
    roof = session.scalar(select(Amenity).where(Amenity.name == "Roof Deck"))
    assert roof is not None
    jane = require_person(session, ACTORS["R"])
    reservation = Reservation(
        amenity_id=roof.id, person_id=jane.id, starts_at=datetime.fromisoformat(starts), ends_at=datetime.fromisoformat(ends)
    )
    session.add(reservation)
    session.flush()
    return reservation


def test_closing_a_day_cancels_its_reservations_and_names_them(session: Session) -> None:
    on_the_day = _reserve(session, "2026-12-25T14:00:00-05:00", "2026-12-25T16:00:00-05:00")
    day_before = _reserve(session, "2026-12-24T14:00:00-05:00", "2026-12-24T16:00:00-05:00")
    outcome = execute(ctx(session, "F"), CHRISTMAS)
    assert on_the_day.cancelled and not day_before.cancelled
    assert outcome.detail["cancelled_reservations"] == [on_the_day.id]
    assert "Jane Park's Roof Deck reservation" in done(outcome, ZoneInfo("America/New_York"))


def test_a_day_closing_other_doors_cancels_nothing(session: Session) -> None:
    booked = _reserve(session, "2026-12-25T14:00:00-05:00", "2026-12-25T16:00:00-05:00")
    execute(ctx(session, "F"), {**CHRISTMAS, "doors": ["Gym"]})
    assert not booked.cancelled


def test_no_reservation_on_a_closed_day(session: Session) -> None:
    execute(ctx(session, "F"), CHRISTMAS)
    reserve = {
        "op": "reserve_amenity",
        "amenity": "Roof Deck",
        "person": ACTORS["R"],
        "starts_at": "2026-12-25T14:00:00-05:00",
        "ends_at": "2026-12-25T16:00:00-05:00",
    }
    with pytest.raises(Invalid, match="closed"):
        execute(ctx(session, "R"), reserve)
    execute(ctx(session, "R"), {**reserve, "starts_at": "2026-12-26T14:00:00-05:00", "ends_at": "2026-12-26T16:00:00-05:00"})


def test_the_plan_lists_the_reservations_it_cancels(session: Session) -> None:
    from zoneinfo import ZoneInfo

    from access_core.describe import question

    _reserve(session, "2026-12-25T14:00:00-05:00", "2026-12-25T16:00:00-05:00")
    text = question(session, [CHRISTMAS], ZoneInfo("America/New_York"))
    assert "cancels Jane Park's Roof Deck reservation (14:00)" in text
    assert "Unit 4B" in text  # what stays open


def test_the_calendar_lists_coming_days(session: Session) -> None:
    from access_core.exception_days import coming_days, day_json

    execute(ctx(session, "F"), CHRISTMAS)
    execute(ctx(session, "F"), {**NYE_AS_SUNDAY, "doors": ["Gym", "Roof Deck"]})
    listed = [day_json(session, d) for d in coming_days(session, foundry(session), date(2026, 12, 1))]
    assert listed == [
        {"date": "2026-12-25", "name": "Christmas Day", "mode": "closed", "doors": None},
        {"date": "2026-12-31", "name": "New Year's Eve", "mode": "Sun", "doors": ["Gym", "Roof Deck"]},
    ]
    assert coming_days(session, foundry(session), date(2027, 1, 1)) == []


def _undo(session: Session, outcome: Outcome, who: str = "F", now: datetime = NOW) -> list[Outcome]:
    """Run an outcome's undo as the dialogue does: its operations, through their dicts, in order."""
    later = Context(session, load_principal(session, require_person(session, ACTORS[who])), now, foundry(session))
    return [execute(later, command.to_op()) for command in outcome.undo]


def test_undoing_a_closed_day_restores_the_reservations_it_cancelled(session: Session) -> None:
    booked = _reserve(session, "2026-12-25T14:00:00-05:00", "2026-12-25T16:00:00-05:00")
    cancelled_before = _reserve(session, "2026-12-25T10:00:00-05:00", "2026-12-25T11:00:00-05:00")
    cancelled_before.cancelled = True  # cancelled by its holder: not the closing's to give back
    closed = execute(ctx(session, "F"), CHRISTMAS)
    assert booked.cancelled
    removed, restored = _undo(session, closed)
    assert (removed.change, restored.change) == ("exception_day_removed", "reservations_restored")
    assert not booked.cancelled and cancelled_before.cancelled
    assert done(restored, ZoneInfo("America/New_York")) == "Restored Jane Park's Roof Deck reservation."
    assert reasons(session, "R", "Roof Deck", "2026-12-25T14:30:00-05:00") == ()


def test_undo_says_which_reservations_it_could_not_restore(session: Session) -> None:
    passed = _reserve(session, "2026-12-25T09:00:00-05:00", "2026-12-25T10:00:00-05:00")
    full = _reserve(session, "2026-12-25T14:00:00-05:00", "2026-12-25T16:00:00-05:00")
    free = _reserve(session, "2026-12-25T18:00:00-05:00", "2026-12-25T20:00:00-05:00")
    closed = execute(ctx(session, "F"), CHRISTMAS)
    roof = session.scalar(select(Amenity).where(Amenity.name == "Roof Deck"))
    assert roof is not None
    roof.capacity = 1
    session.add(
        Reservation(
            amenity_id=roof.id,
            person_id=require_person(session, "priya.shah@example.com").id,
            starts_at=full.starts_at,
            ends_at=full.ends_at,
        )
    )
    session.flush()
    _, restored = _undo(session, closed, now=datetime.fromisoformat("2026-12-25T11:00:00-05:00"))
    assert (passed.cancelled, full.cancelled, free.cancelled) == (True, True, False)
    text = done(restored, ZoneInfo("America/New_York"))
    assert text.startswith("Restored Jane Park's Roof Deck reservation. Could not restore ")
    assert "(That time has already passed)" in text and "fully booked" in text


def test_undo_plan_names_the_reservations_it_restores(session: Session) -> None:
    from access_core.describe import question

    _reserve(session, "2026-12-25T14:00:00-05:00", "2026-12-25T16:00:00-05:00")
    closed = execute(ctx(session, "F"), CHRISTMAS)
    text = question(session, [command.to_op() for command in closed.undo], ZoneInfo("America/New_York"))
    assert "restore the reservations closing that day cancelled (Jane Park's Roof Deck at 14:00)" in text


def test_a_weekday_mode_or_nothing_cancelled_has_no_restore_step(session: Session) -> None:
    _reserve(session, "2026-12-31T14:00:00-05:00", "2026-12-31T16:00:00-05:00")
    assert [type(c).__name__ for c in execute(ctx(session, "F"), NYE_AS_SUNDAY).undo] == ["RemoveExceptionDay"]
    assert [type(c).__name__ for c in execute(ctx(session, "F"), CHRISTMAS).undo] == ["RemoveExceptionDay"]


@pytest.mark.parametrize("who", ["L", "S", "D", "A", "R"])
def test_only_calendar_editors_restore_reservations(session: Session, who: str) -> None:
    booked = _reserve(session, "2026-12-25T14:00:00-05:00", "2026-12-25T16:00:00-05:00")
    closed = execute(ctx(session, "F"), CHRISTMAS)
    execute(ctx(session, "F"), REMOVE)
    with pytest.raises(Refused):
        execute(ctx(session, who), closed.undo[-1])
    assert booked.cancelled
