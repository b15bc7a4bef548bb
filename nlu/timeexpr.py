"""Time expressions of chat messages as exact values in a property's zone.

``find_times`` lists every expression, ``parse_when`` combines them into one span and
``find_schedule`` reads a weekly schedule. A hand-written grammar (``nlu.timelexer``,
``nlu.timegrammar``, ``nlu.timeresolve``) handles what chat says; ``dateparser`` is consulted
only when the grammar finds nothing in a message that still looks dated.

Readings chosen where English is ambiguous:

- ``ends_at`` is exclusive and a day named as an end is included whole ("until Dec 31" and
  "through Dec 31" end Jan 1 00:00; "until March" ends April 1); "before Friday" ends at
  Friday 00:00. A start named as a day begins at 00:00.
- prefer="future": a bare weekday is the next one, today included unless its time has passed
  ("Tuesday 9am" said on Tuesday at 10:00 is next Tuesday); "Jan 1" is the next Jan 1 (today
  included); a time alone is its next occurrence ("until 5pm" at 6pm is tomorrow 17:00).
- prefer="past": a bare weekday is the last one before today, or today when a time is given
  that is not after now; a date is the last one up to today; a time alone is the latest such
  time not after now, reading "11:30" as 11:30 or 23:30.
- "next Friday" and "next weekend" are the first ones starting after today (as dateparser);
  "last Tuesday" is the last before today; "this weekend" is Saturday 00:00 to Monday 00:00 of
  the current week; "next week" / "next month" are the calendar week (Mon-Sun) / month after.
- "for 3 days", "for the next 3 days" with no start run from now; with a start said as a
  day they run whole days ("from Monday for 2 weeks" ends Monday+14 00:00). Hours are real
  hours; days and months are calendar days and months (DST-safe).
- kind "day" covers any run of whole days said as one date ("tomorrow", "this weekend",
  "March"); windows of a day ("this morning", "tonight", "2-4pm") are "range".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from nlu.timecalendar import Clock
from nlu.timefallback import fallback_times
from nlu.timegrammar import Expr, parse
from nlu.timelexer import tokenize
from nlu.timeresolve import Resolved, resolve, shift
from nlu.timeschedule import ScheduleMatch, find_schedule
from nlu.timetypes import Amount
from nlu.timevocab import NUMBER, UNIT, UNITS, number_value

__all__ = ["Extension", "ScheduleMatch", "TimeMatch", "extended", "find_extension", "find_schedule", "find_times", "parse_when"]


@dataclass(frozen=True, slots=True)
class TimeMatch:
    """One time expression of a message, resolved."""

    start: int
    """Offset of the matched span in the text."""
    end: int
    """Offset after the matched span (exclusive)."""
    text: str
    """The matched text."""
    starts_at: datetime | None
    """Aware start in the property's zone; None when only an end was said ("until Dec 31")."""
    ends_at: datetime | None
    """Aware exclusive end in the property's zone; None when open-ended or a point."""
    kind: str
    """"point", "day", "range", "start" or "end"."""
    parts: tuple[tuple[int, int], ...] = ()
    """The spans of its expressions when several were combined ("from Monday … until Friday"); empty: the whole."""


@dataclass(frozen=True, slots=True)
class _Found:
    expr: Expr
    match: TimeMatch


def _match(text: str, start: int, end: int, got: Resolved) -> TimeMatch:
    return TimeMatch(start, end, text[start:end], got.starts_at, got.ends_at, got.kind)


def _resolve(text: str, expr: Expr, clock: Clock) -> _Found | None:
    try:
        got = resolve(expr, clock)
    except (ValueError, OverflowError):
        return None
    return _Found(expr, _match(text, expr.start, expr.end, got))


def _grammar(text: str, clock: Clock) -> list[_Found]:
    norm, tokens = tokenize(text, day_first=clock.day_first)
    found = (_resolve(text, expr, clock) for expr in parse(tokens, norm))
    return [f for f in found if f is not None]


def find_times(text: str, now: datetime, tz: ZoneInfo, prefer: str = "future", *, day_first: bool = False) -> list[TimeMatch]:
    """All time expressions of ``text``, non-overlapping, left to right; ``day_first`` reads "3/1" as 3 January."""
    clock = Clock(now, tz, prefer, day_first)
    found = [f.match for f in _grammar(text, clock)]
    return found or _fallback(text, clock)


def parse_when(text: str, now: datetime, tz: ZoneInfo, prefer: str = "future", *, day_first: bool = False) -> TimeMatch | None:
    """All time expressions of ``text`` combined into one span; None when there is none.

    ``day_first`` reads numeric dates as the property's country writes them ("3/1/27" is 3 January 2027);
    a date that can only be read the other way ("12/25") is still taken."""
    clock = Clock(now, tz, prefer, day_first)
    found = _grammar(text, clock)
    if not found:
        return _combine(text, _fallback(text, clock))
    if len(found) > 1:
        found = [f for f in found if not _lone_now(f.expr)] or found
        found = _date_onto_times(text, found, clock)
        found = _duration_onto_start(text, found, clock)
    return _combine(text, [f.match for f in found])


