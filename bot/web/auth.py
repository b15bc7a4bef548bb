"""Who is calling: bearer tokens (issued by `concierge token`), the page's session cookie, demo mode.

The page's cookie holds only a random session id; the session itself is a row of `web_sessions`, so signing out,
or revoking the token it was signed in with, ends it at once wherever the cookie was copied to."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import HTTPException, Request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from access_core.db import Database, retry_busy
from access_core.lookup import person_by_ref
from access_core.views import Asker, asker, handles_of
from bot.web.models import ApiToken, WebSession

TOKEN_PREFIX = "cgt_"
SESSION_DAYS = 14
"""As long as the signed cookie lives (Starlette's SessionMiddleware default)."""


def demo_mode() -> bool:
    return os.environ.get("CONCIERGE_DEMO", "") not in ("", "0", "false")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(database: Database, who: str, label: str = "") -> str:
    """A new bearer token for a known person; only its digest is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)

    def store() -> None:
        with database.session() as session:
            person = person_by_ref(session, who)
            if person is None:
                raise LookupError(f"no person {who!r}")
            session.add(ApiToken(digest=_digest(token), person_id=person.id, label=label[:100], created_at=datetime.now(UTC)))

    retry_busy(store)
    return token


def person_for_token(session: Session, token: str) -> Asker | None:
    row = session.scalar(select(ApiToken).where(ApiToken.digest == _digest(token.strip()), ApiToken.revoked.is_(False)))
    return asker(session, row.person_id) if row else None


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What `concierge token list` shows of a token: never the token itself."""

    id: str
    """The first 12 hex digits of the token's SHA-256: enough to name it to `concierge token revoke`."""
    person: str
    label: str
    created_at: datetime
    revoked: bool


def list_tokens(database: Database, who: str | None = None) -> list[TokenInfo]:
    with database.session() as session:
        query = select(ApiToken).order_by(ApiToken.created_at)
        if who is not None:
            person = person_by_ref(session, who)
            if person is None:
                raise LookupError(f"no person {who!r}")
            query = query.where(ApiToken.person_id == person.id)
        tokens = list(session.scalars(query))
        handles = handles_of(session, [t.person_id for t in tokens])
        return [TokenInfo(t.digest[:12], handles[t.person_id], t.label, t.created_at, t.revoked) for t in tokens if t.person_id in handles]


def revoke_token(database: Database, token_or_id: str) -> TokenInfo:
    """Revoke a token, given whole or by the id `list_tokens` shows; the page sessions it signed in end with it."""
    ref = token_or_id.strip()

    def revoke() -> TokenInfo:
        with database.session() as session:
            if ref.startswith(TOKEN_PREFIX):
                rows = list(session.scalars(select(ApiToken).where(ApiToken.digest == _digest(ref))))
            elif len(ref) >= 8 and all(c in "0123456789abcdef" for c in ref.lower()):
                rows = list(session.scalars(select(ApiToken).where(ApiToken.digest.startswith(ref.lower()))))
            else:
                raise LookupError("give the token itself or its id from `concierge token list` (8 or more hex digits)")
            if len(rows) != 1:
                raise LookupError("no such token" if not rows else "that id names several tokens; give more digits")
            row = rows[0]
            row.revoked = True
            session.execute(delete(WebSession).where(WebSession.token_digest == row.digest))
            person = asker(session, row.person_id)
            return TokenInfo(row.digest[:12], person.handle if person else "", row.label, row.created_at, True)

    return retry_busy(revoke)


def start_session(request: Request, database: Database, person_id: int, token: str | None = None) -> None:
    """Sign the person in on this browser: a new session row, its random id in the signed cookie."""
    sid = secrets.token_urlsafe(32)
    now = datetime.now(UTC)

    def store() -> None:
        with database.session() as session:
            session.execute(delete(WebSession).where(WebSession.expires_at < now))
            session.add(
                WebSession(
                    digest=_digest(sid),
                    person_id=person_id,
                    token_digest=_digest(token.strip()) if token else None,
                    created_at=now,
                    expires_at=now + timedelta(days=SESSION_DAYS),
                )
            )

    retry_busy(store)
    request.session.clear()
    request.session["sid"] = sid


def end_session(request: Request, database: Database) -> None:
    """Sign out: the session row goes, so a copy of the cookie made earlier no longer signs anyone in."""
    sid = request.session.get("sid") if "session" in request.scope else None
    if isinstance(sid, str):

        def drop() -> None:
            with database.session() as session:
                session.execute(delete(WebSession).where(WebSession.digest == _digest(sid)))

        retry_busy(drop)
    request.session.clear()


def _session_handle(request: Request) -> str | None:
    sid = request.session.get("sid")
    database: Database | None = getattr(request.app.state, "database", None)
    if not isinstance(sid, str) or database is None:
        return None
    with database.session() as session:
        person_id = session.scalar(
            select(WebSession.person_id).where(WebSession.digest == _digest(sid), WebSession.expires_at > datetime.now(UTC))
        )
        person = asker(session, person_id) if person_id is not None else None
        return person.handle if person else None


def bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def signed_in(request: Request) -> str | None:
    """The handle of the person signed in on the page (session cookie and its live server-side session), if any."""
    return _session_handle(request) if "session" in request.scope else None


def require_person(request: Request, session: Session) -> Asker:
    """The caller by bearer token, else by the page's session; 401 otherwise."""
    token = bearer(request)
    person = person_for_token(session, token) if token else None
    if person is None and token is None and (handle := signed_in(request)):
        person = person_by_ref(session, handle)
    if person is None:
        raise HTTPException(401, "sign in or send a valid bearer token", headers={"WWW-Authenticate": "Bearer"})
    return person
