"""What the core publishes (``access_core.uow.publish``) for others to act on once it is committed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UpgradeRequested:
    """A property asked for a product it has not enabled: the sales team must hear of it."""

    request_id: int
    """The stored ``UpgradeRequest``'s id."""
