"""The time grammar: groups adjacent tokens into expressions (points, days, ranges, starts, ends).

    expression := [prefix] [at] endpoint [(to | until | and after between) endpoint] [duration]
                | duration [from endpoint]
    endpoint   := any of date, time, part of day (each once, in any order, "at"/"on" between)
                | now | offset ("in 2 hours") | instant (ISO timestamp)

Tokens join only across spaces and commas. A bare number ("5") is a time only after a prefix
or "at", after a date ("Saturday 6 to 8pm") or when the range it starts has a clear end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from nlu.timetypes import (
    DateRef,
    DayOfMonth,
    Duration,
    Instant,
    MonthDay,
    MonthRef,
    Offset,
    PartOfDay,
    Payload,
    PeriodRef,
    TimeOfDay,
    Token,
    WeekdayRef,
)

_GAP = re.compile(r"[\s,]*")
_PREFIXES = frozenset({"from", "until", "by", "before", "after", "between"})


@dataclass(slots=True)
class Endpoint:
    """One side of an expression, as said."""

    start: int
    """Offset of its first token."""
    end: int = 0
    """Offset after its last token."""
    date: DateRef | None = None
    """The day or days named."""
    time: TimeOfDay | None = None
    """The clock time named."""
    pod: PartOfDay | None = None
    """The part of the day named."""
    now: bool = False
    """Said as "now"."""
    offset: Offset | None = None
    """Said as "in 2 hours" / "3 days ago"."""
    instant: Instant | None = None
    """Said as an ISO timestamp."""
    strong: bool = False
    """Holds a piece that is a time on its own (not just a bare number or "morning")."""
    between: bool = False
    """Its time was introduced by "between" ("friday between 1 and 4"), so "and" may join the end."""

    def empty(self) -> bool:
        return not (self.date or self.time or self.pod or self.now or self.offset or self.instant)

    def fixed(self) -> bool:
        return self.now or self.offset is not None or self.instant is not None


@dataclass(frozen=True, slots=True)
class Expr:
    """One time expression of a message."""

    start: int
    """Offset of its first character."""
    end: int
    """Offset after its last character."""
    prefix: str
    """"", "from", "until", "by" (an end that cannot join a range), "before", "after" or "between"."""
    first: Endpoint | None
    """The (only or first) endpoint; None for a lone duration."""
    second: Endpoint | None = None
    """The end of a range."""
    duration: Duration | None = None
    """How long, when said ("for 2 hours")."""
    date_said: bool = field(default=False)
    """Some endpoint names a day (so a separate "at 3pm" does not need one)."""


class _Parser:
    def __init__(self, tokens: list[Token], norm: str) -> None:
        self.tokens = tokens
        self.joined = [_GAP.fullmatch(norm, a.end, b.start) is not None for a, b in zip(tokens, tokens[1:], strict=False)]

    def adjacent(self, i: int) -> bool:
        """Token i and token i+1 are next to each other."""
        return 0 <= i < len(self.joined) and self.joined[i]

    def kind(self, i: int) -> str:
        return self.tokens[i].kind if i < len(self.tokens) else ""

    def run(self) -> list[Expr]:
        found, i = [], 0
        while i < len(self.tokens):
            got = self.duration_first(i) if self.kind(i) == "duration" else self.expression(i)
            if got is None:
                i += 1
                continue
            found.append(got[0])
            i = got[1]
        return found

    def duration_first(self, i: int) -> tuple[Expr, int] | None:
        """A duration, alone or before its start ("for 2 hours at 6pm", "for 2 weeks from Monday")."""
        dur = self.tokens[i].value
        assert isinstance(dur, Duration)
        if not dur.past and self.adjacent(i):
            prefix, k, context, _ = self._lead(i + 1)
            got = self.endpoint(k, context=True) if prefix in ("", "from") else None
            if got is not None and (got[0].strong or context):
                ep, j = got
                expr = Expr(self.tokens[i].start, ep.end, "", ep, duration=dur, date_said=ep.date is not None)
                return expr, j
        return Expr(self.tokens[i].start, self.tokens[i].end, "", None, duration=dur), i + 1

    def _link(self, i: int, words: set[str]) -> bool:
        return self.kind(i) == "link" and self.tokens[i].word in words

    def _lead(self, i: int) -> tuple[str, int, bool, int]:
        """What precedes an endpoint: (prefix, endpoint index, bare numbers allowed, span start)."""
        prefix, context, start = "", False, -1
        if self.kind(i) == "link" and self.tokens[i].word in _PREFIXES and self.adjacent(i):
            prefix, context, start, i = self.tokens[i].word, True, self.tokens[i].start, i + 1
        while self.kind(i) == "fill" and self.adjacent(i):
            word = self.tokens[i].word
            context = context or word == "at"
            if start < 0 and word in ("at", "on"):
                start = self.tokens[i].start
            i += 1
        return prefix, i, context, start

    def expression(self, i: int) -> tuple[Expr, int] | None:
        prefix, k, context, start = self._lead(i)
        got = self.endpoint(k, context)
        if got is None:
            return None
        first, k = got
        linked = self._link(k, {"until"})
        second, k = self._second(first, prefix, k)
        if prefix == "between" and second is None:
            prefix = ""
        dur = None
        if self.kind(k) == "duration" and self.adjacent(k - 1):
            value = self.tokens[k].value
            if isinstance(value, Duration) and not value.past and prefix in ("", "from"):
                dur, k = value, k + 1
        expr = Expr(
            start if start >= 0 else first.start,
            self.tokens[k - 1].end,
            prefix,
            first,
            second,
            dur,
            date_said=first.date is not None or (second is not None and second.date is not None),
        )
        strong = first.strong or (second is not None and second.strong) or dur is not None
        clock_range = linked and second is not None and first.time is not None and second.time is not None
        return (expr, k) if strong or clock_range or (context and first.time is not None) else None  # "10 till 6"

    def _second(self, first: Endpoint, prefix: str, k: int) -> tuple[Endpoint | None, int]:
        words = {"to", "until", "and"} if prefix == "between" or first.between else {"to", "until"}
        if not (self._link(k, words) and self.adjacent(k - 1) and self.adjacent(k)):
            return None, k
        got = self.endpoint(k + 1, context=True)
        return got if got is not None else (None, k)

    def endpoint(self, k: int, context: bool) -> tuple[Endpoint, int] | None:
        if k >= len(self.tokens):
            return None
        ep = Endpoint(self.tokens[k].start)
        j = k
        while j < len(self.tokens) and (j == k or self.adjacent(j - 1)):
            step = self._step(ep, j)
            if step == 0:
                break
            j += step
            if ep.time is not None and ep.time.bare and not context and ep.date is None and ep.pod is None:
                break
        if ep.empty():
            return None
        ep.end = self.tokens[j - 1].end
        return ep, j

    def _step(self, ep: Endpoint, j: int) -> int:
        """How many tokens the endpoint takes at j (0: it ends before j)."""
        token = self.tokens[j]
        if token.kind == "fill" and not ep.empty() and self.adjacent(j) and token.word in ("at", "on", "in", "of"):
            return 1 + self._step(ep, j + 1) if self._takes(ep, self.tokens[j + 1]) else 0
        if token.kind == "link" and token.word in ("from", "between") and ep.date is not None and ep.time is None:
            if self.adjacent(j) and self.kind(j + 1) == "time":
                ep.between = token.word == "between"
                return 1 + self._step(ep, j + 1)
            return 0
        if not self._takes(ep, token):
            return 0
        _add(ep, token)
        return 1

    def _takes(self, ep: Endpoint, token: Token) -> bool:
        if ep.fixed() and not (ep.offset is not None and token.kind == "time" and not token.weak):
            return False
        if token.kind == "date":
            fits = ep.date is None or _merged(ep.date, token.value) is not None
            return fits and not ep.fixed() and (token.pod is None or ep.pod is None)
        if token.kind == "time":
            return ep.time is None
        if token.kind == "pod":
            return ep.pod is None and (not token.weak or not ep.empty())
        return token.kind in ("now", "offset", "instant") and ep.empty()


def _add(ep: Endpoint, token: Token) -> None:
    value = token.value
    if token.kind == "date" and not isinstance(value, (TimeOfDay, PartOfDay, Offset, Duration, Instant)):
        ep.date = value if ep.date is None or value is None else _merged(ep.date, value)
        ep.pod = token.pod or ep.pod
    elif isinstance(value, TimeOfDay):
        ep.time = value
    elif isinstance(value, PartOfDay):
        ep.pod = value
    elif isinstance(value, Offset):
        ep.offset = value
    elif isinstance(value, Instant):
        ep.instant = value
    elif token.kind == "now":
        ep.now = True
    ep.strong = ep.strong or not token.weak


def _merged(said: DateRef, more: Payload) -> DateRef | None:
    """Two dates said together: "Mon 12/7" is 12/7, "Friday next week" is that week's Friday."""
    for day, other in ((said, more), (more, said)):
        if isinstance(day, (MonthDay, MonthRef)) and day.year is None and isinstance(other, PeriodRef) and other.unit == "year":
            offset = {"next": 1, "last": -1}.get(other.modifier, 0)
            return replace(day, year_offset=offset)  # "Oct 31 next year", "next year in March"
        if not isinstance(day, WeekdayRef) or day.modifier not in ("", "this"):
            continue
        if isinstance(other, (MonthDay, DayOfMonth)):
            return other
        if isinstance(other, PeriodRef) and other.unit == "week":
            return WeekdayRef(day.weekday, f"week-{other.modifier or 'this'}")
    return None


def parse(tokens: list[Token], norm: str) -> list[Expr]:
    """The time expressions made of the tokens, left to right, non-overlapping."""
    return _Parser(tokens, norm).run()
