"""Accounting for every qualifier of a message: a plan that leaves one out asks or explains instead of confirming.

The recognizer (``nlu.qualifiers``) lists the conditions, recurrences and times of day a message said;
handlers mark the kinds their plan carried (``Slots.use``). A plan put up for a yes that leaves out a
meaningful one would give someone other access than was asked for, so the turn asks how to proceed
instead, saying why and offering what the product can do:

- a condition ("if she has paid her deposit"): the product cannot check it;
- a recurrence ("every Friday"): a grant or share has one period, a door code one day, a booking one
  slot; weekly windows belong to keys (the key whose schedule already has that window is offered, or
  a new key with that schedule);
- a door code asked for a part of a day: it is valid for the whole day, and the confirmation says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from actions.slots import Slots
from actions.turn import Reply, TurnContext, confirm
from nlu import qualifiers
from nlu.timeexpr import find_schedule, find_times

Handler = Callable[[TurnContext, Slots, dict[str, Any]], Reply]

PERIOD_OPS = ("grant_key", "share_key")
SAID_BEFORE = "said_before"
"""Values key: the conditions and recurrences of earlier messages of this request, accounted for once it is planned."""
CARRIED = (qualifiers.CONDITION, qualifiers.RECURRENCE)
HELD = "held"
"""Values key: the plan a question about part of it is holding ({"operations", "unless"}), for the answer to settle."""
GO_AHEAD = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|sure|ok|okay|fine|please do|do it|go ahead|proceed|that'?s fine|correct)\b|"
    r"\b(?:anyway|regardless|all the same|as (?:it is|planned)|go ahead|include (?:it|them))\b|"
    r"\bwithout\s+(?:the\s+|a\s+|any\s+|that\s+)?(?:weekly\s+|time\s+)?(?:limit|window|schedule|condition|restriction)s?\b",
    re.I,
)
"""An answer that takes the held plan as it is ("give it anyway")."""
LEAVE_OUT = re.compile(
    r"\b(?:leave|keep|take)\s+(?:\w+\s+){0,3}?out\b|\b(?:without|skip|drop|exclude|omit|don'?t (?:give|include|issue))\b|"
    r"\b(?:only|just)\b",
    re.I,
)
"""An answer that takes the held plan without the part the question was about ("leave the wellness key out")."""
DECLINE = re.compile(r"^\W*(?:no|nope|nah|don'?t|never ?mind|not now|wait|hold off|cancel)\b", re.I)


def accounted(handler: Handler) -> Handler:
    """The handler, with its confirmations checked against the qualifiers its plan left out."""

    def run(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
        held = values.pop(HELD, None)
        settled = _settle(slots, held) if isinstance(held, dict) else None
        if settled is not None:
            return settled
        for kind, text in values.pop(SAID_BEFORE, []):  # "every weekday 12 to 1", said before a question was answered
            slots.qualifiers.append(qualifiers.Span(kind, -1, -1, text, text))
        reply = account(ctx, slots, handler(ctx, slots, values))
        if reply.status == "ask" and HELD not in (reply.values or {}):
            carried = [[q.kind, q.text] for q in slots.qualifiers if q.kind in CARRIED and q.kind not in slots.used]
            if carried:
                reply.values = dict(reply.values or {})
                reply.values[SAID_BEFORE] = carried
        return reply

    run.__name__ = getattr(handler, "__name__", "handler")
    run.__doc__ = handler.__doc__
    return run


def account(ctx: TurnContext, slots: Slots, reply: Reply) -> Reply:
    """The reply, or a question when its plan drops a condition or a recurrence; a note where a window cannot be kept."""
    if reply.status != "confirm":
        return reply
    if slots.unnamed_exclusions:
        said = slots.unnamed_exclusions[0].strip()
        return _ask(reply, "key", f'You said "{said}", but I can\'t tell which key or door that is. Which one should be left out?')
    if slots.excluded:
        kept = [op for op in reply.operations if not ({str(op.get("key")), str(op.get("door"))} & set(slots.excluded))]
        if not kept:
            left_out = " and ".join(slots.excluded)
            return _ask(reply, "key", f"You said not {left_out}, but that is all this plan would do. What should I do instead?")
        reply.operations = kept
        inside = _excluded_inside(ctx, slots, kept)
        if inside is not None:
            question, part = inside
            return _ask(reply, "key", question, unless=part)
    cards = [op for op in reply.operations if op.get("op") == "issue_keycard"]
    scope = [*slots.found.get("door", []), *slots.found.get("key", []), *slots.found.get("amenity", [])]
    if cards and scope:
        where = " and ".join(dict.fromkeys(scope))
        return _ask(
            reply,
            "scope",
            f"A keycard opens whatever its holder's keys open; it can't be limited to {where}. Shall I issue it anyway "
            "(yes), or would you rather change which keys they hold?",
        )
    conditions = slots.unused(qualifiers.CONDITION)
    if conditions:
        return _ask(reply, "condition", _condition_question(conditions))
    recurrences = slots.unused(qualifiers.RECURRENCE)
    if recurrences:
        return _ask(reply, "schedule", _recurrence_question(ctx, slots, reply, recurrences))
    codes = [op for op in reply.operations if op.get("op") == "create_doorcode"]
    if codes and _window_asked(slots):
        day = date.fromisoformat(str(codes[0]["date"]))
        said = _said_window(ctx, slots)
        reply.note = (
            f"A door code is valid for the whole day ({day:%a} {day.day} {day:%b}), not only {said}; "
            "for a guest who should get in only then, share your key with them for that window instead."
        )
    return reply


def _excluded_inside(ctx: TurnContext, slots: Slots, operations: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]] | None:
    """A question when a door left out ("but not the pool") is one of the doors of a key the plan gives or shares:
    a key opens all its doors, so it can't be given without that one."""
    part: list[dict[str, Any]] = []
    said: dict[str, list[str]] = {}
    for op in operations:
        view = ctx.layout.key(str(op.get("key"))) if op.get("op") in PERIOD_OPS else None
        doors = [door for door in (view.doors if view is not None else []) if door in slots.excluded]
        if view is not None and doors:
            part.append(op)
            said.setdefault(view.name, doors)
    if not part:
        return None
    keys = " and ".join(said)
    left_out = " and ".join(dict.fromkeys(door for names in said.values() for door in names))
    question = (
        f"You said not {left_out}, but {keys} {'opens' if len(said) == 1 else 'open'} {left_out} too: a key opens all "
        f"its doors. Shall I leave {keys} out, or give {'it' if len(said) == 1 else 'them'} anyway (with {left_out})?"
    )
    return question, part


