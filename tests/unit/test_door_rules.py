"""Exception days and lockdowns inside one access decision (DOMAIN "Exception days", "Lockdown"),
in New York wall time across the DST switches of 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from access_core.decide import AccessSource, DoorRules, decide
from access_core.schedule import parse_schedule

NY = ZoneInfo("America/New_York")
SINCE = datetime(2020, 1, 1, tzinfo=UTC)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, *, fold: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=NY, fold=fold).astimezone(UTC)


def key(schedule: str | None, *, exempt: bool = False) -> AccessSource:
    return AccessSource("key Test", SINCE, None, parse_schedule(schedule), exempt=exempt)


WEEKDAYS = "Mon-Fri 08:00-18:00"
SUNDAY_ONLY = "Sun 01:00-03:00"
# Fri 25 Dec 2026 closed; Thu 31 Dec 2026 runs as a Sunday; Sun 1 Nov 2026 (25 hours) closed;
# Sun 8 Mar 2026 (23 hours) runs as a Monday.
CALENDAR = DoorRules({date(2026, 12, 25): "closed", date(2026, 12, 31): "Sun", date(2026, 11, 1): "closed", date(2026, 3, 8): "Mon"})

CALENDAR_TABLE = [
    # schedule, instant, reasons
    (WEEKDAYS, local(2026, 12, 25, 10), ("closed_day",)),
    (WEEKDAYS, local(2026, 12, 24, 10), ()),
    (WEEKDAYS, local(2026, 12, 25, 23, 59), ("closed_day",)),
    (WEEKDAYS, local(2026, 12, 26, 0, 0), ("outside_schedule",)),  # a Saturday: its own schedule again
    (None, local(2026, 12, 25, 10), ()),  # an unscheduled door is unaffected: homes stay open
    (WEEKDAYS, local(2026, 12, 31, 10), ("outside_schedule",)),  # a Thursday run as a Sunday
    (SUNDAY_ONLY, local(2026, 12, 31, 2, 0), ()),
    (SUNDAY_ONLY, local(2026, 12, 31, 3, 0), ("outside_schedule",)),
    (SUNDAY_ONLY, local(2026, 11, 1, 1, 30), ("closed_day",)),  # both 01:30s of the 25-hour day
    (SUNDAY_ONLY, local(2026, 11, 1, 1, 30, fold=1), ("closed_day",)),
    (SUNDAY_ONLY, local(2026, 10, 25, 1, 30), ()),
    (WEEKDAYS, local(2026, 3, 8, 9, 0), ()),  # the 23-hour Sunday run as a Monday
    (WEEKDAYS, local(2026, 3, 8, 3, 30), ("outside_schedule",)),
    (SUNDAY_ONLY, local(2026, 3, 8, 1, 30), ("outside_schedule",)),
]


@pytest.mark.parametrize(("schedule", "at", "expected"), CALENDAR_TABLE)
def test_exception_days_closed_or_another_weekday(schedule: str | None, at: datetime, expected: tuple[str, ...]) -> None:
    assert decide([key(schedule)], at, NY, door_activated=True, rules=CALENDAR).reasons == expected


STARTED, LIFTED = local(2026, 12, 1, 10), local(2026, 12, 1, 14)
LOCKED = DoorRules(lockdowns=((STARTED, LIFTED), (local(2026, 12, 5, 9), None)))

LOCKDOWN_TABLE = [
    # source exempt, instant, reasons
    (False, local(2026, 12, 1, 9, 59), ()),
    (False, local(2026, 12, 1, 10, 0), ("lockdown",)),
    (False, local(2026, 12, 1, 13, 59), ("lockdown",)),
    (False, local(2026, 12, 1, 14, 0), ()),  # lifted
    (False, local(2027, 6, 1, 12), ("lockdown",)),  # the second lasts until lifted
    (True, local(2026, 12, 1, 12), ()),
    (True, local(2027, 6, 1, 12), ()),
]


@pytest.mark.parametrize(("exempt", "at", "expected"), LOCKDOWN_TABLE)
def test_lockdown_spares_only_exempt_sources(exempt: bool, at: datetime, expected: tuple[str, ...]) -> None:
    assert decide([key(None, exempt=exempt)], at, NY, door_activated=True, rules=LOCKED).reasons == expected


def test_exempt_source_still_follows_its_schedule_and_closed_days() -> None:
    rules = DoorRules({date(2026, 12, 25): "closed"}, ((local(2026, 12, 20), None),))
    assert decide([key(WEEKDAYS, exempt=True)], local(2026, 12, 25, 10), NY, door_activated=True, rules=rules).reasons == ("closed_day",)
    assert decide([key(WEEKDAYS, exempt=True)], local(2026, 12, 24, 10), NY, door_activated=True, rules=rules).allowed


def test_the_exempt_source_among_several_opens_the_door() -> None:
    sources = [key(None), key(None, exempt=True)]
    decision = decide(sources, local(2026, 12, 1, 12), NY, door_activated=True, rules=LOCKED)
    assert decision.allowed


def test_no_key_during_a_lockdown_names_both() -> None:
    assert decide([], local(2026, 12, 1, 12), NY, door_activated=True, rules=LOCKED).reasons == ("no_key_for_door", "lockdown")
