"""Creating managers (portfolio managers only)."""

from __future__ import annotations

from access_core.commands import CreateManager, RemoveManager
from access_core.errors import Invalid
from access_core.models import ManagerRole, Permission, Role
from access_core.services.context import Context, Outcome


def create_manager(ctx: Context, cmd: CreateManager) -> Outcome:
    person = ctx.person(cmd.person)
    role = cmd.role or Role.property_manager
    if role not in {r.value for r in Role}:
        raise Invalid("role", f"{role!r} is not a manager role")
    permissions = list(cmd.permissions)
    allowed = {p.value for p in Permission}
    if role == Role.property_manager and (not permissions or not set(permissions) <= allowed):
        raise Invalid("permissions", "Which permission levels: full, limited, specific keys or devices?")
    key_ids = [str(ctx.key(name).id) for name in cmd.keys]
    if Permission.specific in permissions and not key_ids:
        raise Invalid("keys", "Which keys should they manage?")
    row = ManagerRole(
        person_id=person.id,
        role=role,
        portfolio_id=ctx.prop.portfolio_id,
        property_id=None if role == Role.portfolio_manager else ctx.prop.id,
        permissions=permissions,
        key_ids=key_ids,
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("create_manager", person=person.handle, role=role, permissions=permissions)
    return Outcome(
        "manager_created", {"person": person.label, "role": str(role), "permissions": permissions}, [RemoveManager(role_id=row.id)]
    )


def remove_manager(ctx: Context, cmd: RemoveManager) -> Outcome:
    row = ctx.session.get(ManagerRole, cmd.role_id)
    if row is None:
        raise Invalid("role", "No such manager role.")
    ctx.session.delete(row)
    ctx.session.flush()
    ctx.audit("remove_manager", person=row.person_id, role=row.role)  # the audit log is the data version every cache of roles watches
    return Outcome("manager_removed", {"role": row.role})
