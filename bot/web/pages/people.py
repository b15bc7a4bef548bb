"""People: search and paging over the property's people; invite (optionally with a key) and CSV import, each confirmed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from access_core import listings
from access_core.csv_import import ImportRejected, import_csv
from access_core.db import begin_writing
from access_core.errors import CoreError
from bot.web.pages.common import Pages, Plan, Viewer, confirmed, preview
from bot.web.pages.forms import local_iso, offset, shown, text

MAX_CSV = 2_000_000
"""The largest CSV file a page accepts, in bytes."""


def add_routes(api: APIRouter, pages: Pages) -> None:
    def show(viewer: Viewer, request: Request, status_code: int = 200, **values: Any) -> Response:
        q = request.query_params.get("q", "")
        found = (
            listings.people(viewer.session, viewer.principal, viewer.prop, q, offset(request.query_params.get("offset")))
            if viewer.prop
            else listings.Page([])
        )
        keys = listings.key_names(viewer.session, viewer.principal, viewer.prop) if viewer.prop else []
        return pages.render(request, "people.html", viewer, status_code=status_code, page=found, q=q, keys=keys, **values)

    @api.get("/people")
    def people(request: Request) -> Response:
        return pages.page(request, lambda viewer: show(viewer, request))

    @api.post("/people/invite")
    def invite(
        request: Request,
        name: Annotated[str, Form()],
        email: Annotated[str | None, Form()] = None,
        phone: Annotated[str | None, Form()] = None,
        key: Annotated[str | None, Form()] = None,
        starts: Annotated[str | None, Form()] = None,
        ends: Annotated[str | None, Form()] = None,
        resident: Annotated[str | None, Form()] = None,
    ) -> Response:
        def plan(viewer: Viewer) -> Response:
            who = {"name": name.strip(), "email": text(email), "phone": text(phone)}
            details = [("Who", name.strip()), ("Contact", text(email) or text(phone) or "-")]
            if text(key):
                op: dict[str, Any] = {
                    "op": "grant_key",
                    "person": who,
                    "key": text(key),
                    "starts_at": local_iso(starts, viewer.tz),
                    "ends_at": local_iso(ends, viewer.tz),
                    "resident": None if resident is None else resident == "yes",
                    "may_share": None,
                }
                details += [("Key", str(text(key))), ("From", shown(starts, viewer.tz, "now")), ("Until", shown(ends, viewer.tz, "no end"))]
                if resident is not None:
                    details.append(("Resident", "yes" if resident == "yes" else "no"))
                title = f"invite {name.strip()} and give them {text(key)}"
            else:
                op, title = {"op": "invite_person", **who}, f"invite {name.strip()}"
            return preview(pages, request, viewer, lambda v, **kw: show(v, request, **kw), Plan(title, details, [op], "/people"))

        return pages.page(request, plan)

    @api.get("/people/import")
    def import_page(request: Request) -> Response:
        return pages.page(request, lambda viewer: show(viewer, request, importing=True))

    @api.post("/people/import")
    async def import_file(
        request: Request,
        key: Annotated[str, Form()],
        file: Annotated[UploadFile | None, File()] = None,
        csv_text: Annotated[str | None, Form()] = None,
        confirm: Annotated[str | None, Form()] = None,
    ) -> Response:
        """Upload: the import is tried in a rolled-back savepoint and shown as a plan; Confirm applies it, all or nothing."""
        data = csv_text if csv_text is not None else (await file.read(MAX_CSV + 1)).decode("utf-8-sig", "replace") if file else ""

        def run(viewer: Viewer) -> Response:
            if len(data) > MAX_CSV:
                return show(viewer, request, importing=True, error="The file is larger than 2 MB.", status_code=413)
            ctx = viewer.context()
            if confirm:
                begin_writing(viewer.session)
                try:
                    report = import_csv(ctx, key, data)
                except ImportRejected as exc:
                    viewer.session.rollback()
                    return show(viewer, request, importing=True, rejected=exc.errors, status_code=422)
                return confirmed(
                    request,
                    [
                        f"Imported {report.imported} people onto {report.key} "
                        f"({report.people_created} new, {report.grants_updated} updated)."
                    ],
                    "/people",
                )
            savepoint = viewer.session.begin_nested()
            try:
                report = import_csv(ctx, key, data)
            except ImportRejected as exc:
                return show(viewer, request, importing=True, rejected=exc.errors, status_code=422)
            except CoreError as exc:
                return show(viewer, request, importing=True, error=exc.message, status_code=422)
            finally:
                savepoint.rollback()
            details = [
                ("Key", report.key),
                ("People", str(report.imported)),
                ("New people", str(report.people_created)),
                ("Newly given the key", str(report.grants_created)),
                ("Changed", str(report.grants_updated)),
            ]
            details += [("Note", w) for w in map(str, report.warnings)]
            return show(
                viewer,
                request,
                importing=True,
                plan=Plan(
                    f"import {report.imported} people onto {report.key}",
                    details,
                    [],
                    "/people/import",
                    "/people/import",
                    (("key", key), ("csv_text", data), ("confirm", "yes")),
                ),
            )

        return pages.page(request, run)
