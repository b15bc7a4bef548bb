"""Times as the property's country writes and names them: the order of numeric dates, and public holidays.

The date order comes from the CLDR data of the ``babel`` package: the short date pattern of the
country's most likely locale ("dd/MM/y" in GB, "M/d/yy" in the US); where that pattern starts with
the year (Canada's "y-MM-dd") the medium pattern says which of day and month people put first.
Holidays are found by the core's one resolver (``access_core.holiday_names``) and written into the
text as ISO dates of the same length, so the time grammar reads "from Boxing Day" as a date.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from typing import cast

from babel import Locale, UnknownLocaleError

from access_core.holiday_names import Located, holiday_spans, place_of

LOCALES = {("CA", "QC"): "fr_CA"}
"""Subdivisions whose language writes dates otherwise than the country's most likely locale."""


@lru_cache(maxsize=256)
def day_first(country: str | None, subdivision: str | None = None) -> bool:
    """Whether people in the country (and subdivision) write the day before the month."""
    if not country:
        return False
    try:
        locale = Locale.parse(LOCALES.get((country, subdivision or ""), f"und_{country}"))
    except (UnknownLocaleError, ValueError):
        return False
    pattern = str(locale.date_formats["short"].pattern)
    if pattern.lstrip("'").startswith("y"):
        pattern = str(locale.date_formats["medium"].pattern)
    day, month = pattern.find("d"), pattern.find("M")
    return day != -1 and month != -1 and day < month


def reads_day_first(prop: Located) -> bool:
    """Whether numeric dates at the property are read day first."""
    return _day_first_at(prop.country, prop.subdivision, prop.timezone, prop.address)


@lru_cache(maxsize=1024)
def _day_first_at(country: str | None, subdivision: str | None, timezone: str, address: str | None) -> bool:
    where = SimpleNamespace(country=country, subdivision=subdivision, timezone=timezone, address=address)
    return day_first(*place_of(cast(Located, where)))


def with_holidays_as_dates(prop: Located, text: str, today: date) -> str:
    """The text with each holiday it names written as its date ("boxing day" as "2026-12-26"), same length."""
    for start, end, holiday in holiday_spans(prop, text, today):
        written = holiday.day.isoformat() if end - start >= 10 else holiday.day.strftime("%d %b").lstrip("0").lower()
        if len(written) > end - start:
            continue
        text = text[:start] + written.ljust(end - start) + text[end:]
    return text


__all__ = ["day_first", "reads_day_first", "with_holidays_as_dates"]
