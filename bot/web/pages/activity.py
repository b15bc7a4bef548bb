"""Activity: the viewer's events, newest first, filtered by door, person and dates, paged by keyset.

Strictly within the viewer's scope: ``access_core.listings.activity`` applies the DOMAIN visibility in SQL.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from access_core import listings
from access_core.errors import Ambiguous, NotFound
from access_core.lookup import door_in
from bot.web.pages.common import Pages, Viewer
from bot.web.pages.forms import day_start


def _cursor(value: str | None) -> tuple[datetime, int] | None:
    """`before=<iso time>_<id>` of the last event shown."""
    if not value or "_" not in value:
        return None
    at, _, ident = value.rpartition("_")
    try:
        return datetime.fromisoformat(at), int(ident)
    except ValueError:
        return None


def add_routes(api: APIRouter, pages: Pages) -> None:
    @api.get("/activity")
    def activity(request: Request) -> Response:
        def show(viewer: Viewer) -> Response:
            assert viewer.prop is not None
            params = request.query_params
            door_name, person = params.get("door", ""), params.get("person", "")
            since, until = params.get("since", ""), params.get("until", "")
            error = None
            door = None
            if door_name:
                try:
                    door = door_in(viewer.session, viewer.prop, door_name)
                except (NotFound, Ambiguous) as exc:
                    error = exc.message
            page = listings.activity(
                viewer.session,
                viewer.principal,
                viewer.prop,
                door=door,
                person=person,
                since=day_start(since, viewer.tz),
                until=day_start(until, viewer.tz, next_day=True),
                before=_cursor(params.get("before")),
            )
            last = page.rows[-1].event if page.rows else None
            filters = {"door": door_name, "person": person, "since": since, "until": until}
            older = None
            if page.more and last is not None:
                older = "/activity?" + urlencode({**filters, "before": f"{last.at.isoformat()}_{last.id}"})
            doors = listings.door_names(viewer.session, viewer.principal, viewer.prop)
            return pages.render(
                request,
                "activity.html",
                viewer,
                page=page,
                older=older,
                doors=doors,
                filters=filters,
                paged=bool(params.get("before")),
                error=error,
            )

        return pages.page(request, show)
