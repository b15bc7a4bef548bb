"""The REST API under /api/v1: bearer-token callers, reads scoped to them, every change through the core services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy.orm import Session

from access_core.budgets import OverBudget
from access_core.commands import from_op
from access_core.db import Database, begin_writing
from access_core.describe import done
from access_core.errors import Ambiguous, CoreError, NotFound, Refused
from access_core.lookup import door_in, property_by_name
from access_core.principal import Principal, load_principal
from access_core.property_events import property_events_seen
from access_core.queries import visible_event_ids
from access_core.services.context import Context
from access_core.services.dispatch import execute_all
from access_core.sources import zone
from access_core.views import Site
from bot.places import properties_of
from bot.web import rest_reads
from bot.web.auth import require_person
from concierge_catalog import orders, sales

NAME_LENGTH, REF_LENGTH, TEXT_LENGTH = 200, 320, 1000
NAMED = {"name", "key", "door", "amenity", "service", "experience", "item"}
REFS = {"person", "guest", "email", "manager"}
NUMBERS = {"quantity", "call_id", "order_id"}
PropertyName = Query(default=None, alias="property", description="Property name (default: the caller's first).")


Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_LENGTH)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=REF_LENGTH)]
Moment = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Operation(BaseModel):
    """One operation of the CONTRACT vocabulary, e.g. {"op": "grant_key", "person": …, "key": …}."""

    model_config = ConfigDict(extra="allow")
    op: Annotated[str, StringConstraints(max_length=40)]

    @model_validator(mode="after")
    def storable(self) -> Operation:
        """Every value fits what the core stores: texts of a name's or a note's length, whole numbers of 64 bits."""
        for field, value in (self.model_extra or {}).items():
            if field in NUMBERS and value is not None and not (isinstance(value, int) and not isinstance(value, bool)):
                raise ValueError(f"{field} must be a whole number")
            for item in value if isinstance(value, list) else [value]:
                limit = NAME_LENGTH if field in NAMED else REF_LENGTH if field in REFS else TEXT_LENGTH
                if isinstance(item, str) and len(item) > limit:
                    raise ValueError(f"{field} is too long")
                if isinstance(item, int) and not -(2**63) <= item < 2**63:
                    raise ValueError(f"{field} is out of range")
                if isinstance(item, dict):
                    raise ValueError(f"{field} must be a value, not an object")
        return self

    @model_validator(mode="after")
    def _no_chosen_code(self) -> Operation:
        if self.op == "create_doorcode" and "code" in (self.model_extra or {}):
            raise ValueError("door codes are made by the server; send no 'code'")
        return self


class GrantIn(BaseModel):
    person: Ref
    key: Name
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    resident: bool | None = None
    may_share: bool | None = None


class RevokeIn(BaseModel):
    person: Ref
    key: Name
    at: Moment | None = None


class PersonIn(BaseModel):
    name: Name
    email: Annotated[str, StringConstraints(max_length=REF_LENGTH)] | None = None
    phone: Annotated[str, StringConstraints(max_length=32)] | None = None


class KeyIn(BaseModel):
    name: Name
    doors: Annotated[list[Name], Field(max_length=500)]
    shareable: bool = False


class ReservationIn(BaseModel):
    amenity: Name
    starts_at: Moment
    ends_at: Moment
    person: Ref | None = None
    """Bookings are the caller's own: leave it out, or name yourself."""


def _status(exc: CoreError) -> int:
    if isinstance(exc, OverBudget):
        return 429
    return 403 if isinstance(exc, Refused) else 404 if isinstance(exc, NotFound) else 422


def _retry_after(exc: CoreError) -> dict[str, str] | None:
    return {"Retry-After": str(exc.retry_after)} if isinstance(exc, OverBudget) else None


