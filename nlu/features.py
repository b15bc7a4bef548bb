"""Turning text into the sparse features both classifiers read.

Pure Python (no numpy, no sklearn): the same functions featurise at training and at
prediction time, so the two can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

MAX_CHARS = 600
"""Longer input is cut to this many characters before featurising."""

_TOKEN = re.compile(r"[^\W_]+|[^\w\s]|_", re.UNICODE)
_DIGITS = re.compile(r"\d+")

Token = tuple[str, int, int]
"""A token: its text, start and end offsets."""


def tokenize(text: str) -> list[Token]:
    """Runs of letters/digits, and single punctuation marks, with offsets."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=8192)
def normal_word(word: str) -> str:
    """Lower case with digit runs collapsed: `4B` and `12C` both become `0b`/`0c`."""
    return _DIGITS.sub("0", word.lower())


@lru_cache(maxsize=8192)
def shape(word: str) -> str:
    """A compressed character-class pattern: `Priya` -> `Xx`, `4B` -> `dX`."""
    out: list[str] = []
    for char in word[:12]:
        if char.isdigit():
            kind = "d"
        elif char.isupper():
            kind = "X"
        elif char.isalpha():
            kind = "x"
        else:
            kind = char
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


def normal_words(text: str) -> list[str]:
    """The normalised tokens of a text, as the intent features read them."""
    return [normal_word(tok) for tok, _, _ in tokenize(text)]


def intent_words(words: Sequence[str], flags: Iterable[str]) -> list[str]:
    """Word unigrams and bigrams (with sentence bounds) plus lookup/regex flags."""
    padded = ["<s>", *words, "</s>"]
    feats = [*words, *(f"{a} {b}" for a, b in zip(padded, padded[1:], strict=False))]
    feats.extend(f"__{flag}__" for flag in flags)
    return feats


def intent_chars(words: Sequence[str]) -> list[str]:
    """Character 2- to 5-grams inside word bounds (sklearn's `char_wb`) of normalised words."""
    feats: list[str] = []
    for word in words:
        if len(word) == 1 and not word.isalnum():
            continue
        padded = f" {word} "
        size = len(padded)
        feats += [padded[i : i + n] for n in (2, 3, 4, 5) for i in range(size - n + 1)]
    return feats


def entity_features(types: Sequence[str]) -> list[str]:
    """What the second intent stage knows of the entities: each type, and their order (first three)."""
    order: list[str] = []
    for kind in types:
        if not order or order[-1] != kind:
            order.append(kind)
    return [*(f"has={kind}" for kind in sorted(set(types))), "order=" + ">".join(order[:3])]


def word_features(word: str) -> list[str]:
    """The tagger's features of a token on its own (cacheable per word)."""
    w = normal_word(word)
    feats = ["b", f"w={w}", f"sh={shape(word)}", f"p3={w[:3]}", f"s3={w[-3:]}", f"s2={w[-2:]}"]
    if word[:1].isupper():
        feats.append("title")
    return feats


def context_features(words: Sequence[str], flags: Sequence[Sequence[str]], intent: str) -> list[list[str]]:
    """The tagger's features of every token in its context: neighbours, rule flags, intent.

    `words` are the surface tokens, `flags[i]` the lookup/regex tags covering token i
    (e.g. `door:B`), `intent` the utterance's intent.
    """
    lows = [normal_word(w) for w in words]
    shapes = [shape(w) for w in words]
    low = ["<s>", "<s>", *lows, "</s>", "</s>"]  # low[i + 2] is token i
    shp = ["_", *shapes, "_"]  # shp[i + 1] is token i
    out: list[list[str]] = []
    for i, w in enumerate(lows):
        prev, prev2, nxt = low[i + 1], low[i], low[i + 3]
        feats = [
            f"w-1={prev}",
            f"w+1={nxt}",
            f"w-2={prev2}",
            f"w+2={low[i + 4]}",
            f"sh-1={shp[i]}",
            f"sh+1={shp[i + 2]}",
            f"sh-1|sh={shp[i]}|{shapes[i]}",
            f"w-1|w={prev}|{w}",
            f"w|w+1={w}|{nxt}",
            f"w-2|w-1={prev2}|{prev}",
            f"i={intent}",
            f"i|w={intent}|{w}",
            f"i|w-1={intent}|{prev}",
        ]
        for flag in flags[i]:
            feats += (f"f={flag}", f"i|f={intent}|{flag}")
        if i > 0:
            feats += [f"f-1={flag}" for flag in flags[i - 1]]
        if i + 1 < len(words):
            feats += [f"f+1={flag}" for flag in flags[i + 1]]
        out.append(feats)
    return out


def token_features(words: Sequence[str], flags: Sequence[Sequence[str]], intent: str) -> list[list[str]]:
    """All the tagger's features of every token: its own and its context's."""
    return [word_features(word) + context for word, context in zip(words, context_features(words, flags, intent), strict=True)]
