"""Combined needs: one message, several requests ("Jane moved out of 4B; Priya moves in Jan 1").

The message is cut into clauses where each side asks for a change of its own; each clause is
understood and planned by its own intent's handler (lists included), and what a clause leaves to
the one before ("give it to Ivy", "make him a keycard", "end all her access then") is taken from it.
A clause that only says when or why ("Jane's lease ends Jan 31, end all her access then") stays with
the request it belongs to.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from access_core.commands import from_op
from access_core.describe import describe
from access_core.errors import CoreError, Refused
from access_core.grant_terms import keys_held_or_coming, terms_of
from access_core.services.context import Context
from access_core.services.dispatch import try_operations
from actions import many
from actions.refine import MOVE_IN, MOVE_OUT
from actions.slots import MY_PLACE, Slots
from actions.turn import Reply, TurnContext, confirm
from nlu.resolve import Mention

Read = Callable[[str], tuple[str, Slots]]
"""Understands one clause: its intent and slots."""
Handlers = Callable[[str], "many.Handler | None"]
"""The handler of a change intent (None for questions and what is not a change)."""

HARD = re.compile(r"\s*(?:;|:\s|\.\s+(?=\S)|\n)\s*")
SOFT = re.compile(r"\s*(?:,\s*and\s+then|,\s*then|,\s*and|\band\s+then|\band|,|\bthen|\s[-–—])\s+", re.I)
REQUEST = re.compile(
    r"\b(?:give|gives|grant|revoke|remove|take|takes|taking|issue|make|add|invite|share|unlock|end|cut|stop|"
    r"create|deactivate|disable|move[sd]?|moving|leav(?:e|es|ing)|left|vacat\w*|giv(?:es|ing) up|goes|go|gets|"
    r"need|needs|hand|transfer|swap|replace|kick|ban|block|terminat\w*|ends|expires|arriv\w*|let|shut|switch|turn|cancel|void)\b",
    re.I,
)
"""Words that carry a request of their own: a clause without one belongs to its neighbour."""
TRANSFER = re.compile(
    r"\b(?:mov(?:e|es|ed|ing)|switch(?:es|ed|ing)?|swap(?:s|ped|ping)?|transfer(?:s|red|ring)?|shift(?:s|ed|ing)?)\b.*?"
    r"\bfrom\s+(?P<a>.+?)\s+(?:over\s+)?to\s+(?P<b>.+?)"
    r"(?=\s+(?:from|on|starting|as\s+of|effective|beginning|next|this)\b|[,.;!?]|$)",
    re.I,
)
"""A person's access moved from one place to another ("move Rosa's cleaning from 1203 to 1805")."""
PRONOUN = re.compile(r"\b(?:he|him|his|she|her|hers|they|them|their)\b", re.I)
IT = re.compile(r"\b(?:it|that|the same|them|her\s+\w+|his\s+\w+|their\s+\w+)\b", re.I)
THEN = re.compile(r"\b(?:then|at that (?:time|point|date)|that day|on that date|too|as well)\b", re.I)
"""A clause that takes its time from the one before ("end all her access then", "give him the car park key too")."""
PURPOSE = re.compile(r"\b(?:to|so\s+(?:she|he|they|i|we)\s+can|in\s+order\s+to)\s+$", re.I)
"""Before a verb that says what for, not what to do ("… from the 15th, to move her boxes in")."""
TIME_FIRST = re.compile(r"^\s*(?:from|until|till|til|starting|beginning|as\s+of|on|at|by)\b", re.I)
"""A clause that opens with when: it belongs to the request before it."""


@dataclass(slots=True)
class Clause:
    """One request of a message."""

    start: int
    end: int
    intent: str = ""
    slots: Slots | None = None


def plan(ctx: TurnContext, text: str, read: Read, handlers: Handlers) -> Reply | None:
    """The plan of every request of a message of several, or None when it holds one (or is no request)."""
    moved = _transfer(ctx, text, read, handlers)
    if moved is not None:
        return moved
    spans = _split(text)
    if len(spans) < 2:
        return None  # one request: the message as a whole is read once, by the caller
    clauses = _read_all(text, spans, read, handlers)
    if len(clauses) < 2 or any(handlers(c.intent) is None for c in clauses):
        return None
    ops: list[dict[str, Any]] = []
    pending: Reply | None = None
    before: Clause | None = None
    for clause in clauses:
        assert clause.slots is not None
        handler = handlers(clause.intent)
        assert handler is not None
        if before is not None:
            _take_from(ctx, clause, before, ops)
        reply = many.plan(clause.intent, handler, ctx, clause.slots, {})
        if reply.status == "refused":
            reply.reply = f"I can't do all of that. {_quote(text, clause)}: {reply.reply} Nothing was planned."
            return reply
        if reply.status == "ask":
            pending = pending or _asking(reply, clause.intent)
        else:
            ops = _with(ops, reply.operations)
        before = clause
    if pending is not None:
        pending.values[many.PLANNED] = ops
        return pending
    return confirm(ops)


