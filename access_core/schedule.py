"""Weekly schedules in a property's local time, in the canonical text form of CONTRACT.md.

Canonical form: windows joined by ``"; "``, each ``DAYS HH:MM-HH:MM`` where DAYS is a
day (``Mon``) or a run of days (``Mon-Fri``), every day as ``Mon-Sun``. ``None`` means
always open. A window whose end is not after its start runs past midnight into the
next day (``Fri 22:00-02:00`` covers Friday night until 2 am Saturday); ``24:00``
is allowed as an end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_INDEX = {name.lower(): i for i, name in enumerate(DAY_NAMES)}
_WINDOW = re.compile(
    r"^\s*(?P<days>[A-Za-z]{3}(?:\s*-\s*[A-Za-z]{3})?(?:\s*,\s*[A-Za-z]{3}(?:\s*-\s*[A-Za-z]{3})?)*)"
    r"\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


class ScheduleError(ValueError):
    """A schedule text that is not in the canonical form."""


@dataclass(slots=True, frozen=True)
class Window:
    """One weekly window: the days it starts on and its local start/end in minutes."""

    days: frozenset[int]
    """Days of the week the window starts on, 0 = Monday."""
    start: int
    """Minutes after local midnight, 0..1439."""
    end: int
    """Minutes after local midnight, 1..1440; not after ``start`` means it ends next day."""

    def __post_init__(self) -> None:
        if not self.days:
            raise ScheduleError("a window needs at least one day")

    def contains(self, weekday: int, minute: int) -> bool:
        if self.end > self.start:
            return weekday in self.days and self.start <= minute < self.end
        if weekday in self.days and minute >= self.start:
            return True
        return (weekday - 1) % 7 in self.days and minute < self.end


@dataclass(slots=True, frozen=True)
class Schedule:
    """A weekly schedule: open when any window contains the local time."""

    windows: tuple[Window, ...]

    def allows(self, local: datetime, *, as_weekday: int | None = None) -> bool:
        """Open at this local time; ``as_weekday`` (0 = Monday) runs the day as another weekday."""
        minute = local.hour * 60 + local.minute
        weekday = local.weekday() if as_weekday is None else as_weekday
        return any(w.contains(weekday, minute) for w in self.windows)

    def canonical(self) -> str:
        return "; ".join(_format_window(w) for w in self.windows)


def _minutes(text: str, *, is_end: bool) -> int:
    hours, minutes = (int(part) for part in text.split(":"))
    value = hours * 60 + minutes
    if minutes > 59 or value > 1440 or (value == 1440 and not is_end):
        raise ScheduleError(f"{text!r} is not a time of day")
    return value


def _days(text: str) -> frozenset[int]:
    days: set[int] = set()
    for part in text.split(","):
        ends = [p.strip().lower() for p in part.split("-")]
        try:
            first, last = _DAY_INDEX[ends[0]], _DAY_INDEX[ends[-1]]
        except KeyError as exc:
            raise ScheduleError(f"{part.strip()!r} is not a day or range of days (Mon..Sun)") from exc
        day = first
        while True:
            days.add(day)
            if day == last:
                break
            day = (day + 1) % 7
    return frozenset(days)


def parse_schedule(text: str | None) -> Schedule | None:
    """Parse a schedule text; ``None``, empty, ``always`` or ``24/7`` mean always open."""
    if text is None or text.strip().lower() in ("", "always", "24/7", "none"):
        return None
    windows = []
    for chunk in text.split(";"):
        if not chunk.strip():
            continue
        match = _WINDOW.match(chunk)
        if not match:
            raise ScheduleError(f"{chunk.strip()!r} is not a window like 'Mon-Fri 09:00-17:00'")
        start = _minutes(match["start"], is_end=False)
        end = _minutes(match["end"], is_end=True)
        if start == end:
            raise ScheduleError(f"{chunk.strip()!r} is an empty window")
        windows.append(Window(_days(match["days"]), start, end))
    if not windows:
        raise ScheduleError("a schedule needs at least one window")
    return Schedule(tuple(_merge_same_hours(windows)))


def canonical_schedule(text: str | None) -> str | None:
    """The canonical form of a schedule text, or ``None`` for always."""
    schedule = parse_schedule(text)
    return schedule.canonical() if schedule else None


def schedule_from_windows(windows: list[Window]) -> Schedule | None:
    return Schedule(tuple(_merge_same_hours(windows))) if windows else None


def _merge_same_hours(windows: list[Window]) -> list[Window]:
    """Windows with the same hours merge by day; each run of consecutive days is one window."""
    merged: dict[tuple[int, int], set[int]] = {}
    for w in windows:
        merged.setdefault((w.start, w.end), set()).update(w.days)
    result = []
    for (start, end), days in merged.items():
        for run in _day_runs(days):
            result.append(Window(frozenset(run), start, end))
    return sorted(result, key=lambda w: (min(w.days), w.start))


def _day_runs(days: set[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _format_window(w: Window) -> str:
    first, last = min(w.days), max(w.days)
    days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]}-{DAY_NAMES[last]}"
    return f"{days} {w.start // 60:02d}:{w.start % 60:02d}-{w.end // 60:02d}:{w.end % 60:02d}"
