"""Who is calling: bearer tokens (issued by `concierge token`), the page's session cookie, demo mode."""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime

from fastapi import HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.db import Database, retry_busy
from access_core.lookup import person_by_ref
from access_core.models import Person
from bot.web.models import ApiToken

TOKEN_PREFIX = "cgt_"


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


def person_for_token(session: Session, token: str) -> Person | None:
    row = session.scalar(select(ApiToken).where(ApiToken.digest == _digest(token.strip()), ApiToken.revoked.is_(False)))
    return session.get(Person, row.person_id) if row else None


def bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def signed_in(request: Request) -> str | None:
    """The handle of the person signed in on the page (session cookie), if any."""
    return request.session.get("person") if "session" in request.scope else None


def require_person(request: Request, session: Session) -> Person:
    """The caller by bearer token, else by the page's session; 401 otherwise."""
    token = bearer(request)
    person = person_for_token(session, token) if token else None
    if person is None and token is None and (handle := signed_in(request)):
        person = person_by_ref(session, handle)
    if person is None:
        raise HTTPException(401, "sign in or send a valid bearer token", headers={"WWW-Authenticate": "Bearer"})
    return person
