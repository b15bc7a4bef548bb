"""What the time lexer recognises, before any calendar is consulted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RelDay:
    """A day counted from today: 0 today, 1 tomorrow, -1 yesterday."""

    offset: int
    """Days after today (negative: before)."""


@dataclass(frozen=True, slots=True)
class WeekdayRef:
    """A named weekday ("Friday", "next Friday", "last Tuesday")."""

    weekday: int
    """0 = Monday."""
    modifier: str
    """"" (bare), "this", "next", "last", or "week-this" / "week-next" / "week-last" ("Friday next week")."""


@dataclass(frozen=True, slots=True)
class MonthDay:
    """A calendar day, or a run of days of one month ("Dec 5", "March 15-20", "2027-01-01")."""

    month: int
    """1..12."""
    day: int
    """First day of the month named."""
    year: int | None
    """The year when it was said."""
    last_day: int | None = None
    """The last day of a run ("March 15-20"), else None."""
    year_offset: int | None = None
    """Said with a year relative to today ("Oct 31 next year": 1), else None."""


@dataclass(frozen=True, slots=True)
class DayOfMonth:
    """A day of some month ("the 5th", "the 3rd of next month")."""

    day: int
    """1..31."""
    month_offset: int | None
    """0 this month, 1 next month, None the next (or last) such day."""


@dataclass(frozen=True, slots=True)
class MonthRef:
    """A whole month ("March", "next March", "December 2027")."""

    month: int
    """1..12."""
    year: int | None
    """The year when it was said."""
    modifier: str
    """"", "this", "next" or "last"."""
    year_offset: int | None = None
    """Said with a year relative to today ("March next year": 1), else None."""


@dataclass(frozen=True, slots=True)
class PeriodRef:
    """A calendar week, weekend, month or year relative to today ("next week", "this weekend")."""

    unit: str
    """"week", "weekend", "month" or "year"."""
    modifier: str
    """"this", "next", "last" or "" (bare "the weekend")."""


@dataclass(frozen=True, slots=True)
class EdgeRef:
    """The first or last day of a period ("end of the month", "beginning of next year")."""

    target: MonthRef | PeriodRef
    """The period whose edge is meant."""
    at_end: bool
    """True for its last day, False for its first."""


DateRef = RelDay | WeekdayRef | MonthDay | DayOfMonth | MonthRef | PeriodRef | EdgeRef


@dataclass(frozen=True, slots=True)
class TimeOfDay:
    """A clock time as said ("3pm", "11:30", "noon", a bare "5")."""

    hour: int
    """0..24 as written (12-hour or 24-hour)."""
    minute: int
    """0..59."""
    meridiem: str | None
    """"am", "pm", "24" (a 24-hour form such as 14:00 or 09:00) or None when unsaid."""
    bare: bool = False
    """A lone number with no colon, am/pm or o'clock: a time only in context."""
    midnight: bool = False
    """Said as "midnight": the end of the day it belongs to."""


@dataclass(frozen=True, slots=True)
class PartOfDay:
    """Morning, afternoon, evening or night."""

    name: str
    """A key of ``timevocab.POD_MINUTES``."""


@dataclass(frozen=True, slots=True)
class Amount:
    """A length of time ("2 hours", "a week")."""

    count: float
    """How many units."""
    unit: str
    """"minute", "hour", "day", "week", "fortnight", "month" or "year"."""


@dataclass(frozen=True, slots=True)
class Offset:
    """A moment or day counted from now ("in 2 hours", "3 days ago", "a week from tomorrow")."""

    amount: Amount
    """How far."""
    sign: int
    """1 ahead, -1 ago."""
    base_day: int | None
    """Counted from today (0) or tomorrow (1) as whole days; None from now."""


@dataclass(frozen=True, slots=True)
class Duration:
    """How long ("for 2 hours", "for the next 3 days", "the past 24 hours")."""

    amount: Amount
    """How long."""
    past: bool
    """True for a stretch that ends now ("the last 3 days")."""


@dataclass(frozen=True, slots=True)
class Instant:
    """An exact timestamp written in the text (ISO 8601 with a time)."""

    at: datetime
    """Naive (local wall time) or aware."""


Payload = DateRef | TimeOfDay | PartOfDay | Offset | Duration | Instant | None


@dataclass(frozen=True, slots=True)
class Token:
    """One recognised piece of a message."""

    start: int
    """Offset of its first character."""
    end: int
    """Offset after its last character."""
    kind: str
    """"date", "time", "pod", "now", "offset", "duration", "instant", "link", "fill" or "always"."""
    value: Payload = None
    """What it means, for the kinds that carry a value."""
    pod: PartOfDay | None = None
    """A part of the day said with a date in one word ("tonight", "last night")."""
    word: str = ""
    """For links and fills: the canonical word ("from", "until", "before", "between", "to", "at"...)."""
    weak: bool = False
    """Counts as a time only next to other time words (a bare number, "morning", "may")."""
