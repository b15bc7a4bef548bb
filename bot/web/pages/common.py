"""What every page shares: who is signed in, their property and sections, rendering, and making a change.

Pages are rendered on the server with Jinja2 templates, and a small script (``static/app.js``) plus a
vendored, pinned htmx file add the docked chat and in-place searches. No Node build step: ``make run``
and ``make test`` stay two commands, every asset is a same-origin file (works offline, fits a strict
Content-Security-Policy: no inline script or style), and every page works as plain HTML forms first.

A change made from a page is an operation of the CONTRACT vocabulary run by ``access_core`` (the same
service, permission checks and audit as the dialogue and the REST API): the form is first tried in a
rolled-back savepoint and shown as a planned-change card with Confirm and Cancel; only Confirm writes.
The pages' fields are already structured, so nothing goes through the language model to be misread.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from access_core import listings
from access_core.commands import from_op
from access_core.db import Database, begin_writing
from access_core.describe import done
from access_core.directory import Seat, seat_of
from access_core.errors import CoreError, Refused
from access_core.principal import Principal
from access_core.rules.facts import Place
from access_core.services.context import Context
from access_core.services.dispatch import execute_all, try_operations
from access_core.sources import zone
from bot.web import csrf
from bot.web.auth import signed_in

WEB = Path(__file__).resolve().parents[1]
templates = Jinja2Templates(directory=str(WEB / "templates"))
templates.env.filters["sentence"] = lambda text: text[:1].upper() + text[1:]
templates.env.globals["csrf_token"] = csrf.token


class SignInNeeded(Exception):
    """The page needs a signed-in person."""


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    """The section's name (DOMAIN.md)."""
    path: str
    """Its page."""


@dataclass(slots=True)
class Viewer(Seat):
    """The signed-in person at one of their properties (the core's seat), with this request's unit of work."""

    session: Session = field(kw_only=True)

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.prop.timezone) if self.prop is not None else ZoneInfo("UTC")

    def context(self, now: datetime | None = None) -> Context:
        if self.prop is None:
            raise HTTPException(404, "You have no property yet.")
        return Context(self.session, self.principal, now or datetime.now(UTC), self.prop)


def sections_for(principal: Principal, prop: Place | None, *, holds_keys: bool) -> list[Section]:
    """The sections this person may use at the property, in the product's order; Keys for key managers, and for
    anyone else only when they hold keys there (``holds_keys``: what the Keys page would list them), so a device
    manager (no keys, DOMAIN's D) is not offered a page of nothing."""
    if prop is None:
        return [Section("Concierge", "/concierge")]
    keys_manager = principal.manages_keys_at(prop)
    full = principal.is_portfolio_manager(prop) or principal.has(prop, "full_key_management")
    limited = full or principal.has(prop, "limited_key_management")
    devices = principal.is_portfolio_manager(prop) or principal.has(prop, "device_management")
    shown = [
        ("People", "/people", keys_manager),
        ("Keys", "/keys", keys_manager or holds_keys),
        ("Doors", "/doors", principal.is_manager_at(prop)),
        ("Activity", "/activity", True),
        ("Managers", "/managers", principal.is_manager_at(prop)),
        ("Keycards", "/keycards", limited),
        ("Schedules", "/schedules", full),
        ("Devices", "/devices", devices),
        ("Concierge", "/concierge", True),
        ("Calls", "/concierge/agent", prop.id in principal.agent_at),
    ]
    if prop.id in principal.agent_at and not principal.is_manager_at(prop):
        shown = [s for s in shown if s[0] in ("Concierge", "Calls")]
    return [Section(name, path) for name, path, allowed in shown if allowed]


def first_page(principal: Principal, prop: Place | None) -> str:
    """Where a person lands after signing in: managers on People (else Activity), agents on their calls,
    device managers on Devices, everyone else with the concierge."""
    if prop is None:
        return "/concierge"
    if principal.manages_keys_at(prop):
        return "/people"
    if principal.is_portfolio_manager(prop) or principal.has(prop, "device_management"):
        return "/devices"
    if prop.id in principal.agent_at:
        return "/concierge/agent"
    if principal.is_manager_at(prop):
        return "/activity"
    return "/concierge"


