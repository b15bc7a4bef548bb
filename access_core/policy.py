"""Who may do what (DOMAIN.md, "Who may do what"): one function per rule.

Every function returns quietly when the principal may act and raises ``Refused``
naming the rule otherwise. Channels and the NLU never decide this; they ask here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, NoReturn, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.errors import Refused
from access_core.models import CallState, Door, Grant, IntercomCall, Key, KeyDoor, Permission, Person, Property
from access_core.principal import Principal
from access_core.rules import coverage, residency
from access_core.uow import SessionReads
from access_core.views import Asker, Doorway, Site, door_row

FULL, LIMITED, SPECIFIC, DEVICE = (Permission.full, Permission.limited, Permission.specific, Permission.device)


def _where(prop: Site) -> str:
    return prop.name


def require_key_giving(principal: Principal, key: Key) -> None:
    """grant_key, revoke_key: P, F, L; S for their keys."""
    prop = key.property
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED):
        return
    if key.id in principal.my_keys(prop):
        return
    if principal.has(prop, SPECIFIC):
        raise Refused("specific_keys_only", f"You can only give and revoke your own keys at {_where(prop)}; {key.name} is not one of them.")
    raise Refused("key_management_required", f"Giving or revoking keys at {_where(prop)} needs key management permission.")


def require_any_key_giving(principal: Principal, prop: Site) -> None:
    """grant_key, revoke_key of some key of the property: P, F, L, S (which keys is require_key_giving's)."""
    if principal.manages_keys_at(prop):
        return
    raise Refused("key_management_required", f"Giving or revoking keys at {_where(prop)} needs key management permission.")


def require_inviting(principal: Principal, prop: Site) -> None:
    """invite_person: P, F, L, S."""
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED, SPECIFIC):
        return
    raise Refused("key_management_required", f"Inviting people to {_where(prop)} needs key management permission.")


def require_key_editing(principal: Principal, prop: Site) -> None:
    """create_key, add/remove_door_from_key, set_schedule, create_door: P, F."""
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL):
        return
    raise Refused(
        "full_key_management_required", f"Creating or editing keys, doors and schedules at {_where(prop)} needs full key management."
    )


def require_keycards(principal: Principal, prop: Site) -> None:
    """issue_keycard, deactivate_keycard: P, F, L."""
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED):
        return
    raise Refused("keycard_management_required", f"Keycards at {_where(prop)} need full or limited key management.")


def require_sharing(session: Session, principal: Principal, key: Key, at: datetime) -> Grant:
    """create_doorcode, share_key: someone holding a shareable key now, with may_share."""
    grant = session.scalar(select(Grant).where(Grant.person_id == principal.person_id, Grant.key_id == key.id))
    if grant is None or not grant.active_at(at):
        raise Refused("must_hold_key", f"You don't hold {key.name} right now, so you can't share it.")
    if not key.shareable:
        raise Refused("key_not_shareable", f"{key.name} is not shareable.")
    if not grant.may_share:
        raise Refused("sharing_not_allowed", f"Your access to {key.name} doesn't include sharing it.")
    return grant


def require_a_key_to_share(prop: Site, held: int) -> None:
    """create_doorcode, share_key: someone who holds no key at the property now has nothing to share."""
    if not held:
        raise Refused("share_requires_key", f"You don't hold any key at {prop.name} now, so there is nothing to share.")


def refuse_sharing_unheld(what: str) -> None:
    """create_doorcode, share_key of doors none of the asker's keys opens now."""
    raise Refused("share_requires_key", f"You don't hold a key to {what} now, so you can't share it.")


def require_manager_creation(principal: Principal, prop: Site) -> None:
    """create_manager: P only."""
    if principal.is_portfolio_manager(prop):
        return
    raise Refused("portfolio_manager_required", "Only a portfolio manager can create managers.")


