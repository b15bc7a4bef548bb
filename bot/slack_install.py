"""Multi-workspace install: Bolt's OAuth flow, with slack_sdk's SQLAlchemy stores on the app's own database.

`GET /slack/install` issues a state (kept in `slack_oauth_states` and in a browser cookie) and redirects to Slack's
authorize page; `GET /slack/oauth_redirect` checks both, exchanges the code (`oauth.v2.access`) and saves the
installation, whose bot token Bolt then finds for every request from that workspace. The tables are migration 0008.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

SCOPES = ("app_mentions:read", "chat:write", "commands", "im:history", "im:read", "im:write", "users:read", "users:read.email")
STATE_SECONDS = 600
REDIRECT_PATH = "/slack/oauth_redirect"


@dataclass(frozen=True, slots=True)
class InstallSettings:
    """What the OAuth install needs; present only when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set."""

    client_id: str
    """The app's client id (Basic Information > App Credentials)."""
    client_secret: str
    """Its client secret."""
    scopes: tuple[str, ...] = SCOPES
    """Bot scopes asked for at install (SLACK_SCOPES, comma-separated, overrides)."""
    redirect_uri: str | None = None
    """SLACK_REDIRECT_URI, else PUBLIC_URL + /slack/oauth_redirect, else the one set in the Slack app."""
    authorization_url: str | None = None
    """Slack's authorize page (SLACK_AUTHORIZATION_URL; tests point it at a fake)."""

    @classmethod
    def from_env(cls) -> InstallSettings | None:
        client_id, client_secret = os.environ.get("SLACK_CLIENT_ID"), os.environ.get("SLACK_CLIENT_SECRET")
        if not client_id or not client_secret:
            return None
        scopes = tuple(s.strip() for s in os.environ.get("SLACK_SCOPES", "").split(",") if s.strip()) or SCOPES
        public = os.environ.get("PUBLIC_URL", "").rstrip("/")
        redirect = os.environ.get("SLACK_REDIRECT_URI") or (public + REDIRECT_PATH if public else None)
        return cls(client_id, client_secret, scopes, redirect, os.environ.get("SLACK_AUTHORIZATION_URL") or None)


def oauth_settings(install: InstallSettings, engine: Engine) -> OAuthSettings:
    """Bolt's OAuth settings with installations and states kept in the concierge's database."""
    return OAuthSettings(
        client_id=install.client_id,
        client_secret=install.client_secret,
        scopes=list(install.scopes),
        user_scopes=[],
        redirect_uri=install.redirect_uri,
        install_path="/slack/install",
        install_page_rendering_enabled=False,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=install.authorization_url,
        installation_store=SQLAlchemyInstallationStore(client_id=install.client_id, engine=engine),
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
        state_expiration_seconds=STATE_SECONDS,
    )


def install_routes(api: APIRouter, flow: OAuthFlow) -> None:
    """The install redirect and the OAuth callback, run off the event loop (they touch the database and Slack)."""

    @api.get(flow.install_path)
    async def install(request: Request) -> Response:
        return to_starlette_response(await run_in_threadpool(flow.handle_installation, to_bolt_request(request, b"")))

    @api.get(flow.redirect_uri_path)
    async def oauth_redirect(request: Request) -> Response:
        return to_starlette_response(await run_in_threadpool(flow.handle_callback, to_bolt_request(request, b"")))
