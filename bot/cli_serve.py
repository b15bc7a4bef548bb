"""`concierge serve`: the web app under uvicorn (`concierge token` is in bot.cli_token)."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer


def asgi_app():  # type: ignore[no-untyped-def]
    """The app for uvicorn's factory mode (several workers each build their own)."""
    from bot import bootstrap

    app = bootstrap.web_app()
    app.state.turns.warm()
    return app


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        db: Annotated[str | None, typer.Option("--db", help="Database URL.")] = None,
        workers: Annotated[int, typer.Option(help="Worker processes (use REDIS_URL for shared state).")] = 1,
    ) -> None:
        """Serve the web app: the concierge page, the chat API, SMS, Slack, Rasa REST and the REST API."""
        import uvicorn

        from bot import bootstrap

        if db:
            os.environ["DATABASE_URL"] = db
        os.environ.setdefault("CONCIERGE_SECRET", secrets.token_hex(32))  # one session key for every worker
        bootstrap.database(db).engine.dispose()  # migrate once, before any worker starts (and hold no connection across fork)
        log_level = os.environ.get("LOG_LEVEL", "warning").lower()
        if workers > 1:
            from bot.web import workers as balanced

            balanced.run(asgi_app, host, port, workers, log_level)  # gunicorn's arbiter; connections shared out evenly
        else:
            uvicorn.run("bot.cli_serve:asgi_app", factory=True, host=host, port=port, log_level=log_level, proxy_headers=True)
