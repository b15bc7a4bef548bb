"""Texts sent through the Twilio REST client (a configurable API base for a local fake), and their delivery statuses."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from access_core.db import Database
from bot.web.models import SmsDelivery, SmsOptOut

TWILIO_API = "https://api.twilio.com"


class BaseUrlHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio ships no type hints
    """Twilio's HTTP client with api.twilio.com replaced by another base URL (a local fake in tests)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def twilio_client() -> Client | None:
    sid, token = os.environ.get("TWILIO_ACCOUNT_SID"), os.environ.get("TWILIO_AUTH_TOKEN")
    if not sid or not token:
        return None
    base = os.environ.get("TWILIO_API_URL")
    return Client(sid, token, http_client=BaseUrlHttpClient(base, timeout=10) if base else None)


class Texts:
    """Outbound texts: never to an opted-out number; each send recorded for its status callbacks."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def send(self, to: str, body: str) -> str | None:
        client, sender = twilio_client(), os.environ.get("TWILIO_FROM")
        if client is None or not sender:
            return None
        with self.database.session() as session:
            if session.get(SmsOptOut, to) is not None:
                return None
        public = os.environ.get("PUBLIC_URL", "").rstrip("/")
        extra = {"status_callback": public + "/twilio/sms/status"} if public else {}
        message = client.messages.create(to=to, from_=sender, body=body, **extra)
        self.record(str(message.sid), to, str(message.status or "queued"))
        return str(message.sid)

    def record(self, sid: str, to: str | None, status: str) -> None:
        with self.database.session() as session:
            row = session.get(SmsDelivery, sid)
            if row is None:
                session.add(SmsDelivery(sid=sid[:64], to=(to or "")[:20], status=status[:20], updated_at=datetime.now(UTC)))
            else:
                row.status, row.updated_at = status[:20], datetime.now(UTC)
