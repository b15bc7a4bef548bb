"""The ASGI app behind `concierge serve`: every channel a thin entrypoint to the same dialogue."""

from __future__ import annotations

import os
import secrets
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.middleware.sessions import SessionMiddleware

from access_core import budgets
from access_core.db import Database, is_busy
from bot.state import Store
from bot.web import concierge, health, pages, rasa, redact
from bot.web.turns import Turns


def create_app(database: Database, *, store: Store | None = None, engine: Any = None, slack: bool | None = None) -> FastAPI:
    """Build the app over a database wired by ``bot.bootstrap`` (which every change reaching the doors needs);
    Slack is mounted when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set (or ``slack=True``)."""
    redact.install()  # no secret or door code in any log line
    turns = Turns(database, store=store, engine=engine)
    budgets.install(turns.limits)  # per-person limits on every network channel (settings: bot.web.ratelimit.BUDGETS)
    app = FastAPI(title="Concierge", version="0.1.0", docs_url=None, redoc_url=None)
    app.state.turns = turns
    app.state.database = database  # server-side page sessions (bot.web.auth)
    secret = os.environ.get("CONCIERGE_SECRET") or secrets.token_hex(32)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="concierge_session",
        same_site="lax",
        https_only=os.environ.get("PUBLIC_URL", "").startswith("https"),
    )

    @app.exception_handler(RequestValidationError)
    def invalid_request(_request: Request, exc: RequestValidationError) -> Response:
        """What was wrong with the request, without echoing what was sent (it may be 100 kB of anything)."""
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()[:20]]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(OperationalError)
    def database_refused(_request: Request, exc: OperationalError) -> Response:
        """A request the database refused (SQLite busy under concurrent writers) was rolled back whole: say so."""
        if is_busy(exc):
            return JSONResponse(
                {"detail": "The database is busy; nothing was changed. Try again."}, status_code=503, headers={"Retry-After": "1"}
            )
        raise exc

    states = app.state.channels = health.ChannelStates()
    app.include_router(health.router(database, states))

    # the chat API first: every request is matched against the routes in order (twice, in FastAPI), and the chat is
    # the busiest path by far; no other router has a path it could take
    app.include_router(concierge.router(turns))
    app.include_router(pages.router(turns))  # Mission Control's pages, `/concierge` among them
    app.include_router(rasa.router(turns))
    from bot import rest_api, rest_calendar, sms

    app.include_router(sms.router(turns))
    from bot import voice
    from bot.web import agent_console

    app.include_router(voice.router(database))
    app.include_router(agent_console.router(database))
    app.include_router(rest_api.router(database))
    from bot.web import docs, guards

    guards.install(app, [docs.install(app)])

    app.include_router(rest_calendar.router(database))
    if slack if slack is not None else bool(os.environ.get("SLACK_SIGNING_SECRET") or os.environ.get("SLACK_APP_TOKEN")):
        from bot import slack_app

        app.include_router(slack_app.router(turns, states=states))  # its lifespan checks the token, runs Socket Mode
    else:
        states.set("slack", "off", "SLACK_SIGNING_SECRET is not set")

        @app.post("/slack/events", include_in_schema=False)
        def slack_not_configured() -> Response:
            return Response("Slack is not configured (SLACK_SIGNING_SECRET)", status_code=401)

    return app