def _fallback(text: str, clock: Clock) -> list[TimeMatch]:
    return [_match(text, start, end, got) for start, end, got in fallback_times(text, clock)]


def _lone_now(expr: Expr) -> bool:
    first = expr.first
    return first is not None and first.now and not expr.prefix and expr.second is None and expr.duration is None


def _day_only(expr: Expr) -> bool:
    first = expr.first
    return (
        first is not None
        and first.date is not None
        and first.time is None
        and first.pod is None
        and not expr.prefix
        and expr.second is None
        and expr.duration is None
    )


def _times_only(expr: Expr) -> bool:
    first = expr.first
    return first is not None and not expr.date_said and not first.fixed() and first.time is not None


def _date_onto_times(text: str, found: list[_Found], clock: Clock) -> list[_Found]:
    """ "tomorrow, can you book it at 3pm": a lone day gives its date to the lone times."""
    days = [f for f in found if _day_only(f.expr)]
    if len(days) != 1 or not any(_times_only(f.expr) for f in found):
        return found
    day = days[0].expr.first
    assert day is not None
    merged = []
    for f in found:
        if f is days[0]:
            continue
        if _times_only(f.expr) and f.expr.first is not None:
            expr = replace(f.expr, first=replace(f.expr.first, date=day.date), date_said=True)
            f = _resolve(text, expr, clock) or f
        merged.append(f)
    return merged


def _duration_onto_start(text: str, found: list[_Found], clock: Clock) -> list[_Found]:
    """ "at 6pm please, for 1 hour": a lone duration runs from the one start said elsewhere."""
    lone = [f for f in found if f.expr.first is None and f.expr.duration and not f.expr.duration.past]
    others = [f for f in found if f.expr.first is not None]
    if len(lone) != 1 or len(others) != 1 or len(found) != 2:
        return found
    start = others[0].expr
    if start.second is not None or start.duration is not None or start.prefix not in ("", "from"):
        return found
    bounds = min(start.start, lone[0].expr.start), max(start.end, lone[0].expr.end)
    merged = replace(start, start=bounds[0], end=bounds[1], prefix="", duration=lone[0].expr.duration)
    got = _resolve(text, merged, clock)
    return [got] if got is not None else found


def _combine(text: str, matches: list[TimeMatch]) -> TimeMatch | None:
    if len(matches) <= 1:
        return matches[0] if matches else None
    starts = [m.starts_at for m in matches if m.starts_at is not None and m.kind != "end"]
    ends = [m.ends_at for m in matches if m.ends_at is not None and m.kind != "start"]
    said_start = [m.starts_at for m in matches if m.starts_at is not None and m.kind == "start"]
    said_end = [m.ends_at for m in matches if m.ends_at is not None and m.kind == "end"]
    starts, ends = said_start or starts, said_end or ends  # "this week … till friday": the end said, not the week's
    begin, finish = min(m.start for m in matches), max(m.end for m in matches)
    if all(m.kind == "day" for m in matches):
        kind = "day"
    elif starts and ends:
        kind = "range"
    else:
        kind = "end" if ends else "start" if any(m.kind == "start" for m in matches) else "point"
    got = Resolved(min(starts) if starts else None, max(ends) if ends else None, kind)
    return replace(_match(text, begin, finish, got), parts=tuple((m.start, m.end) for m in matches))


_EXTENSION = re.compile(
    rf"\b(?:by|for)\s+(?P<more>another\s+|a\s+further\s+|an?\s+(?:extra|additional)\s+)?(?:(?P<n>{NUMBER})\s+)?"
    r"(?:(?:extra|more|additional|further)\s+)?"
    rf"(?P<u>{UNIT})(?!\w)",
    re.I,
)
"""How much longer something is to last: "by a fortnight", "for another month", "by 2 more weeks"."""


@dataclass(frozen=True, slots=True)
class Extension:
    """A length said to lengthen a period by, and where it was said."""

    amount: Amount
    start: int
    end: int


def find_extension(text: str) -> Extension | None:
    """The length a period is lengthened by ("extend it by a fortnight"), or None."""
    match = _EXTENSION.search(text)
    if match is None or not (match["more"] or match["n"]):
        return None
    count = number_value(match["n"].lower()) if match["n"] else 1.0
    unit = UNITS[match["u"].lower()]
    if unit == "fortnight":
        count, unit = count * 2, "week"
    return Extension(Amount(count, unit), match.start(), match.end())


def extended(moment: datetime, extension: Extension, tz: ZoneInfo) -> datetime:
    """``moment`` moved later by the extension's length, on the property's calendar."""
    return shift(moment, extension.amount, 1, Clock(moment, tz, "future"))
