"""`concierge devices ...`: the device fleet's relay and a simulated fleet, thin over devices/."""

from __future__ import annotations

import contextlib
import json
import random
import time
from datetime import UTC, datetime
from typing import Annotated

import typer

devices_app = typer.Typer(no_args_is_help=True, help="Device fleet: relay, sync and a simulated fleet.")
DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: DATABASE_URL or ./concierge.db).")]


def _property_id(database, name: str) -> int:  # type: ignore[no-untyped-def]
    from access_core.lookup import property_by_name

    with database.session() as session:
        prop = property_by_name(session, name)
        if prop is None:
            typer.echo(f"error: no property named {name!r}", err=True)
            raise typer.Exit(2)
        return prop.id


@devices_app.command()
def simulate(
    property_name: Annotated[str, typer.Option("--property", help="Property name.")],
    seconds: Annotated[float, typer.Option(help="How long to run.")] = 10.0,
    seed: Annotated[int, typer.Option(help="Random seed of the simulated life.")] = 1,
    db: DbOption = None,
) -> None:
    """Run simulated locks and intercoms of a property on the bus (REDIS_URL, else in-process)."""
    from bot import bootstrap
    from devices.harness import Harness, alerts_of, events_recorded, simulated_population

    database = bootstrap.database(db)
    prop_id = _property_id(database, property_name)
    people, cards = simulated_population(database, prop_id)
    events_before = events_recorded(database)
    bus = bootstrap.bus()
    harness = Harness(database, bus, prop_id)
    harness.relay.full_sync(prop_id)
    harness.start()
    rng, ends = random.Random(seed), time.monotonic() + seconds
    try:
        while time.monotonic() < ends:
            harness.fleet.simulate_activity(datetime.now(UTC), rng, people, cards)
            harness.relay.tick(prop_id)
            time.sleep(0.5)
    finally:
        harness.stop()
    harness.settle(max_rounds=200)
    events, alerts = events_recorded(database) - events_before, alerts_of(database, prop_id)
    fleet = harness.fleet.devices.values()
    typer.echo(
        json.dumps(
            {
                "property": property_name,
                "devices": len(fleet),
                "online": sum(d.online for d in fleet),
                "events_recorded": events,
                "alerts": alerts,
                "bus": type(bus).__name__,
                "errors": [str(e) for e in harness.errors][:5],
            }
        )
    )


@devices_app.command()
def relay(
    seconds: Annotated[float | None, typer.Option(help="Stop after this long (default: until Ctrl-C).")] = None,
    db: DbOption = None,
) -> None:
    """Publish the outbox to the bus and take device events into the core."""
    import threading

    from bot import bootstrap
    from devices.ingest import Ingest
    from devices.relay import Relay

    database, bus, stop = bootstrap.database(db), bootstrap.bus(), threading.Event()
    workers = [
        threading.Thread(target=Relay(database, bus).run, args=(stop,), daemon=True),
        threading.Thread(target=Ingest(database, bus).run, args=(stop,), daemon=True),
    ]
    for worker in workers:
        worker.start()
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait(seconds)
    stop.set()
    for worker in workers:
        worker.join(timeout=5)


@devices_app.command()
def sync(property_name: Annotated[str, typer.Option("--property", help="Property name.")], db: DbOption = None) -> None:
    """Send every door of a property its whole credential store."""
    from bot import bootstrap
    from devices.relay import Relay

    database = bootstrap.database(db)
    sent = Relay(database, bootstrap.bus()).full_sync(_property_id(database, property_name))
    typer.echo(f"Sent {sent} door stores.")


def register(app: typer.Typer) -> None:
    """Add `concierge devices` (the bootstrap's database records device changes for every command)."""
    app.add_typer(devices_app, name="devices")
