"""Correcting an intent from what the message resolved to (the words say more than the classifier)."""

from __future__ import annotations

import re

from actions.slots import Slots

KEY_EDITS = {"revoke_access": "remove_door_from_key", "grant_access": "add_door_to_key"}
SCHEDULE_HOSTS = {"revoke_access", "grant_access", "add_door_to_key", "remove_door_from_key", "inform", "out_of_scope",
                  "create_key", "ask_who_has_access"}


EXTEND = re.compile(r"\b(?:extend|renew|prolong|lengthen|push (?:back|out)|keep .* until|change .* to end|"
                    r"should (?:now )?(?:end|last))\b", re.I)


HOW_TO = re.compile(r"^\W*(?:(?:how|where)\s+(?:do|can|could|would|should|will)\s+(?:i|we)\b|how\s+to\b|"
                    r"(?:show|tell)\s+me\s+how\b)", re.I)
NOT_HELP = {"ask_help", "ask_why_denied", "ask_my_access", "ask_highlights", "ask_upgrades", "greet", "thanks", "affirm", "deny",
            "cancel", "undo"}


BOOKING_HOSTS = {"ask_my_access", "grant_access", "inform", "out_of_scope", "unlock_door"}


def _a_slot(slots: Slots) -> bool:
    time = slots.time
    return time is not None and time.starts_at is not None and time.ends_at is not None and time.kind != "day"


def refine(intent: str, slots: Slots) -> str:
    """A more fitting intent when the slots contradict the classifier, else the same one."""
    if intent not in NOT_HELP and HOW_TO.search(slots.text) and not (slots.people or slots.new_people or slots.time):
        return "ask_help"  # "how can I see which locks are low": the way to do it, not doing it
    if intent in BOOKING_HOSTS and slots.found.get("amenity") and not (slots.people or slots.new_people) and _a_slot(slots):
        return "reserve_amenity"  # "can I get the pool on dec 10, 8 to 10 pm?": an amenity and a slot of time
    if intent in ("revoke_access", "inform", "out_of_scope") and EXTEND.search(slots.text) and slots.people:
        return "grant_access"
    nobody = not slots.people and not slots.new_people and "person" not in slots.ambiguous
    doors = bool(slots.found.get("door") or slots.found.get("amenity"))
    said = slots.schedule.text.strip().lower() if slots.schedule is not None else ""
    if intent in SCHEDULE_HOSTS and nobody and doors and said and said not in ("always", "any time", "anytime"):
        return "set_schedule"
    if intent in KEY_EDITS and nobody and slots.found.get("door") and slots.found.get("key"):
        return KEY_EDITS[intent]
    return intent
