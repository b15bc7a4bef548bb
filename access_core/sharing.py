"""The sharing rule: who may share a key, and for how long."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.models import Grant, Key, Person


def share_problem(
    session: Session, granter: Person, key: Key, starts: datetime, ends: datetime, *, whole_period: bool = True
) -> str | None:
    """Why ``granter`` may not share ``key`` over [starts, ends), or None when they may.

    A share needs a shareable key, a grant of it with may_share, and never outlives or
    exceeds that grant; a doorcode (``whole_period=False``) needs the grant on its day.
    """
    if ends <= starts:
        return "a share must end after it starts"
    if not key.shareable:
        return f"{key.name} is not a shareable key"
    grant = session.scalar(select(Grant).where(Grant.person_id == granter.id, Grant.key_id == key.id))
    if grant is None:
        return f"{granter.label} does not hold {key.name}"
    if not grant.may_share:
        return f"{granter.label} may not share {key.name}"
    if whole_period:
        if starts < grant.starts_at or ends > grant.ends_at_or_max():
            return f"a share of {key.name} cannot start before or last beyond {granter.label}'s own access"
    elif not (grant.starts_at < ends and starts < grant.ends_at_or_max()):
        return f"{granter.label} does not hold {key.name} on that day"
    return None
