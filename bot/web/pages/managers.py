"""Managers: who manages the property, with what permission; portfolio managers add managers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from access_core import listings
from bot.web.pages.common import Pages, Plan, Viewer, preview

LEVELS = {
    "full_key_management": "Full key management",
    "limited_key_management": "Limited key management",
    "specific_key_management": "Specific keys",
    "device_management": "Devices",
}
ROLES = {"portfolio_manager": "Portfolio manager", "property_manager": "Property manager", "concierge_agent": "Concierge agent"}


def add_routes(api: APIRouter, pages: Pages) -> None:
    def show(viewer: Viewer, request: Request, status_code: int = 200, **values: Any) -> Response:
        assert viewer.prop is not None
        rows = listings.managers(viewer.session, viewer.principal, viewer.prop)
        keys = listings.key_names(viewer.session, viewer.principal, viewer.prop)
        return pages.render(
            request,
            "managers.html",
            viewer,
            status_code=status_code,
            rows=rows,
            levels=LEVELS,
            roles=ROLES,
            keys=keys,
            adds=viewer.principal.is_portfolio_manager(viewer.prop),
            **values,
        )

    @api.get("/managers")
    def managers(request: Request) -> Response:
        return pages.page(request, lambda viewer: show(viewer, request))

    @api.post("/managers")
    def add(
        request: Request,
        person: Annotated[str, Form()],
        role: Annotated[str, Form()] = "property_manager",
        permissions: Annotated[list[str] | None, Form()] = None,
        keys: Annotated[list[str] | None, Form()] = None,
    ) -> Response:
        def plan(viewer: Viewer) -> Response:
            chosen = [p for p in permissions or [] if p in LEVELS]
            op = {"op": "create_manager", "person": person.strip(), "role": role, "permissions": chosen, "keys": keys or []}
            details = [
                ("Who", person.strip()),
                ("Role", ROLES.get(role, role)),
                ("Permissions", ", ".join(LEVELS[p] for p in chosen) or "-"),
            ]
            if keys:
                details.append(("Keys", ", ".join(keys)))
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show(v, request, **kw),
                Plan(f"make {person.strip()} a {ROLES.get(role, role).lower()}", details, [op], "/managers"),
            )

        return pages.page(request, plan)
