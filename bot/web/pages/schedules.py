"""Schedules: every door of every key with its weekly windows, edited in the canonical form (full key managers)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from access_core import listings
from access_core.schedule import ScheduleError, canonical_schedule
from bot.web.pages.calendar import calendar_of
from bot.web.pages.common import Pages, Plan, Viewer, preview
from bot.web.pages.forms import offset, text


def add_routes(api: APIRouter, pages: Pages) -> None:
    def show(viewer: Viewer, request: Request, status_code: int = 200, **values: Any) -> Response:
        assert viewer.prop is not None
        q = request.query_params.get("q", "")
        rows = listings.schedules(viewer.session, viewer.principal, viewer.prop, q, offset(request.query_params.get("offset")))
        return pages.render(
            request, "schedules.html", viewer, status_code=status_code, calendar=calendar_of(viewer), page=rows, q=q, **values
        )

    @api.get("/schedules")
    def schedules(request: Request) -> Response:
        return pages.page(request, lambda viewer: show(viewer, request))

    @api.post("/schedules")
    def set_schedule(
        request: Request, key: Annotated[str, Form()], door: Annotated[str, Form()], schedule: Annotated[str | None, Form()] = None
    ) -> Response:
        def plan(viewer: Viewer) -> Response:
            try:
                canonical = canonical_schedule(text(schedule))
            except ScheduleError as exc:
                return show(viewer, request, error=f"{schedule!r} is not a schedule: {exc}", status_code=422)
            op = {"op": "set_schedule", "key": key, "door": door, "schedule": canonical}
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show(v, request, **kw),
                Plan(
                    f"set {door} in {key} to {canonical or 'always'}",
                    [
                        ("Key", key),
                        ("Door", door),
                        ("Schedule", canonical or "always open to holders"),
                        ("Time zone", viewer.prop.timezone if viewer.prop else "-"),
                    ],
                    [op],
                    "/schedules",
                ),
            )

        return pages.page(request, plan)
