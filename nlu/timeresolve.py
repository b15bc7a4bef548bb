"""Resolve parsed expressions against the clock: exact aware datetimes in the property's zone.

Clock times without am/pm: 1..7 are afternoon, 8..11 morning, 12 noon; in a range the end is
the first reading after the start ("9 to 5" is 09:00-17:00, "10pm to 6" ends 06:00 next day);
after "tonight" or "evening" they are pm, after "morning" am. With no day said, a time is the
next such time (prefer future) or the latest one not after now (prefer past; then both 12-hour
readings are candidates, so "at 11:30" asked at 10:00 is 23:30 yesterday).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from nlu.timecalendar import Clock, add_months
from nlu.timegrammar import Endpoint, Expr
from nlu.timetypes import Amount, PartOfDay, TimeOfDay, WeekdayRef
from nlu.timevocab import POD_MINUTES


@dataclass(frozen=True, slots=True)
class Span:
    """What one endpoint resolves to."""

    start: datetime
    """Its beginning (the moment itself for a point)."""
    end: datetime | None
    """Exclusive end; None for a point."""
    whole_days: bool = False
    """It is a run of whole days (its end is a midnight)."""


@dataclass(frozen=True, slots=True)
class Resolved:
    """What one expression resolves to."""

    starts_at: datetime | None
    """Start, or None when only an end was said."""
    ends_at: datetime | None
    """Exclusive end, or None."""
    kind: str
    """"point", "day", "range", "start" or "end"."""


def minutes_of(time: TimeOfDay, pod: PartOfDay | None, as_start: bool = False) -> int:
    """Minutes after midnight of the day said (may pass 1440 for "1am tonight")."""
    if time.midnight:
        return 0 if as_start else 1440
    hour = time.hour % 12
    if time.meridiem == "24":
        return time.hour * 60 + time.minute
    if time.meridiem is not None:
        return (hour + (12 if time.meridiem == "pm" else 0)) * 60 + time.minute
    name = pod.name if pod else ""
    if name == "morning":
        return hour * 60 + time.minute
    if name == "night" and time.hour in (12, 1, 2, 3, 4, 5):
        return (24 + hour) * 60 + time.minute
    pm = name in ("afternoon", "evening", "night") or 1 <= time.hour <= 7 or time.hour == 12  # a bare 12 is noon
    return (hour + (12 if pm else 0)) * 60 + time.minute


def pair_minutes(first: TimeOfDay, second: TimeOfDay, pod: PartOfDay | None, end_pod: PartOfDay | None = None) -> tuple[int, int]:
    """Both ends of a clock range; the end may be at or before the start (it is then next day). ``end_pod`` is the
    part of day said with the end ("7am till 10 at night")."""
    if end_pod is not None and second.meridiem is None and not second.midnight:
        end = minutes_of(second, end_pod)
        if first.meridiem is None and not first.midnight and pod is end_pod:  # "9 till 5 in the afternoon"
            readings = [minutes_of(replace(first, meridiem=half), None) for half in ("am", "pm")]
            return min(readings, key=lambda start: (end - start) % 1440), end
        return minutes_of(first, pod, as_start=True), end
    end_said = second.meridiem is not None or second.midnight
    start = minutes_of(first, pod, as_start=True)
    if first.meridiem is None and not first.midnight and end_said and second.meridiem != "24" and pod is None:
        end = minutes_of(second, pod)
        readings = [minutes_of(replace(first, meridiem=half), None) for half in ("am", "pm")]
        return min(readings, key=lambda start: (end - start) % 1440), end
    if end_said:
        return start, minutes_of(second, pod)
    hour = second.hour % 12
    candidates = [(hour * 60 + second.minute) + half for half in (0, 720)]
    return start, min(candidates, key=lambda c: (c - start) % 1440 or 1440)


def shift(moment: datetime, amount: Amount, sign: int, clock: Clock) -> datetime:
    """``moment`` moved by ``amount``: hours on the real clock, days and months on the calendar."""
    if amount.unit in ("minute", "hour") or amount.count != int(amount.count):
        per = {"minute": 1, "hour": 60, "day": 1440, "week": 10080, "month": 43200, "year": 525600}
        delta = timedelta(minutes=amount.count * per[amount.unit] * sign)
        return (moment.astimezone(UTC) + delta).astimezone(clock.tz)
    count = int(amount.count) * sign
    local = moment.astimezone(clock.tz)
    if amount.unit in ("day", "week"):
        day = local.date() + timedelta(days=count * (7 if amount.unit == "week" else 1))
    else:
        day = add_months(local.date(), count * (12 if amount.unit == "year" else 1))
    moved = clock.at(day, local.hour * 60 + local.minute)
    return moved.replace(second=local.second, microsecond=local.microsecond)


def _at_time(clock: Clock, minutes: int, twelve: bool) -> datetime:
    """The time of day with no day said: the next one, or the latest one not after now."""
    if clock.future:
        moment = clock.at(clock.today, minutes)
        return moment if moment >= clock.now else clock.at(clock.today + timedelta(days=1), minutes)
    options = [minutes % 1440 + half for half in ((0, 720) if twelve else (0,))]
    moments = [clock.at(clock.today - timedelta(days=back), m % 1440) for back in (0, 1) for m in options]
    earlier = [m for m in moments if m <= clock.now]
    return max(earlier) if earlier else clock.at(clock.today - timedelta(days=1), minutes)


def _roll_weekday(ep: Endpoint, moment: datetime, clock: Clock, anchored: bool) -> datetime:
    if anchored or not isinstance(ep.date, WeekdayRef) or ep.date.modifier not in ("", "this"):
        return moment
    local = moment.astimezone(clock.tz)
    if clock.future and moment < clock.now:
        return clock.at(local.date() + timedelta(days=7), local.hour * 60 + local.minute)
    if not clock.future and moment > clock.now:
        return clock.at(local.date() - timedelta(days=7), local.hour * 60 + local.minute)
    return moment


def _offset(ep: Endpoint, clock: Clock) -> Span:
    offset = ep.offset
    assert offset is not None
    amount = offset.amount
    if amount.unit in ("minute", "hour") or amount.count != int(amount.count):
        return Span(shift(clock.now, amount, offset.sign, clock), None)
    base = clock.at(clock.today + timedelta(days=offset.base_day or 0))
    day = shift(base, amount, offset.sign, clock).date()
    if ep.time is not None:
        return Span(clock.at(day, minutes_of(ep.time, ep.pod)), None)
    return Span(clock.at(day), clock.at(day + timedelta(days=1)), whole_days=True)


def _pod_window(pod: PartOfDay, clock: Clock, day: date | None) -> Span:
    first, last = POD_MINUTES[pod.name]
    if day is None:
        day = clock.today
        if clock.future and clock.at(day, last) <= clock.now:
            day += timedelta(days=1)
        elif not clock.future and clock.at(day, first) > clock.now:
            day -= timedelta(days=1)
    return Span(clock.at(day, first), clock.at(day, last))


def resolve_endpoint(ep: Endpoint, clock: Clock, anchor: date | None = None, minutes: int | None = None) -> Span:
    """One endpoint as a point, a window or whole days; ``anchor`` reads its date forward from there."""
    if ep.instant is not None:
        at = ep.instant.at
        moment = at.astimezone(clock.tz) if at.tzinfo else clock.at(at.date(), at.hour * 60 + at.minute)
        return Span(moment, None)
    if ep.now:
        return Span(clock.now, None)
    if ep.offset is not None:
        return _offset(ep, clock)
    day = None
    if ep.date is not None:
        first, end = clock.days(ep.date, anchor, allow_today=clock.future or ep.time is not None)
        if ep.time is None and ep.pod is None:
            return Span(clock.at(first), clock.at(end), whole_days=True)
        day = first
    if ep.time is None:
        assert ep.pod is not None
        return _pod_window(ep.pod, clock, day)
    said = minutes if minutes is not None else minutes_of(ep.time, ep.pod)
    if day is not None:
        return Span(_roll_weekday(ep, clock.at(day, said), clock, anchor is not None), None)
    twelve = minutes is None and ep.time.meridiem is None and not ep.time.midnight and ep.pod is None
    return Span(_at_time(clock, said, twelve), None)


def resolve_range(first: Endpoint, second: Endpoint, clock: Clock) -> tuple[datetime, datetime]:
    """Start and exclusive end of "first to second"; a day named as the end is included whole."""
    start_minutes = end_minutes = None
    if first.time is not None and second.time is not None:
        start_minutes, end_minutes = pair_minutes(first.time, second.time, first.pod or second.pod, second.pod)
    inherits = first.date is None and not first.fixed() and second.date is not None
    if inherits:
        first = replace(first, date=second.date, pod=first.pod or second.pod)
    start = resolve_endpoint(first, clock, minutes=start_minutes).start
    if second.date is not None or second.fixed():
        ended = resolve_endpoint(second, clock, anchor=start.astimezone(clock.tz).date(), minutes=end_minutes)
        end = ended.end if ended.end is not None else ended.start
        if inherits and first.time is not None and end <= start:
            local = start.astimezone(clock.tz)
            start = clock.at(local.date() - timedelta(days=1), local.hour * 60 + local.minute)
        return start, end
    day = start.astimezone(clock.tz).date()
    if second.time is None:
        assert second.pod is not None
        window = _pod_window(second.pod, clock, day)
        return start, window.end or window.start
    said = end_minutes if end_minutes is not None else minutes_of(second.time, second.pod or first.pod)
    end = clock.at(day, said)
    return start, end if end > start else clock.at(day + timedelta(days=1), said)


def resolve(expr: Expr, clock: Clock) -> Resolved:
    """The start, exclusive end and kind of one expression."""
    if expr.first is None:
        assert expr.duration is not None
        amount = expr.duration.amount
        if expr.duration.past:
            return Resolved(shift(clock.now, amount, -1, clock), clock.now, "range")
        return Resolved(clock.now, shift(clock.now, amount, 1, clock), "range")
    if expr.second is not None:
        start, end = resolve_range(expr.first, expr.second, clock)
        if end <= start and clock.future:
            start, end = resolve_range(expr.first, expr.second, clock.looking_back())
        if end <= start:
            raise ValueError("a range that ends before it starts")
        return Resolved(start, end, "range")
    span = resolve_endpoint(expr.first, clock)
    if expr.duration is not None:
        return Resolved(span.start, shift(span.start, expr.duration.amount, 1, clock), "range")
    whole = span.end if span.end is not None else span.start
    match expr.prefix:
        case "from":
            return Resolved(span.start, None, "start")
        case "after":
            return Resolved(whole if span.whole_days else span.start, None, "start")
        case "until" | "by":
            return Resolved(None, whole, "end")
        case "before":
            return Resolved(None, span.start, "end")
    kind = "point" if span.end is None else "day" if span.whole_days else "range"
    return Resolved(span.start, span.end, kind)
