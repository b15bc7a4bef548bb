"""Devices: each lock's battery (low at 20 % or less), activation and firmware; activate or deactivate (P, D)."""

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
        low = request.query_params.get("low") == "1"
        rows = listings.devices(
            viewer.session, viewer.principal, viewer.prop, low_only=low, offset=offset(request.query_params.get("offset"))
        )
        return pages.render(
            request, "devices.html", viewer, status_code=status_code, rows=rows, low=low, threshold=listings.LOW_BATTERY, **values
        )

    @api.get("/devices")
    def devices(request: Request) -> Response:
        return pages.page(request, lambda viewer: show(viewer, request))

    @api.post("/devices/activation")
    def activation(request: Request, door: Annotated[str, Form()], activate: Annotated[str, Form()]) -> Response:
        def plan(viewer: Viewer) -> Response:
            on = activate == "yes"
            op = {"op": "activate_door" if on else "deactivate_door", "door": door}
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show(v, request, **kw),
                Plan(f"{'activate' if on else 'deactivate'} the lock of {door}", [("Door", door)], [op], "/devices"),
            )

        return pages.page(request, plan)
