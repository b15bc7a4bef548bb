"""What every service receives: the unit of work, who acts, when, and at which property."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access_core.commands.base import Command
from access_core.directory import ambiguous_person
from access_core.errors import Ambiguous, Invalid, NotFound
from access_core.lookup import door_in, key_in, person_by_ref
from access_core.models import AuditEntry, Door, IntercomCall, Key, Order, Person, Property
from access_core.principal import Principal
from access_core.sources import zone
from access_core.views import Site, property_row


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
    planning: bool = False
    """True while a plan is tried before it is proposed (nothing it does is kept)."""
    _found: dict[tuple[str, str], Any] = field(default_factory=dict)
    """What this command looked up by name (its rule and its handler ask for the same key or door)."""

    @classmethod
    def at(cls, session: Session, principal: Principal, now: datetime, prop: Site) -> Context:
        """The context of a command at the property a turn holds (as a ``Site``)."""
        return cls(session, principal, now, property_row(session, prop))

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.prop.timezone)

    def forget(self) -> None:
        """Forget what was looked up (each command of a plan looks up afresh)."""
        self._found.clear()

    def key(self, name: Any) -> Key:
        text = _text(name, "key")
        found = self._found.get(("key", text.lower()))
        if found is None:
            found = self._found[("key", text.lower())] = key_in(self.session, self.prop, text)
        return found

    def door(self, name: Any) -> Door:
        text = _text(name, "door")
        found = self._found.get(("door", text.lower()))
        if found is None:
            found = self._found[("door", text.lower())] = door_in(self.session, self.prop, text)
        return found

    def person(self, ref: Any, field_name: str = "person") -> Person:
        if isinstance(ref, dict):
            ref = ref.get("email") or ref.get("phone") or ref.get("name")
        try:
            person = person_by_ref(self.session, _text(ref, field_name))
        except Ambiguous as exc:  # the contacts of those the asker's people list shows, and no one else's
            raise ambiguous_person(self.session, self.principal, self.prop, self.now, exc.name, exc.choices) from None
        if person is None:
            raise NotFound("person", str(ref))
        return person

    def order(self, ref: Any) -> Order:
        """The order named by its receipt number (or id) at this property, locked for the change."""
        query = select(Order).where(Order.property_id == self.prop.id).with_for_update()
        if isinstance(ref, int) or str(ref or "").isdigit():
            order = self.session.scalar(query.where(Order.id == int(str(ref))))
        else:
            order = self.session.scalar(query.where(func.upper(Order.receipt_no) == str(ref or "").strip().upper()))
        if order is None:
            raise Invalid("order", f"There is no order {ref or ''} here.".replace("  ", " "))
        return order

    def buyer_of(self, order: Any) -> int:
        return self.order(order).person_id

    def intercom_call(self, call_id: int) -> IntercomCall:
        call = self.session.get(IntercomCall, call_id)
        if call is None:
            raise NotFound("call", str(call_id))
        return call

    def me(self) -> Person:
        person = self.session.get(Person, self.principal.person_id)
        assert person is not None
        return person

    def for_command(self, command: Command) -> Context:
        """The context at the property a command names: this one, or another of the same portfolio, whose own rules
        then apply ("close both properties on Youth Day" is one plan of a day at each)."""
        named = getattr(command, "property", None)
        if not isinstance(named, str) or not named.strip() or named.strip().lower() == self.prop.name.lower():
            return self
        other = self.session.scalar(
            select(Property).where(Property.portfolio_id == self.prop.portfolio_id, func.lower(Property.name) == named.strip().lower())
        )
        if other is None:
            return self  # the handler says which property this is (``require_named_property``)
        return replace(self, prop=other, _found={})

    def require_named_property(self, named: str | None) -> None:
        """A command naming its property must name this one (the conversation's)."""
        if named and named.strip().lower() != self.prop.name.lower():
            raise Invalid("property", f"This is about {self.prop.name}, not {named}.")

    def audit(self, op: str, **detail: Any) -> None:
        self.session.add(AuditEntry(at=self.now, actor_id=self.principal.person_id, op=op, detail=detail))


def _text(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(field_name, f"{field_name} is required")
    return value


@dataclass(slots=True)
class Outcome:
    """What a service did, as data (``access_core.describe`` words it), and the commands that undo it."""

    change: str
    """What changed ("granted", "revoked", "reserved", …): the describer's key."""
    facts: dict[str, Any] = field(default_factory=dict)
    """What it changed, by name: people by label, keys and doors by name, times aware."""
    undo: list[Command] = field(default_factory=list)
    """Commands (internal vocabulary allowed) that put things back; empty when it can't be undone."""
    detail: dict[str, Any] = field(default_factory=dict)
    """Anything created the caller may show (a doorcode, a receipt)."""
