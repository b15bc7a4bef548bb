"""The persistent domain model (SQLAlchemy 2, typed)."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from access_core.roles import Permission as Permission
from access_core.roles import Role as Role
from access_core.rules import grants
from access_core.types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class DoorType(enum.StrEnum):
    building_entrance = "building_entrance"
    residence = "residence"
    communal = "communal"
    service = "service"


class DeviceModel(enum.StrEnum):
    latch_r = "latch_r"
    latch_m = "latch_m"
    latch_c = "latch_c"
    intercom = "intercom"


class ActorRole(enum.StrEnum):
    """Who acted at a residence door, judged for that door when the event happened."""

    resident = "resident"
    manager = "manager"
    nonresident = "nonresident"


class Portfolio(Base):
    __tablename__ = "portfolios"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    properties: Mapped[list[Property]] = relationship(back_populates="portfolio")


class Property(Base):
    __tablename__ = "properties"
    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(400), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    features: Mapped[list[str]] = mapped_column(default=list)
    upgrades: Mapped[list[str]] = mapped_column(default=list)
    country: Mapped[str | None] = mapped_column(String(2))
    """ISO 3166-1 alpha-2 code for public holidays; None: from the address and the time zone."""
    subdivision: Mapped[str | None] = mapped_column(String(8))
    """State or province code within ``country`` (e.g. NY)."""
    portfolio: Mapped[Portfolio] = relationship(back_populates="properties")
    doors: Mapped[list[Door]] = relationship(back_populates="property", order_by="Door.id")
    keys: Mapped[list[Key]] = relationship(back_populates="property", order_by="Key.id")


class Door(Base):
    __tablename__ = "doors"
    __table_args__ = (UniqueConstraint("property_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    device: Mapped[str | None] = mapped_column(String(32))
    serial: Mapped[str | None] = mapped_column(String(64))
    activated: Mapped[bool] = mapped_column(Boolean, default=True)
    battery: Mapped[int | None] = mapped_column(Integer)
    firmware: Mapped[str | None] = mapped_column(String(32))
    delivery: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def is_residence(self) -> bool:
        return self.type == DoorType.residence

    property: Mapped[Property] = relationship(back_populates="doors")


class Key(Base):
    __tablename__ = "keys"
    __table_args__ = (UniqueConstraint("property_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    shareable: Mapped[bool] = mapped_column(Boolean, default=False)
    lockdown_exempt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    """Its holders' own credentials still open its doors during a lockdown (never shareable)."""

    @property
    def has_residence(self) -> bool:
        return any(kd.door.is_residence for kd in self.doors)

    property: Mapped[Property] = relationship(back_populates="keys")
    doors: Mapped[list[KeyDoor]] = relationship(back_populates="key", cascade="all, delete-orphan", order_by="KeyDoor.position")


class KeyDoor(Base):
    """A door inside a key, with the door's optional weekly schedule in that key."""

    __tablename__ = "key_doors"
    key_id: Mapped[int] = mapped_column(ForeignKey("keys.id", ondelete="CASCADE"), primary_key=True)
    door_id: Mapped[int] = mapped_column(ForeignKey("doors.id", ondelete="CASCADE"), primary_key=True, index=True)
    schedule: Mapped[str | None] = mapped_column(String(400))
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[Key] = relationship(back_populates="doors")
    door: Mapped[Door] = relationship()


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)

    @property
    def handle(self) -> str:
        """How operations name the person: email, else phone."""
        return self.email or self.phone or f"person:{self.id}"

    @property
    def label(self) -> str:
        return self.name or self.handle


class Membership(Base):
    """A person known at a property (listed, invited, given a key or a share there)."""

    __tablename__ = "property_people"
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True)


