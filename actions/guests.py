"""Guests and credentials: doorcodes, shares, keycards, remote unlocks."""

from __future__ import annotations

import re
from typing import Any

from access_core import policy
from access_core.grant_terms import active_grants
from access_core.lookup import key_in
from access_core.services import credentials
from actions import choose
from actions.slots import Slots
from actions.turn import Reply, TurnContext, ask, confirm, my_residence_doors

REASON = re.compile(
    r"\b(?:for|it's|its|it is)\s+(?:the\s+|a\s+|my\s+)?((?:courier|delivery|ups|fedex|dhl|amazon|usps|"
    r"package|food|plumber|electrician|contractor|guest|visitor|cleaner|dog walker|mover|repair|"
    r"maintenance|inspection|emergency)[\w ]{0,30})",
    re.I,
)
OPEN_VERB = re.compile(r"\b(?:open(?:\s+up)?|unlock|buzz|pop|release|let\s+(?:\w+\s+){0,3}?(?:in(?:to)?|through))\b", re.I)
WAITING_AT = re.compile(r"\b(?:at|by|outside|in front of|waiting at|standing at)\s+(?:the\s+)?$", re.I)
LIST_GAP = re.compile(r"\s*(?:,|&|\+|and|,\s*and|as well as)?\s*(?:the\s+)?", re.I)
ROLE = re.compile(r"\b(courier|delivery|driver|ups|fedex|amazon|plumber|electrician|cleaner|visitor|guest|mover|tech)\b", re.I)