def _ask(reply: Reply, missing: str, question: str, *, unless: list[dict[str, Any]] | None = None) -> Reply:
    """Ask about part of a plan, holding the whole plan for the answer: a yes takes it as it is, and "leave it
    out" takes it without ``unless`` (the operations the question is about), when there are such."""
    values = dict(reply.values)
    values[HELD] = {"operations": reply.operations, "unless": unless or []}
    return Reply("ask", question, missing=[missing], values=values)


def _settle(slots: Slots, held: dict[str, Any]) -> Reply | None:
    """The answer to a question about part of a held plan, when it says yes, leave that part out, or no."""
    operations = list(held.get("operations") or [])
    unless = list(held.get("unless") or [])
    text = slots.text
    narrowed = _on_the_day_said(slots, operations)
    if narrowed is not None:
        return confirm(narrowed)  # "just this thursday then": one occurrence, at the hours said
    if unless and LEAVE_OUT.search(text):
        rest = [op for op in operations if op not in unless]
        return confirm(rest) if rest else Reply("answer", "Then nothing is left to do; nothing was planned.")
    if DECLINE.search(text):
        return Reply("answer", "OK, nothing was planned.")
    if GO_AHEAD.search(text) and operations:
        return confirm(operations)
    return None  # a new detail or a changed request: planned afresh