class Grant(Base):
    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("person_id", "key_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("keys.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    resident: Mapped[bool] = mapped_column(Boolean)
    may_share: Mapped[bool] = mapped_column(Boolean, default=False)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    key: Mapped[Key] = relationship()
    granted_by: Mapped[Person | None] = relationship(foreign_keys=[granted_by_id])

    def active_at(self, at: datetime) -> bool:
        return grants.active_at(self, at)

    def ends_at_or_max(self) -> datetime:
        return self.ends_at or datetime.max.replace(tzinfo=UTC)


class Keycard(Base):
    __tablename__ = "keycards"
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    person: Mapped[Person] = relationship()


class Doorcode(Base):
    __tablename__ = "doorcodes"
    __table_args__ = (
        UniqueConstraint("key_id", "code", "day"),
        UniqueConstraint("property_id", "day", "code", name="uq_doorcodes_property_day_code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"), index=True)
    """A code is unique in its property on its day (migration 0011): a keypad never has to choose between two."""
    key_id: Mapped[int] = mapped_column(ForeignKey("keys.id", ondelete="CASCADE"), index=True)
    granter_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    key: Mapped[Key] = relationship()
    granter: Mapped[Person] = relationship()


class GuestShare(Base):
    __tablename__ = "guest_shares"
    id: Mapped[int] = mapped_column(primary_key=True)
    granter_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    guest_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("keys.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    granter: Mapped[Person] = relationship(foreign_keys=[granter_id])
    guest: Mapped[Person] = relationship(foreign_keys=[guest_id])
    key: Mapped[Key] = relationship()


class ManagerRole(Base):
    __tablename__ = "manager_roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"))
    property_id: Mapped[int | None] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"))
    permissions: Mapped[list[str]] = mapped_column(default=list)
    key_ids: Mapped[list[str]] = mapped_column(default=list)
    """Ids (as text) of the keys a specific-key manager manages."""
    person: Mapped[Person] = relationship()