def _transfer(ctx: TurnContext, text: str, read: Read, handlers: Handlers) -> Reply | None:
    """ "Move Rosa's cleaning from 1203 to 1805 from Monday": her key to the one ends and a key to the other begins,
    both then. None unless one person and exactly one key or door on each side of "from … to …" are named."""
    said = TRANSFER.search(text)
    revoking, granting = handlers("revoke_access"), handlers("grant_access")
    if said is None or revoking is None or granting is None:
        return None
    _, slots = read(text)
    if len(slots.people) + len(slots.new_people) != 1 or slots.ambiguous:
        return None
    sides = [
        [m for m in slots.mentions if said.start(side) <= m.start and m.end <= said.end(side) and (m.of("key") or m.of("door"))]
        for side in ("a", "b")
    ]
    if any(len(side) != 1 for side in sides):
        return None
    ended = many.plan("revoke_access", revoking, ctx, _only(slots, sides[0][0]), {})
    terms: dict[str, Any] = {}
    for op in ended.operations if slots.resident is None else []:  # the cleaning moves as it was: not as a resident
        kept = terms_of(ctx.session, ctx.prop, str(op.get("person")), str(op.get("key")), ctx.now, renewing=False)
        if kept is not None:
            terms["resident"] = bool(kept.resident)
    begun = many.plan("grant_access", granting, ctx, _only(slots, sides[1][0]), terms)
    for part, name in ((ended, "revoke_access"), (begun, "grant_access")):
        if part.status != "confirm":
            return _asking(part, name)
    return confirm([*ended.operations, *(op for op in begun.operations if op not in ended.operations)])


def _only(slots: Slots, place: Mention) -> Slots:
    """The slots of a message about one of the places it names."""
    one = copy.copy(slots)
    one.mentions = [m for m in slots.mentions if m is place or not (m.of("key") or m.of("door") or m.of("amenity"))]
    one.found = {kind: list(names) for kind, names in slots.found.items() if kind not in ("key", "door", "amenity")}
    for kind in ("key", "door"):
        if place.of(kind):
            one.found[kind] = list(place.of(kind))
    return one


