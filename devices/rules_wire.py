"""Each door's property-wide rules on the wire: its exception days, its lockdowns and who a lockdown spares.

A door's rules travel apart from its versioned store: a lockdown must reach the door before any
other pending change, so the relay sends them as a ``rules`` message of their own (newest revision
wins, whatever the store's version), and in every snapshot. The revision is the outbox's change id.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access_core.door_rules import door_ids_of, exempt_managers, modes_by_door
from access_core.models import Door, ExceptionDay, Lockdown, Property
from access_core.sources import zone
from devices.models import DeviceChange

KEPT = timedelta(days=1)
"""Days and lifted lockdowns older than this are left off: a store decides about now."""


def _ts(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def revision(session: Session) -> int:
    return int(session.scalar(select(func.max(DeviceChange.id))) or 0)


def door_rules(session: Session, prop_id: int, now: datetime, door_ids: Collection[int] | None = None) -> dict[int, dict[str, Any]]:
    """Door id -> {"days": {date: mode}, "lockdowns": [[start, end|None]], "exempt": [person ids]}."""
    prop = session.get(Property, prop_id)
    assert prop is not None
    if door_ids is None:
        door_ids = list(session.scalars(select(Door.id).where(Door.property_id == prop_id)))
    since = (now - KEPT).astimezone(zone(prop.timezone)).date()
    days = list(session.scalars(select(ExceptionDay).where(ExceptionDay.property_id == prop_id, ExceptionDay.day >= since)))
    lockdowns = list(session.scalars(select(Lockdown).where(Lockdown.property_id == prop_id).order_by(Lockdown.id)))
    lockdowns = [ld for ld in lockdowns if ld.ended_at is None or ld.ended_at > now - KEPT]
    exempt = sorted(exempt_managers(session, prop)) if lockdowns else []
    found = {}
    for door_id in door_ids:
        spans = [
            [_ts(ld.started_at), _ts(ld.ended_at)] for ld in lockdowns if (named := door_ids_of(ld.door_ids)) is None or door_id in named
        ]
        modes = {day.isoformat(): mode for day, mode in modes_by_door(days, door_id).items()}
        found[door_id] = {"days": modes, "lockdowns": spans, "exempt": exempt if spans else []}
    return found


def rules_message(door_id: int, rev: int, rules: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"rules-{door_id}-{rev}", "door": door_id, "kind": "rules", "version": None, "payload": {"rev": rev, **rules}}
