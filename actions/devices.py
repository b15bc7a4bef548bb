"""Device questions and operations (portfolio and device managers)."""

from __future__ import annotations

import re
from typing import Any

from access_core.queries import LOW_BATTERY, device_doors
from actions import choose
from actions.slots import Slots
from actions.turn import Reply, TurnContext, answer, ask, confirm

BATTERY = re.compile(
    r"\b(?:low|dying|dead|weak|critical|charge|charging|replac\w*|need(?:s|ing)? (?:new|fresh|a new|changing)|"
    r"running (?:low|out)|almost (?:empty|out|dead)|change the batter(?:y|ies))\b",
    re.I,
)
INACTIVE = re.compile(
    r"(?:\bnot|\bnever|n't|\b(?:are|is|was|were|have|has|had|do|does|did)nt)\s+"
    r"(?:yet\s+)?(?:been\s+)?(?:activated|installed|active|online|live|set up)\b|"
    r"\b(?:inactive|deactivated|offline|uninstalled|unactivated|pending install(?:ation)?)\b",
    re.I,
)


def ask_device_status(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    low = bool(BATTERY.search(slots.text))
    doors = device_doors(ctx.session, ctx.principal, ctx.prop, low_battery=low and not slots.found.get("door"))
    if slots.found.get("door"):
        doors = [d for d in doors if d.name in slots.found["door"]]
    if INACTIVE.search(slots.text):
        doors = [d for d in doors if not d.activated]
        listing = ", ".join(d.name for d in doors)
        return answer({"doors": [d.name for d in doors]}, f"Not activated yet: {listing}." if doors else "Every lock is activated.")
    names = [d.name for d in doors]
    if low and not slots.found.get("door"):
        if not doors:
            return answer({"doors": []}, f"No lock at {ctx.prop.name} is at or under {LOW_BATTERY}% battery.")
        listing = ", ".join(f"{d.name} ({d.battery}%)" for d in doors)
        return answer({"doors": names}, f"Low battery (at or under {LOW_BATTERY}%): {listing}.")
    lines = []
    for d in doors:
        battery = f"battery {d.battery}%" if d.battery is not None else "mains powered"
        state = "activated" if d.activated else "not activated"
        lines.append(f"{d.name}: {d.device or 'no device'} {d.serial or ''}, {state}, {battery}")
    return answer({"doors": names}, "\n".join(lines) or "No doors.")


def _door_op(name: str) -> Any:
    def handler(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
        door = choose.door(slots, values)
        if not door.ok:
            return ask(["door"], door.question or "Which door?", values)
        return confirm([{"op": name, "door": door.value}], values=values)

    return handler


activate_device = _door_op("activate_door")
deactivate_device = _door_op("deactivate_door")
upgrade_firmware = _door_op("upgrade_firmware")
