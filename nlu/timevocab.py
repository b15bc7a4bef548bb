"""Words of time as chat writes them (typos included), and the regex fragments built from them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(","))


def _spellings(groups: dict[T, str]) -> dict[str, T]:
    """A table from each comma-separated spelling to its meaning."""
    return {spelling.strip(): meaning for meaning, words in groups.items() for spelling in words.split(",")}


MONTHS = _spellings(
    {
        1: "jan, january, janurary, janaury, januray",
        2: "feb, february, febuary, feburary, febr",
        3: "mar, march",
        4: "apr, april",
        5: "may",
        6: "jun, june",
        7: "jul, july",
        8: "aug, august",
        9: "sep, sept, september, septmber",
        10: "oct, october, ocotber",
        11: "nov, november, novmber, novemeber",
        12: "dec, december, decmber, decemeber",
    }
)
"""Month names and their numbers (1 = January)."""

WEAK_MONTHS = frozenset({"may", "mar", "march", "jan", "june", "april", "aug"})
"""Month names that are also ordinary words or first names; alone they need a preposition or a year."""

WEEKDAYS = _spellings(
    {
        0: "mon, monday, mondy, monady",
        1: "tue, tues, tuesday, tuesdy, teusday, tusday",
        2: "wed, weds, wednesday, wensday, wendsday, wednsday, wedensday",
        3: "thu, thur, thurs, thursday, thrusday, thursdy, thurday",
        4: "fri, friday, firday, fridya, fryday",
        5: "sat, saturday, satruday, saturdy, satuday",
        6: "sun, sunday, sundy, sunady",
    }
)
"""Weekday names and their numbers (0 = Monday)."""

WEAK_WEEKDAYS = frozenset({"sat", "sun", "wed"})
"""Weekday abbreviations that are also ordinary words; alone they need a preposition or a time."""

NUMBER_WORDS = _spellings(
    {
        1.0: "a, an, one",
        2.0: "two, couple, a couple, couple of, a couple of",
        3.0: "three, few, a few, several",
        4.0: "four",
        5.0: "five",
        6.0: "six",
        7.0: "seven",
        8.0: "eight",
        9.0: "nine",
        10.0: "ten",
        11.0: "eleven",
        12.0: "twelve",
        15.0: "fifteen",
        20.0: "twenty",
        30.0: "thirty",
        45.0: "forty five, forty-five",
        0.5: "half a, half an",
    }
)
"""Counts written in words."""

UNITS = _spellings(
    {
        "minute": "min, mins, minute, minutes",
        "hour": "hr, hrs, hour, hours",
        "day": "day, days, night, nights",
        "week": "wk, wks, week, weeks",
        "fortnight": "fortnight, fortnights",
        "month": "mo, mos, mth, mths, month, months",
        "year": "yr, yrs, year, years",
    }
)
"""Units of a duration, by their spelling."""

TODAY = _words("today, tday, 2day, tdy, todya, tody")
TOMORROW = _words(
    "tomorrow, tomorow, tommorow, tommorrow, tomorrrow, tmrw, tmrrw, tmrow, tmr, tmw, tmro, 2morrow, 2moro, "
    "2morow, 2mrw, 2mro, tomoz, tomo, tmorrow, tomrrow"
)
YESTERDAY = _words("yesterday, yesterdy, yesteday, yestrday, ysterday, yday, yest, ystd")
TONIGHT = _words("tonight, tonite, 2nite, 2night, tnite, tonght, tonigt")
PARTS_OF_DAY = _spellings(
    {
        "morning": "morning, mornin, morn",
        "afternoon": "afternoon, arvo, aftn",
        "evening": "evening, eve, evenin",
        "night": "night, nite, overnight",
    }
)
"""Parts of the day, by their spelling."""

POD_MINUTES: dict[str, tuple[int, int]] = {
    "morning": (6 * 60, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 21 * 60),
    "night": (18 * 60, 30 * 60),
}
"""Local window of each part of the day in minutes after midnight (night runs into the next morning)."""


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first, spaces matching any run of spaces."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


MONTH = alternation(MONTHS)
WEEKDAY = alternation(WEEKDAYS)
NUMBER = r"\d{1,3}|" + alternation(NUMBER_WORDS)
HOURS = {
    word: hour
    for hour, word in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"), start=1
    )
}
"""The hours of a clock in words ("half six")."""
HOUR_WORDS = "|".join(HOURS)
UNIT = alternation(UNITS)
POD = alternation(PARTS_OF_DAY)
ORDINAL = r"(?:st|nd|rd|th)"


def number_value(text: str) -> float:
    """The value of a count written in digits or words ("3", "a couple of", "half an")."""
    text = " ".join(text.split())
    return float(text) if text.isdigit() else NUMBER_WORDS[text]
