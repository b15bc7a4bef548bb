"""Contacts written in a message: email addresses and phone numbers, each pair of one person kept together.

"invite Ffion Davies: ffion@example.com / (020) 7946 0321" names one person with two ways to reach
her, not two people: an email and a phone written next to each other (with only punctuation or a
label such as "mobile" or "tel" between them) are one contact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from access_core.phones import find_phones, normalize_email

EMAIL = re.compile(r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_BETWEEN = re.compile(
    r"[\s,;/|&:()\-]*(?:(?:and|or|plus|mobile|mob|cell|phone|tel|telephone|number|no|m|t|p|ph)"
    r"\b[\s,;/|&:().\-]*)*",
    re.I,
)
"""What may stand between one person's email and phone."""


@dataclass(slots=True)
class Contact:
    """One person's email and/or phone, and where they were written."""

    start: int
    end: int
    spans: list[tuple[int, int]]
    """Each address's own span (what is blanked for the rest of the reading)."""
    email: str | None = None
    phone: str | None = None
    """E.164."""


def find_contacts(text: str, region: str | None = None) -> list[Contact]:
    """The contacts of the text, in order; national phone numbers are read in ``region``."""
    items: list[Contact] = []
    for match in EMAIL.finditer(text):
        email = normalize_email(match.group())
        if email is not None:
            items.append(Contact(match.start(), match.end(), [(match.start(), match.end())], email=email))
    blanked = EMAIL.sub(lambda m: " " * len(m.group()), text)
    items += [Contact(p.start, p.end, [(p.start, p.end)], phone=p.e164) for p in find_phones(blanked, region)]
    items.sort(key=lambda c: c.start)
    merged: list[Contact] = []
    for item in items:
        last = merged[-1] if merged else None
        if (
            last is not None
            and _BETWEEN.fullmatch(text[last.end : item.start])
            and (last.email is None) != (item.email is None)
            and (last.phone is None) != (item.phone is None)
        ):
            last.email, last.phone = last.email or item.email, last.phone or item.phone
            last.end = item.end
            last.spans += item.spans
            continue
        merged.append(item)
    return merged


__all__ = ["EMAIL", "Contact", "find_contacts"]
