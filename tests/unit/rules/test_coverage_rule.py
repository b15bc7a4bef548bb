"""DOMAIN "Who may do what": which doors a manager covers (activity, who has access, people lists)."""

from __future__ import annotations

import pytest

from access_core.rules.coverage import coverage, covers_door, viewable_keys
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.rules.people import ANA, BEN, CARLA, DEV, ELI, JANE, KIM

COVERAGE = [
    (ANA, "Front Entrance", True),
    (ANA, "Unit 1B", True),  # P: every door
    (BEN, "Boiler Room", True),
    (BEN, "Unit 4B", True),  # F
    (CARLA, "Gym", True),
    (CARLA, "Unit 2A", True),  # L
    (DEV, "Front Entrance", True),
    (DEV, "Unit 3B", True),
    (DEV, "Unit 4A", True),  # S: the Leasing Key's doors
    (DEV, "Gym", False),
    (DEV, "Unit 4B", False),
    (ELI, "Front Entrance", False),
    (ELI, "Unit 1A", False),  # D: none
    (KIM, "Package Room", False),  # A: none
    (JANE, "Unit 4B", False),
    (JANE, "Front Entrance", False),  # a resident is no manager
]


@pytest.mark.parametrize(("who", "door", "covers"), COVERAGE)
def test_manager_coverage(foundry: FakeUnitOfWork, who: str, door: str, covers: bool) -> None:
    assert covers_door(foundry.principal(who), foundry.door(door), foundry) is covers


@pytest.mark.parametrize(("who", "door", "covers"), COVERAGE)
def test_coverage_as_sets_says_the_same(foundry: FakeUnitOfWork, who: str, door: str, covers: bool) -> None:
    assert coverage(foundry.principal(who), foundry).covers(foundry.door(door)) is covers


@pytest.mark.parametrize(
    ("who", "keys"),
    [
        (ANA, None),
        (BEN, None),
        (CARLA, None),
        (DEV, {"Leasing Key"}),
        (ELI, set()),
        (KIM, set()),
        (JANE, set()),
    ],
)
def test_whose_keys_a_manager_may_list(foundry: FakeUnitOfWork, who: str, keys: set[str] | None) -> None:
    found = viewable_keys(foundry.principal(who), foundry.properties[0])
    assert (None if found is None else {foundry.key(k).name for k in found}) == keys
