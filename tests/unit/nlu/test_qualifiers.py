"""The qualifier recognizer: conditions, recurrences, exclusions and yes/no attributes with negation in both directions."""

from __future__ import annotations

import pytest

from nlu.qualifiers import CONDITION, EXCLUDED, MAY_SHARE, RECURRENCE, RESIDENT, SHAREABLE, recognize, value

ATTRIBUTES = [
    ("give her the 3B key, she is not a resident", RESIDENT, False),
    ("give him the unit key as a resident", RESIDENT, True),
    ("give yusuf the suite 7D key, he won't be living there", RESIDENT, False),
    ("add ivy to apt 202, she doesn't live there", RESIDENT, False),
    ("he's the new tenant of 4B", RESIDENT, True),
    ("give the Resident 3B key to Omar", RESIDENT, None),
    ("give priya the key but she may not share it", MAY_SHARE, False),
    ("give priya the key and let her share it", MAY_SHARE, True),
    ("he can share it with guests", MAY_SHARE, True),
    ("she shouldn't be able to give out codes", MAY_SHARE, False),
    ("Jane should no longer be able to share her unit", MAY_SHARE, False),
    ("moves into flat 5 on Jan 4, sharing not allowed", MAY_SHARE, False),
    ("don't let her share it", MAY_SHARE, False),
    ("share my apartment with rosa tomorrow", MAY_SHARE, None),
    ("a key with the gym that is not shareable", SHAREABLE, False),
    ("a key with the front entrance that residents may pass on", SHAREABLE, True),
    ("a key with the dock, it must never be shared", SHAREABLE, False),
    ("a key with the mailroom, nobody may share it", SHAREABLE, False),
    ("create an unshareable key called Dock Key", SHAREABLE, False),
    ("create a key called Visitor Key that can be shared", SHAREABLE, True),
]


@pytest.mark.parametrize(("text", "kind", "expected"), ATTRIBUTES)
def test_attribute_and_its_negation(text: str, kind: str, expected: bool | None) -> None:
    assert value(recognize(text), kind) is expected


CONDITIONS = [
    ("give Priya the amenities key if she has paid her deposit", "she has paid her deposit"),
    ("let rosa in tomorrow 12-4 unless I'm home", "I'm home"),
    ("give ivy the fitness key once her lease is signed", "her lease is signed"),
    ("unlock the main entrance only if the courier shows ID", "the courier shows ID"),
    ("give yusuf the pass provided his background check clears", "his background check clears"),
    ("give harriet the fob as long as she's paid the service charge", "she's paid the service charge"),
    ("is the roof deck free sat 11-1? if so book it", None),
    ("can you tell me if jane can get in", None),
    ("give jane the gym key if possible", None),
    ("the cleaner comes once a week", None),
]


@pytest.mark.parametrize(("text", "clause"), CONDITIONS)
def test_conditions(text: str, clause: str | None) -> None:
    found = [s.value for s in recognize(text) if s.kind == CONDITION]
    assert found == ([clause] if clause else [])


RECURRENCES = [
    ("give Max access to unit 2B every Friday 9 to 5", "every Friday"),
    ("Max should have the common door key on weekdays only", "on weekdays only"),
    ("give Harriet the leisure fob, mondays and wednesdays only", "mondays and wednesdays only"),
    ("give yusuf the amenity pass for the next 3 weekends", "the next 3 weekends"),
    ("lucia needs the maintenance key for the next 2 weeks", None),
    ("share building access with ivy this weekend", None),
    ("give jane the gym key on friday", None),
]


@pytest.mark.parametrize(("text", "said"), RECURRENCES)
def test_recurrences(text: str, said: str | None) -> None:
    found = [s.text for s in recognize(text) if s.kind == RECURRENCE]
    assert found == ([said] if said else [])


@pytest.mark.parametrize(
    ("text", "left_out"),
    [
        ("give lena the building pass, not the amenity pass", "amenity pass"),
        ("share my apartment tomorrow 12-4 but not the building entrance", "building entrance"),
        ("revoke everything Omar has except his unit key", "unit key"),
        ("she is not a resident", None),
    ],
)
def test_exclusions(text: str, left_out: str | None) -> None:
    found = [str(s.value) for s in recognize(text) if s.kind == EXCLUDED]
    assert found == ([left_out] if left_out else [])