class Api:
    """Resolves the caller and the property, then runs a read or an operation in one unit of work."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @contextmanager
    def scope(self, request: Request, property_name: str | None) -> Iterator[tuple[Session, Principal, Site]]:
        with self.database.session() as session:
            person = require_person(request, session)
            mine = properties_of(session, person)
            prop = property_by_name(session, property_name) if property_name else (mine[0] if mine else None)
            if prop is None or prop.id not in {p.id for p in mine}:
                raise HTTPException(404, f"no property {property_name!r} of yours" if property_name else "you have no property")
            try:
                yield session, load_principal(session, person), prop
            except CoreError as exc:
                raise HTTPException(_status(exc), exc.message, headers=_retry_after(exc)) from exc

    def read(self, request: Request, property_name: str | None, reader: Callable[..., Any]) -> Any:
        with self.scope(request, property_name) as (session, principal, prop):
            return reader(session, principal, prop)

    def run(self, request: Request, property_name: str | None, op: dict[str, Any]) -> dict[str, Any]:
        with self.scope(request, property_name) as (session, principal, prop):
            command = from_op(op, undo=False)
            begin_writing(session)
            outcome = execute_all(Context.at(session, principal, datetime.now(UTC), prop), [command])[0]
            return {"operation": op, "summary": done(outcome, zone(prop.timezone)), "detail": outcome.detail}


def router(database: Database) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["REST API"])
    core = Api(database)

    @api.get("/people")
    def list_people(request: Request, prop: str | None = PropertyName) -> list[dict[str, Any]]:
        return core.read(request, prop, rest_reads.people)  # type: ignore[no-any-return]

    @api.post("/people", status_code=201)
    def invite(request: Request, body: PersonIn, prop: str | None = PropertyName) -> dict[str, Any]:
        return core.run(request, prop, {"op": "invite_person", **body.model_dump()})

    @api.get("/keys")
    def list_keys(request: Request, prop: str | None = PropertyName) -> list[dict[str, Any]]:
        return core.read(request, prop, rest_reads.keys)  # type: ignore[no-any-return]

    @api.post("/keys", status_code=201)
    def create_key(request: Request, body: KeyIn, prop: str | None = PropertyName) -> dict[str, Any]:
        return core.run(request, prop, {"op": "create_key", **body.model_dump()})

    @api.get("/doors")
    def list_doors(request: Request, prop: str | None = PropertyName) -> list[dict[str, Any]]:
        return core.read(request, prop, rest_reads.doors)  # type: ignore[no-any-return]

    @api.post("/doors/{door}/unlock")
    def unlock(request: Request, door: str, reason: str = "", prop: str | None = PropertyName) -> dict[str, Any]:
        return core.run(request, prop, {"op": "unlock_door", "door": door, "reason": reason or None})

    @api.get("/grants")
    def list_grants(request: Request, prop: str | None = PropertyName) -> list[dict[str, Any]]:
        return core.read(request, prop, rest_reads.grants)  # type: ignore[no-any-return]

    @api.post("/grants", status_code=201)
    def grant(request: Request, body: GrantIn, prop: str | None = PropertyName) -> dict[str, Any]:
        return core.run(request, prop, {"op": "grant_key", **body.model_dump()})

    @api.post("/grants/revoke")
    def revoke(request: Request, body: RevokeIn, prop: str | None = PropertyName) -> dict[str, Any]:
        return core.run(request, prop, {"op": "revoke_key", **body.model_dump()})

    @api.get("/reservations")
    def list_reservations(request: Request, prop: str | None = PropertyName) -> list[dict[str, Any]]:
        return core.read(request, prop, rest_reads.reservations)  # type: ignore[no-any-return]

    @api.post("/reservations", status_code=201)
    def reserve(request: Request, body: ReservationIn, prop: str | None = PropertyName) -> dict[str, Any]:
        return core.run(request, prop, {"op": "reserve_amenity", **body.model_dump()})

    @api.post("/reservations/cancel")
    def cancel(request: Request, body: ReservationIn, prop: str | None = PropertyName) -> dict[str, Any]:
        return core.run(request, prop, {"op": "cancel_reservation", **body.model_dump()})

    @api.get("/orders")
    def list_orders(
        request: Request, scope: Literal["mine", "property"] | None = None, prop: str | None = PropertyName
    ) -> list[dict[str, Any]]:
        """The caller's orders; the property's for its full and portfolio managers (the default for them)."""
        everyone = None if scope is None else scope == "property"
        return core.read(request, prop, lambda s, p, place: orders.listing(s, p, place, everyone=everyone))  # type: ignore[no-any-return]

    @api.get("/orders/{order}/receipt")
    def receipt(request: Request, order: str, prop: str | None = PropertyName) -> dict[str, Any]:
        """One receipt by receipt number (R-1-3) or order id: for its buyer and the property's full managers."""
        return core.read(request, prop, lambda s, p, place: orders.order_receipt(s, p, place, order))  # type: ignore[no-any-return]

    @api.get("/upgrade-requests")
    def list_upgrade_requests(request: Request, prop: str | None = PropertyName) -> list[dict[str, Any]]:
        """The property's upgrade requests, their sales state and routing: full and portfolio managers."""
        return core.read(request, prop, sales.upgrade_requests)  # type: ignore[no-any-return]

    @api.post("/operations")
    def operation(request: Request, body: Operation, prop: str | None = PropertyName) -> dict[str, Any]:
        """Any operation of the CONTRACT vocabulary, with the same permission checks as the dialogue."""
        return core.run(request, prop, body.model_dump())

    @api.get("/activity")
    def activity(
        request: Request,
        door: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        prop: str | None = PropertyName,
    ) -> dict[str, list[Any]]:
        """The events the caller may see (the DOMAIN visibility table), and apart from them the lockdowns started and
        lifted (property events) the caller may see: every manager who views activity at the property (S when a door
        of their keys is among its doors)."""
        with core.scope(request, prop) as (session, principal, place):
            try:
                target = door_in(session, place, door) if door else None
            except (NotFound, Ambiguous) as exc:
                raise HTTPException(404, exc.message) from exc
            events = visible_event_ids(session, principal, door=target, since=_aware(since), until=_aware(until))
            marks = property_events_seen(session, principal, door=target, since=_aware(since), until=_aware(until))
            return {"events": [e.external_id for e in events], "property_events": [m.as_json() for m in marks]}

    return api


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment
