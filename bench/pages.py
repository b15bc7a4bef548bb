"""Server time per page view of Mission Control on one large property, for every page and role.

    python -m bench.pages [--quick] [--db URL] [--repeat N]

Full size: one property with 5,000 units (about 5,000 people, 15,000 grants, 5,000 keys) and 200,000
activity events, in a fresh SQLite file (or the PostgreSQL URL given, in its own schema). Each page is
requested in-process through the ASGI app (routing, session, core queries, template), signed in as a
portfolio manager, a full, a specific-key and a device manager, and a resident (whose Activity view is
filtered by the visibility rules in SQL). Progress lines first, the last line one JSON object.
Target: p95 <= 300 ms over every page view.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from access_core.db import Database
from bench.core_events import COLUMNS, generate, rows
from bench.core_measure import percentile
from bench.core_portfolio import Blueprint, Size, advance_sequences, blueprint, insert_blueprint

FULL = Size(properties=1, units=5000, events_per_property=200_000)
QUICK = Size(properties=1, units=300, events_per_property=10_000)
TARGET_P95_MS = 300.0


def say(message: str) -> None:
    print(message, flush=True)


def _sqlite_text(moment: Any) -> str:
    """A naive UTC time as SQLAlchemy writes it into SQLite (comparisons there are on this text)."""
    return str(moment.strftime("%Y-%m-%d %H:%M:%S.%f"))


def load(db: Database, size: Size) -> tuple[Blueprint, dict[str, Any]]:
    began = time.perf_counter()
    plan = blueprint(size)
    with db.engine.begin() as connection:
        counts: dict[str, Any] = dict(insert_blueprint(connection, plan))
    events, codes = generate(plan)
    if db.engine.dialect.name == "postgresql":
        from bench.core_events import copy_events

        counts["activity_events"] = copy_events(db.engine, events, codes)
        with db.engine.begin() as connection:
            advance_sequences(connection, [t for t in counts if t not in ("key_doors", "property_people")])
    else:
        statement = f"INSERT INTO activity_events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        at = COLUMNS.index("at")
        total = 0
        with db.engine.begin() as connection:
            for chunk in rows(events, codes, chunk=50_000):
                values = [(*row[:at], _sqlite_text(row[at]), *row[at + 1 :]) for row in chunk]
                connection.exec_driver_sql(statement, values)
                total += len(values)
        counts["activity_events"] = total
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    counts["load_s"] = round(time.perf_counter() - began, 1)
    return plan, counts


def _email(plan: Blueprint, person_id: int) -> str:
    return next(str(p["email"]) for p in plan.rows["people"] if p["id"] == person_id)


def roles(plan: Blueprint) -> dict[str, tuple[str, list[str]]]:
    """Role -> (who signs in, the pages they view)."""
    site = plan.sites[0]
    unit_key = site.resident_keys[12]
    resident, unit, _ = next(r for r in site.residents if r[2] is None)
    door = "Front Entrance"
    manager_pages = [
        "/people",
        "/people?q=resident+1-12",
        "/people?offset=2500",
        "/keys",
        "/keys?q=common",
        f"/keys/{unit_key}",
        "/doors",
        "/doors?offset=2500",
        "/activity",
        f"/activity?door={door.replace(' ', '+')}",
        "/activity?person=resident+1-10",
        "/activity?since=2026-09-01&until=2026-09-07",
        "/managers",
        "/keycards",
        "/schedules",
        "/concierge",
        "/activity@older",
    ]
    return {
        "portfolio_manager": (_email(plan, plan.portfolio_manager), [*manager_pages, "/devices", "/devices?low=1"]),
        "full_manager": (_email(plan, site.staff["full"]), manager_pages),
        "specific_key_manager": (
            _email(plan, site.staff["specific_a"]),
            ["/people", "/keys", "/doors", "/activity", "/activity@older", "/managers", "/concierge"],
        ),
        "device_manager": (_email(plan, site.staff["device"]), ["/devices", "/devices?low=1", "/doors", "/managers", "/concierge"]),
        "resident": (
            _email(plan, resident),
            [
                "/keys",
                f"/keys/{site.resident_keys[unit]}",
                "/activity",
                "/activity@older",
                f"/activity?door=Unit+{unit + 1:03d}",
                "/activity?person=resident",
                "/concierge",
            ],
        ),
    }


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
OLDER = re.compile(r'href="(/activity\?[^"]*before=[^"]+)"')


def measure(db: Database, plan: Blueprint, repeat: int) -> dict[str, Any]:
    os.environ["CONCIERGE_DEMO"] = "1"
    from fastapi.testclient import TestClient

    from bot.web.app import create_app

    app = create_app(db)
    times: list[float] = []
    per_page: dict[str, list[float]] = {}
    failures: list[str] = []
    for role, (who, paths) in roles(plan).items():
        client = TestClient(app)
        form = CSRF.search(client.get("/signin").text)  # the sign-in form carries its session's token
        signed = client.post("/signin", data={"person": who, "csrf_token": form.group(1) if form else ""}, follow_redirects=False)
        if signed.status_code != 303:
            failures.append(f"{role}: sign-in {signed.status_code}")
            continue
        for path in paths:
            url = path
            if path.endswith("@older"):  # the second page of Activity, by the page's own "Older events" link
                first = client.get("/activity")
                found = OLDER.search(first.text)
                if found is None:
                    failures.append(f"{role}: no older events link")
                    continue
                url = found.group(1).replace("&amp;", "&")
            client.get(url)  # warm
            for _ in range(repeat):
                began = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200 or 'id="problem"' in response.text:
                    failures.append(f"{role} {url}: {response.status_code}")
                times.append(elapsed)
                per_page.setdefault(f"{role} {path}", []).append(elapsed)
        mine = [t for name, values in per_page.items() if name.startswith(role + " ") for t in values]
        say(f"  {role}: {len(paths)} pages, p95 {percentile(mine, 0.95):.0f} ms")
    slowest = sorted(((percentile(v, 0.95), k) for k, v in per_page.items()), reverse=True)[:5]
    return {
        "page_views": len(times),
        "p95_ms": round(percentile(times, 0.95), 1) if times else None,
        "median_ms": round(percentile(times, 0.5), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
        "slowest_p95_ms": {name: round(value, 1) for value, name in slowest},
        "resident_activity_p95_ms": round(percentile(per_page.get("resident /activity", [0.0]), 0.95), 1),
        "failures": failures[:10],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small property (a CI smoke run)")
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--repeat", type=int, default=None, help="views of each page (default 5; 2 with --quick)")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    repeat = args.repeat or (2 if args.quick else 5)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'pages.db'}"
        if url.startswith("postgresql"):
            from bench.core import fresh_database

            db = fresh_database(url, "bench_pages")
        else:
            db = Database(url)
        say(f"loading 1 property x {size.units} units, {size.events_per_property:,} events ...")
        plan, counts = load(db, size)
        say(
            f"  {counts['people']} people, {counts['grants']} grants, {counts['keys']} keys, "
            f"{counts['activity_events']:,} events ({counts['load_s']} s)"
        )
        say(f"page views ({repeat} of each page per role) ...")
        result = {
            "size": "quick" if args.quick else "full",
            "database": db.engine.dialect.name,
            **{k: counts[k] for k in ("people", "grants", "keys", "doors", "activity_events", "load_s")},
            **measure(db, plan, repeat),
        }
        db.engine.dispose()
    result["total_s"] = round(time.perf_counter() - began, 1)
    result["load_avg_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine skews every figure
    result["missed_target"] = result["p95_ms"] > TARGET_P95_MS
    print(json.dumps(result), flush=True)
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
