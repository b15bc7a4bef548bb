"""Resolution: finding a property's own doors, keys, people and catalog in a message.

A ``Lexicon`` is built once per property from its data: every object gets aliases
(its name, the distinctive words of its name, unit numbers, common synonyms such as
"fitness center" for a gym), matched exactly on word n-grams and then fuzzily
(rapidfuzz) so typos still resolve. A span may name several objects (a "Roof Deck"
door and amenity); the caller picks the kind it needs, and two objects of one kind
on one span are an ambiguity to ask about, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

TOKEN = re.compile(r"[a-z0-9]+(?:[@._+\-][a-z0-9]+)*")
STOP = {
    "the",
    "a",
    "an",
    "to",
    "for",
    "of",
    "my",
    "our",
    "their",
    "his",
    "her",
    "in",
    "on",
    "at",
    "and",
    "or",
    "with",
    "from",
    "is",
    "it",
    "me",
    "i",
    "you",
    "can",
    "please",
    "pls",
    "door",
    "doors",
    "key",
    "keys",
    "room",
    "unit",
    "access",
    "this",
    "that",
    "new",
    "all",
    "be",
    "let",
    "into",
    "up",
    "get",
    "s",
}
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("gym", "fitness center", "fitness centre", "fitness room", "fitness", "workout room", "weight room", "exercise room"),
    ("roof deck", "rooftop", "roof top", "roof", "rooftop deck", "terrace", "roof terrace", "sky deck"),
    (
        "front entrance",
        "front door",
        "main entrance",
        "main door",
        "lobby door",
        "front",
        "building entrance",
        "entrance",
        "lobby",
        "street door",
        "building door",
    ),
    (
        "garage gate",
        "garage",
        "parking garage",
        "parking gate",
        "parking",
        "garage door",
        "car park",
        "carpark",
        "car space",
        "car spot",
        "car bay",
        "parking space",
        "parking spot",
        "parking bay",
    ),
    ("package room", "mailroom", "mail room", "packages", "parcel room", "package locker room", "packages room"),
    ("laundry room", "laundry", "laundromat", "washer room"),
    ("management office", "office", "leasing office", "mgmt office", "management"),
    ("boiler room", "boiler", "mechanical room", "boilers"),
    ("common door", "common doors", "common areas", "common area", "shared doors", "building doors", "commons"),
    ("lobby intercom", "intercom", "buzzer", "call box"),
    ("pool", "swimming pool", "pool deck"),
    ("bike room", "bike storage", "bicycle room", "bike cage", "bikes"),
)
ABBREVIATIONS = {
    "building": "bldg",
    "management": "mgmt",
    "apartment": "apt",
    "entrance": "entr",
    "center": "ctr",
    "centre": "ctr",
    "maintenance": "maint",
    "residence": "res",
    "resident": "res",
    "package": "pkg",
    "laundry": "lndry",
    "office": "ofc",
    "storage": "stg",
    "community": "comm",
}
"""Short forms people type for the words of names; each name is also known by them."""
WHOLE_PLACE = frozenset({"building", "property", "premises", "complex", "site", "estate"})
"""Words that alone mean the whole place ("what happened in the building?"), never one door whose name has them."""
DOING_WORDS = frozenset({"close", "closed", "closing", "open", "opens", "opening", "lock", "locked", "shut", "enter", "exit"})
"""What is done to doors: alone, never the name of one (the Close Gate is not what "we're closed" means)."""
UNIT_WORDS = ("unit", "apt", "apartment", "suite", "flat", "#", "residence", "condo")


_POSSESSIVE = re.compile(r"'s\b")


def normalize(text: str) -> str:
    """Lower case without accents ("Róisín" is written "roisin" too), possessives blanked, keeping every character's offset."""
    lowered = text.lower().replace("\u2019", "'")
    if not lowered.isascii():
        lowered = "".join(_plain(ch) for ch in lowered)
    return _POSSESSIVE.sub("  ", lowered)


def _plain(ch: str) -> str:
    """A letter without its accent, when that keeps it one character."""
    if ch.isascii():
        return ch
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


