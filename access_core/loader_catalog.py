"""The catalog sections of a property file: amenities, services, experiences."""

from __future__ import annotations

from access_core.file_fields import Fields
from access_core.loader_context import Context
from access_core.models import Amenity, CatalogItem
from access_core.place_caps import FIELD, cap_from_file
from access_core.schedule import ScheduleError, canonical_schedule


def amenities(ctx: Context, pf: Fields) -> None:
    seen: set[str] = set()
    for item, line in pf.items("amenities"):
        f = Fields(item, line, "amenity")
        f.check_known({"name", "door", "reservable", "capacity", "hours", "max_hours", "rules", FIELD})
        name = f.text("name")
        if name.lower() in seen:
            raise f.error("name", f"amenity {name!r} appears twice")
        seen.add(name.lower())
        door = ctx.door(f, "door") if "door" in f.map else None
        try:
            hours = canonical_schedule(f.text("hours", None))
        except ScheduleError as exc:
            raise f.error("hours", str(exc)) from None
        ctx.session.add(
            Amenity(
                property_id=ctx.prop.id,
                name=name,
                door_id=door.id if door else None,
                reservable=f.flag("reservable", False),
                capacity=int(f.number("capacity", 1, low=1)),
                hours=hours,
                max_hours=f.number("max_hours", None, low=0.25, high=24 * 7),
                rules=f.text("rules", ""),
                max_places_per_person=cap_from_file(f),
            )
        )
        ctx.count("amenities")
    ctx.session.flush()


def services(ctx: Context, pf: Fields) -> None:
    for item, line in pf.items("services"):
        f = Fields(item, line, "service")
        f.check_known({"name", "vendor", "price", "unit"})
        ctx.session.add(
            CatalogItem(
                property_id=ctx.prop.id,
                kind="service",
                name=f.text("name"),
                vendor=f.text("vendor", ""),
                price=float(f.number("price", 0.0)),
                unit=f.text("unit", ""),
            )
        )
        ctx.count("services")
    ctx.session.flush()


def experiences(ctx: Context, pf: Fields) -> None:
    for item, line in pf.items("experiences"):
        f = Fields(item, line, "experience")
        f.check_known({"name", "starts", "price", "capacity", "vendor", FIELD})
        ctx.session.add(
            CatalogItem(
                property_id=ctx.prop.id,
                kind="experience",
                name=f.text("name"),
                vendor=f.text("vendor", ""),
                price=float(f.number("price", 0.0)),
                starts_at=f.moment("starts", ctx.tz, None),
                capacity=int(f.number("capacity", 0)) or None,
                max_places_per_person=cap_from_file(f),
            )
        )
        ctx.count("experiences")
    ctx.session.flush()
