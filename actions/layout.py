"""A property's doors and keys as plain values, cached per data version (no lazy loads per turn)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from access_core.models import Key, KeyDoor, Property


@dataclass(frozen=True, slots=True)
class KeyView:
    name: str
    """The key's exact name."""
    shareable: bool
    """Whether holders who may share can share it."""
    doors: tuple[str, ...]
    """Its doors' names."""
    residence: bool
    """Whether it includes a residence door."""
    schedules: dict[str, str] = field(default_factory=dict)
    """Door name -> its weekly schedule in this key (doors open at all times are absent)."""


@dataclass(frozen=True, slots=True)
class Layout:
    keys: tuple[KeyView, ...]
    """Every key of the property."""
    door_types: dict[str, str]
    """Door name -> type."""

    def key(self, name: str) -> KeyView | None:
        return next((k for k in self.keys if k.name == name), None)

    def keys_with(self, door: str) -> list[KeyView]:
        return [k for k in self.keys if door in k.doors]


def build_layout(session: Session, prop: Property) -> Layout:
    keys = session.scalars(
        select(Key).where(Key.property_id == prop.id).order_by(Key.id).options(selectinload(Key.doors).selectinload(KeyDoor.door))
    ).all()
    views = tuple(
        KeyView(
            k.name,
            k.shareable,
            tuple(kd.door.name for kd in k.doors),
            any(kd.door.is_residence for kd in k.doors),
            {kd.door.name: kd.schedule for kd in k.doors if kd.schedule},
        )
        for k in keys
    )
    return Layout(views, {d.name: d.type for d in prop.doors})
