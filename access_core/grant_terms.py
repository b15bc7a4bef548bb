"""A grant's terms (DOMAIN "People and access", CONTRACT "when the asker does not say"), each rule once.

Every way of giving a key (a chat plan, the REST API, a CSV row) takes its unsaid terms from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.errors import Invalid
from access_core.lookup import person_by_ref
from access_core.models import Grant, Key
from access_core.rules.grants import not_ended
from access_core.views import Site


def default_may_share(shareable: bool, resident: bool) -> bool:
    """Unless said, a resident on a shareable key may share, and no one else."""
    return resident and shareable


def resident_answer(key: Key, resident: Any) -> bool:
    """The grant's resident status: must be stated for keys with residence doors, else no."""
    if resident is None:
        if key.has_residence:
            raise Invalid("resident", f"Is the person a resident of {key.name}? That must be decided.")
        return False
    if not isinstance(resident, bool):
        raise Invalid("resident", "resident must be yes or no")
    if resident and not key.has_residence:
        raise Invalid("resident", f"{key.name} has no residence door, so no one is its resident.")
    return resident


@dataclass(frozen=True, slots=True)
class KeptTerms:
    """What giving a key again keeps of the grant held, when the new grant does not say."""

    starts_at: datetime | None
    """The start of a grant still held (its period is changed, not restarted); None after one ended."""
    resident: bool
    """Its resident status."""
    may_share: bool
    """Its sharing."""
    ends_at: datetime | None = None
    """The end of the grant held or last held (None: open-ended), which "extend it by a fortnight" moves."""


def kept_terms(grant: Grant | None, now: datetime, *, renewing: bool) -> KeptTerms | None:
    """Giving a key someone holds changes that grant: unsaid terms stay as they are. A grant that has
    ended is no longer held, so its terms are kept only when it is renewed (or extended)."""
    if grant is None:
        return None
    if grant.ends_at is not None and grant.ends_at <= now:
        return KeptTerms(None, grant.resident, grant.may_share, grant.ends_at) if renewing else None
    return KeptTerms(grant.starts_at, grant.resident, grant.may_share, grant.ends_at)


def latest_grant(session: Session, person_id: int, key_id: int) -> Grant | None:
    """The person's grant of the key (the latest, should there be several)."""
    return session.scalar(
        select(Grant).where(Grant.person_id == person_id, Grant.key_id == key_id).order_by(Grant.starts_at.desc()).limit(1)
    )


def terms_of(session: Session, prop: Site, person_ref: str, key_name: str, now: datetime, *, renewing: bool) -> KeptTerms | None:
    """``kept_terms`` of a person's grant of a key at the property, both by name (None when none is kept)."""
    person = person_by_ref(session, person_ref)
    key = session.scalar(select(Key).where(Key.property_id == prop.id, Key.name == key_name))
    if person is None or key is None:
        return None
    return kept_terms(latest_grant(session, person.id, key.id), now, renewing=renewing)


def active_grants(session: Session, person_id: int, prop: Site, at: datetime) -> list[Grant]:
    """The person's grants of the property's keys that are active at ``at`` (their keys with them)."""
    grants = session.scalars(
        select(Grant).join(Key, Key.id == Grant.key_id).where(Grant.person_id == person_id, Key.property_id == prop.id)
    )
    return [grant for grant in grants if grant.active_at(at)]


def keys_held_or_coming(session: Session, person_ref: str, prop: Site, now: datetime) -> list[Key]:
    """The property's keys a person holds now or will (their grant has not ended)."""
    holder = person_by_ref(session, person_ref)
    if holder is None:
        return []
    grants = session.scalars(
        select(Grant).join(Key, Key.id == Grant.key_id).where(Grant.person_id == holder.id, Key.property_id == prop.id)
    )
    return [grant.key for grant in grants if not_ended(grant, now)]


def keys_to_renew(session: Session, person_ref: str, prop: Site, now: datetime, *, lease: bool) -> list[Key]:
    """The keys a renewal that names none is about: those the person holds now or will, else those of
    their last grants (the ones that ended last, within a day of each other); with ``lease``, of those
    only the ones held as a resident, when there are any."""
    holder = person_by_ref(session, person_ref)
    if holder is None:
        return []
    grants = list(
        session.scalars(select(Grant).join(Key, Key.id == Grant.key_id).where(Grant.person_id == holder.id, Key.property_id == prop.id))
    )
    pool = [grant for grant in grants if not_ended(grant, now)]
    if not pool:
        ended = [grant for grant in grants if grant.ends_at is not None]
        last = max((grant.ends_at for grant in ended if grant.ends_at is not None), default=None)
        pool = [grant for grant in ended if last is not None and grant.ends_at is not None and last - grant.ends_at <= timedelta(days=1)]
    if lease and any(grant.resident for grant in pool):
        pool = [grant for grant in pool if grant.resident]
    return list({grant.key.id: grant.key for grant in pool}.values())


def holds_a_key_at(session: Session, person_id: int, prop: Site, now: datetime) -> bool:
    """Whether the person holds one of the property's keys now (an active grant)."""
    grants = session.scalars(
        select(Grant).join(Key, Key.id == Grant.key_id).where(Grant.person_id == person_id, Key.property_id == prop.id)
    )
    return any(grant.active_at(now) for grant in grants)
