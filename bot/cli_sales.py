"""`concierge sales`: the sales team's side of upgrade requests (``concierge_catalog.sales``).

`concierge sales route` sends every request not routed yet (by hand or from cron); `concierge sales state ID
in_progress|closed` moves one request. The database comes from the bootstrap, with the same wiring as every
other entry point.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: DATABASE_URL or ./concierge.db).")]


def register(app: typer.Typer) -> None:
    sales = typer.Typer(help="Upgrade requests to the sales team: route them, move their state.", no_args_is_help=True)
    app.add_typer(sales, name="sales")

    @sales.command()
    def route(db: DbOption = None) -> None:
        """Send every upgrade request not routed yet (a failed one is kept and tried again next time)."""
        from bot import bootstrap
        from concierge_catalog.sales import route_pending

        for done in route_pending(bootstrap.database(db)):
            typer.echo(f"#{done.request_id} {done.route}" + (f" failed: {done.error}" if done.error else ""))

    @sales.command()
    def state(
        request_id: Annotated[int, typer.Argument(help="The request's number.")],
        new_state: Annotated[str, typer.Argument(metavar="STATE", help="in_progress or closed.")],
        db: DbOption = None,
    ) -> None:
        """Move a request to in_progress or closed."""
        from access_core.errors import Invalid
        from bot import bootstrap
        from concierge_catalog.sales import set_request_state

        if new_state not in ("in_progress", "closed"):
            typer.echo("error: STATE is in_progress or closed", err=True)
            raise typer.Exit(2)
        try:
            with bootstrap.database(db).session() as session:
                request = set_request_state(session, request_id, new_state, datetime.now(UTC))
                typer.echo(f"#{request.id} {request.state}")
        except Invalid as exc:
            typer.echo(exc.message)
            raise typer.Exit(1) from None