def _share_key(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> tuple[str | None, str | None]:
    """The key to share: the one named or holding the doors named, else the asker's one sharable key."""
    held = [(grant.key, grant) for grant in active_grants(ctx.session, ctx.person.id, ctx.prop, ctx.now)]
    if not values.get("key"):
        policy.require_a_key_to_share(ctx.prop, len(held))
    if slots.found.get("key") or slots.found.get("door") or slots.my_place or "key" in slots.ambiguous or "door" in slots.ambiguous:
        choice = choose.key(ctx, slots, values, among=[k for k, _ in held])
        several_homes = slots.my_place and not slots.found.get("door") and len(my_residence_doors(ctx)) > 1
        if not choice.ok and "key" not in slots.ambiguous and "door" not in slots.ambiguous and not several_homes:
            policy.refuse_sharing_unheld(" and ".join(slots.found.get("door", [])) or "your home")
        if choice.ok:  # the key is known: whether it may be shared is told before any other detail is asked for
            policy.require_sharing(ctx.session, ctx.principal, key_in(ctx.session, ctx.prop, choice.value), ctx.now)
        return (choice.value, None) if choice.ok else (None, choice.question)
    if values.get("key"):
        return values["key"], None
    sharable = [k for k, g in held if k.shareable and g.may_share]
    if not sharable:
        fallback = sorted((k for k, _ in held), key=lambda k: (not k.has_residence, not k.shareable))
        return (fallback[0].name, None) if fallback else (None, "You don't hold any key here to share.")
    if len(sharable) == 1:
        return sharable[0].name, None
    homes = [k for k in sharable if k.has_residence]
    if len(homes) == 1 and len(sharable) <= 2:
        return homes[0].name, None
    return None, "Which key should it open: " + " or ".join(k.name for k in sharable) + "?"


def create_doorcode(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    key, question = _share_key(ctx, slots, values)
    if key:
        values["key"] = key
    if slots.time is not None and slots.time.starts_at is not None:
        values["date"] = slots.time.starts_at.astimezone(ctx.tz).date().isoformat()
    elif slots.time is not None and slots.time.ends_at is not None:
        values["date"] = slots.time.ends_at.astimezone(ctx.tz).date().isoformat()
    if not key:
        return ask(["key"], question or "Which door should the code open?", values)
    day = values.get("date") or ctx.now.astimezone(ctx.tz).date().isoformat()
    return confirm([{"op": "create_doorcode", "granter": ctx.person.handle, "key": key, "date": day}], values=values)


def share_key(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    guest = choose.person(slots, values, "guest", what="Who is the guest? (their phone number or email)")
    if guest.ok and guest.value != ctx.person.handle:
        values["guest"] = guest.value
    key, question = _share_key(ctx, slots, values)
    if key:
        values["key"] = key
    match = slots.time
    if match is not None:
        if match.starts_at is not None:
            values["starts_at"] = match.starts_at.isoformat()
        if match.ends_at is not None:
            values["ends_at"] = match.ends_at.isoformat()
    if "guest" not in values:
        return ask(["guest"], guest.question or "Who is the guest?", values)
    if not key:
        return ask(["key"], question or "Which key?", values)
    if not values.get("ends_at"):
        return ask(["ends_at"], "Until when should they have access?", values)
    op = {
        "op": "share_key",
        "granter": ctx.person.handle,
        "guest": values["guest"],
        "key": key,
        "starts_at": values.get("starts_at") or ctx.now.astimezone(ctx.tz).isoformat(),
        "ends_at": values["ends_at"],
    }
    return confirm([op], values=values)


def unlock_door(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    doors = slots.found.get("door", [])
    if len(doors) > 1 and "door" not in slots.ambiguous:
        opened = _doors_after_the_verb(slots) or _door_waited_at(slots)
        if not opened:
            return ask(["door"], f"Which door should I unlock: {' or '.join(doors)}?", values)
        if len(opened) > 1:  # "open the front entrance and the package room": each of them
            reason = _reason(slots)
            return confirm([{"op": "unlock_door", "door": name, "reason": reason} for name in opened], values=values)
        slots.found["door"] = opened
    door = choose.door(slots, values, what="Which door should I unlock?")
    if not door.ok and slots.found.get("amenity"):
        door = choose.Choice(slots.found["amenity"][0])
    if not door.ok and slots.my_place:
        mine = my_residence_doors(ctx)
        door = choose.Choice(mine[0]) if len(mine) == 1 else door
    if not door.ok:
        return ask(["door"], door.question or "Which door?", values)
    values["door"] = door.value
    return confirm([{"op": "unlock_door", "door": door.value, "reason": _reason(slots)}], values=values)


def _reason(slots: Slots) -> str:
    reason = REASON.search(slots.text) or ROLE.search(slots.text)
    return reason.group(1).strip() if reason else "remote unlock from chat"


def _door_waited_at(slots: Slots) -> list[str]:
    """With no verb, the one door someone waits at ("pizza delivery at the front entrance for 3A")."""
    waited = []
    for mention in slots.mentions:
        names = {entry.name for entry in mention.entries if entry.kind == "door"}
        if len(names) == 1 and WAITING_AT.search(slots.text[max(0, mention.start - 20) : mention.start]):
            waited.append(names.pop())
    return waited if len(set(waited)) == 1 else []


def _doors_after_the_verb(slots: Slots) -> list[str]:
    """Of several doors in a message, those right after "open" / "unlock" / "let … into" ("courier with a package,
    open the front entrance" opens the Front Entrance, not the Package Room); a list joined by "and" or commas
    ("unlock the front entrance and the package room") names each of them."""
    verb = OPEN_VERB.search(slots.text)
    if verb is None:
        return []
    opened: list[str] = []
    end = verb.end()
    for mention in slots.mentions:
        names = sorted({entry.name for entry in mention.entries if entry.kind == "door"})
        if mention.start < verb.end() or not names:
            continue
        if opened and not LIST_GAP.fullmatch(slots.text[end : mention.start]):
            break
        if len(names) > 1:
            return []
        opened.append(names[0])
        end = mention.end
    return list(dict.fromkeys(opened))


def issue_keycard(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    who = choose.person(slots, values, what="Who is the keycard for?")
    if who.ok:
        values["person"] = who.value
    if slots.serial:
        values["serial"] = slots.serial
    if "person" not in values:
        return ask(["person"], who.question or "Who is it for?", values)
    if "serial" not in values:
        return ask(["serial"], "What is the keycard's serial number (printed on the card)?", values)
    if isinstance(values["person"], str) and LOST.search(slots.text):  # "lost her card, give her a new one SPR-1400"
        replaced = _replacement(ctx, values["person"], values["serial"], values)
        if replaced is not None:
            return replaced
    return confirm([{"op": "issue_keycard", "serial": values["serial"], "person": values["person"]}], values=values)


LOST = re.compile(r"\b(?:lost|lose|stolen|missing|misplaced|broken|damaged|cracked)\b", re.I)
"""A card that is gone: the new one replaces it."""
REPLACEMENT = re.compile(r"\b(?:replac\w*|new\s+(?:key\s*)?(?:card|one|fob)|another\s+(?:card|one))\b", re.I)
"""A card asked for in place of one lost ("replace it with SPR-1299", "new card SPR-1299 please")."""


def deactivate_keycard(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    who = choose.person(slots, values)
    if who.ok:
        values["person"] = who.value
    if slots.serial:
        values["serial"] = slots.serial
    if slots.serial and isinstance(values.get("person"), str) and REPLACEMENT.search(slots.text):
        replaced = _replacement(ctx, values["person"], slots.serial, values)
        if replaced is not None:
            return replaced
    if "person" not in values and "serial" not in values:
        return ask(["serial"], "Which keycard (its serial) or whose?", values)
    if values.get("serial") and not values.get("person"):
        values["person"] = credentials.card_holder(ctx.session, ctx.prop, values["serial"])
    if values.get("person") and not values.get("serial"):
        values["serial"] = credentials.only_live_card(ctx.session, ctx.prop, values["person"])
    op = {"op": "deactivate_keycard", "serial": values.get("serial"), "person": values.get("person")}
    if values.get("new_serial"):  # the answer to which card the new one replaces
        return confirm([op, {"op": "issue_keycard", "serial": values["new_serial"], "person": values.get("person")}], values=values)
    return confirm([op], values=values)


def _replacement(ctx: TurnContext, person: str, serial: str, values: dict[str, Any]) -> Reply | None:
    """A lost card and the new one's serial: the card they hold now is switched off and the new one issued.
    None when the serial said is a card of theirs already (it is the one to switch off) or they hold none."""
    if credentials.card_holder(ctx.session, ctx.prop, serial) == person:
        return None
    held = credentials.live_cards(ctx.session, ctx.prop, person)
    if not held:
        return None  # no live card to switch off: the new one is issued, and that is all
    if len(held) > 1:
        values.pop("serial", None)
        values["new_serial"] = serial
        question = ask(["serial"], f"Which of their keycards ({', '.join(held)}) should I switch off before issuing {serial}?", values)
        question.intent = "deactivate_keycard"  # the answer names the card to switch off
        return question
    old = held[0]
    return confirm(
        [{"op": "deactivate_keycard", "serial": old, "person": person}, {"op": "issue_keycard", "serial": serial, "person": person}],
        values=values,
    )
