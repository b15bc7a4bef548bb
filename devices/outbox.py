"""The transactional outbox: every core change devices must learn is written in the change's own transaction.

``install()`` registers an ``after_flush`` listener on every SQLAlchemy session. On each
flush it looks at the grants, shares, doorcodes, keycards, key doors, doors,
reservations and remote-unlock events being written, and inserts one ``device_changes``
row naming them by id, on the same connection: it commits or rolls back with them.
The relay later turns it into device messages. Sessions marked with
``session.info[FROM_DEVICES] = True`` (the event ingestion) report no commands back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import chain
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from access_core.models import ActivityEvent, Door, Doorcode, Grant, GuestShare, Keycard, KeyDoor, Reservation
from devices.models import DeviceChange

FROM_DEVICES = "devices_origin"
KINDS = ("grants", "shares", "codes", "cards", "doors", "full_doors", "reservations", "commands")


def _changed(obj: Any, name: str) -> bool:
    return bool(inspect(obj).attrs[name].history.has_changes())


def _old(obj: Any, name: str) -> Any:
    history = inspect(obj).attrs[name].history
    return history.deleted[0] if history.deleted else None


def describe(obj: Any, from_devices: bool, found: dict[str, list[Any]]) -> None:
    """Add what this written object means for devices to ``found``."""
    if isinstance(obj, Grant):
        found["grants"].append([obj.person_id, obj.key_id])
    elif isinstance(obj, GuestShare):
        found["shares"].append([obj.guest_id, obj.key_id])
    elif isinstance(obj, Doorcode):
        found["codes"].append([obj.key_id, obj.code])
    elif isinstance(obj, Keycard):
        found["cards"].append([obj.serial, obj.property_id])
        if _changed(obj, "serial") and _old(obj, "serial"):
            found["cards"].append([_old(obj, "serial"), obj.property_id])
    elif isinstance(obj, KeyDoor):
        found["full_doors"].append(obj.door_id)
        if _changed(obj, "door_id") and _old(obj, "door_id"):
            found["full_doors"].append(_old(obj, "door_id"))
    elif isinstance(obj, Reservation):
        found["reservations"].append([obj.person_id, obj.amenity_id])
    elif isinstance(obj, Door):
        if _changed(obj, "activated"):
            found["doors"].append(obj.id)
        if not from_devices and _changed(obj, "firmware") and obj.firmware:
            found["commands"].append({"door": obj.id, "type": "firmware", "version": obj.firmware})
    elif isinstance(obj, ActivityEvent) and obj.credential == "remote" and obj.granted and not from_devices:
        found["commands"].append({"door": obj.door_id, "type": "unlock", "event": obj.external_id})


def _after_flush(session: Session, _context: Any) -> None:
    found: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    from_devices = bool(session.info.get(FROM_DEVICES))
    for obj in chain(session.new, session.dirty, session.deleted):
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        describe(obj, from_devices, found)
    payload = {kind: items for kind, items in found.items() if items}
    if payload:
        session.connection().execute(insert(DeviceChange.__table__).values(payload=payload, created_at=datetime.now(UTC)))


def install() -> None:
    """Start writing device changes for every session of this process (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def uninstall() -> None:
    if event.contains(Session, "after_flush", _after_flush):
        event.remove(Session, "after_flush", _after_flush)
