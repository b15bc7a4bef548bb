"""DOMAIN "Activity and privacy": who sees which of the Foundry's events e1..e13 (the table, as one rule)."""

from __future__ import annotations

import pytest

from access_core.rules.visibility import MANAGER, NONRESIDENT, RESIDENT, scope_from, sees
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.rules.people import ANA, BEN, CARLA, DEV, ELI, JANE, KIM, LUCIA, MAX, OMAR, ROSA, SAM

MANAGER_VIEW = ["e1", "e3", "e4", "e6", "e7", "e8", "e9", "e11", "e12", "e13"]
SEEN = {
    ANA: MANAGER_VIEW,  # not e10 (Ben inside his own unit), e2, e5 (residents at home)
    BEN: sorted([*MANAGER_VIEW, "e10"], key=lambda e: int(e[1:])),
    CARLA: MANAGER_VIEW,
    DEV: ["e1", "e4", "e11"],  # specific keys: Front Entrance, Unit 3B, Unit 4A
    JANE: ["e1", "e2", "e3", "e6", "e8", "e9"],
    OMAR: ["e3", "e5", "e6", "e9"],
    LUCIA: ["e7"],
    MAX: ["e13"],
    ROSA: ["e4"],  # not e3: her own entry as a guest at a residence
    SAM: [],
}


@pytest.mark.parametrize(("viewer", "expected"), list(SEEN.items()), ids=list(SEEN))
def test_each_viewer_sees_their_share_of_the_log(foundry: FakeUnitOfWork, viewer: str, expected: list[str]) -> None:
    scope = scope_from(foundry.principal(viewer), foundry)
    assert [e.external_id for e in foundry.events if sees(scope, e)] == sorted(expected, key=lambda e: int(e[1:]))


@pytest.mark.parametrize("viewer", [ELI, KIM])
def test_device_managers_and_agents_have_no_view_at_all(foundry: FakeUnitOfWork, viewer: str) -> None:
    """Refused, not shown an empty list (nor Kim's own agent unlock e12)."""
    assert not scope_from(foundry.principal(viewer), foundry).has_any_view


@pytest.mark.parametrize(
    ("event", "role"),
    [
        ("e2", RESIDENT),
        ("e3", NONRESIDENT),
        ("e5", RESIDENT),
        ("e6", MANAGER),
        ("e9", NONRESIDENT),
        ("e10", RESIDENT),
        ("e11", MANAGER),
        ("e12", NONRESIDENT),
    ],
)
def test_who_acted_is_judged_for_that_door(foundry: FakeUnitOfWork, event: str, role: str) -> None:
    assert foundry.event(event).actor_role == role


def test_a_doorcode_event_names_the_codes_granter(foundry: FakeUnitOfWork) -> None:
    assert foundry.event("e9").granter_id == foundry.person(JANE).id
