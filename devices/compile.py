"""What one door's device must know, read from the database and encoded for the wire.

A door's store holds, per person, the sources of access to that door (grants, then
shares, then reservations, each in id order, exactly as ``access_core.sources`` reads
them); the property's keycards; the doorcodes of keys containing the door; and the
door's own state and rules (devices.rules_wire). A source travels as ``[via, starts_ts, ends_ts|None, schedule|None,
live]`` (plus ``true`` for a lockdown_exempt key), once per
message in a ``sources`` table that each person's entry points into.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.models import Amenity, Door, Doorcode, Grant, GuestShare, Key, Keycard, KeyDoor, Property, Reservation
from access_core.sources import zone
from devices.rules_wire import door_rules, revision

Encoded = tuple[Any, ...]
PeopleEntries = dict[int, dict[str, list[Encoded]]]
"""door id -> person id (as text) -> encoded sources."""
CODE_DAYS_KEPT = 2


def _ts(moment: datetime | None) -> float | int | None:
    if moment is None:
        return None
    stamp = moment.timestamp()
    return int(stamp) if stamp.is_integer() else stamp


def _filter(query: Any, column: Any, ids: Collection[Any] | None) -> Any:
    return query if ids is None else query.where(column.in_(list(ids)))


def people_entries(
    session: Session, prop_id: int, door_ids: Collection[int] | None = None, person_ids: Collection[int] | None = None
) -> PeopleEntries:
    """Per door and person, the encoded sources; limited to some doors and people when given."""
    found: PeopleEntries = {}

    def add(door_id: int, person_id: int, source: Encoded) -> None:
        found.setdefault(door_id, {}).setdefault(str(person_id), []).append(source)

    key_doors: dict[int, list[tuple[int, str, str | None]]] = {}
    exempt_keys: set[int] = set()
    doors_query = (
        select(KeyDoor.key_id, KeyDoor.door_id, Key.name, KeyDoor.schedule, Key.lockdown_exempt)
        .join(Key, Key.id == KeyDoor.key_id)
        .where(Key.property_id == prop_id)
    )
    for key_id, door_id, key_name, schedule, key_exempt in session.execute(_filter(doors_query, KeyDoor.door_id, door_ids)):
        key_doors.setdefault(key_id, []).append((door_id, key_name, schedule))
        if key_exempt:
            exempt_keys.add(key_id)
    grants = (
        select(Grant.person_id, Grant.key_id, Grant.starts_at, Grant.ends_at).where(Grant.key_id.in_(list(key_doors))).order_by(Grant.id)
    )
    for person_id, key_id, starts, ends in session.execute(_filter(grants, Grant.person_id, person_ids)):
        window = _ts(starts), _ts(ends)
        exempt = (True,) if key_id in exempt_keys else ()  # a lockdown_exempt key's sources carry a sixth field
        for door_id, key_name, schedule in key_doors[key_id]:
            add(door_id, person_id, (f"key {key_name}", *window, schedule, True, *exempt))
    shares = (
        select(GuestShare, KeyDoor.door_id, Key.name, KeyDoor.schedule)
        .join(Key, Key.id == GuestShare.key_id)
        .join(KeyDoor, KeyDoor.key_id == GuestShare.key_id)
        .where(Key.property_id == prop_id)
        .order_by(GuestShare.id)
    )
    rows = session.execute(_filter(_filter(shares, KeyDoor.door_id, door_ids), GuestShare.guest_id, person_ids)).all()
    sharers = _sharer_grants(session, {(share.granter_id, share.key_id) for share, *_ in rows})
    for share, door_id, key_name, schedule in rows:
        starts, ends, live = _share_window(share, sharers.get((share.granter_id, share.key_id)))
        add(door_id, share.guest_id, (f"share of {key_name}", _ts(starts), _ts(ends), schedule, live))
    reservations = (
        select(Reservation.person_id, Amenity.door_id, Amenity.name, Reservation.starts_at, Reservation.ends_at)
        .join(Amenity, Amenity.id == Reservation.amenity_id)
        .where(Amenity.property_id == prop_id, Amenity.door_id.is_not(None), Reservation.cancelled.is_(False))
        .order_by(Reservation.id)
    )
    reservations = _filter(_filter(reservations, Amenity.door_id, door_ids), Reservation.person_id, person_ids)
    for person_id, door_id, name, starts, ends in session.execute(reservations):
        add(door_id, person_id, (f"reservation of {name}", _ts(starts), _ts(ends), None, True))
    return found


def _sharer_grants(session: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Grant]:
    if not pairs:
        return {}
    grants = session.scalars(select(Grant).where(Grant.key_id.in_({key for _, key in pairs})))
    return {(g.person_id, g.key_id): g for g in grants if (g.person_id, g.key_id) in pairs}


def _share_window(share: GuestShare, grant: Grant | None) -> tuple[datetime, datetime, bool]:
    """As ``access_core.sources.share_window``: within the sharer's grant, dead when they may not share."""
    if grant is None or not grant.may_share:
        return share.starts_at, share.ends_at, False
    starts = max(share.starts_at, grant.starts_at)
    ends = min(share.ends_at, grant.ends_at_or_max())
    return starts, max(ends, starts), share.active


