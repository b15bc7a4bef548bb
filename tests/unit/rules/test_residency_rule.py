"""DOMAIN "People and access": resident of a door at a moment, per key; and when a grant is active."""

from __future__ import annotations

from datetime import datetime

import pytest

from access_core.rules.grants import active_at, not_ended
from access_core.rules.residency import resident_at
from access_core.uow import GrantTerms, UnitOfWork
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.rules.people import BEN, CARLA, DEV, JANE, OMAR, ROSA, SAM

NOW = "2026-12-01T10:00:00-05:00"


@pytest.mark.parametrize(
    ("who", "door", "at", "resident"),
    [
        (JANE, "Unit 4B", NOW, True),
        (OMAR, "Unit 4B", NOW, True),  # a resident who may not share is a resident all the same
        (JANE, "Front Entrance", NOW, False),  # her Common Door Key grant is not a resident one
        (JANE, "Unit 4B", "2026-01-31T23:59:00-05:00", False),  # before her grant starts
        (JANE, "Unit 4B", "2027-02-01T00:00:00-05:00", False),  # ends is exclusive
        (SAM, "Unit 1A", "2026-10-31T12:00:00-04:00", True),
        (SAM, "Unit 1A", NOW, False),  # his lease ended on 2026-11-01
        (BEN, "Unit 1B", NOW, True),  # a manager living on site is a resident at his unit
        (BEN, "Unit 4B", NOW, False),
        (DEV, "Unit 3B", NOW, False),  # leasing access to a unit is not residence
        (CARLA, "Management Office", NOW, False),
        (ROSA, "Unit 4B", "2026-11-30T12:30:00-05:00", False),  # a guest share never makes a resident
    ],
)
def test_resident_of_a_door_at_a_moment(foundry: FakeUnitOfWork, who: str, door: str, at: str, resident: bool) -> None:
    assert resident_at(foundry, foundry.person(who).id, foundry.door(door).id, datetime.fromisoformat(at)) is resident


START, END = datetime.fromisoformat("2026-02-01T00:00:00-05:00"), datetime.fromisoformat("2027-02-01T00:00:00-05:00")


@pytest.mark.parametrize(
    ("ends", "at", "active", "held"),
    [
        (END, "2026-01-31T23:59:59-05:00", False, True),  # not started yet: not active, but held (revocable)
        (END, "2026-02-01T00:00:00-05:00", True, True),  # from starts_at on
        (END, "2027-01-31T23:59:59-05:00", True, True),
        (END, "2027-02-01T00:00:00-05:00", False, False),  # ends_at is exclusive
        (None, "2099-01-01T00:00:00-05:00", True, True),  # open-ended
    ],
)
def test_active_grant(ends: datetime | None, at: str, active: bool, held: bool) -> None:
    grant = GrantTerms(1, 1, START, ends, resident=False, may_share=False)
    moment = datetime.fromisoformat(at)
    assert (active_at(grant, moment), not_ended(grant, moment)) == (active, held)


def test_the_fake_is_a_unit_of_work(foundry: FakeUnitOfWork) -> None:
    uow: UnitOfWork = foundry
    with uow:
        uow.commit()
    assert foundry.committed
