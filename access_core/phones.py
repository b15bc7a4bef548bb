"""Phone numbers in E.164, from the ways people write them (US numbers by default)."""

from __future__ import annotations

import re

_JUNK = re.compile(r"[\s().\-/]")


def normalize_phone(text: str, default_country: str = "1") -> str | None:
    """E.164 for a written phone number, or None when it is not one.

    ``(718) 555-0142``, ``718.555.0142``, ``1-718-555-0142`` and ``+1 718 555 0142`` all
    give ``+17185550142``; other countries need their ``+`` prefix.
    """
    raw = _JUNK.sub("", text.strip())
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if raw.startswith("+"):
        digits = raw[1:]
        if digits.isdigit() and 8 <= len(digits) <= 15 and not digits.startswith("0"):
            return "+" + digits
        return None
    if not raw.isdigit():
        return None
    if len(raw) == 10 and raw[0] not in "01":
        return f"+{default_country}{raw}"
    if len(raw) == 11 and raw.startswith("1") and raw[1] not in "01":
        return "+" + raw
    return None


def normalize_email(text: str) -> str | None:
    value = text.strip().lower()
    if re.fullmatch(r"[a-z0-9._%+\-']+@[a-z0-9.\-]+\.[a-z]{2,}", value):
        return value
    return None
