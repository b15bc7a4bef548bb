"""Which of several properties a message is about, from what it names.

Each property's lexicon finds its own doors, keys, amenities, services and people in the
message; a mention counts for a property when no other property's lexicon names the same
words as strongly ("the front door" names Canal House's Front Door by its name, and Albion
Yard's Main Entrance only by a synonym). Bare numbers and one- or two-letter words ("3",
"b") are left out: they are dates and times as often as unit numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nlu.resolve import Lexicon, Mention

IGNORED_KINDS = frozenset({"upgrade"})
"""Kinds that every property may share (a feature name) and that never tell properties apart."""


def _counts(mention: Mention) -> bool:
    words = mention.text.split()
    if len(words) == 1 and (words[0].isdigit() or len(words[0]) <= 2):
        return False
    return any(e.kind not in IGNORED_KINDS for e in mention.entries)


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def mentions_by_property(lexicons: Mapping[int, Lexicon], text: str) -> dict[int, list[Mention]]:
    """Every exact mention of each property's objects in the text, by property id."""
    return {pid: [m for m in lexicon.mentions(text, fuzzy=False) if _counts(m)] for pid, lexicon in lexicons.items()}


def distinctive(found: Mapping[int, list[Mention]], among: Iterable[int] | None = None) -> dict[int, list[Mention]]:
    """The mentions of each property (of ``among``, default all) that no other property names as strongly."""
    ids = list(found if among is None else among)
    result: dict[int, list[Mention]] = {}
    for pid in ids:
        own = [
            m
            for m in found.get(pid, [])
            if not any(_overlaps(m, other) and other.score >= m.score for qid in found if qid != pid for other in found[qid])
        ]
        if own:
            result[pid] = own
    return result


def foreign(found: Mapping[int, list[Mention]], mine: Iterable[int]) -> dict[int, list[Mention]]:
    """Mentions that name a door, key, amenity, service or the property itself of a property outside ``mine``,
    where none of ``mine`` names anything on those words. People are left out (anyone may be a guest), and so
    are one-word mentions: "laundry" or "gym" may be a word for something else where the asker is, "flat 3" or
    "roof garden" is not; and so is an offer named only by its everyday words ("my dog walker" is a person, not
    the Dog Walking service)."""
    mine = set(mine)
    result: dict[int, list[Mention]] = {}
    for pid, mentions in found.items():
        if pid in mine:
            continue
        hits = [
            m
            for m in mentions
            if len(m.text.split()) > 1
            and any(e.kind != "person" for e in m.entries)
            and (m.score >= 100 or any(e.kind not in ("person", "service", "experience") for e in m.entries))
            and not any(_overlaps(m, other) for qid in mine for other in found.get(qid, []))
        ]
        if hits:
            result[pid] = hits
    return result


__all__ = ["distinctive", "foreign", "mentions_by_property"]
