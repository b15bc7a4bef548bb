"""Property-wide permission rules per intent: a request the asker may never make at the property
is refused before any of its details are asked for (the rule itself lives in access_core.policy)."""

from __future__ import annotations

from collections.abc import Callable

from access_core import policy
from actions.turn import TurnContext

Gate = Callable[[TurnContext], None]


def _key_editing(ctx: TurnContext) -> None:
    policy.require_key_editing(ctx.principal, ctx.prop)


def _key_giving(ctx: TurnContext) -> None:
    policy.require_any_key_giving(ctx.principal, ctx.prop)


def _inviting(ctx: TurnContext) -> None:
    policy.require_inviting(ctx.principal, ctx.prop)


def _keycards(ctx: TurnContext) -> None:
    policy.require_keycards(ctx.principal, ctx.prop)


def _managers(ctx: TurnContext) -> None:
    policy.require_manager_creation(ctx.principal, ctx.prop)


def _devices(ctx: TurnContext) -> None:
    policy.require_device_view(ctx.principal, ctx.prop)


def _sales(ctx: TurnContext) -> None:
    policy.require_sales(ctx.principal, ctx.prop)


def _resident_services(ctx: TurnContext) -> None:
    policy.require_resident_services(ctx.session, ctx.principal, ctx.prop, ctx.now)


GATES: dict[str, Gate] = {
    "grant_access": _key_giving,
    "revoke_access": _key_giving,
    "invite_person": _inviting,
    "create_manager": _managers,
    "create_key": _key_editing,
    "add_door_to_key": _key_editing,
    "remove_door_from_key": _key_editing,
    "set_schedule": _key_editing,
    "create_door": _key_editing,
    "issue_keycard": _keycards,
    "deactivate_keycard": _keycards,
    "activate_device": _devices,
    "deactivate_device": _devices,
    "upgrade_firmware": _devices,
    "submit_request": _sales,
    "reserve_amenity": _resident_services,
    "book_service": _resident_services,
}


def check_before_asking(intent: str, ctx: TurnContext) -> None:
    """Raise ``Refused`` when the asker may not make this kind of request at the property at all."""
    gate = GATES.get(intent)
    if gate is not None:
        gate(ctx)
