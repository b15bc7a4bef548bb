"""Synthetic activity for the core benchmark, classified in bulk and loaded with COPY.

Who acted is judged as ``access_core.activity.classify`` would judge it, but from the
blueprint, a whole category of events at a time:

- a resident at their own unit: ``resident``, no granter;
- a resident at a common door (keys held as non-resident): ``nonresident``, granted by the full manager;
- a manager (full, limited, specific): ``manager``, granted by whoever gave the key they used
  (the full manager), no granter for a remote unlock at a unit no key of theirs opens;
- the maintenance vendor: ``nonresident``, granted by the full manager;
- a guest on a share: ``nonresident``, granted by the sharer;
- a daily doorcode (no person): ``nonresident``, granted by the code's creator.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import psycopg
from numpy.typing import NDArray
from sqlalchemy import Engine

from bench.core_portfolio import SPAN_START, Blueprint, Site

ROLES = np.array(["resident", "manager", "nonresident"], dtype=object)
RESIDENT, MANAGER, NONRESIDENT = 0, 1, 2
CREDENTIALS = np.array(["app", "keycard", "remote", "doorcode"], dtype=object)
APP, KEYCARD, REMOTE, DOORCODE = 0, 1, 2, 3
SHARE_EVENTS = 12
WEIGHTS = {"own_unit": 0.45, "common": 0.43, "manager": 0.04, "leasing": 0.02, "vendor": 0.03, "unlock": 0.01}
COMMON_WEIGHTS = {"Front Entrance": 0.4, "Garage Gate": 0.15, "Package Room": 0.15, "Laundry Room": 0.15, "Gym": 0.1, "Roof Deck": 0.05}
COLUMNS = (
    "id",
    "external_id",
    "property_id",
    "door_id",
    "at",
    "residence",
    "actor_id",
    "actor_role",
    "granter_id",
    "doorcode",
    "credential",
    "granted",
    "photo",
)
TYPES = ("int4", "varchar", "int4", "int4", "timestamp", "bool", "int4", "varchar", "int4", "varchar", "varchar", "bool", "varchar")
Columns = dict[str, NDArray[Any]]


def _block(n: int, **values: Any) -> Columns:
    """Columns for ``n`` events, each value a scalar or an array of length ``n``."""
    defaults = {"granter": -1, "code": -1, "credential": APP, "residence": False}
    block = {**defaults, **values}
    return {name: np.broadcast_to(np.asarray(v), (n,)).copy() for name, v in block.items()}


class SiteEvents:
    """Every event of one property, by category."""

    def __init__(self, plan: Blueprint, site: Site, rng: np.random.Generator, code_base: int) -> None:
        self.plan, self.site, self.rng, self.code_base = plan, site, rng, code_base
        self.start = SPAN_START.timestamp()
        self.end = plan.size.span_end.timestamp()
        people = np.array([r[0] for r in site.residents])
        units = np.array([site.units[r[1]] for r in site.residents])
        until = np.array([min(r[2].timestamp(), self.end) if r[2] else self.end for r in site.residents])
        self.residents = (people, units, until)

    def all(self) -> Columns:
        fixed = [self.shares(), self.doorcodes()]
        rest = self.plan.size.events_per_property - sum(len(b["door"]) for b in fixed)
        counts = self.rng.multinomial(rest, np.array(list(WEIGHTS.values())) / sum(WEIGHTS.values()))
        makers = (self.own_unit, self.common, self.managers, self.leasing, self.vendor, self.unlocks)
        blocks = fixed + [make(int(n)) for make, n in zip(makers, counts, strict=True)]
        merged = {name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]}
        merged["property"] = np.full(len(merged["door"]), self.site.id)
        return merged

    def _times(self, n: int, until: NDArray[Any] | float | None = None) -> NDArray[Any]:
        end = self.end if until is None else until
        return (self.start + self.rng.random(n) * (end - self.start)).astype(np.int64)

    def _residents(self, n: int) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
        people, units, until = self.residents
        pick = self.rng.integers(0, len(people), n)
        return people[pick], units[pick], self._times(n, until[pick])

    def own_unit(self, n: int) -> Columns:
        actor, door, at = self._residents(n)
        credential = np.where(self.rng.random(n) < 0.3, KEYCARD, APP)
        return _block(n, door=door, actor=actor, at=at, role=RESIDENT, residence=True, credential=credential)

    def common(self, n: int) -> Columns:
        actor, _, at = self._residents(n)
        doors = np.array([self.site.common[name] for name in COMMON_WEIGHTS])
        door = self.rng.choice(doors, n, p=np.array(list(COMMON_WEIGHTS.values())))
        credential = np.where(self.rng.random(n) < 0.3, KEYCARD, APP)
        return _block(n, door=door, actor=actor, at=at, role=NONRESIDENT, granter=self.site.staff["full"], credential=credential)

    def managers(self, n: int) -> Columns:
        staff, common = self.site.staff, self.site.common
        actor = self.rng.choice(np.array([staff["full"], staff["limited"]]), n)
        names = ("Front Entrance", "Management Office", "Package Room", "Boiler Room")
        door = self.rng.choice(np.array([common[name] for name in names]), n)
        return _block(n, door=door, actor=actor, at=self._times(n), role=MANAGER, granter=staff["full"])

    def leasing(self, n: int) -> Columns:
        common = self.site.common
        doors = np.array([common["Front Entrance"], common["Management Office"], *self.site.units[:10]])
        door = self.rng.choice(doors, n)
        return _block(
            n,
            door=door,
            actor=self.site.staff["specific_a"],
            at=self._times(n),
            role=MANAGER,
            granter=self.site.staff["full"],
            residence=np.isin(door, self.site.units),
        )

    def vendor(self, n: int) -> Columns:
        common = self.site.common
        door = self.rng.choice(np.array([common["Front Entrance"], common["Boiler Room"]]), n)
        return _block(n, door=door, actor=self.site.staff["vendor"], at=self._times(n), role=NONRESIDENT, granter=self.site.staff["full"])

    def unlocks(self, n: int) -> Columns:
        door = self.rng.choice(np.array(self.site.units), n)
        return _block(n, door=door, actor=self.site.staff["full"], at=self._times(n), role=MANAGER, residence=True, credential=REMOTE)

    def shares(self) -> Columns:
        blocks = []
        for guest, sharer, unit, starts, ends in self.site.shares:
            at = starts.timestamp() + self.rng.random(SHARE_EVENTS) * (ends - starts).total_seconds()
            door = np.array([self.site.units[unit], self.site.common["Front Entrance"]] * (SHARE_EVENTS // 2))
            blocks.append(
                _block(
                    SHARE_EVENTS,
                    door=door,
                    actor=guest,
                    at=at.astype(np.int64),
                    role=NONRESIDENT,
                    granter=sharer,
                    residence=door == self.site.units[unit],
                )
            )
        return {name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]}

    def doorcodes(self) -> Columns:
        tz = ZoneInfo(self.site.tz)
        blocks = []
        for number, (_, unit, creator, day) in enumerate(self.site.doorcodes):
            uses = 1 + number % 2
            morning = datetime.combine(day, time(7), tzinfo=tz).timestamp()
            at = (morning + self.rng.random(uses) * 15 * 3600).astype(np.int64)
            blocks.append(
                _block(
                    uses,
                    door=self.site.units[unit],
                    actor=-1,
                    at=at,
                    role=NONRESIDENT,
                    granter=creator,
                    residence=True,
                    credential=DOORCODE,
                    code=self.code_base + number,
                )
            )
        return {name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]}


def generate(plan: Blueprint, seed: int = 7) -> tuple[Columns, list[str]]:
    """All events of the portfolio, oldest first; and the doorcode texts their ``code`` column indexes."""
    rng = np.random.default_rng(seed)
    parts, codes = [], []
    for site in plan.sites:
        parts.append(SiteEvents(plan, site, rng, len(codes)).all())
        codes.extend(code for code, *_ in site.doorcodes)
    merged = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    order = np.argsort(merged["at"], kind="stable")
    merged = {name: column[order] for name, column in merged.items()}
    merged["granted"] = rng.random(len(order)) >= 0.02
    return merged, codes


def _nullable(column: NDArray[Any]) -> list[Any]:
    values = column.astype(object)
    values[column < 0] = None
    return values.tolist()  # type: ignore[no-any-return]


def rows(events: Columns, codes: list[str], chunk: int = 500_000) -> Iterator[list[tuple[Any, ...]]]:
    """COPY rows, a chunk at a time, in ``COLUMNS`` order."""
    code_texts = np.array([*codes, None], dtype=object)
    epoch = np.datetime64("1970-01-01T00:00:00", "us")
    for begin in range(0, len(events["at"]), chunk):
        part = {name: column[begin : begin + chunk] for name, column in events.items()}
        ids = np.arange(begin + 1, begin + 1 + len(part["at"]))
        photo: list[Any] = [None] * len(ids)
        for index in np.nonzero(ids % 97 == 0)[0].tolist():
            photo[index] = f"snap-{ids[index]}.jpg"
        at = (epoch + part["at"].astype("timedelta64[s]")).tolist()
        yield list(
            zip(
                ids.tolist(),
                [f"ev{i}" for i in ids.tolist()],
                part["property"].tolist(),
                part["door"].tolist(),
                at,
                part["residence"].tolist(),
                _nullable(part["actor"]),
                ROLES[part["role"]].tolist(),
                _nullable(part["granter"]),
                code_texts[part["code"]].tolist(),
                CREDENTIALS[part["credential"]].tolist(),
                part["granted"].tolist(),
                photo,
                strict=True,
            )
        )


def copy_events(engine: Engine, events: Columns, codes: list[str]) -> int:
    """Load the events with binary COPY, secondary indexes dropped meanwhile and rebuilt after."""
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        assert connection is not None
        cursor = connection.cursor()
        replica = True
        try:
            cursor.execute("SET session_replication_role = replica")  # the rows are consistent by construction
        except psycopg.errors.InsufficientPrivilege:  # not a superuser: foreign keys are checked, only slower
            connection.rollback()
            replica = False
        rebuild = _drop_secondary_indexes(cursor)
        total = 0
        with cursor.copy(f"COPY activity_events ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(list(TYPES))
            for chunk in rows(events, codes):
                for row in chunk:
                    copy.write_row(row)
                total += len(chunk)
        if replica:
            cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in rebuild:
            cursor.execute(statement)
        connection.commit()
        return total
    finally:
        raw.close()


def _drop_secondary_indexes(cursor: Any) -> list[str]:
    """Drop the events' unique constraints and indexes (not the key); the statements that rebuild them."""
    cursor.execute(
        text_of("""
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'activity_events'::regclass AND contype = 'u'""")
    )
    constraints = cursor.fetchall()
    cursor.execute(
        text_of("""
        SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = 'activity_events'
          AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'activity_events'::regclass)""")
    )
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE activity_events DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [f'ALTER TABLE activity_events ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints] + [
        definition for _, definition in indexes
    ]


def text_of(sql: str) -> str:
    return " ".join(sql.split())


def day_bounds(day: datetime, tz: str) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight of ``day``'s date in ``tz``."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day.date(), time(0), tzinfo=zone)
    return start, datetime.combine(day.date() + timedelta(days=1), time(0), tzinfo=zone)
