"""What every HTTP request and response passes through: a body-size limit and the security headers."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from secure import (
    ContentSecurityPolicy,
    CrossOriginOpenerPolicy,
    PermissionsPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)
from secure.middleware import SecureASGIMiddleware
from sqlalchemy.exc import DataError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 64 * 1024
"""Chat messages, webhooks and REST bodies are a few kB; CONCIERGE_MAX_BODY_BYTES overrides."""


class BodyLimit:
    """Refuses a request body past its limit with 413: at once by Content-Length, else while it streams in.

    ``limits`` maps a path prefix to a larger (or smaller) limit than ``default``; the longest prefix wins.
    """

    def __init__(self, app: ASGIApp, *, default: int = DEFAULT_MAX_BODY, limits: Mapping[str, int] | None = None) -> None:
        self.app, self.default = app, default
        self.limits = sorted((limits or {}).items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        return next((size for prefix, size in self.limits if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await too_large(send, limit)
            return
        received = 0
        started = refused = False

        async def counted() -> Message:
            """The body as it streams in; past the limit the 413 goes out and the app sees the client leave."""
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await too_large(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the app's own answer to the cut-off body: the 413 was already sent
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, watched)


async def too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"The request body is larger than {limit} bytes."}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def max_body_from_env() -> int:
    value = os.environ.get("CONCIERGE_MAX_BODY_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MAX_BODY


_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def inline_hashes(pages: Iterable[str]) -> dict[str, list[str]]:
    """The CSP hash sources of each inline ``<script>`` and ``<style>`` block of our own pages, by tag."""
    found: dict[str, list[str]] = {"script": [], "style": []}
    for page in pages:
        for tag, content in _INLINE.findall(page):
            digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
            found[tag].append(f"'sha256-{digest}'")
    return found


def security_headers(pages: Iterable[str]) -> Secure:
    """No framing, no sniffing, no referrer; scripts and styles only from here or the exact inline blocks of ``pages``;
    HSTS when the public address is https."""
    hashes = inline_hashes(pages)
    csp = (
        ContentSecurityPolicy()
        .default_src("'none'")
        .script_src("'self'", *hashes["script"])
        .style_src("'self'", *hashes["style"])
        .img_src("'self'", "data:")
        .connect_src("'self'")
        .font_src("'self'")
        .form_action("'self'")
        .base_uri("'none'")
        .frame_ancestors("'none'")
    )
    return Secure(
        csp=csp,
        xfo=XFrameOptions().deny(),
        xcto=XContentTypeOptions().nosniff(),
        referrer=ReferrerPolicy().no_referrer(),
        coop=CrossOriginOpenerPolicy().same_origin(),
        permissions=PermissionsPolicy().geolocation().camera().microphone(),
        hsts=StrictTransportSecurity().max_age(31_536_000) if os.environ.get("PUBLIC_URL", "").startswith("https") else None,
    )


def install(app: Any, pages: Iterable[str]) -> None:
    """Wrap ``app`` (a Starlette/FastAPI app) in the guards: the headers outermost, so a 413 carries them too;
    values the database cannot hold are a 422, whatever slipped past the request models."""
    app.add_middleware(BodyLimit, default=max_body_from_env())
    app.add_middleware(SecureASGIMiddleware, secure=security_headers(pages))
    app.add_exception_handler(DataError, unstorable)
    app.add_exception_handler(OverflowError, unstorable)


def unstorable(_request: Request, exc: Exception) -> Response:
    """A value too long or too large for its column (PostgreSQL's DataError, SQLite's OverflowError): the caller's
    mistake, named without echoing the value."""
    what = "a number is too large" if isinstance(exc, OverflowError) or "out of range" in str(exc) else "a value is too long"
    return JSONResponse(
        {"detail": f"The request could not be stored: {what} (or of the wrong kind); nothing was changed."}, status_code=422
    )
