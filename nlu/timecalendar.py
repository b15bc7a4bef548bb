"""The conversation's clock in the property's zone: which days a date expression names.

Choices (documented in ``nlu.timeexpr``): "next Friday" is the first Friday after today, "last
Tuesday" the last one before today; a bare weekday or date is the next one from today (today
included) when preferring the future, the last one up to today when preferring the past.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from nlu.timetypes import DateRef, DayOfMonth, EdgeRef, MonthDay, MonthRef, PeriodRef, RelDay, WeekdayRef

Days = tuple[date, date]
"""A run of whole days: first day, and the day after the last."""


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier), clamped to the month's length."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"no day {day.day} in {year}-{month + 1}")


def _month_start(year: int, month: int) -> date:
    return add_months(date(year, 1, 1), month - 1)


def _try(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


class Clock:
    """``now`` in the property's zone, and the preference for past or future readings."""

    __slots__ = ("day_first", "future", "now", "today", "tz")

    def __init__(self, now: datetime, tz: ZoneInfo, prefer: str, day_first: bool = False) -> None:
        self.tz = tz
        self.day_first = day_first
        """Numeric dates ("3/1/27") are read day first, as the property's country writes them."""
        self.now = now.astimezone(tz) if now.tzinfo is not None else now.replace(tzinfo=tz)
        self.today = self.now.date()
        self.future = prefer != "past"

    def looking_back(self) -> Clock:
        """The same clock preferring the past ("from Monday until now")."""
        return Clock(self.now, self.tz, "past", self.day_first)

    def at(self, day: date, minutes: int = 0) -> datetime:
        """The local wall time ``minutes`` after midnight of ``day`` (past 1440 runs into later days)."""
        extra, minutes = divmod(minutes, 1440)
        day = day + timedelta(days=extra)
        wall = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=self.tz)
        return wall.astimezone(UTC).astimezone(self.tz)

    def days(self, ref: DateRef, anchor: date | None = None, allow_today: bool = True) -> Days:
        """The days ``ref`` names; ``anchor`` (the start of a range) means "the first one from there"."""
        future = self.future or anchor is not None
        base = anchor or self.today
        match ref:
            case RelDay(offset):
                return _one(self.today + timedelta(days=offset))
            case WeekdayRef(weekday, modifier):
                return _one(self._weekday(weekday, modifier, base, future, allow_today))
            case MonthDay():
                return self._month_day(ref, base, future)
            case DayOfMonth(day, month_offset):
                return _one(self._day_of_month(day, month_offset, base, future))
            case MonthRef():
                return self._month(ref, base, future)
            case PeriodRef(unit, modifier):
                return self._period(unit, modifier)
            case EdgeRef(target, at_end):
                first, end = self.days(target, anchor)
                return _one(end - timedelta(days=1) if at_end else first)
        raise ValueError(f"unknown date reference {ref!r}")

    def _weekday(self, weekday: int, modifier: str, base: date, future: bool, allow_today: bool) -> date:
        if modifier.startswith("week-"):
            monday = self.today - timedelta(days=self.today.weekday())
            return monday + timedelta(days=weekday + 7 * {"week-next": 1, "week-last": -1}.get(modifier, 0))
        ahead = (weekday - base.weekday()) % 7
        behind = (self.today.weekday() - weekday) % 7
        if modifier == "next":
            return base + timedelta(days=ahead or 7)
        if modifier == "last":
            return self.today - timedelta(days=behind or 7)
        if modifier == "this":
            allow_today = True
        if future:
            return base + timedelta(days=ahead if ahead or allow_today else 7)
        return self.today - timedelta(days=behind if behind or allow_today else 7)

    def _month_day(self, ref: MonthDay, base: date, future: bool) -> Days:
        last = ref.last_day or ref.day
        if ref.year is not None or ref.year_offset is not None:
            year = ref.year if ref.year is not None else self.today.year + (ref.year_offset or 0)
            return date(year, ref.month, ref.day), date(year, ref.month, last) + timedelta(days=1)
        step = 1 if future else -1
        year = base.year
        for _ in range(9):
            first, final = _try(year, ref.month, ref.day), _try(year, ref.month, last)
            if first and final and (final >= base if future else first <= base):
                return first, final + timedelta(days=1)
            year += step
        raise ValueError(f"no such day {ref!r}")

    def _day_of_month(self, day: int, month_offset: int | None, base: date, future: bool) -> date:
        if month_offset is not None:
            start = add_months(base.replace(day=1), month_offset)
            found = _try(start.year, start.month, day)
            return found or add_months(start, 1) - timedelta(days=1)
        start = base.replace(day=1)
        for step in range(0, 25):
            month = add_months(start, step if future else -step)
            found = _try(month.year, month.month, day)
            if found and (found >= base if future else found <= base):
                return found
        raise ValueError(f"no day {day} of any month")

    def _month(self, ref: MonthRef, base: date, future: bool) -> Days:
        if ref.year is not None:
            year = ref.year
        elif ref.year_offset is not None:
            year = self.today.year + ref.year_offset
        elif ref.modifier == "next":
            year = self.today.year + (1 if ref.month <= self.today.month else 0)
        elif ref.modifier == "last":
            year = self.today.year - (1 if ref.month >= self.today.month else 0)
        elif future:
            year = base.year + (1 if ref.month < base.month else 0)
        else:
            year = base.year - (1 if ref.month > base.month else 0)
        first = _month_start(year, ref.month)
        return first, add_months(first, 1)

    def _period(self, unit: str, modifier: str) -> Days:
        step = {"next": 1, "last": -1}.get(modifier, 0)
        today = self.today
        if unit in ("week", "weekend"):
            monday = today - timedelta(days=today.weekday())
            if unit == "week":
                first = monday + timedelta(weeks=step)
                return first, first + timedelta(days=7)
            saturday = monday + timedelta(days=5)
            if modifier == "next" and today >= saturday or modifier == "last":
                saturday += timedelta(weeks=step)
            elif modifier == "" and not self.future and today < saturday:
                saturday -= timedelta(weeks=1)
            return saturday, saturday + timedelta(days=2)
        if unit == "month":
            first = add_months(today.replace(day=1), step)
            return first, add_months(first, 1)
        first = date(today.year + step, 1, 1)
        return first, date(first.year + 1, 1, 1)


def _one(day: date) -> Days:
    return day, day + timedelta(days=1)
