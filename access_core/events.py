"""What the core publishes (``access_core.uow.publish``) for others to act on once it is committed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UpgradeRequested:
    """A property asked for a product it has not enabled: the sales team must hear of it."""

    request_id: int
    """The stored ``UpgradeRequest``'s id."""


@dataclass(frozen=True, slots=True)
class PropertyAlert:
    """Something every manager who may act on it should hear about at once (a lockdown started or lifted)."""

    kind: str
    """``lockdown_started`` or ``lockdown_lifted``."""
    property_id: int
    """The property's id."""
    property_name: str
    """The property's name."""
    text: str
    """The sentence to show."""
