"""What the channels remember: API tokens, SMS opt-outs and deliveries, events already handled.

Their own metadata (``ChannelBase``), not the core's ``Base``: the core's tables are what a property
file describes; these are the channels' bookkeeping. Foreign keys name the core's columns directly
(the only use of the core's models in ``bot``). Migrations: ``0004_channels`` and later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from access_core.models import Person
from access_core.types import UTCDateTime


class ChannelBase(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class ApiToken(ChannelBase):
    """A bearer token for the REST API and the web page; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id, ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(default=False)


class SmsOptOut(ChannelBase):
    """A number that texted STOP: it gets nothing until START."""

    __tablename__ = "sms_opt_outs"
    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    at: Mapped[datetime]


class SmsDelivery(ChannelBase):
    """A text sent through the Twilio REST API and its latest delivery status."""

    __tablename__ = "sms_deliveries"
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    to: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime]


class HandledEvent(ChannelBase):
    """An inbound event id already acted on (Slack retries, Twilio re-deliveries)."""

    __tablename__ = "handled_events"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    at: Mapped[datetime]


class WebSession(ChannelBase):
    """A signed-in page session; the cookie holds only its random id, whose SHA-256 is kept here.
    Signing out deletes it, and so does revoking the token it was signed in with."""

    __tablename__ = "web_sessions"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id, ondelete="CASCADE"), index=True)
    token_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
