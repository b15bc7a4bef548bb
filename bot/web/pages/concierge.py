"""Concierge: help for the person's role, feature highlights, upgrades (Submit a Request for P and F), amenities,
services with their prices and experiences; every booking is planned with its price and confirmed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from access_core import listings, policy
from access_core.errors import CoreError
from access_core.listings import Offer
from bot.web.pages.common import Pages, Plan, Viewer, local_text, preview, sections_for
from bot.web.pages.forms import local_iso, offset, shown
from concierge_catalog.help import SECTIONS
from concierge_catalog.help import Section as HelpSection
from concierge_catalog.highlights import highlights

UPGRADE_NAMES = {
    "latch_camera": "Latch Camera",
    "package_lockers": "Package Lockers",
    "smart_thermostats": "Smart Thermostats",
    "concierge_pro": "Concierge Pro",
    "keycards": "Keycards",
    "doorcodes": "Door codes",
    "guest_sharing": "Guest sharing",
    "amenity_booking": "Amenity booking",
    "schedules": "Schedules",
}


HOLDER_HELP = (
    HelpSection(
        "Keys",
        "/keys",
        (),
        (
            "Open Keys to see the keys you hold and their doors.",
            "Choose a key to see its doors and their schedules.",
            "On a shareable key, use Share with a guest to send a guest pass.",
        ),
    ),
    HelpSection(
        "Activity",
        "/activity",
        (),
        ("Open Activity.", "Filter by door and dates.", "You see your own entries, and your guests' entries at your home."),
    ),
    HelpSection(
        "Concierge",
        "/concierge",
        (),
        (
            "Open Concierge.",
            "Book an amenity or a service: its price and times are shown before you confirm.",
            "Or ask the concierge chat, docked on every page.",
        ),
    ),
)
"""Help for people who hold keys but manage nothing: their own tasks, not the managers' screens."""

AGENT_HELP = (
    HelpSection(
        "Concierge",
        "/concierge/agent",
        (),
        (
            "Open Calls: new intercom calls appear there as they ring.",
            "Answer one call at a time; ring the resident or unlock a delivery door.",
            "Resolve the call with a note; it stays in the call history here.",
        ),
    ),
)


def human(name: str) -> str:
    """An upgrade or feature by its product name ("package_lockers" is "Package Lockers")."""
    return UPGRADE_NAMES.get(name, name.replace("_", " ").capitalize())


def _allowed(check: Any) -> bool:
    try:
        check()
    except CoreError:
        return False
    return True


def catalog(viewer: Viewer) -> dict[str, Any]:
    """What the Concierge page and the docked chat show the person at their property."""
    prop, principal, session = viewer.prop, viewer.principal, viewer.session
    if prop is None:
        return {
            "help": [],
            "highlights": [],
            "upgrades": [],
            "amenities": [],
            "services": [],
            "experiences": [],
            "sells": False,
            "books": False,
        }
    names = {s.name for s in sections_for(principal, prop, holds_keys=False)}  # help for managers' own screens
    helped: tuple[HelpSection, ...] | list[HelpSection]
    if principal.is_manager_at(prop):
        helped = [s for s in SECTIONS if s.name in names or (s.name == "CSV import" and "People" in names)]
    else:
        helped = AGENT_HELP if prop.id in principal.agent_at else HOLDER_HELP
    items = listings.offers(session, prop)
    return {
        "help": helped,
        "highlights": [(human(h.feature), h.why, h.how) for h in highlights(session, prop)] if principal.is_manager_at(prop) else [],
        "upgrades": [(u, human(u)) for u in prop.upgrades if u not in prop.features] if principal.is_manager_at(prop) else [],
        "sells": _allowed(lambda: policy.require_sales(principal, prop)),
        "books": _allowed(lambda: policy.require_resident_services(session, principal, prop, datetime.now(UTC))),
        "amenities": listings.amenities(session, prop),
        "services": [i for i in items if i.kind == "service"],
        "experiences": [i for i in items if i.kind == "experience"],
    }


