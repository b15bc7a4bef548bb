"""The shapes the rules read: anything with these attributes (an ORM row or a plain object) will do."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Place(Protocol):
    """A property, as far as the rules care."""

    @property
    def id(self) -> int: ...

    @property
    def portfolio_id(self) -> int: ...


class DoorFacts(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def property_id(self) -> int: ...

    @property
    def property(self) -> Place: ...


class Period(Protocol):
    """A grant's or a share's time: from ``starts_at`` until ``ends_at`` (exclusive; None: open-ended)."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime | None: ...


class GrantFacts(Period, Protocol):
    @property
    def resident(self) -> bool: ...


class EventFacts(Protocol):
    """An access event with who acted judged for that door then (``access_core.activity.classify``)."""

    @property
    def property_id(self) -> int: ...

    @property
    def door_id(self) -> int: ...

    @property
    def at(self) -> datetime: ...

    @property
    def residence(self) -> bool: ...

    @property
    def actor_id(self) -> int | None: ...

    @property
    def actor_role(self) -> str: ...

    @property
    def granter_id(self) -> int | None: ...
