"""Doors: the property's doors for its managers, with remote unlock where the core allows it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from access_core import listings
from bot.web.pages.calendar import calendar_of
from bot.web.pages.common import Pages, Plan, Viewer, preview
from bot.web.pages.forms import offset, text


def add_routes(api: APIRouter, pages: Pages) -> None:
    def show(viewer: Viewer, request: Request, status_code: int = 200, **values: Any) -> Response:
        assert viewer.prop is not None
        q = request.query_params.get("q", "")
        found = listings.doors(viewer.session, viewer.principal, viewer.prop, q, offset(request.query_params.get("offset")))
        unlocks = viewer.principal.is_portfolio_manager(viewer.prop) or viewer.principal.has(
            viewer.prop, "full_key_management", "limited_key_management", "specific_key_management"
        )
        return pages.render(
            request, "doors.html", viewer, status_code=status_code, calendar=calendar_of(viewer), page=found, q=q, unlocks=unlocks, **values
        )

    @api.get("/doors")
    def doors(request: Request) -> Response:
        return pages.page(request, lambda viewer: show(viewer, request))

    @api.post("/doors/unlock")
    def unlock(request: Request, door: Annotated[str, Form()], reason: Annotated[str | None, Form()] = None) -> Response:
        def plan(viewer: Viewer) -> Response:
            op = {"op": "unlock_door", "door": door, "reason": text(reason)}
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show(v, request, **kw),
                Plan(f"unlock {door} now", [("Door", door), ("Reason", text(reason) or "-")], [op], "/doors"),
            )

        return pages.page(request, plan)
