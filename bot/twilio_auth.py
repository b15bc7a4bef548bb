"""Twilio webhooks are signed: the signature covers PUBLIC_URL + path + query and the form, keyed by TWILIO_AUTH_TOKEN."""

from __future__ import annotations

import os

from fastapi import Request
from twilio.request_validator import RequestValidator


def public_url(path: str) -> str:
    """The address Twilio is given for one of our paths (relative when PUBLIC_URL is not set)."""
    return os.environ.get("PUBLIC_URL", "").rstrip("/") + path


def signed_by_twilio(request: Request, form: dict[str, str]) -> bool:
    token = os.environ.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("x-twilio-signature")
    if not token or not signature:
        return False
    public = os.environ.get("PUBLIC_URL", "").rstrip("/")
    url = public + request.url.path + (f"?{request.url.query}" if request.url.query else "") if public else str(request.url)
    return bool(RequestValidator(token).validate(url, form, signature))
