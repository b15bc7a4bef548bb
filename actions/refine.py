"""Correcting an intent from what the message resolved to (the words say more than the classifier)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from actions.devices import INACTIVE
from actions.slots import Slots

KEY_EDITS = {"revoke_access": "remove_door_from_key", "grant_access": "add_door_to_key"}
PERSON_EDITS = {edit: access for access, edit in KEY_EDITS.items()}
SCHEDULE_HOSTS = {
    "revoke_access",
    "grant_access",
    "add_door_to_key",
    "remove_door_from_key",
    "inform",
    "out_of_scope",
    "create_key",
    "ask_who_has_access",
}
WEAK = {"inform", "out_of_scope", "affirm", "deny", "greet", "thanks"}
"""Classes that carry no request of their own: the slots decide when they are all the classifier saw."""
SURE = 0.6
"""Above this the classifier's own intent stands unless a rule below contradicts it outright."""
GUESS = 0.3
"""Below this the classifier only ranks: the first of its top intents that the slots fully support is taken."""


EXTEND = re.compile(
    r"\b(?:extend(?:s|ed|ing)?|renew(?:s|ed|ing|al)?|prolong(?:s|ed)?|lengthen(?:s|ed)?|push (?:back|out)|keep .* until|change .* to end|"
    r"should (?:now )?(?:end|last))\b",
    re.I,
)
MOVE_IN = re.compile(
    r"\b(?:mov(?:e|es|ed|ing)\s+in(?:to)?|move-in|arriv(?:es|ing)|tak(?:e|es|ing)\s+(?:it|over|(?:the|her|his|their)\s+\w+\s+over)|"
    r"goes\s+to|gets\s+it|(?:lease|tenancy|contract)\s+(?:starts|begins|commences|kicks\s+in))\b",
    re.I,
)
"""Someone moving in ("Kai moves in on the 1st", "Fraser takes the flat over from Saturday")."""
MOVE_OUT = re.compile(
    r"\b(?:mov(?:e|es|ed|ing)\s+out|move-out|leav(?:e|es|ing)|left|vacat\w*|giv(?:e|es|ing)\s+up|"
    r"(?:lease|tenancy|contract)\s+(?:ends|expires|is\s+up|runs\s+out))\b",
    re.I,
)
"""Someone moving out ("Niamh moves out of 2F1 on Friday", "his lease ends Jan 31")."""
CARD_WORD = re.compile(r"\b(?:key\s*-?\s*cards?|cards?|fobs?|badges?|tags?|serial)\b|\b[A-Z]{1,4}-?\d{2,}\b", re.I)
"""What a keycard request speaks of: "give her a key" asks for a key, not a card."""
KEY_HOURS = re.compile(r"\b(?:hours|schedule|times|opening|open(?:s|ing)?\s+(?:from|between)|works?\s+from)\b", re.I)
"""A key's weekly hours being set ("change the contractor key hours to …")."""
ABOUT_AN_OFFER = re.compile(r"\b(?:when(?:'s| is| are)?|how much|price|cost|what time|how many (?:places|spots|tickets) left)\b", re.I)
"""A question about a service or experience on offer, not a booking."""
HOW_TO = re.compile(
    r"^\W*(?:(?:hi|hey|hello|quick question)\W+)?(?:how\s+(?:do|can|could|should|would|does)\s+"
    r"(?:i|we|you|one|someone|a manager|managers|residents?|staff)\b|how to\b|how does\b|"
    r"where (?:do|can) i (?:go to |find )|is there a way to\b|what are the steps to\b)",
    re.I,
)
DEVICE = re.compile(
    r"\b(?:locks?|batter(?:y|ies)|devices?|readers?|firmware|online|offline|hardware|"
    r"lock status|signal|installed)\b",
    re.I,
)
ADD_VERB = re.compile(r"\b(?:add|put|include|attach|also open|also cover|should open|should also|plus|append|join)\b", re.I)
REMOVE_VERB = re.compile(
    r"\b(?:remove|take|drop|pull|exclude|delete|detach|no longer|shouldn't open|should not open|"
    r"strip|off)\b",
    re.I,
)
CAN_OPEN = re.compile(
    r"\b(?:can|could|will|would|does|is|are)\b[^?.!]{0,40}?\b(?:open|get (?:in|into)|enter|access|"
    r"use|go (?:in|into)|able to)\b",
    re.I,
)
VISITOR = re.compile(
    r"\b(?:courier|delivery|driver|ups|fedex|dhl|usps|amazon|doordash|uber ?eats|grubhub|messenger|"
    r"visitor)\b.{0,40}\b(?:at|needs|wants|waiting|here|downstairs|outside)\b",
    re.I,
)
REVOKE_CUE = re.compile(
    r"\b(?:revok|remov|take|took|cut|pull|kick|end|delet|off|no longer|shouldn'?t|should not|stop|"
    r"disabl|deactivat|terminat|mov(?:e|ed|es|ing) out|leav|left|vacat|last day|lock(?:ed)? out|ban|"
    r"block|suspend|expir|cancel|rid|drop|evict|fired|quit|lost|gone|away|anymore|any more)",
    re.I,
)
"""Words a request to take access away uses; a "revoke" without any of them is a misheard request."""
GRANT_VERB = re.compile(r"\b(?:give|grant|add|let|set (?:\w+ )?up|hook (?:\w+ )?up|needs?|gets?|should (?:get|have))\b", re.I)
ASKING_WHY = re.compile(
    r"\bwhy\b|\?|\bhow come\b|\b(?:denied|rejected|refused|blocked|locked out|won'?t|doesn'?t|"
    r"isn'?t|can'?t|couldn'?t|not working|stopped|red light|beep)",
    re.I,
)
WHY_NOT = re.compile(r"\b(?:why|how come)\b|\b(?:can|could|wo|does|did|is)n['’]?t\b|\bcannot\b", re.I)
"""Asking why something fails ("why can't I get into the gym at night?"), not asking for a slot."""
LIVES_IN = re.compile(
    r"\bwho(?:'s| is| are)?\s+(?:lives?|living|stays?|staying|resides?|residing)\b|\bresidents?\s+(?:of|in|at)\b|"
    r"\b(?:tenants?|occupants?)\s+(?:of|in|at)\b|\bwho(?:'s| is)?\s+the\s+(?:tenant|resident|occupant)",
    re.I,
)
"""A question about who lives behind a door, not about everyone who may open it."""
MANAGE_VERB = re.compile(r"\b(?:manag(?:e|es|ing)|(?:be|as|make \S+(?: \S+)?) (?:a |an |the )?(?:\w+ )?(?:key )?manager)\b", re.I)
CODE = re.compile(r"\b(?:door ?)?(?:code|pin|passcode)s?\b", re.I)
IMPERATIVE_GRANT = re.compile(
    r"^\W*(?:(?:please|pls|plz|kindly|ok|okay|hi|hey)\W+)*(?:(?:can|could|would) you\s+(?:please\s+)?)?"
    r"(?:give|grant|add|let(?!\s+(?:me|us)\s+know\b)|set\s+(?:\w+\s+)?up)\b",
    re.I,
)
"""A message that opens by asking for access to be given is a request, whatever else it says
("add ivy to apt 202, she doesn't live there")."""
IMPERATIVE_SHARE = re.compile(r"^\W*(?:(?:please|pls|plz|kindly|ok|okay|hi|hey)\W+)*(?:(?:can|could) (?:i|you)\s+)?share\b", re.I)
"""A message that opens with "share" asks for a key to be shared, whoever with."""
HAPPENED = re.compile(
    r"\bwhat(?:'s|\s+has)?\s+happened\b|\bactivity\b|\bwho\s+(?:came|went|got|has\s+been|was|entered|opened|used)\b|"
    r"\b(?:entries|comings\s+and\s+goings|access\s+log|door\s+log)\b",
    re.I,
)
"""A question about what happened at doors."""
ASKING = re.compile(r"\?|^\W*(?:what|which|when|are|is|do|does|will|any|list|show|tell)\b", re.I)
"""A message that asks rather than says."""
CLOSING = re.compile(r"\b(?:close[ds]?|closing|shut|shuts|shutting)\b", re.I)
"""A day's closing ("close the sauna and the laundry on the 2nd of January")."""
FIRST_PERSON = re.compile(r"\b(?:i|i'm|me|my)\b", re.I)
LISTS = ("ask_keys", "ask_doors")
"""Questions for a list of the property's keys or doors, which the classifier sometimes gives any message about keys."""
DEVICE_ACTIONS = {"activate_device", "deactivate_device", "upgrade_firmware"}
QUESTIONS = {
    "ask_activity",
    "ask_who_has_access",
    "ask_why_denied",
    "ask_device_status",
    "ask_keys",
    "ask_doors",
    "ask_my_access",
    "ask_amenities",
    "ask_help",
    "ask_highlights",
    "ask_upgrades",
    "ask_services",
    "ask_experiences",
}


