"""The transactional outbox: every core change devices must learn is written in the change's own transaction.

``DeviceOutbox`` is a flush watcher (``access_core.uow.FlushWatcher``) that the bootstrap
(``bot.bootstrap``) gives every database it builds; no session of any other database hears it.
On each flush it looks at the grants, shares, doorcodes, keycards, key doors, doors,
reservations and remote-unlock events being written, and inserts one ``device_changes``
row naming them by id, on the same connection: it commits or rolls back with them.
ORM bulk statements (``session.execute(insert(Grant), rows)``) bypass the flush, so a
``do_orm_execute`` listener reads their rows from the parameters; a bulk update or
delete of those tables, whose rows it cannot see, asks for a full resync.
The relay later turns it into device messages. Sessions marked with
``session.info[FROM_DEVICES] = True`` (the event ingestion) report no commands back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import chain
from typing import Any

from sqlalchemy import insert, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from access_core.models import (
    ActivityEvent,
    Door,
    Doorcode,
    ExceptionDay,
    Grant,
    GuestShare,
    Keycard,
    KeyDoor,
    Lockdown,
    ManagerRole,
    Reservation,
)
from devices.models import DeviceChange

FROM_DEVICES = "devices_origin"
LIVE_UNLOCK = "unlock-"
"""How ``access_core.services.doors.unlock_door`` names its events; loaded history unlocks nothing."""
KINDS = ("grants", "shares", "codes", "cards", "doors", "full_doors", "reservations", "commands", "everything", "rules", "rules_portfolios")
WATCHED = (Grant, GuestShare, Doorcode, Keycard, KeyDoor, Door, Reservation, ExceptionDay, Lockdown, ManagerRole)


def _changed(obj: Any, name: str) -> bool:
    return bool(inspect(obj).attrs[name].history.has_changes())


def _old(obj: Any, name: str) -> Any:
    history = inspect(obj).attrs[name].history
    return history.deleted[0] if history.deleted else None


def describe(obj: Any, from_devices: bool, found: dict[str, list[Any]], *, new: bool = False) -> None:
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
    elif isinstance(obj, ExceptionDay | Lockdown):
        found["rules"].append(obj.property_id)  # the doors' rules: a lockdown goes out before anything else
    elif isinstance(obj, ManagerRole):
        found["rules" if obj.property_id is not None else "rules_portfolios"].append(obj.property_id or obj.portfolio_id)
    elif isinstance(obj, Door):
        if _changed(obj, "activated"):
            found["doors"].append(obj.id)
        if not from_devices and not new and _changed(obj, "firmware") and obj.firmware:
            found["commands"].append({"door": obj.id, "type": "firmware", "version": obj.firmware})
    elif (
        isinstance(obj, ActivityEvent)
        and obj.credential == "remote"
        and obj.granted
        and not from_devices
        and new
        and obj.external_id.startswith(LIVE_UNLOCK)
    ):
        found["commands"].append({"door": obj.door_id, "type": "unlock", "event": obj.external_id})


BULK_FIELDS: dict[type, tuple[str, tuple[str, ...]]] = {
    Grant: ("grants", ("person_id", "key_id")),
    GuestShare: ("shares", ("guest_id", "key_id")),
    Doorcode: ("codes", ("key_id", "code")),
    Keycard: ("cards", ("serial", "property_id")),
    Reservation: ("reservations", ("person_id", "amenity_id")),
}


def _record(session: Session, found: dict[str, list[Any]]) -> None:
    payload = {kind: items for kind, items in found.items() if items}
    if payload:
        table: Any = DeviceChange.__table__
        session.connection().execute(insert(table).values(payload=payload, created_at=datetime.now(UTC)))


class DeviceOutbox:
    """Writes, beside every flush and in its transaction, one ``device_changes`` row naming what devices must learn."""

    def bulk_statement(self, state: ORMExecuteState) -> None:
        """ORM bulk statements skip the flush: read the inserted rows from their parameters."""
        if not (state.is_insert or state.is_update or state.is_delete) or state.bind_mapper is None:
            return
        entity = state.bind_mapper.class_
        if entity not in WATCHED:
            return
        found: dict[str, list[Any]] = {kind: [] for kind in KINDS}
        rows: list[Any] = list(state.parameters) if isinstance(state.parameters, list) else [state.parameters or {}]
        if state.is_insert and entity in BULK_FIELDS and all(f in row for row in rows for f in BULK_FIELDS[entity][1]):
            kind, fields = BULK_FIELDS[entity]
            found[kind] = [[row[f] for f in fields] for row in rows]
        elif state.is_insert and entity is KeyDoor:
            found["full_doors"] = [row["door_id"] for row in rows if "door_id" in row]
        else:
            found["everything"] = [True]
        _record(state.session, found)

    def after_flush(self, session: Session) -> None:
        found: dict[str, list[Any]] = {kind: [] for kind in KINDS}
        from_devices = bool(session.info.get(FROM_DEVICES))
        for obj in chain(session.new, session.dirty, session.deleted):
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            describe(obj, from_devices, found, new=obj in session.new)
        _record(session, found)
