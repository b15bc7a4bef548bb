"""REST endpoints for exception days and lockdowns (/api/v1/exception-days, /api/v1/lockdown): every change is
a CONTRACT operation run through the core, with its permission checks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core import policy
from access_core.db import Database
from access_core.door_rules import active_lockdowns, door_ids_of
from access_core.exception_days import coming_days, day_json
from access_core.models import Door, Property
from access_core.principal import Principal
from access_core.sources import zone
from bot.rest_api import Api, PropertyName


class ExceptionDayIn(BaseModel):
    date: str
    name: str = ""
    mode: str = "closed"
    doors: list[str] | None = None


class LockdownIn(BaseModel):
    doors: list[str] | None = None
    reason: str | None = None


def exception_days(session: Session, principal: Principal, prop: Property) -> dict[str, Any]:
    policy.require_calendar_view(principal, prop)
    today = datetime.now(UTC).astimezone(zone(prop.timezone)).date()
    return {"exception_days": [day_json(session, d) for d in coming_days(session, prop, today)]}


def lockdown_state(session: Session, principal: Principal, prop: Property) -> dict[str, Any]:
    policy.require_calendar_view(principal, prop)
    found = []
    for lockdown in active_lockdowns(session, prop.id, datetime.now(UTC)):
        ids = door_ids_of(lockdown.door_ids)
        doors = None if ids is None else list(session.scalars(select(Door.name).where(Door.id.in_(ids)).order_by(Door.id)))
        found.append({"doors": doors, "reason": lockdown.reason, "started_at": lockdown.started_at.isoformat()})
    return {"locked_down": bool(found), "lockdowns": found}


def router(database: Database) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["REST API"])
    core = Api(database)

    @api.get("/exception-days")
    def list_exception_days(request: Request, prop: str | None = PropertyName) -> dict[str, Any]:
        """The property's coming exception days: P, F, L, S."""
        return core.read(request, prop, exception_days)  # type: ignore[no-any-return]

    @api.post("/exception-days", status_code=201)
    def add_exception_day(request: Request, body: ExceptionDayIn, prop: str | None = PropertyName) -> dict[str, Any]:
        """Close a day, or run it as another weekday, for every scheduled door or the doors named: P, F."""
        return core.run(request, prop, {"op": "add_exception_day", "property": prop, **body.model_dump()})

    @api.delete("/exception-days/{day}")
    def remove_exception_day(request: Request, day: str, prop: str | None = PropertyName) -> dict[str, Any]:
        return core.run(request, prop, {"op": "remove_exception_day", "property": prop, "date": day})

    @api.get("/lockdown")
    def get_lockdown(request: Request, prop: str | None = PropertyName) -> dict[str, Any]:
        """Whether the property (or some of its doors) is locked down: P, F, L, S."""
        return core.read(request, prop, lockdown_state)  # type: ignore[no-any-return]

    @api.post("/lockdown", status_code=201)
    def start_lockdown(request: Request, body: LockdownIn, prop: str | None = PropertyName) -> dict[str, Any]:
        """Lock down the whole property (no doors) or the doors named: P, F."""
        return core.run(request, prop, {"op": "start_lockdown", "property": prop, **body.model_dump()})

    @api.delete("/lockdown")
    def end_lockdown(request: Request, prop: str | None = PropertyName) -> dict[str, Any]:
        """Lift every lockdown of the property at once: P, F."""
        return core.run(request, prop, {"op": "end_lockdown", "property": prop})

    return api
