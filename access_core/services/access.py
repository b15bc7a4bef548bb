"""Giving, revoking and restoring keys; inviting people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from access_core import policy
from access_core.commands import Command, ForgetPerson, GrantKey, GrantState, InvitePerson, NewPerson, RestoreGrant, RevokeKey
from access_core.commands.base import as_json
from access_core.errors import Invalid
from access_core.grant_terms import default_may_share, kept_terms, latest_grant, resident_answer
from access_core.lookup import remember_member, remember_members
from access_core.models import AuditEntry, Doorcode, Grant, Key, Person
from access_core.phones import normalize_email, normalize_phone
from access_core.services.context import Context, Outcome
from access_core.sharing import retire_doorcodes


def _grant_state(grant: Grant | None) -> GrantState | None:
    if grant is None:
        return None
    return GrantState(
        starts_at=grant.starts_at, ends_at=grant.ends_at, resident=grant.resident, may_share=grant.may_share, granted_by=grant.granted_by_id
    )


def _existing(ctx: Context, person: Person, key: Key) -> Grant | None:
    return latest_grant(ctx.session, person.id, key.id)


GrantTerms = tuple[datetime, datetime | None, bool, bool]
"""A checked grant's starts, ends, resident, may_share."""


def put_grant(ctx: Context, person: Person, key: Key, grant: Grant | None, terms: GrantTerms) -> GrantState | None:
    """Give a checked grant, or change the one held; its state before."""
    return put_grants(ctx, key, [(person, grant, terms)])[0]


def put_grants(ctx: Context, key: Key, entries: Sequence[tuple[Person, Grant | None, GrantTerms]]) -> list[GrantState | None]:
    """Give ``key`` on checked terms to each person, or change the grant they hold (one or thousands at once).

    The one place grants are written: granted by the principal, the person known at the
    property, an audit entry each. Returns each grant's state before.
    """
    ctx.session.flush()
    befores: list[GrantState | None] = []
    fresh, audits = [], []
    for person, grant, (starts, ends, resident, may_share) in entries:
        before = _grant_state(grant)
        values = {
            "starts_at": starts,
            "ends_at": ends,
            "resident": resident,
            "may_share": may_share,
            "granted_by_id": ctx.principal.person_id,
        }
        if grant is None:
            fresh.append({"person_id": person.id, "key_id": key.id, **values})
        else:
            for name, value in values.items():
                setattr(grant, name, value)
            retire_doorcodes(ctx.session, person.id, key, ctx.now, (starts, ends), may_share)
        audits.append(
            {
                "at": ctx.now,
                "actor_id": ctx.principal.person_id,
                "op": "grant_key",
                "detail": {"person": person.handle, "key": key.name, "before": _audited(before)},
            }
        )
        befores.append(before)
    if fresh:
        ctx.session.execute(insert(Grant), fresh)
    remember_members(ctx.session, key.property_id, [person.id for person, _, _ in entries])
    ctx.session.execute(insert(AuditEntry), audits)
    return befores


def grant_key(ctx: Context, cmd: GrantKey) -> Outcome:
    key = ctx.key(cmd.key)
    person, invited = _person_or_new(ctx, cmd.person)
    held = _existing(ctx, person, key)
    kept = kept_terms(held, ctx.now, renewing=True)  # giving a key again: what it does not say stays as it was
    resident = resident_answer(key, kept.resident if cmd.resident is None and kept else cmd.resident)
    starts = cmd.starts_at or (kept.starts_at if kept else None) or ctx.now
    ends = cmd.ends_at
    if ends is not None and ends <= starts:
        raise Invalid("ends_at", "Access must end after it starts.")
    may_share = cmd.may_share
    if may_share is None:
        may_share = kept.may_share if kept else default_may_share(key.shareable, resident)
    before = put_grant(ctx, person, key, held, (starts, ends, resident, may_share))
    ctx.session.flush()
    undo: list[Command] = [RestoreGrant(person=person.handle, key=key.name, state=before)]
    if invited:
        undo.append(ForgetPerson(person=person.handle))
    return Outcome("granted", {"person": person.label, "key": key.name, "resident": resident, "starts_at": starts, "ends_at": ends}, undo)


