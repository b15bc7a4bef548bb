"""Lists: one operation per person, door or keycard a message lists ("give A, B and C the gym key").

Each item is planned by the intent's own handler, on the message's slots narrowed to that item, so a
list is planned exactly as each of its items would be alone; the confirmation lists every operation.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from actions import choose, people
from actions.slots import SERIAL, Slots
from actions.turn import Reply, TurnContext, ask, confirm

Handler = Callable[[TurnContext, Slots, dict[str, Any]], Reply]

PER_PERSON = {"grant_access", "revoke_access", "create_manager", "issue_keycard", "share_key", "invite_person"}
"""Intents whose operations are for one person each."""
PER_DOOR = {"add_door_to_key", "remove_door_from_key"}
"""Intents whose operations are for one door each."""
PER_PLACE = {"share_key", "create_doorcode"}
"""Intents whose operations are for one key each (a guest let into "my flat and the car park")."""
PLANNED = "planned"
"""Values key: operations already planned for other parts of the message, while one part is asked about."""
PEOPLE = "people"
"""Values key: the people a list named, kept while a detail is asked for."""


def plan(intent: str, handler: Handler, ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    """The handler's reply, once per item of a list the message holds; with what was planned before."""
    earlier = list(values.pop(PLANNED, []))
    if intent in PER_PLACE and len(places := listed_places(slots)) > 1:
        reply = _each(handler, ctx, values, [_at_place(slots, place) for place in places])
    elif intent in PER_PERSON:
        reply = _for_people(intent, handler, ctx, slots, values)
    elif intent in PER_DOOR and len(doors := listed_doors(slots)) > 1:
        reply = _without_no_ops(ctx, intent, _each(handler, ctx, values, [_narrowed(slots, door=d) for d in doors]))
    else:
        reply = handler(ctx, slots, values)
    if earlier and reply.status == "confirm":
        reply.operations = earlier + [op for op in reply.operations if op not in earlier]
    elif earlier and reply.status == "ask":
        reply.values[PLANNED] = earlier
    return reply


def _without_no_ops(ctx: TurnContext, intent: str, reply: Reply) -> Reply:
    """A list of doors for a key, less those already as asked ("the gym and the laundry room", one already on it), said in a note."""
    if reply.status != "confirm":
        return reply
    adding = intent == "add_door_to_key"
    kept: list[dict[str, Any]] = []
    already: list[dict[str, Any]] = []
    for op in reply.operations:
        view = ctx.layout.key(op["key"])
        on_key = view is not None and op["door"].lower() in {door.lower() for door in view.doors}
        (already if view is not None and on_key == adding else kept).append(op)
    if not already or not kept:
        return reply  # all of them: the core says why there is nothing to do
    reply.operations = kept
    state = "already opens" if adding else "does not open"
    said = "; ".join(f"{op['key']} {state} {op['door']}" for op in already)
    reply.note = " ".join(part for part in (reply.note, f"{said}: nothing to change there.") if part)
    return reply


