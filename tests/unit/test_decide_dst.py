"""Access decisions in local wall time across the 2026 DST switches of America/New_York.

Spring forward: Sun 8 Mar 2026, 02:00 EST -> 03:00 EDT (a 23-hour day).
Fall back: Sun 1 Nov 2026, 02:00 EDT -> 01:00 EST (a 25-hour day; 01:00-01:59 happens twice).
Instants are written as UTC so the tests never lean on Python's same-zone comparison rules;
``local(...)`` builds one from a wall time (``fold=1`` for the second 01:30 of 1 Nov).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from access_core.decide import REASON_ORDER, AccessSource, decide, doorcode_decision, doorcode_source
from access_core.schedule import ScheduleError, canonical_schedule, parse_schedule

NY = ZoneInfo("America/New_York")
ALWAYS_FROM = datetime(2020, 1, 1, tzinfo=UTC)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, *, fold: int = 0) -> datetime:
    """The instant (in UTC) at which New York clocks show this wall time."""
    return datetime(y, mo, d, h, mi, tzinfo=NY, fold=fold).astimezone(UTC)


def open_key(schedule: str | None = None, *, live: bool = True) -> AccessSource:
    return AccessSource("key Test", ALWAYS_FROM, None, parse_schedule(schedule), live)


def reasons(sources: list[AccessSource], at: datetime, **kw: bool) -> tuple[str, ...]:
    return decide(sources, at, NY, door_activated=kw.get("door_activated", True), credential_live=kw.get("credential_live", True)).reasons


# --- schedules read in local wall time on and around the switch days ---------------------------

SWITCH_DAYS = [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9), date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)]
WALL_EDGES = [((5, 59), False), ((6, 0), True), ((21, 59), True), ((22, 0), False)]


@pytest.mark.parametrize("day", SWITCH_DAYS, ids=str)
@pytest.mark.parametrize(("wall", "allowed"), WALL_EDGES, ids=lambda v: f"{v}" if isinstance(v, bool) else f"{v[0]:02d}:{v[1]:02d}")
def test_daily_window_follows_the_wall_clock_across_dst(day: date, wall: tuple[int, int], allowed: bool) -> None:
    at = local(day.year, day.month, day.day, *wall)
    decision = decide([open_key("Mon-Sun 06:00-22:00")], at, NY, door_activated=True)
    assert decision.allowed is allowed
    assert decision.reasons == (() if allowed else ("outside_schedule",))


@pytest.mark.parametrize("offset_form", ["utc", "fixed_offset", "zoneinfo"])
def test_the_instant_is_what_counts_not_the_zone_it_is_written_in(offset_form: str) -> None:
    at = local(2026, 11, 1, 6, 0)  # 06:00 EST = 11:00Z
    written = {"utc": at, "fixed_offset": at.astimezone(timezone(timedelta(hours=-5))), "zoneinfo": at.astimezone(NY)}[offset_form]
    assert decide([open_key("Mon-Sun 06:00-22:00")], written, NY, door_activated=True).allowed
    assert not decide([open_key("Mon-Sun 06:00-22:00")], written - timedelta(minutes=1), NY, door_activated=True).allowed


@pytest.mark.parametrize(
    ("schedule", "at", "allowed"),
    [
        # 1 Nov: 01:30 happens twice, both inside a Sunday 01:00-02:00 window.
        ("Sun 01:00-02:00", local(2026, 11, 1, 1, 30, fold=0), True),
        ("Sun 01:00-02:00", local(2026, 11, 1, 1, 30, fold=1), True),
        ("Sun 01:00-02:00", local(2026, 11, 1, 0, 59), False),
        ("Sun 01:00-02:00", local(2026, 11, 1, 2, 0), False),
        # an overnight Saturday window ends at 02:00 local, after the repeated hour.
        ("Sat 22:00-02:00", local(2026, 11, 1, 1, 59, fold=1), True),
        ("Sat 22:00-02:00", local(2026, 11, 1, 2, 0), False),
        ("Sat 22:00-02:00", local(2026, 10, 31, 21, 59), False),
        ("Sat 22:00-02:00", local(2026, 10, 31, 22, 0), True),
        # 8 Mar: 02:00-02:59 does not exist; one minute after 01:59 EST it is 03:00 EDT.
        ("Sat 22:00-02:00", local(2026, 3, 8, 1, 59), True),
        ("Sat 22:00-02:00", local(2026, 3, 8, 1, 59) + timedelta(minutes=1), False),
        ("Sun 01:00-03:00", local(2026, 3, 8, 1, 59), True),
        ("Sun 01:00-03:00", local(2026, 3, 8, 3, 0), False),
        ("Sun 03:00-04:00", local(2026, 3, 8, 1, 59) + timedelta(minutes=1), True),
        # a Friday overnight window, away from the switches (Fri 13 Nov 2026).
        ("Fri 22:00-02:00", local(2026, 11, 13, 21, 59), False),
        ("Fri 22:00-02:00", local(2026, 11, 13, 22, 0), True),
        ("Fri 22:00-02:00", local(2026, 11, 14, 0, 0), True),
        ("Fri 22:00-02:00", local(2026, 11, 14, 1, 59), True),
        ("Fri 22:00-02:00", local(2026, 11, 14, 2, 0), False),
        ("Fri 22:00-02:00", local(2026, 11, 15, 1, 0), False),
        ("Fri 22:00-02:00", local(2026, 11, 12, 23, 0), False),
        ("Sun 22:00-02:00", local(2026, 11, 16, 1, 0), True),
        ("Mon-Sun 00:00-24:00", local(2026, 11, 1, 1, 30, fold=1), True),
        ("Mon-Fri 09:00-17:00; Sat 10:00-14:00", local(2026, 3, 7, 13, 59), True),
        ("Mon-Fri 09:00-17:00; Sat 10:00-14:00", local(2026, 3, 7, 14, 0), False),
        ("Mon-Fri 09:00-17:00; Sat 10:00-14:00", local(2026, 3, 8, 10, 0), False),
        ("Mon-Fri 09:00-17:00; Sat 10:00-14:00", local(2026, 3, 9, 9, 0), True),
    ],
)
def test_schedule_windows_at_the_switches(schedule: str, at: datetime, allowed: bool) -> None:
    assert decide([open_key(schedule)], at, NY, door_activated=True).allowed is allowed


# --- grant periods: start inclusive, end exclusive, judged as instants ------------------------

SPRING_START = datetime.fromisoformat("2026-03-08T03:00:00-04:00")  # the first EDT minute
FALL_END = datetime(2026, 11, 1, 1, 30, tzinfo=NY)  # the first 01:30 (EDT) = 05:30Z


@pytest.mark.parametrize(
    ("starts", "ends", "at", "expected"),
    [
        (SPRING_START, None, SPRING_START - timedelta(seconds=1), ("grant_not_started",)),
        (SPRING_START, None, SPRING_START, ()),
        (SPRING_START, None, local(2026, 3, 8, 1, 59), ("grant_not_started",)),
        (ALWAYS_FROM, FALL_END, FALL_END.astimezone(UTC) - timedelta(seconds=1), ()),
        (ALWAYS_FROM, FALL_END, FALL_END.astimezone(UTC), ("grant_expired",)),
        (ALWAYS_FROM, FALL_END, local(2026, 11, 1, 1, 15, fold=1), ("grant_expired",)),
        (ALWAYS_FROM, FALL_END, local(2026, 11, 1, 1, 29, fold=0), ()),
        (local(2026, 11, 1, 1, 15, fold=1), None, local(2026, 11, 1, 1, 45, fold=0), ("grant_not_started",)),
        (local(2026, 11, 1, 1, 15, fold=1), None, local(2026, 11, 1, 1, 15, fold=1), ()),
    ],
)
def test_grant_boundaries_are_instants(starts: datetime, ends: datetime | None, at: datetime, expected: tuple[str, ...]) -> None:
    assert reasons([AccessSource("key K", starts, ends)], at) == expected


@pytest.mark.parametrize(
    ("starts", "ends", "at", "expected"),
    [
        # 01:15 EST (fold=1, 06:15Z) is 45 minutes after 01:30 EDT (05:30Z): the grant has ended.
        (ALWAYS_FROM, FALL_END, datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=NY), ("grant_expired",)),
        # 01:45 EDT (05:45Z) is before 01:15 EST (06:15Z): the grant has not started.
        (datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=NY), None, datetime(2026, 11, 1, 1, 45, tzinfo=NY), ("grant_not_started",)),
    ],
    ids=["ends_first_0130_checked_at_second_0115", "starts_second_0115_checked_at_first_0145"],
)
def test_grant_boundaries_written_in_the_property_zone_during_the_repeated_hour(
    starts: datetime, ends: datetime | None, at: datetime, expected: tuple[str, ...]
) -> None:
    assert reasons([AccessSource("key K", starts, ends)], at) == expected


# --- every reason code, their combinations and their order ----------------------------------

NOON = local(2026, 11, 18, 12, 0)  # a Wednesday
LATER = NOON + timedelta(days=1)
EARLIER = NOON - timedelta(days=1)
NIGHT_ONLY = "Mon-Sun 22:00-06:00"


@pytest.mark.parametrize(
    ("sources", "door_activated", "credential_live", "expected"),
    [
        ([], True, True, ("no_key_for_door",)),
        ([], False, True, ("no_key_for_door", "door_not_activated")),
        ([], True, False, ("no_key_for_door", "credential_inactive")),
        ([], False, False, ("no_key_for_door", "door_not_activated", "credential_inactive")),
        ([AccessSource("k", LATER, None)], True, True, ("grant_not_started",)),
        ([AccessSource("k", ALWAYS_FROM, EARLIER)], True, True, ("grant_expired",)),
        ([AccessSource("k", ALWAYS_FROM, NOON)], True, True, ("grant_expired",)),
        ([AccessSource("k", NOON, None)], True, True, ()),
        ([open_key(NIGHT_ONLY)], True, True, ("outside_schedule",)),
        ([open_key()], False, True, ("door_not_activated",)),
        ([open_key(NIGHT_ONLY)], False, True, ("outside_schedule", "door_not_activated")),
        ([open_key(live=False)], True, True, ("credential_inactive",)),
        ([open_key()], True, False, ("credential_inactive",)),
        ([open_key(live=False)], True, False, ("credential_inactive",)),
        ([AccessSource("k", ALWAYS_FROM, EARLIER, parse_schedule(NIGHT_ONLY))], True, True, ("grant_expired", "outside_schedule")),
        (
            [AccessSource("k", LATER, None, parse_schedule(NIGHT_ONLY), False)],
            False,
            True,
            ("grant_not_started", "outside_schedule", "door_not_activated", "credential_inactive"),
        ),
        (
            [AccessSource("k", ALWAYS_FROM, EARLIER, None, False)],
            False,
            False,
            ("grant_expired", "door_not_activated", "credential_inactive"),
        ),
        # several sources: any passing one opens; otherwise the closest one explains.
        ([AccessSource("old", ALWAYS_FROM, EARLIER), open_key()], True, True, ()),
        (
            [AccessSource("old", ALWAYS_FROM, EARLIER), AccessSource("new", LATER, None, parse_schedule(NIGHT_ONLY))],
            True,
            True,
            ("grant_expired",),
        ),
        (
            [AccessSource("new", LATER, None, parse_schedule(NIGHT_ONLY)), open_key(NIGHT_ONLY)],
            False,
            True,
            ("outside_schedule", "door_not_activated"),
        ),
    ],
)
def test_reason_codes_and_their_order(
    sources: list[AccessSource], door_activated: bool, credential_live: bool, expected: tuple[str, ...]
) -> None:
    decision = decide(sources, NOON, NY, door_activated=door_activated, credential_live=credential_live)
    assert decision.reasons == expected
    assert decision.allowed is (expected == ())
    assert list(decision.reasons) == sorted(decision.reasons, key=REASON_ORDER.index)
    assert decision.as_json() == {"allowed": expected == (), "reasons": list(expected)}


def test_the_source_that_opened_is_named() -> None:
    decision = decide(
        [AccessSource("key Old", ALWAYS_FROM, EARLIER), AccessSource("key New", EARLIER, None)], NOON, NY, door_activated=True
    )
    assert decision.allowed and decision.via == "key New"


# --- daily doorcodes: one local calendar day, 23 or 25 hours long at the switches -------------


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2026, 11, 1), local(2026, 11, 1, 0, 0), ()),
        (date(2026, 11, 1), local(2026, 11, 1, 1, 30, fold=1), ()),
        (date(2026, 11, 1), local(2026, 11, 1, 23, 59), ()),
        (date(2026, 11, 1), local(2026, 11, 2, 0, 0), ("credential_inactive",)),
        (date(2026, 11, 1), local(2026, 10, 31, 23, 59), ("credential_inactive",)),
        (date(2026, 3, 8), local(2026, 3, 8, 0, 0), ()),
        (date(2026, 3, 8), local(2026, 3, 8, 23, 59), ()),
        (date(2026, 3, 8), local(2026, 3, 9, 0, 0), ("credential_inactive",)),
        (date(2026, 3, 8), local(2026, 3, 7, 23, 59), ("credential_inactive",)),
    ],
)
def test_doorcode_is_valid_for_its_local_day_only(day: date, at: datetime, expected: tuple[str, ...]) -> None:
    source = doorcode_source("code 481516", day, NY, None, True)
    assert source.ends_at is not None
    hours = (source.ends_at.astimezone(UTC) - source.starts_at.astimezone(UTC)).total_seconds() / 3600
    assert hours == {date(2026, 11, 1): 25, date(2026, 3, 8): 23}[day]
    assert doorcode_decision(source, at, NY, door_activated=True).reasons == expected


@pytest.mark.parametrize(
    ("schedule", "live", "at", "door_activated", "expected"),
    [
        ("Mon-Sun 06:00-22:00", True, local(2026, 12, 2, 21, 59), True, ()),
        ("Mon-Sun 06:00-22:00", True, local(2026, 12, 2, 22, 0), True, ("outside_schedule",)),
        ("Mon-Sun 06:00-22:00", True, local(2026, 12, 3, 23, 0), True, ("outside_schedule", "credential_inactive")),
        ("Mon-Sun 06:00-22:00", True, local(2026, 12, 3, 12, 0), True, ("credential_inactive",)),
        (None, False, local(2026, 12, 2, 12, 0), True, ("credential_inactive",)),
        (None, True, local(2026, 12, 2, 12, 0), False, ("door_not_activated",)),
        (None, True, local(2026, 12, 3, 12, 0), False, ("door_not_activated", "credential_inactive")),
    ],
)
def test_doorcode_reasons(schedule: str | None, live: bool, at: datetime, door_activated: bool, expected: tuple[str, ...]) -> None:
    source = doorcode_source("code 1234", date(2026, 12, 2), NY, parse_schedule(schedule), live)
    assert doorcode_decision(source, at, NY, door_activated=door_activated).reasons == expected


def test_an_unknown_doorcode_opens_nothing() -> None:
    assert doorcode_decision(None, NOON, NY, door_activated=True).reasons == ("no_key_for_door",)


# --- schedule texts: canonical round trips and errors --------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Mon-Fri 09:00-17:00; Sat 10:00-14:00", "Mon-Fri 09:00-17:00; Sat 10:00-14:00"),
        ("Sat 10:00-14:00; Mon-Fri 09:00-17:00", "Mon-Fri 09:00-17:00; Sat 10:00-14:00"),
        ("mon-fri 9:00-17:00", "Mon-Fri 09:00-17:00"),
        ("MON-FRI 09:00 - 17:00", "Mon-Fri 09:00-17:00"),
        ("Mon-Sun 06:00-22:00", "Mon-Sun 06:00-22:00"),
        ("Mon,Tue,Wed,Thu,Fri,Sat,Sun 06:00-22:00", "Mon-Sun 06:00-22:00"),
        ("Mon 09:00-17:00; Tue 09:00-17:00", "Mon-Tue 09:00-17:00"),
        ("Mon, Wed, Fri 08:00-12:00", "Mon 08:00-12:00; Wed 08:00-12:00; Fri 08:00-12:00"),
        ("Fri-Mon 10:00-12:00", "Mon 10:00-12:00; Fri-Sun 10:00-12:00"),
        ("Fri 22:00-02:00", "Fri 22:00-02:00"),
        ("Mon-Sun 00:00-24:00", "Mon-Sun 00:00-24:00"),
        ("Mon-Fri 09:00-12:00; Mon-Fri 13:00-17:00", "Mon-Fri 09:00-12:00; Mon-Fri 13:00-17:00"),
        ("Mon-Fri 09:00-17:00;", "Mon-Fri 09:00-17:00"),
        (None, None),
        ("", None),
        ("always", None),
        ("24/7", None),
    ],
)
def test_schedule_canonical_round_trip(text: str | None, canonical: str | None) -> None:
    assert canonical_schedule(text) == canonical
    assert canonical_schedule(canonical) == canonical
    if canonical is not None:
        schedule = parse_schedule(text)
        assert schedule is not None and parse_schedule(canonical) == schedule


@pytest.mark.parametrize(
    "text",
    [
        "Mon-Fri",
        "09:00-17:00",
        "Mon-Fri 9am-5pm",
        "Mon-Fri 09:00-25:00",
        "Mon 09:60-10:00",
        "Mon 10:00-10:00",
        "Mon 24:00-02:00",
        "Xyz 09:00-10:00",
        "Monday 09:00-10:00",
        "Mon-Fri 09:00-17:00; Sat",
        ";",
        "Mon-Fri 0900-1700",
    ],
)
def test_schedule_errors(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(text)
