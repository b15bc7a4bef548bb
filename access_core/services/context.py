"""What every service receives: the unit of work, who acts, when, and at which property."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from access_core.errors import Invalid
from access_core.lookup import door_in, key_in, person_by_ref
from access_core.models import AuditEntry, Door, Key, Person, Property
from access_core.principal import Principal
from access_core.sources import zone


@dataclass(slots=True)
class Context:
    session: Session
    """The unit of work; the caller commits or rolls back."""
    principal: Principal
    """Who acts."""
    now: datetime
    """The clock of the request (aware)."""
    prop: Property
    """The property the operation is about."""

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.prop.timezone)

    def key(self, name: Any) -> Key:
        return key_in(self.session, self.prop, _text(name, "key"))

    def door(self, name: Any) -> Door:
        return door_in(self.session, self.prop, _text(name, "door"))

    def person(self, ref: Any, field_name: str = "person") -> Person:
        from access_core.errors import NotFound

        if isinstance(ref, dict):
            ref = ref.get("email") or ref.get("phone") or ref.get("name")
        person = person_by_ref(self.session, _text(ref, field_name))
        if person is None:
            raise NotFound("person", str(ref))
        return person

    def me(self) -> Person:
        person = self.session.get(Person, self.principal.person_id)
        assert person is not None
        return person

    def audit(self, op: str, **detail: Any) -> None:
        self.session.add(AuditEntry(at=self.now, actor_id=self.principal.person_id, op=op, detail=detail))


def _text(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(field_name, f"{field_name} is required")
    return value


def moment(value: Any, field_name: str, default: datetime | None = None) -> datetime | None:
    """An ISO time from an operation (its offset honoured); None or missing gives ``default``."""
    if value is None or value == "":
        return default
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(field_name, f"{field_name} {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise Invalid(field_name, f"{field_name} {value!r} needs its offset")
    return parsed


@dataclass(slots=True)
class Outcome:
    """What a service did: a sentence for the reply, the operations that undo it, details."""

    summary: str
    """Past-tense sentence ("Gave Priya Shah Resident 3A from …")."""
    undo: list[dict[str, Any]] = field(default_factory=list)
    """Operations (internal vocabulary allowed) that put things back; empty when it can't be undone."""
    detail: dict[str, Any] = field(default_factory=dict)
    """Anything created the caller may show (a doorcode, a receipt)."""