def _untimed(slots: Slots) -> str:
    """The message without its time expression ("till the end of the month" is no request to end anything)."""
    if slots.time is None:
        return slots.text
    return slots.text[: slots.time.start] + " " + slots.text[slots.time.end :]


def _doors(slots: Slots) -> bool:
    return bool(slots.found.get("door") or slots.found.get("amenity") or slots.my_place)


MY_BEFORE = re.compile(r"\bmy\s+(?:own\s+)?$", re.I)


def _mine(slots: Slots) -> bool:
    """The message speaks of the asker's own home, key or door ("my flat", "my car park space")."""
    return slots.my_place or any(
        MY_BEFORE.search(slots.text[: m.start]) for m in slots.mentions if m.of("key") or m.of("door") or m.of("amenity")
    )


ACCESS_WORD = re.compile(r"\b(?:access|in|into|keys?|codes?|cards?|fobs?)\b", re.I)
KEYS_WORD = re.compile(r"\bkeys\b|\bwhich key\b", re.I)
DOORS_WORD = re.compile(r"\b(?:doors|gates|entrances|common areas)\b", re.I)


def _listing(slots: Slots) -> bool:
    """A question for a list of the property's keys or doors: about nobody, no moment, no device, nothing that happened."""
    return not _people(slots) and slots.time is None and not any(p.search(slots.text) for p in (DEVICE, INACTIVE, HAPPENED))


