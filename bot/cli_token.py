"""`concierge token`: issue a bearer token (`--as WHO`), list them, revoke one (effective at once)."""

from __future__ import annotations

from typing import Annotated

import typer

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL.")]


def register(app: typer.Typer) -> None:
    tokens = typer.Typer(help="Bearer tokens for the REST API and the concierge page.", no_args_is_help=False)
    app.add_typer(tokens, name="token")

    @tokens.callback(invoke_without_command=True)
    def issue(
        ctx: typer.Context,
        as_: Annotated[str | None, typer.Option("--as", help="Email or E.164 phone of the person the token acts as.")] = None,
        label: Annotated[str, typer.Option(help="What the token is for.")] = "",
        db: DbOption = None,
    ) -> None:
        """Issue a bearer token (shown once): `concierge token --as WHO`; or `list` / `revoke`."""
        if ctx.invoked_subcommand is not None:
            return
        if as_ is None:
            typer.echo("error: say whom the token is for (--as WHO), or use `token list` / `token revoke`", err=True)
            raise typer.Exit(2)
        from bot import bootstrap
        from bot.web.auth import issue_token

        try:
            typer.echo(issue_token(bootstrap.database(db), as_, label))
        except LookupError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None

    @tokens.command("list")
    def list_(
        as_: Annotated[str | None, typer.Option("--as", help="Only this person's tokens.")] = None,
        db: DbOption = None,
    ) -> None:
        """Every token's id, person, label, date and state (never the token itself)."""
        from bot import bootstrap
        from bot.web.auth import list_tokens

        try:
            for t in list_tokens(bootstrap.database(db), as_):
                state = "revoked" if t.revoked else "active"
                typer.echo(f"{t.id}  {state:7}  {t.created_at:%Y-%m-%d %H:%M}  {t.person}  {t.label}".rstrip())
        except LookupError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None

    @tokens.command()
    def revoke(
        token: Annotated[str, typer.Argument(help="The token itself, or its id from `concierge token list`.")],
        db: DbOption = None,
    ) -> None:
        """Revoke a token: refused from the next request on, and the page sessions it signed in end too."""
        from bot import bootstrap
        from bot.web.auth import revoke_token

        try:
            info = revoke_token(bootstrap.database(db), token)
        except LookupError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"revoked {info.id} ({info.person}{', ' + info.label if info.label else ''})")
