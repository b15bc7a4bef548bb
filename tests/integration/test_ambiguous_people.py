"""A name several people share is asked about with only the contacts the asker's people list shows (issue 15, item 10).

Managers of the whole property see every candidate's email or phone; a specific-key manager only those holding their
keys, an agent the residents' phones, a resident the holders of keys to their home; of everyone else they learn only
that someone else goes by that name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.db import Database
from access_core.directory import ambiguous_person
from access_core.errors import Ambiguous
from access_core.lookup import person_by_ref, require_person
from access_core.models import Grant, Key, Property
from access_core.principal import load_principal
from access_core.services.context import Context
from bot.dialogue import Dialogue
from bot.state import Conversation
from tests.conftest import NOW

BEN, DEV, JANE, KIM = "ben.carter@harbor.example", "dev.shah@leasing.example", "jane.park@example.com", "kim.tran@callcenter.example"
CARLA, ROSA = "carla.diaz@harbor.example", "+17185550199"
CONTACTS = (CARLA, ROSA, "+17185550102", "7185550199", "7185550102")


def _foundry(session: Session) -> Property:
    prop = session.scalar(select(Property).where(Property.name == "The Foundry"))
    assert prop is not None
    return prop


def _asked(session: Session, who: str) -> Ambiguous:
    principal = load_principal(session, require_person(session, who))
    return ambiguous_person(session, principal, _foundry(session), NOW, "Diaz", [CARLA, ROSA])


def _no_contacts(message: str) -> bool:
    return not any(contact in message for contact in CONTACTS)


def test_a_manager_of_the_whole_property_is_shown_every_candidate(session: Session) -> None:
    asked = _asked(session, BEN)
    assert CARLA in asked.message and ROSA in asked.message


@pytest.mark.parametrize("who", [DEV, JANE, KIM])
def test_a_narrow_manager_an_agent_or_a_resident_is_told_only_how_many_share_the_name(session: Session, who: str) -> None:
    """Neither Diaz holds Dev's Leasing Key, lives here for Kim to ring, or holds a key to Jane's home today."""
    asked = _asked(session, who)
    assert _no_contacts(asked.message), asked.message
    assert "2 people" in asked.message


def test_a_specific_key_manager_sees_the_candidate_holding_their_key_and_only_that_one_is_there_besides(
    session: Session,
) -> None:
    leasing = session.scalar(select(Key).where(Key.name == "Leasing Key"))
    rosa = require_person(session, ROSA)
    assert leasing is not None
    session.add(Grant(person_id=rosa.id, key_id=leasing.id, starts_at=datetime.fromisoformat("2026-11-01T00:00:00-05:00"), resident=False))
    session.flush()
    asked = _asked(session, DEV)
    assert ROSA in asked.message and CARLA not in asked.message and "+17185550102" not in asked.message
    assert "one other person" in asked.message


def _rosa_and_carla_share_a_name(session: Session) -> None:
    require_person(session, ROSA).name = "Carla Diaz"
    session.flush()


def test_the_core_never_puts_candidates_contacts_in_an_ambiguity_it_raises_on_its_own(session: Session) -> None:
    _rosa_and_carla_share_a_name(session)
    with pytest.raises(Ambiguous) as raised:
        person_by_ref(session, "Carla Diaz")
    assert _no_contacts(raised.value.message) and "2 people" in raised.value.message


@pytest.mark.parametrize(("who", "sees_contacts"), [(BEN, True), (DEV, False)])
def test_an_operation_naming_a_shared_name_is_refused_with_the_askers_view(session: Session, who: str, sees_contacts: bool) -> None:
    _rosa_and_carla_share_a_name(session)
    principal = load_principal(session, require_person(session, who))
    with pytest.raises(Ambiguous) as raised:
        Context(session, principal, NOW, _foundry(session)).person("Carla Diaz")
    message = raised.value.message
    assert (CARLA in message and ROSA in message) if sees_contacts else _no_contacts(message), message


def _talk(db: Database, who: str, text: str) -> dict[str, Any]:
    return Dialogue(db, dry_run=True).turn(Conversation(person=who, now="2026-12-01T10:00:00-05:00"), text)


def test_in_chat_a_specific_key_manager_is_not_shown_the_candidates_emails(foundry: Database) -> None:
    answer = _talk(foundry, DEV, "give Diaz the leasing key")
    assert answer["status"] == "ask" and answer["operations"] == []
    assert _no_contacts(answer["reply"]), answer["reply"]


def test_in_chat_a_manager_of_the_whole_property_is_still_shown_them(foundry: Database) -> None:
    answer = _talk(foundry, BEN, "give Diaz the maintenance key")
    assert answer["status"] == "ask" and CARLA in answer["reply"] and ROSA in answer["reply"]
