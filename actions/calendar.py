"""Exception days and lockdowns (DOMAIN "Exception days", "Lockdown"): slots to plans and answers."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from access_core import policy
from access_core.door_rules import active_lockdowns, door_ids_of
from access_core.exception_days import coming_days, day_json, parse_mode
from access_core.holiday_names import holiday_in_text, holiday_spans
from access_core.views import door_names, door_of_amenity
from actions.slots import Slots
from actions.turn import Reply, TurnContext, answer, ask, confirm
from nlu import timeexpr
from nlu.timeplace import reads_day_first

WHOLE = re.compile(
    r"\b(?:whole|entire|every(?:thing| door)?|all(?: the)? doors|all|building|property|premises|place|"
    r"site|complex)\b",
    re.I,
)
REASON = re.compile(
    r"(?:[,;:(]|\s[-–—]\s|\b(?:because(?: of)?|due to|since|after|as)\b)\s*(?:there(?:'s| is| are| was)\s+)?"
    r"(?:(?:an?|the)\s+)?(?P<reason>[^,;:()]+?)\W*$",
    re.I,
)
AS_WEEKDAY = re.compile(
    r"\b(?:like|as|on|use|uses|follows?|runs? on|with)\s+(?:an?\s+|the\s+)?"
    r"(?P<day>mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?\b"
    r"(?:\s+(?:hours|schedule|times))?",
    re.I,
)
WEEKDAY_DAY = re.compile(r"\b(?:a|the)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)


def _doors_named(ctx: TurnContext, slots: Slots) -> list[str]:
    names = list(dict.fromkeys(slots.found.get("door", [])))
    for amenity_name in slots.found.get("amenity", []):
        door = door_of_amenity(ctx.session, ctx.prop.id, amenity_name)
        if door and door not in names:
            names.append(door)
    return names


def start_lockdown(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    doors = _doors_named(ctx, slots)
    whole = not doors or (WHOLE.search(slots.text) is not None and not slots.found.get("door"))
    match = REASON.search(slots.text)
    reason = match["reason"].strip() if match and not _names_doors(match["reason"], doors) else None
    op = {"op": "start_lockdown", "property": ctx.prop.name, "doors": None if whole else doors, "reason": reason}
    return confirm([op], values=values)


def _names_doors(text: str, doors: list[str]) -> bool:
    return any(d.lower() in text.lower() for d in doors) or text.strip().lower() in ("now", "right now", "immediately")


def end_lockdown(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    return confirm([{"op": "end_lockdown", "property": ctx.prop.name}], values=values)


def _mode(text: str) -> tuple[str, str]:
    """(mode, the text without the weekday it runs as)."""
    match = AS_WEEKDAY.search(text)
    if match is None:
        return "closed", text
    return parse_mode(match["day"][:3]), text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def _day(ctx: TurnContext, text: str, values: dict[str, Any]) -> tuple[date, str] | None:
    """The date named (a public holiday at its next date, or a calendar date) and its name."""
    today = ctx.now.astimezone(ctx.tz).date()
    holiday = holiday_in_text(ctx.prop, text, today)
    if holiday is not None:
        return holiday.day, holiday.name
    when = timeexpr.parse_when(WEEKDAY_DAY.sub(" ", text), ctx.now, ctx.tz, prefer="future", day_first=reads_day_first(ctx.prop))
    if when is not None and when.starts_at is not None:
        day = when.starts_at.astimezone(ctx.tz).date()
        return day, f"{day:%A %-d %B}"
    if values.get("date"):
        return date.fromisoformat(values["date"]), str(values.get("name") or values["date"])
    return None


def add_exception_day(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    mode, rest = _mode(slots.text)
    found = _day(ctx, rest, values)
    if found is None:
        values = {**values, "mode": mode, "doors": _doors_named(ctx, slots) or values.get("doors")}
        return ask(["date"], "Which day? (a date, or a holiday like Christmas Day)", values)
    day, name = found
    doors = _doors_named(ctx, slots) or values.get("doors") or None
    named = [(h.day, h.name) for _, _, h in holiday_spans(ctx.prop, rest, ctx.now.astimezone(ctx.tz).date())]
    days = list(dict.fromkeys(named)) if len(set(named)) > 1 else [(day, name)]  # "king's birthday and labour day"
    ops = [
        {
            "op": "add_exception_day",
            "property": ctx.prop.name,
            "date": each.isoformat(),
            "name": called,
            "mode": values.get("mode") or mode,
            "doors": doors,
        }
        for each, called in days
    ]
    return confirm(ops, values={**values, "date": day.isoformat(), "name": name})


def remove_exception_day(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    found = _day(ctx, slots.text, values)
    if found is None:
        days = coming_days(ctx.session, ctx.prop, ctx.now.astimezone(ctx.tz).date())
        if len(days) != 1:
            listing = ", ".join(f"{d.name} ({d.day:%a %-d %b})" for d in days) or "none are set"
            return ask(["date"], f"Which exception day? Coming: {listing}.", values)
        found = (days[0].day, days[0].name)
    return confirm([{"op": "remove_exception_day", "property": ctx.prop.name, "date": found[0].isoformat()}], values=values)


def ask_exception_days(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    policy.require_calendar_view(ctx.principal, ctx.prop)
    days = [day_json(ctx.session, d) for d in coming_days(ctx.session, ctx.prop, ctx.now.astimezone(ctx.tz).date())]
    lines = [
        f"{d['name']} ({date.fromisoformat(d['date']):%a %-d %b %Y}): "
        + ("closed" if d["mode"] == "closed" else f"runs as a {d['mode']}")
        + (f", {', '.join(d['doors'])}" if d["doors"] else "")
        for d in days
    ]
    text = (
        ("Coming exception days at " + ctx.prop.name + ": " + "; ".join(lines) + ".")
        if lines
        else f"{ctx.prop.name} has no exception days coming up."
    )
    locked = active_lockdowns(ctx.session, ctx.prop.id, ctx.now)
    if locked:
        text += " " + lockdown_state(ctx, locked)
    return answer({"exception_days": days}, text)


def lockdown_state(ctx: TurnContext, locked: list[Any]) -> str:
    if any(ld.door_ids is None for ld in locked):
        return f"{ctx.prop.name} is locked down."
    ids = frozenset().union(*(door_ids_of(ld.door_ids) or frozenset() for ld in locked))
    names = door_names(ctx.session, sorted(ids))
    return f"Locked down: {', '.join(names)}."


def holiday_moment(ctx: TurnContext, text: str) -> datetime | None:
    """A question about a named holiday ("why can't I get in on christmas day?"): that day at this wall time."""
    holiday = holiday_in_text(ctx.prop, text, ctx.now.astimezone(ctx.tz).date())
    if holiday is None:
        return None
    return datetime.combine(holiday.day, ctx.now.astimezone(ctx.tz).time().replace(tzinfo=None), tzinfo=ctx.tz)
