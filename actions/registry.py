"""Intents and their handlers: one entry per intent of the NLU data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from actions import access, calendar, concierge, devices, guests, keys, questions
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


INTENTS: dict[str, IntentSpec] = {
    "grant_access": IntentSpec(access.grant_access),
    "revoke_access": IntentSpec(access.revoke_access),
    "invite_person": IntentSpec(access.invite_person),
    "create_manager": IntentSpec(access.create_manager),
    "create_key": IntentSpec(keys.create_key),
    "add_door_to_key": IntentSpec(keys.add_door_to_key),
    "remove_door_from_key": IntentSpec(keys.remove_door_from_key),
    "set_schedule": IntentSpec(keys.set_schedule),
    "create_door": IntentSpec(keys.create_door),
    "issue_keycard": IntentSpec(guests.issue_keycard),
    "deactivate_keycard": IntentSpec(guests.deactivate_keycard),
    "create_doorcode": IntentSpec(guests.create_doorcode),
    "share_key": IntentSpec(guests.share_key),
    "unlock_door": IntentSpec(guests.unlock_door),
    "reserve_amenity": IntentSpec(concierge.reserve_amenity),
    "cancel_reservation": IntentSpec(concierge.cancel_reservation),
    "book_service": IntentSpec(concierge.book_service),
    "buy_experience": IntentSpec(concierge.buy_experience),
    "submit_request": IntentSpec(concierge.submit_request),
    "cancel_order": IntentSpec(concierge.cancel_order),
    "confirm_order": IntentSpec(concierge.confirm_order),
    "fulfill_order": IntentSpec(concierge.fulfill_order),
    "activate_device": IntentSpec(devices.activate_device),
    "deactivate_device": IntentSpec(devices.deactivate_device),
    "upgrade_firmware": IntentSpec(devices.upgrade_firmware),
    "ask_activity": IntentSpec(questions.ask_activity, "past", False),
    "ask_who_has_access": IntentSpec(questions.ask_who_has_access, "future", False),
    "ask_why_denied": IntentSpec(questions.ask_why_denied, "tense", False),
    "ask_my_access": IntentSpec(questions.ask_my_access, "future", False),
    "ask_device_status": IntentSpec(devices.ask_device_status, "future", False),
    "ask_help": IntentSpec(concierge.ask_help, "future", False),
    "ask_highlights": IntentSpec(concierge.ask_highlights, "future", False),
    "ask_upgrades": IntentSpec(concierge.ask_upgrades, "future", False),
    "ask_amenities": IntentSpec(concierge.ask_amenities, "future", False),
    "ask_services": IntentSpec(concierge.ask_services, "future", False),
    "ask_experiences": IntentSpec(concierge.ask_experiences, "future", False),
    "ask_orders": IntentSpec(concierge.ask_orders, "future", False),
    "start_lockdown": IntentSpec(calendar.start_lockdown),
    "end_lockdown": IntentSpec(calendar.end_lockdown),
    "add_exception_day": IntentSpec(calendar.add_exception_day),
    "remove_exception_day": IntentSpec(calendar.remove_exception_day),
    "ask_exception_days": IntentSpec(calendar.ask_exception_days, "future", False),
}

SMALL_TALK = {
    "greet": "Hi! I can give or revoke access, make guest codes, answer who came in, book amenities and more.",
    "thanks": "You're welcome!",
}
