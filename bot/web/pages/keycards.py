"""Keycards: search and paging over the property's cards; issue one, deactivate a lost one (P, F, L)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from access_core import listings
from bot.web.pages.common import Pages, Plan, Viewer, preview
from bot.web.pages.forms import offset


def add_routes(api: APIRouter, pages: Pages) -> None:
    def show(viewer: Viewer, request: Request, status_code: int = 200, **values: Any) -> Response:
        assert viewer.prop is not None
        q = request.query_params.get("q", "")
        found = listings.keycards(viewer.session, viewer.principal, viewer.prop, q, offset(request.query_params.get("offset")))
        return pages.render(request, "keycards.html", viewer, status_code=status_code, page=found, q=q, **values)

    @api.get("/keycards")
    def keycards(request: Request) -> Response:
        return pages.page(request, lambda viewer: show(viewer, request))

    @api.post("/keycards")
    def keycard(
        request: Request, serial: Annotated[str, Form()], person: Annotated[str, Form()], action: Annotated[str, Form()] = "issue"
    ) -> Response:
        def plan(viewer: Viewer) -> Response:
            issue = action != "deactivate"
            op = {"op": "issue_keycard" if issue else "deactivate_keycard", "serial": serial.strip(), "person": person.strip()}
            title = f"issue keycard {serial.strip()} to {person.strip()}" if issue else f"deactivate keycard {serial.strip()}"
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show(v, request, **kw),
                Plan(title, [("Card", serial.strip()), ("Holder", person.strip())], [op], "/keycards"),
            )

        return pages.page(request, plan)
