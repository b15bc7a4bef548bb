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
from access_core.property_events import PropertyHappening, property_events_seen
from access_core.views import Doorway
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


def _property_events(
    viewer: Viewer, door: Doorway | None, person: str, since: datetime | None, until: datetime | None
) -> list[PropertyHappening]:
    """The lockdowns started and lifted at the property in the filters' period that the viewer may see (naming the
    door asked about; started or lifted by the person asked about), newest first."""
    assert viewer.prop is not None
    if door is not None:
        found = property_events_seen(viewer.session, viewer.principal, door=door, since=since, until=until)
    else:
        found = property_events_seen(viewer.session, viewer.principal, props=[viewer.prop], since=since, until=until)
    wanted = person.strip().lower()
    return [m for m in reversed(found) if not wanted or (m.by is not None and wanted in m.by.lower())]


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
            start, end = day_start(since, viewer.tz), day_start(until, viewer.tz, next_day=True)
            page = listings.activity(
                viewer.session,
                viewer.principal,
                viewer.prop,
                door=door,
                person=person,
                since=start,
                until=end,
                before=_cursor(params.get("before")),
            )
            paged = bool(params.get("before"))
            marks = [] if paged or error else _property_events(viewer, door, person, start, end)
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
                paged=paged,
                marks=marks,
                error=error,
            )

        return pages.page(request, show)
