"""REST endpoints for exception days and lockdowns (/api/v1/exception-days, /api/v1/lockdown): every change is
a CONTRACT operation run through the core, with its permission checks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from access_core.db import Database
from access_core.directory import exception_days, lockdown_state
from bot.rest_api import Api, PropertyName


class ExceptionDayIn(BaseModel):
    date: str = Field(max_length=10)
    name: str = Field("", max_length=100)
    mode: str = Field("closed", max_length=10)
    doors: list[str] | None = Field(None, max_length=500)


class LockdownIn(BaseModel):
    doors: list[str] | None = Field(None, max_length=500)
    reason: str | None = Field(None, max_length=500)


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