def require_unlock(
    session: Session, principal: Principal, door: Door, at: datetime, *, call: IntercomCall | None = None, planning: bool = False
) -> None:
    """unlock_door: P, F, L; S for doors of their keys; A for delivery doors, for the call they are handling
    now (``call``; a plan may be made before the call is live: ``planning``); R for doors they may open now."""
    prop = door.property
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED):
        return
    if door.id in _doors_of_keys(session, principal.my_keys(prop)):
        return
    agent = prop.id in principal.agent_at
    if agent and door.delivery and (call is not None or planning):
        return
    from access_core.sources import decide_person

    person = session.get(Person, principal.person_id)
    if person is not None and decide_person(session, person, door, at).allowed:
        return
    if agent and door.delivery:
        raise Refused(
            "call_required",
            f"A concierge agent unlocks {door.name} for the intercom call they are handling; you have no call answered right now.",
        )
    if agent:
        raise Refused("delivery_doors_only", f"Concierge agents can only unlock the delivery doors; {door.name} is not one.")
    raise Refused("unlock_not_allowed", f"You can't unlock {door.name}.")


def agents_live_call(session: Session, principal: Principal, door: Door) -> IntercomCall | None:
    """The call a concierge agent is answering at the door's property (an unlock asked for in chat belongs to it)."""
    if door.property_id not in principal.agent_at:
        return None
    return session.scalar(
        select(IntercomCall)
        .where(
            IntercomCall.property_id == door.property_id,
            IntercomCall.agent_id == principal.person_id,
            IntercomCall.state == CallState.answered,
        )
        .order_by(IntercomCall.id.desc())
        .limit(1)
    )


def _doors_of_keys(session: Session, key_ids: frozenset[int]) -> frozenset[int]:
    return SessionReads(session).doors_of_keys(key_ids)


def covers_door(session: Session, principal: Principal, door: Door) -> bool:
    """Managerial view of a door's activity: P, F, L; S for doors of their keys (``rules.coverage``)."""
    return coverage.covers_door(principal, door, SessionReads(session))


def require_activity_view(session: Session, principal: Principal, door: Door, *, about_others: bool) -> None:
    """Who has access / activity at a door: the covering managers (residents ask via activity)."""
    if covers_door(session, principal, door):
        return
    if about_others:
        raise Refused("activity_view_required", f"You can't see who has access to {door.name}.")


def viewable_keys(principal: Principal, prop: Site) -> frozenset[int] | None:
    """Whose grants of which keys a manager may list: every key (None) for P, F, L; a specific-key
    manager only their keys (who holds the others is "who has access" beyond their doors)."""
    return coverage.viewable_keys(principal, prop)


def require_holder_view(session: Session, principal: Principal, door: Door, at: datetime) -> None:
    """Who has access to a door: covering managers; a resident about their own residence door."""
    if covers_door(session, principal, door):
        return
    if door.is_residence and residency.resident_at(SessionReads(session), principal.person_id, door.id, at):
        return
    raise Refused("activity_view_required", f"You can't see who has access to {door.name}.")


def require_explaining(session: Session, principal: Principal, person: Asker, door: Doorway) -> None:
    """Why can't X open Y: covering managers; anyone about themselves."""
    if person.id == principal.person_id or covers_door(session, principal, door_row(session, door)):
        return
    raise Refused("activity_view_required", f"You can only ask why you yourself can't open {door.name}.")


def require_explaining_others(principal: Principal, prop: Site) -> None:
    """Why can't someone else open a door: only a manager of the property may ask (then per door, as above)."""
    if principal.is_manager_at(prop):
        return
    raise Refused("activity_view_required", "You can only ask why you yourself can't open a door.")


def require_device_view(principal: Principal, prop: Site) -> None:
    """Device status, activate, deactivate, firmware: P, D."""
    if principal.is_portfolio_manager(prop) or principal.has(prop, DEVICE):
        return
    raise Refused("device_management_required", f"Devices at {_where(prop)} need device management permission.")


def require_resident_services(session: Session, principal: Principal, prop: Site, at: datetime) -> None:
    """reserve_amenity, book_service: someone with an active grant at the property."""
    grants = session.scalars(
        select(Grant).join(Key, Key.id == Grant.key_id).where(Grant.person_id == principal.person_id, Key.property_id == prop.id)
    )
    if any(g.active_at(at) for g in grants):
        return
    raise Refused("active_grant_required", f"Bookings at {_where(prop)} are for people with active access there.")


def require_sales(principal: Principal, prop: Site) -> None:
    """List upgrades, submit_request: P, F."""
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL):
        return
    raise Refused("full_key_management_required", f"Upgrades for {_where(prop)} are handled by its full managers.")


