"""Who is acting: a person and the manager roles they hold, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.models import ManagerRole, Permission, Role
from access_core.rules.facts import Place
from access_core.views import Asker

FULL, LIMITED, SPECIFIC, DEVICE = (Permission.full.value, Permission.limited.value, Permission.specific.value, Permission.device.value)
KEY_LEVELS = frozenset({FULL, LIMITED, SPECIFIC})


@dataclass(frozen=True, slots=True)
class Principal:
    """The acting person with their manager roles (none for a resident or guest)."""

    person_id: int
    """The acting person's id."""
    handle: str
    """Their email, else phone."""
    name: str
    """Their display name."""
    portfolios: frozenset[int] = frozenset()
    """Portfolios they manage as portfolio manager."""
    levels: dict[int, frozenset[str]] = field(default_factory=dict)
    """Property id -> their property-manager permission levels there."""
    specific_keys: dict[int, frozenset[int]] = field(default_factory=dict)
    """Property id -> the key ids selected for them as a specific-key manager."""
    agent_at: frozenset[int] = frozenset()
    """Properties where they are a concierge agent."""

    def is_portfolio_manager(self, prop: Place) -> bool:
        return prop.portfolio_id in self.portfolios

    def has(self, prop: Place, *levels: str) -> bool:
        return bool(self.levels.get(prop.id, frozenset()) & set(levels))

    def my_keys(self, prop: Place) -> frozenset[int]:
        if not self.has(prop, Permission.specific):
            return frozenset()
        return self.specific_keys.get(prop.id, frozenset())

    def is_manager_at(self, prop: Place) -> bool:
        """Any property-management permission at the property (key or device level)."""
        return self.is_portfolio_manager(prop) or bool(self.levels.get(prop.id))

    def manages_keys_at(self, prop: Place) -> bool:
        return self.is_portfolio_manager(prop) or self.has(prop, *KEY_LEVELS)


def load_principal(session: Session, person: Asker) -> Principal:
    portfolios: set[int] = set()
    levels: dict[int, set[str]] = {}
    keys: dict[int, set[int]] = {}
    agent_at: set[int] = set()
    for role in session.scalars(select(ManagerRole).where(ManagerRole.person_id == person.id)):
        if role.role == Role.portfolio_manager:
            portfolios.add(role.portfolio_id)
        elif role.role == Role.property_manager and role.property_id is not None:
            levels.setdefault(role.property_id, set()).update(role.permissions)
            keys.setdefault(role.property_id, set()).update(int(k) for k in role.key_ids)
        elif role.role == Role.concierge_agent and role.property_id is not None:
            agent_at.add(role.property_id)
    return Principal(
        person_id=person.id,
        handle=person.handle,
        name=person.label,
        portfolios=frozenset(portfolios),
        levels={p: frozenset(v) for p, v in levels.items()},
        specific_keys={p: frozenset(v) for p, v in keys.items()},
        agent_at=frozenset(agent_at),
    )
