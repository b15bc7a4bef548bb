"""The synthetic portfolio of the core benchmark: every id decided in Python, rows inserted in bulk.

Each property: 200 units (residence doors) and 8 common doors; one resident key per
unit plus Common Door, Amenities, Manager, Maintenance and Leasing keys; about 200
residents holding three keys each, a few moving in later, a few gone, guests with
shares and daily doorcodes; a full, a limited, two specific-key and a device manager,
and a maintenance vendor. One portfolio manager over all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, text

from access_core.models import (
    Door,
    Doorcode,
    Grant,
    GuestShare,
    Key,
    KeyDoor,
    ManagerRole,
    Membership,
    Person,
    Portfolio,
    Property,
)

SPAN_START = datetime(2026, 6, 1, tzinfo=UTC)
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/London")
COMMON = (
    ("Front Entrance", "building_entrance", None),
    ("Garage Gate", "building_entrance", None),
    ("Package Room", "communal", None),
    ("Laundry Room", "communal", None),
    ("Gym", "communal", "Mon-Sun 06:00-22:00"),
    ("Roof Deck", "communal", "Mon-Sun 09:00-21:00"),
    ("Management Office", "communal", None),
    ("Boiler Room", "service", "Mon-Fri 08:00-18:00"),
)
KEY_DOORS = {
    "Common Door Key": ("Front Entrance", "Garage Gate", "Package Room", "Laundry Room"),
    "Amenities Key": ("Gym", "Roof Deck"),
    "Manager Key": ("Front Entrance", "Management Office", "Package Room", "Boiler Room", "Gym", "Roof Deck"),
    "Maintenance Key": ("Front Entrance", "Boiler Room"),
    "Leasing Key": ("Front Entrance", "Management Office"),
}
SCHEDULED = {("Amenities Key", "Gym"), ("Amenities Key", "Roof Deck"), ("Maintenance Key", "Boiler Room")}
LEASING_UNITS = 10
GUESTS = 5
MOVING = 5


@dataclass(frozen=True, slots=True)
class Size:
    """How big the portfolio is."""

    properties: int
    """Properties in the portfolio."""
    units: int = 200
    """Residence doors per property."""
    events_per_property: int = 100_000
    """Activity events per property over the span."""
    days: int = 180
    """Days of activity, from ``SPAN_START``."""

    @property
    def span_end(self) -> datetime:
        return SPAN_START + timedelta(days=self.days)


@dataclass(slots=True)
class Site:
    """One property's ids and the people in it."""

    id: int
    name: str
    tz: str
    units: list[int] = field(default_factory=list)
    """Door id of each unit."""
    common: dict[str, int] = field(default_factory=dict)
    """Door id of each common door by name."""
    resident_keys: list[int] = field(default_factory=list)
    """Key id of each unit's resident key."""
    keys: dict[str, int] = field(default_factory=dict)
    """Key id of the other keys by name."""
    staff: dict[str, int] = field(default_factory=dict)
    """Person id of full, limited, specific_a, specific_b, device managers and the vendor."""
    residents: list[tuple[int, int, datetime | None]] = field(default_factory=list)
    """(person id, unit index, end of their grants or None) of residents living there during the span."""
    shares: list[tuple[int, int, int, datetime, datetime]] = field(default_factory=list)
    """(guest id, sharer id, unit index, starts, ends)."""
    doorcodes: list[tuple[str, int, int, date]] = field(default_factory=list)
    """(code, unit index, creator id, local day)."""