def refuse_without_a_place() -> NoReturn:
    """Someone with no access and no role at any property: nothing of any property is theirs to ask for."""
    raise Refused("no_property", "You have no access or role at any property yet; ask your property manager to add you.")


def refuse_elsewhere(said: str, mine: Sequence[str]) -> NoReturn:
    """A request about another property of the portfolio, where the asker has no access or role (``said`` names
    what of it the request named); ``mine`` are the properties the asker may ask about."""
    raise Refused("not_at_property", f"{said} where you have no access or role; I can only answer about " + ", ".join(mine) + ".")


def require_order_view(principal: Principal, prop: Site) -> None:
    """The property's orders and receipts: P, F, L, who confirm and fulfil them (everyone sees their own)."""
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED):
        return
    raise Refused("order_handling_required", f"Orders at {_where(prop)} are seen by its key managers.")


def require_own_order_or_view(principal: Principal, prop: Site, buyer_id: int) -> None:
    """One order's receipt: its buyer; P, F, L."""
    if buyer_id == principal.person_id:
        return
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED):
        return
    raise Refused("own_orders_only", "You can only see your own orders.")


def require_order_handling(principal: Principal, prop: Site) -> None:
    """confirm_order, fulfill_order (and declining an order): P, F, L of the property."""
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED):
        return
    raise Refused("order_handling_required", f"Orders at {_where(prop)} are confirmed and fulfilled by its managers.")


def require_order_cancelling(principal: Principal, prop: Site, buyer_id: int) -> None:
    """cancel_order: its buyer; P, F, L of the property (declining it)."""
    if buyer_id == principal.person_id:
        return
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED):
        return
    raise Refused("own_orders_only", "You can only cancel your own orders.")


def require_call_answering(principal: Principal, prop: Site) -> None:
    """Answer an intercom call (Concierge Pro): A at the property; P, F, L, who may open its doors anyway."""
    if prop.id in principal.agent_at or principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED):
        return
    raise Refused("concierge_agent_required", f"Only the concierge agents and managers of {_where(prop)} answer its intercom calls.")


def require_one_call_at_a_time(session: Session, principal: Principal, call: IntercomCall) -> None:
    """Agents take one call at a time: no other answered, unresolved call of theirs."""
    other = session.scalar(
        select(IntercomCall).where(
            IntercomCall.agent_id == principal.person_id, IntercomCall.state == CallState.answered, IntercomCall.id != call.id
        )
    )
    if other is not None:
        raise Refused("one_call_at_a_time", f"You are still on call #{other.id}; resolve it before answering another.")


def require_call_agent(principal: Principal, call: IntercomCall) -> None:
    """Acting on a call (ring the resident, unlock, resolve): only its answering agent, while it is answered."""
    if call.agent_id != principal.person_id:
        raise Refused("not_your_call", f"Call #{call.id} is not answered by you.")
    if call.state != CallState.answered:
        raise Refused("call_not_live", f"Call #{call.id} is {call.state}.")


def require_call_unlock(principal: Principal, call: IntercomCall, door: Door) -> None:
    """An unlock for an intercom call: by its answering agent, while answered, and only a delivery door of its property."""
    require_call_agent(principal, call)
    if door.property_id != call.property_id or not door.delivery:
        raise Refused("delivery_doors_only", f"During an intercom call only the delivery doors can be unlocked; {door.name} is not one.")


def require_people_view(principal: Principal, prop: Site, *, lives_there: bool) -> None:
    """List people with their email and phone: P, F, L; S (holders of their keys); A (residents, to ring them);
    R living at the property (the holders of keys to their home). Which people: ``access_core.directory.people``."""
    if principal.manages_keys_at(prop) or prop.id in principal.agent_at or lives_there:
        return
    raise Refused("people_view", f"Only managers of {_where(prop)} may list its people.")


def require_door_list(principal: Principal, prop: Site) -> None:
    """List a property's doors: any manager of the property (P; F, L, S, D there)."""
    if principal.is_manager_at(prop):
        return
    raise Refused("doors_view", f"Only managers of {_where(prop)} may list its doors.")


def require_answering_somewhere(answerable: Sequence[Property]) -> None:
    """The intercom call console: someone who may answer the calls of at least one property."""
    if not answerable:
        raise Refused("concierge_agent_required", "Only concierge agents and managers answer intercom calls.")


