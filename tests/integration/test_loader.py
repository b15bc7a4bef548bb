"""Property files: reloading changes nothing; a bad file is refused whole, with its line and reason."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from access_core.db import Database
from access_core.file_fields import FileErrors
from access_core.loader import load_property_file, load_property_text
from access_core.models import Base

ROOT = Path(__file__).resolve().parents[2]
FOUNDRY = next(p for p in (ROOT.parent / "shared" / "fixtures" / "foundry.yaml", ROOT / "demo" / "foundry.yaml") if p.exists())
FOUNDRY_TEXT = FOUNDRY.read_text(encoding="utf-8")
CONCIERGE = Path(sys.executable).parent / "concierge"


# --- a dump of every table, ids replaced by what they point at ---------------------------------


def dump(db: Database) -> dict[str, list[str]]:
    """Every row of every table, without ids: foreign keys are replaced by the row they name."""
    with db.sessions() as session:
        rows = {t.name: _rows(session, t) for t in Base.metadata.sorted_tables}
        key_names = {str(k["id"]): k["name"] for k in rows["keys"].values()}
        result = {}
        for table in Base.metadata.sorted_tables:
            natural = [_natural(table, row, rows, key_names) for row in rows[table.name].values()]
            result[table.name] = sorted(repr(n) for n in natural)
    return result


def _rows(session: Session, table: Table) -> dict[Any, dict[str, Any]]:
    found = {}
    for index, row in enumerate(session.execute(select(table))):
        mapping = dict(row._mapping)
        found[mapping.get("id", index)] = mapping
    return found


def _natural(table: Table, row: dict[str, Any], rows: dict[str, dict[Any, dict[str, Any]]], key_names: dict[str, str]) -> tuple[Any, ...]:
    out: list[tuple[str, Any]] = []
    for column in table.columns:
        if column.name == "id":
            continue
        value = row[column.name]
        foreign = next(iter(column.foreign_keys), None)
        if foreign is not None and value is not None:
            target = foreign.column.table
            value = _natural(target, rows[target.name][value], rows, key_names)
        elif table.name == "manager_roles" and column.name == "key_ids":
            value = sorted(key_names[k] for k in value)
        elif column.name == "door_ids" and value is not None:  # exception days, lockdowns: door ids as text
            value = tuple(sorted(str(rows["doors"][int(d)]["name"]) for d in value))
        elif isinstance(value, list):
            value = tuple(value)
        out.append((column.name, value))
    return tuple(out)


def test_the_dump_sees_the_whole_foundry(loaded: Database) -> None:
    counts = {name: len(rows) for name, rows in dump(loaded).items()}
    assert counts["doors"] == 17 and counts["keys"] == 13 and counts["grants"] == 15
    assert counts["activity_events"] == 13 and counts["manager_roles"] == 6 and counts["guest_shares"] == 2


@pytest.fixture(scope="module")
def baseline(loaded: Database) -> dict[str, list[str]]:
    """The dump of the foundry as first loaded; every test of this module leaves the database so."""
    return dump(loaded)


def test_loading_the_same_file_twice_changes_nothing(loaded: Database, baseline: dict[str, list[str]]) -> None:
    before = dump(loaded)
    assert before == baseline
    with loaded.session() as session:
        load_property_file(session, FOUNDRY)
    assert dump(loaded) == before


def test_reloading_a_grant_without_a_start_changes_nothing(loaded: Database) -> None:
    without_start = FOUNDRY_TEXT.replace(
        "key: Maintenance Key, resident: false, may_share: false, starts: 2026-01-01T00:00}",
        "key: Maintenance Key, resident: false, may_share: false}",
    )
    assert without_start != FOUNDRY_TEXT
    try:
        with loaded.session() as session:
            load_property_text(session, without_start)
        before = dump(loaded)
        with loaded.session() as session:
            load_property_text(session, without_start)
        assert dump(loaded) == before
    finally:
        with loaded.session() as session:
            load_property_file(session, FOUNDRY)


def test_a_second_portfolio_loads_beside_the_first(foundry: Database) -> None:
    forge = (
        FOUNDRY_TEXT.replace("portfolio: Harbor Residential", "portfolio: Forge Holdings")
        .replace("The Foundry", "The Forge")
        .replace("serial: KC-000", "serial: KC-900")
    )
    with foundry.session() as session:
        load_property_text(session, forge.replace("{id: e", "{id: forge-e"))
    counts = {name: len(rows) for name, rows in dump(foundry).items()}
    assert counts["properties"] == 2 and counts["activity_events"] == 26


def test_event_ids_of_another_property_do_not_clash(foundry: Database) -> None:
    forge = (
        FOUNDRY_TEXT.replace("portfolio: Harbor Residential", "portfolio: Forge Holdings")
        .replace("The Foundry", "The Forge")
        .replace("serial: KC-000", "serial: KC-900")
    )
    with foundry.session() as session:
        load_property_text(session, forge)
    assert len(dump(foundry)["activity_events"]) == 26


# --- bad files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """A broken copy of the foundry: ``old`` replaced by ``new``; the error is on ``marker``'s line."""

    name: str
    old: str
    new: str
    marker: str
    reason: str

    def text(self) -> str:
        if self.old == "":
            return self.new
        assert self.old in FOUNDRY_TEXT, self.old
        return FOUNDRY_TEXT.replace(self.old, self.new, 1)

    def line(self) -> int:
        lines = self.text().splitlines()
        return next(i for i, line in enumerate(lines, 1) if self.marker in line) if self.marker else 1


