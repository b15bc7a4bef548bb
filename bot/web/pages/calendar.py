"""The property's calendar as the Doors and Schedules pages show it: the lockdown now (which doors, since when,
why) and the coming exception days, for those who may see them (DOMAIN: P, F, L, S at that property)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from access_core.describe_calendar import WEEKDAYS
from access_core.directory import exception_days, lockdown_state
from access_core.errors import Refused
from bot.web.pages.common import Viewer


@dataclass(frozen=True, slots=True)
class Lockdown:
    doors: list[str] | None
    """The doors locked down; None for every door of the property."""
    since: datetime
    reason: str | None


@dataclass(frozen=True, slots=True)
class Day:
    day: datetime
    name: str
    mode: str
    """"Closed" or "Runs as a Sunday"."""
    doors: list[str] | None
    """The doors it applies to; None for every scheduled door."""


@dataclass(frozen=True, slots=True)
class Calendar:
    lockdowns: list[Lockdown]
    days: list[Day]


def calendar_of(viewer: Viewer) -> Calendar | None:
    """The viewer's property's lockdown and coming exception days, or None when the core says they may not see them."""
    assert viewer.prop is not None
    try:
        state: dict[str, Any] = lockdown_state(viewer.session, viewer.principal, viewer.prop)
        days: dict[str, Any] = exception_days(viewer.session, viewer.principal, viewer.prop)
    except Refused:
        return None
    return Calendar(
        [Lockdown(ld["doors"], datetime.fromisoformat(ld["started_at"]), ld["reason"]) for ld in state["lockdowns"]],
        [
            Day(
                datetime.fromisoformat(d["date"]),
                d["name"],
                "Closed" if d["mode"] == "closed" else f"Runs as a {WEEKDAYS.get(d['mode'], d['mode'])}",
                d["doors"],
            )
            for d in days["exception_days"]
        ],
    )
