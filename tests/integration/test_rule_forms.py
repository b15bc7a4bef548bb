"""Rules with an SQL form say the same as their one definition, on the same tables (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.models import ActivityEvent, Door, Person
from access_core.principal import load_principal
from access_core.rules.coverage import covers_door
from access_core.rules.residency import resident_at
from access_core.rules.visibility import scope_from, sees
from access_core.uow import SessionReads
from access_core.visibility import scope_of, visible
from tests.conftest import fixture_file
from tests.fakes.uow import from_property_file


def _everyone(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).order_by(Person.id)))


def test_the_sql_scope_is_the_rules_scope(session: Session) -> None:
    reads = SessionReads(session)
    for person in _everyone(session):
        principal = load_principal(session, person)
        sql, rule = scope_of(session, principal), scope_from(principal, reads)
        assert (sql.full_properties, sql.key_doors, sql.own_doors) == (rule.full_properties, rule.key_doors, rule.own_doors)
        assert sorted(sql.residencies) == sorted(rule.residencies), person.handle


def test_sql_coverage_is_the_coverage_rule(session: Session) -> None:
    reads, doors = SessionReads(session), list(session.scalars(select(Door)))
    for person in _everyone(session):
        principal = load_principal(session, person)
        scope = scope_of(session, principal)
        assert [scope.covers_door(d) for d in doors] == [covers_door(principal, d, reads) for d in doors], person.handle


def test_the_sql_filter_shows_exactly_the_events_the_rule_shows(session: Session) -> None:
    events = list(session.scalars(select(ActivityEvent)))
    assert len(events) >= 13
    for person in _everyone(session):
        scope = scope_of(session, load_principal(session, person))
        by_sql = set(session.scalars(select(ActivityEvent.id).where(visible(scope))))
        assert by_sql == {e.id for e in events if sees(scope, e)}, person.handle


def test_residencies_in_the_scope_are_the_residency_rule(session: Session) -> None:
    reads = SessionReads(session)
    moments = sorted({e.at for e in session.scalars(select(ActivityEvent))})
    homes = list(session.scalars(select(Door).where(Door.type == "residence")))
    for person in _everyone(session):
        scope = scope_of(session, load_principal(session, person))
        for door in homes:
            assert [scope.resident_then(door.id, at) for at in moments] == [resident_at(reads, person.id, door.id, at) for at in moments], (
                person.handle,
                door.name,
            )


@pytest.mark.parametrize("field", ["actor_role", "granter_id", "residence"])
def test_the_fake_unit_of_work_classifies_the_events_as_the_database_did(session: Session, field: str) -> None:
    fake = from_property_file(fixture_file())
    stored = {e.external_id: e for e in session.scalars(select(ActivityEvent))}
    handle_of = {p.id: p.handle for p in _everyone(session)}
    fake_handle = {p.id: p.email or p.phone for p in fake.people}
    for event in fake.events:
        mine, theirs = getattr(event, field), getattr(stored[event.external_id], field)
        if field == "granter_id":
            mine, theirs = fake_handle.get(mine or 0), handle_of.get(theirs or 0)
        assert mine == theirs, event.external_id