def _with(ops: list[dict[str, Any]], more: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The operations so far and a clause's: one that changes the same person's same key again ("Leo is moving in at
    flat 14 - give him the flat 14 key from 07/12 as a resident") takes the earlier one's place, said more fully."""
    ops = list(ops)
    for op in more:
        same = next((i for i, o in enumerate(ops) if _target(o) == _target(op)), None)
        if same is None:
            ops.append(op)
        else:
            ops[same] = op
    return ops


def _target(op: dict[str, Any]) -> tuple[Any, ...]:
    who = json.dumps(op.get("person") or op.get("guest") or op.get("granter"), sort_keys=True)
    return (op.get("op"), who, *(str(op.get(f)) for f in ("key", "door", "date", "serial", "amenity", "name", "property")))


def _asking(reply: Reply, intent: str) -> Reply:
    reply.intent = intent
    return reply


def _quote(text: str, clause: Clause) -> str:
    said = text[clause.start : clause.end].strip(" ,;:.")
    return f'"{said[:1].upper()}{said[1:]}"'


def _split(text: str) -> list[tuple[int, int]]:
    """Where each request of a message begins and ends (hard stops, then joins whose both sides ask for something)."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for stop in HARD.finditer(text):
        pieces.append((start, stop.start()))
        start = stop.end()
    pieces.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    for begin, end in pieces:  # "invite Ffion Davies: ffion@mail.example" is one request
        if merged and not (REQUEST.search(text, begin, end) and REQUEST.search(text, *merged[-1])):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))
    spans: list[tuple[int, int]] = []
    for begin, end in merged:
        cut = begin
        for join in SOFT.finditer(text, begin, end):
            if _asks(text, cut, join.start()) and _asks(text, join.end(), end) and not TIME_FIRST.match(text, join.end()):
                spans.append((cut, join.start()))
                cut = join.end()
        spans.append((cut, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _asks(text: str, start: int, end: int) -> bool:
    """Whether the words from start to end ask for something of their own (a request word not saying what for)."""
    return any(not PURPOSE.search(text, start, m.start()) for m in REQUEST.finditer(text, start, end))


def _read_all(text: str, spans: list[tuple[int, int]], read: Read, handlers: Handlers) -> list[Clause]:
    """Each clause understood; one that adds only when or why to its neighbour's request is joined to it."""
    clauses = [_read(text, Clause(a, b), read) for a, b in spans]
    joined: list[Clause] = []
    for clause in clauses:
        last = joined[-1] if joined else None
        if last is not None and (_belongs(last, clause) or _goes_on(last, clause, handlers)):
            joined[-1] = _read(text, Clause(last.start, clause.end), read)
        else:
            joined.append(clause)
    return joined


def _read(text: str, clause: Clause, read: Read) -> Clause:
    said = text[clause.start : clause.end]
    clause.intent, clause.slots = read(said)
    if MOVE_OUT.search(said) and clause.intent != "revoke_access":
        clause.intent = "revoke_access" if not MOVE_IN.search(said) else clause.intent
    elif MOVE_IN.search(said) and clause.intent not in ("grant_access", "share_key"):
        clause.intent = "grant_access"
    return clause


def _belongs(first: Clause, second: Clause) -> bool:
    """The second clause goes on with the first's request about the same person ("..., end all her access then")."""
    assert first.slots is not None and second.slots is not None
    own_people = second.slots.people or second.slots.new_people
    if not (second.slots.about_the_property or second.slots.time):
        return True  # "..., but she can't share": a detail of the request before
    refers = bool(re.search(r"\b(?:it|that|the\s+same)\b", first.slots.text, re.I))  # "noah takes it over": a place said before
    if not own_people and PRONOUN.search(second.slots.text) and not (_names_a_place(first.slots) or refers) and not second.slots.serial:
        return True  # "Chloe is moving in earlier, let her into flat 6 from 14 Dec": the second says where for the first
    if first.intent != second.intent or own_people and set(second.slots.people) != set(first.slots.people):
        return False
    return not ((first.slots.found.get("key") or refers) and second.slots.found.get("key"))


def _goes_on(first: Clause, second: Clause, handlers: Handlers) -> bool:
    """A clause that is no change of its own and names no one new ("her last day is 31/01 so end all her access
    then") says more about the request before it."""
    assert second.slots is not None
    own_people = second.slots.people or second.slots.new_people
    return handlers(first.intent) is not None and handlers(second.intent) is None and not own_people


def _names_a_place(slots: Slots) -> bool:
    return bool(slots.found.get("key") or slots.found.get("door") or slots.found.get("amenity") or slots.my_place)


def _take_from(ctx: TurnContext, clause: Clause, before: Clause, ops: list[dict[str, Any]]) -> None:
    """What a clause leaves unsaid and the one before it said: the person ("him"), the key ("it"), the time ("then")."""
    slots, said = clause.slots, ""
    assert slots is not None and before.slots is not None
    said = slots.text
    if not (slots.people or slots.new_people or slots.ambiguous.get("person")) and PRONOUN.search(said):
        people = [op.get("person") or op.get("email") for op in ops if op.get("person") or op.get("email")]
        last = people[-1] if people else None
        if isinstance(last, str):
            slots.people = [last]
        elif isinstance(last, dict):
            slots.new_people = [last]
    keys = [op["key"] for op in ops if op.get("key")]
    if keys and slots.my_place and not MY_PLACE.search(said):
        slots.my_place, slots.home_spans = False, []  # "... and Fraser takes the flat over": the flat just named
    named = slots.found.get("key") or slots.found.get("door") or slots.found.get("amenity") or slots.my_place
    if MOVE_IN.search(said) and not IT.search(said):
        if slots.people and _coming_keys(ctx, slots.people[0]):
            keys = []  # "Kai's now moving in on 01/02": the keys he is to get move, not the leaver's
        else:
            keys = [k for k in keys if (view := ctx.layout.key(k)) is not None and view.residence][:1] or keys
    if keys and not named and (IT.search(said) or clause.intent in ("grant_access", "revoke_access")):
        slots.found["key"] = [keys[-1]]
        slots.ambiguous.pop("key", None)
        slots.ambiguous.pop("door", None)
    if slots.time is None and THEN.search(said):
        slots.time = before.slots.time
    if clause.intent == "grant_access" and slots.resident is None and slots.found.get("key"):
        slots.resident = _successor_resident(ctx, slots.found["key"][0], ops)


def _coming_keys(ctx: TurnContext, handle: str) -> bool:
    """Whether the person already has a key waiting for them, from a day still to come."""
    for view in keys_held_or_coming(ctx.session, handle, ctx.prop, ctx.now):
        kept = terms_of(ctx.session, ctx.prop, handle, view.name, ctx.now, renewing=False)
        if kept is not None and kept.starts_at is not None and kept.starts_at > ctx.now:
            return True
    return False


def _successor_resident(ctx: TurnContext, key: str, ops: list[dict[str, Any]]) -> bool | None:
    """Who takes the key of someone leaving in the same message takes their place: resident as they were."""
    for op in ops:
        if op.get("op") == "revoke_key" and op.get("key") == key and isinstance(op.get("person"), str):
            kept = terms_of(ctx.session, ctx.prop, op["person"], key, ctx.now, renewing=False)
            if kept is not None:
                return bool(kept.resident)
    return None


def refused_part(core: Context, ops: list[dict[str, Any]], refusal: Refused, tz: ZoneInfo) -> str:
    """The refusal of a plan of several operations, saying which of them is refused and why."""
    if len(ops) < 2:
        return refusal.message
    for end in range(1, len(ops) + 1):
        try:
            try_operations(core, [from_op(op) for op in ops[:end]])
        except Refused as exc:
            part = describe(core.session, ops[end - 1], tz, core.now)
            return f"I can't plan all of that: {part[:1].lower()}{part[1:]} is refused: {exc.message} Nothing was planned."
        except CoreError:
            break
    return refusal.message
