"""Rule-based entity pieces: regexes, lookup tables, synonyms, and span selection."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.features import Token, normal_words, tokenize
from nlu.training_data import Span

REGEX_EXTRACTOR = "RegexEntityExtractor"
TAGGER_EXTRACTOR = "LinearBIOTagger"

FLAG_ENTITIES = {"resident_flag", "shareable"}
"""Entities whose value is `yes` or `no`."""
LOOKUP_ENTITIES = {"door", "amenity", "service", "experience", "permission", "door_type", "resident_flag", "shareable"}
"""Lookup tables whose unambiguous matches are entities even where the tagger saw none (roles and
upgrades are left to the tagger: "guests" or "lockers" in a question are often no entity)."""
_NEGATIONS = frozenset(
    "not non no t isn isnt doesn doesnt don dont never cannot cant nonresident visitor visiting guest "  # noqa: SIM905
    "unshareable nonshareable private".split()
)


@dataclass(slots=True, frozen=True)
class Found:
    """An entity candidate before overlaps are settled."""

    span: Span
    """Where it is and what it is."""
    confidence: float
    """The extractor's confidence, 1.0 for rules."""
    extractor: str
    """The component that found it, named as in Rasa's output."""


class PatternSet:
    """Compiled regexes (one per entity) and lookup tables (phrases as lower-case token tuples)."""

    def __init__(self, regexes: dict[str, list[str]], lookups: dict[str, list[str]]) -> None:
        self.regexes = {
            name: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) for name, patterns in regexes.items() if patterns
        }
        self.phrases: dict[tuple[str, ...], list[str]] = {}
        for name, lines in lookups.items():
            for line in lines:
                words = tuple(tok.lower() for tok, _, _ in tokenize(line))
                if words and name not in self.phrases.setdefault(words, []):
                    self.phrases[words].append(name)
        self.longest = max(map(len, self.phrases), default=0)

    def regex_spans(self, text: str) -> list[Span]:
        spans = [
            Span(m.start(), m.end(), name, m.group())
            for name, pattern in self.regexes.items()
            for m in pattern.finditer(text)
            if m.end() > m.start()
        ]
        return _longest_first(spans)

    def lookup_spans(self, text: str, tokens: list[Token]) -> list[Span]:
        """Lookup-table phrases on whole tokens, case-insensitive; per table the longest, left to right."""
        lows = [tok.lower() for tok, _, _ in tokens]
        free: dict[str, int] = {}  # per table, the first token a new match may start at
        spans: list[Span] = []
        for i in range(len(lows)):
            for n in range(min(self.longest, len(lows) - i), 0, -1):
                for name in self.phrases.get(tuple(lows[i : i + n]), ()):
                    if free.get(name, 0) <= i:
                        start, end = tokens[i][1], tokens[i + n - 1][2]
                        spans.append(Span(start, end, name, text[start:end]))
                        free[name] = i + n
        return spans


def _longest_first(spans: list[Span]) -> list[Span]:
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def token_flags(tokens: list[Token], spans: list[Span]) -> list[list[str]]:
    """For each token, `entity:B` / `entity:I` for every rule span covering it."""
    flags: list[list[str]] = [[] for _ in tokens]
    for span in spans:
        first = True
        for i, (_, start, end) in enumerate(tokens):
            if start >= span.start and end <= span.end:
                flags[i].append(f"{span.entity}:{'B' if first else 'I'}")
                first = False
    return flags


def select(groups: list[list[Found]]) -> list[Found]:
    """Keep non-overlapping candidates: an earlier group wins, then the longer span."""
    chosen: list[Found] = []
    for group in groups:
        for found in sorted(group, key=lambda f: f.span.start - f.span.end):
            span = found.span
            if all(span.end <= c.span.start or span.start >= c.span.end for c in chosen):
                chosen.append(found)
    return sorted(chosen, key=lambda f: f.span.start)


def unambiguous(spans: list[Span]) -> list[Span]:
    """Lookup matches that only one table claims (not `gym`, both a door and an amenity)."""
    tables: dict[tuple[int, int], set[str]] = {}
    for span in spans:
        tables.setdefault((span.start, span.end), set()).add(span.entity)
    return [span for span in spans if len(tables[(span.start, span.end)]) == 1 and span.entity in LOOKUP_ENTITIES]


def canonical_value(entity: str, surface: str, synonyms: dict[str, dict[str, str]]) -> str:
    """The synonym's value for this entity type, else yes/no for flags, else the text itself."""
    low = surface.lower()
    mapped = synonyms.get(entity, {}).get(low) or synonyms.get("", {}).get(low)
    if mapped is not None:
        return mapped
    if entity in FLAG_ENTITIES:
        words = {tok.lower() for tok, _, _ in tokenize(surface)}
        return "no" if words & _NEGATIONS else "yes"
    return surface


@dataclass(slots=True, frozen=True)
class Analysis:
    """What the rules see in one text, shared by training and parsing."""

    tokens: list[Token]
    """Tokens of the text."""
    regex_spans: list[Span]
    """Non-overlapping regex entities (email, phone, serial)."""
    lookup_spans: list[Span]
    """Every lookup-table match, possibly overlapping."""
    intent_words: list[str]
    """Normalised words of the text, regex entities replaced by placeholder words."""
    intent_flags: list[str]
    """Which regexes and lookup tables matched anywhere."""
    token_flags: list[list[str]]
    """Per token, the rule spans covering it."""


def analyse(text: str, patterns: PatternSet) -> Analysis:
    tokens = tokenize(text)
    regex_spans = patterns.regex_spans(text)
    lookup_spans = patterns.lookup_spans(text, tokens)
    pieces: list[str] = []
    cursor = 0
    for span in regex_spans:
        pieces.append(f"{text[cursor : span.start]} zz{span.entity} ")
        cursor = span.end
    pieces.append(text[cursor:])
    flags = sorted({f"rx_{s.entity}" for s in regex_spans} | {f"lk_{s.entity}" for s in lookup_spans})
    return Analysis(
        tokens=tokens,
        regex_spans=regex_spans,
        lookup_spans=lookup_spans,
        intent_words=normal_words("".join(pieces)),
        intent_flags=flags,
        token_flags=token_flags(tokens, regex_spans + lookup_spans),
    )
