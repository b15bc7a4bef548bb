"""Building a property's lexicon from its data in the core."""

from __future__ import annotations

from access_core.vocabulary import KeyTerms, PersonTerms, PropertyTerms
from nlu.resolve import SYNONYMS, Entry, Lexicon, door_aliases


def build_lexicon(terms: PropertyTerms) -> Lexicon:
    """A property's words (``access_core.vocabulary.property_terms``) as lexicon entries."""
    lexicon = Lexicon()
    names = [name for name, _residence in terms.doors]
    for name, residence in terms.doors:
        for alias, weak in door_aliases(name, residence, names):
            lexicon.add(alias, Entry("door", name), weak=weak)
    for key in terms.keys:
        _add_named(lexicon, Entry("key", key.name), key.name)
    _add_common_doors_key(lexicon, list(terms.keys))
    for amenity in terms.amenities:
        _add_named(lexicon, Entry("amenity", amenity), amenity)
        for alias, weak in door_aliases(amenity, False, [amenity]):
            lexicon.add(alias, Entry("amenity", amenity), weak=weak)
    for kind, name in terms.catalog:
        _add_named(lexicon, Entry(kind, name), name)
        lexicon.add_bag(name, Entry(kind, name))
    for upgrade in terms.products:
        words = upgrade.replace("_", " ")
        entry = Entry("upgrade", upgrade)
        lexicon.add(upgrade, entry)
        lexicon.add(words, entry)
        lexicon.add(words.split()[-1], entry, weak=True)
        if words.endswith("s"):
            lexicon.add(words[:-1], entry)
            lexicon.add(words.split()[-1][:-1], entry, weak=True)
    for person in terms.people:
        _add_person(lexicon, person)
    for person in terms.people:
        _add_mailbox_name(lexicon, person)
    lexicon.add(terms.name, Entry("property", terms.name))
    return lexicon


def _add_common_doors_key(lexicon: Lexicon, keys: list[KeyTerms]) -> None:
    """ "The common doors" / "the common areas": the key so named, else the biggest key of entrances and shared rooms only."""
    named = [k for k in keys if "common" in k.name.lower()]
    candidates = (
        named
        if len(named) == 1
        else [k for k in keys if k.door_types and "residence" not in k.door_types and "building_entrance" in k.door_types]
    )
    if not candidates or len(named) > 1:
        return
    best = max(candidates, key=lambda k: (k.shareable, len(k.door_types)))
    for word in (*next(g for g in SYNONYMS if g[0] == "common door"), *INTO_THE_BUILDING):
        lexicon.add(word, Entry("key", best.name), weak=True)


INTO_THE_BUILDING = ("the building", "building access", "the block")
"""Getting into the building ("let her into the flat and the building"): its common doors. Questions of where
something happened ("what happened in the building?") ask about doors, and a key names none of them."""


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


def _add_person(lexicon: Lexicon, person: PersonTerms) -> None:
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
    local = (person.email or "").split("@")[0]
    if len(local) >= 3 and local.isalpha() and any(part.startswith(local) for part in parts):
        lexicon.add(local, entry, weak=True)  # "woj@..." is what colleagues call Wojciech


MAILBOX_WORDS = frozenset(
    {"info", "admin", "office", "hello", "contact", "mail", "team", "support", "sales", "reception", "frontdesk", "desk"}
)
"""Mailbox names that are roles, not what anyone is called."""


def _add_mailbox_name(lexicon: Lexicon, person: PersonTerms) -> None:
    """The name an email address goes by ("woj@…" for Wojciech), when it is one word that names nothing else here."""
    mailbox = (person.email or "").partition("@")[0].lower()
    if not mailbox.isalpha() or len(mailbox) < 3 or mailbox in MAILBOX_WORDS or mailbox in lexicon.aliases:
        return
    lexicon.add(mailbox, Entry("person", person.handle), weak=True)


def _spellings(name: str) -> set[str]:
    """A hyphenated name as people type it: "mei-ling", "mei ling", "meiling"."""
    return {name, name.replace("-", " "), name.replace("-", "")}
