"""Manager roles and their permission levels: the CONTRACT's words, plain values (stored by ``models.ManagerRole``)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    portfolio_manager = "portfolio_manager"
    property_manager = "property_manager"
    concierge_agent = "concierge_agent"


class Permission(enum.StrEnum):
    full = "full_key_management"
    limited = "limited_key_management"
    specific = "specific_key_management"
    device = "device_management"