BAD_FILES = [
    Bad(
        "yaml_syntax",
        "address: 120 Main St, Brooklyn, NY 11201",
        "address: 120 Main St: Brooklyn",
        "120 Main St: Brooklyn",
        "mapping values are not allowed",
    ),
    Bad("yaml_duplicate_key", "{name: Gym, type: communal,", "{name: Gym, name: Gym 2, type: communal,", "name: Gym 2", "duplicate key"),
    Bad("empty_file", "", "", "", "must be a mapping"),
    Bad("not_a_mapping", "", "- The Foundry\n- Harbor Residential\n", "", "must be a mapping"),
    Bad("property_not_a_mapping", "", "portfolio: Harbor\nproperties:\n  - The Foundry\n", "  - The Foundry", "must be a mapping"),
    Bad("missing_portfolio", "portfolio: Harbor Residential\n", "", "managers:", "'portfolio' is required"),
    Bad("unknown_top_field", "managers:\n", "owner: Harbor LLC\nmanagers:\n", "owner: Harbor LLC", "unknown field 'owner'"),
    Bad(
        "unknown_property_field",
        "    upgrades: [latch_camera",
        "    colour: blue\n    upgrades: [latch_camera",
        "colour: blue",
        "unknown field 'colour'",
    ),
    Bad(
        "unknown_grant_field",
        "key: Maintenance Key, resident: false,",
        "key: Maintenance Key, residnet: false,",
        "residnet: false",
        "unknown field 'residnet'",
    ),
    Bad("bad_timezone", "timezone: America/New_York", "timezone: America/Brooklyn", "America/Brooklyn", "is not an IANA time zone"),
    Bad(
        "unknown_door_in_key_list", "Package Room, Laundry Room]}", "Package Room, Laundry Rm]}", "Laundry Rm", "'Laundry Rm' is not a door"
    ),
    Bad(
        "unknown_door_in_key_entry",
        "{door: Boiler Room, schedule:",
        "{door: Boiler Rm, schedule:",
        "Boiler Rm",
        "'Boiler Rm' is not a door",
    ),
    Bad(
        "bad_schedule",
        '{door: Gym, schedule: "Mon-Sun 06:00-22:00"}',
        '{door: Gym, schedule: "daily 6am-10pm"}',
        "daily 6am-10pm",
        "is not a window",
    ),
    Bad(
        "duplicate_door",
        "      - {name: Roof Deck, type: communal",
        "      - {name: gym, type: communal, device: latch_c, serial: C-2099}\n      - {name: Roof Deck, type: communal",
        "C-2099",
        "appears twice",
    ),
    Bad(
        "duplicate_key",
        "      - {name: Resident 4B, shareable: true, doors: [Unit 4B]}",
        "      - {name: Resident 4B, shareable: true, doors: [Unit 4B]}\n      - {name: Resident 4B, shareable: false, doors: [Unit 4A]}",
        "shareable: false, doors: [Unit 4A]",
        "appears twice",
    ),
    Bad("bad_door_type", "{name: Gym, type: communal", "{name: Gym, type: gymnasium", "gymnasium", "expected one of"),
    Bad("bad_role", "role: concierge_agent", "role: receptionist", "receptionist", "expected one of"),
    Bad("battery_out_of_range", "serial: R-1001, battery: 88", "serial: R-1001, battery: 180", "battery: 180", "must be a number"),
    Bad(
        "bad_flag",
        "{name: Common Door Key, shareable: true,",
        "{name: Common Door Key, shareable: maybe,",
        "shareable: maybe",
        "must be true or false",
    ),
    Bad(
        "bad_email",
        "{name: Jane Park, email: jane.park@example.com,",
        "{name: Jane Park, email: jane.park@example,",
        "jane.park@example,",
        "is not an email address",
    ),
    Bad(
        "unknown_person_in_grant",
        "{person: max.weber@cleanco.example, key: Maintenance Key",
        "{person: max.webber@cleanco.example, key: Maintenance Key",
        "max.webber",
        "is not a person",
    ),
    Bad(
        "unknown_key_in_grant",
        "key: Maintenance Key, resident: false",
        "key: Maintenance Keys, resident: false",
        "Maintenance Keys",
        "is not a key",
    ),
    Bad(
        "resident_missing_on_residence_key",
        "{person: omar.haddad@example.com, key: Resident 4B, resident: true, ",
        "{person: omar.haddad@example.com, key: Resident 4B, ",
        "omar.haddad@example.com, key: Resident 4B",
        "'resident' must be stated",
    ),
    Bad(
        "resident_on_a_key_without_residence",
        "{person: omar.haddad@example.com, key: Common Door Key, resident: false,",
        "{person: omar.haddad@example.com, key: Common Door Key, resident: true,",
        "omar.haddad@example.com, key: Common Door Key",
        "has no residence door",
    ),
    Bad(
        "grant_ends_before_it_starts",
        "may_share: false, starts: 2026-01-01T00:00}",
        "may_share: false, starts: 2026-01-01T00:00, ends: 2025-01-01T00:00}",
        "ends: 2025-01-01T00:00",
        "must end after it starts",
    ),
    Bad(
        "grant_twice",
        "      - {person: max.weber@cleanco.example, key: Maintenance Key",
        "      - {person: omar.haddad@example.com, key: Resident 4B, resident: true}\n"
        "      - {person: max.weber@cleanco.example, key: Maintenance Key",
        "{person: omar.haddad@example.com, key: Resident 4B, resident: true}",
        "twice",
    ),
    Bad("bad_time", "starts: 2026-01-01T00:00}", "starts: next monday}", "next monday", "is not a time"),
    Bad(
        "share_exceeding_sharers_grant",
        "key: Resident 4B, starts: 2026-11-30T12:00, ends: 2026-11-30T16:00}",
        "key: Resident 4B, starts: 2026-11-30T12:00, ends: 2027-03-01T00:00}",
        "ends: 2027-03-01T00:00",
        "last beyond",
    ),
    Bad(
        "share_by_someone_who_may_not",
        '{granter: jane.park@example.com, guest: "+17185550199", key: Resident 4B',
        '{granter: omar.haddad@example.com, guest: "+17185550199", key: Resident 4B',
        "granter: omar.haddad",
        "may not share",
    ),
    Bad(
        "doorcode_on_a_day_the_granter_holds_nothing",
        "key: Resident 4B, date: 2026-11-30}",
        "key: Resident 4B, date: 2020-11-30}",
        "date: 2020-11-30",
        "does not hold",
    ),
    Bad("doorcode_not_digits", 'code: "481516"', 'code: "48-15"', '"48-15"', "digits"),
    Bad(
        "keycard_serial_twice",
        "{serial: KC-00042, person: lucia.romero@example.com}",
        "{serial: KC-00017, person: lucia.romero@example.com}",
        "{serial: KC-00017, person: lucia",
        "already issued",
    ),
    Bad(
        "unknown_delivery_door",
        "delivery_doors: [Front Entrance, Package Room]",
        "delivery_doors: [Front Entrance, Mail Room]",
        "Mail Room",
        "is not a door",
    ),
    Bad(
        "manager_of_unknown_property",
        "role: concierge_agent, property: The Foundry}",
        "role: concierge_agent, property: The Forge}",
        "The Forge",
        "is not a property of this file",
    ),
    Bad("duplicate_event_id", "{id: e2,", "{id: e1,", "{id: e1, at: 2026-11-30T08:06", "used twice"),
    Bad(
        "doorcode_twice_on_a_day",
        '      - {code: "481516", granter: jane.park@example.com, key: Resident 4B, date: 2026-11-30}',
        '      - {code: "481516", granter: jane.park@example.com, key: Resident 4B, date: 2026-11-30}\n'
        '      - {code: "481516", granter: jane.park@example.com, key: Common Door Key, date: 2026-11-30}',
        "key: Common Door Key, date: 2026-11-30}",
        "used twice on 2026-11-30",
    ),
    Bad(
        "places_cap_zero",
        "capacity: 20,",
        "capacity: 20, max_places_per_person: 0,",
        "max_places_per_person: 0",
        "'max_places_per_person' must be a number from 1",
    ),
    Bad(
        "places_cap_fraction",
        "price: 40.00, capacity: 30",
        "price: 40.00, capacity: 30, max_places_per_person: 2.5",
        "max_places_per_person: 2.5",
        "must be a whole number",
    ),
]


