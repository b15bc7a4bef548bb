"""`/`, signing in and out, and Confirm of a planned change (the one place a page's change is written)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from access_core.directory import Someone, people_by_name
from access_core.errors import CoreError
from access_core.lookup import person_by_ref
from bot.web.auth import demo_mode, end_session, person_for_token, start_session
from bot.web.pages.common import Pages, Viewer, confirmed, first_page, make_change, operations_from, templates

DEMO_PEOPLE = 500
"""The demo chooser lists at most this many people (a large property signs in by token)."""


def _safe_next(value: str | None) -> str | None:
    """Only a path of this site (never another host) after signing in."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def add_routes(api: APIRouter, pages: Pages) -> None:
    database = pages.database

    @api.get("/")
    def home(request: Request) -> Response:
        return pages.page(request, lambda viewer: RedirectResponse(first_page(viewer.principal, viewer.prop), status_code=303))

    @api.get("/signin", response_class=HTMLResponse)
    def signin_page(request: Request, next: str | None = None, error: str | None = None) -> Response:
        people: list[Someone] = []
        if demo_mode():
            with database.session() as session:
                people = people_by_name(session, DEMO_PEOPLE)
                return templates.TemplateResponse(
                    request, "signin.html", {"demo": True, "people": people, "next": _safe_next(next), "error": error}
                )
        return templates.TemplateResponse(
            request, "signin.html", {"demo": False, "people": people, "next": _safe_next(next), "error": error}
        )

    @api.post("/signin")
    def sign_in(
        request: Request,
        person: Annotated[str | None, Form()] = None,
        token: Annotated[str | None, Form()] = None,
        next: Annotated[str | None, Form()] = None,
    ) -> Response:
        with database.session() as session:
            found = None
            if token and token.strip():
                found = person_for_token(session, token)
            elif person and demo_mode():
                found = person_by_ref(session, person)
            if found is None:
                return templates.TemplateResponse(
                    request,
                    "signin.html",
                    {
                        "demo": demo_mode(),
                        "people": people_by_name(session, DEMO_PEOPLE) if demo_mode() else [],
                        "next": _safe_next(next),
                        "error": "Sign-in failed: unknown person or token.",
                    },
                    status_code=403,
                )
            start_session(request, database, found.id, token if token and token.strip() else None)
        request.session["focus"] = "main"
        return RedirectResponse(_safe_next(next) or "/", status_code=303)

    @api.post("/property")
    def choose_property(request: Request, name: Annotated[str, Form()], back: Annotated[str, Form()] = "/") -> Response:
        """Work at another of one's properties (only one of theirs: the next page checks it again)."""

        def choose(viewer: Viewer) -> Response:
            if any(p.name == name for p in viewer.properties):
                request.session["property"] = name
            return RedirectResponse(_safe_next(back) or "/", status_code=303)

        return pages.page(request, choose)

    @api.post("/signout")
    def sign_out(request: Request) -> Response:
        end_session(request, database)
        return RedirectResponse("/signin", status_code=303)

    @api.post("/changes/confirm")
    def confirm(request: Request, operations: Annotated[str, Form()], back: Annotated[str, Form()] = "/") -> Response:
        """Confirm of a planned change: the core runs it with every permission check again, or says why not."""
        target = _safe_next(back) or "/"

        def run(viewer: Viewer) -> Response:
            try:
                summaries = make_change(viewer, operations_from(operations))
            except CoreError as exc:
                viewer.session.rollback()
                request.session["flash"] = {"text": "Nothing was changed: " + exc.message, "kind": "error"}
                request.session["focus"] = "main"
                return RedirectResponse(target, status_code=303)
            return confirmed(request, summaries, target)

        return pages.page(request, run)
