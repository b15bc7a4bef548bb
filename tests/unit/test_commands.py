"""Typed commands: operation dicts in and out at the edges, bad values named, kinds refused before details."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from access_core import commands, policy
from access_core.commands import CreateKey, GrantKey, NewPerson, UnlockDoor, from_op
from access_core.errors import Invalid, Refused
from access_core.models import Property
from access_core.principal import Principal
from access_core.services.dispatch import HANDLERS

PLANS: list[dict[str, Any]] = [
    {
        "op": "grant_key",
        "person": "priya.shah@example.com",
        "key": "Resident 3A",
        "starts_at": "2027-01-01T00:00:00-05:00",
        "ends_at": None,
        "resident": True,
        "may_share": True,
    },
    {
        "op": "grant_key",
        "person": {"name": "Ana Ruiz", "email": "ana@example.com", "phone": None},
        "key": "Gym",
        "starts_at": "2026-12-01T10:00:00.123456-05:00",
        "ends_at": "2027-01-01T00:00:00-05:00",
        "resident": False,
        "may_share": False,
    },
    {"op": "revoke_key", "person": "omar.haddad@example.com", "key": "Resident 4B", "at": "2026-12-01T10:00:00-05:00"},
    {"op": "invite_person", "name": "Ana", "email": "ana@example.com", "phone": None},
    {"op": "create_key", "name": "Roof", "doors": ["Roof Deck", "Gym"], "shareable": True},
    {"op": "set_schedule", "key": "Staff", "door": "Gym", "schedule": None},
    {"op": "create_doorcode", "granter": "jane.park@example.com", "key": "Resident 4B", "date": "2026-12-05"},
    {
        "op": "share_key",
        "granter": "jane.park@example.com",
        "guest": {"name": None, "email": None, "phone": "+19175550101"},
        "key": "Resident 4B",
        "starts_at": "2026-12-05T14:00:00-05:00",
        "ends_at": "2026-12-05T18:00:00-05:00",
    },
    {"op": "unlock_door", "door": "Package Room", "reason": "courier"},
    {"op": "create_manager", "person": "a@example.com", "role": "property_manager", "permissions": ["specific"], "keys": ["Gym"]},
    {"op": "cancel_reservation", "amenity": "Gym", "person": "jane.park@example.com", "starts_at": None, "ends_at": None},
    {"op": "buy_experience", "experience": "Wine Tasting", "person": "jane.park@example.com", "quantity": 2},
    {
        "op": "restore_grant",
        "person": "jane.park@example.com",
        "key": "Gym",
        "state": {"starts_at": "2026-01-01T00:00:00+00:00", "ends_at": None, "resident": False, "may_share": False, "granted_by": 3},
    },
    {"op": "revoke_doorcode", "key": "Gym", "code": "123456", "date": "2026-12-05"},
]


@pytest.mark.parametrize("op", PLANS, ids=[p["op"] for p in PLANS])
def test_an_operation_goes_through_its_command_unchanged(op: dict[str, Any]) -> None:
    out = from_op(op).to_op()
    assert out == op and list(out) == list(op)


def test_a_command_holds_typed_values() -> None:
    grant = from_op(PLANS[1])
    assert isinstance(grant, GrantKey) and isinstance(grant.person, NewPerson)
    assert grant.starts_at == datetime(2026, 12, 1, 15, 0, 0, 123456, tzinfo=UTC)
    assert isinstance(from_op(PLANS[4]), CreateKey) and from_op(PLANS[4]).doors == ("Roof Deck", "Gym")  # type: ignore[attr-defined]


def test_internal_fields_are_written_only_when_set() -> None:
    assert UnlockDoor(door="Lobby", reason=None).to_op() == {"op": "unlock_door", "door": "Lobby", "reason": None}
    assert UnlockDoor(door="Lobby", call_id=7).to_op()["call_id"] == 7


@pytest.mark.parametrize(
    ("op", "field"),
    [
        ({"op": "grant_key", "key": "Gym"}, "person"),
        ({"op": "grant_key", "person": "a@example.com"}, "key"),
        ({"op": "grant_key", "person": "a@example.com", "key": "Gym", "starts_at": "next week"}, "starts_at"),
        ({"op": "grant_key", "person": "a@example.com", "key": "Gym", "starts_at": "2027-01-01T00:00:00"}, "starts_at"),
        ({"op": "grant_key", "person": "a@example.com", "key": "Gym", "resident": "maybe"}, "resident"),
        ({"op": "grant_key", "person": 12, "key": "Gym"}, "person"),
        ({"op": "create_key", "name": "Roof", "doors": "Gym"}, "doors"),
        ({"op": "create_doorcode", "key": "Gym", "date": "tomorrow"}, "date"),
        ({"op": "revoke_share", "share_id": "x"}, "share_id"),
        ({"op": "restore_grant", "person": "a", "key": "Gym", "state": "gone"}, "state"),
        ({"op": "fly_to_moon"}, "op"),
        ({"person": "a"}, "op"),
    ],
)
def test_a_bad_operation_names_its_field(op: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as bad:
        from_op(op)
    assert bad.value.field == field


def test_undo_operations_are_not_for_callers_outside() -> None:
    with pytest.raises(Invalid) as bad:
        from_op({"op": "restore_grant", "person": "a", "key": "Gym"}, undo=False)
    assert bad.value.field == "op"


def test_every_command_has_one_handler_and_a_rule() -> None:
    kinds = set(commands.BY_NAME.values())
    assert kinds == set(HANDLERS)
    assert all(isinstance(kind.rule, policy.Rule) for kind in kinds)


class Asker:
    def __init__(self, principal: Principal, prop: Property) -> None:
        self.principal, self.prop = principal, prop
        self.now = datetime(2026, 12, 1, tzinfo=UTC)

    @property
    def session(self) -> Any:
        raise AssertionError("a kind check that needs no lookup makes none")


FOUNDRY = Property(id=1, portfolio_id=1, name="The Foundry")
PORTFOLIO = Principal(1, "pm@example.com", "PM", portfolios=frozenset({1}))
SPECIFIC = Principal(2, "s@example.com", "S", levels={1: frozenset({"specific_key_management"})}, specific_keys={1: frozenset({5})})
DEVICES = Principal(3, "d@example.com", "D", levels={1: frozenset({"device_management"})})
AGENT = Principal(4, "a@example.com", "A", agent_at=frozenset({1}))


@pytest.mark.parametrize(
    ("who", "kind", "allowed"),
    [
        (PORTFOLIO, GrantKey, True),
        (SPECIFIC, GrantKey, True),
        (DEVICES, GrantKey, False),
        (AGENT, GrantKey, False),
        (PORTFOLIO, CreateKey, True),
        (SPECIFIC, CreateKey, False),
        (DEVICES, commands.ActivateDoor, True),
        (SPECIFIC, commands.ActivateDoor, False),
        (SPECIFIC, commands.InvitePerson, True),
        (DEVICES, commands.CreateManager, False),
        (PORTFOLIO, commands.CreateManager, True),
        (AGENT, UnlockDoor, True),
        (DEVICES, commands.IssueKeycard, False),
        # sharing's kind check reads what the asker holds (someone who may share none of their keys is refused at once):
        # the contract cases refuse-* run it against a database
    ],
)
def test_a_kind_of_command_is_checked_before_its_details(who: Principal, kind: type[commands.Command], allowed: bool) -> None:
    asker = Asker(who, FOUNDRY)
    if allowed:
        policy.may_ever(asker, kind)
    else:
        with pytest.raises(Refused):
            policy.may_ever(asker, kind)
