"""Property events (a lockdown started or lifted) in the activity log, as each manager may see them.

Seen by every manager who may view activity at the property: P, F, L; S when a door of their keys
is among the event's doors. Device managers, concierge agents and residents see none.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.models import KeyDoor, Property, PropertyEvent
from access_core.policy import FULL, LIMITED
from access_core.principal import Principal


def visible_property_events(session: Session, principal: Principal, prop: Property) -> list[PropertyEvent]:
    events = list(
        session.scalars(select(PropertyEvent).where(PropertyEvent.property_id == prop.id).order_by(PropertyEvent.at, PropertyEvent.id))
    )
    if principal.is_portfolio_manager(prop) or principal.has(prop, FULL, LIMITED):
        return events
    keys = principal.my_keys(prop)
    if not keys:
        return []
    mine = {str(d) for d in session.scalars(select(KeyDoor.door_id).where(KeyDoor.key_id.in_(keys)))}
    return [e for e in events if mine & set(e.door_ids)]