@dataclass(frozen=True, slots=True)
class Entry:
    """One object of the property that a mention may name."""

    kind: str
    """door, key, person, amenity, service, experience, upgrade or property."""
    name: str
    """Its exact name in the property (a person's handle: email, else phone)."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the message and the objects it may name."""

    start: int
    """Character offset in the message."""
    end: int
    """End offset (exclusive)."""
    text: str
    """The span as written."""
    entries: tuple[Entry, ...]
    """Every object it may name, of any kind."""
    score: float
    """100 for an exact alias, less for a fuzzy one."""
    fuzzy: bool = False
    """Found by likeness (a typo), not by an alias as written: a guess to ask about before acting on it."""

    def of(self, kind: str) -> list[str]:
        return [e.name for e in self.entries if e.kind == kind]


@dataclass(slots=True)
class Lexicon:
    """The aliases of one property's objects, for finding them in messages."""

    aliases: dict[str, set[Entry]] = field(default_factory=lambda: defaultdict(set))
    weak: set[str] = field(default_factory=set)
    bags: list[tuple[frozenset[str], Entry]] = field(default_factory=list)
    """Word stems of names that people say in any order ("clean my apartment" for Apartment Cleaning)."""
    _fuzzy_keys: list[str] | None = None

    def add_bag(self, name: str, entry: Entry) -> None:
        stems = frozenset(stem(w) for w in TOKEN.findall(normalize(name)) if w not in STOP)
        if len(stems) > 1:
            self.bags.append((stems, entry))

    def by_words(self, text: str) -> list[Entry]:
        """The entries all of whose name's stems the text has, the fullest only; empty when several tie."""
        said = {stem(w) for w in TOKEN.findall(normalize(text))}
        said |= {SERVICE_WORDS[w] for w in said if w in SERVICE_WORDS}
        hits = [(len(stems), entry) for stems, entry in self.bags if stems <= said]
        if not hits:
            return []
        best = max(size for size, _ in hits)
        entries = {entry for size, entry in hits if size == best}
        return list(entries) if len(entries) == 1 else []

    def by_distinct_word(self, text: str, kinds: tuple[str, ...]) -> list[Entry]:
        """The one entry of those kinds whose name has a word the text says that no other name has ("the bloomsday
        tour" for Bloomsday Walking Tour); empty when none or several."""
        said = {stem(w) for w in TOKEN.findall(normalize(text)) if len(w) > 3 and w not in STOP}
        counts: dict[str, int] = {}
        for stems, _ in self.bags:
            for word in stems:
                counts[word] = counts.get(word, 0) + 1
        hits = {entry for stems, entry in self.bags if entry.kind in kinds and any(counts[w] == 1 for w in stems & said)}
        return list(hits) if len(hits) == 1 else []

    def add(self, alias: str, entry: Entry, *, weak: bool = False) -> None:
        words = TOKEN.findall(normalize(alias))
        key = " ".join(words)
        if not key or key in STOP:
            return
        self._fuzzy_keys = None
        for variant in {key, " ".join(ABBREVIATIONS.get(w, w) for w in words)}:
            self.aliases[variant].add(entry)
            if weak:
                self.weak.add(variant)

    def names_exactly(self, text: str) -> bool:
        """Whether the text is, word for word, a strong alias ("2A" names a unit before it is 2 am)."""
        key = " ".join(TOKEN.findall(normalize(text)))
        return key in self.aliases and key not in self.weak

    def fuzzy_keys(self) -> list[str]:
        """Aliases a typo may reach: not those carrying a number ("resident 1b" is not "resident but")."""
        if self._fuzzy_keys is None:
            self._fuzzy_keys = [k for k in self.aliases if not any(ch.isdigit() for ch in k)]
        return self._fuzzy_keys

    def mentions(self, text: str, *, fuzzy: bool = True) -> list[Mention]:
        lowered = normalize(text)
        tokens = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(lowered)]
        found: list[Mention] = []
        keys = self.fuzzy_keys()
        for size in range(min(5, len(tokens)), 0, -1):
            for i in range(len(tokens) - size + 1):
                window = tokens[i : i + size]
                gram = " ".join(t for t, _, _ in window)
                if all(t in STOP for t, _, _ in window):
                    continue
                start, end = window[0][1], window[-1][2]
                hit = self.aliases.get(gram)
                if hit:
                    score = 90.0 if gram in self.weak else 100.0
                    found.append(Mention(start, end, text[start:end], tuple(sorted(hit, key=_order)), score))
                elif fuzzy and size <= 3 and len(gram) >= 5 and _fuzzy_candidate(window):
                    best = process.extractOne(gram, keys, scorer=fuzz.ratio, score_cutoff=86)
                    if best and len(best[0]) >= 5 and abs(len(best[0]) - len(gram)) <= 3:
                        entries = tuple(sorted(self.aliases[best[0]], key=_order))
                        possessive = gram == best[0] + "s"  # "jane parks gym access": a possessive without its apostrophe
                        found.append(Mention(start, end, text[start:end], entries, float(best[1]) - 5, fuzzy=not possessive))
        return _non_overlapping(found)