class Amenity(Base):
    __tablename__ = "amenities"
    __table_args__ = (UniqueConstraint("property_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    door_id: Mapped[int | None] = mapped_column(ForeignKey("doors.id", ondelete="SET NULL"))
    reservable: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    hours: Mapped[str | None] = mapped_column(String(400))
    max_hours: Mapped[float | None]
    rules: Mapped[str] = mapped_column(String(1000), default="")
    max_places_per_person: Mapped[int | None] = mapped_column(Integer)
    """Places one person may hold in one slot; None for the default (access_core.place_caps)."""
    door: Mapped[Door | None] = relationship()


class Reservation(Base):
    __tablename__ = "reservations"
    __table_args__ = (Index("ix_reservations_amenity_time", "amenity_id", "starts_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    amenity_id: Mapped[int] = mapped_column(ForeignKey("amenities.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    amenity: Mapped[Amenity] = relationship()
    person: Mapped[Person] = relationship()


class CatalogItem(Base):
    """A local service or an experience offered at a property."""

    __tablename__ = "catalog_items"
    __table_args__ = (UniqueConstraint("property_id", "kind", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    vendor: Mapped[str] = mapped_column(String(200), default="")
    price: Mapped[float] = mapped_column(default=0.0)
    unit: Mapped[str] = mapped_column(String(100), default="")
    starts_at: Mapped[datetime | None]
    capacity: Mapped[int | None] = mapped_column(Integer)
    max_places_per_person: Mapped[int | None] = mapped_column(Integer)
    """Places one person may hold of an experience; None for the default (access_core.place_caps)."""


class Order(Base):
    """A booked service or a bought experience: its price as it was then, its receipt and its state."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("property_id", "sequence", name="uq_orders_property_id_sequence"),)
    TRANSITIONS = {
        "requested": frozenset({"confirmed", "cancelled"}),
        "confirmed": frozenset({"fulfilled", "cancelled"}),
        "fulfilled": frozenset(),
        "cancelled": frozenset(),
    }
    """Legal state changes; fulfilled and cancelled are final."""
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_items.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime | None]
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(16), default="requested")
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    """1, 2, 3 … per property, in order of purchase."""
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    """R-<property id>-<sequence>: stable, shown on the receipt and used to name the order."""
    item_name: Mapped[str] = mapped_column(String(200), default="")
    vendor: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(100), default="")
    unit_cents: Mapped[int] = mapped_column(Integer, default=0)
    """The item's price when ordered, in cents; later catalog changes do not touch it."""
    total_cents: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    requested_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    fulfilled_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    item: Mapped[CatalogItem] = relationship()
    person: Mapped[Person] = relationship()

    def can_become(self, state: str) -> bool:
        return state in self.TRANSITIONS.get(self.state, frozenset())

    def move_to(self, state: str, at: datetime) -> None:
        """Take a legal transition and stamp its time (check ``can_become`` first)."""
        if not self.can_become(state):
            raise ValueError(f"order {self.receipt_no} can't go from {self.state} to {state}")
        self.state = state
        setattr(self, f"{state}_at", at)


class UpgradeRequest(Base):
    """A property's request for a product it has not enabled, for the sales team.

    ``state`` is the sales side (open, in_progress, closed); routing to sales is tracked apart:
    ``routed_at`` is set once it reached its route (``slack:<channel>`` or ``stored-only``).
    """

    __tablename__ = "upgrade_requests"
    __table_args__ = (
        Index(
            "uq_upgrade_requests_one_open",
            "property_id",
            "upgrade",
            unique=True,
            sqlite_where=text("state != 'closed'"),
            postgresql_where=text("state != 'closed'"),
        ),
    )
    STATES = ("open", "in_progress", "closed")
    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"), index=True)
    upgrade: Mapped[str] = mapped_column(String(64))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    route: Mapped[str | None] = mapped_column(String(120))
    routed_at: Mapped[datetime | None]
    route_error: Mapped[str | None] = mapped_column(String(400))
    route_attempts: Mapped[int] = mapped_column(Integer, default=0)
    route_claimed_at: Mapped[datetime | None]
    """Set while one process sends it, so two senders never post it twice."""
    requested_by: Mapped[Person] = relationship()


class ActivityEvent(Base):
    """One access event, with who acted judged for that door when it happened."""

    __tablename__ = "activity_events"
    __table_args__ = (
        UniqueConstraint("property_id", "external_id"),
        Index("ix_events_door_at", "door_id", "at"),
        Index("ix_events_property_at", "property_id", "at"),
        Index("ix_events_actor_at", "actor_id", "at"),
        Index("ix_events_granter_at", "granter_id", "at"),
        Index("ix_events_at_id", "at", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64))
    """The event's id from its file or device, unique within its property."""
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"))
    door_id: Mapped[int] = mapped_column(ForeignKey("doors.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    residence: Mapped[bool] = mapped_column(Boolean)
    """Whether the door is a residence door (copied so visibility needs no join)."""
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(16))
    granter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    doorcode: Mapped[str | None] = mapped_column(String(16))
    credential: Mapped[str] = mapped_column(String(16))
    granted: Mapped[bool] = mapped_column(Boolean)
    photo: Mapped[str | None] = mapped_column(String(400))
    door: Mapped[Door] = relationship()
    actor: Mapped[Person | None] = relationship(foreign_keys=[actor_id])


class AuditEntry(Base):
    """Every change made through the core: who, what, when (and the remote unlock reasons)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    op: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CallState(enum.StrEnum):
    """The life of a Concierge Pro intercom call."""

    ringing = "ringing"
    queued = "queued"
    answered = "answered"
    resolved = "resolved"
    abandoned = "abandoned"


class IntercomCall(Base):
    """One call from a property's intercom: its purpose, its agent and the time of each stage."""

    __tablename__ = "intercom_calls"
    __table_args__ = (Index("ix_intercom_calls_property_state", "property_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    """Twilio's CallSid: retried webhooks of the same call find this row."""
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"))
    door_id: Mapped[int | None] = mapped_column(ForeignKey("doors.id", ondelete="SET NULL"))
    """The intercom's door."""
    caller: Mapped[str] = mapped_column(String(32), default="")
    state: Mapped[str] = mapped_column(String(16), default=CallState.ringing.value)
    purpose: Mapped[str | None] = mapped_column(String(16))
    """delivery, visit or unknown; None while the caller is being greeted."""
    heard: Mapped[str | None] = mapped_column(String(400))
    """What the caller said or keyed."""
    visiting_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    prompts: Mapped[int] = mapped_column(Integer, default=1)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    snapshot: Mapped[str | None] = mapped_column(String(200))
    """The name of the camera snapshot taken when the call started."""
    ringing_at: Mapped[datetime]
    queued_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    """When it was resolved or abandoned."""
    caller_left_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(1000), default="")

    @property
    def open(self) -> bool:
        return self.state in (CallState.ringing, CallState.queued, CallState.answered)

    @property
    def seconds_to_answer(self) -> float | None:
        if self.queued_at is None or self.answered_at is None:
            return None
        return (self.answered_at - self.queued_at).total_seconds()

    property: Mapped[Property] = relationship()
    door: Mapped[Door | None] = relationship()
    visiting: Mapped[Person | None] = relationship(foreign_keys=[visiting_id])
    agent: Mapped[Person | None] = relationship(foreign_keys=[agent_id])


Index(
    "uq_intercom_calls_one_per_agent",
    IntercomCall.agent_id,
    unique=True,
    sqlite_where=IntercomCall.state == "answered",
    postgresql_where=IntercomCall.state == "answered",
)


class IntercomCallEvent(Base):
    """The call's log: one row per change of state and per action of its agent (unlocks included)."""

    __tablename__ = "intercom_call_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("intercom_calls.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    door_id: Mapped[int | None] = mapped_column(ForeignKey("doors.id", ondelete="SET NULL"))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[Person | None] = relationship()
    door: Mapped[Door | None] = relationship()


class IntercomCallSummary(Base):
    """What the property's managers are told once a call ends; kept whether or not sending worked."""

    __tablename__ = "intercom_call_summaries"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("intercom_calls.id", ondelete="CASCADE"), unique=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    text: Mapped[str] = mapped_column(String(4000))
    notify: Mapped[list[str]] = mapped_column(default=list)
    """Handles of the managers it is for."""
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sent_at: Mapped[datetime | None]
    send_error: Mapped[str | None] = mapped_column(String(400))


class IntercomSnapshot(Base):
    """The intercom camera's picture of the caller, taken when the call started."""

    __tablename__ = "intercom_snapshots"
    call_id: Mapped[int] = mapped_column(ForeignKey("intercom_calls.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes]
    taken_at: Mapped[datetime]


class ExceptionDay(Base):
    """A day of a property's calendar on which scheduled doors are closed or run as another weekday."""

    __tablename__ = "exception_days"
    __table_args__ = (Index("ix_exception_days_property_day", "property_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    """The local date in the property's zone."""
    name: Mapped[str] = mapped_column(String(200), default="")
    mode: Mapped[str] = mapped_column(String(8))
    """``closed`` or a weekday ``Mon`` … ``Sun`` whose windows apply that day."""
    door_ids: Mapped[list[str] | None] = mapped_column(JSON)
    """Ids (as text) of the doors it applies to; None for every scheduled door."""


class Lockdown(Base):
    """A lockdown of a whole property (``door_ids`` None) or of some of its doors, until lifted."""

    __tablename__ = "lockdowns"
    __table_args__ = (Index("ix_lockdowns_property_ended", "property_id", "ended_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"))
    door_ids: Mapped[list[str] | None] = mapped_column(JSON)
    """Ids (as text) of the doors locked down; None for every door of the property."""
    reason: Mapped[str | None] = mapped_column(String(400))
    started_at: Mapped[datetime]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class PropertyEvent(Base):
    """An event of a whole property in its activity log (a lockdown started or lifted), naming its doors."""

    __tablename__ = "property_events"
    __table_args__ = (Index("ix_property_events_property_at", "property_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    """``lockdown_started`` or ``lockdown_lifted``."""
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    door_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Ids (as text) of the doors it names."""
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[Person | None] = relationship()
