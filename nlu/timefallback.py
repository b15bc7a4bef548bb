"""The slow path: ``dateparser`` for dated messages the grammar could not read.

It runs only when the grammar found nothing and the message names a month, a weekday, an
ordinal day, a clock time or "ago"; what it returns is kept only when the matched words are
themselves dated (never a lone number such as part of a phone number).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from nlu.timecalendar import Clock
from nlu.timeresolve import Resolved
from nlu.timevocab import MONTHS, WEAK_MONTHS

_MONTH_WORDS = "|".join(sorted((m for m in MONTHS if len(m) > 3 and m not in WEAK_MONTHS), key=len, reverse=True))
_DAY_WORDS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DATED = re.compile(
    rf"\b(?:{_MONTH_WORDS}|{_DAY_WORDS}|ago|fortnight)\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)\w*\.?"
    r"\s*\d|\d\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)|\d{1,2}:\d{2}|o'?clock|\b\d{4}[/.]\d{1,2}[/.]\d{1,2}\b",
    re.IGNORECASE,
)
_CLOCK_SAID = re.compile(r"\d:\d{2}|\d\s*(?:am|pm|a\.m|p\.m)|noon|midnight|o'?clock|\bhours?\b|\bminutes?\b|\bnow\b", re.IGNORECASE)


def fallback_times(text: str, clock: Clock) -> list[tuple[int, int, Resolved]]:
    """Dates ``dateparser`` finds in ``text``: (start, end, resolved), left to right."""
    if not _DATED.search(text):
        return []
    try:
        found = _search(text, clock)
    except Exception:  # a third-party parser must never break a conversation
        return []
    results: list[tuple[int, int, Resolved]] = []
    position = 0
    lowered = text.lower()
    for fragment, moment in found or []:
        start = lowered.find(fragment.lower(), position)
        if start < 0 or not _DATED.search(fragment) or not isinstance(moment, datetime):
            continue
        try:
            resolved = _resolved(fragment, moment, clock)
        except (ValueError, OverflowError):
            continue
        position = start + len(fragment)
        results.append((start, position, resolved))
    return results


def _search(text: str, clock: Clock) -> list[tuple[str, Any]] | None:
    from dateparser.search import search_dates

    settings = {
        "RELATIVE_BASE": clock.now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future" if clock.future else "past",
        "TIMEZONE": clock.tz.key,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    result: list[tuple[str, Any]] | None = search_dates(text, languages=["en"], settings=settings)
    return result


def _resolved(fragment: str, moment: datetime, clock: Clock) -> Resolved:
    if _CLOCK_SAID.search(fragment):
        return Resolved(clock.at(moment.date(), moment.hour * 60 + moment.minute), None, "point")
    day = moment.date()
    return Resolved(clock.at(day), clock.at(day + timedelta(days=1)), "day")
