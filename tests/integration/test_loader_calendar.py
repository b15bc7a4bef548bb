"""Property files: country, subdivision, exception_days and lockdown_exempt keys; a bad one is refused whole
with its line (the rest of the loader's contract is tests/integration/test_loader.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from access_core.db import Database
from access_core.file_fields import FileErrors
from access_core.loader import load_property_text
from access_core.models import ExceptionDay, Key, Property
from tests.integration.test_loader import FOUNDRY_TEXT, dump

ANCHOR = "    delivery_doors: [Front Entrance, Package Room]\n"
GOOD = (
    ANCHOR
    + """    country: US
    subdivision: NY
    exception_days:
      - {date: 2026-12-25, name: Christmas Day, mode: closed}
      - {date: 2026-12-31, name: New Year's Eve, mode: Sun}
      - {date: 2027-01-01, name: New Year's Day, mode: closed, doors: [Gym]}
"""
)
EXEMPT_KEY = "      - {name: First Responders, shareable: false, lockdown_exempt: true, doors: [Front Entrance]}\n"


def with_calendar(extra: str = GOOD, key: str = EXEMPT_KEY) -> str:
    text = FOUNDRY_TEXT.replace(ANCHOR, extra, 1)
    return text.replace("    keys:\n", "    keys:\n" + key, 1)


def test_the_calendar_fields_load_and_reload_unchanged(foundry: Database) -> None:
    with foundry.session() as session:
        load_property_text(session, with_calendar())
    once = dump(foundry)
    with foundry.session() as session:
        load_property_text(session, with_calendar())
    assert dump(foundry) == once
    with foundry.sessions() as session:
        prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
        assert prop is not None and (prop.country, prop.subdivision) == ("US", "NY")
        days = session.scalars(select(ExceptionDay).order_by(ExceptionDay.day)).all()
        assert [(d.day, d.mode, d.door_ids is None) for d in days] == [
            (date(2026, 12, 25), "closed", True),
            (date(2026, 12, 31), "Sun", True),
            (date(2027, 1, 1), "closed", False),
        ]
        exempt = session.scalar(select(Key).where(Key.name == "First Responders"))
        assert exempt is not None and exempt.lockdown_exempt


BAD = [
    ("bad date", GOOD.replace("date: 2026-12-31", "date: 2026-12-32"), EXEMPT_KEY, "2026-12-32", "must be a date"),
    ("bad mode", GOOD.replace("mode: Sun", "mode: Holiday"), EXEMPT_KEY, "mode: Holiday", "neither closed nor a weekday"),
    ("unknown door", GOOD.replace("doors: [Gym]", "doors: [Ballroom]"), EXEMPT_KEY, "Ballroom", "not a door"),
    ("unknown field", GOOD.replace("mode: closed}", "mode: closed, open: false}", 1), EXEMPT_KEY, "open: false", "unknown field"),
    ("twice", GOOD + "      - {date: 2026-12-25, name: Xmas, mode: closed}\n", EXEMPT_KEY, "Xmas", "appears twice"),
    (
        "exempt and shareable",
        GOOD,
        EXEMPT_KEY.replace("shareable: false", "shareable: true"),
        "shareable: true, lockdown_exempt",
        "can't be shareable",
    ),
    ("bad country", GOOD.replace("country: US", "country: XX"), EXEMPT_KEY, "country: XX", "not a country code"),
    ("bad subdivision", GOOD.replace("subdivision: NY", "subdivision: ZZ"), EXEMPT_KEY, "subdivision: ZZ", "not a subdivision"),
    ("subdivision without country", GOOD.replace("    country: US\n", ""), EXEMPT_KEY, "subdivision: NY", "needs 'country'"),
]


@pytest.mark.parametrize(("name", "extra", "key", "marker", "reason"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_calendar_is_refused_whole(foundry: Database, name: str, extra: str, key: str, marker: str, reason: str) -> None:
    before = dump(foundry)
    text = with_calendar(extra, key)
    with pytest.raises(FileErrors) as refused, foundry.session() as session:
        load_property_text(session, text)
    first = refused.value.errors[0]
    line = next(i for i, row in enumerate(text.splitlines(), 1) if marker in row)
    assert (first.line, reason in first.message) == (line, True), first
    assert dump(foundry) == before
