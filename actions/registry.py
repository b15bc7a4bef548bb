"""Intents and their handlers: one entry per intent of the NLU data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from access_core import commands as c
from actions import access, calendar, concierge, devices, guests, keys, questions
from actions.account import accounted
from actions.slots import Slots
from actions.turn import Reply, TurnContext

Handler = Callable[[TurnContext, Slots, dict[str, Any]], Reply]


@dataclass(frozen=True, slots=True)
class IntentSpec:
    handler: Handler
    """Turns slots into a reply."""
    prefer: str = "future"
    """How bare times are read: "future" for plans, "past" for questions about what happened, "tense" by the
    message's own tense ("can she get in on Sunday?" looks ahead, "why was she denied on Sunday?" back)."""
    changes: bool = True
    """True for intents that plan operations (they keep a frame across turns)."""
    makes: tuple[type[c.Command], ...] = ()
    """The kinds of command it plans: when the asker may make none of them at the property, it is
    refused before any detail is asked for (``policy.may_ever``)."""


INTENTS: dict[str, IntentSpec] = {
    "grant_access": IntentSpec(access.grant_access, makes=(c.GrantKey,)),
    "revoke_access": IntentSpec(access.revoke_access, makes=(c.RevokeKey,)),
    "invite_person": IntentSpec(access.invite_person, makes=(c.InvitePerson,)),
    "create_manager": IntentSpec(access.create_manager, makes=(c.CreateManager,)),
    "create_key": IntentSpec(keys.create_key, makes=(c.CreateKey,)),
    "add_door_to_key": IntentSpec(keys.add_door_to_key, makes=(c.AddDoorToKey,)),
    "remove_door_from_key": IntentSpec(keys.remove_door_from_key, makes=(c.RemoveDoorFromKey,)),
    "set_schedule": IntentSpec(keys.set_schedule, makes=(c.SetSchedule,)),
    "create_door": IntentSpec(keys.create_door, makes=(c.CreateDoor,)),
    "issue_keycard": IntentSpec(guests.issue_keycard, makes=(c.IssueKeycard,)),
    "deactivate_keycard": IntentSpec(guests.deactivate_keycard, makes=(c.DeactivateKeycard,)),
    "create_doorcode": IntentSpec(guests.create_doorcode, makes=(c.CreateDoorcode,)),
    "share_key": IntentSpec(guests.share_key, makes=(c.ShareKey,)),
    "unlock_door": IntentSpec(guests.unlock_door, makes=(c.UnlockDoor,)),
    "reserve_amenity": IntentSpec(concierge.reserve_amenity, makes=(c.ReserveAmenity,)),
    "cancel_reservation": IntentSpec(concierge.cancel_reservation, makes=(c.CancelReservation, c.CancelOrder)),
    "book_service": IntentSpec(concierge.book_service, makes=(c.BookService,)),
    "buy_experience": IntentSpec(concierge.buy_experience, makes=(c.BuyExperience,)),
    "submit_request": IntentSpec(concierge.submit_request, makes=(c.SubmitRequest,)),
    "cancel_order": IntentSpec(concierge.cancel_order, makes=(c.CancelOrder,)),
    "confirm_order": IntentSpec(concierge.confirm_order, makes=(c.ConfirmOrder,)),
    "fulfill_order": IntentSpec(concierge.fulfill_order, makes=(c.FulfillOrder,)),
    "activate_device": IntentSpec(devices.activate_device, makes=(c.ActivateDoor,)),
    "deactivate_device": IntentSpec(devices.deactivate_device, makes=(c.DeactivateDoor,)),
    "upgrade_firmware": IntentSpec(devices.upgrade_firmware, makes=(c.UpgradeFirmware,)),
    "ask_activity": IntentSpec(questions.ask_activity, "past", False),
    "ask_who_has_access": IntentSpec(questions.ask_who_has_access, "future", False),
    "ask_why_denied": IntentSpec(questions.ask_why_denied, "tense", False),
    "ask_my_access": IntentSpec(questions.ask_my_access, "future", False),
    "ask_device_status": IntentSpec(devices.ask_device_status, "future", False),
    "ask_keys": IntentSpec(questions.ask_keys, "future", False),
    "ask_doors": IntentSpec(questions.ask_doors, "future", False),
    "ask_help": IntentSpec(concierge.ask_help, "future", False),
    "ask_highlights": IntentSpec(concierge.ask_highlights, "future", False),
    "ask_upgrades": IntentSpec(concierge.ask_upgrades, "future", False),
    "ask_amenities": IntentSpec(concierge.ask_amenities, "future", False),
    "ask_services": IntentSpec(concierge.ask_services, "future", False),
    "ask_experiences": IntentSpec(concierge.ask_experiences, "future", False),
    "ask_orders": IntentSpec(concierge.ask_orders, "future", False),
    "start_lockdown": IntentSpec(calendar.start_lockdown, makes=(c.StartLockdown,)),
    "end_lockdown": IntentSpec(calendar.end_lockdown, makes=(c.EndLockdown,)),
    "add_exception_day": IntentSpec(calendar.add_exception_day, makes=(c.AddExceptionDay,)),
    "remove_exception_day": IntentSpec(calendar.remove_exception_day, makes=(c.RemoveExceptionDay,)),
    "ask_exception_days": IntentSpec(calendar.ask_exception_days, "future", False),
}

INTENTS = {name: replace(spec, handler=accounted(spec.handler)) for name, spec in INTENTS.items()}
"""Every plan is checked against the qualifiers it left out (``actions.account``)."""

SMALL_TALK = {
    "greet": "Hi! I can give or revoke access, make guest codes, answer who came in, book amenities and more.",
    "thanks": "You're welcome!",
}
