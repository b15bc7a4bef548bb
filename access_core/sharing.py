"""The sharing rule: who may share a key, and for how long."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.models import Doorcode, Grant, Key, Person
from access_core.sources import zone


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


def retire_doorcodes(
    session: Session,
    granter_id: int,
    key: Key,
    now: datetime,
    period: tuple[datetime, datetime | None] | None,
    may_share: bool,
    *,
    used_after: datetime | None = None,
) -> list[int]:
    """A doorcode never outlives its maker's right to share (as a share never outlives the sharer's grant).

    When the maker's grant changes (``period`` None: it is gone), each of their codes of ``key`` still usable
    after ``now`` stops unless the grant, with may_share, still covers its day as ``create_doorcode`` requires;
    with ``used_after`` (a revocation) a code usable after that moment stops too. Returns the ids of the codes stopped.
    """
    tz = zone(key.property.timezone)
    retired: list[int] = []
    codes = session.scalars(
        select(Doorcode).where(
            Doorcode.granter_id == granter_id,
            Doorcode.key_id == key.id,
            Doorcode.active.is_(True),
            Doorcode.day >= now.astimezone(tz).date() - timedelta(days=1),
        )
    )
    for code in codes:
        opens = datetime.combine(code.day, time(0), tzinfo=tz)
        closes = datetime.combine(code.day + timedelta(days=1), time(0), tzinfo=tz)
        if closes <= now:
            continue
        covered = period is not None and may_share and key.shareable and period[0] < closes and (period[1] is None or opens < period[1])
        if not covered or (used_after is not None and closes > used_after):
            code.active = False
            retired.append(code.id)
    return retired
