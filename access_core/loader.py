"""`concierge load`: build or rebuild a portfolio from a property file, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from access_core import loader_sections as sections
from access_core.file_fields import Fields, FileError, FileErrors
from access_core.models import Grant, Key, ManagerRole, Person, Portfolio, Property, Role
from access_core.phones import normalize_email, normalize_phone
from access_core.yaml_lines import YamlError, load_yaml

TOP_FIELDS = {"portfolio", "managers", "properties"}
PROPERTY_FIELDS = {
    "name",
    "address",
    "timezone",
    "features",
    "upgrades",
    "delivery_doors",
    "doors",
    "keys",
    "people",
    "grants",
    "keycards",
    "shares",
    "doorcodes",
    "amenities",
    "services",
    "experiences",
    "activity",
    "country",
    "subdivision",
    "exception_days",
}


@dataclass(slots=True)
class LoadReport:
    """What a load built, for the command's summary."""

    portfolio: str
    properties: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def load_property_file(session: Session, path: Path) -> LoadReport:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileErrors([FileError(0, f"cannot read {path}: {exc}")]) from exc
    return load_property_text(session, text)


def load_property_text(session: Session, text: str) -> LoadReport:
    """Apply the file inside the caller's transaction; raise ``FileErrors`` and apply nothing on error."""
    try:
        document = load_yaml(text)
    except YamlError as exc:
        raise FileErrors([FileError(exc.line, exc.message)]) from exc
    try:
        top = Fields(document, 1, "the file")
        top.check_known(TOP_FIELDS)
        portfolio = _portfolio(session, top.text("portfolio"))
        props = top.items("properties")
        if not props:
            raise FileError(top.line_of("properties"), "the file: 'properties' needs at least one property")
        report = LoadReport(portfolio.name)
        people = _people(session, props)
        built: dict[str, Property] = {}
        loading: list[tuple[sections.Context, Fields]] = []
        for item, line in props:
            f = Fields(item, line, "property")
            ctx = _property(session, portfolio, f, people)
            if ctx.prop.name.lower() in built:
                raise FileError(line, f"property {ctx.prop.name!r} appears twice")
            built[ctx.prop.name.lower()] = ctx.prop
            loading.append((ctx, f))
        _managers(session, portfolio, top, built, people)
        session.flush()
        for ctx, f in loading:  # who acted is judged with every role in place (a manager's entries are a manager's)
            sections.activity(ctx, f)
            report.properties.append(ctx.prop.name)
            for kind, count in ctx.counts.items():
                report.counts[kind] = report.counts.get(kind, 0) + count
        return report
    except FileError as exc:
        raise FileErrors([exc]) from exc


def _portfolio(session: Session, name: str) -> Portfolio:
    portfolio = session.scalar(select(Portfolio).where(Portfolio.name == name))
    if portfolio is None:
        portfolio = Portfolio(name=name)
        session.add(portfolio)
        session.flush()
    return portfolio


def _people(session: Session, props: list[tuple[Any, int]]) -> dict[str, Person]:
    """Every person of every property, upserted by email or phone; keyed by both."""
    found: dict[str, Person] = {}
    for item, line in props:
        for entry, entry_line in Fields(item, line, "property").items("people"):
            person = _person(session, Fields(entry, entry_line, "person"))
            for handle in (person.email, person.phone):
                if handle:
                    found[handle] = person
    return found


def _person(session: Session, f: Fields) -> Person:
    f.check_known({"name", "email", "phone"})
    email_text, phone_text = f.text("email", None), f.text("phone", None)
    if email_text is None and phone_text is None:
        raise FileError(f.line, "person: needs an email or a phone")
    email = normalize_email(email_text) if email_text else None
    if email_text and not email:
        raise f.error("email", f"{email_text!r} is not an email address")
    phone = normalize_phone(phone_text) if phone_text else None
    if phone_text and not phone:
        raise f.error("phone", f"{phone_text!r} is not a phone number (E.164 like +17185550142)")
    by_email = session.scalar(select(Person).where(Person.email == email)) if email else None
    by_phone = session.scalar(select(Person).where(Person.phone == phone)) if phone else None
    if by_email and by_phone and by_email is not by_phone:
        raise FileError(f.line, f"person: {email} and {phone} belong to two different people")
    person = by_email or by_phone
    if person is None:
        person = Person(email=email, phone=phone)
        session.add(person)
    person.name = f.text("name", person.name or "")
    person.email = email or person.email
    person.phone = phone or person.phone
    session.flush()
    return person


def _property(session: Session, portfolio: Portfolio, f: Fields, people: dict[str, Person]) -> sections.Context:
    """The property and everything in it but its activity (loaded once the managers are)."""
    f.check_known(PROPERTY_FIELDS)
    name = f.text("name")
    tz_name = f.text("timezone")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise f.error("timezone", f"{tz_name!r} is not an IANA time zone (like America/New_York)") from None
    previous = _previous_starts(session, name)
    session.execute(delete(Property).where(Property.name == name))
    prop = Property(
        portfolio_id=portfolio.id,
        name=name,
        address=f.text("address", ""),
        timezone=tz_name,
        features=f.words("features"),
        upgrades=f.words("upgrades"),
        **sections.holiday_place(f),
    )
    session.add(prop)
    session.flush()
    ctx = sections.Context(session, prop, tz, people, previous_starts=previous)
    sections.members(ctx, f)
    sections.doors(ctx, f)
    sections.keys(ctx, f)
    sections.grants(ctx, f)
    sections.keycards(ctx, f)
    sections.shares(ctx, f)
    sections.doorcodes(ctx, f)
    sections.catalog(ctx, f)
    sections.exception_days(ctx, f)
    return ctx


def _previous_starts(session: Session, name: str) -> dict[tuple[int, str], datetime]:
    """Starts of the grants a property had, so a reload keeps grants whose file gives no start."""
    rows = session.execute(
        select(Grant.person_id, Key.name, Grant.starts_at)
        .join(Key, Key.id == Grant.key_id)
        .join(Property, Property.id == Key.property_id)
        .where(Property.name == name)
    )
    return {(person_id, key_name.lower()): starts for person_id, key_name, starts in rows}


def _managers(session: Session, portfolio: Portfolio, top: Fields, built: dict[str, Property], people: dict[str, Person]) -> None:
    session.execute(delete(ManagerRole).where(ManagerRole.portfolio_id == portfolio.id, ManagerRole.role == Role.portfolio_manager))
    for item, line in top.items("managers"):
        f = Fields(item, line, "manager")
        f.check_known({"person", "role", "property", "permissions", "keys"})
        person = sections.known_person(session, people, f, "person")
        role = f.choice("role", {r.value for r in Role})
        row = ManagerRole(person_id=person.id, role=role, portfolio_id=portfolio.id)
        if role != Role.portfolio_manager:
            prop_name = f.text("property")
            prop = built.get(prop_name.lower())
            if prop is None:
                raise f.error("property", f"{prop_name!r} is not a property of this file")
            row.property_id = prop.id
            if role == Role.property_manager:
                row.permissions, row.key_ids = sections.permissions(session, prop, f)
        session.add(row)
