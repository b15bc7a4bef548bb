"""`concierge import-csv`: many people onto one key from a CSV file, all or nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: DATABASE_URL).")]


def register(app: typer.Typer) -> None:
    """Add the command to the `concierge` app."""
    app.command("import-csv")(import_csv_command)


def import_csv_command(
    file: Annotated[Path, typer.Argument(help="CSV file with a header: name, email, phone, starts, ends, resident, may_share.")],
    key: Annotated[str, typer.Option("--key", help="The key everyone in the file gets.")],
    as_: Annotated[str, typer.Option("--as", help="Email or phone of the manager importing.")],
    property_name: Annotated[
        str | None, typer.Option("--property", help="The key's property, when several have a key of that name.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    db: DbOption = None,
) -> None:
    """Give KEY to every person in FILE; a file with any bad line changes nothing."""
    from access_core.csv_import import ImportRejected, import_csv, property_of_key
    from access_core.errors import CoreError, Refused
    from access_core.lookup import require_person
    from access_core.principal import load_principal
    from access_core.services.context import Context
    from bot import bootstrap

    try:
        data = file.read_bytes()
        with bootstrap.database(db).session() as session:
            who = load_principal(session, require_person(session, as_))
            prop = property_of_key(session, key, property_name)
            report = import_csv(Context(session, who, datetime.now(UTC), prop), key, data)
    except OSError as exc:
        _stop(as_json, {"error": f"cannot read {file}: {exc.strerror}"}, [f"error: cannot read {file}"])
    except ImportRejected as exc:
        errors = exc.errors
        lines = [f"line {e.line}: {e.message}" for e in errors]
        _stop(
            as_json,
            {"imported": 0, "errors": [{"line": e.line, "reason": e.message} for e in errors]},
            [*lines, f"error: {file} was not imported ({len(errors)} problems); nothing changed."],
        )
    except Refused as exc:
        refusal = {"imported": 0, "refused": exc.rule, "reply": exc.message}
        _stop(as_json, refusal, [f"refused: {exc.message}"])
    except CoreError as exc:
        _stop(as_json, {"imported": 0, "error": exc.message}, [f"error: {exc.message}"])
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if as_json:
        typer.echo(json.dumps(report.as_json()))
        return
    people = "person" if report.imported == 1 else "people"
    typer.echo(
        f"Imported {report.imported} {people} onto {report.key} at {report.property}: "
        f"{report.people_created} new people, {report.grants_created} new grants, "
        f"{report.grants_updated} changed."
    )


def _stop(as_json: bool, payload: dict[str, object], lines: list[str]) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    if as_json:
        typer.echo(json.dumps(payload))
    raise typer.Exit(1)
