"""Calls as the agent console shows them: state, caller, purpose, times, the doors to open, the call's log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access_core import policy
from access_core.directory import residents_of
from access_core.errors import Refused
from access_core.models import Door, IntercomCall, IntercomCallEvent, Person, Property
from access_core.principal import Principal


def answerable_properties(session: Session, principal: Principal) -> list[Property]:
    """The properties whose intercom calls this person may answer (policy.require_call_answering)."""
    ids = set(principal.agent_at) | set(principal.levels)
    props = session.scalars(
        select(Property).where(or_(Property.id.in_(ids), Property.portfolio_id.in_(principal.portfolios))).order_by(Property.name)
    ).all()
    allowed = []
    for prop in props:
        try:
            policy.require_call_answering(principal, prop)
        except Refused:
            continue
        allowed.append(prop)
    return allowed


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _person(person: Person | None) -> dict[str, Any] | None:
    return {"name": person.label, "handle": person.handle, "phone": person.phone} if person else None


def call_view(session: Session, call: IntercomCall, viewer: Person, now: datetime) -> dict[str, Any]:
    doors = session.scalars(select(Door.name).where(Door.property_id == call.property_id, Door.delivery.is_(True)).order_by(Door.id)).all()
    events = session.scalars(select(IntercomCallEvent).where(IntercomCallEvent.call_id == call.id).order_by(IntercomCallEvent.id))
    waiting_since = call.queued_at if call.queued_at and not call.answered_at else None
    return {
        "id": call.id,
        "sid": call.sid,
        "property": call.property.name,
        "intercom": call.door.name if call.door else None,
        "caller": call.caller,
        "state": call.state,
        "purpose": call.purpose,
        "heard": call.heard,
        "visiting": _person(call.visiting),
        "agent": _person(call.agent),
        "mine": call.agent_id == viewer.id,
        "caller_left": call.caller_left_at is not None,
        "ringing_at": _iso(call.ringing_at),
        "queued_at": _iso(call.queued_at),
        "answered_at": _iso(call.answered_at),
        "ended_at": _iso(call.ended_at),
        "seconds_waiting": round((now - waiting_since).total_seconds()) if waiting_since and call.open else None,
        "seconds_to_answer": call.seconds_to_answer,
        "note": call.note,
        "snapshot": f"/api/agent/calls/{call.id}/snapshot" if call.snapshot else None,
        "delivery_doors": list(doors),
        "residents": [_person(p) for p in residents_of(session, call.property, now) if p.phone],
        "log": [
            {
                "at": e.at.isoformat(),
                "kind": e.kind,
                "by": e.actor.label if e.actor else None,
                "door": e.door.name if e.door else None,
                "detail": e.detail,
            }
            for e in events
        ],
    }
