"""What a property calls things: the names the NLU learns a property's words from, read in one place.

``property_terms`` answers in plain values, so the language side (``nlu.property_lexicon``) reads no table.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access_core.models import Amenity, CatalogItem, Door, Grant, GuestShare, Key, Keycard, ManagerRole, Membership, Person
from access_core.views import Site


@dataclass(frozen=True, slots=True)
class KeyTerms:
    name: str
    shareable: bool
    door_types: tuple[str, ...]
    """The types of its doors, in its order."""


@dataclass(frozen=True, slots=True)
class PersonTerms:
    handle: str
    """Email, else phone: how operations name the person."""
    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class PropertyTerms:
    name: str
    doors: tuple[tuple[str, bool], ...]
    """(name, is a residence) per door."""
    keys: tuple[KeyTerms, ...]
    amenities: tuple[str, ...]
    catalog: tuple[tuple[str, str], ...]
    """(kind, name): services and experiences."""
    products: tuple[str, ...]
    """Its upgrades, then its features (ids as written)."""
    people: tuple[PersonTerms, ...]


def people_of(session: Session, prop: Site) -> list[Person]:
    """Everyone known at the property: members, holders of its keys and shares, keycard owners, its managers."""
    keys = select(Key.id).where(Key.property_id == prop.id)
    ids = set(session.scalars(select(Membership.person_id).where(Membership.property_id == prop.id)))
    ids |= set(session.scalars(select(Grant.person_id).where(Grant.key_id.in_(keys))))
    ids |= set(session.scalars(select(GuestShare.guest_id).where(GuestShare.key_id.in_(keys))))
    ids |= set(session.scalars(select(Keycard.person_id).where(Keycard.property_id == prop.id)))
    ids |= set(
        session.scalars(
            select(ManagerRole.person_id).where(
                or_(ManagerRole.property_id == prop.id, (ManagerRole.portfolio_id == prop.portfolio_id) & ManagerRole.property_id.is_(None))
            )
        )
    )
    return list(session.scalars(select(Person).where(Person.id.in_(ids)))) if ids else []


def property_terms(session: Session, prop: Site) -> PropertyTerms:
    doors = session.scalars(select(Door).where(Door.property_id == prop.id))
    keys = session.scalars(select(Key).where(Key.property_id == prop.id))
    return PropertyTerms(
        name=prop.name,
        doors=tuple((d.name, d.is_residence) for d in doors),
        keys=tuple(KeyTerms(k.name, k.shareable, tuple(str(kd.door.type) for kd in k.doors)) for k in keys),
        amenities=tuple(session.scalars(select(Amenity.name).where(Amenity.property_id == prop.id))),
        catalog=tuple(
            (kind, name)
            for kind, name in session.execute(select(CatalogItem.kind, CatalogItem.name).where(CatalogItem.property_id == prop.id))
        ),
        products=(*prop.upgrades, *prop.features),
        people=tuple(PersonTerms(p.handle, p.name, p.email, p.phone) for p in people_of(session, prop)),
    )
