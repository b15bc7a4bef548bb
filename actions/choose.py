"""Choosing the one object a request is about, or saying what to ask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from access_core.grant_terms import keys_held_or_coming, keys_to_renew
from access_core.lookup import person_by_ref
from access_core.views import KeyHandle
from actions.people import RELATIONS
from actions.slots import ASIDE, THEIR_PLACE, Slots
from actions.turn import TurnContext, my_residence_doors, residence_doors


@dataclass(frozen=True, slots=True)
class Choice:
    """Either a value, or the question to ask for it."""

    value: Any = None
    """The chosen value (a name, handle or new-person dict)."""
    question: str | None = None
    """What to ask when there is no single value."""

    @property
    def ok(self) -> bool:
        return self.question is None and self.value is not None


def person(slots: Slots, values: dict[str, Any], field: str = "person", *, what: str = "Who is it for?", one: bool = True) -> Choice:
    """The one person a request is about; a question when several are named, or only a misspelt name.

    With ``one`` (a change), several people named ask which, unless exactly one of them is named
    plainly (by address or full name) and the others only by a word that is also a name ("grant").
    A name found only by likeness to a known one (a typo) is asked about, never acted on as said.
    """
    if "person" in slots.ambiguous:
        return Choice(question=slots.which_person)  # worded by the core: only the contacts the asker may see
    candidates: list[Any] = [*slots.people, *slots.new_people]
    aside = [c for c in candidates if isinstance(c, str) and (_named_aside(slots, c) or _named_as_a_relation(slots, c))]
    if aside and (values.get(field) or len(aside) < len(candidates)):
        candidates = [c for c in candidates if c not in aside]  # "she's renting it off Priya": Priya is not who it is for
    if candidates and (not one or len(candidates) == 1):
        return Choice(candidates[0])
    if candidates:
        plain = [c for c in candidates if not isinstance(c, str) or _named_plainly(slots, c)]
        if len(plain) == 1:
            return Choice(plain[0])
        others = [c for c in candidates if not (isinstance(c, str) and _named_as_a_relation(slots, c))]
        if len(others) == 1:
            return Choice(others[0])
        names = [c if isinstance(c, str) else c.get("email") or c.get("phone") for c in candidates]
        return Choice(question=f"Which person do you mean: {' or '.join(names)}? (one at a time)")
    if values.get(field):
        return Choice(values[field])
    if slots.unsure_people:
        if len(slots.unsure_people) == 1:
            values[f"suggested_{field}"] = slots.unsure_people[0]
        return Choice(question=f"Did you mean {' or '.join(slots.unsure_people)}? Say yes, or give their full name, email or phone.")
    return Choice(question=what)


RELATION = re.compile(rf"^['\u2019]s\s+(?:new\s+|own\s+|future\s+|other\s+|regular\s+)?(?:{RELATIONS})\b", re.I)
"""After a name, what makes it only whose someone is ("Sam Tuilagi's new flatmate")."""


def _named_as_a_relation(slots: Slots, handle: str) -> bool:
    """Named only as whose someone is ("Hannah's new roommate"): the one meant is that someone, not them."""
    naming = [m for m in slots.mentions if handle in m.of("person")]
    return bool(naming) and all(RELATION.match(slots.text[m.end :]) for m in naming)


def _named_aside(slots: Slots, handle: str) -> bool:
    """Named only as someone the request involves by the way ("she's renting it off Priya"), never as its subject."""
    naming = [m for m in slots.mentions if handle in m.of("person")]
    return bool(naming) and all(ASIDE.search(slots.text[: m.start]) for m in naming)


def _named_plainly(slots: Slots, handle: str) -> bool:
    """Named by address, full name or an exact alias, not only by a lone word that is also part of a name."""
    naming = [m for m in slots.mentions if handle in m.of("person")]
    return not naming or any(m.score >= 100 for m in naming)


def held_keys(ctx: TurnContext, handle: Any) -> list[KeyHandle]:
    """The property's keys that a person holds now (or will)."""
    if not isinstance(handle, str):
        return []
    return list(keys_held_or_coming(ctx.session, handle, ctx.prop, ctx.now))


def renewed_keys(ctx: TurnContext, handle: Any, *, lease: bool) -> list[KeyHandle]:
    """The keys a renewal that names none is about: held now, else last held (a lease: the resident ones)."""
    if not isinstance(handle, str):
        return []
    return list(keys_to_renew(ctx.session, handle, ctx.prop, ctx.now, lease=lease))


def _place_owner(slots: Slots, values: dict[str, Any]) -> str | None:
    """Whose home "her unit" or "Jane's flat" is: the person named before the "'s", else the person the request is for."""
    said = THEIR_PLACE.search(slots.text)
    if said is None:
        return None
    word = said.group().split()[0]
    if word.lower() in ("his", "her", "their"):
        return values["person"] if isinstance(values.get("person"), str) else None
    end = said.start() + len(word) - 2  # where the name before "'s" ends
    owners = [name for m in slots.mentions if abs(m.end - end) <= 1 for name in m.of("person")]
    owners += [handle for at, handle in slots.named_at.items() if 0 <= at - end <= 2 and handle not in owners]  # "Raj Malhotra's"
    return owners[0] if len(owners) == 1 else None


