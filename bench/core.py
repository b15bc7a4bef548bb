"""Core benchmark: a synthetic portfolio in PostgreSQL, its load, visibility, decisions and CSV import.

    python -m bench.core [--quick] [--db URL] [--schema NAME] [--samples N]

Full size: 50 properties x 200 units, about 10,000 people, 30,000 grants and 5 million
activity events; ``--quick`` a tenth of it. Progress lines first, the last line one JSON
object. Targets (full size, 2 cores): each visibility p95 <= 20 ms, >= 20,000
decisions/s, a 10,000-row CSV in <= 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from typing import Any

from sqlalchemy import create_engine, text

from access_core.db import Database
from bench import core_measure as measure
from bench.core_events import copy_events, generate
from bench.core_portfolio import Size, advance_sequences, blueprint, insert_blueprint
from bot import bootstrap

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FULL = Size(properties=50)
QUICK = Size(properties=5)
TARGETS = {
    "visible_door_day_p95_ms": 20,
    "visible_manager_day_p95_ms": 20,
    "visible_portfolio_day_p95_ms": 20,
    "decisions_per_s": 20_000,
    "csv_10k_rows_s": 5,
}


def say(message: str) -> None:
    print(message, flush=True)


def fresh_database(base_url: str, schema: str) -> Database:
    """Drop and recreate the benchmark's own schema, then migrate it."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise SystemExit(f"--schema {schema!r}: use lower-case letters, digits and _")
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    joiner = "&" if "?" in base_url else "?"
    return bootstrap.database(f"{base_url}{joiner}options=-csearch_path%3D{schema}")


def load(db: Database, size: Size) -> tuple[Any, dict[str, Any]]:
    began = time.perf_counter()
    plan = blueprint(size)
    with db.engine.begin() as connection:
        counts = insert_blueprint(connection, plan)
    say(
        f"  portfolio: {counts['properties']} properties, {counts['doors']} doors, {counts['keys']} keys, "
        f"{counts['people']} people, {counts['grants']} grants ({time.perf_counter() - began:.1f} s)"
    )
    events, codes = generate(plan)
    say(f"  generated {len(events['at']):,} events ({time.perf_counter() - began:.1f} s)")
    counts["activity_events"] = copy_events(db.engine, events, codes)
    say(f"  copied and indexed the events ({time.perf_counter() - began:.1f} s)")
    with db.engine.begin() as connection:
        advance_sequences(connection, [t for t in counts if t not in ("key_doors", "property_people")])
        connection.execute(text("ANALYZE"))
    counts["load_s"] = round(time.perf_counter() - began, 1)
    return plan, counts


def run(size: Size, db: Database, samples: int) -> dict[str, Any]:
    say(f"loading {size.properties} properties x {size.units} units, {size.properties * size.events_per_property:,} events ...")
    plan, counts = load(db, size)
    say(f"loaded in {counts['load_s']} s; checking a sample of events against classify ...")
    misjudged, sampled = measure.classification_check(db, plan)
    say(f"  {misjudged} of {sampled} sampled events judged otherwise by classify")
    say(f"visibility: {samples} samples of each kind ...")
    seen = measure.visibility(db, measure.Sampler(plan), samples)
    for kind, figures in seen.items():
        say(f"  {kind}: p95 {figures['p95_ms']} ms, median {figures['median_ms']} ms, {figures['rows_avg']} rows on average")
    say("decisions from the compiled index ...")
    decided = measure.decisions(db, plan, count=200_000)
    say(
        f"  {decided['decisions_per_s']:,} decisions/s (index built in {decided['index_build_s']} s; "
        f"{decided['mismatches']} of {decided['checked']} differ from the database decision)"
    )
    say("CSV import of 10,000 new people onto one key ...")
    csv_s = measure.csv_import_seconds(db, plan, 10_000)
    say(f"  {csv_s:.2f} s")
    return {
        "size": "quick" if size.properties < FULL.properties else "full",
        **{k: counts[k] for k in ("properties", "doors", "keys", "people", "grants", "activity_events", "load_s")},
        "decisions_per_s": decided["decisions_per_s"],
        "decision_mismatches": decided["mismatches"],
        "index_build_s": decided["index_build_s"],
        "visible_door_day_p95_ms": seen["door_day"]["p95_ms"],
        "visible_manager_day_p95_ms": seen["manager_day"]["p95_ms"],
        "visible_portfolio_day_p95_ms": seen["portfolio_day"]["p95_ms"],
        "csv_10k_rows_s": round(csv_s, 2),
        "events_misclassified": misjudged,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.core", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the full size (a CI smoke run)")
    parser.add_argument("--db", default=DEFAULT_DB, help=f"PostgreSQL URL (default {DEFAULT_DB})")
    parser.add_argument("--schema", default="bench_core", help="schema to drop, recreate and fill")
    parser.add_argument("--samples", type=int, default=200, help="visibility queries of each kind")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    began = time.perf_counter()
    result = run(size, fresh_database(args.db, args.schema), args.samples)
    result["total_s"] = round(time.perf_counter() - began, 1)
    result["load_avg_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine skews every figure
    result["missed_targets"] = [
        name for name, target in TARGETS.items() if (result[name] < target if name == "decisions_per_s" else result[name] > target)
    ]
    print(json.dumps(result), flush=True)
    return 1 if result["decision_mismatches"] or result["events_misclassified"] else 0


if __name__ == "__main__":
    sys.exit(main())
