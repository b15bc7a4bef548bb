"""Keys: the keys one may see; a key's doors, schedules and holders; give, revoke and (for holders) share a key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from access_core import listings
from access_core.directory import label_of
from bot.web.pages.common import Pages, Plan, Viewer, preview
from bot.web.pages.forms import local_iso, offset, shown, text


def _name(viewer: Viewer, ref: str) -> str:
    """A person named in a form by email or phone, by their name when known."""
    return label_of(viewer.session, ref)


def add_routes(api: APIRouter, pages: Pages) -> None:
    def show_list(viewer: Viewer, request: Request, status_code: int = 200, **values: Any) -> Response:
        q = request.query_params.get("q", "")
        assert viewer.prop is not None
        found = listings.keys(viewer.session, viewer.principal, viewer.prop, q, offset(request.query_params.get("offset")))
        return pages.render(request, "keys.html", viewer, status_code=status_code, page=found, q=q, **values)

    def show_key(key_id: int) -> Any:
        def show(viewer: Viewer, request: Request, status_code: int = 200, **values: Any) -> Response:
            assert viewer.prop is not None
            key = listings.key(viewer.session, viewer.principal, viewer.prop, key_id)
            holders = listings.key_holders(viewer.session, viewer.principal, viewer.prop, key, offset(request.query_params.get("offset")))
            now = datetime.now(UTC)
            ended = {g.id for g in holders.rows if g.ends_at is not None and g.ends_at <= now}
            return pages.render(
                request,
                "key.html",
                viewer,
                status_code=status_code,
                key=key,
                holders=holders,
                ended=ended,
                gives=viewer.principal.manages_keys_at(viewer.prop),
                **values,
            )

        return show

    @api.get("/keys")
    def keys(request: Request) -> Response:
        return pages.page(request, lambda viewer: show_list(viewer, request))

    @api.get("/keys/schedules")
    def schedules_alias(request: Request) -> Response:
        from fastapi.responses import RedirectResponse

        return RedirectResponse("/schedules", status_code=307)

    @api.get("/keys/{key_id}")
    def key_page(request: Request, key_id: int) -> Response:
        return pages.page(request, lambda viewer: show_key(key_id)(viewer, request))

    @api.post("/keys/{key_id}/give")
    def give(
        request: Request,
        key_id: int,
        person: Annotated[str, Form()],
        starts: Annotated[str | None, Form()] = None,
        ends: Annotated[str | None, Form()] = None,
        resident: Annotated[str | None, Form()] = None,
        may_share: Annotated[str | None, Form()] = None,
    ) -> Response:
        def plan(viewer: Viewer) -> Response:
            assert viewer.prop is not None
            key = listings.key(viewer.session, viewer.principal, viewer.prop, key_id)
            op = {
                "op": "grant_key",
                "person": person.strip(),
                "key": key.name,
                "starts_at": local_iso(starts, viewer.tz),
                "ends_at": local_iso(ends, viewer.tz),
                "resident": None if not resident else resident == "yes",
                "may_share": None if not may_share else may_share == "yes",
            }
            who = _name(viewer, person)
            details = [
                ("For", who),
                ("Key", key.name),
                ("From", shown(starts, viewer.tz, "now")),
                ("Until", shown(ends, viewer.tz, "no end")),
            ]
            if resident:
                details.append(("Resident", resident))
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show_key(key_id)(v, request, **kw),
                Plan(f"give {who} {key.name}", details, [op], f"/keys/{key_id}"),
            )

        return pages.page(request, plan)

    @api.post("/keys/{key_id}/revoke")
    def revoke(request: Request, key_id: int, person: Annotated[str, Form()], label: Annotated[str | None, Form()] = None) -> Response:
        def plan(viewer: Viewer) -> Response:
            assert viewer.prop is not None
            key = listings.key(viewer.session, viewer.principal, viewer.prop, key_id)
            who = text(label) or person
            op = {"op": "revoke_key", "person": person, "key": key.name, "at": None}
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show_key(key_id)(v, request, **kw),
                Plan(f"revoke {key.name} from {who}", [("From", who), ("Key", key.name), ("When", "now")], [op], f"/keys/{key_id}"),
            )

        return pages.page(request, plan)

    @api.post("/keys/{key_id}/share")
    def share(
        request: Request,
        key_id: int,
        guest: Annotated[str, Form()],
        starts: Annotated[str | None, Form()] = None,
        ends: Annotated[str | None, Form()] = None,
    ) -> Response:
        def plan(viewer: Viewer) -> Response:
            assert viewer.prop is not None
            key = listings.key(viewer.session, viewer.principal, viewer.prop, key_id)
            op = {
                "op": "share_key",
                "granter": viewer.person.handle,
                "guest": guest.strip(),
                "key": key.name,
                "starts_at": local_iso(starts, viewer.tz),
                "ends_at": local_iso(ends, viewer.tz),
            }
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show_key(key_id)(v, request, **kw),
                Plan(
                    f"share {key.name} with {_name(viewer, guest)}",
                    [
                        ("Guest", _name(viewer, guest)),
                        ("Key", key.name),
                        ("From", shown(starts, viewer.tz, "now")),
                        ("Until", shown(ends, viewer.tz, "-")),
                    ],
                    [op],
                    f"/keys/{key_id}",
                ),
            )

        return pages.page(request, plan)
