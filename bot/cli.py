"""The `concierge` command: thin entrypoints over the core and the dialogue."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Conversational concierge for building access.")

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file (default: DATABASE_URL or ./concierge.db).")]


def _database(url: str | None):  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from bot import bootstrap

    try:
        return bootstrap.database(url)
    except ArgumentError:
        _fail(f"--db {url!r} is not a database URL (sqlite:///file.db, postgresql://host/db) or a file path")
    except DBAPIError as error:
        _fail(f"cannot open the database {url or 'of DATABASE_URL or ./concierge.db'}: {error.orig}")


def _moment(text: str | None, what: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        _fail(f"{what}: {text!r} is not an ISO 8601 time like 2026-12-01T10:00:00-05:00")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _emit(payload: dict[str, Any], as_json: bool, text: str) -> None:
    typer.echo(json.dumps(payload) if as_json else text)


@app.command()
def load(file: Path, db: DbOption = None) -> None:
    """Build or rebuild a portfolio from a property file (all or nothing)."""
    from access_core.file_fields import FileErrors
    from access_core.loader import load_property_file

    database = _database(db)
    try:
        with database.session() as session:
            report = load_property_file(session, file)
    except FileErrors as exc:
        for error in exc.errors:
            typer.echo(f"{file}:{error.line}: {error.message}", err=True)
        typer.echo(f"error: {file} was not loaded; nothing changed.", err=True)
        raise typer.Exit(1) from None
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(report.counts.items()))
    typer.echo(f"Loaded {report.portfolio}: {', '.join(report.properties)} ({counts}).")


@app.command()
def activity(
    as_: Annotated[str, typer.Option("--as", help="Email or phone of the asker.")],
    door: Annotated[str | None, typer.Option(help="Only this door.")] = None,
    since: Annotated[str | None, typer.Option(help="ISO time, inclusive.")] = None,
    until: Annotated[str | None, typer.Option(help="ISO time, exclusive.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    db: DbOption = None,
) -> None:
    """The activity the asker may see (DOMAIN visibility table)."""
    from access_core.errors import CoreError, Refused
    from access_core.lookup import require_person
    from access_core.principal import load_principal
    from access_core.property_events import property_events_seen
    from access_core.queries import door_for, visible_event_ids

    with _database(db).session() as session:
        try:
            person = require_person(session, as_)
            principal = load_principal(session, person)
            target = door_for(session, door, person) if door else None
            start, end = _moment(since, "--since"), _moment(until, "--until")
            events = visible_event_ids(session, principal, door=target, since=start, until=end)
            marks = property_events_seen(session, principal, door=target, since=start, until=end)
        except Refused as exc:
            _emit({"events": [], "refused": exc.rule, "reply": exc.message}, as_json, f"refused: {exc.message}")
            return
        except CoreError as exc:
            _fail(exc.message)
            return
        ids = [e.external_id for e in events]
        lines = [
            f"{e.external_id}  {e.at.isoformat()}  {e.door.name}  {e.credential}  {'granted' if e.granted else 'denied'}" for e in events
        ]
        if marks:  # lockdowns started and lifted: property events, never among the file's event ids
            lines += [
                f"{m.at.isoformat()}  {m.kind}  {m.property}  {'every door' if m.whole_property else ', '.join(m.doors)}  {m.by or ''}"
                for m in marks
            ]
        out: dict[str, Any] = {"events": ids, "property_events": [m.as_json() for m in marks]} if marks else {"events": ids}
        _emit(out, as_json, "\n".join(lines) or "No activity.")


@app.command()
def check(
    person: Annotated[str, typer.Option(help="Email, phone or name.")],
    door: Annotated[str, typer.Option(help="Door name.")],
    at: Annotated[str | None, typer.Option(help="ISO time (default now).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    db: DbOption = None,
) -> None:
    """May this person open this door at this moment, and if not, why."""
    from access_core.errors import CoreError
    from access_core.queries import check_access

    moment = _moment(at, "--at") or datetime.now(UTC)
    with _database(db).session() as session:
        try:
            decision = check_access(session, person, door, moment)
        except CoreError as exc:
            _fail(exc.message)
            return
    text = "allowed" if decision.allowed else "denied: " + ", ".join(decision.reasons)
    _emit(decision.as_json(), as_json, text)


# The subcommands live in their own modules; registered here, after the commands above.
from bot.chat_cli import register as _register_chat  # noqa: E402
from bot.cli_devices import register as _register_devices  # noqa: E402
from bot.cli_import import register as _register_import  # noqa: E402
from bot.cli_sales import register as _register_sales  # noqa: E402
from bot.cli_serve import register as _register_serve  # noqa: E402
from bot.cli_token import register as _register_token  # noqa: E402

for _register in (_register_chat, _register_serve, _register_import, _register_devices, _register_token, _register_sales):
    _register(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
