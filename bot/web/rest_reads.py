"""What the REST API lists, each read scoped to the caller by the core (``access_core.directory``)."""

from __future__ import annotations

from access_core.directory import doors, grants, keys, reservations
from access_core.directory import people_now as people

__all__ = ["doors", "grants", "keys", "people", "reservations"]
