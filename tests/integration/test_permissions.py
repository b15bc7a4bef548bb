"""DOMAIN "Who may do what": every role and permission level against every operation.

The foundry is loaded once per module and backend; each test runs in a transaction that is
rolled back, so the table stays fast while every operation really runs on the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core import policy, queries
from access_core.commands import from_op
from access_core.errors import Invalid, Refused
from access_core.lookup import door_in, key_in, property_by_name, require_person
from access_core.models import (
    ActivityEvent,
    AuditEntry,
    CallState,
    Door,
    Doorcode,
    Grant,
    GuestShare,
    IntercomCall,
    Key,
    Keycard,
    ManagerRole,
    Order,
    Person,
    Property,
    Reservation,
    UpgradeRequest,
)
from access_core.principal import load_principal
from access_core.services import dispatch
from access_core.services.context import Context
from access_core.visibility import activity_query
from tests.integration.operations import execute

FOUNDRY = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "foundry.yaml"
NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")


# --- who acts ----------------------------------------------------------------------------

ACTORS = {
    "P": "ana.lopez@harbor.example",  # portfolio manager (holds no key)
    "F": "ben.carter@harbor.example",  # full key management; resident of Unit 1B
    "L": "carla.diaz@harbor.example",  # limited key management
    "S": "dev.shah@leasing.example",  # specific key management: Leasing Key (which he also holds)
    "D": "eli.novak@installers.example",  # device management only
    "A": "kim.tran@callcenter.example",  # concierge agent
    "jane": "jane.park@example.com",  # resident of 4B, may share 4B and the common doors
    "omar": "omar.haddad@example.com",  # resident of 4B, may not share
    "lucia": "lucia.romero@example.com",  # resident of 2A, may share 2A and the common doors
    "sam": "sam.okafor@example.com",  # his grants ended 2026-11-01
    "priya": "priya.shah@example.com",  # known, no role, no grant
}


def foundry_property(session: Session) -> Property:
    prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
    assert prop is not None
    return prop


def context(session: Session, actor: str, now: datetime = NOW) -> Context:
    person = require_person(session, ACTORS.get(actor, actor))
    return Context(session, load_principal(session, person), now, foundry_property(session))


Action = dict[str, Any] | Callable[[Context], Any]


def run(session: Session, actor: str, action: Action) -> Any:
    ctx = context(session, actor)
    return execute(ctx, action) if isinstance(action, dict) else action(ctx)


def grant_of(session: Session, person: str, key: str) -> Grant | None:
    return session.scalar(
        select(Grant).where(
            Grant.person_id == require_person(session, person).id, Grant.key_id == key_in(session, foundry_property(session), key).id
        )
    )


def door(ctx: Context, name: str) -> Door:
    return door_in(ctx.session, ctx.prop, name)


# --- queries as actions ------------------------------------------------------------------


def who_has(door_name: str) -> Callable[[Context], list[str]]:
    def action(ctx: Context) -> list[str]:
        holders = queries.who_has_access(ctx.session, ctx.principal, door(ctx, door_name), ctx.now)
        return sorted(h.person.handle for h in holders)

    return action


def explain(person: str, door_name: str) -> Callable[[Context], tuple[str, ...]]:
    def action(ctx: Context) -> tuple[str, ...]:
        who = require_person(ctx.session, person)
        policy.require_explaining(ctx.session, ctx.principal, who, door(ctx, door_name))
        return queries.check_access(ctx.session, person, door_name, ctx.now).reasons

    return action


def low_batteries(ctx: Context) -> list[str]:
    return [d.name for d in queries.device_doors(ctx.session, ctx.principal, ctx.prop, low_battery=True)]


def activity(door_name: str | None = None) -> Callable[[Context], list[str]]:
    def action(ctx: Context) -> list[str]:
        target = door(ctx, door_name) if door_name else None
        return [e.external_id for e in ctx.session.scalars(activity_query(ctx.session, ctx.principal, door=target))]

    return action


# --- the table -----------------------------------------------------------------------------

MANAGERS_PFL = {"P": "ok", "F": "ok", "L": "ok"}
WITH_ACTIVE_GRANT = {a: "ok" for a in ("F", "L", "S", "jane", "omar", "lucia")}
NEW_SHARE = {"starts_at": NOW.isoformat(), "ends_at": "2026-12-02T10:00:00-05:00"}


@dataclass(frozen=True)
class Case:
    """One row: an operation or query, who may do it, and the rule that refuses the others."""

    name: str
    action: Action
    allowed: dict[str, str]
    """Actor -> "ok", or the rule that refuses them when it is not ``default``."""
    default: str
    check: Callable[[Session, str, Any], None] | None = None
    """Run after an allowed action with (session, actor, result) to assert what it did."""
    setup: list[dict[str, Any]] = field(default_factory=list)
    """Operations the portfolio manager makes first."""
    xfail: dict[str, str] = field(default_factory=dict)
    """Actor -> why the core is known to break DOMAIN for this row."""


def _granted(person: str, key: str, resident: bool) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, _: Any) -> None:
        grant = grant_of(session, person, key)
        assert grant is not None and grant.resident is resident
        assert grant.granted_by_id == require_person(session, ACTORS[actor]).id

    return check


def _revoked(person: str, key: str) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, _: Any) -> None:
        grant = grant_of(session, person, key)
        assert grant is None or (grant.ends_at is not None and grant.ends_at <= NOW)
        assert not queries.check_access(session, person, key_door(session, key), NOW).allowed

    return check


def key_door(session: Session, key: str) -> str:
    return key_in(session, foundry_property(session), key).doors[0].door.name


def _exists(model: type, **where: Any) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, _: Any) -> None:
        row = session.scalar(select(model).filter_by(**where))
        assert row is not None, f"no {model.__name__} {where}"

    return check


def _key_doors(key: str, expected: list[str]) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, _: Any) -> None:
        key_row = key_in(session, foundry_property(session), key)
        session.refresh(key_row)
        assert sorted(kd.door.name for kd in key_row.doors) == sorted(expected)

    return check


def _gym_schedule(session: Session, actor: str, _: Any) -> None:
    assert queries.check_access(session, ACTORS["lucia"], "Gym", datetime.fromisoformat("2026-12-01T18:00:00-05:00")).reasons == (
        "outside_schedule",
    )


def _keycard(serial: str, active: bool) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, _: Any) -> None:
        card = session.scalar(select(Keycard).where(Keycard.serial == serial))
        assert card is not None and card.active is active

    return check


def _doorcode(key: str) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, outcome: Any) -> None:
        code = session.scalar(select(Doorcode).where(Doorcode.code == outcome.detail["code"]))
        assert code is not None and code.key.name == key
        assert code.granter_id == require_person(session, ACTORS[actor]).id

    return check


def _shared(session: Session, actor: str, _: Any) -> None:
    guest = require_person(session, "+17185550123")
    share = session.scalar(select(GuestShare).where(GuestShare.guest_id == guest.id))
    assert share is not None and share.granter_id == require_person(session, ACTORS[actor]).id
    assert queries.check_access(session, "+17185550123", "Unit 4B", NOW).allowed


def _unlocked(door_name: str) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, outcome: Any) -> None:
        event = session.scalar(select(ActivityEvent).where(ActivityEvent.external_id == outcome.detail["event"]))
        assert event is not None and event.door.name == door_name and event.credential == "remote"
        assert event.actor_id == require_person(session, ACTORS[actor]).id

    return check


def _booked(model: type) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, _: Any) -> None:
        me = require_person(session, ACTORS[actor])
        assert session.scalar(select(model).where(model.person_id == me.id)) is not None  # type: ignore[attr-defined]

    return check


def _door_state(name: str, **expected: Any) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, _: Any) -> None:
        door_row = door_in(session, foundry_property(session), name)
        session.refresh(door_row)
        for attribute, value in expected.items():
            assert getattr(door_row, attribute) == value

    return check


def _manager_created(session: Session, actor: str, _: Any) -> None:
    priya = require_person(session, ACTORS["priya"])
    role = session.scalar(select(ManagerRole).where(ManagerRole.person_id == priya.id))
    assert role is not None and role.permissions == ["limited_key_management"]
    assert load_principal(session, priya).has(foundry_property(session), "limited_key_management")


def _returns(expected: Any) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, result: Any) -> None:
        assert result == expected

    return check


def _includes(*items: str) -> Callable[[Session, str, Any], None]:
    def check(session: Session, actor: str, result: Any) -> None:
        assert set(items) <= set(result)

    return check


CASES = [
    Case(
        "grant_key/others_key",
        {
            "op": "grant_key",
            "person": ACTORS["priya"],
            "key": "Resident 3A",
            "starts_at": "2027-01-01T00:00:00-05:00",
            "ends_at": None,
            "resident": True,
            "may_share": True,
        },
        {**MANAGERS_PFL, "S": "specific_keys_only"},
        "key_management_required",
        _granted(ACTORS["priya"], "Resident 3A", True),
    ),
    Case(
        "grant_key/leasing_key",
        {
            "op": "grant_key",
            "person": ACTORS["priya"],
            "key": "Leasing Key",
            "starts_at": None,
            "ends_at": None,
            "resident": False,
            "may_share": False,
        },
        {**MANAGERS_PFL, "S": "ok"},
        "key_management_required",
        _granted(ACTORS["priya"], "Leasing Key", False),
    ),
    Case(
        "revoke_key/others_key",
        {"op": "revoke_key", "person": ACTORS["omar"], "key": "Common Door Key", "at": None},
        {**MANAGERS_PFL, "S": "specific_keys_only"},
        "key_management_required",
        _revoked(ACTORS["omar"], "Common Door Key"),
    ),
    Case(
        "revoke_key/leasing_key",
        {"op": "revoke_key", "person": ACTORS["priya"], "key": "Leasing Key", "at": None},
        {**MANAGERS_PFL, "S": "ok"},
        "key_management_required",
        _revoked(ACTORS["priya"], "Leasing Key"),
        setup=[
            {
                "op": "grant_key",
                "person": ACTORS["priya"],
                "key": "Leasing Key",
                "starts_at": "2026-11-01T00:00:00-05:00",
                "resident": False,
            }
        ],
    ),
    Case(
        "invite_person",
        {"op": "invite_person", "name": "Nia Brown", "email": "nia.brown@example.com", "phone": None},
        {**MANAGERS_PFL, "S": "ok"},
        "key_management_required",
        _exists(Person, email="nia.brown@example.com"),
    ),
    Case(
        "create_key",
        {"op": "create_key", "name": "Pool Key", "doors": ["Gym", "Roof Deck"], "shareable": False},
        {"P": "ok", "F": "ok"},
        "full_key_management_required",
        _key_doors("Pool Key", ["Gym", "Roof Deck"]),
    ),
    Case(
        "add_door_to_key",
        {"op": "add_door_to_key", "key": "Amenities Key", "door": "Laundry Room"},
        {"P": "ok", "F": "ok"},
        "full_key_management_required",
        _key_doors("Amenities Key", ["Gym", "Roof Deck", "Laundry Room"]),
    ),
    Case(
        "remove_door_from_key",
        {"op": "remove_door_from_key", "key": "Common Door Key", "door": "Laundry Room"},
        {"P": "ok", "F": "ok"},
        "full_key_management_required",
        _key_doors("Common Door Key", ["Front Entrance", "Garage Gate", "Package Room"]),
    ),
    Case(
        "set_schedule",
        {"op": "set_schedule", "key": "Amenities Key", "door": "Gym", "schedule": "Mon-Sun 09:00-17:00"},
        {"P": "ok", "F": "ok"},
        "full_key_management_required",
        _gym_schedule,
    ),
    Case(
        "create_door",
        {"op": "create_door", "name": "Unit 5A", "type": "residence"},
        {"P": "ok", "F": "ok"},
        "full_key_management_required",
        _door_state("Unit 5A", activated=False),
    ),
    Case(
        "issue_keycard",
        {"op": "issue_keycard", "serial": "KC-00099", "person": ACTORS["omar"]},
        MANAGERS_PFL,
        "keycard_management_required",
        _keycard("KC-00099", True),
    ),
    Case(
        "deactivate_keycard",
        {"op": "deactivate_keycard", "serial": "KC-00017", "person": ACTORS["jane"]},
        MANAGERS_PFL,
        "keycard_management_required",
        _keycard("KC-00017", False),
    ),
    Case(
        "create_doorcode/resident_key",
        {"op": "create_doorcode", "granter": ACTORS["jane"], "key": "Resident 4B", "date": "2026-12-02"},
        {"jane": "ok", "omar": "sharing_not_allowed"},
        "must_hold_key",
        _doorcode("Resident 4B"),
    ),
    Case(
        "create_doorcode/common_key",
        {"op": "create_doorcode", "granter": ACTORS["jane"], "key": "Common Door Key", "date": "2026-12-02"},
        {"jane": "ok", "lucia": "ok", "omar": "sharing_not_allowed"},
        "must_hold_key",
        _doorcode("Common Door Key"),
    ),
    Case(
        "create_doorcode/not_shareable_key",
        {"op": "create_doorcode", "granter": ACTORS["jane"], "key": "Amenities Key", "date": "2026-12-02"},
        {"jane": "key_not_shareable", "lucia": "key_not_shareable"},
        "must_hold_key",
    ),
    Case(
        "create_doorcode/own_unit_of_a_manager",
        {"op": "create_doorcode", "granter": ACTORS["F"], "key": "Resident 1B", "date": "2026-12-02"},
        {"F": "ok"},
        "must_hold_key",
        _doorcode("Resident 1B"),
    ),
    Case(
        "share_key/resident_key",
        {"op": "share_key", "granter": ACTORS["jane"], "guest": "+17185550123", "key": "Resident 4B", **NEW_SHARE},
        {"jane": "ok", "omar": "sharing_not_allowed"},
        "must_hold_key",
        _shared,
    ),
    Case(
        "share_key/not_shareable_key",
        {"op": "share_key", "granter": ACTORS["jane"], "guest": "+17185550123", "key": "Amenities Key", **NEW_SHARE},
        {"jane": "key_not_shareable", "lucia": "key_not_shareable"},
        "must_hold_key",
    ),
    Case(
        "unlock_door/delivery_door",
        {"op": "unlock_door", "door": "Package Room", "reason": "courier", "call": "CA-1"},
        {**MANAGERS_PFL, "A": "call_required", "jane": "ok", "omar": "ok", "lucia": "ok"},  # A: see the calls below
        "unlock_not_allowed",
        _unlocked("Package Room"),
    ),
    Case(
        "unlock_door/residence",
        {"op": "unlock_door", "door": "Unit 4B", "reason": "courier"},
        {**MANAGERS_PFL, "jane": "ok", "omar": "ok", "A": "delivery_doors_only"},
        "unlock_not_allowed",
        _unlocked("Unit 4B"),
    ),
    Case(
        "unlock_door/specific_managers_door",
        {"op": "unlock_door", "door": "Unit 3B", "reason": "viewing"},
        {**MANAGERS_PFL, "S": "ok", "A": "delivery_doors_only"},
        "unlock_not_allowed",
        _unlocked("Unit 3B"),
    ),
    Case(
        "unlock_door/gym_on_schedule",
        {"op": "unlock_door", "door": "Gym", "reason": "forgot phone"},
        {**MANAGERS_PFL, "jane": "ok", "lucia": "ok", "A": "delivery_doors_only"},
        "unlock_not_allowed",
        _unlocked("Gym"),
    ),
    Case(
        "create_manager",
        {
            "op": "create_manager",
            "person": ACTORS["priya"],
            "role": "property_manager",
            "permissions": ["limited_key_management"],
            "keys": [],
        },
        {"P": "ok"},
        "portfolio_manager_required",
        _manager_created,
    ),
    Case(
        "reserve_amenity",
        {
            "op": "reserve_amenity",
            "amenity": "Roof Deck",
            "person": None,
            "starts_at": "2026-12-05T18:00:00-05:00",
            "ends_at": "2026-12-05T20:00:00-05:00",
        },
        WITH_ACTIVE_GRANT,
        "active_grant_required",
        _booked(Reservation),
    ),
    Case(
        "book_service",
        {"op": "book_service", "service": "Dog Walking", "person": None, "starts_at": "2026-12-03T10:00:00-05:00"},
        WITH_ACTIVE_GRANT,
        "active_grant_required",
        _booked(Order),
    ),
    Case(
        "submit_request",
        {"op": "submit_request", "upgrade": "latch_camera"},
        {"P": "ok", "F": "ok"},
        "full_key_management_required",
        _exists(UpgradeRequest, upgrade="latch_camera"),
    ),
    Case(
        "activate_door",
        {"op": "activate_door", "door": "Unit 4A"},
        {"P": "ok", "D": "ok"},
        "device_management_required",
        _door_state("Unit 4A", activated=True),
    ),
    Case(
        "deactivate_door",
        {"op": "deactivate_door", "door": "Garage Gate"},
        {"P": "ok", "D": "ok"},
        "device_management_required",
        _door_state("Garage Gate", activated=False),
    ),
    Case(
        "upgrade_firmware",
        {"op": "upgrade_firmware", "door": "Front Entrance", "version": "2.1"},
        {"P": "ok", "D": "ok"},
        "device_management_required",
        _door_state("Front Entrance", firmware="2.1"),
    ),
    Case(
        "device_status",
        low_batteries,
        {"P": "ok", "D": "ok"},
        "device_management_required",
        _returns(["Garage Gate", "Laundry Room", "Unit 2B"]),
    ),
    Case(
        "who_has_access/residence",
        who_has("Unit 4B"),
        {**MANAGERS_PFL, "jane": "ok", "omar": "ok"},
        "activity_view_required",
        _returns([ACTORS["jane"], ACTORS["omar"]]),
    ),
    Case(
        "who_has_access/specific_managers_door",
        who_has("Unit 3B"),
        {**MANAGERS_PFL, "S": "ok"},
        "activity_view_required",
        _returns([ACTORS["S"]]),
    ),
    Case(
        "why/about_someone_else",
        explain(ACTORS["sam"], "Unit 1A"),
        {**MANAGERS_PFL, "sam": "ok"},
        "activity_view_required",
        _returns(("grant_expired",)),
    ),
    Case(
        "why/specific_managers_door",
        explain(ACTORS["jane"], "Front Entrance"),
        {**MANAGERS_PFL, "S": "ok", "jane": "ok"},
        "activity_view_required",
        _returns(()),
    ),
    Case(
        "activity/all_doors",
        activity(),
        {**MANAGERS_PFL, "S": "ok", "jane": "ok", "omar": "ok", "lucia": "ok", "sam": "ok"},
        "no_activity_view",
    ),
    Case(
        "activity/residence",
        activity("Unit 4B"),
        {**MANAGERS_PFL, "jane": "ok", "omar": "ok", "S": "not_your_door", "lucia": "not_your_door", "sam": "not_your_door"},
        "no_activity_view",
        _includes("e3", "e6", "e9"),
    ),
    Case(
        "activity/specific_managers_door",
        activity("Unit 3B"),
        {**MANAGERS_PFL, "S": "ok", "jane": "not_your_door", "omar": "not_your_door", "lucia": "not_your_door", "sam": "not_your_door"},
        "no_activity_view",
        _returns(["e11"]),
    ),
]


def _params() -> list[Any]:
    params = []
    for case in CASES:
        for actor in ACTORS:
            marks = [pytest.mark.xfail(strict=True, reason=case.xfail[actor])] if actor in case.xfail else []
            params.append(pytest.param(case, actor, id=f"{case.name}-{actor}", marks=marks))
    return params


@pytest.mark.parametrize(("case", "actor"), _params())
def test_who_may_do_what(session: Session, case: Case, actor: str) -> None:
    for op in case.setup:
        run(session, "P", op)
    expected = case.allowed.get(actor, case.default)
    if expected != "ok":
        with pytest.raises(Refused) as refused:
            run(session, actor, case.action)
        assert refused.value.rule == expected
        return
    result = run(session, actor, case.action)
    if case.check is not None:
        case.check(session, actor, result)


# --- the same rules where time, selection or limits matter ------------------------------------


def test_specific_key_manager_keeps_unlocking_their_keys_doors_without_holding_the_key(session: Session) -> None:
    run(session, "F", {"op": "revoke_key", "person": ACTORS["S"], "key": "Leasing Key", "at": None})
    run(session, "S", {"op": "unlock_door", "door": "Unit 3B", "reason": "viewing"})
    with pytest.raises(Refused) as refused:
        run(session, "S", {"op": "unlock_door", "door": "Unit 2A", "reason": "viewing"})
    assert refused.value.rule == "unlock_not_allowed"


@pytest.mark.parametrize(("now", "rule"), [("2026-12-01T21:59:00-05:00", None), ("2026-12-01T22:00:00-05:00", "unlock_not_allowed")])
def test_a_resident_unlocks_only_what_they_may_open_now(session: Session, now: str, rule: str | None) -> None:
    ctx = context(session, "jane", datetime.fromisoformat(now))
    op = {"op": "unlock_door", "door": "Gym", "reason": "left my bag"}
    if rule is None:
        execute(ctx, op)
        return
    with pytest.raises(Refused) as refused:
        execute(ctx, op)
    assert refused.value.rule == rule


def _answered_call(session: Session, agent: str, door: str = "Front Entrance") -> IntercomCall:
    prop = foundry_property(session)
    call = IntercomCall(
        sid="CA-77",
        property_id=prop.id,
        door_id=door_in(session, prop, door).id,
        state=CallState.answered,
        agent_id=require_person(session, ACTORS[agent]).id,
        ringing_at=NOW,
        answered_at=NOW,
    )
    session.add(call)
    session.flush()
    return call


def test_an_agents_unlock_is_logged_with_its_call(session: Session) -> None:
    call = _answered_call(session, "A")
    outcome = run(session, "A", {"op": "unlock_door", "door": "Front Entrance", "reason": "courier", "call": "CA-77"})
    entry = session.scalar(select(AuditEntry).where(AuditEntry.op == "unlock_door"))
    assert entry is not None and entry.detail["call"] == "CA-77" and entry.detail["event"] == outcome.detail["event"]
    assert entry.detail["call_id"] == call.id


def test_an_agent_without_a_live_call_may_plan_an_unlock_but_not_make_it(session: Session) -> None:
    op = from_op({"op": "unlock_door", "door": "Package Room", "reason": "courier"})
    dispatch.try_operations(context(session, "A"), [op])  # the plan is proposed; the call may be live by the yes
    with pytest.raises(Refused) as refused:
        execute(context(session, "A"), op)
    assert refused.value.rule == "call_required"
    call = _answered_call(session, "A")
    execute(context(session, "A"), op)
    call.state = CallState.resolved
    session.flush()
    with pytest.raises(Refused):
        execute(context(session, "A"), op)


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        (NOW.isoformat(), "2027-03-01T00:00:00-05:00"),  # outlives jane's grant (ends 2027-02-01)
        ("2026-01-15T00:00:00-05:00", "2026-12-02T00:00:00-05:00"),  # starts before it (2026-02-01)
        (NOW.isoformat(), "2027-02-01T00:00:01-05:00"),
    ],  # one second too long
    ids=["outlives", "starts_before", "one_second_beyond"],
)
def test_a_share_never_exceeds_the_sharers_grant(session: Session, starts_at: str, ends_at: str) -> None:
    op = {
        "op": "share_key",
        "granter": ACTORS["jane"],
        "guest": "+17185550123",
        "key": "Resident 4B",
        "starts_at": starts_at,
        "ends_at": ends_at,
    }
    with pytest.raises((Refused, Invalid)):
        run(session, "jane", op)
    assert session.scalar(select(GuestShare).where(GuestShare.starts_at >= NOW)) is None


def test_a_share_up_to_the_end_of_the_sharers_grant_is_allowed(session: Session) -> None:
    run(
        session,
        "jane",
        {
            "op": "share_key",
            "granter": ACTORS["jane"],
            "guest": "+17185550123",
            "key": "Resident 4B",
            "starts_at": NOW.isoformat(),
            "ends_at": "2027-02-01T00:00:00-05:00",
        },
    )


def test_a_sharer_whose_grant_ended_may_not_share(session: Session) -> None:
    for op in (
        {"op": "create_doorcode", "key": "Resident 1A", "date": "2026-12-02"},
        {"op": "share_key", "guest": "+17185550123", "key": "Resident 1A", **NEW_SHARE},
    ):
        with pytest.raises(Refused) as refused:
            run(session, "sam", op)
        assert refused.value.rule == "must_hold_key"


@pytest.mark.parametrize("actor", ["sam", "priya", "P"])
def test_only_people_with_an_active_grant_book(session: Session, actor: str) -> None:
    for op in (
        {"op": "reserve_amenity", "amenity": "Roof Deck", "starts_at": "2026-12-05T18:00:00-05:00", "ends_at": "2026-12-05T20:00:00-05:00"},
        {"op": "book_service", "service": "Dog Walking", "starts_at": "2026-12-03T10:00:00-05:00"},
    ):
        with pytest.raises(Refused) as refused:
            run(session, actor, op)
        assert refused.value.rule == "active_grant_required"
    assert session.scalar(select(Reservation)) is None and session.scalar(select(Order)) is None


def test_a_specific_key_manager_sees_who_holds_only_their_keys_doors(session: Session) -> None:
    with pytest.raises(Refused) as refused:
        run(session, "S", who_has("Unit 4B"))
    assert refused.value.rule == "activity_view_required"
    assert ACTORS["S"] in run(session, "S", who_has("Front Entrance"))


def test_refusals_change_nothing(session: Session) -> None:
    before = session.scalar(select(Key).where(Key.name == "Pool Key"))
    with pytest.raises(Refused):
        run(session, "L", {"op": "create_key", "name": "Pool Key", "doors": ["Gym"], "shareable": False})
    assert before is None and session.scalar(select(Key).where(Key.name == "Pool Key")) is None


@pytest.mark.parametrize(
    ("key", "resident", "field_name"),
    [("Resident 3A", None, "resident"), ("Leasing Key", None, "resident"), ("Common Door Key", True, "resident")],
)
def test_the_resident_question_must_be_answered_where_it_means_something(
    session: Session, key: str, resident: bool | None, field_name: str
) -> None:
    op = {"op": "grant_key", "person": ACTORS["priya"], "key": key, "resident": resident}
    with pytest.raises(Invalid) as refused:
        run(session, "F", op)
    assert refused.value.field == field_name
    assert grant_of(session, ACTORS["priya"], key) is None


def test_a_key_without_residence_doors_needs_no_resident_answer(session: Session) -> None:
    run(session, "F", {"op": "grant_key", "person": ACTORS["priya"], "key": "Common Door Key"})
    grant = grant_of(session, ACTORS["priya"], "Common Door Key")
    assert grant is not None and grant.resident is False and grant.may_share is False


def test_giving_a_held_key_again_changes_its_period(session: Session) -> None:
    run(
        session,
        "F",
        {
            "op": "grant_key",
            "person": ACTORS["omar"],
            "key": "Resident 4B",
            "resident": True,
            "starts_at": "2026-03-01T00:00:00-05:00",
            "ends_at": "2027-06-01T00:00:00-04:00",
        },
    )
    grants = session.scalars(
        select(Grant).where(
            Grant.person_id == require_person(session, ACTORS["omar"]).id,
            Grant.key_id == key_in(session, foundry_property(session), "Resident 4B").id,
        )
    ).all()
    assert len(grants) == 1
    assert grants[0].ends_at == datetime.fromisoformat("2027-06-01T00:00:00-04:00")


@pytest.mark.parametrize("day", ["2027-02-01", "2027-03-15", "2026-11-30"])
def test_a_doorcode_only_on_a_day_the_sharer_holds_the_key(session: Session, day: str) -> None:
    with pytest.raises((Refused, Invalid)):
        run(session, "jane", {"op": "create_doorcode", "key": "Resident 4B", "date": day})
    assert session.scalar(select(Doorcode).where(Doorcode.day >= datetime.fromisoformat(day).date(), Doorcode.code != "481516")) is None


def test_a_keycard_serial_reused_at_another_property_is_bound_to_it(session: Session) -> None:
    from access_core.loader import load_property_file

    load_property_file(session, Path(__file__).parents[1] / "fixtures" / "maple.yaml")
    maple = property_by_name(session, "Maple Court")
    assert maple is not None
    run(session, "F", {"op": "deactivate_keycard", "serial": "KC-00017", "person": None})
    marcus = require_person(session, "marcus.lee@cedar.example")
    ctx = Context(session, load_principal(session, marcus), NOW, maple)
    execute(ctx, {"op": "issue_keycard", "serial": "KC-00017", "person": "hannah.s@mail.example"})
    card = session.scalar(select(Keycard).where(Keycard.serial == "KC-00017"))
    assert card is not None and card.property_id == maple.id and card.active
    with pytest.raises(Invalid):  # no longer a card of The Foundry's
        run(session, "F", {"op": "deactivate_keycard", "serial": "KC-00017", "person": None})
