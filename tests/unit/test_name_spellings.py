"""Names as people type them: hyphens split or dropped, surnames of several words."""

from __future__ import annotations

from nlu.engine import embedded_engine
from nlu.property_lexicon import _spellings


def test_a_hyphenated_name_has_every_spelling() -> None:
    assert _spellings("mei-ling zhou") == {"mei-ling zhou", "mei ling zhou", "meiling zhou"}


def test_the_tagger_keeps_hyphenated_and_apostrophe_names_whole() -> None:
    engine = embedded_engine()
    for text, name in (("invite Mary O'Neil mary@x.example", "Mary O'Neil"), ("invite Chidi Okeke-Obi chidi@x.example", "Chidi Okeke-Obi")):
        people = [e["value"] for e in engine.parse(text)["entities"] if e["entity"] == "person"]
        assert people == [name]


def test_a_possessive_is_not_part_of_the_name() -> None:
    people = [e["value"] for e in embedded_engine().parse("revoke Mary O'Neil's gym access")["entities"] if e["entity"] == "person"]
    assert people == ["Mary O'Neil"]