def revoke_key(ctx: Context, cmd: RevokeKey) -> Outcome:
    key = ctx.key(cmd.key)
    person = ctx.person(cmd.person)
    at = cmd.at or ctx.now
    grant = _existing(ctx, person, key)
    if grant is None or (grant.ends_at is not None and grant.ends_at < at) or (grant.ends_at is not None and grant.ends_at <= ctx.now):
        raise Invalid("person", f"{person.label} doesn't hold {key.name}.")
    before = _grant_state(grant)
    if at <= grant.starts_at:
        ctx.session.delete(grant)
    else:
        grant.ends_at = at
    retired = retire_doorcodes(
        ctx.session, person.id, key, ctx.now, None if at <= grant.starts_at else (grant.starts_at, at), grant.may_share, used_after=at
    )
    ctx.session.flush()
    ctx.audit("revoke_key", person=person.handle, key=key.name, before=_audited(before))
    return Outcome(
        "revoked",
        {"person": person.label, "key": key.name},
        [RestoreGrant(person=person.handle, key=key.name, state=before, doorcodes=tuple(retired) or None)],
    )


def restore_grant(ctx: Context, cmd: RestoreGrant) -> Outcome:
    """Undo of grant_key / revoke_key: put a grant back as it was (or remove it)."""
    key = ctx.key(cmd.key)
    person = ctx.person(cmd.person)
    grant = _existing(ctx, person, key)
    state = cmd.state
    if state is None:
        if grant is not None:
            ctx.session.delete(grant)
        ctx.session.flush()
        return Outcome("grant_removed", {"person": person.label, "key": key.name})
    if grant is None:
        grant = Grant(person_id=person.id, key_id=key.id)
        ctx.session.add(grant)
    grant.starts_at, grant.ends_at = state.starts_at, state.ends_at
    grant.resident, grant.may_share = state.resident, state.may_share
    grant.granted_by_id = state.granted_by
    for code in ctx.session.scalars(
        select(Doorcode).where(Doorcode.id.in_(cmd.doorcodes or ()), Doorcode.granter_id == person.id, Doorcode.key_id == key.id)
    ):
        code.active = True
    ctx.session.flush()
    ctx.audit("restore_grant", person=person.handle, key=key.name)
    return Outcome("grant_restored", {"person": person.label, "key": key.name})


def invite_person(ctx: Context, cmd: InvitePerson) -> Outcome:
    person, created = _person_or_new(ctx, NewPerson(name=cmd.name, email=cmd.email, phone=cmd.phone))
    if not created:
        return Outcome("already_known", {"person": person.label})
    ctx.audit("invite_person", person=person.handle)
    return Outcome("invited", {"person": person.label}, [ForgetPerson(person=person.handle)])


def forget_person(ctx: Context, cmd: ForgetPerson) -> Outcome:
    """Undo of an invitation: remove a person who holds nothing."""
    person = ctx.person(cmd.person)
    if ctx.session.scalar(select(Grant.id).where(Grant.person_id == person.id).limit(1)) is None:
        ctx.audit("forget_person", person=person.handle)
        ctx.session.delete(person)
        ctx.session.flush()
    return Outcome("person_removed", {"person": person.label})


def _person_or_new(ctx: Context, ref: str | NewPerson) -> tuple[Person, bool]:
    """An existing person, or a new one (inviting needs the right too)."""
    if isinstance(ref, str):
        return ctx.person(ref), False
    email = normalize_email(ref.email) if ref.email else None
    phone = normalize_phone(ref.phone) if ref.phone else None
    if ref.email and not email:
        raise Invalid("email", f"{ref.email!r} is not an email address.")
    if ref.phone and not phone:
        raise Invalid("phone", f"{ref.phone!r} is not a phone number.")
    if not email and not phone:
        raise Invalid("person", "A new person needs an email or a phone number.")
    for column, value in ((Person.email, email), (Person.phone, phone)):
        found = ctx.session.scalar(select(Person).where(column == value)) if value else None
        if found is not None:
            return found, False
    policy.require_inviting(ctx.principal, ctx.prop)
    person = Person(name=(ref.name or "").strip(), email=email, phone=phone)
    ctx.session.add(person)
    ctx.session.flush()
    remember_member(ctx.session, ctx.prop, person)
    return person, True


def _audited(state: GrantState | None) -> dict[str, Any] | None:
    """A grant's state as the audit log keeps it (JSON)."""
    return None if state is None else as_json(state)