def their_residence_doors(ctx: TurnContext, handle: str) -> list[str]:
    """The home of the person ``handle`` names ("her unit"): now, else their latest."""
    holder = person_by_ref(ctx.session, handle)
    return residence_doors(ctx, holder.id, ever=True) if holder is not None else []


def key(
    ctx: TurnContext, slots: Slots, values: dict[str, Any], *, among: list[KeyHandle] | None = None, doors: list[str] | None = None
) -> Choice:
    """The key named, or the one key that best holds the doors mentioned; ask when unsure."""
    if "key" in slots.ambiguous:
        written, choices = slots.ambiguous["key"]
        return Choice(question=f"Which key do you mean by {written!r}: {' or '.join(choices)}?")
    if slots.found.get("key"):
        return Choice(slots.found["key"][0])
    wanted = doors if doors is not None else list(slots.found.get("door", []))
    if slots.my_place and not wanted:
        wanted = my_residence_doors(ctx)
        if len(wanted) > 1:  # "my flat" of someone with two homes: which one
            return Choice(question="Which home: " + " or ".join(wanted) + "?")
    owner = _place_owner(slots, values) if slots.their_place and not slots.my_place and not wanted else None
    if owner is not None:
        wanted = their_residence_doors(ctx, owner)  # "Jane may no longer share her unit", "let Omar into Jane's flat"
        if len(wanted) > 1:
            return Choice(question="Which home: " + " or ".join(wanted) + "?")
    if wanted:
        return _key_for_doors(ctx, wanted, among)
    if "door" in slots.ambiguous:
        return _key_for_one_of(ctx, *slots.ambiguous["door"], among)
    if values.get("key"):
        return Choice(values["key"])
    if among is not None and len(among) == 1:
        return Choice(among[0].name)
    if among:
        return Choice(question="Which key: " + ", ".join(k.name for k in among) + "?")
    return Choice(question="Which key or door?")


def key_for_doors(ctx: TurnContext, doors: list[str], among: list[KeyHandle] | None = None) -> Choice:
    """The smallest key holding every one of ``doors`` (of ``among`` when given); a question when none or a tie."""
    return _key_for_doors(ctx, doors, among)


def _key_for_doors(ctx: TurnContext, doors: list[str], among: list[KeyHandle] | None) -> Choice:
    allowed = {k.name for k in among} if among is not None else None
    keys = [k for k in ctx.layout.keys if allowed is None or k.name in allowed]
    wanted = {d.lower() for d in doors}
    fits = [k for k in keys if wanted <= {name.lower() for name in k.doors}]
    if not fits:
        where = " and ".join(doors)
        if among is not None:
            return Choice(question=f"None of their keys includes {where}. Which key do you mean?")
        return Choice(question=f"No key includes {where} yet. Which key should it be?")
    fits.sort(key=lambda k: len(k.doors))
    best = [k for k in fits if len(k.doors) == len(fits[0].doors)]
    if len(best) > 1:
        return Choice(question="Which key: " + " or ".join(k.name for k in best) + "?")
    return Choice(best[0].name)


def _key_for_one_of(ctx: TurnContext, written: str, doors: list[str], among: list[KeyHandle] | None) -> Choice:
    """A door said that fits several ("the gate"): the smallest key holding them all, else the one key holding any;
    else which door is meant."""
    every = _key_for_doors(ctx, doors, among)
    if every.ok:
        return every
    allowed = {k.name for k in among} if among is not None else None
    some = [k.name for k in ctx.layout.keys if (allowed is None or k.name in allowed) and set(doors) & set(k.doors)]
    if len(some) == 1:
        return Choice(some[0])
    return Choice(question=f"Which door do you mean by {written!r}: {' or '.join(doors)}?")


KEY_WORD = re.compile(r"\b(?:key|keys|fob|pass|card)\b", re.I)


def says_key(written: str, keys: list[str]) -> bool:
    """A mention that names a key rather than a door: "the pool key", not "the pool" (a door a key is named after)."""
    return bool(keys) and bool(KEY_WORD.search(written))


def doors_said(slots: Slots) -> list[str]:
    """The distinct doors a message names as doors (not as part of a key's name), in order."""
    names = [m.of("door")[0] for m in slots.mentions if len(m.of("door")) == 1 and not says_key(m.text, m.of("key"))]
    return [name for name in dict.fromkeys(names) if name in slots.found.get("door", [])]


def door(slots: Slots, values: dict[str, Any], *, what: str = "Which door?") -> Choice:
    if "door" in slots.ambiguous:
        written, choices = slots.ambiguous["door"]
        return Choice(question=f"Which door do you mean by {written!r}: {' or '.join(choices)}?")
    if slots.found.get("door"):
        return Choice(slots.found["door"][0])
    if values.get("door"):
        return Choice(values["door"])
    return Choice(question=what)