def _for_people(intent: str, handler: Handler, ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    named = people.named(ctx, slots)
    owners = people.owners_only(named, people.relations(slots))
    targets = [p for p in named if people.key_of(p.handle) not in owners]
    by_the_way = people.aside(slots, targets)
    if by_the_way and len(by_the_way) < len(targets):
        targets = [p for p in targets if people.key_of(p.handle) not in by_the_way]  # whom it is for, not whom it mentions
    earlier = list(values.pop(PEOPLE, []))
    unknown = people.unnamed(slots, named)
    if unknown and intent != "invite_person":
        return _ask_who(handler, ctx, slots, values, earlier + [p.handle for p in targets], unknown[0])
    pairs = _serials_for(slots, targets) if intent == "issue_keycard" else []
    if pairs:
        runs = [_narrowed(slots, person=p, serial=s) for p, s in pairs]
        return _each(handler, ctx, values, runs, [p for p, _ in pairs])
    handles = earlier + [p.handle for p in people.listed(slots, targets) or (targets if earlier else [])]
    handles = [h for i, h in enumerate(handles) if people.key_of(h) not in {people.key_of(x) for x in handles[:i]}]
    if len(handles) < 2:
        if earlier and handles:
            values.setdefault("person", handles[0])
        if by_the_way and len(targets) == 1 and not earlier:
            return handler(ctx, _narrowed(slots, person=targets[0].handle), values)
        return handler(ctx, slots, values)
    return _each(handler, ctx, values, [_narrowed(slots, person=h) for h in handles], handles)


def _ask_who(handler: Handler, ctx: TurnContext, slots: Slots, values: dict[str, Any], known: list[Any], who: people.Unnamed) -> Reply:
    """Ask who someone spoken of is, keeping the rest of the request (its key, its times) for the answer."""
    draft = handler(ctx, _narrowed(slots, person=known[0] if known else None), dict(values))
    kept = {k: v for k, v in (draft.values or values).items() if k not in ("person", "suggested_person")}
    kept[PEOPLE] = known
    return ask(["person"], f"Who is {who.said}? Tell me their name and email or phone number, and I'll include them.", kept)


def _each(handler: Handler, ctx: TurnContext, values: dict[str, Any], runs: list[Slots], handles: list[Any] | None = None) -> Reply:
    """One handler run per item; the first question or refusal stands for the whole, else every operation."""
    ops: list[dict[str, Any]] = []
    last: dict[str, Any] = dict(values)
    for item in runs:
        own = {k: v for k, v in values.items() if k != "person"}
        reply = handler(ctx, item, own)
        if reply.status != "confirm":
            if reply.status == "ask" and handles:
                reply.values = {k: v for k, v in reply.values.items() if k != "person"} | {PEOPLE: handles}
            return reply
        ops += [op for op in reply.operations if op not in ops]
        last = {k: v for k, v in reply.values.items() if k != "person"}
    if handles:
        last[PEOPLE] = handles
    return confirm(ops, values=last)


def _narrowed(slots: Slots, *, person: Any = None, door: str | None = None, serial: str | None = None) -> Slots:
    """The slots of a message about one item of its list."""
    one = copy.copy(slots)
    one.found = {kind: list(names) for kind, names in slots.found.items()}
    one.ambiguous = dict(slots.ambiguous)
    if person is not None or door is None:
        one.people = [person] if isinstance(person, str) else []
        one.new_people = [person] if isinstance(person, dict) else []
        one.unsure_people = []
        one.ambiguous.pop("person", None)
    if door is not None:
        one.found["door"] = [door]
    if serial is not None:
        one.serial = serial
    return one


def listed_doors(slots: Slots) -> list[str]:
    """Doors written as one list ("the bike store and the bin store"), in order."""
    spans = [
        (m.start, m.end, m.of("door")[0]) for m in slots.mentions if len(m.of("door")) == 1 and not choose.says_key(m.text, m.of("key"))
    ]
    best: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str]] = []
    for span in spans:
        if run and people.LINKS.match(slots.text[run[-1][1] : span[0]]):
            run.append(span)
        else:
            run = [span]
        if len(run) > len(best):
            best = list(run)
    return list(dict.fromkeys(name for _, _, name in best)) if len(best) > 1 else []


Place = tuple[int, int, str, str | None]
"""Where a key, a door or the asker's home is named: start, end, kind ("key", "door", "mine") and name."""


def listed_places(slots: Slots) -> list[Place]:
    """Keys, doors and the asker's home written as one list ("my flat and the car park"), in order."""
    spans: list[Place] = [(start, end, "mine", None) for start, end in slots.home_spans]
    for mention in slots.mentions:
        kind = next((k for k in ("key", "door") if len(mention.of(k)) == 1), None)
        if kind is not None:
            spans.append((mention.start, mention.end, kind, mention.of(kind)[0]))
    best: list[Place] = []
    run: list[Place] = []
    for span in sorted(spans):
        if run and people.LINKS.match(slots.text[run[-1][1] : span[0]]):
            run.append(span)
        elif not run or span[0] >= run[-1][1]:
            run = [span]
        if len(run) > len(best):
            best = list(run)
    return best if len(best) > 1 else []


def _at_place(slots: Slots, place: Place) -> Slots:
    handles: list[Any] = [*slots.people, *slots.new_people]
    one = _narrowed(slots, person=handles[0] if handles else None)
    _, _, kind, name = place
    one.my_place = kind == "mine"
    one.found.pop("key", None)
    one.found.pop("door", None)
    if name is not None:
        one.found[kind] = [name]
    return one


def _serials_for(slots: Slots, targets: list[people.Named]) -> list[tuple[Any, str]]:
    """Keycards each written beside their person ("BT-0150 to tomas and BT-0151 to yusuf"), paired in order."""
    taken = [(p.start, p.end) for p in targets]
    serials = [
        (m.start(), m.group().upper())
        for m in SERIAL.finditer(slots.text)
        if not any(a <= m.start() < b for a, b in taken) and not re.fullmatch(r"\d+", m.group())
    ]
    if len(serials) < 2 or len(serials) != len(targets):
        return []
    return list(zip([p.handle for p in targets], [s for _, s in serials], strict=True))
