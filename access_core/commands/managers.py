"""Manager roles (portfolio managers only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from access_core import policy
from access_core.commands.base import Command
from access_core.policy import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateManager(Command):
    """Give a person a manager role at the property (or its portfolio)."""

    person: str
    """Who."""
    role: str | None = None
    """portfolio_manager, property_manager or concierge_agent; property_manager when None."""
    permissions: tuple[str, ...] = ()
    """A property manager's levels: full, limited, specific, device."""
    keys: tuple[str, ...] = ()
    """The keys of a specific-key manager."""
    op: ClassVar[str] = "create_manager"
    rule: ClassVar[Rule] = policy.CREATING_MANAGERS


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveManager(Command):
    """Undo of create_manager."""

    role_id: int
    """The role given."""
    op: ClassVar[str] = "remove_manager"
    rule: ClassVar[Rule] = policy.CREATING_MANAGERS
