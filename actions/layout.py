"""A property's doors and keys as plain values, cached per data version (no lazy loads per turn)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from access_core.views import Site, key_layout


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


def build_layout(session: Session, prop: Site) -> Layout:
    keys, door_types = key_layout(session, prop.id)
    return Layout(tuple(KeyView(k.name, k.shareable, k.doors, k.residence, dict(k.schedules)) for k in keys), door_types)
