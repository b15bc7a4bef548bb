"""Where an asker may make a kind of request: the commands' own rules, tried at each of their properties.

Used to choose the property when the message names none: a manager of two properties who may edit
keys at one of them only is asking about that one; a resident of one property shares a home there.
The rules are the core's (each command's ``Rule.ever``, ``actions.registry`` says which commands an
intent makes); nothing here decides a permission, it only asks where one would be granted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from access_core import policy
from access_core.errors import Refused
from access_core.grant_terms import holds_a_key_at
from access_core.principal import Principal
from actions.registry import INTENTS

QUESTIONS: dict[str, policy.Rule] = {
    "ask_device_status": policy.DEVICES,
    "ask_upgrades": policy.SALES,
    "ask_exception_days": policy.CALENDAR_VIEW,
}
"""Questions only some roles may ask, by the rule that says who."""

HOLDER_INTENTS = frozenset({"create_doorcode", "share_key", "reserve_amenity", "book_service", "ask_my_access", "buy_experience"})
"""Intents about the asker's own access: they fit where the asker holds a key now."""

PROPERTY_FREE = frozenset({"ask_help"})
"""Intents whose answer is the same at every property: never a reason to ask which."""


@dataclass(frozen=True, slots=True)
class _Asking:
    session: Session
    principal: Principal
    prop: Any
    now: datetime


def fits(session: Session, principal: Principal, person_id: int, intent: str, now: datetime) -> Callable[[Any], bool]:
    """Whether the asker may make this kind of request at a property (True for kinds no rule restricts)."""
    spec = INTENTS.get(intent)
    rules = [QUESTIONS[intent]] if intent in QUESTIONS else [kind.rule for kind in spec.makes] if spec else []

    def allowed(rule: policy.Rule, prop: Any) -> bool:
        try:
            rule.ever(_Asking(session, principal, prop, now))
        except Refused:
            return False
        return True

    def test(prop: Any) -> bool:
        if intent in HOLDER_INTENTS:
            return holds_a_key_at(session, person_id, prop, now)
        return not rules or any(allowed(rule, prop) for rule in rules)

    return test


__all__ = ["PROPERTY_FREE", "fits"]
