"""Contacts, date order and property choice from what a message says (issue 13)."""

from __future__ import annotations

import pytest

from access_core.phones import find_phones, normalize_phone
from nlu.contacts import find_contacts
from nlu.property_fit import distinctive, foreign, mentions_by_property
from nlu.resolve import Entry, Lexicon, door_aliases
from nlu.timeplace import day_first


@pytest.mark.parametrize(
    ("written", "region", "e164"),
    [
        ("+44 20 7946 0958", "GB", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("(020) 7946-0958", "GB", "+442079460958"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("07400 123456", "GB", "+447400123456"),
        ("(416) 555-0199", "CA", "+14165550199"),
        ("718.555.0142", None, "+17185550142"),
        ("1-718-555-0142", "US", "+17185550142"),
        ("+1 718 555 0142", "GB", "+17185550142"),
    ],
)
def test_phones_in_every_common_format_are_e164(written: str, region: str | None, e164: str) -> None:
    assert normalize_phone(written, region) == e164


@pytest.mark.parametrize("written", ["3/1/27", "21/12", "555-0142", "12345678", "flat 10", "call me"])
def test_dates_short_numbers_and_words_are_no_phone(written: str) -> None:
    assert normalize_phone(written, "GB") is None
    assert find_phones(f"from {written} please", "GB") == []


def test_a_phone_written_after_an_email_belongs_to_the_same_person() -> None:
    for text in (
        "invite Ffion Davies: ffion@mail.example / (020) 7946 0321",
        "onboard Arjun, email ffion@mail.example, mobile +44 20 7946 0321",
    ):
        [contact] = find_contacts(text, "GB")
        assert (contact.email, contact.phone) == ("ffion@mail.example", "+442079460321")


def test_two_people_two_contacts() -> None:
    contacts = find_contacts("invite Ben ben@mail.example and Lina, her number is 07400 123556", "GB")
    assert [(c.email, c.phone) for c in contacts] == [("ben@mail.example", None), (None, "+447400123556")]


@pytest.mark.parametrize(
    ("country", "subdivision", "expected"),
    [
        ("GB", None, True),
        ("IE", None, True),
        ("AU", None, True),
        ("NZ", None, True),
        ("US", None, False),
        ("CA", None, False),
        ("CA", "QC", True),
        ("ZA", None, True),
        (None, None, False),
    ],
)
def test_the_date_order_of_a_country(country: str | None, subdivision: str | None, expected: bool) -> None:
    assert day_first(country, subdivision) is expected


def _lexicon(doors: list[str], keys: list[str], prop: str) -> Lexicon:
    lexicon = Lexicon()
    for door in doors:
        for alias, weak in door_aliases(door, door.startswith(("Flat", "Apartment")), doors):
            lexicon.add(alias, Entry("door", door), weak=weak)
    for key in keys:
        lexicon.add(key.lower(), Entry("key", key))
    lexicon.add(prop, Entry("property", prop))
    return lexicon


ALBION = _lexicon(["Main Entrance", "Flat 3", "Roof Garden"], ["Communal Fob"], "Albion Yard")
CANAL = _lexicon(["Front Door", "Apartment B", "Laundry"], ["Canal Entry"], "Canal House")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add the roof garden to the communal fob", {1}),
        ("take Tom off the canal entry", {2}),
        ("why can't she open the front door", {2}),  # Canal's by name, Albion's only by a synonym
        ("give her the communal fob and the canal entry", {1, 2}),
        ("give her access until 3/1", set()),  # numbers are dates as often as units
    ],
)
def test_the_property_a_message_names(text: str, expected: set[int]) -> None:
    found = mentions_by_property({1: ALBION, 2: CANAL}, text)
    assert set(distinctive(found)) == expected


def test_a_door_of_another_property_is_foreign_but_a_shared_word_is_not() -> None:
    found = mentions_by_property({1: ALBION, 2: CANAL}, "show the activity at flat 3")
    assert set(foreign(found, [2])) == {1}
    found = mentions_by_property({1: ALBION, 2: CANAL}, "why can't I open the main entrance")
    assert foreign(found, [2]) == {}  # Canal's Front Door is also called the main entrance


def test_named_holidays_are_written_as_their_dates_in_the_text() -> None:
    from datetime import date

    from access_core.models import Property
    from nlu.timeplace import with_holidays_as_dates

    london = Property(name="x", address="", timezone="Europe/London", country="GB", subdivision="ENG")
    text = "give her the fob from Boxing Day until Easter Monday, or the summer bank holiday"
    written = with_holidays_as_dates(london, text, date(2026, 12, 1))
    assert len(written) == len(text)
    assert "2026-12-26" in written and "2027-03-29" in written and "2027-08-30" in written
