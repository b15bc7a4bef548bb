"""Questions about access: activity, who has access, why someone can't open a door."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from access_core import directory, listings, policy
from access_core.describe_calendar import property_event_text
from access_core.errors import Refused
from access_core.lookup import key_in, person_by_ref
from access_core.property_events import PropertyHappening, property_events_seen
from access_core.queries import denials, key_holders, visible_event_ids, who_has_access
from access_core.sources import decide_person
from access_core.timefmt import moment_text
from access_core.views import Doorway, Happening, amenity_doors, doors_of
from actions import choose
from actions.calendar import holiday_moment
from actions.refine import LIVES_IN
from actions.slots import HOME_WORDS, PAST_TENSE, Slots
from actions.turn import Reply, TurnContext, answer, ask, my_residence_doors, residence_doors

DENIED = re.compile(r"\b(?:denied|den(?:y|ies)|failed|fail|rejected|refused|unsuccessful|blocked|couldn'?t get in)\b", re.I)
THEIR_PLACE = re.compile(rf"\b(?:his|her|their)\s+(?:own\s+)?{HOME_WORDS}\b", re.I)
REASON_TEXT = {
    "no_key_for_door": "no key of theirs includes that door",
    "grant_not_started": "their access hasn't started yet",
    "grant_expired": "their access has ended",
    "outside_schedule": "the door's schedule doesn't allow that time",
    "door_not_activated": "the door's lock isn't activated",
    "credential_inactive": "the credential itself is inactive",
    "closed_day": "the building is closed that day (an exception day closes that scheduled door)",
    "lockdown": "the door is locked down; it opens again once the lockdown is lifted",
}


def _door(ctx: TurnContext, name: str) -> Doorway:
    return next(d for d in doors_of(ctx.session, ctx.prop.id) if d.name == name)


def _doors_asked(ctx: TurnContext, slots: Slots, about: Any = None, *, of_keys: bool = False) -> list[str]:
    """The doors a question is about: named, an amenity's, the asker's home, or the home of ``about`` ("her apartment")."""
    names = list(slots.found.get("door", []))
    names += [d for d in amenity_doors(ctx.session, ctx.prop.id, slots.found.get("amenity", [])) if d not in names]
    if not names and of_keys:  # "on the tradie key doors": the doors of a key named by its name
        keys = [k for m in slots.mentions if m.score >= 100 and not m.fuzzy for k in m.of("key")]
        names = [d for k in dict.fromkeys(keys) if (view := ctx.layout.key(k)) is not None for d in view.doors]
    if not names and slots.my_place:
        names = my_residence_doors(ctx)
    if not names and slots.people and (slots.their_place or THEIR_PLACE.search(slots.text)):
        holder = person_by_ref(ctx.session, slots.people[0])
        names = residence_doors(ctx, holder.id, ever=True) if holder is not None else []
    return names


PLACE_SAID = re.compile(
    r"\b(?:into|in|open|enter|access|use|through|reach|unlock)\s+(?:the|our|a|an)\s+"
    r"(?P<place>[a-z][a-z'’ -]{1,30}?)(?=\s*(?:[?.!,;]|$)|\s+(?:at|on|in|during|today|tonight|tomorrow|yesterday|this|last|"
    r"since|any|anymore|now|after|before|when|then)\b)",
    re.I,
)
"""A place a question names by its common word ("into the pool")."""
PLACE_WORDS = frozenset({"door", "doors", "building", "property", "place", "lock", "locks", "app", "system", "front", "way"})


def _place_not_here(slots: Slots) -> str | None:
    """A place the question names that is nothing of the property ("why can't I get into the pool?" with no pool)."""
    for match in PLACE_SAID.finditer(slots.text):
        start, end = match.span("place")
        place = match.group("place").strip().lower()
        if place in PLACE_WORDS or any(m.start < end and start < m.end for m in slots.mentions):
            continue
        return place
    return None


def _event_line(ctx: TurnContext, event: Happening) -> str:
    if event.actor is not None:
        who = event.actor.label
    elif event.doorcode:
        who = f"door code {event.doorcode}"
    else:
        who = "someone"
    result = "opened" if event.granted else "was denied at"
    photo = " [photo]" if event.photo else ""
    return f"{moment_text(event.at, ctx.tz)}: {who} {result} {event.door.name} ({event.credential}){photo}"


def ask_activity(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    since, until = ctx.now - timedelta(days=7), ctx.now
    match = slots.time
    if match is not None:
        if match.kind == "point" and match.starts_at is not None:
            since, until = match.starts_at - timedelta(hours=1), match.starts_at + timedelta(hours=1)
        else:
            since = match.starts_at or since
            until = match.ends_at or until
    doors: list[Doorway | None] = [_door(ctx, n) for n in _doors_asked(ctx, slots, of_keys=True)] or [None]
    events: list[Happening] = []
    for door in doors:
        events += visible_event_ids(ctx.session, ctx.principal, door=door, since=since, until=until)
    events = [e for e in events if e.door.property_id == ctx.prop.id]  # the property asked about, never another
    events.sort(key=lambda e: (e.at, e.id))
    if DENIED.search(slots.text):
        events = [e for e in events if not e.granted]
    actors = _actors_asked(ctx, slots)
    if actors:  # "what did Hannah do yesterday": her entries only (of those the asker may see)
        events = [e for e in events if e.actor_id in actors]
    ids = [e.external_id for e in events]
    where = " at " + " and ".join(d.name for d in doors if d) if doors != [None] else ""
    marks = [] if DENIED.search(slots.text) else _property_events(ctx, doors, since, until, actors)
    result: dict[str, Any] = {"events": ids, "property_events": [m.as_json() for m in marks]} if marks else {"events": ids}
    if not events and not marks:
        period = f"between {moment_text(since, ctx.tz)} and {moment_text(until, ctx.tz)}"
        return answer({"events": []}, f"No activity you can see{where} {period}.")
    lines = [
        line
        for _, line in sorted(
            [(e.at, _event_line(ctx, e)) for e in events[:20]] + [(m.at, property_event_text(m, ctx.tz)) for m in marks], key=lambda p: p[0]
        )
    ]
    more = f"\n…and {len(events) - 20} more." if len(events) > 20 else ""
    return answer(result, f"Activity{where}:\n" + "\n".join(lines) + more)


def _property_events(
    ctx: TurnContext, doors: list[Doorway | None], since: datetime, until: datetime, actors: set[int]
) -> list[PropertyHappening]:
    """The lockdowns started or lifted in the period that the asker may see (naming a door asked about), by the people
    asked about when some are."""
    seen = {m.id: m for door in doors for m in property_events_seen(ctx.session, ctx.principal, door=door, since=since, until=until)}
    return [m for m in sorted(seen.values(), key=lambda m: (m.at, m.id)) if not actors or m.actor_id in actors]


def _actors_asked(ctx: TurnContext, slots: Slots) -> set[int]:
    """The people whose own entries an activity question is about: those it names, unless it names them only for
    their home ("who went into Hannah's apartment")."""
    if not slots.people or slots.their_place:
        return set()
    found = [person_by_ref(ctx.session, handle) for handle in slots.people]
    return {p.id for p in found if p is not None}


def ask_who_has_access(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    names = _doors_asked(ctx, slots)
    at = slots.time.starts_at if slots.time and slots.time.starts_at else ctx.now
    if not names and slots.found.get("key"):
        return _key_holders(ctx, slots.found["key"][0], at)
    if not names:
        return ask(["door"], "Which door?", values)
    door = _door(ctx, names[0])
    lives = bool(LIVES_IN.search(slots.text))
    try:
        holders = who_has_access(ctx.session, ctx.principal, door, at)
    except Refused:
        living = directory.residents_listed_behind(ctx.session, ctx.principal, ctx.prop, door.id, at) if lives else None
        if living is None:
            raise
        if not living:
            return answer({"people": []}, f"No one you may ring lives in {door.name}.")
        ring = [f"{p.label}{f' ({p.phone})' if p.phone else ''}" for p in living]
        return answer({"people": [p.handle for p in living]}, f"Living in {door.name}: " + "; ".join(ring) + ".")
    if lives:  # "who lives in Flat 5?": its residents only
        holders = [h for h in holders if h.resident]
    people = [h.person.handle for h in holders]
    if not holders:
        who = "No one lives in" if lives else "No one has access to"
        return answer({"people": []}, f"{who} {door.name} at {moment_text(at, ctx.tz)}.")
    lines = [f"{h.person.label} ({h.via}{', resident' if h.resident else ''})" for h in holders]
    return answer({"people": people}, f"{len(holders)} with access to {door.name}: " + "; ".join(lines) + ".")


def _key_holders(ctx: TurnContext, key_name: str, at: datetime) -> Reply:
    key = key_in(ctx.session, ctx.prop, key_name)
    holders = key_holders(ctx.session, ctx.principal, key, at)
    people = [h.person.handle for h in holders]
    if not holders:
        return answer({"people": []}, f"No one holds {key.name} at {moment_text(at, ctx.tz)}.")
    lines = [f"{h.person.label}{' (resident)' if h.resident else ''}" for h in holders]
    return answer({"people": people}, f"{len(holders)} hold {key.name}: " + "; ".join(lines) + ".")


def ask_why_denied(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    who = choose.person(slots, values, one=False)
    handle = who.value if who.ok and isinstance(who.value, str) else ctx.person.handle
    if "person" in slots.ambiguous:
        if ctx.person.handle not in slots.ambiguous["person"][1]:
            policy.require_explaining_others(ctx.principal, ctx.prop)  # refused before asking which of two others
        return ask(["person"], who.question or "Who?", values)
    person = person_by_ref(ctx.session, handle) or ctx.person
    names = _doors_asked(ctx, slots, about=person)
    if not names:
        place = _place_not_here(slots)
        if place is not None:
            doors = ", ".join(name for name, kind in ctx.layout.door_types.items() if kind != "residence")
            return Reply("answer", f"There is no {place} at {ctx.prop.name}; its shared doors are {doors}.")
        return ask(["door"], "Which door?", values)
    door = _door(ctx, names[0])
    policy.require_explaining(ctx.session, ctx.principal, person, door)
    at = slots.time.starts_at if slots.time and slots.time.starts_at else holiday_moment(ctx, slots.text) or ctx.now
    denial = _denial_meant(ctx, slots, person.id, door) if PAST_TENSE.search(slots.text) else None
    at = denial.at.astimezone(ctx.tz) if denial is not None else at
    decision = decide_person(ctx.session, person, door, at)
    name = "You" if person.id == ctx.person.id else person.label
    if denial is None and decision.allowed and slots.time is not None and slots.time.kind == "range":
        later = _first_denied(ctx, person, door, slots.time.starts_at, slots.time.ends_at)
        if later is not None:  # "at night", "on Saturday afternoon": not throughout the time said
            when, refusal = later
            text = (
                f"{name} can open {door.name} at {moment_text(at, ctx.tz)} (through {decision.via}), but not at "
                f"{moment_text(when, ctx.tz)}: " + "; ".join(REASON_TEXT[r] for r in refusal.reasons) + "."
            )
            return answer(refusal.as_json(), text)
    if denial is not None:
        text = f"{name} {'were' if name == 'You' else 'was'} denied at {door.name} at {moment_text(at, ctx.tz)}"
        if decision.allowed and denial.credential != "app":
            credential = denial.credential
            text += f" with a {credential}; {_pronoun(name)} could open it then through {decision.via}, so that {credential} was not live."
            return answer({"allowed": False, "reasons": ["credential_inactive"]}, text)
        if decision.allowed:
            return answer(decision.as_json(), text + f", though {_pronoun(name)} could open it then through {decision.via}.")
        return answer(decision.as_json(), text + ": " + "; ".join(REASON_TEXT[r] for r in decision.reasons) + ".")
    if decision.allowed:
        text = f"{name} can open {door.name} at {moment_text(at, ctx.tz)} (through {decision.via})."
    else:
        text = f"{name} can't open {door.name} at {moment_text(at, ctx.tz)}: " + "; ".join(REASON_TEXT[r] for r in decision.reasons) + "."
    return answer(decision.as_json(), text)


SAMPLE_STEP = timedelta(minutes=15)
LONGEST_SAMPLED = timedelta(hours=24)


def _first_denied(ctx: TurnContext, person: Any, door: Doorway, starts: datetime | None, ends: datetime | None) -> Any:
    """The first moment of a period said (at most a day) when the person could not open the door, with that decision."""
    if starts is None or ends is None or ends <= starts or ends - starts > LONGEST_SAMPLED:
        return None
    moment = starts + SAMPLE_STEP
    while moment < ends:
        decision = decide_person(ctx.session, person, door, moment)
        if not decision.allowed:
            return moment, decision
        moment += SAMPLE_STEP
    return None


def _pronoun(name: str) -> str:
    return "you" if name == "You" else "they"


def _denial_meant(ctx: TurnContext, slots: Slots, person_id: int, door: Doorway) -> Happening | None:
    """The denial a "why was … denied" question is about: the person's denied event at the door the asker may
    see, nearest the time said (within 12 hours of it), or the latest of the past week when no time was said."""
    match = slots.time
    if match is not None and match.starts_at is not None:
        since = match.starts_at - timedelta(hours=12)
        until = (match.ends_at or match.starts_at) + timedelta(hours=12)
    elif match is None:
        since, until = ctx.now - timedelta(days=7), ctx.now
    else:
        return None
    found = denials(ctx.session, ctx.principal, door, person_id, since, min(until, ctx.now))
    if not found:
        return None
    if match is None or match.starts_at is None:
        return found[-1]
    start, end = match.starts_at, match.ends_at or match.starts_at
    return min(
        found, key=lambda e: 0.0 if start <= e.at <= end else min(abs((e.at - start).total_seconds()), abs((e.at - end).total_seconds()))
    )


def ask_my_access(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    others = [h for h in slots.people if h != ctx.person.handle]
    if "person" in slots.ambiguous and not others:
        who = choose.person(slots, values, one=False)
        return ask(["person"], who.question or "Who?", values)
    person = (person_by_ref(ctx.session, others[0]) if others else None) or ctx.person
    if person.id == ctx.person.id:
        doors = [d.name for d in doors_of(ctx.session, ctx.prop.id) if decide_person(ctx.session, ctx.person, d, ctx.now).allowed]
        if not doors:
            return answer({"doors": []}, "You can't open any door here right now.")
        return answer({"doors": doors}, "Right now you can open: " + ", ".join(doors) + ".")
    return _doors_of(ctx, person)


def _doors_of(ctx: TurnContext, person: Any) -> Reply:
    """What someone else may open now: only the doors the asker may ask about ("what can Kwame open?")."""
    doors, asked, refusal = [], 0, None
    for door in doors_of(ctx.session, ctx.prop.id):
        try:
            policy.require_explaining(ctx.session, ctx.principal, person, door)
        except Refused as exc:
            refusal = refusal or exc
            continue
        asked += 1
        if decide_person(ctx.session, person, door, ctx.now).allowed:
            doors.append(door.name)
    if refusal is not None and not asked:
        raise refusal
    if not doors:
        return answer({"doors": []}, f"{person.label} can't open any door you look after right now.")
    return answer({"doors": doors}, f"Right now {person.label} can open: " + ", ".join(doors) + ".")


def ask_keys(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    """The keys the asker may see (all of them for key managers, the ones they hold for anyone else), with their doors:
    one named key's doors and hours ("what does the tradie key open?"), the keys of a named door ("which keys open the gym?")."""
    visible = set(listings.key_names(ctx.session, ctx.principal, ctx.prop))
    keys = [k for k in ctx.layout.keys if k.name in visible]
    said = {name for m in slots.mentions if choose.says_key(m.text, m.of("key")) for name in m.of("key")}
    named = [k for k in keys if k.name in said or (k.name in slots.found.get("key", []) and not slots.found.get("door"))]
    doors = choose.doors_said(slots) or slots.found.get("door", [])
    if named:
        lines = [f"{k.name} opens {_doors_text(k)}." for k in named]
        return answer({"keys": [k.name for k in named]}, "\n".join(lines))
    if doors:
        lines = []
        for door in doors:
            opening = [k.name for k in keys if door in k.doors]
            lines.append(f"Keys that open {door}: {', '.join(opening)}." if opening else f"No key you can see opens {door}.")
        return answer({"keys": sorted({k.name for k in keys if set(doors) & set(k.doors)})}, "\n".join(lines))
    if not keys:
        return answer({"keys": []}, f"You hold no key at {ctx.prop.name}.")
    whose = "Keys" if ctx.principal.manages_keys_at(ctx.prop) else "Your keys"
    lines = [f"{k.name}: {_doors_text(k)}" for k in keys]
    return answer({"keys": [k.name for k in keys]}, f"{whose} at {ctx.prop.name}:\n" + "\n".join(lines))


def _doors_text(key: Any) -> str:
    return ", ".join(f"{d} ({key.schedules[d]})" if d in key.schedules else d for d in key.doors) or "no door yet"


def ask_doors(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    """The property's doors by kind, for its managers (``policy.require_door_list``)."""
    policy.require_door_list(ctx.principal, ctx.prop)
    by_type: dict[str, list[str]] = {}
    for door, kind in sorted(ctx.layout.door_types.items()):
        by_type.setdefault(kind, []).append(door)
    order = [*DOOR_KINDS, *sorted(set(by_type) - set(DOOR_KINDS))]
    lines = [f"{DOOR_KINDS.get(kind, kind)}: {', '.join(by_type[kind])}" for kind in order if kind in by_type]
    return answer({"doors": sorted(ctx.layout.door_types)}, f"Doors at {ctx.prop.name}:\n" + "\n".join(lines))


DOOR_KINDS = {"building_entrance": "Entrances", "communal": "Shared doors", "service": "Service rooms", "residence": "Homes"}