SERVICE_WORDS = {
    "fix": "repair",
    "mend": "repair",
    "tune": "repair",
    "wash": "clean",
    "tidy": "clean",
    "maid": "clean",
    "pick": "pickup",
    "collect": "pickup",
    "pup": "dog",
    "puppy": "dog",
}
"""Everyday words for what a service does, by stem, mapped to the stem its name would use."""


def stem(word: str) -> str:
    """A crude stem that folds "cleaning", "cleaner" and "cleans" together."""
    for suffix in ("ing", "er", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _fuzzy_candidate(window: list[tuple[str, int, int]]) -> bool:
    first, last = window[0][0], window[-1][0]
    return (
        first not in STOP
        and (last not in STOP or (len(window) > 1 and last in NAME_ENDINGS))
        and not any(t.isdigit() for t, _, _ in window)
    )


NAME_ENDINGS = {"key", "keys", "door", "doors", "room"}
GENERIC_HEADS = {"door", "doors", "room", "rooms", "area", "space", "lock", "reader", "panel"}
"""Last words too general to name a door alone, even one of a few ("the door", "the room")."""
"""Words that end many names: a misspelt name may end with them ("amenitys key")."""


def _order(entry: Entry) -> tuple[str, str]:
    return entry.kind, entry.name


def _non_overlapping(found: list[Mention]) -> list[Mention]:
    chosen: list[Mention] = []
    for mention in sorted(found, key=lambda m: (-(m.end - m.start) * (m.score / 100) ** 4, -m.score)):
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


def door_aliases(name: str, is_residence: bool, all_names: list[str]) -> list[tuple[str, bool]]:
    """Aliases of a door: its name, synonyms, distinctive words, unit numbers (alias, weak)."""
    lowered = name.lower()
    result = [(lowered, False)]
    for group in SYNONYMS:
        if any(lowered == word or (" " in word and word in lowered) for word in group):
            result += [(word, True) for word in group if word != lowered]
    words = [w for w in TOKEN.findall(lowered) if w not in STOP]
    if is_residence:
        number = words[-1] if words else ""
        if number:
            result += [(f"{u} {number}", False) for u in UNIT_WORDS] + [(number, False)]
    others = [n.lower() for n in all_names if n.lower() != lowered]
    for word in words:
        if len(word) > 3 and word not in WHOLE_PLACE | DOING_WORDS and not any(word in TOKEN.findall(o) for o in others):
            result.append((word, True))
    head = words[-1] if len(words) > 1 and not is_residence else ""
    if len(head) >= 3 and head not in WHOLE_PLACE | DOING_WORDS | GENERIC_HEADS and (head, True) not in result:
        result.append((head, True))  # "the lobby": the Main Lobby, though the Lobby Intercom has the word too;
        # "the gate" of the Estate Gate and the Visitor Gate: either, asked or decided by the key that holds both
    return result


__all__ = ["Entry", "Lexicon", "Mention", "door_aliases", "normalize", "SYNONYMS"]
