"""The core benchmark's measurements: visibility queries, access decisions, a CSV import."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.access_index import AccessIndex
from access_core.activity import Actor, classify
from access_core.csv_import import import_csv
from access_core.db import Database
from access_core.models import ActivityEvent, Door, Grant, Key, Person, Property
from access_core.principal import Principal, load_principal
from access_core.services.context import Context
from access_core.sources import decide_person
from access_core.visibility import activity_query
from bench.core_events import day_bounds
from bench.core_portfolio import SPAN_START, Blueprint, Site

LIMIT = 50


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Sampler:
    """Random viewers, doors and days of the synthetic portfolio."""

    def __init__(self, plan: Blueprint, seed: int = 11) -> None:
        self.plan, self.rng = plan, random.Random(seed)

    def site(self) -> Site:
        return self.rng.choice(self.plan.sites)

    def day(self, tz: str) -> tuple[datetime, datetime]:
        moment = SPAN_START + timedelta(days=self.rng.randrange(self.plan.size.days), hours=12)
        return day_bounds(moment, tz)

    def resident_door_day(self) -> tuple[int, int, datetime, datetime]:
        site = self.site()
        person, unit, ends = self.rng.choice([r for r in site.residents if r[2] is None])
        return (person, site.units[unit], *self.day(site.tz))

    def manager_day(self) -> tuple[int, None, datetime, datetime]:
        site = self.site()
        return (site.staff[self.rng.choice(("specific_a", "specific_b"))], None, *self.day(site.tz))

    def portfolio_day(self) -> tuple[int, None, datetime, datetime]:
        return (self.plan.portfolio_manager, None, *self.day(self.plan.sites[0].tz))


def timed_visibility(session: Session, cases: list[tuple[Principal, Door | None, datetime, datetime]]) -> dict[str, float]:
    """p95 and median in ms of the viewer's first events of a day, through ``activity_query``; rows on average."""
    times, found = [], 0
    for principal, door, since, until in cases:
        began = time.perf_counter()
        events = session.scalars(activity_query(session, principal, door=door, since=since, until=until, limit=LIMIT)).all()
        times.append((time.perf_counter() - began) * 1000)
        found += len(events)
        session.expunge_all()
    return {
        "p95_ms": round(percentile(times, 0.95), 2),
        "median_ms": round(percentile(times, 0.5), 2),
        "rows_avg": round(found / len(cases), 1),
    }


def visibility(db: Database, sampler: Sampler, samples: int) -> dict[str, dict[str, float]]:
    kinds: dict[str, Callable[[], tuple[int, int | None, datetime, datetime]]] = {
        "door_day": sampler.resident_door_day,
        "manager_day": sampler.manager_day,
        "portfolio_day": sampler.portfolio_day,
    }
    results = {}
    with db.sessions() as session:
        for kind, draw in kinds.items():
            cases = []
            for _ in range(samples):
                person_id, door_id, since, until = draw()
                person = session.get(Person, person_id)
                assert person is not None
                door = session.get(Door, door_id) if door_id else None
                cases.append((load_principal(session, person), door, since, until))
            timed_visibility(session, cases[: max(5, samples // 20)])  # warm the caches and the plans
            results[kind] = timed_visibility(session, cases)
    return results


def decisions(db: Database, plan: Blueprint, count: int, checks: int = 300) -> dict[str, Any]:
    """Decisions per second from the compiled index of one property; a sample checked against the database."""
    site, rng = plan.sites[0], random.Random(5)
    with db.sessions() as session:
        prop = session.get(Property, site.id)
        assert prop is not None
        began = time.perf_counter()
        index = AccessIndex.build(session, prop)
        build_s = time.perf_counter() - began
        people = list(session.scalars(select(Grant.person_id).join(Key).where(Key.property_id == site.id).distinct()))
        people += [guest for guest, *_ in site.shares] + [plan.portfolio_manager]
        doors = site.units + list(site.common.values())
        span = plan.size.days * 86400
        cases = [
            (rng.choice(people), rng.choice(doors), SPAN_START + timedelta(seconds=rng.randrange(-span // 4, span + span // 4)))
            for _ in range(count)
        ]
        began = time.perf_counter()
        allowed = sum(index.decide(person, door, at).allowed for person, door, at in cases)
        elapsed = time.perf_counter() - began
        mismatches = sum(_differs(session, index, case) for case in rng.sample(cases, checks))
    return {
        "decisions_per_s": round(count / elapsed),
        "allowed_share": round(allowed / count, 3),
        "index_build_s": round(build_s, 2),
        "checked": checks,
        "mismatches": mismatches,
    }


def _differs(session: Session, index: AccessIndex, case: tuple[int, int, datetime]) -> bool:
    person_id, door_id, at = case
    person, door = session.get(Person, person_id), session.get(Door, door_id)
    assert person is not None and door is not None
    return decide_person(session, person, door, at) != index.decide(person_id, door_id, at)


def classification_check(db: Database, plan: Blueprint, samples: int = 400) -> tuple[int, int]:
    """Of a sample of loaded events (random ones, plus doorcode and guest events), how many ``classify``
    would judge otherwise (should be none); and the sample's size."""
    rng = random.Random(3)
    guests = [guest for site in plan.sites for guest, *_ in site.shares]
    wrong = 0
    with db.sessions() as session:
        last = session.scalar(select(ActivityEvent.id).order_by(ActivityEvent.id.desc()).limit(1)) or 0
        ids = rng.sample(range(1, last + 1), min(samples, last))
        for rare in (ActivityEvent.doorcode.is_not(None), ActivityEvent.actor_id.in_(guests)):
            ids += session.scalars(select(ActivityEvent.id).where(rare).limit(25)).all()
        for event_id in ids:
            event = session.get(ActivityEvent, event_id)
            assert event is not None
            actor = Actor(event.actor, doorcode=event.doorcode)
            wrong += classify(session, event.door, actor, event.at) != (event.actor_role, event.granter_id)
            session.expunge_all()
    return wrong, len(ids)


def csv_rows(count: int) -> str:
    lines = ["name,email,phone,starts,ends,resident,may_share"]
    for i in range(count):
        ends = "12/31/2027" if i % 2 else "2027-06-30"
        lines.append(f"CSV Person {i},csv.{i}@bench.example,(646) {i // 10000 + 200:03d}-{i % 10000:04d},2026-07-01,{ends},no,")
    return "\n".join(lines) + "\n"


def csv_import_seconds(db: Database, plan: Blueprint, count: int) -> float:
    """A CSV of ``count`` new people onto one key, parsed, checked, applied and committed."""
    text = csv_rows(count)
    site = plan.sites[0]
    began = time.perf_counter()
    with db.session() as session:
        me = session.get(Person, plan.portfolio_manager)
        prop = session.get(Property, site.id)
        assert me is not None and prop is not None
        ctx = Context(session, load_principal(session, me), datetime.now(UTC), prop)
        report = import_csv(ctx, "Common Door Key", text)
    elapsed = time.perf_counter() - began
    assert report.imported == count and report.people_created == count
    return elapsed