@pytest.mark.parametrize("bad", BAD_FILES, ids=[b.name for b in BAD_FILES])
def test_a_bad_file_is_refused_whole_with_its_line_and_reason(loaded: Database, baseline: dict[str, list[str]], bad: Bad) -> None:
    with pytest.raises(FileErrors) as refused, loaded.session() as session:
        load_property_text(session, bad.text())
    first = refused.value.errors[0]
    assert (first.line, bad.reason in first.message) == (bad.line(), True), first
    assert dump(loaded) == baseline


# --- the command ----------------------------------------------------------------------------

CLI_BAD = [b for b in BAD_FILES if b.name in ("yaml_syntax", "duplicate_event_id")]


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.db'}"
    done = subprocess.run([str(CONCIERGE), "load", str(FOUNDRY), "--db", url], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Harbor Residential" in done.stdout
    return url


@pytest.mark.parametrize("bad", CLI_BAD, ids=[b.name for b in CLI_BAD])
def test_concierge_load_prints_file_line_reason_and_exits_non_zero(cli_db: str, bad: Bad, tmp_path: Path) -> None:
    database = Database(cli_db)
    before = dump(database)
    path = tmp_path / "bad.yaml"
    path.write_text(bad.text(), encoding="utf-8")
    done = subprocess.run([str(CONCIERGE), "load", str(path), "--db", cli_db], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode != 0
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"{path}:{bad.line()}: "), done.stderr
    assert bad.reason in first
    assert dump(database) == before
    database.engine.dispose()
