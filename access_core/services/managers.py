"""Creating managers (portfolio managers only)."""

from __future__ import annotations

from typing import Any

from access_core import policy
from access_core.errors import Invalid
from access_core.models import ManagerRole, Permission, Role
from access_core.services.context import Context, Outcome


def create_manager(ctx: Context, op: dict[str, Any]) -> Outcome:
    policy.require_manager_creation(ctx.principal, ctx.prop)
    person = ctx.person(op.get("person"))
    role = op.get("role") or Role.property_manager
    if role not in {r.value for r in Role}:
        raise Invalid("role", f"{role!r} is not a manager role")
    permissions = list(op.get("permissions") or [])
    allowed = {p.value for p in Permission}
    if role == Role.property_manager and (not permissions or not set(permissions) <= allowed):
        raise Invalid("permissions", "Which permission levels: full, limited, specific keys or devices?")
    key_ids = [str(ctx.key(name).id) for name in op.get("keys") or []]
    if Permission.specific in permissions and not key_ids:
        raise Invalid("keys", "Which keys should they manage?")
    row = ManagerRole(person_id=person.id, role=role, portfolio_id=ctx.prop.portfolio_id,
                      property_id=None if role == Role.portfolio_manager else ctx.prop.id,
                      permissions=permissions, key_ids=key_ids)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("create_manager", person=person.handle, role=role, permissions=permissions)
    what = role.replace("_", " ") + (f" ({', '.join(permissions)})" if permissions else "")
    return Outcome(f"{person.label} is now a {what}.", [{"op": "remove_manager", "role_id": row.id}])


def remove_manager(ctx: Context, op: dict[str, Any]) -> Outcome:
    policy.require_manager_creation(ctx.principal, ctx.prop)
    row = ctx.session.get(ManagerRole, op.get("role_id"))
    if row is None:
        raise Invalid("role", "No such manager role.")
    ctx.session.delete(row)
    ctx.session.flush()
    ctx.audit("remove_manager", person=row.person_id, role=row.role)  # the audit log is the data version every cache of roles watches
    return Outcome("Removed that manager role.")
