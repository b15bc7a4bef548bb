"""The qualifiers of a message as typed spans: conditions, recurrences, times of day and yes/no attributes.

A qualifier is a part of a request that changes what should be done without naming a person, key or
door: "if she has paid her deposit", "every Friday", "tomorrow evening", "she may not share it",
"that residents may pass on". ``recognize`` finds each one once, with its span of text and its value,
so that the planner can say which ones its plan used; a meaningful span that no plan used makes the
turn ask or explain instead of confirming (``actions.account``).

Yes/no attributes take the negation in scope, in both directions: a negator before the cue in the
same clause ("she is not a resident", "he won't be living there", "she shouldn't be able to give out
codes", "nobody may share it") or right after it ("sharing not allowed") turns its value to False;
a cue with no negator in scope keeps its own value ("residents may pass it on" makes a key shareable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONDITION = "condition"
RECURRENCE = "recurrence"
TIME_OF_DAY = "time_of_day"
RESIDENT = "resident"
MAY_SHARE = "may_share"
SHAREABLE = "shareable"
EXCLUDED = "excluded"
KINDS = (CONDITION, RECURRENCE, TIME_OF_DAY, RESIDENT, MAY_SHARE, SHAREABLE, EXCLUDED)


@dataclass(frozen=True, slots=True)
class Span:
    """One qualifier of a message."""

    kind: str
    """One of ``KINDS``."""
    start: int
    """Offset of its first character in the message."""
    end: int
    """Offset after its last character (exclusive)."""
    text: str
    """The words as written."""
    value: bool | str
    """True/False for attributes; the condition's clause, the recurrence or the part of the day as written."""


_CONDITION = re.compile(
    r"\b(?:only\s+if|only\s+when|even\s+if|if|unless|provided(?:\s+that)?|providing(?:\s+that)?|as\s+long\s+as|"
    r"so\s+long\s+as|on\s+(?:the\s+)?condition\s+(?:that\s+)?|assuming(?:\s+that)?|once|in\s+case|but\s+only\s+after)\b",
    re.I,
)
_NOT_A_CONDITION_AFTER = re.compile(
    r"^\s*(?:possible|you\s+(?:can|could|don'?t\s+mind|would|will|please)|that'?s\s+(?:ok|okay|alright|fine)|"
    r"(?:it'?s\s+)?(?:ok|okay|alright|needed|necessary|required|any)|so|not|a\b|per\b|every\b|more\b|again\b|"
    r"or\s+twice|and\s+for\s+all|in\s+a\s+while)",
    re.I,
)
"""Politeness and set phrases ("if possible", "if so", "once a week", "once again") are no conditions."""
_WHETHER_BEFORE = re.compile(
    r"\b(?:know|tell\s+me|see|check|ask|wonder(?:ing)?|find\s+out|sure|whether|confirm|unsure|what|even|at)\s*$", re.I
)
"""Where "if" means whether ("tell me if Jane can get in"), or "what if", "at once": a question, not a condition."""
_CLAUSE_END = re.compile(r"[,;.!?]|\s[-–]\s|\b(?:then|and\s+(?:also|then)|but)\b|$", re.I)

