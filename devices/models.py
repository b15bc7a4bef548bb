"""Tables of the device fleet: the change outbox, per-door versions, device messages, the event inbox, alerts.

They live in their own metadata (``DeviceBase``), not in ``access_core.models.Base``:
the core's tables are what a property file describes, and the core's checks (reloading a
file changes nothing, a refused file leaves every table as it was) read all of Base;
the outbox is bookkeeping beside them. Foreign keys name the core's columns directly.
Migration: ``access_core/migrations/versions/0003_devices.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, delete
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from access_core.models import Door, Property
from access_core.types import UTCDateTime


class DeviceBase(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


def clear_unreferenced(connection: Any) -> None:
    """Empty the two tables no core row owns (the outbox and the inbox); the others go with their doors."""
    connection.execute(delete(DeviceChange))
    connection.execute(delete(DeviceInbox))


class DeviceChange(DeviceBase):
    """A change in the core that devices must learn, written in the same transaction as the change."""

    __tablename__ = "device_changes"
    __table_args__ = (Index("ix_device_changes_pending", "compiled_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    payload: Mapped[dict[str, Any]]
    """What changed, by ids: {"grants": [[person, key]], "doors": [...], ...} (see devices.outbox)."""
    created_at: Mapped[datetime]
    compiled_at: Mapped[datetime | None]
    """When the relay turned it into device messages; None while pending."""


class DeviceDoor(DeviceBase):
    """The server's view of one door's device: the newest store version and what the device acknowledged."""

    __tablename__ = "device_doors"
    door_id: Mapped[int] = mapped_column(ForeignKey(Door.id, ondelete="CASCADE"), primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey(Property.id, ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    acked_version: Mapped[int] = mapped_column(Integer, default=0)
    last_seen_at: Mapped[datetime | None]


class DeviceMessage(DeviceBase):
    """A message for one door's device (a versioned store delta or a command), published by the relay."""

    __tablename__ = "device_messages"
    __table_args__ = (
        UniqueConstraint("door_id", "version"),
        Index("ix_device_messages_unpublished", "published_at", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    property_id: Mapped[int] = mapped_column(ForeignKey(Property.id, ondelete="CASCADE"))
    door_id: Mapped[int] = mapped_column(ForeignKey(Door.id, ondelete="CASCADE"))
    version: Mapped[int | None] = mapped_column(Integer)
    """The store version a delta brings the device to; None for commands."""
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]


class DeviceInbox(DeviceBase):
    """Events from devices already applied: their ids make ingestion idempotent."""

    __tablename__ = "device_inbox"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime]


class DeviceAlert(DeviceBase):
    """Something a property's managers should hear about: a low battery, a door held open, tampering."""

    __tablename__ = "device_alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey(Property.id, ondelete="CASCADE"), index=True)
    door_id: Mapped[int] = mapped_column(ForeignKey(Door.id, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime]
    notify: Mapped[list[str]] = mapped_column(default=list)
    """Handles of the managers told (portfolio managers and device managers of the property)."""
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
