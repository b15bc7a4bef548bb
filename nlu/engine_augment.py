"""Training-time augmentation for the tagger: the same sentences, other names in the slots.

Swapping the person/door/key/name/amenity spans for other values (seen in the data,
or composed from common building words) makes the tagger learn the context of a
slot ("into the ...", "give ... the ... key") instead of memorising its words, so
names it never saw are still found. Some copies are lower-cased, as people type.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from nlu.training_data import Example, Span

SLOT_ENTITIES = ("person", "door", "key", "name", "amenity")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST = _words(
    "Adele Bruno Celia Dmitri Edith Fabio Greta Hamza Imogen Jasper Kalinda Leon Magda Nuno Odile "
    "Piotr Rania Stellan Thea Umar Vikram Wanda Yannick Zofia Anil Brigid Cosmin Dalia Emil Farid "
    "Gemma Hector Ilse Jorge Kamala Luca Mirela Nasser Oona Pavel Renata Sipho Tomasz Ulla Viggo Wei "
    "Xiomara Yuki"
)
_LAST = _words(
    "Abbott Brandt Castillo Dorsey Eklund Fonseca Galloway Horvat Iqbal Jensen Kowalski Lindgren "
    "Moreno Nakamura Oyelaran Pellegrini Quist Rahman Sorensen Takahashi Urquhart Vasquez Whitfield "
    "Yilmaz Zeller Achebe Baptiste Chowdhury Delacroix Engstrom"
)
_DOOR_MODIFIERS = _words(
    "north south east west back side main upper lower kids teen dog bike ski golf music art game "
    "craft study quiet chess billiards spin boxing tool package mail trash recycling storage utility "
    "electrical mechanical supply laundry fitness yoga party garden tennis river lake staff service "
    "visitor"
)
_DOOR_NOUNS = _words(
    "room gate door entrance lounge studio closet office terrace court garden hall deck cage shed "
    "library annex corridor stairwell elevator vestibule patio yard dock center bay"
)
_UNIT_WORDS = ("unit", "apt", "apartment", "suite", "#", "ph", "townhouse", "condo", "flat")


def _pseudo_word(rng: random.Random) -> str:
    """A pronounceable word the model has never seen, so only the context can tell."""
    syllables = rng.randint(1, 3)
    word = "".join(rng.choice("bcdfghjklmnprstvz") + rng.choice("aeiou") for _ in range(syllables))
    return word + rng.choice(["", "", "n", "r", "s", "t"])


def _unit_number(rng: random.Random) -> str:
    floor = rng.randint(1, 40)
    return rng.choice([f"{floor}{rng.choice('ABCDEFGH')}", f"{floor}{rng.randint(0, 20):02d}", str(floor)])


def _synthetic(entity: str, rng: random.Random) -> str:
    if rng.random() < 0.3:
        words = [_pseudo_word(rng) for _ in range(rng.randint(1, 2))]
        if entity in ("door", "amenity") and rng.random() < 0.5:
            words[-1] = rng.choice(_DOOR_NOUNS)
        text = " ".join(words)
        return text.title() if rng.random() < 0.5 else text
    if entity == "person":
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        return rng.choice([first, f"{first} {last}", first.lower(), f"{first} {last}".lower()])
    if entity == "door":
        if rng.random() < 0.35:
            return rng.choice([f"{rng.choice(_UNIT_WORDS)} {_unit_number(rng)}", _unit_number(rng)])
        return f"{rng.choice(_DOOR_MODIFIERS)} {rng.choice(_DOOR_NOUNS)}"
    if entity == "key":
        modifier = rng.choice(_DOOR_MODIFIERS)
        return rng.choice([f"{modifier.title()} Key", f"{modifier} key", f"Resident {_unit_number(rng)}", f"{modifier} access"])
    if entity == "amenity":
        return f"{rng.choice(_DOOR_MODIFIERS)} {rng.choice(_DOOR_NOUNS)}"
    if entity == "name":
        return rng.choice(
            [f"{rng.choice(_DOOR_MODIFIERS).title()} {rng.choice(_DOOR_NOUNS).title()}", f"{rng.choice(_DOOR_MODIFIERS).title()} Key"]
        )
    return ""


def value_pools(examples: Sequence[Example]) -> dict[str, list[str]]:
    """The annotated values of each slot entity, as written."""
    pools: dict[str, set[str]] = {entity: set() for entity in SLOT_ENTITIES}
    for example in examples:
        for span in example.entities:
            if span.entity in pools:
                pools[span.entity].add(example.text[span.start : span.end])
    return {entity: sorted(values) for entity, values in pools.items()}


def _pick(entity: str, pools: dict[str, list[str]], rng: random.Random) -> str:
    synthetic = _synthetic(entity, rng) if rng.random() < 0.5 else ""
    return synthetic or rng.choice(pools[entity])


def _substitute(example: Example, pools: dict[str, list[str]], rng: random.Random) -> Example:
    pieces: list[str] = []
    spans: list[Span] = []
    cursor = length = 0
    for span in example.entities:
        before = example.text[cursor : span.start]
        pieces.append(before)
        length += len(before)
        surface = example.text[span.start : span.end]
        if span.entity in pools and pools[span.entity]:
            surface = _pick(span.entity, pools, rng)
        spans.append(Span(length, length + len(surface), span.entity, span.value))
        pieces.append(surface)
        length += len(surface)
        cursor = span.end
    pieces.append(example.text[cursor:])
    text = "".join(pieces)
    if rng.random() < 0.3 and len(text.lower()) == len(text):
        text = text.lower()
    return Example(text, example.intent, tuple(spans))


def augment(examples: Sequence[Example], copies: int, seed: int = 13, intent_noise: float = 0.0) -> list[Example]:
    """`copies` variants of every example that has a slot entity (deterministic for a seed).

    With `intent_noise`, that share of the variants carries a random intent: the tagger
    reads the predicted intent, and must not follow a wrong guess blindly ("take Marcus
    off the pool key" guessed as removing a door should still tag Marcus a person).
    """
    rng = random.Random(seed)
    pools = value_pools(examples)
    intents = sorted({example.intent for example in examples})
    out: list[Example] = []
    for example in examples:
        if any(span.entity in SLOT_ENTITIES for span in example.entities):
            for _ in range(copies):
                variant = _substitute(example, pools, rng)
                if rng.random() < intent_noise:
                    variant = Example(variant.text, rng.choice(intents), variant.entities)
                out.append(variant)
    return out
