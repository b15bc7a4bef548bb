"""Time expressions of chat messages: exact values in the property's zone.

Reference clock: Tuesday 2026-12-01 10:00 in America/New_York unless a row says otherwise.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from access_core.schedule import canonical_schedule
from nlu import timeexpr
from nlu.timecalendar import Clock
from nlu.timeexpr import TimeMatch, find_schedule, find_times, parse_when
from nlu.timefallback import fallback_times
from nlu.timeresolve import Resolved

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=NY)
F, P = "future", "past"
Row = tuple[str, str, str, str | None, str | None]
"""A message, the preference, and the expected kind, start and end."""


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _seen(match: TimeMatch | None) -> tuple[str, str | None, str | None] | None:
    return None if match is None else (match.kind, _iso(match.starts_at), _iso(match.ends_at))


POINTS_AND_DAYS: list[Row] = [
    ("now", F, "point", "2026-12-01T10:00:00-05:00", None),
    ("right now", F, "point", "2026-12-01T10:00:00-05:00", None),
    ("open it rn pls", F, "point", "2026-12-01T10:00:00-05:00", None),
    ("today", F, "day", "2026-12-01T00:00:00-05:00", "2026-12-02T00:00:00-05:00"),
    ("tonight", F, "range", "2026-12-01T18:00:00-05:00", "2026-12-02T06:00:00-05:00"),
    ("tonite", F, "range", "2026-12-01T18:00:00-05:00", "2026-12-02T06:00:00-05:00"),
    ("tomorrow", F, "day", "2026-12-02T00:00:00-05:00", "2026-12-03T00:00:00-05:00"),
    ("tmrw", F, "day", "2026-12-02T00:00:00-05:00", "2026-12-03T00:00:00-05:00"),
    ("can u come tmr", F, "day", "2026-12-02T00:00:00-05:00", "2026-12-03T00:00:00-05:00"),
    ("2moro", F, "day", "2026-12-02T00:00:00-05:00", "2026-12-03T00:00:00-05:00"),
    ("tommorow", F, "day", "2026-12-02T00:00:00-05:00", "2026-12-03T00:00:00-05:00"),
    ("yesterday", P, "day", "2026-11-30T00:00:00-05:00", "2026-12-01T00:00:00-05:00"),
    ("yesterday", F, "day", "2026-11-30T00:00:00-05:00", "2026-12-01T00:00:00-05:00"),
    ("the day after tomorrow", F, "day", "2026-12-03T00:00:00-05:00", "2026-12-04T00:00:00-05:00"),
    ("last night", P, "range", "2026-11-30T18:00:00-05:00", "2026-12-01T06:00:00-05:00"),
    ("11:30 last night", P, "point", "2026-11-30T23:30:00-05:00", None),
    ("at 11:30 last night", P, "point", "2026-11-30T23:30:00-05:00", None),
    ("this morning", P, "range", "2026-12-01T06:00:00-05:00", "2026-12-01T12:00:00-05:00"),
    ("yesterday afternoon", P, "range", "2026-11-30T12:00:00-05:00", "2026-11-30T17:00:00-05:00"),
    ("Monday", F, "day", "2026-12-07T00:00:00-05:00", "2026-12-08T00:00:00-05:00"),
    ("Monday", P, "day", "2026-11-30T00:00:00-05:00", "2026-12-01T00:00:00-05:00"),
    ("Saturday", F, "day", "2026-12-05T00:00:00-05:00", "2026-12-06T00:00:00-05:00"),
    ("Tuesday", F, "day", "2026-12-01T00:00:00-05:00", "2026-12-02T00:00:00-05:00"),
    ("Tuesday", P, "day", "2026-11-24T00:00:00-05:00", "2026-11-25T00:00:00-05:00"),
    ("next Friday", F, "day", "2026-12-04T00:00:00-05:00", "2026-12-05T00:00:00-05:00"),
    ("next Tuesday", F, "day", "2026-12-08T00:00:00-05:00", "2026-12-09T00:00:00-05:00"),
    ("last Tuesday", P, "day", "2026-11-24T00:00:00-05:00", "2026-11-25T00:00:00-05:00"),
    ("Friday next week", F, "day", "2026-12-11T00:00:00-05:00", "2026-12-12T00:00:00-05:00"),
    ("Monday last week", P, "day", "2026-11-23T00:00:00-05:00", "2026-11-24T00:00:00-05:00"),
    ("Jan 1", F, "day", "2027-01-01T00:00:00-05:00", "2027-01-02T00:00:00-05:00"),
    ("January 1st", F, "day", "2027-01-01T00:00:00-05:00", "2027-01-02T00:00:00-05:00"),
    ("1/15", F, "day", "2027-01-15T00:00:00-05:00", "2027-01-16T00:00:00-05:00"),
    ("12/31/2026", F, "day", "2026-12-31T00:00:00-05:00", "2027-01-01T00:00:00-05:00"),
    ("2027-01-01", F, "day", "2027-01-01T00:00:00-05:00", "2027-01-02T00:00:00-05:00"),
    ("on 2026.11.20", P, "day", "2026-11-20T00:00:00-05:00", "2026-11-21T00:00:00-05:00"),
    ("Dec 1", P, "day", "2026-12-01T00:00:00-05:00", "2026-12-02T00:00:00-05:00"),
    ("Nov 15", F, "day", "2027-11-15T00:00:00-05:00", "2027-11-16T00:00:00-05:00"),
    ("Nov 15", P, "day", "2026-11-15T00:00:00-05:00", "2026-11-16T00:00:00-05:00"),
    ("March 3rd", F, "day", "2027-03-03T00:00:00-05:00", "2027-03-04T00:00:00-05:00"),
    ("5th of December", F, "day", "2026-12-05T00:00:00-05:00", "2026-12-06T00:00:00-05:00"),
    ("Dec 31st, 2026", F, "day", "2026-12-31T00:00:00-05:00", "2027-01-01T00:00:00-05:00"),
    ("the 5th", F, "day", "2026-12-05T00:00:00-05:00", "2026-12-06T00:00:00-05:00"),
    ("the 5th", P, "day", "2026-11-05T00:00:00-05:00", "2026-11-06T00:00:00-05:00"),
    ("the 3rd of next month", F, "day", "2027-01-03T00:00:00-05:00", "2027-01-04T00:00:00-05:00"),
    ("Dec 5 at 3pm", F, "point", "2026-12-05T15:00:00-05:00", None),
    ("let my mom in on the 24th at 2pm", F, "point", "2026-12-24T14:00:00-05:00", None),
    ("Mon 12/7 at 9", F, "point", "2026-12-07T09:00:00-05:00", None),
    ("Friday, December 4th at 5 PM", F, "point", "2026-12-04T17:00:00-05:00", None),
    ("2027-01-01T09:00:00-05:00", F, "point", "2027-01-01T09:00:00-05:00", None),
    ("in 2 hours", F, "point", "2026-12-01T12:00:00-05:00", None),
    ("in 30 mins", F, "point", "2026-12-01T10:30:00-05:00", None),
    ("in half an hour", F, "point", "2026-12-01T10:30:00-05:00", None),
    ("in 3 days", F, "day", "2026-12-04T00:00:00-05:00", "2026-12-05T00:00:00-05:00"),
    ("a week from today", F, "day", "2026-12-08T00:00:00-05:00", "2026-12-09T00:00:00-05:00"),
    ("2 hours ago", P, "point", "2026-12-01T08:00:00-05:00", None),
    ("3 days ago", P, "day", "2026-11-28T00:00:00-05:00", "2026-11-29T00:00:00-05:00"),
    ("end of the month", F, "day", "2026-12-31T00:00:00-05:00", "2027-01-01T00:00:00-05:00"),
    ("noon tomorrow", F, "point", "2026-12-02T12:00:00-05:00", None),
    ("tomorrow at 9", F, "point", "2026-12-02T09:00:00-05:00", None),
    ("can you let in the plumber at noon tmr", F, "point", "2026-12-02T12:00:00-05:00", None),
    ("at 3", F, "point", "2026-12-01T15:00:00-05:00", None),
    ("at 9", F, "point", "2026-12-02T09:00:00-05:00", None),
    ("at 8am", P, "point", "2026-12-01T08:00:00-05:00", None),
    ("at 11:30", P, "point", "2026-11-30T23:30:00-05:00", None),
    ("at 3pm", P, "point", "2026-11-30T15:00:00-05:00", None),
    ("midnight", F, "point", "2026-12-02T00:00:00-05:00", None),
    ("half past 3", F, "point", "2026-12-01T15:30:00-05:00", None),
    ("quarter to 5", F, "point", "2026-12-01T16:45:00-05:00", None),
    ("10.30pm", F, "point", "2026-12-01T22:30:00-05:00", None),
    ("next tue at 10am", F, "point", "2026-12-08T10:00:00-05:00", None),
    ("Tuesday at 9am", F, "point", "2026-12-08T09:00:00-05:00", None),
    ("Tuesday at 11am", F, "point", "2026-12-01T11:00:00-05:00", None),
    ("Tuesday at 9am", P, "point", "2026-12-01T09:00:00-05:00", None),
    ("tomorrow morning", F, "range", "2026-12-02T06:00:00-05:00", "2026-12-02T12:00:00-05:00"),
    ("Friday night", F, "range", "2026-12-04T18:00:00-05:00", "2026-12-05T06:00:00-05:00"),
    ("tomorrow night at 8", F, "point", "2026-12-02T20:00:00-05:00", None),
    ("8pm tomorrow night", F, "point", "2026-12-02T20:00:00-05:00", None),
    ("at 7 in the evening", F, "point", "2026-12-01T19:00:00-05:00", None),
    ("last week", P, "day", "2026-11-23T00:00:00-05:00", "2026-11-30T00:00:00-05:00"),
    ("this month", F, "day", "2026-12-01T00:00:00-05:00", "2027-01-01T00:00:00-05:00"),
    ("next month", F, "day", "2027-01-01T00:00:00-05:00", "2027-02-01T00:00:00-05:00"),
    ("in march", F, "day", "2027-03-01T00:00:00-05:00", "2027-04-01T00:00:00-04:00"),
    ("pls let my sister in sat morning around 10", F, "point", "2026-12-05T10:00:00-05:00", None),
    ("what happened on 11/28", P, "day", "2026-11-28T00:00:00-05:00", "2026-11-29T00:00:00-05:00"),
]

RANGES: list[Row] = [
    ("from Jan 1 to Dec 31", F, "range", "2027-01-01T00:00:00-05:00", "2028-01-01T00:00:00-05:00"),
    ("from Jan 1 until March", F, "range", "2027-01-01T00:00:00-05:00", "2027-04-01T00:00:00-04:00"),
    ("from Jan 1 until March 31", F, "range", "2027-01-01T00:00:00-05:00", "2027-04-01T00:00:00-04:00"),
    ("Jan 1 - Jan 31", F, "range", "2027-01-01T00:00:00-05:00", "2027-02-01T00:00:00-05:00"),
    ("Jan 1 through Jan 31", F, "range", "2027-01-01T00:00:00-05:00", "2027-02-01T00:00:00-05:00"),
    ("dec 20 - jan 3", F, "range", "2026-12-20T00:00:00-05:00", "2027-01-04T00:00:00-05:00"),
    ("starting 12/15 through 1/15", F, "range", "2026-12-15T00:00:00-05:00", "2027-01-16T00:00:00-05:00"),
    ("march 15-20", F, "day", "2027-03-15T00:00:00-04:00", "2027-03-21T00:00:00-04:00"),
    ("tomorrow 2-4pm", F, "range", "2026-12-02T14:00:00-05:00", "2026-12-02T16:00:00-05:00"),
    ("tomorrow from 2 to 4", F, "range", "2026-12-02T14:00:00-05:00", "2026-12-02T16:00:00-05:00"),
    ("Saturday 6 to 8pm", F, "range", "2026-12-05T18:00:00-05:00", "2026-12-05T20:00:00-05:00"),
    ("saturday 6-9pm for 12 people", F, "range", "2026-12-05T18:00:00-05:00", "2026-12-05T21:00:00-05:00"),
    ("friday between 1 and 4", F, "range", "2026-12-04T13:00:00-05:00", "2026-12-04T16:00:00-05:00"),
    ("tmrw between 9 and 11", F, "range", "2026-12-02T09:00:00-05:00", "2026-12-02T11:00:00-05:00"),
    ("9 to 5 tomorrow", F, "range", "2026-12-02T09:00:00-05:00", "2026-12-02T17:00:00-05:00"),
    ("5-7 tomorrow", F, "range", "2026-12-02T17:00:00-05:00", "2026-12-02T19:00:00-05:00"),
    ("Saturday 9 to 10", F, "range", "2026-12-05T09:00:00-05:00", "2026-12-05T10:00:00-05:00"),
    ("Saturday 11 to 2pm", F, "range", "2026-12-05T11:00:00-05:00", "2026-12-05T14:00:00-05:00"),
    ("Saturday 10pm to 2", F, "range", "2026-12-05T22:00:00-05:00", "2026-12-06T02:00:00-05:00"),
    ("tonight 7-10", F, "range", "2026-12-01T19:00:00-05:00", "2026-12-01T22:00:00-05:00"),
    ("noon to 3", F, "range", "2026-12-01T12:00:00-05:00", "2026-12-01T15:00:00-05:00"),
    ("from 8:00 to 17:30", F, "range", "2026-12-02T08:00:00-05:00", "2026-12-02T17:30:00-05:00"),
    ("from 9am tomorrow to 5pm friday", F, "range", "2026-12-02T09:00:00-05:00", "2026-12-04T17:00:00-05:00"),
    ("between 1 and 4", P, "range", "2026-11-30T13:00:00-05:00", "2026-11-30T16:00:00-05:00"),
    ("this weekend", F, "day", "2026-12-05T00:00:00-05:00", "2026-12-07T00:00:00-05:00"),
    ("next weekend", F, "day", "2026-12-05T00:00:00-05:00", "2026-12-07T00:00:00-05:00"),
    ("last weekend", P, "day", "2026-11-28T00:00:00-05:00", "2026-11-30T00:00:00-05:00"),
    ("next week", F, "day", "2026-12-07T00:00:00-05:00", "2026-12-14T00:00:00-05:00"),
    ("for the next 3 days", F, "range", "2026-12-01T10:00:00-05:00", "2026-12-04T10:00:00-05:00"),
    ("for 2 weeks", F, "range", "2026-12-01T10:00:00-05:00", "2026-12-15T10:00:00-05:00"),
    ("for a month", F, "range", "2026-12-01T10:00:00-05:00", "2027-01-01T10:00:00-05:00"),
    ("tomorrow at 2pm for 2 hours", F, "range", "2026-12-02T14:00:00-05:00", "2026-12-02T16:00:00-05:00"),
    (
        "starting tomorrow at 9am for 3 days",
        F,
        "range",
        "2026-12-02T09:00:00-05:00",
        "2026-12-05T09:00:00-05:00",
    ),
    ("for 2 weeks starting Monday", F, "range", "2026-12-07T00:00:00-05:00", "2026-12-21T00:00:00-05:00"),
    ("from Monday for 2 weeks", F, "range", "2026-12-07T00:00:00-05:00", "2026-12-21T00:00:00-05:00"),
    ("one week starting next monday", F, "range", "2026-12-07T00:00:00-05:00", "2026-12-14T00:00:00-05:00"),
    ("from now until Friday", F, "range", "2026-12-01T10:00:00-05:00", "2026-12-05T00:00:00-05:00"),
    ("in the past 24 hours", P, "range", "2026-11-30T10:00:00-05:00", "2026-12-01T10:00:00-05:00"),
    ("last 3 days", P, "range", "2026-11-28T10:00:00-05:00", "2026-12-01T10:00:00-05:00"),
    ("tomorrow 9am-5pm", F, "range", "2026-12-02T09:00:00-05:00", "2026-12-02T17:00:00-05:00"),
    ("6a-10p", F, "range", "2026-12-02T06:00:00-05:00", "2026-12-02T22:00:00-05:00"),
    ("we're away 12/24-12/31", F, "range", "2026-12-24T00:00:00-05:00", "2027-01-01T00:00:00-05:00"),
    (
        "reserve the gym for 1 hour at 6pm",
        F,
        "range",
        "2026-12-01T18:00:00-05:00",
        "2026-12-01T19:00:00-05:00",
    ),
    (
        "the gym at 6pm please, for 1 hour",
        F,
        "range",
        "2026-12-01T18:00:00-05:00",
        "2026-12-01T19:00:00-05:00",
    ),
    ("10pm to 2am tomorrow", F, "range", "2026-12-01T22:00:00-05:00", "2026-12-02T02:00:00-05:00"),
    ("3pm through 3pm tmrw", F, "range", "2026-12-01T15:00:00-05:00", "2026-12-02T15:00:00-05:00"),
    ("from Monday until now", P, "range", "2026-11-30T00:00:00-05:00", "2026-12-01T10:00:00-05:00"),
    ("from Monday until now", F, "range", "2026-11-30T00:00:00-05:00", "2026-12-01T10:00:00-05:00"),
    ("this sat from 2-5", F, "range", "2026-12-05T14:00:00-05:00", "2026-12-05T17:00:00-05:00"),
    ("on the 12th 7-11pm", F, "range", "2026-12-12T19:00:00-05:00", "2026-12-12T23:00:00-05:00"),
    ("from the 20th to the 27th", F, "range", "2026-12-20T00:00:00-05:00", "2026-12-28T00:00:00-05:00"),
]

STARTS_AND_ENDS: list[Row] = [
    ("from Jan 1", F, "start", "2027-01-01T00:00:00-05:00", None),
    ("Give Priya the key Resident 3A from Jan 1", F, "start", "2027-01-01T00:00:00-05:00", None),
    ("starting Monday", F, "start", "2026-12-07T00:00:00-05:00", None),
    ("beginning next month", F, "start", "2027-01-01T00:00:00-05:00", None),
    ("as of today", F, "start", "2026-12-01T00:00:00-05:00", None),
    ("from now on", F, "start", "2026-12-01T10:00:00-05:00", None),
    ("effective immediately", F, "start", "2026-12-01T10:00:00-05:00", None),
    ("since Monday", P, "start", "2026-11-30T00:00:00-05:00", None),
    ("after Friday", F, "start", "2026-12-05T00:00:00-05:00", None),
    ("after 5pm", F, "start", "2026-12-01T17:00:00-05:00", None),
    ("until Dec 31", F, "end", None, "2027-01-01T00:00:00-05:00"),
    ("until Oct 31 next year", F, "end", None, "2027-11-01T00:00:00-04:00"),
    ("until 31 Oct next year", F, "end", None, "2027-11-01T00:00:00-04:00"),
    ("from June 5 next year", F, "start", "2027-06-05T00:00:00-04:00", None),
    ("from 5 June next year", F, "start", "2027-06-05T00:00:00-04:00", None),
    ("until March next year", F, "end", None, "2027-04-01T00:00:00-04:00"),
    ("since Oct 31 last year", P, "start", "2025-10-31T00:00:00-04:00", None),
    ("till friday", F, "end", None, "2026-12-05T00:00:00-05:00"),
    ("thru dec 15", F, "end", None, "2026-12-16T00:00:00-05:00"),
    ("through Dec 15", F, "end", None, "2026-12-16T00:00:00-05:00"),
    ("until the end of December", F, "end", None, "2027-01-01T00:00:00-05:00"),
    ("until end of year", F, "end", None, "2027-01-01T00:00:00-05:00"),
    ("until March", F, "end", None, "2027-04-01T00:00:00-04:00"),
    ("until 5pm", F, "end", None, "2026-12-01T17:00:00-05:00"),
    ("until 9am", F, "end", None, "2026-12-02T09:00:00-05:00"),
    ("till 5", F, "end", None, "2026-12-01T17:00:00-05:00"),
    ("until midnight", F, "end", None, "2026-12-02T00:00:00-05:00"),
    ("by Friday", F, "end", None, "2026-12-05T00:00:00-05:00"),
    ("by eod", F, "end", None, "2026-12-02T00:00:00-05:00"),
    ("before Friday", F, "end", None, "2026-12-04T00:00:00-05:00"),
    ("until next Friday", F, "end", None, "2026-12-05T00:00:00-05:00"),
    ("valid till 31 Dec 2026", F, "end", None, "2027-01-01T00:00:00-05:00"),
    ("the lease ends 6/30/2027", F, "end", None, "2027-07-01T00:00:00-04:00"),
    (
        "from Jan 1 for the tenant, until March 31",
        F,
        "range",
        "2027-01-01T00:00:00-05:00",
        "2027-04-01T00:00:00-04:00",
    ),
    ("tomorrow, can you book it at 3pm", F, "point", "2026-12-02T15:00:00-05:00", None),
    ("since 8", P, "start", "2026-12-01T08:00:00-05:00", None),
    ("expires Dec 31", F, "end", None, "2027-01-01T00:00:00-05:00"),
    ("add jane@acme.com to Gym Access thru 3/31", F, "end", None, "2027-04-01T00:00:00-04:00"),
    ("until the 15th", F, "end", None, "2026-12-16T00:00:00-05:00"),
]


@pytest.mark.parametrize(("text", "prefer", "kind", "starts", "ends"), POINTS_AND_DAYS + RANGES + STARTS_AND_ENDS)
def test_parse_when(text: str, prefer: str, kind: str, starts: str | None, ends: str | None) -> None:
    assert _seen(parse_when(text, NOW, NY, prefer)) == (kind, starts, ends)


AROUND_DST = [
    ("2026-03-07T10:00:00-05:00", NY, "tomorrow 9am", F, "point", "2026-03-08T09:00:00-04:00", None),
    (
        "2026-03-07T10:00:00-05:00",
        NY,
        "tomorrow",
        F,
        "day",
        "2026-03-08T00:00:00-05:00",
        "2026-03-09T00:00:00-04:00",
    ),
    ("2026-03-07T10:00:00-05:00", NY, "tomorrow at 2:30am", F, "point", "2026-03-08T03:30:00-04:00", None),
    (
        "2026-03-07T10:00:00-05:00",
        NY,
        "for 3 days",
        F,
        "range",
        "2026-03-07T10:00:00-05:00",
        "2026-03-10T10:00:00-04:00",
    ),
    (
        "2026-03-07T10:00:00-05:00",
        NY,
        "for 24 hours",
        F,
        "range",
        "2026-03-07T10:00:00-05:00",
        "2026-03-08T11:00:00-04:00",
    ),
    (
        "2026-03-07T10:00:00-05:00",
        NY,
        "tomorrow at 1am for 2 hours",
        F,
        "range",
        "2026-03-08T01:00:00-05:00",
        "2026-03-08T04:00:00-04:00",
    ),
    (
        "2026-03-07T10:00:00-05:00",
        NY,
        "in 3 days",
        F,
        "day",
        "2026-03-10T00:00:00-04:00",
        "2026-03-11T00:00:00-04:00",
    ),
    (
        "2026-03-04T10:00:00-05:00",
        NY,
        "this weekend",
        F,
        "day",
        "2026-03-07T00:00:00-05:00",
        "2026-03-09T00:00:00-04:00",
    ),
    ("2026-03-08T03:30:00-04:00", NY, "2 hours ago", P, "point", "2026-03-08T00:30:00-05:00", None),
    (
        "2026-03-08T12:00:00-04:00",
        NY,
        "yesterday",
        P,
        "day",
        "2026-03-07T00:00:00-05:00",
        "2026-03-08T00:00:00-05:00",
    ),
    ("2026-10-28T10:00:00-04:00", NY, "until Nov 1", F, "end", None, "2026-11-02T00:00:00-05:00"),
    (
        "2026-10-28T10:00:00-04:00",
        NY,
        "this weekend",
        F,
        "day",
        "2026-10-31T00:00:00-04:00",
        "2026-11-02T00:00:00-05:00",
    ),
    ("2026-10-31T10:00:00-04:00", NY, "tomorrow at 1:30am", F, "point", "2026-11-01T01:30:00-04:00", None),
    (
        "2026-10-31T10:00:00-04:00",
        NY,
        "tomorrow",
        F,
        "day",
        "2026-11-01T00:00:00-04:00",
        "2026-11-02T00:00:00-05:00",
    ),
    (
        "2027-03-13T10:00:00-05:00",
        NY,
        "tomorrow",
        F,
        "day",
        "2027-03-14T00:00:00-05:00",
        "2027-03-15T00:00:00-04:00",
    ),
    (
        "2027-03-12T10:00:00-05:00",
        NY,
        "Sunday 2-4pm",
        F,
        "range",
        "2027-03-14T14:00:00-04:00",
        "2027-03-14T16:00:00-04:00",
    ),
    ("2027-11-06T10:00:00-04:00", NY, "tomorrow night at 11", F, "point", "2027-11-07T23:00:00-05:00", None),
    ("2027-11-06T10:00:00-04:00", NY, "until Nov 7", F, "end", None, "2027-11-08T00:00:00-05:00"),
    (
        "2026-12-01T15:00:00+00:00",
        NY,
        "tomorrow",
        F,
        "day",
        "2026-12-02T00:00:00-05:00",
        "2026-12-03T00:00:00-05:00",
    ),
    ("2026-03-28T10:00:00+00:00", LONDON, "tomorrow 9am", F, "point", "2026-03-29T09:00:00+01:00", None),
    (
        "2026-03-28T10:00:00+00:00",
        LONDON,
        "in 2 days",
        F,
        "day",
        "2026-03-30T00:00:00+01:00",
        "2026-03-31T00:00:00+01:00",
    ),
    (
        "2026-10-24T10:00:00+01:00",
        LONDON,
        "this weekend",
        F,
        "day",
        "2026-10-24T00:00:00+01:00",
        "2026-10-26T00:00:00+00:00",
    ),
    ("2026-12-01T10:00:00+00:00", LONDON, "from Jan 1", F, "start", "2027-01-01T00:00:00+00:00", None),
    ("2026-10-31T12:00:00-07:00", LA, "tomorrow at noon", F, "point", "2026-11-01T12:00:00-08:00", None),
    (
        "2026-10-31T12:00:00-07:00",
        LA,
        "from today until Monday",
        F,
        "range",
        "2026-10-31T00:00:00-07:00",
        "2026-11-03T00:00:00-08:00",
    ),
    (
        "2026-11-01T09:00:00-08:00",
        LA,
        "last night",
        P,
        "range",
        "2026-10-31T18:00:00-07:00",
        "2026-11-01T06:00:00-08:00",
    ),
]


@pytest.mark.parametrize(("now", "tz", "text", "prefer", "kind", "starts", "ends"), AROUND_DST)
def test_parse_when_around_dst(now: str, tz: ZoneInfo, text: str, prefer: str, kind: str, starts: str | None, ends: str | None) -> None:
    assert _seen(parse_when(text, datetime.fromisoformat(now), tz, prefer)) == (kind, starts, ends)


def test_find_times_lists_each_expression_with_its_span() -> None:
    text = "from Jan 1 for the tenant, until March 31"
    found = find_times(text, NOW, NY)
    assert [(m.text, m.kind) for m in found] == [("from Jan 1", "start"), ("until March 31", "end")]
    assert [text[m.start : m.end] for m in found] == ["from Jan 1", "until March 31"]


def test_spans_are_offsets_into_the_original_text() -> None:
    text = "Café 4B: İstanbul crew — arrive tomorrow at 9am"
    (match,) = find_times(text, NOW, NY)
    assert match.text == text[match.start : match.end] == "tomorrow at 9am"


NOT_TIMES = [
    "unit 4B",
    "unit 3A needs a new key",
    "apartment 12",
    "apartment 12 please",
    "Resident 3A",
    "call +1 718 555 0142",
    "my phone is (718) 555-0142",
    "my phone is 718-555-0142",
    "email bob.2026@example.com",
    "issue keycard KC-00017",
    "keycard KC-17",
    "the code is 481516",
    "it costs $25",
    "2 guests",
    "2 to 3 guests",
    "I have 2 to 3 questions",
    "the 3rd floor",
    "may I come in",
    "I may be late",
    "I sat down",
    "good morning",
    "until the end of the lease",
    "access until further notice",
    "version 1.2.3",
    "hello, who has access to the gym?",
]


@pytest.mark.parametrize("text", NOT_TIMES)
def test_things_that_are_not_times(text: str) -> None:
    assert find_times(text, NOW, NY) == []
    assert parse_when(text, NOW, NY, "past") is None


def test_unit_numbers_around_a_date_are_not_hours() -> None:
    assert [m.text for m in find_times("apartment 12 tomorrow", NOW, NY)] == ["tomorrow"]


SCHEDULES = [
    ("weekdays 5am to 11pm, weekends 7 to 9pm", "Mon-Fri 05:00-23:00; Sat-Sun 07:00-21:00"),
    ("every day 9 to 5", "Mon-Sun 09:00-17:00"),
    ("9am to 5pm every day", "Mon-Sun 09:00-17:00"),
    ("mon-fri 9-5", "Mon-Fri 09:00-17:00"),
    ("Monday through Friday 8am-6pm", "Mon-Fri 08:00-18:00"),
    ("weekdays only 9 to 6", "Mon-Fri 09:00-18:00"),
    ("business hours", "Mon-Fri 09:00-17:00"),
    ("Mon, Wed and Fri 7am-noon", "Mon 07:00-12:00; Wed 07:00-12:00; Fri 07:00-12:00"),
    ("daily 6am-10pm", "Mon-Sun 06:00-22:00"),
    ("nights 10pm to 6am", "Mon-Sun 22:00-06:00"),
    ("every day except Sunday 9-5", "Mon-Sat 09:00-17:00"),
    ("9-5 weekdays, 10-2 on saturdays", "Mon-Fri 09:00-17:00; Sat 10:00-14:00"),
    ("weekends all day", "Sat-Sun 00:00-24:00"),
    ("weekdays after 6pm", "Mon-Fri 18:00-24:00"),
    ("set the gym schedule to 6am-10pm", "Mon-Sun 06:00-22:00"),
    ("Monday-Friday 7:30am to 6:30pm and Saturday 9 to 1", "Mon-Fri 07:30-18:30; Sat 09:00-13:00"),
    ("mon/wed/fri 9a-5p", "Mon 09:00-17:00; Wed 09:00-17:00; Fri 09:00-17:00"),
]


@pytest.mark.parametrize(("text", "schedule"), SCHEDULES)
def test_find_schedule(text: str, schedule: str) -> None:
    found = find_schedule(text)
    assert found is not None and (found.schedule, found.always) == (schedule, False)
    assert canonical_schedule(found.schedule) == schedule
    assert found.text == text[found.start : found.end]


@pytest.mark.parametrize(
    "text",
    ["24/7", "all the time", "always", "any time", "around the clock", "no restrictions", "open it 24/7"],
)
def test_find_schedule_always(text: str) -> None:
    found = find_schedule(text)
    assert found is not None and (found.schedule, found.always) == (None, True)


@pytest.mark.parametrize("text", ["see you tomorrow at 5", "unit 4B", "hello", "2 to 3 guests"])
def test_find_schedule_none(text: str) -> None:
    assert find_schedule(text) is None


def test_dateparser_only_runs_when_the_grammar_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake(text: str, clock: Clock) -> list[tuple[int, int, Resolved]]:
        calls.append(text)
        return [(0, 4, Resolved(clock.now, None, "point"))]

    monkeypatch.setattr(timeexpr, "fallback_times", fake)
    assert [m.text for m in find_times("tomorrow at 3pm", NOW, NY)] == ["tomorrow at 3pm"]
    assert calls == []
    assert _seen(parse_when("zzzz unreadable", NOW, NY)) == ("point", "2026-12-01T10:00:00-05:00", None)
    assert calls == ["zzzz unreadable"]


def test_fallback_reads_a_dated_message_and_skips_undated_ones() -> None:
    clock = Clock(NOW, NY, "future")
    ((start, end, got),) = fallback_times("see you on 5 December 2026", clock)
    assert (got.kind, _iso(got.starts_at), _iso(got.ends_at)) == (
        "day",
        "2026-12-05T00:00:00-05:00",
        "2026-12-06T00:00:00-05:00",
    )
    assert "see you on 5 December 2026"[start:end] == "on 5 December 2026"
    assert fallback_times("call me at +1 718 555 0142", clock) == []


_WORDS = st.sampled_from(
    [
        "from",
        "until",
        "to",
        "-",
        "and",
        "between",
        "at",
        "on",
        "the",
        "next",
        "last",
        "this",
        "for",
        "in",
        "ago",
        "tomorrow",
        "tonight",
        "noon",
        "midnight",
        "3pm",
        "11:30",
        "9",
        "5",
        "24/7",
        "Dec",
        "5th",
        "12/31",
        "2027-01-01",
        "weekend",
        "week",
        "month",
        "Friday",
        "sat",
        "may",
        "morning",
        "night",
        "weekdays",
        "daily",
        "nights",
        "except",
        "7am-noon",
        "unit",
        "4B",
        "+1",
        "a",
        "couple",
        "of",
        "hours",
        "days",
        "2moro",
        "rn",
        ",",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(_WORDS, max_size=14).map(" ".join)))
def test_random_text_never_raises(text: str) -> None:
    for prefer in (F, P):
        found = find_times(text, NOW, NY, prefer)
        ends = [0]
        for match in found:
            assert ends[-1] <= match.start < match.end <= len(text)
            assert match.text == text[match.start : match.end]
            for moment in (match.starts_at, match.ends_at):
                assert moment is None or moment.tzinfo is NY
            ends.append(match.end)
        parse_when(text, NOW, NY, prefer)
    schedule = find_schedule(text)
    if schedule is not None and schedule.schedule is not None:
        assert canonical_schedule(schedule.schedule) == schedule.schedule
