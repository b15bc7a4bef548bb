"""Creating and editing keys, doors and schedules."""

from __future__ import annotations

import re
from typing import Any

from actions import choose
from actions.slots import Slots
from actions.turn import Reply, TurnContext, ask, confirm
from nlu import qualifiers

DOOR_TYPES = (
    ("residence", r"\b(?:unit|apartment|apt|residence|suite|condo|flat)\b"),
    ("service", r"\b(?:boiler|closet|mechanical|service|maintenance|utility|electrical|storage|janitor)\b"),
    ("building_entrance", r"\b(?:entrance|gate|lobby|front door|back door|side door|stair|hallway|garage|main door)\b"),
    ("communal", r"\b(?:gym|pool|room|lounge|roof|deck|office|amenity|communal|laundry|terrace|library|spa)\b"),
)


def create_key(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    if slots.name:
        values["name"] = slots.name
    doors = slots.found.get("door", []) + [a for a in slots.found.get("amenity", []) if _is_door(ctx, a)]
    if doors:
        values["doors"] = list(dict.fromkeys(doors))
    shareable = slots.shareable if slots.shareable is not None else slots.may_share  # "nobody may share it"
    if shareable is not None:
        values["shareable"] = shareable
    slots.use(qualifiers.SHAREABLE, qualifiers.MAY_SHARE)
    if not values.get("name"):
        return ask(["name"], "What should the new key be called?", values)
    if slots.unknown_doors:
        missing = " or ".join(f'"{said}"' for said in slots.unknown_doors)
        known = f" Create it with {', '.join(values['doors'])} only, or" if values.get("doors") else ""
        return ask(
            ["doors"], f"There is no door called {missing} at {ctx.prop.name}.{known} which doors should {values['name']} open?", values
        )
    if not values.get("doors"):
        return ask(["doors"], f"Which doors should {values['name']} open?", values)
    op = {"op": "create_key", "name": values["name"], "doors": values["doors"], "shareable": bool(values.get("shareable", False))}
    return confirm([op], values=values)


def _is_door(ctx: TurnContext, name: str) -> bool:
    return name in ctx.layout.door_types


def _key_and_door(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply | None:
    said = choose.doors_said(slots)
    if len(said) > 1 and "door" not in values:  # several doors, not written as one list: never one of them silently
        return ask(["door"], f'Which door: {" or ".join(said)}? (For several, list them: "the {said[0]} and the {said[1]}".)', values)
    door = choose.door(slots, values)
    if door.ok:
        values["door"] = door.value
    key = choose.key(ctx, slots, values, doors=[] if not slots.found.get("key") else None)
    if key.ok:
        values["key"] = key.value
    if "door" not in values:
        return ask(["door"], door.question or "Which door?", values)
    if "key" not in values:
        holding = [k.name for k in ctx.layout.keys_with(values["door"])]
        hint = f" ({values['door']} is in {', '.join(holding)})" if holding else ""
        return ask(["key"], f"Which key?{hint}", values)
    return None


def add_door_to_key(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    return _key_and_door(ctx, slots, values) or confirm(
        [{"op": "add_door_to_key", "key": values["key"], "door": values["door"]}], values=values
    )


def remove_door_from_key(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    return _key_and_door(ctx, slots, values) or confirm(
        [{"op": "remove_door_from_key", "key": values["key"], "door": values["door"]}], values=values
    )


NO_SCHEDULE = re.compile(
    r"\b(?:remove|clear|delete|drop|lift|take off|get rid of|no more|without)\s+"
    r"(?:the\s+|its\s+|any\s+|all\s+)?(?:schedules?|restrictions?|time limits?|hours limits?|limits?)\b|"
    r"\bno (?:restrictions?|schedule|time limits?)\b|\b(?:unrestricted|around the clock|any ?time)\b",
    re.I,
)


def set_schedule(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    if slots.schedule is not None:
        values["schedule"] = slots.schedule.schedule
        values["has_schedule"] = True
    elif NO_SCHEDULE.search(slots.text):
        values["schedule"] = None
        values["has_schedule"] = True
    slots.use(qualifiers.RECURRENCE, qualifiers.TIME_OF_DAY)  # a weekly schedule is what a key's door carries
    door = choose.door(slots, values)
    if door.ok:
        values["door"] = door.value
    key = choose.key(ctx, slots, values, doors=[] if not slots.found.get("key") else None)
    if key.ok:
        values["key"] = key.value
    elif "door" in values and "key" not in values:
        holding = [k.name for k in ctx.layout.keys_with(values["door"])]
        if len(holding) == 1:
            values["key"] = holding[0]
    if "key" in values and "door" not in values:
        view = ctx.layout.key(values["key"])
        if view is not None and len(view.doors) == 1:  # a key of one door: its schedule can only be that door's
            values["door"] = view.doors[0]
    view = ctx.layout.key(values["key"]) if "key" in values and "door" not in values and not slots.found.get("door") else None
    if view is not None and values.get("has_schedule") and slots.found.get("key"):  # "the contractor key's hours": all its doors
        ops = [{"op": "set_schedule", "key": view.name, "door": name, "schedule": values["schedule"]} for name in view.doors]
        return confirm(ops, values=values)
    missing = [f for f in ("door", "key") if f not in values]
    if not values.get("has_schedule"):
        missing.append("schedule")
    if missing:
        holders = [k.name for k in ctx.layout.keys_with(values["door"])] if "door" in values and "key" in missing else []
        in_which = f"In which key: {' or '.join(holders)}?" if len(holders) > 1 else "In which key?"
        prompts = {"door": "Which door?", "key": in_which, "schedule": "When should it open (e.g. weekdays 9 to 5)?"}
        return ask(missing, " ".join(prompts[m] for m in missing), values)
    op = {"op": "set_schedule", "key": values["key"], "door": values["door"], "schedule": values["schedule"]}
    return confirm([op], values=values)


def create_door(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    name = slots.name or _door_name(slots.text)
    if name:
        values["name"] = name
    text = slots.text.lower()
    for door_type, pattern in DOOR_TYPES:
        if door_type.replace("_", " ") in text or re.search(pattern, (values.get("name") or "").lower() + " " + text):
            values.setdefault("type", door_type)
            break
    if not values.get("name"):
        return ask(["name"], "What is the new door called?", values)
    if not values.get("type"):
        return ask(["type"], "Is it a building entrance, a residence, a communal door or a service door?", values)
    return confirm([{"op": "create_door", "name": values["name"], "type": values["type"]}], values=values)


def _door_name(text: str) -> str | None:
    match = re.search(
        r"\b(?:add|create|new|set up)\s+(?:a\s+)?(?:new\s+)?door\s+(?:for\s+)?(?:the\s+)?"
        r"([A-Z0-9][\w ]+?)(?:[,.]|$| as | of type)",
        text,
    )
    return match.group(1).strip() if match else None