def pack(entries: dict[str, list[Encoded]]) -> dict[str, Any]:
    """People's sources as a table of distinct sources and, per person, indices into it (many share one)."""
    table: dict[tuple[Any, ...], int] = {}
    people = {}
    for person, sources in entries.items():
        people[person] = [table.setdefault(tuple(source), len(table)) for source in sources]
    return {"sources": [list(source) for source in table], "people": people}


def cards(session: Session, prop_id: int, serials: Collection[str] | None = None) -> dict[str, list[Any]]:
    """Keycard serial -> [person id, active] for the property's cards."""
    query = _filter(
        select(Keycard.serial, Keycard.person_id, Keycard.active).where(Keycard.property_id == prop_id), Keycard.serial, serials
    )
    return {serial: [person_id, active] for serial, person_id, active in session.execute(query)}


def codes(
    session: Session, prop_id: int, today: date, door_ids: Collection[int] | None = None, only: Collection[str] | None = None
) -> dict[int, dict[str, list[Encoded]]]:
    """Per door, code -> [[via, day, schedule, active], ...] in id order; codes of past days are dropped."""
    query = (
        select(Doorcode, KeyDoor.door_id, KeyDoor.schedule)
        .join(KeyDoor, KeyDoor.key_id == Doorcode.key_id)
        .join(Key, Key.id == Doorcode.key_id)
        .where(Key.property_id == prop_id, Doorcode.day >= today - timedelta(days=CODE_DAYS_KEPT))
        .order_by(Doorcode.id)
    )
    query = _filter(_filter(query, KeyDoor.door_id, door_ids), Doorcode.code, only)
    found: dict[int, dict[str, list[Encoded]]] = {}
    for doorcode, door_id, schedule in session.execute(query):
        found.setdefault(door_id, {}).setdefault(doorcode.code, []).append(
            (f"doorcode {doorcode.code}", doorcode.day.isoformat(), schedule, doorcode.active)
        )
    return found


def door_states(session: Session, prop_id: int, door_ids: Collection[int] | None = None) -> dict[int, dict[str, Any]]:
    prop = session.get(Property, prop_id)
    assert prop is not None
    query = _filter(select(Door.id, Door.activated).where(Door.property_id == prop_id), Door.id, door_ids)
    return {door_id: {"activated": bool(active), "tz": prop.timezone} for door_id, active in session.execute(query)}


def snapshots(session: Session, prop_id: int, now: datetime, door_ids: Collection[int] | None = None) -> dict[int, dict[str, Any]]:
    """The whole store of each door (of the property, or of the doors given), in property-wide queries."""
    prop = session.get(Property, prop_id)
    assert prop is not None
    today = now.astimezone(zone(prop.timezone)).date()
    states = door_states(session, prop_id, door_ids)
    people = people_entries(session, prop_id, door_ids)
    door_codes = codes(session, prop_id, today, door_ids)
    all_cards = cards(session, prop_id)
    rules, rev = door_rules(session, prop_id, now, list(states)), revision(session)
    return {
        door_id: {
            "full": True,
            "door": {**state, "rules": rules[door_id], "rules_rev": rev},
            **pack(people.get(door_id, {})),
            "cards": all_cards,
            "codes": door_codes.get(door_id, {}),
        }
        for door_id, state in states.items()
    }
