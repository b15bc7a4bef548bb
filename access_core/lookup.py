"""Finding objects by the names people and files use for them."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, joinedload

from access_core.errors import Ambiguous, NotFound
from access_core.models import Door, Key, KeyDoor, Membership, Person, Property
from access_core.phones import normalize_email, normalize_phone
from access_core.views import Site


def person_by_ref(session: Session, ref: str) -> Person | None:
    """A person by email, phone (any common format) or exact full name."""
    email = normalize_email(ref)
    if email:
        return session.scalar(select(Person).where(Person.email == email))
    phone = normalize_phone(ref)
    if phone:
        return session.scalar(select(Person).where(Person.phone == phone))
    found = session.scalars(select(Person).where(func.lower(Person.name) == ref.strip().lower())).all()
    if len(found) > 1:  # told without anyone's contacts: the asker's view is `directory.ambiguous_person`'s to word
        raise Ambiguous("person", ref, [p.handle for p in found], Ambiguous.of_people(ref, [], len(found)).message)
    return found[0] if found else None


def person_id_by_contact(session: Session, handle: str) -> int | None:
    """The id of the person with this email or phone (any common format), or None."""
    email, phone = normalize_email(handle), normalize_phone(handle)
    if not (email or phone):
        return None
    column = Person.email if email else Person.phone
    return session.scalar(select(Person.id).where(column == (email or phone)))


def require_person(session: Session, ref: str) -> Person:
    person = person_by_ref(session, ref)
    if person is None:
        raise NotFound("person", ref)
    return person


def property_by_name(session: Session, name: str) -> Property | None:
    return session.scalar(select(Property).where(func.lower(Property.name) == name.strip().lower()))


def key_in(session: Session, prop: Site, name: str) -> Key:
    key = (
        session.execute(
            select(Key)
            .where(Key.property_id == prop.id, func.lower(Key.name) == name.strip().lower())
            .options(joinedload(Key.doors).joinedload(KeyDoor.door))
        )
        .unique()
        .scalars()
        .first()
    )
    if key is None:
        raise NotFound("key", name)
    return key


def door_in(session: Session, prop: Site, name: str) -> Door:
    door = session.scalar(select(Door).where(Door.property_id == prop.id, func.lower(Door.name) == name.strip().lower()))
    if door is None:
        raise NotFound("door", name)
    return door


def doors_named(session: Session, name: str) -> list[Door]:
    return list(session.scalars(select(Door).where(func.lower(Door.name) == name.strip().lower())))


def remember_member(session: Session, prop: Property | int, person: Person) -> None:
    """Record that a person is known at a property (idempotent)."""
    property_id = prop if isinstance(prop, int) else prop.id
    if session.get(Membership, (property_id, person.id)) is None:
        session.add(Membership(property_id=property_id, person_id=person.id))


def remember_members(session: Session, property_id: int, person_ids: list[int], chunk: int = 500) -> None:
    """Record that these people are known at a property (idempotent; a few statements for thousands)."""
    wanted = sorted(set(person_ids))
    known: set[int] = set()
    for start in range(0, len(wanted), chunk):
        known.update(
            session.scalars(
                select(Membership.person_id).where(
                    Membership.property_id == property_id, Membership.person_id.in_(wanted[start : start + chunk])
                )
            )
        )
    missing = [{"property_id": property_id, "person_id": pid} for pid in wanted if pid not in known]
    if missing:
        session.execute(insert(Membership), missing)
