"""Cross-site request forgery: every change a browser asks for carries its session's token, checked here.

The token is random, kept in the signed session cookie (a new one after each sign-in, since signing in starts the
session afresh) and put in each page: a hidden field of every form that posts, and a `<meta>` tag the scripts send
back as the ``X-CSRF-Token`` header. SameSite=Lax cookies already keep most cross-site posts away; this also covers
same-site subdomains and browsers without SameSite. Bearer-token calls carry no ambient credential and are exempt;
a request without a signed-in session is checked only where it signs in (a forged sign-in would put the victim in
the attacker's account)."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
SIGN_IN = frozenset({"/signin"})


def token(request: Request) -> str:
    """This session's token (made on first use)."""
    value = request.session.get(FIELD)
    if not isinstance(value, str) or len(value) < 32:
        value = request.session[FIELD] = secrets.token_urlsafe(32)
    return value


async def check(request: Request) -> None:
    """A FastAPI dependency: 403 when a browser's change lacks its session's token."""
    if request.method in SAFE or "session" not in request.scope:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    if "sid" not in request.session and request.url.path not in SIGN_IN:
        return  # no signed-in session for a forged request to ride on
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        field = (await request.form()).get(FIELD)
        sent = field if isinstance(field, str) else None
    expected = request.session.get(FIELD)
    if not (isinstance(expected, str) and isinstance(sent, str) and secrets.compare_digest(expected, sent)):
        raise HTTPException(403, "This form has expired or came from another site; reload the page and try again.")
