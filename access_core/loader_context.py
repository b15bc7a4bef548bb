"""What the sections of one property file share while they load: the session, the property, names seen so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from access_core.file_fields import Fields
from access_core.models import Door, Key, Person, Property


@dataclass(slots=True)
class Context:
    session: Session
    prop: Property
    tz: ZoneInfo
    people: dict[str, Person]
    doors: dict[str, Door] = field(default_factory=dict)
    keys: dict[str, Key] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    event_ids: set[str] = field(default_factory=set)
    previous_starts: dict[tuple[int, str], datetime] = field(default_factory=dict)
    """(person id, lower-case key name) -> start of that grant before this reload."""

    def count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def door(self, f: Fields, key: str, name: str | None = None) -> Door:
        name = name or f.text(key)
        door = self.doors.get(name.lower())
        if door is None:
            raise f.error(key, f"{name!r} is not a door of {self.prop.name}")
        return door

    def key(self, f: Fields, field_name: str = "key") -> Key:
        name = f.text(field_name)
        key = self.keys.get(name.lower())
        if key is None:
            raise f.error(field_name, f"{name!r} is not a key of {self.prop.name}")
        return key
