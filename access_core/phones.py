"""Phone numbers in E.164 and email addresses, from the ways people write them.

Phone numbers are read by the ``phonenumbers`` library (Google's libphonenumber): every national and
international format it knows (``+44 20 7946 0958``, ``020 7946 0958``, ``0044 20 7946 0958``,
``07400 123456``, ``(416) 555-0199``, ``1-718-555-0142``), a national number being read in the
default region given (a property's country; the United States when none is known).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, NumberParseException, PhoneNumberFormat, PhoneNumberMatcher

DEFAULT_REGION = "US"
_WRITTEN = re.compile(r"[\d\s().\-/+]+")
_EMAIL = re.compile(r"[a-z0-9._%+\-']+@[a-z0-9.\-]+\.[a-z]{2,}")


@dataclass(frozen=True, slots=True)
class FoundPhone:
    """A phone number written in a message."""

    start: int
    """Offset of its first character."""
    end: int
    """Offset after its last character."""
    e164: str
    """The number in E.164 (``+442079460958``)."""


def _region(region: str | None) -> str:
    return (region or DEFAULT_REGION).upper()


def normalize_phone(text: str, region: str | None = None) -> str | None:
    """E.164 for a written phone number, or None when it is not one.

    A national number must be a valid number of ``region``; one written with its country code
    (``+`` or ``00``) need only be a possible number of that country (new ranges, test ranges).
    """
    written = text.strip()
    if not written or not _WRITTEN.fullmatch(written):
        return None
    international = written.startswith(("+", "00"))
    if written.startswith("00"):
        written = "+" + written[2:]
    try:
        number = phonenumbers.parse(written, _region(region))
    except NumberParseException:
        return None
    if not (phonenumbers.is_valid_number(number) or (international and phonenumbers.is_possible_number(number))):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def find_phones(text: str, region: str | None = None) -> list[FoundPhone]:
    """Every valid phone number written in the text, national ones read in ``region``.

    Dates ("3/1/27", "21/12"), times and unit numbers are not phone numbers to the library's matcher.
    """
    found = [
        FoundPhone(m.start, m.end, phonenumbers.format_number(m.number, PhoneNumberFormat.E164))
        for m in PhoneNumberMatcher(text, _region(region), leniency=Leniency.VALID)
    ]
    found += [  # a number of a range the library's data does not know yet (or a drama number): national with its trunk 0
        FoundPhone(m.start, m.end, phonenumbers.format_number(m.number, PhoneNumberFormat.E164))
        for m in PhoneNumberMatcher(text, _region(region), leniency=Leniency.POSSIBLE)
        if not any(f.start <= m.start < f.end for f in found)
        and m.raw_string.lstrip("(").startswith(("0", "+"))
        and len(re.sub(r"\D", "", m.raw_string)) >= 10
    ]
    found += [
        FoundPhone(m.start(), m.end(), e164)
        for m in re.finditer(r"(?<![\w+])(?:\+|00)\d[\d\s().\-]{6,18}\d(?!\w)", text)
        if not any(f.start <= m.start() < f.end for f in found) and (e164 := normalize_phone(m.group())) is not None
    ]
    return sorted(found, key=lambda f: f.start)


def normalize_email(text: str) -> str | None:
    value = text.strip().lower()
    if _EMAIL.fullmatch(value):
        return value
    return None


__all__ = ["DEFAULT_REGION", "FoundPhone", "find_phones", "normalize_email", "normalize_phone"]