class Pages:
    """Opens a viewer per request and renders templates with the layout's context."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @contextmanager
    def viewer(self, request: Request) -> Iterator[Viewer]:
        handle = signed_in(request)
        if not handle:
            raise SignInNeeded
        with self.database.session() as session:
            seat = seat_of(session, handle, request.session.get("property"))
            if seat is None:
                request.session.clear()
                raise SignInNeeded
            yield Viewer(seat.person, seat.principal, seat.prop, seat.properties, session=session)

    def page(self, request: Request, build: Callable[[Viewer], Response]) -> Response:
        """A page for the signed-in person (else the sign-in page); a refusal by the core is shown in words, 403."""
        try:
            with self.viewer(request) as viewer:
                try:
                    return build(viewer)
                except Refused as exc:
                    viewer.session.rollback()
                    return self.render(request, "refused.html", viewer, status_code=403, message=exc.message)
        except SignInNeeded:
            return RedirectResponse("/signin?next=" + quote(request.url.path, safe="/"), status_code=303)

    def render(self, request: Request, template: str, viewer: Viewer, status_code: int = 200, **values: Any) -> HTMLResponse:
        flash = request.session.pop("flash", None) if "session" in request.scope else None
        focus = request.session.pop("focus", None) if "session" in request.scope else None
        tz = viewer.tz
        values.setdefault("plan", None)
        values.setdefault("error", None)
        return templates.TemplateResponse(
            request,
            template,
            {
                "viewer": viewer,
                "prop": viewer.prop,
                "sections": sections_for(viewer.principal, viewer.prop, holds_keys=holds_keys(viewer)),
                "path": request.url.path,
                "flash": flash,
                "focus_main": focus == "main",
                "local": lambda moment: local_text(moment, tz),
                "role": role_name(viewer.principal, viewer.prop),
                "chat_data": chat_data(viewer),
                **values,
            },
            status_code=status_code,
        )


def holds_keys(viewer: Viewer) -> bool:
    """Whether the Keys page has something for the viewer: every key for a key manager, else the keys they hold."""
    if viewer.prop is None:
        return False
    return viewer.principal.manages_keys_at(viewer.prop) or bool(listings.key_names(viewer.session, viewer.principal, viewer.prop, 1))


def chat_data(viewer: Viewer) -> dict[str, Any]:
    """What the docked chat needs: who is talking, the property's zone and what to ask next (plan cards come from
    the server with each planned change: ``bot.web.pages.chat``)."""
    prop = viewer.prop
    return {
        "me": viewer.person.label,
        "handle": viewer.person.handle,
        "property": prop.name if prop else None,
        "tz": prop.timezone if prop else "UTC",
        "suggestions": suggestions(viewer.principal, prop),
    }


def suggestions(principal: Principal, prop: Place | None) -> list[str]:
    """What a person in this role might ask next."""
    if prop is None:
        return ["help"]
    if principal.manages_keys_at(prop):
        return ["Who has access to the front door?", "Show today's activity", "How do I invite someone?", "Which locks have low battery?"]
    if principal.is_manager_at(prop):
        return ["Which locks have low battery?", "How do I install a lock?", "help"]
    if prop.id in principal.agent_at:
        return ["How do I answer an intercom call?", "help"]
    return ["Send a guest code for tomorrow", "What services are there?", "Book the roof deck Saturday 10am to 12pm", "help"]


def role_name(principal: Principal, prop: Place | None) -> str:
    if prop is None:
        return "guest"
    if principal.is_portfolio_manager(prop):
        return "portfolio manager"
    if principal.manages_keys_at(prop):
        return "property manager"
    if principal.has(prop, "device_management"):
        return "device manager"
    if prop.id in principal.agent_at:
        return "concierge agent"
    return "resident"


def local_text(moment: datetime | None, tz: ZoneInfo) -> str:
    """A moment in the property's time zone, e.g. 'Fri 1 Jan 2027 09:00'."""
    if moment is None:
        return "-"
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


@dataclass(frozen=True, slots=True)
class Plan:
    """A change checked against the core and waiting for Confirm: the operations and how to say them."""

    title: str
    """What changes, imperative ("Give Priya Shah Resident 3A")."""
    details: list[tuple[str, str]]
    """(label, value) pairs: for whom, from, until, price."""
    operations: list[dict[str, Any]]
    """The CONTRACT operations Confirm runs."""
    action: str
    """The page to go back to (after Confirm or Cancel)."""
    confirm_url: str = "/changes/confirm"
    """Where Confirm posts."""
    extra: tuple[tuple[str, str], ...] = ()
    """The hidden fields Confirm sends instead of the operations (a CSV file's text)."""

    @property
    def fields(self) -> list[tuple[str, str]]:
        return list(self.extra) if self.extra else [("operations", json.dumps(self.operations)), ("back", self.action)]


def plan_change(viewer: Viewer, operations: list[dict[str, Any]]) -> str | None:
    """Try the operations in a rolled-back savepoint: None when the core accepts them, else its refusal in words."""
    try:
        try_operations(viewer.context(), [from_op(op, undo=False) for op in operations])
    except CoreError as exc:
        return exc.message
    return None


def make_change(viewer: Viewer, operations: list[dict[str, Any]]) -> list[str]:
    """Run the operations for real, in the viewer's unit of work; their past-tense summaries (CoreError propagates)."""
    commands = [from_op(op, undo=False) for op in operations]
    begin_writing(viewer.session)
    ctx = viewer.context()
    return [done(outcome, ctx.tz) for outcome in execute_all(ctx, commands)]


def confirmed(request: Request, summaries: list[str], back: str) -> Response:
    """After a change: say what was done on the next page, focused, and go there (post/redirect/get)."""
    request.session["flash"] = {"text": " ".join(summaries), "kind": "done"}
    request.session["focus"] = "main"
    return RedirectResponse(back, status_code=303)


def operations_from(form_value: str) -> list[dict[str, Any]]:
    """The operations a Confirm button carries back (checked again by the core when run)."""
    try:
        ops = json.loads(form_value)
    except ValueError as exc:
        raise HTTPException(422, "the planned change could not be read") from exc
    if not isinstance(ops, list) or not all(isinstance(op, dict) and isinstance(op.get("op"), str) for op in ops):
        raise HTTPException(422, "the planned change could not be read")
    return ops


def preview(pages: Pages, request: Request, viewer: Viewer, show: Callable[..., Response], plan: Plan) -> Response:
    """Show ``plan`` as a card on its page when the core accepts it, else the core's reason on the same page."""
    problem = plan_change(viewer, plan.operations)
    if problem is not None:
        return show(viewer, error=problem, status_code=422)
    return show(viewer, plan=plan)