def _people(slots: Slots) -> bool:
    return bool(slots.people or slots.new_people or "person" in slots.ambiguous)


FITS: dict[str, Callable[[Slots], bool]] = {
    "grant_access": lambda s: _people(s) and bool(s.found.get("key") or _doors(s)),
    "revoke_access": lambda s: _people(s) and (s.time is None or s.time.kind not in ("end", "range")),
    "book_service": lambda s: bool(s.found.get("service")),
    "buy_experience": lambda s: bool(s.found.get("experience")),
    "reserve_amenity": lambda s: bool(s.found.get("amenity")) and s.time is not None and not _people(s),
    "add_door_to_key": lambda s: bool(s.found.get("key") and s.found.get("door")) and not _people(s),
    "remove_door_from_key": lambda s: bool(s.found.get("key") and s.found.get("door")) and not _people(s),
    "set_schedule": lambda s: s.schedule is not None and _doors(s) and not _people(s),
    "ask_why_denied": lambda s: (
        _doors(s) and (_people(s) or bool(FIRST_PERSON.search(s.text))) and bool(WHY_NOT.search(s.text) or CAN_OPEN.search(s.text))
    ),
    "ask_who_has_access": lambda s: (_doors(s) or bool(s.found.get("key"))) and not _people(s),
    "ask_device_status": lambda s: bool(DEVICE.search(s.text)),
    "ask_keys": lambda s: _listing(s) and bool(KEYS_WORD.search(s.text) or s.found.get("key")),
    "ask_doors": lambda s: _listing(s) and bool(DOORS_WORD.search(s.text)),
    "submit_request": lambda s: bool(s.found.get("upgrade")),
    "ask_activity": lambda s: bool(HAPPENED.search(s.text)),
    "add_exception_day": lambda s: bool(CLOSING.search(s.text)) and not _people(s) and s.time is not None and s.time.kind == "day",
    "share_key": lambda s: _people(s) and (s.my_place or bool(FIRST_PERSON.search(s.text))) and s.time is not None,
    "create_doorcode": lambda s: bool(CODE.search(s.text)) and not _people(s),
    "issue_keycard": lambda s: _people(s) and s.serial is not None,
    "deactivate_keycard": lambda s: s.serial is not None,
    "unlock_door": lambda s: _doors(s) and not _people(s),
    "invite_person": lambda s: bool(s.new_people) and not s.people and not s.found.get("key") and not _doors(s),
}