def _price(item: Offer, quantity: int = 1) -> str:
    return item.price_text(quantity)


def add_routes(api: APIRouter, pages: Pages) -> None:
    def show(viewer: Viewer, request: Request, status_code: int = 200, **values: Any) -> Response:
        history = None
        if viewer.prop is not None and _allowed(lambda: policy.require_call_answering(viewer.principal, viewer.prop)):
            history = listings.calls(viewer.session, viewer.principal, viewer.prop, offset(request.query_params.get("calls")))
        return pages.render(
            request,
            "concierge.html",
            viewer,
            status_code=status_code,
            **catalog(viewer),
            human=human,
            price=_price,
            history=history,
            **values,
        )

    def item(viewer: Viewer, kind: str, name: str) -> Offer | None:
        assert viewer.prop is not None
        return listings.offer(viewer.session, viewer.prop, kind, name)

    @api.get("/concierge")
    def concierge(request: Request) -> Response:
        return pages.page(request, lambda viewer: show(viewer, request))

    @api.post("/concierge/upgrade")
    def upgrade(request: Request, upgrade: Annotated[str, Form()]) -> Response:
        def plan(viewer: Viewer) -> Response:
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show(v, request, **kw),
                Plan(
                    f"submit a request for {human(upgrade)}",
                    [("Upgrade", human(upgrade))],
                    [{"op": "submit_request", "upgrade": upgrade}],
                    "/concierge",
                ),
            )

        return pages.page(request, plan)

    @api.post("/concierge/amenity")
    def amenity(
        request: Request, amenity: Annotated[str, Form()], starts: Annotated[str, Form()], ends: Annotated[str, Form()]
    ) -> Response:
        def plan(viewer: Viewer) -> Response:
            op = {
                "op": "reserve_amenity",
                "amenity": amenity,
                "person": viewer.person.handle,
                "starts_at": local_iso(starts, viewer.tz),
                "ends_at": local_iso(ends, viewer.tz),
            }
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show(v, request, **kw),
                Plan(
                    f"book {amenity}",
                    [
                        ("Amenity", amenity),
                        ("For", viewer.person.label),
                        ("From", shown(starts, viewer.tz)),
                        ("Until", shown(ends, viewer.tz)),
                        ("Price", "free"),
                    ],
                    [op],
                    "/concierge",
                ),
            )

        return pages.page(request, plan)

    @api.post("/concierge/service")
    def service(request: Request, service: Annotated[str, Form()], starts: Annotated[str, Form()]) -> Response:
        def plan(viewer: Viewer) -> Response:
            found = item(viewer, "service", service)
            op = {"op": "book_service", "service": service, "person": viewer.person.handle, "starts_at": local_iso(starts, viewer.tz)}
            details = [
                ("Service", service),
                ("For", viewer.person.label),
                ("When", shown(starts, viewer.tz)),
                ("Price", _price(found) if found else "-"),
            ]
            return preview(
                pages, request, viewer, lambda v, **kw: show(v, request, **kw), Plan(f"book {service}", details, [op], "/concierge")
            )

        return pages.page(request, plan)

    @api.post("/concierge/experience")
    def experience(request: Request, experience: Annotated[str, Form()], quantity: Annotated[int, Form()] = 1) -> Response:
        def plan(viewer: Viewer) -> Response:
            found = item(viewer, "experience", experience)
            op = {"op": "buy_experience", "experience": experience, "person": viewer.person.handle, "quantity": quantity}
            details = [
                ("Experience", experience),
                ("For", viewer.person.label),
                ("Tickets", str(quantity)),
                ("When", viewer_local(viewer, found)),
                ("Price", _price(found, quantity) if found else "-"),
            ]
            return preview(
                pages,
                request,
                viewer,
                lambda v, **kw: show(v, request, **kw),
                Plan(f"buy {quantity} × {experience}", details, [op], "/concierge"),
            )

        return pages.page(request, plan)


def viewer_local(viewer: Viewer, item: Offer | None) -> str:
    return local_text(item.starts_at, viewer.tz) if item is not None and item.starts_at is not None else "-"