_EXCLUDED = re.compile(
    r"\b(?:but\s+not|and\s+not|not|except(?:\s+for)?|other\s+than|apart\s+from|excluding|save\s+for|leave\s+out)\s+"
    r"(?:the|his|her|their|my|its|our|your)\s+",
    re.I,
)
"""A thing the request leaves out ("but not the building entrance", "except his unit key"): its names are no part of it."""
_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_ONCE_AS_COUNT = re.compile(
    rf"\s*(?:$|[,;.!?]|(?:on|this|next|in|per|only|for|at|during|before|after|today|tonight|tomorrow|tmrw|"
    rf"daily|weekly|monthly|yearly|a\s+day|\d+|morning|afternoon|evening|night|noon|midday|{_DAY})\b)",
    re.I,
)
"""What follows "once" when it counts ("once on friday", "once tomorrow", "once") rather than waits for something."""
_DAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)days"
_RECURRENCE = re.compile(
    rf"\b(?:(?:every|each)\s+(?:other\s+|single\s+)?(?:{_DAY}|day|week(?:day|end)?|month|morning|afternoon|evening|night)s?"
    rf"(?:\s+(?:and|&|or)\s+(?:{_DAY}|week(?:day|end)s?))?|"
    rf"(?:on\s+|at\s+)?(?:the\s+)?(?:week(?:day|end)s|{_DAYS})(?:\s*(?:,|and|&|or)\s*(?:{_DAYS}|week(?:day|end)s))*(?:\s+only)?|"
    r"(?:the\s+)?(?:next|coming|following)\s+(?:\d+|two|three|four|five|six|few|couple\s+of)\s+(?:weekends|"
    rf"{_DAYS})|daily|weekly|fortnightly|biweekly|twice\s+a\s+(?:week|month)|once\s+a\s+(?:week|month)|"
    r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*(?:-|–|to|through|thru)\s*(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+only|"
    rf"(?:(?:on\s+)?(?:{_DAY}|week(?:day|end))\s+|in\s+the\s+)?(?:mornings|afternoons|evenings|nights)|weeknights)\b",
    re.I,
)
_TIME_OF_DAY = re.compile(
    r"\b(?:morning|afternoon|evening|night|tonight|lunch(?:time)?|noon|midday|midnight|after\s+work|"
    r"\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|"
    r"\d{1,2}(?::\d{2})?\s*(?:-|–|to|till|until|til)\s*\d{1,2}(?::\d{2})?)\b",
    re.I,
)

_RESIDENT_YES = re.compile(
    r"\b(?:as\s+(?:a\s+|the\s+)?(?:resident|tenant)|(?:is|she's|he's|they're|they\s+are|she\s+is|he\s+is|i'm)\s+"
    r"(?:the\s+|a\s+|our\s+)?(?:new\s+)?(?:resident|tenant|owner|roommate)|new\s+(?:tenant|resident|owner|roommate)|"
    r"the\s+tenant|tenants?|(?:a|the)\s+(?:resident|tenant)\b(?![\s-]*(?:\w*\d|keys?\b|doors?\b|unit|apartment|pass|card|fob|set))|lives?\s+(?:there|here|in)|living\s+(?:there|here|in)|"
    r"mov(?:e|es|ed|ing)\s+in(?:to)?|resident:\s?yes|roommate|roomie|flatmate|housemate|spouse|partner|husband|wife|co-?tenant|"
    r"lease\s?holder|owner|homeowner|(?:renew|sign)(?:s|ed|ing)?\s+(?:a\s+|the\s+|her\s+|his\s+|their\s+)?(?:new\s+)?lease|"
    r"on\s+the\s+lease|(?:his|her|their)\s+(?:new\s+)?lease)\b|['’]s\s+(?:new\s+)?lease\b|"
    r"(?:^|[-–,:;]\s*)(?:as\s+)?(?:a\s+)?resident\W*$",  # "unit 302 key - resident"
    re.I,
)
"""Words saying someone lives there; a negator in scope turns them round ("she is not a resident")."""
_RESIDENT_NO = re.compile(
    r"\b(?:non[- ]?resident|just\s+(?:a\s+)?(?:visitor|guest)|visitor|contractor|cleaner|dog\s?walker|vendor|staff|"
    r"employee|maintenance\s+(?:guy|person|worker|tech)|nanny|babysitter|caretaker|handyman)\b",
    re.I,
)
"""Words saying someone does not live there whatever surrounds them."""
_SHARE = re.compile(
    r"\b(?:shar(?:e|ing)|pass\s+(?:it\s+|them\s+|codes?\s+)?on|give\s+out\s+(?:door\s?)?codes|hand\s+out\s+(?:door\s?)?codes|"
    r"(?:give|send|make)\s+(?:guests?\s+)?(?:guest\s+|door\s?)?codes)\b",
    re.I,
)
"""A holder passing their access on; positive only with a word of permission in scope ("may share", "let her share")."""
_SHAREABLE_YES = re.compile(r"\b(?:shareable|sharable|be\s+shared|be\s+passed\s+on)\b", re.I)
_SHAREABLE_NO = re.compile(r"\b(?:non[- ]?shar(?:e)?able|unshar(?:e)?able)\b", re.I)
_KEY_SUBJECT = re.compile(r"\b(?:residents?|holders?|everyone|anyone|anybody|nobody|no\s+one|people|tenants)\s*$", re.I)
"""Sharing said of everyone holding the key ("residents may pass it on") is the key's own attribute."""
_SUBJECT_BEFORE = re.compile(r"\b(?:residents?|holders?|everyone|anyone|anybody|nobody|no\s+one|people|tenants)\b[^.;,]{0,40}$", re.I)

_NEGATOR = re.compile(r"^(?:not|never|no|nobody|noone|none|cannot|without|neither|nor|\w+n['’]t|shan't|won't|can't|don't)$", re.I)
_FILLER = re.compile(
    r"^(?:be|able|to|allowed|permitted|have|has|had|ever|really|also|going|gonna|want|it|them|they|she|he|her|him|"
    r"i|we|you|let|allow|allowing|longer|more|should|could|would|will|shall|may|might|must|can|do|does|did|is|are|"
    r"was|were|am|been|being|still|yet|supposed|meant|a|the|any|anymore|please|living|live|lives|currently|"
    r"actually|even|just)$",
    re.I,
)
_PERMISSION = re.compile(r"^(?:can|may|allowed|able|let|allow|allowing|permitted|free|with|should|could|is|are|be|will)$", re.I)
_AFTER_NEGATION = re.compile(
    r"^\s*(?::\s*)?(?:(?:is|are)\s+)?(?:not|never|no|isn['’]t|aren['’]t|forbidden|prohibited|disallowed|banned)\b", re.I
)
_BOUNDARY = re.compile(r"[,;.!?:]|\b(?:but|and|though|although|while|because|so)\b", re.I)
_WORD = re.compile(r"[\w'’-]+")


def recognize(text: str) -> list[Span]:
    """Every qualifier of ``text``, in order of their start."""
    conditions = _conditions(text)
    spans = conditions + _recurrences(text) + _times_of_day(text) + _exclusions(text)
    spans += [a for a in _attributes(text) if not any(c.start <= a.start and a.end <= c.end for c in conditions)]
    return sorted(spans, key=lambda s: (s.start, s.kind))


def value(spans: list[Span], kind: str) -> bool | None:
    """The yes/no value the spans of one attribute give: False if any says no, True if any says yes."""
    said = [s.value for s in spans if s.kind == kind and isinstance(s.value, bool)]
    if not said:
        return None
    return all(said)


def _conditions(text: str) -> list[Span]:
    spans = []
    for match in _CONDITION.finditer(text):
        word = match.group().lower()
        after = text[match.end() :]
        if _NOT_A_CONDITION_AFTER.match(after):
            continue
        if word in ("if", "once", "in case") and _WHETHER_BEFORE.search(text[: match.start()]):
            continue
        if word == "once" and _ONCE_AS_COUNT.match(after):
            continue  # "once" alone is a count ("once on friday"), not "once strata signs off"
        stop = _CLAUSE_END.search(after)
        end = match.end() + (stop.start() if stop else len(after))
        clause = text[match.end() : end].strip()
        if len(_WORD.findall(clause)) < 2:
            continue
        spans.append(Span(CONDITION, match.start(), end, text[match.start() : end], clause))
    return spans


def _exclusions(text: str) -> list[Span]:
    spans = []
    for match in _EXCLUDED.finditer(text):
        stop = _CLAUSE_END.search(text, match.end())
        end = stop.start() if stop else len(text)
        if end > match.end():
            spans.append(Span(EXCLUDED, match.start(), end, text[match.start() : end], text[match.end() : end].strip()))
    return spans


def _recurrences(text: str) -> list[Span]:
    return [Span(RECURRENCE, m.start(), m.end(), m.group(), m.group()) for m in _RECURRENCE.finditer(text)]


def _times_of_day(text: str) -> list[Span]:
    return [Span(TIME_OF_DAY, m.start(), m.end(), m.group(), m.group()) for m in _TIME_OF_DAY.finditer(text)]


def _words_before(text: str, at: int) -> list[str]:
    """The words of the clause before ``at``, nearest first."""
    clause = text[:at]
    cut = 0
    for boundary in _BOUNDARY.finditer(clause):
        cut = boundary.end()
    return list(reversed(_WORD.findall(clause[cut:])))


def _negated(text: str, start: int, end: int) -> bool:
    """Whether a negator governs the cue at text[start:end]: before it across auxiliaries, or right after it."""
    for word in _words_before(text, start)[:7]:
        if _NEGATOR.match(word):
            return True
        if not _FILLER.match(word):
            break
    return bool(_AFTER_NEGATION.match(text[end:]))


def _permitted(text: str, start: int) -> bool:
    """Whether a word of permission governs a sharing verb ("can share", "let her share", "allow her to share")."""
    for word in _words_before(text, start)[:5]:
        if _PERMISSION.match(word):
            return True
        if not _FILLER.match(word):
            return False
    return False


def _attributes(text: str) -> list[Span]:
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int, yes: bool) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        spans.append(Span(kind, start, end, text[start:end], yes))

    for match in _RESIDENT_NO.finditer(text):
        add(RESIDENT, match.start(), match.end(), False)
    for match in _RESIDENT_YES.finditer(text):
        add(RESIDENT, match.start(), match.end(), not _negated(text, match.start(), match.end()))
    for match in _SHAREABLE_NO.finditer(text):
        add(SHAREABLE, match.start(), match.end(), False)
    for match in _SHAREABLE_YES.finditer(text):
        add(SHAREABLE, match.start(), match.end(), not _negated(text, match.start(), match.end()))
    for match in _SHARE.finditer(text):
        negated = _negated(text, match.start(), match.end())
        if not negated and not _permitted(text, match.start()):
            continue  # "share my apartment with Rosa" is a request, not an attribute
        if _KEY_SUBJECT.search(_subject_zone(text, match.start())):
            said = _SUBJECT_BEFORE.search(text[: match.start()])  # the span takes its subject: "residents can share"
            add(SHAREABLE, said.start() if said else match.start(), match.end(), not negated)
        else:
            add(MAY_SHARE, match.start(), match.end(), not negated)
    return spans


def _subject_zone(text: str, at: int) -> str:
    """The clause before a verb without its modals ("residents must not be able to" -> "residents")."""
    words = list(reversed(_words_before(text, at)))
    while words and (_FILLER.match(words[-1]) or re.match(r"^(?:not|never|\w+n['’]t|cannot)$", words[-1], re.I)):
        words.pop()
    return " ".join(words)