class Ids:
    """Hands out ids per table, as the bulk inserts give them explicitly."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def next(self, table: str) -> int:
        self.last[table] = self.last.get(table, 0) + 1
        return self.last[table]


@dataclass(slots=True)
class Blueprint:
    """The whole portfolio as rows per table, and the sites that describe it."""

    size: Size
    ids: Ids = field(default_factory=Ids)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sites: list[Site] = field(default_factory=list)
    portfolio_manager: int = 0

    def add(self, table: str, **row: Any) -> int:
        row.setdefault("id", self.ids.next(table))
        self.rows.setdefault(table, []).append(row)
        return int(row["id"])

    def link(self, table: str, **row: Any) -> None:
        """A row without an id of its own (an association)."""
        self.rows.setdefault(table, []).append(row)

    def person(self, handle: str, name: str) -> int:
        return self.add("people", name=name, email=f"{handle}@bench.example", phone=None)


def blueprint(size: Size) -> Blueprint:
    plan = Blueprint(size)
    portfolio = plan.add("portfolios", name="Bench Residential")
    plan.portfolio_manager = plan.person("portfolio.manager", "Pat Portfolio")
    plan.add(
        "manager_roles",
        person_id=plan.portfolio_manager,
        role="portfolio_manager",
        portfolio_id=portfolio,
        property_id=None,
        permissions=[],
        key_ids=[],
    )
    for index in range(size.properties):
        site = Site(0, f"Bench Tower {index + 1:02d}", ZONES[index % len(ZONES)])
        first_person = plan.ids.last.get("people", 0) + 1
        site.id = plan.add(
            "properties",
            portfolio_id=portfolio,
            name=site.name,
            address=f"{index + 1} Bench St",
            timezone=site.tz,
            features=["keycards", "doorcodes", "guest_sharing"],
            upgrades=[],
        )
        _doors_and_keys(plan, site)
        _staff(plan, site, portfolio)
        _residents(plan, site)
        _guests_and_codes(plan, site)
        for person in [plan.portfolio_manager, *range(first_person, plan.ids.last["people"] + 1)]:
            plan.link("property_people", property_id=site.id, person_id=person)
        plan.sites.append(site)
    return plan


def _doors_and_keys(plan: Blueprint, site: Site) -> None:
    for unit in range(plan.size.units):
        door = plan.add(
            "doors",
            property_id=site.id,
            name=f"Unit {unit + 1:03d}",
            type="residence",
            device="latch_m",
            serial=f"M-{site.id}-{unit}",
            activated=unit % 50 != 49,
            battery=20 + unit % 80,
            firmware="2.1",
            delivery=False,
        )
        site.units.append(door)
        key = plan.add("keys", property_id=site.id, name=f"Resident Unit {unit + 1:03d}", shareable=True)
        plan.link("key_doors", key_id=key, door_id=door, schedule=None, position=0)
        site.resident_keys.append(key)
    for name, kind, _ in COMMON:
        site.common[name] = plan.add(
            "doors",
            property_id=site.id,
            name=name,
            type=kind,
            device="latch_c",
            serial=f"C-{site.id}-{name[:3]}",
            activated=True,
            battery=60,
            firmware="2.1",
            delivery=name == "Package Room",
        )
    schedules = {name: schedule for name, _, schedule in COMMON}
    for key_name, door_names in KEY_DOORS.items():
        key = plan.add("keys", property_id=site.id, name=key_name, shareable=key_name == "Common Door Key")
        site.keys[key_name] = key
        for position, door_name in enumerate(door_names):
            schedule = schedules[door_name] if (key_name, door_name) in SCHEDULED else None
            plan.link("key_doors", key_id=key, door_id=site.common[door_name], schedule=schedule, position=position)
    for position, door in enumerate(site.units[:LEASING_UNITS], start=len(KEY_DOORS["Leasing Key"])):
        plan.link("key_doors", key_id=site.keys["Leasing Key"], door_id=door, schedule=None, position=position)


def _staff(plan: Blueprint, site: Site, portfolio: int) -> None:
    levels = {
        "full": ["full_key_management"],
        "limited": ["limited_key_management"],
        "specific_a": ["specific_key_management"],
        "specific_b": ["specific_key_management"],
        "device": ["device_management"],
    }
    keys = {"specific_a": [site.keys["Leasing Key"]], "specific_b": [site.keys["Maintenance Key"], site.keys["Amenities Key"]]}
    for role, permissions in levels.items():
        person = plan.person(f"{role}.{site.id}", f"{role.title()} Manager {site.id}")
        site.staff[role] = person
        plan.add(
            "manager_roles",
            person_id=person,
            role="property_manager",
            portfolio_id=portfolio,
            property_id=site.id,
            permissions=permissions,
            key_ids=[str(k) for k in keys.get(role, [])],
        )
    site.staff["vendor"] = plan.person(f"vendor.{site.id}", f"Vendor {site.id}")
    since = SPAN_START - timedelta(days=400)
    for role, key in (("full", "Manager Key"), ("limited", "Manager Key"), ("specific_a", "Leasing Key"), ("vendor", "Maintenance Key")):
        _grant(plan, site, site.staff[role], site.keys[key], since, None, resident=False, may_share=False)


def _grant(
    plan: Blueprint, site: Site, person: int, key: int, starts: datetime, ends: datetime | None, *, resident: bool, may_share: bool
) -> None:
    plan.add(
        "grants",
        person_id=person,
        key_id=key,
        starts_at=starts,
        ends_at=ends,
        resident=resident,
        may_share=may_share,
        granted_by_id=site.staff["full"],
    )


def _resident_grants(plan: Blueprint, site: Site, person: int, unit: int, period: tuple[datetime, datetime | None]):
    starts, ends = period
    _grant(plan, site, person, site.resident_keys[unit], starts, ends, resident=True, may_share=True)
    _grant(plan, site, person, site.keys["Common Door Key"], starts, ends, resident=False, may_share=True)
    _grant(plan, site, person, site.keys["Amenities Key"], starts, ends, resident=False, may_share=False)


def _residents(plan: Blueprint, site: Site) -> None:
    """One resident per unit; every 40th unit is shared by two and its neighbour is vacant."""
    vacant = []
    for number in range(plan.size.units):
        unit = number - 1 if number % 40 == 39 else number
        if unit != number:
            vacant.append(number)
        person = plan.person(f"resident.{site.id}.{number}", f"Resident {site.id}-{number}")
        ends = SPAN_START + timedelta(days=20 * (number % 7 + 1)) if number % 10 == 5 else None
        _resident_grants(plan, site, person, unit, (SPAN_START - timedelta(days=30 + number * 3), ends))
        site.residents.append((person, unit, ends))
    for number in range(MOVING):
        incoming = plan.person(f"incoming.{site.id}.{number}", f"Incoming {site.id}-{number}")
        unit = vacant[number % len(vacant)] if vacant else number
        _resident_grants(plan, site, incoming, unit, (plan.size.span_end + timedelta(days=10), None))
        gone = plan.person(f"former.{site.id}.{number}", f"Former {site.id}-{number}")
        left = SPAN_START - timedelta(days=15)
        _resident_grants(plan, site, gone, number, (left - timedelta(days=365), left))


def _guests_and_codes(plan: Blueprint, site: Site) -> None:
    for number in range(GUESTS):
        sharer, unit, _ = site.residents[number * 20 + 2]
        guest = plan.add("people", name=f"Guest {site.id}-{number}", email=None, phone=f"+1555{site.id:03d}{number:04d}")
        starts = SPAN_START + timedelta(days=30 * number + 3, hours=12)
        ends = starts + timedelta(days=3)
        for key in (site.resident_keys[unit], site.keys["Common Door Key"]):
            plan.add("guest_shares", granter_id=sharer, guest_id=guest, key_id=key, starts_at=starts, ends_at=ends, active=True)
        site.shares.append((guest, sharer, unit, starts, ends))
    open_residents = [r for r in site.residents if r[2] is None]
    for day_number in range(plan.size.days):
        for slot in range(2):
            creator, unit, _ = open_residents[(day_number * 7 + slot * 3) % len(open_residents)]
            code = f"{(site.id * 7919 + day_number * 104729 + slot * 15485863) % 1_000_000:06d}"
            day = (SPAN_START + timedelta(days=day_number)).date()
            plan.add("doorcodes", code=code, key_id=site.resident_keys[unit], property_id=site.id, granter_id=creator, day=day, active=True)
            site.doorcodes.append((code, unit, creator, day))


TABLES = (
    ("portfolios", Portfolio),
    ("people", Person),
    ("properties", Property),
    ("doors", Door),
    ("keys", Key),
    ("key_doors", KeyDoor),
    ("grants", Grant),
    ("manager_roles", ManagerRole),
    ("guest_shares", GuestShare),
    ("doorcodes", Doorcode),
    ("property_people", Membership),
)


def insert_blueprint(connection: Connection, plan: Blueprint, batch: int = 5000) -> dict[str, int]:
    """Insert every row in bulk (SQLAlchemy Core, lists of dicts); the row counts per table."""
    counts = {}
    for table, model in TABLES:
        rows = plan.rows.get(table, [])
        for start in range(0, len(rows), batch):
            connection.execute(insert(model.__table__), rows[start : start + batch])  # type: ignore[arg-type]
        counts[table] = len(rows)
    return counts


def advance_sequences(connection: Connection, tables: list[str]) -> None:
    """After explicit ids, let PostgreSQL hand out the next ones."""
    for table in tables:
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 1))"))
