"""Named holidays resolve to their next date in the property's country and state (DOMAIN "Exception days")."""

from __future__ import annotations

from datetime import date

import pytest

from access_core.holiday_names import holiday_in_text, next_holiday, place_of
from access_core.models import Property

BROOKLYN = Property(name="Foundry", address="120 Main St, Brooklyn, NY 11201", timezone="America/New_York")
PORTLAND = Property(name="Maple", address="455 Alder Ave, Portland, OR 97205", timezone="America/Los_Angeles")
TORONTO = Property(name="Lake", address="1 King St W, Toronto, ON M5H 1A1", timezone="America/Toronto")
LONDON = Property(name="Thames", address="1 Bank St, London", timezone="Europe/London")
GIVEN = Property(name="Given", address="somewhere", timezone="America/New_York", country="CA", subdivision="QC")
DEC_1 = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("prop", "place"),
    [
        (BROOKLYN, ("US", "NY")),
        (PORTLAND, ("US", "OR")),
        (TORONTO, ("CA", "ON")),
        (LONDON, ("GB", None)),
        (GIVEN, ("CA", "QC")),
    ],
)
def test_country_and_state(prop: Property, place: tuple[str, str | None]) -> None:
    assert place_of(prop) == place


@pytest.mark.parametrize(
    ("prop", "name", "day"),
    [
        (BROOKLYN, "Christmas Day", date(2026, 12, 25)),
        (BROOKLYN, "christmas", date(2026, 12, 25)),
        (BROOKLYN, "Thanksgiving", date(2027, 11, 25)),  # this year's is past: the next one
        (TORONTO, "Thanksgiving", date(2027, 10, 11)),  # Canada's falls in October
        (BROOKLYN, "Independence Day", date(2027, 7, 4)),
        (BROOKLYN, "New Year's Eve", date(2026, 12, 31)),
        (BROOKLYN, "new year's day", date(2027, 1, 1)),
        (TORONTO, "Boxing Day", date(2026, 12, 26)),
        (LONDON, "Boxing Day", date(2026, 12, 26)),
        (BROOKLYN, "Boxing Day", None),  # not a holiday in New York
        (BROOKLYN, "Lincoln's Birthday", date(2027, 2, 12)),  # a New York state holiday
        (PORTLAND, "Lincoln's Birthday", None),
    ],
)
def test_next_date_of_a_named_holiday(prop: Property, name: str, day: date | None) -> None:
    found = next_holiday(prop, name, DEC_1)
    assert (found.day if found else None) == day


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("we're closed on Christmas Day", "Christmas Day"),
        ("treat New Year's Eve like a Sunday", "New Year's Eve"),
        ("we're closed on new year's day", "New Year's Day"),
        ("close the pool on thanksgiving", "Thanksgiving Day"),
        ("close the pool on friday", None),
    ],
)
def test_a_holiday_named_in_a_message(text: str, name: str | None) -> None:
    found = holiday_in_text(BROOKLYN, text, DEC_1)
    assert (found.name if found else None) == name