def refine(intent: str, slots: Slots, confidence: float = 1.0, ranking: Sequence[str] = ()) -> str:
    """A more fitting intent when the slots contradict the classifier, else the same one."""
    if HOW_TO.search(slots.text) and not (slots.people or slots.new_people or slots.time):
        return "ask_help"  # the way to do it; "how can I get Priya into the gym tomorrow" is asking for it done
    if (
        (intent in QUESTIONS or intent in WEAK or confidence < SURE)
        and LIVES_IN.search(slots.text)
        and (slots.found.get("door") or slots.my_place)
        and not slots.people
    ):
        return "ask_who_has_access"  # "who lives in Flat 5?": its residents
    if intent in ("revoke_access", "inform", "out_of_scope") and EXTEND.search(slots.text) and slots.people:
        return "grant_access"
    moving_in = MOVE_IN.search(slots.text) and not MOVE_OUT.search(slots.text)
    if intent in {"revoke_access", "issue_keycard"} | WEAK and moving_in and _people(slots):
        return "grant_access"  # "Olga's move-in is pushed back to the 18th": her access starts then
    if intent == "issue_keycard" and not CARD_WORD.search(slots.text) and not slots.serial and _people(slots):
        return "grant_access"  # "give Aisling Quinn a key"
    if intent in {"revoke_access", "share_key"} | WEAK and slots.may_share is False and slots.people and not slots.found.get("door"):
        return "grant_access"  # "Jane should no longer be able to share her unit": her grant's terms change, she keeps the key
    if (
        (intent in QUESTIONS or intent in WEAK or intent in DEVICE_ACTIONS or confidence < GUESS)
        and IMPERATIVE_GRANT.search(slots.text)
        and not slots.text.rstrip().endswith("?")
        and not _mine(slots)
        and FITS["grant_access"](slots)
    ):
        return "grant_access"
    if (intent in WEAK or confidence < GUESS) and IMPERATIVE_SHARE.search(slots.text) and _people(slots):
        return "share_key"
    if intent == "ask_exception_days" and not ASKING.search(slots.text) and FITS["add_exception_day"](slots):
        return "add_exception_day"  # "pool and gym are closed for matariki": said, not asked
    if (
        intent == "grant_access"
        and confidence < SURE
        and FITS["invite_person"](slots)
        and not GRANT_VERB.search(slots.text)
        and not ACCESS_WORD.search(slots.text)
    ):
        return "invite_person"  # "new resident for Albion Yard: Grace O'Neill, phone …": no key, no door, nothing given
    if intent == "set_schedule" and _people(slots):
        return "grant_access"  # "pop hannah on the pool key, weekday mornings 6-9": hours for someone, never the key's
    nobody = not _people(slots)
    doors = bool(slots.found.get("door") or slots.found.get("amenity"))
    said = slots.schedule.text.strip().lower() if slots.schedule is not None else ""
    if intent in SCHEDULE_HOSTS and nobody and doors and said and said not in ("always", "any time", "anytime"):
        return "set_schedule"
    if (intent in SCHEDULE_HOSTS or intent in QUESTIONS) and nobody and slots.found.get("key") and said and KEY_HOURS.search(slots.text):
        return "set_schedule"  # "change the contractor key hours to half seven till six": each of its doors
    if intent in KEY_EDITS and nobody and slots.found.get("door") and slots.found.get("key"):
        return KEY_EDITS[intent]
    if intent in {"grant_access", "revoke_access", *PERSON_EDITS} and _people(slots) and MANAGE_VERB.search(slots.text):
        return "create_manager"  # "Tom should also manage the fitness key": a say over the key, not the key
    if intent in PERSON_EDITS and slots.people and not slots.found.get("door"):
        return PERSON_EDITS[intent]  # "remove bruno costa from the contractor key": a person, not a door, comes off
    unsure = intent in WEAK or confidence < SURE
    device_action = intent in DEVICE_ACTIONS and not DEVICE.search(slots.text)  # "take the gym off the staff set": a key edit
    if (
        (unsure or intent in QUESTIONS or device_action)
        and nobody
        and slots.found.get("door")
        and slots.found.get("key")
        and intent not in ("ask_who_has_access", "set_schedule")
    ):
        if REMOVE_VERB.search(slots.text):
            return "remove_door_from_key"
        if ADD_VERB.search(slots.text):
            return "add_door_to_key"
    if (intent in WEAK or confidence < GUESS) and ABOUT_AN_OFFER.search(slots.text):
        if slots.found.get("experience") or "experience" in slots.offers:
            return "ask_experiences"  # "when's the bloomsday tour on and how much is it?"
        if slots.found.get("service") or "service" in slots.offers:
            return "ask_services"
    if (intent in WEAK or confidence < GUESS) and slots.found.get("service") and nobody:
        return "book_service"
    if (
        intent in {"grant_access", "share_key", "create_doorcode"} | WEAK
        and not _people(slots)
        and slots.found.get("door")
        and VISITOR.search(slots.text)
    ):
        return "unlock_door"
    if intent in ("ask_amenities", "ask_my_access", "unlock_door") and nobody and doors and DEVICE.search(slots.text) and not slots.time:
        return "ask_device_status"
    if intent in LISTS and not FITS[intent](slots):  # "which doors aren't activated yet?", "what can kwame open?"
        if INACTIVE.search(slots.text):
            return "ask_device_status"
        others = [c for c in ranking[:4] if c not in LISTS]
        return next((c for c in others if c in FITS and FITS[c](slots)), others[0] if others else intent)
    if (
        intent in {"ask_my_access", "ask_amenities", "ask_why_denied", "unlock_door"} | WEAK
        and not (intent == "ask_why_denied" and WHY_NOT.search(slots.text))
        and nobody
        and slots.found.get("amenity")
        and slots.time is not None
        and slots.time.kind == "range"
    ):
        return "reserve_amenity"
    if (
        intent not in ("ask_why_denied", "ask_who_has_access")
        and (unsure or intent in QUESTIONS)
        and slots.people
        and doors
        and CAN_OPEN.search(slots.text)
        and slots.text.rstrip().endswith("?")
    ):
        return "ask_why_denied"
    if (
        intent == "revoke_access"
        and confidence < SURE
        and FITS["grant_access"](slots)
        and not REVOKE_CUE.search(_untimed(slots))
        and not EXTEND.search(slots.text)
    ):
        return "grant_access"
    if (
        intent == "ask_why_denied"
        and confidence < SURE
        and FITS["grant_access"](slots)
        and GRANT_VERB.search(slots.text)
        and not ASKING_WHY.search(slots.text)
        and not CAN_OPEN.search(slots.text)
        and not slots.my_place
    ):
        return "grant_access"
    if (
        intent == "ask_why_denied" and confidence < SURE and not ASKING_WHY.search(slots.text) and not CAN_OPEN.search(slots.text)
    ):  # nothing in it asks a question: the next fitting request
        for candidate in ranking[:4]:
            fits = FITS.get(candidate)
            if candidate != intent and fits is not None and fits(slots):
                return candidate
    guest_at_home = intent == "grant_access" and slots.my_place and slots.resident is None and slots.may_share is None
    if (
        (intent in WEAK or confidence < SURE or guest_at_home)
        and slots.people
        and _mine(slots)
        and GRANT_VERB.search(slots.text)
        and not ASKING_WHY.search(slots.text)
    ):
        return "share_key"  # "let ines into my place": someone let into the asker's own home is a guest
    if intent in WEAK or confidence < GUESS:
        for candidate in ranking[:5]:
            fits = FITS.get(candidate)
            if fits is not None and fits(slots):
                return candidate
        if intent in WEAK and slots.found.get("service"):
            return "book_service"
    return intent
