"""DOMAIN "Grant": a person holds a key from ``starts_at`` until ``ends_at`` (open end allowed)."""

from __future__ import annotations

from datetime import datetime

from access_core.rules.facts import Period


def active_at(period: Period, at: datetime) -> bool:
    """The grant (or share) opens doors at ``at``: started, and not yet ended."""
    return period.starts_at <= at and (period.ends_at is None or at < period.ends_at)


def not_ended(period: Period, at: datetime) -> bool:
    """Held now or later: active at ``at`` or still to start (what can be revoked, extended or named as "my key")."""
    return period.ends_at is None or at < period.ends_at
