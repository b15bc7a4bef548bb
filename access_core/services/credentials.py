"""Keycards, daily doorcodes and guest shares."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.commands import (
    CreateDoorcode,
    DeactivateKeycard,
    IssueKeycard,
    NewPerson,
    PersonRef,
    RevokeDoorcode,
    RevokeShare,
    ShareKey,
)
from access_core.doorcodes import issue_doorcode
from access_core.errors import Invalid
from access_core.lookup import remember_member
from access_core.models import Doorcode, GuestShare, Keycard, Membership, Person
from access_core.phones import normalize_email, normalize_phone
from access_core.services.context import Context, Outcome
from access_core.sharing import share_problem
from access_core.views import Site


def issue_keycard(ctx: Context, cmd: IssueKeycard) -> Outcome:
    serial = cmd.serial.strip().upper()
    if not serial:
        raise Invalid("serial", "What is the keycard's serial number?")
    person = ctx.person(cmd.person)
    card = ctx.session.scalar(select(Keycard).where(Keycard.serial == serial))
    if card is not None and card.active:
        raise Invalid("serial", f"Keycard {serial} is already issued to {card.person.label}.")
    if card is None:
        card = Keycard(serial=serial, property_id=ctx.prop.id, person_id=person.id)
        ctx.session.add(card)
    card.person_id, card.active, card.property_id = person.id, True, ctx.prop.id  # a card reused elsewhere moves
    ctx.session.flush()
    ctx.audit("issue_keycard", serial=serial, person=person.handle)
    return Outcome("keycard_issued", {"serial": serial, "person": person.label}, [DeactivateKeycard(serial=serial, person=person.handle)])


def deactivate_keycard(ctx: Context, cmd: DeactivateKeycard) -> Outcome:
    serial = (cmd.serial or "").strip().upper()
    query = select(Keycard).where(Keycard.property_id == ctx.prop.id, Keycard.active.is_(True))
    if serial:
        query = query.where(Keycard.serial == serial)
    if cmd.person:
        query = query.where(Keycard.person_id == ctx.person(cmd.person).id)
    cards = ctx.session.scalars(query).all()
    if not cards:
        raise Invalid("serial", "There is no active keycard like that.")
    if len(cards) > 1:
        raise Invalid("serial", "Which keycard? " + ", ".join(c.serial for c in cards))
    card = cards[0]
    card.active = False
    ctx.session.flush()
    ctx.audit("deactivate_keycard", serial=card.serial)
    return Outcome("keycard_deactivated", {"serial": card.serial}, [IssueKeycard(serial=card.serial, person=card.person.handle)])


def create_doorcode(ctx: Context, cmd: CreateDoorcode) -> Outcome:
    key, day = ctx.key(cmd.key), cmd.date
    if day < ctx.now.astimezone(ctx.tz).date():
        raise Invalid("date", "A doorcode can't be for a day that has passed.")
    granter = ctx.me()
    starts = datetime.combine(day, time(0), tzinfo=ctx.tz)
    problem = share_problem(ctx.session, granter, key, starts, starts + timedelta(days=1), whole_period=False)
    if problem:
        raise Invalid("date", problem)
    code = issue_doorcode(ctx.session, key=key, granter=granter, day=day).code  # the server's code, never the caller's
    ctx.audit("create_doorcode", key=key.name, day=day.isoformat())
    return Outcome(
        "doorcode_created",
        {"code": code, "key": key.name, "day": starts},
        [RevokeDoorcode(key=key.name, code=code, date=day)],
        {"code": code},
    )


def revoke_doorcode(ctx: Context, cmd: RevokeDoorcode) -> Outcome:
    key = ctx.key(cmd.key)
    doorcode = ctx.session.scalar(select(Doorcode).where(Doorcode.key_id == key.id, Doorcode.code == cmd.code, Doorcode.day == cmd.date))
    if doorcode is None or doorcode.granter_id != ctx.principal.person_id:
        raise Invalid("code", "You have no such doorcode.")
    doorcode.active = False
    ctx.session.flush()
    ctx.audit("revoke_doorcode", key=key.name, day=doorcode.day.isoformat())
    return Outcome("doorcode_revoked", {"code": doorcode.code})


def share_key(ctx: Context, cmd: ShareKey) -> Outcome:
    key = ctx.key(cmd.key)
    starts = cmd.starts_at or ctx.now
    ends = cmd.ends_at
    if ends is None:
        raise Invalid("ends_at", "Until when should the guest have access?")
    problem = share_problem(ctx.session, ctx.me(), key, starts, ends)
    if problem:
        raise Invalid("ends_at", problem)
    guest = _guest(ctx, cmd.guest)
    share = GuestShare(granter_id=ctx.principal.person_id, guest_id=guest.id, key_id=key.id, starts_at=starts, ends_at=ends)
    ctx.session.add(share)
    remember_member(ctx.session, ctx.prop, guest)
    ctx.session.flush()
    ctx.audit("share_key", key=key.name, guest=guest.handle)
    return Outcome(
        "shared",
        {"key": key.name, "guest": guest.label, "starts_at": starts, "ends_at": ends},
        [RevokeShare(share_id=share.id)],
        {"guest": guest.handle},
    )


def revoke_share(ctx: Context, cmd: RevokeShare) -> Outcome:
    share = ctx.session.get(GuestShare, cmd.share_id)
    if share is None or share.granter_id != ctx.principal.person_id:
        raise Invalid("share", "You have no such share.")
    share.active = False
    ctx.session.flush()
    ctx.audit("revoke_share", key=share.key.name, guest=share.guest.handle)
    return Outcome("share_revoked", {"guest": share.guest.label, "key": share.key.name})


def _guest(ctx: Context, ref: PersonRef | None) -> Person:
    if isinstance(ref, NewPerson):
        ref = ref.phone or ref.email
    text = ref or ""
    handle = normalize_email(text) or normalize_phone(text)
    if handle is None:
        return ctx.person(text, "guest")
    column = Person.email if "@" in handle else Person.phone
    guest = ctx.session.scalar(select(Person).where(column == handle))
    if guest is None:
        guest = Person(email=handle if "@" in handle else None, phone=None if "@" in handle else handle)
        ctx.session.add(guest)
        ctx.session.flush()
    return guest


def card_holder(session: Session, prop: Site, serial: str) -> str | None:
    """The handle of the person a keycard was issued to, when they are known at the property."""
    card = session.scalar(
        select(Keycard)
        .join(Membership, Membership.person_id == Keycard.person_id)
        .where(Keycard.serial == serial, Membership.property_id == prop.id)
    )
    return card.person.handle if card is not None else None


def only_live_card(session: Session, prop: Site, handle: str) -> str | None:
    """The serial of the person's one live keycard at the property (None when they hold none or several)."""
    serials = live_cards(session, prop, handle, limit=2)
    return serials[0] if len(serials) == 1 else None


def live_cards(session: Session, prop: Site, handle: str, *, limit: int = 20) -> list[str]:
    """The serials of the person's live keycards at the property (at most ``limit``)."""
    return list(
        session.scalars(
            select(Keycard.serial)
            .join(Person, Person.id == Keycard.person_id)
            .where(Keycard.property_id == prop.id, Keycard.active.is_(True), (Person.email == handle) | (Person.phone == handle))
            .order_by(Keycard.serial)
            .limit(limit)
        )
    )