def require_waiting_call(call: IntercomCall) -> None:
    """Answering a call: only one waiting in the queue (not ringing, answered by someone else, or over)."""
    if call.state != CallState.queued:
        who = f" by {call.agent.label}" if call.agent else ""
        raise Refused("call_not_waiting", f"Call #{call.id} is not waiting: it is {call.state}{who}.")


def refuse_second_call() -> NoReturn:
    """The database found the agent answering another call at the same moment (one call at a time)."""
    raise Refused("one_call_at_a_time", "You are already on another call.") from None


def require_resident_to_ring(target: Person, prop: Site, residents: Sequence[Person]) -> None:
    """An agent rings only a resident of the call's property."""
    if target.id not in {p.id for p in residents}:
        raise Refused("residents_only", f"{target.label} is not a resident of {prop.name}.")


class Asking(Protocol):
    """Who asks, where and when, with the unit of work to look things up (a turn's or a service's context)."""

    @property
    def session(self) -> Session: ...
    @property
    def principal(self) -> Principal: ...
    @property
    def prop(self) -> Site: ...
    @property
    def now(self) -> datetime: ...


class Looking(Asking, Protocol):
    """An ``Asking`` that also finds what a command names, at its property."""

    @property
    def planning(self) -> bool: ...
    def key(self, name: Any) -> Key: ...
    def door(self, name: Any) -> Door: ...
    def buyer_of(self, order: Any) -> int: ...
    def intercom_call(self, call_id: int) -> IntercomCall: ...


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of DOMAIN's "Who may do what": who may ever make a kind of command at a property,
    and who may make a given one (a function of the principal, the command and what it names)."""

    row: str
    """The row, as DOMAIN words it."""
    ever: Callable[[Asking], None]
    """Raises ``Refused`` when the asker may make no command of the kind at the property."""
    each: Callable[[Looking, Any], None] | None = None
    """Raises ``Refused`` when the asker may not make this command; ``ever`` when None."""
    with_key: Callable[[Asking, Key], None] | None = None
    """Raises ``Refused`` when the asker may make no command of the kind naming this key (asked before the rest)."""

    def check(self, ctx: Looking, command: Any) -> None:
        if self.each is None:
            self.ever(ctx)
        else:
            self.each(ctx, command)


class Guarded(Protocol):
    rule: ClassVar[Rule]


def may_ever(asking: Asking, kind: type[Guarded], *, key: str | None = None) -> None:
    """Refuse at once a kind of request the asker may never make at the property, or never for the key already
    named ("revoke Luc's trades key" from a manager of other keys), before any other detail is asked for."""
    kind.rule.ever(asking)
    if key is None or kind.rule.with_key is None:
        return
    named = asking.session.scalar(select(Key).where(Key.property_id == asking.prop.id, Key.name == key))
    if named is not None:
        kind.rule.with_key(asking, named)


def _anyone(asking: Asking) -> None:
    return None


def _unlock(ctx: Looking, command: Any) -> None:
    door = ctx.door(command.door)
    call = ctx.intercom_call(command.call_id) if command.call_id is not None else None
    if call is None:
        call = agents_live_call(ctx.session, ctx.principal, door)
    if call is not None:
        require_call_unlock(ctx.principal, call, door)
    require_unlock(ctx.session, ctx.principal, door, ctx.now, call=call, planning=ctx.planning)
    require_unlock_in_lockdown(ctx.session, ctx.principal, door, ctx.now)


GIVING_KEYS = Rule(
    "grant_key, revoke_key: P, F, L; S for their keys",
    lambda a: require_any_key_giving(a.principal, a.prop),
    lambda c, command: require_key_giving(c.principal, c.key(command.key)),
    lambda a, key: require_key_giving(a.principal, key),
)
INVITING = Rule("invite_person: P, F, L, S", lambda a: require_inviting(a.principal, a.prop))
EDITING_KEYS = Rule(
    "create_key, add/remove_door_from_key, set_schedule, create_door: P, F", lambda a: require_key_editing(a.principal, a.prop)
)
KEYCARDS = Rule("issue_keycard, deactivate_keycard: P, F, L", lambda a: require_keycards(a.principal, a.prop))


def _sharing(ctx: Looking, command: Any) -> None:
    require_sharing(ctx.session, ctx.principal, ctx.key(command.key), ctx.now)


def require_something_to_share(session: Session, principal: Principal, prop: Site, at: datetime) -> None:
    """create_doorcode, share_key, before any detail: the asker holds now, at the property, a shareable key they may
    share (someone who may share none of their keys may never make either)."""
    grants = session.scalars(
        select(Grant).join(Key, Key.id == Grant.key_id).where(Grant.person_id == principal.person_id, Key.property_id == prop.id)
    )
    held = [g for g in grants if g.active_at(at)]
    require_a_key_to_share(prop, len(held))
    if not any(g.may_share and g.key.shareable for g in held):
        raise Refused(
            "sharing_not_allowed",
            f"None of your keys at {prop.name} may be shared by you (sharing needs a shareable key you were allowed to share).",
        )


SHARING = Rule(
    "create_doorcode, share_key: R who holds the key now with may_share, on a shareable key",
    lambda a: require_something_to_share(a.session, a.principal, a.prop, a.now),
    _sharing,
)
CREATING_MANAGERS = Rule("create_manager: P", lambda a: require_manager_creation(a.principal, a.prop))
UNLOCKING = Rule(
    "unlock_door (remote): P, F, L; S for doors of their keys; A for delivery doors; R for doors they may open now", _anyone, _unlock
)
DEVICES = Rule("device status, activate, deactivate, firmware: P, D", lambda a: require_device_view(a.principal, a.prop))
RESIDENT_SERVICES = Rule(
    "reserve_amenity, book_service: R with an active grant at the property",
    lambda a: require_resident_services(a.session, a.principal, a.prop, a.now),
)
OWN_THINGS = Rule("one's own reservations, doorcodes and shares: the person who made them", _anyone)
SALES = Rule("list upgrades, submit_request: P, F", lambda a: require_sales(a.principal, a.prop))
HANDLING_ORDERS = Rule("confirm_order, fulfill_order: P, F, L", lambda a: require_order_handling(a.principal, a.prop))
CANCELLING_ORDERS = Rule(
    "cancel_order: its buyer; P, F, L (declining it)",
    _anyone,
    lambda c, command: require_order_cancelling(c.principal, c.prop, c.buyer_of(command.order)),
)


def require_calendar_editing(principal: Principal, prop: Site) -> None:
    """add/remove_exception_day: P, F."""
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL):
        return
    raise Refused("full_key_management_required", f"Exception days at {_where(prop)} are set by its portfolio and full-key managers.")


def require_lockdown_control(principal: Principal, prop: Site) -> None:
    """start_lockdown, end_lockdown: P, F."""
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL):
        return
    raise Refused(
        "full_key_management_required", f"Only the portfolio and full-key managers of {_where(prop)} can start or lift a lockdown."
    )


def require_calendar_view(principal: Principal, prop: Site) -> None:
    """List exception days, see a lockdown's state: P, F, L, S at the property (R only as a reason)."""
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED, SPECIFIC):
        return
    raise Refused("key_management_required", f"The calendar of {_where(prop)} is for its key managers.")


