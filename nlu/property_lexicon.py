"""Building a property's lexicon from its data in the core."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access_core.models import (
    Amenity,
    CatalogItem,
    Door,
    Grant,
    GuestShare,
    Key,
    Keycard,
    ManagerRole,
    Membership,
    Person,
    Property,
)
from nlu.resolve import SYNONYMS, Entry, Lexicon, door_aliases


def people_of(session: Session, prop: Property) -> list[Person]:
    keys = select(Key.id).where(Key.property_id == prop.id)
    ids = set(session.scalars(select(Membership.person_id).where(Membership.property_id == prop.id)))
    ids |= set(session.scalars(select(Grant.person_id).where(Grant.key_id.in_(keys))))
    ids |= set(session.scalars(select(GuestShare.guest_id).where(GuestShare.key_id.in_(keys))))
    ids |= set(session.scalars(select(Keycard.person_id).where(Keycard.property_id == prop.id)))
    ids |= set(session.scalars(select(ManagerRole.person_id).where(or_(
        ManagerRole.property_id == prop.id,
        (ManagerRole.portfolio_id == prop.portfolio_id) & ManagerRole.property_id.is_(None)))))
    return list(session.scalars(select(Person).where(Person.id.in_(ids)))) if ids else []


def build_lexicon(session: Session, prop: Property) -> Lexicon:
    lexicon = Lexicon()
    doors = list(session.scalars(select(Door).where(Door.property_id == prop.id)))
    names = [d.name for d in doors]
    for door in doors:
        for alias, weak in door_aliases(door.name, door.is_residence, names):
            lexicon.add(alias, Entry("door", door.name), weak=weak)
    keys = list(session.scalars(select(Key).where(Key.property_id == prop.id)))
    for key in keys:
        _add_named(lexicon, Entry("key", key.name), key.name)
    _add_common_doors_key(lexicon, keys)
    for amenity in session.scalars(select(Amenity).where(Amenity.property_id == prop.id)):
        _add_named(lexicon, Entry("amenity", amenity.name), amenity.name)
        for alias, weak in door_aliases(amenity.name, False, [amenity.name]):
            lexicon.add(alias, Entry("amenity", amenity.name), weak=weak)
    for item in session.scalars(select(CatalogItem).where(CatalogItem.property_id == prop.id)):
        _add_named(lexicon, Entry(item.kind, item.name), item.name)
        lexicon.add_bag(item.name, Entry(item.kind, item.name))
    for upgrade in prop.upgrades + prop.features:
        words = upgrade.replace("_", " ")
        entry = Entry("upgrade", upgrade)
        lexicon.add(upgrade, entry)
        lexicon.add(words, entry)
        lexicon.add(words.split()[-1], entry, weak=True)
        if words.endswith("s"):
            lexicon.add(words[:-1], entry)
            lexicon.add(words.split()[-1][:-1], entry, weak=True)
    for person in people_of(session, prop):
        _add_person(lexicon, person)
    lexicon.add(prop.name, Entry("property", prop.name))
    return lexicon


def _add_common_doors_key(lexicon: Lexicon, keys: list[Key]) -> None:
    """ "The common doors" / "the common areas": the key so named, else the biggest key of entrances and shared rooms only."""
    named = [k for k in keys if "common" in k.name.lower()]
    candidates = named if len(named) == 1 else [k for k in keys if k.doors and not k.has_residence
                                                and any(kd.door.type == "building_entrance" for kd in k.doors)]
    if not candidates or len(named) > 1:
        return
    best = max(candidates, key=lambda k: (k.shareable, len(k.doors)))
    for word in next(g for g in SYNONYMS if g[0] == "common door"):
        lexicon.add(word, Entry("key", best.name), weak=True)


def _add_named(lexicon: Lexicon, entry: Entry, name: str) -> None:
    lowered = name.lower()
    lexicon.add(lowered, entry)
    lexicon.add(lowered + "s", entry)
    for suffix in (" key", " keys"):
        if lowered.endswith(suffix):
            base = lowered[: -len(suffix)]
            lexicon.add(base, entry, weak=True)
            lexicon.add(base + "s", entry, weak=True)
    if entry.kind in ("service", "experience"):
        words = lowered.split()
        if len(words) > 1:
            lexicon.add(words[0] + " " + words[1], entry, weak=True)
        stem = lowered.removesuffix("ing")
        if stem != lowered:
            lexicon.add(stem, entry, weak=True)
            lexicon.add(stem + "er", entry, weak=True)


def _add_person(lexicon: Lexicon, person: Person) -> None:
    entry = Entry("person", person.handle)
    if person.email:
        lexicon.add(person.email, entry)
    if person.phone:
        lexicon.add(person.phone.lstrip("+"), entry)
    name = person.name.strip().lower()
    if not name:
        return
    for written in _spellings(name):
        lexicon.add(written, entry)
    parts = name.split()
    if len(parts) > 1:
        surname = " ".join(parts[1:])  # "van buren", "de la cruz"
        for part in {parts[0], parts[-1], surname, *parts[-1].split("-")}:
            for written in _spellings(part):
                lexicon.add(written, entry, weak=True)


def _spellings(name: str) -> set[str]:
    """A hyphenated name as people type it: "mei-ling", "mei ling", "meiling"."""
    return {name, name.replace("-", " "), name.replace("-", "")}
