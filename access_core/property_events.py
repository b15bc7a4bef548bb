"""Property events (a lockdown started or lifted) in the activity log, as each manager may see them.

Seen by every manager who may view activity at the property: P, F, L; S when a door of their keys
is among the event's doors. Device managers, concierge agents and residents see none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.models import Door, KeyDoor, Person, Property, PropertyEvent
from access_core.policy import FULL, LIMITED
from access_core.principal import Principal
from access_core.views import Doorway


def visible_property_events(
    session: Session, principal: Principal, prop: Property, *, since: datetime | None = None, until: datetime | None = None
) -> list[PropertyEvent]:
    """The property's events the principal may see, oldest first (``since`` inclusive, ``until`` exclusive)."""
    query = select(PropertyEvent).where(PropertyEvent.property_id == prop.id)
    if since is not None:
        query = query.where(PropertyEvent.at >= since)
    if until is not None:
        query = query.where(PropertyEvent.at < until)
    if not (principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED) or principal.my_keys(prop)):
        return []
    events = list(session.scalars(query.order_by(PropertyEvent.at, PropertyEvent.id)))
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED):
        return events
    mine = {str(d) for d in session.scalars(select(KeyDoor.door_id).where(KeyDoor.key_id.in_(principal.my_keys(prop))))}
    return [e for e in events if mine & set(e.door_ids)]


@dataclass(frozen=True, slots=True)
class PropertyHappening:
    """A property event as an answer shows it: its doors by name, who did it by label."""

    id: int
    at: datetime
    kind: str
    """``lockdown_started`` or ``lockdown_lifted``."""
    property: str
    doors: tuple[str, ...]
    """The doors it names, in the property's order."""
    whole_property: bool
    """Whether it named every door of the property."""
    actor_id: int | None
    by: str | None
    """Who started or lifted it (their label), when known."""
    reason: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "kind": self.kind,
            "property": self.property,
            "doors": list(self.doors),
            "whole_property": self.whole_property,
            "by": self.by,
            "reason": self.reason,
        }


def property_events_seen(
    session: Session,
    principal: Principal,
    *,
    props: Iterable[Property] | None = None,
    door: Doorway | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[PropertyHappening]:
    """The property events the principal may see, oldest first: of ``door``'s property naming that door, else of
    ``props``, else of every property (those where the principal views no activity give none)."""
    if door is not None:
        places = [p for p in [session.get(Property, door.property_id)] if p is not None]
    elif props is not None:
        places = list(props)
    else:
        places = list(session.scalars(select(Property).order_by(Property.id)))
    found: list[PropertyHappening] = []
    for prop in places:
        events = visible_property_events(session, principal, prop, since=since, until=until)
        if door is not None:
            events = [e for e in events if str(door.id) in e.door_ids]
        if not events:
            continue
        names = {str(i): n for i, n in session.execute(select(Door.id, Door.name).where(Door.property_id == prop.id).order_by(Door.id))}
        for event in events:
            named = set(event.door_ids)
            actor = session.get(Person, event.actor_id) if event.actor_id is not None else None
            whole = event.detail.get("whole_property")
            found.append(
                PropertyHappening(
                    id=event.id,
                    at=event.at,
                    kind=event.kind,
                    property=prop.name,
                    doors=tuple(n for i, n in names.items() if i in named),
                    whole_property=bool(whole) if whole is not None else set(names) <= named,
                    actor_id=event.actor_id,
                    by=actor.label if actor is not None else None,
                    reason=event.detail.get("reason"),
                )
            )
    return sorted(found, key=lambda e: (e.at, e.id))