def _on_the_day_said(slots: Slots, operations: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The held periods moved to the one day an answer narrows the request to ("just this thursday then")."""
    said = slots.time
    if said is None or said.kind != "day" or said.starts_at is None or not ONLY.search(slots.text) or not operations:
        return None
    if any(op.get("op") not in PERIOD_OPS for op in operations):
        return None
    return moved_to_day(operations, said.starts_at.date(), said.starts_at.tzinfo)


def moved_to_day(operations: list[dict[str, Any]], day: date, zone: Any) -> list[dict[str, Any]] | None:
    """A plan moved to another day, each time keeping its hours ("actually make it monday"): its starts, ends, moments
    and dates shift by the days between its own day and ``day``. None unless the plan is of one day (an open end
    allowed: "from friday" becomes "from monday")."""
    moments = [(op, f) for op in operations for f in ("starts_at", "ends_at", "at") if isinstance(op.get(f), str)]
    days = {datetime.fromisoformat(op[f]).astimezone(zone).date() for op, f in moments if f != "ends_at"}
    days |= {date.fromisoformat(str(op["date"])) for op in operations if isinstance(op.get("date"), str)}
    if len(days) != 1:
        return None
    for op in operations:
        if isinstance(op.get("starts_at"), str) and isinstance(op.get("ends_at"), str):
            starts, ends = (datetime.fromisoformat(op[f]) for f in ("starts_at", "ends_at"))
            if ends - starts > timedelta(days=1):
                return None
    shift = day - days.pop()
    moved = []
    for op in operations:
        changed = dict(op)
        for field in ("starts_at", "ends_at", "at"):
            if isinstance(op.get(field), str):
                changed[field] = _same_clock(datetime.fromisoformat(op[field]).astimezone(zone), shift)
        if isinstance(op.get("date"), str):
            changed["date"] = (date.fromisoformat(op["date"]) + shift).isoformat()
        moved.append(changed)
    return moved


def _same_clock(at: datetime, shift: timedelta) -> str:
    """The same wall-clock time ``shift`` days later, in the zone's offset of that day."""
    zone = at.tzinfo
    wall = at.replace(tzinfo=None) + shift
    return wall.replace(tzinfo=zone).isoformat() if zone is not None else wall.isoformat()


ONLY = re.compile(r"\b(?:only|just)\b", re.I)


def _condition_question(conditions: list[qualifiers.Span]) -> str:
    said = conditions[0].text.strip()
    return (
        f'I can\'t make this depend on a condition ("{said}"): I have no way to check it, so the plan would take '
        "effect whether or not it holds. Shall I go ahead now anyway (yes), or will you ask me again once the "
        "condition is met?"
    )


def _recurrence_question(ctx: TurnContext, slots: Slots, reply: Reply, recurrences: list[qualifiers.Span]) -> str:
    said = recurrences[0].text.strip()
    kinds = {op.get("op") for op in reply.operations}
    if "create_doorcode" in kinds:
        return (
            f'A door code is valid for one single day, so I can\'t make one "{said}". Shall I make one for the next '
            "such day (say which), or share your key with them for a period instead?"
        )
    if kinds & {"reserve_amenity", "book_service", "buy_experience"}:
        return f'I can only book one slot at a time, not "{said}". Which date should I book first?'
    if kinds & set(PERIOD_OPS):
        schedule = find_schedule(slots.text)
        window = schedule.schedule if schedule is not None and schedule.schedule else None
        offer = _keys_with_window(ctx, reply, window)
        what = f" ({window})" if window else ""
        return (
            f'A grant or share has one period, with no weekly window: schedules belong to keys, so "{said}"{what} '
            f"can't be kept on this access alone. {offer}"
        )
    return f'I can\'t keep "{said}" in this plan: it would happen once, not every time. How should I proceed?'


def _keys_with_window(ctx: TurnContext, reply: Reply, window: str | None) -> str:
    """What the product can do instead: the key whose doors already open only in that window, or a new key with it."""
    wanted = [str(op["key"]) for op in reply.operations if op.get("op") in PERIOD_OPS and op.get("key")]
    doors = {door for name in wanted if (view := ctx.layout.key(name)) is not None for door in view.doors}
    fitting = [
        view.name
        for view in ctx.layout.keys
        if window
        and view.name not in wanted
        and set(view.doors) & doors
        and all(view.schedules.get(door) == window for door in view.doors if door in doors)
    ]
    if fitting:
        return (
            f"{' and '.join(fitting)} already opens those doors only {window}: shall I give that key instead, "
            "or create a new key with that schedule?"
        )
    return (
        "I can create a new key with those doors on that weekly schedule and give them that key, or give this key "
        "without the weekly limit. Which would you like?"
    )


def _window_asked(slots: Slots) -> bool:
    match = slots.time
    if match is not None and match.kind in ("range", "point"):
        return True
    return bool(slots.unused(qualifiers.TIME_OF_DAY))


def _said_window(ctx: TurnContext, slots: Slots) -> str:
    hours = [m.text for m in find_times(slots.text, ctx.now, ctx.tz) if m.kind in ("range", "point")]
    if hours:
        return hours[0]  # "9 till 11am"
    parts = [q.text for q in slots.qualifiers if q.kind == qualifiers.TIME_OF_DAY]
    if parts:
        return "in the " + parts[0] if parts[0].lower() in ("morning", "afternoon", "evening") else parts[0]
    return slots.time.text if slots.time is not None else "then"