def require_unlock_in_lockdown(session: Session, principal: Principal, door: Door, at: datetime) -> None:
    """A remote unlock of a locked-down door: only P, F of the property, or a holder (now) of a
    lockdown_exempt key with that door; never a concierge agent (DOMAIN "Lockdown")."""
    from access_core.door_rules import rules_for_door

    if not rules_for_door(session, door).locked_at(at):
        return
    prop = door.property
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL):
        return
    grants = session.scalars(
        select(Grant)
        .join(Key, Key.id == Grant.key_id)
        .join(KeyDoor, KeyDoor.key_id == Grant.key_id)
        .where(Grant.person_id == principal.person_id, KeyDoor.door_id == door.id, Key.lockdown_exempt.is_(True))
    )
    if any(g.active_at(at) for g in grants):
        return
    raise Refused("lockdown", f"{door.name} is locked down; it can't be unlocked until the lockdown is lifted.")


CALENDAR = Rule("add/remove_exception_day: P, F", lambda a: require_calendar_editing(a.principal, a.prop))
LOCKDOWN = Rule("start_lockdown, end_lockdown: P, F", lambda a: require_lockdown_control(a.principal, a.prop))
CALENDAR_VIEW = Rule(
    "list exception days, see a lockdown's state: P, F, L, S at that property", lambda a: require_calendar_view(a.principal, a.prop)
)
