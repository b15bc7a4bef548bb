"""Where an asker may make a kind of request: the property-wide rules, as a test on each of their properties.

Used to choose the property when the message names none: a manager of two properties who may edit
keys at one of them only is asking about that one; a resident of one property shares a home there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core import policy
from access_core.errors import Refused
from access_core.models import Grant, Key, Person, Property
from access_core.principal import Principal

Rule = Callable[[Principal, Property], None]

RULES: dict[str, Rule] = {
    "grant_access": policy.require_any_key_giving,
    "revoke_access": policy.require_any_key_giving,
    "invite_person": policy.require_inviting,
    "create_manager": policy.require_manager_creation,
    "create_key": policy.require_key_editing,
    "add_door_to_key": policy.require_key_editing,
    "remove_door_from_key": policy.require_key_editing,
    "set_schedule": policy.require_key_editing,
    "create_door": policy.require_key_editing,
    "issue_keycard": policy.require_keycards,
    "deactivate_keycard": policy.require_keycards,
    "activate_device": policy.require_device_view,
    "deactivate_device": policy.require_device_view,
    "upgrade_firmware": policy.require_device_view,
    "ask_device_status": policy.require_device_view,
    "submit_request": policy.require_sales,
    "ask_upgrades": policy.require_sales,
    "start_lockdown": policy.require_lockdown_control,
    "end_lockdown": policy.require_lockdown_control,
    "add_exception_day": policy.require_calendar_editing,
    "remove_exception_day": policy.require_calendar_editing,
    "ask_exception_days": policy.require_calendar_view,
}
"""Intents a manager's role at the property allows, by the rule that says so."""

HOLDER_INTENTS = frozenset({"create_doorcode", "share_key", "reserve_amenity", "book_service", "ask_my_access",
                            "buy_experience"})
"""Intents about the asker's own access: they fit where the asker holds a key now."""

PROPERTY_FREE = frozenset({"ask_help"})
"""Intents whose answer is the same at every property: never a reason to ask which."""


def fits(session: Session, principal: Principal, person: Person, intent: str, now: datetime) -> Callable[[Property], bool]:
    """Whether the asker may make this kind of request at a property (True for kinds with no property-wide rule)."""
    rule = RULES.get(intent)

    def test(prop: Property) -> bool:
        if intent in HOLDER_INTENTS:
            grants = session.scalars(select(Grant).join(Key, Key.id == Grant.key_id)
                                     .where(Grant.person_id == person.id, Key.property_id == prop.id))
            return any(g.active_at(now) for g in grants)
        if rule is None:
            return True
        try:
            rule(principal, prop)
        except Refused:
            return False
        return True

    return test


__all__ = ["PROPERTY_FREE", "fits"]
