"""Giving and revoking keys, inviting people, creating managers."""

from __future__ import annotations

import re
from typing import Any

from access_core.grant_terms import default_may_share, latest_grant, terms_of
from access_core.lookup import person_by_ref
from access_core.roles import Permission, Role
from actions import choose
from actions.refine import EXTEND, MOVE_IN
from actions.slots import THEIR_PLACE, Slots
from actions.turn import Reply, TurnContext, answer, ask, confirm, refused
from nlu import timeexpr

LEASE = re.compile(r"\b(?:lease|tenancy|rental|renting|resident|residency)\b", re.I)
"""A renewal of someone's home, not of every key they hold."""
LEASE_RENEWED = re.compile(r"\b(?:lease|tenancy|contract|rental)\b[^.?!]{0,30}\b(?:renewed|renews|extended|extends|continues)\b", re.I)
"""A renewal said as news ("Sam's lease is renewed until …"), without a renewing verb to act on."""
RENEWED_TO = re.compile(r"\b(?:to|through|thru|till|til|into)\s*$", re.I)
"""Before the day a renewal runs to ("extended to June 30")."""
END_OF = re.compile(r"\b(?:end|close)\s+of\b", re.I)
LAST_DAY = re.compile(
    r"\b(?:mov(?:e|es|ed|ing)\s+out|move-out|last\s+day|leav(?:e|es|ing)|vacat(?:e|es|ing)|"
    r"(?:lease|tenancy|contract)\s+(?:ends|expires|is\s+up|runs\s+out))\b",
    re.I,
)
"""A day said with these is the last day of access: it ends when that day does ("moving out on Jan 31")."""
ALL = re.compile(
    r"\b(?:all\s+(?:of\s+)?(?:[\w.@+\-]+(?:'s)?\s+){0,3}?(?:access|keys|doors)|every (?:single )?key|everything|"
    r"all access|(?:access|keys) (?:completely|entirely|altogether)|(?:completely|entirely) (?:revoke|remove|cut))\b",
    re.I,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _period(slots: Slots, values: dict[str, Any], *, renewing: bool = False, now: Any = None) -> None:
    match = slots.time
    if match is None:
        return
    if renewing and match.kind == "day" and RENEWED_TO.search(slots.text[: match.start]):
        values["ends_at"] = _iso(match.ends_at)  # "renewed to June 30": a new end, the day itself included
    elif match.kind in ("start", "point") or (match.kind == "day" and _cue_before(MOVE_IN, slots.text, match.start)):
        values["starts_at"] = _iso(match.starts_at)
    elif match.kind == "end":
        values["ends_at"] = _iso(match.ends_at)
    else:
        starts = match.starts_at
        if (
            starts is not None and now is not None and starts.date() < now.astimezone(starts.tzinfo).date() < (match.ends_at or now).date()
        ):  # "this week": from today, not from a Monday gone by
            starts = _today(now, starts)
        if starts is not None:
            values["starts_at"] = _iso(starts)
        if match.ends_at is not None:
            values["ends_at"] = _iso(match.ends_at)


def _today(now: Any, like: Any) -> Any:
    """The start of ``now``'s day in the zone of ``like``."""
    local = now.astimezone(like.tzinfo)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def grant_access(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    who = choose.person(slots, values, what="Who should get access? (name, email or phone)")
    if who.ok:
        values["person"] = who.value
    renewing = bool(EXTEND.search(slots.text) or LEASE_RENEWED.search(slots.text))
    held: list[Any] = []
    if not slots.found.get("key") and not slots.found.get("door"):
        person = values.get("person")
        held = choose.renewed_keys(ctx, person, lease=bool(LEASE.search(slots.text))) if renewing else choose.held_keys(ctx, person)
    key = choose.key(ctx, slots, values, among=held or None)
    if key.ok:
        values["key"] = key.value
    lengthened = timeexpr.find_extension(slots.text) if renewing else None
    if lengthened is None:
        _period(slots, values, renewing=renewing, now=ctx.now)
    _keep_existing_terms(ctx, values, renewing=renewing)
    if lengthened is not None and "key" in values and isinstance(values.get("person"), str):
        asked = _lengthen(ctx, values, lengthened)
        if asked is not None:
            return asked
    for flag in ("resident", "may_share"):
        if getattr(slots, flag) is not None:
            values[flag] = getattr(slots, flag)
    if "person" not in values:
        return ask(["person"], who.question or "Who is it for?", values)
    named_now = bool(slots.found.get("key") or slots.found.get("door"))
    several = _several_keys(ctx, slots) if named_now or "key" not in values else None
    if not several and not named_now and "key" not in values and MOVE_IN.search(slots.text):
        several = _coming(ctx, values["person"], held)  # "Olga's move-in is pushed back to the 18th": all her coming keys
    if not several and not named_now and values.get("keys"):
        several = list(values["keys"])  # the answer to the question asked about those keys
    if several:
        return _grant_each(ctx, values, several)
    if "key" not in values:
        return ask(["key"], key.question or "Which key?", values)
    grant_key = ctx.layout.key(values["key"])
    if grant_key is not None and not grant_key.residence:
        values["resident"] = False
    if values.get("resident") is None:
        return ask(["resident"], f"Will they live there, i.e. be a resident for {values['key']}? (yes/no)", values)
    op = {
        "op": "grant_key",
        "person": values["person"],
        "key": values["key"],
        "starts_at": values.get("starts_at") or ctx.now.astimezone(ctx.tz).isoformat(),
        "ends_at": values.get("ends_at"),
        "resident": values["resident"],
        "may_share": values.get("may_share", default_may_share(bool(grant_key and grant_key.shareable), bool(values["resident"]))),
    }
    return confirm([op], values=values)


def _several_keys(ctx: TurnContext, slots: Slots) -> list[str] | None:
    """Keys for "the gym and the pool": several keys named, or doors no one named key (nor any single key) holds.

    One key holding every door named stays the answer (the usual case); only when it takes several keys
    is each door given through the smallest key that holds it. None when it is one key, or unclear.
    """
    named = list(dict.fromkeys(slots.found.get("key", [])))
    covered = {door.lower() for name in named if (view := ctx.layout.key(name)) is not None for door in view.doors}
    loose = [door for door in slots.found.get("door", []) if door.lower() not in covered]
    if not named and (len(loose) < 2 or choose.key(ctx, slots, {}).ok):
        return None
    for door in loose:
        one = choose.key_for_doors(ctx, [door])
        if not one.ok or one.value is None:
            return None
        if one.value not in named:
            named.append(one.value)
    return named if len(named) > 1 else None


def _grant_each(ctx: TurnContext, values: dict[str, Any], keys: list[str]) -> Reply:
    """One grant per key; a key the person holds or will hold keeps its unsaid terms (resident, sharing)."""
    views = [ctx.layout.key(name) for name in keys]
    person = values["person"]
    kept = [terms_of(ctx.session, ctx.prop, person, name, ctx.now, renewing=False) if isinstance(person, str) else None for name in keys]
    unsure = [name for name, view, terms in zip(keys, views, kept, strict=True) if view is not None and view.residence and terms is None]
    if values.get("resident") is None and unsure:
        values["keys"] = keys
        return ask(["resident"], f"Will they live there, i.e. be a resident for {' and '.join(unsure)}? (yes/no)", values)
    starts = values.get("starts_at") or ctx.now.astimezone(ctx.tz).isoformat()
    ops = []
    for name, view, terms in zip(keys, views, kept, strict=True):
        said = values.get("resident")
        resident = (bool(said) if said is not None else bool(terms and terms.resident)) and view is not None and view.residence
        shares = default_may_share(view is not None and view.shareable, resident) if terms is None else terms.may_share
        ops.append(
            {
                "op": "grant_key",
                "person": person,
                "key": name,
                "starts_at": starts,
                "ends_at": values.get("ends_at"),
                "resident": resident,
                "may_share": values.get("may_share", shares),
            }
        )
    return confirm(ops, values=values)


def _keep_existing_terms(ctx: TurnContext, values: dict[str, Any], *, renewing: bool = False) -> None:
    """Giving a key someone holds changes that grant's period: unsaid terms stay as they are.

    An ended grant is no longer held, so a new one is asked about afresh; but "extend" or "renew"
    it keeps its resident status and sharing (the period starts anew)."""
    if not isinstance(values.get("person"), str) or "key" not in values:
        return
    kept = terms_of(ctx.session, ctx.prop, values["person"], values["key"], ctx.now, renewing=renewing)
    if kept is None:
        return
    if kept.starts_at is not None:
        values.setdefault("starts_at", kept.starts_at.astimezone(ctx.tz).isoformat())
    values.setdefault("resident", kept.resident)
    values.setdefault("may_share", kept.may_share)


def _coming(ctx: TurnContext, person: Any, held: list[Any]) -> list[str] | None:
    """The keys a person will hold from a day still to come (their move-in), when there are several."""
    if not isinstance(person, str):
        return None
    coming = []
    for view in held:
        kept = terms_of(ctx.session, ctx.prop, person, view.name, ctx.now, renewing=False)
        if kept is not None and kept.starts_at is not None and kept.starts_at > ctx.now:
            coming.append(view.name)
    return coming if len(coming) > 1 else None


def _lengthen(ctx: TurnContext, values: dict[str, Any], lengthened: timeexpr.Extension) -> Reply | None:
    """ "Extend his key by a fortnight": the grant's end moves that much later (from now, when it has ended)."""
    kept = terms_of(ctx.session, ctx.prop, values["person"], values["key"], ctx.now, renewing=True)
    if kept is None:
        return ask(["ends_at"], f"{values['key']} isn't theirs to extend. Until when should they have it?", values)
    if kept.ends_at is None:
        return answer({}, f"{_label(ctx, values['person'])}'s access to {values['key']} has no end date; nothing to extend.")
    base = max(kept.ends_at, ctx.now)
    values["ends_at"] = timeexpr.extended(base, lengthened, ctx.tz).isoformat()
    return None


def revoke_access(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    who = choose.person(slots, values, what="Whose access should I revoke?")
    if not who.ok:
        if slots.found.get("key") and "key" not in slots.ambiguous:
            values["key"] = slots.found["key"][0]
        return ask(["person"], who.question or "Whose access?", values)
    values["person"] = who.value
    if not isinstance(who.value, str):
        return refused(f"I don't know anyone at {ctx.prop.name} with that address.")
    held = choose.held_keys(ctx, who.value)
    if not held:
        return refused(f"{_label(ctx, who.value)} doesn't hold any key at {ctx.prop.name} now.")
    at = _moment(slots) or ctx.now
    holding = {k.name for k in held}
    named = _named_held(ctx, slots, holding)
    if ALL.search(slots.text):
        keys = [k.name for k in held]
    elif len(set(named)) > 1 and "key" not in slots.ambiguous:  # "her flat 3 key and her communal fob": each of them
        keys = list(dict.fromkeys(named))
    else:
        key = choose.key(ctx, slots, values, among=held)
        if not key.ok:
            return ask(["key"], key.question or "Which key?", values)
        keys = [key.value]
    ops = [_ending(ctx, who.value, name, at) for name in keys]
    if not any(ops):
        return answer({}, f"{_label(ctx, who.value)}'s access to {', '.join(keys)} already ends before then; nothing to change.")
    return confirm([op for op in ops if op], values=values)


KEPT_BEFORE = re.compile(r"\b(?:don'?t|do\s+not|not|never|keep|leave)\b[^,;.]*$", re.I)
"""What a revoke spares ("don't revoke Omar's unit key, just …"): a home named after it is kept."""


def _named_held(ctx: TurnContext, slots: Slots, holding: set[str]) -> list[str]:
    """The held keys named, in the order said: a key by its name, a door by the held key that opens it
    (the smallest when several do: "her access to 1203 and the common doors" is the unit's key and the common one)."""
    views = {name: view for name in holding if (view := ctx.layout.key(name)) is not None}
    doors = {name: {d.lower() for d in view.doors} for name, view in views.items()}
    keys: list[tuple[int, str]] = []
    for mention in slots.mentions:
        if not (mention.of("door") or mention.of("amenity")):
            keys += [(mention.start, k) for k in mention.of("key") if k in holding]
        for door in (d.lower() for d in mention.of("door")):
            opening = [name for name, opens in doors.items() if door in opens]
            fewest = [name for name in opening if len(doors[name]) == min(len(doors[n]) for n in opening)]
            if len(fewest) == 1:
                keys.append((mention.start, fewest[0]))
    home = THEIR_PLACE.search(slots.text)
    homes = [name for name, view in views.items() if view.residence]
    if home is not None and len(homes) == 1 and not KEPT_BEFORE.search(slots.text[: home.start()]):
        keys.append((home.start(), homes[0]))  # "end his flat and common door access": the flat his key opens
    return [name for _, name in sorted(keys, key=lambda at: at[0])]


def _ending(ctx: TurnContext, handle: str, key: str, at: Any) -> dict[str, Any] | None:
    """The revoke that ends a person's grant of a key at ``at``; None when the grant already ends sooner."""
    person = person_by_ref(ctx.session, handle)
    view = next((k for k in choose.held_keys(ctx, handle) if k.name == key), None)
    grant = latest_grant(ctx.session, person.id, view.id) if person is not None and view is not None else None
    if grant is not None and grant.ends_at is not None and grant.ends_at < at:
        return None
    return {"op": "revoke_key", "person": handle, "key": key, "at": at.astimezone(ctx.tz).isoformat()}


def _moment(slots: Slots) -> Any:
    """The moment a change takes effect: "on Friday" is Friday's start, "at the end of the month" the month's end."""
    match = slots.time
    if match is None:
        return None
    if match.ends_at is not None and (match.starts_at is None or END_OF.search(slots.text[match.start : match.end])):
        return match.ends_at
    if match.kind == "day" and match.ends_at is not None and LAST_DAY.search(slots.text):
        return match.ends_at
    return match.starts_at


def _cue_before(cue: re.Pattern[str], text: str, at: int) -> bool:
    return any(found.start() < at for found in cue.finditer(text))


def _label(ctx: TurnContext, handle: str) -> str:
    person = person_by_ref(ctx.session, handle)
    return person.label if person else handle


def invite_person(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    if slots.new_people:
        values["person"] = slots.new_people[0]
    elif slots.people:
        return refused("They are already known here; you can give them a key directly.")
    if "person" not in values:
        return ask(["email"], "What is their email or phone number?", values)
    new = dict(values["person"])
    new["name"] = new.get("name") or _name_before_address(slots.text)
    return confirm([{"op": "invite_person", **{k: new.get(k) for k in ("name", "email", "phone")}}], values=values)


def _name_before_address(text: str) -> str | None:
    match = re.search(r"\b(?:invite|add|register|onboard)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z'\-]+)?)", text)
    return match.group(1) if match else None


PERMISSION_WORDS = {
    Permission.full: r"\bfull\b",
    Permission.limited: r"\blimited\b",
    Permission.specific: r"\bspecific\b|\bonly (?:the )?(?:[\w\-]+ ){0,3}keys?\b",
    Permission.device: r"\bdevices?\b|\binstall",
}


def create_manager(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    who = choose.person(slots, values, what="Who should become a manager?")
    if not who.ok:
        return ask(["person"], who.question or "Who?", values)
    values["person"] = who.value
    text = slots.text.lower()
    if "portfolio" in text:
        role, permissions = Role.portfolio_manager.value, list[str]()
    elif "agent" in text or "concierge" in text:
        role, permissions = Role.concierge_agent.value, []
    else:
        role = Role.property_manager.value
        permissions = [p.value for p, pattern in PERMISSION_WORDS.items() if re.search(pattern, text)]
        if not permissions and any(m.score >= 100 and m.of("key") for m in slots.mentions):
            permissions = [Permission.specific.value]
        if not permissions:
            return ask(["permissions"], "Which permission level: full, limited, specific keys, or devices?", values)
    named = [k for m in slots.mentions if m.score >= 100 for k in m.of("key")]  # not "manager" for Manager Key
    keys = [k for k in slots.found.get("key", []) if k in named] if Permission.specific.value in permissions else []
    if Permission.specific.value in permissions and not keys:
        keys = [k for k in values.get("keys", []) if isinstance(k, str)]
    if Permission.specific.value in permissions and not keys:
        return ask(["keys"], "Which keys may they give and revoke?", values)
    values["keys"] = keys
    invite: list[dict[str, Any]] = []
    person = who.value
    if isinstance(person, dict):  # someone new: invited first, then made a manager by their address
        invite = [{"op": "invite_person", **{k: person.get(k) for k in ("name", "email", "phone")}}]
        person = person.get("email") or person.get("phone")
    op = {"op": "create_manager", "person": person, "role": role, "permissions": permissions, "keys": keys}
    return confirm([*invite, op], values=values)
