"""Calls: the Concierge Pro agent console. Open calls arrive live (server-sent events from `/api/agent/events`,
see ``bot.web.agent_console``), the call history lists ended calls, times are the property's."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from access_core import listings
from bot.web.pages.common import Pages, Viewer
from bot.web.pages.forms import offset


def add_routes(api: APIRouter, pages: Pages) -> None:
    @api.get("/concierge/agent")
    def console(request: Request) -> Response:
        def show(viewer: Viewer) -> Response:
            if viewer.prop is None:
                return pages.render(request, "refused.html", viewer, status_code=403, message="You answer no property's calls.")
            history = listings.call_history(viewer.session, viewer.principal, viewer.prop, offset(request.query_params.get("offset")))
            return pages.render(request, "agent.html", viewer, title="Calls", history=history, tz=viewer.prop.timezone)

        return pages.page(request, show)
