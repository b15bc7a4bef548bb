"""What the integration tests share: running one operation as the CONTRACT writes it."""

from __future__ import annotations

from typing import Any

from access_core.commands import Command, from_op
from access_core.services import dispatch
from access_core.services.context import Context, Outcome


def execute(ctx: Context, op: dict[str, Any] | Command) -> Outcome:
    """Run an operation written as the CONTRACT writes it (a dict, made a command by ``from_op``), or a command (an undo)."""
    return dispatch.execute(ctx, from_op(op) if isinstance(op, dict) else op)
