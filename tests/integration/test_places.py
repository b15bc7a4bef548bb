"""The dialogue's per-process cache of rows: no query while the data version holds, a fresh read once it moves."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import event, select

from access_core.db import Database
from access_core.models import AuditEntry, Person, Property
from bot.places import Places

NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")


@contextmanager
def counted(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def _ben_id(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(Person.id).where(Person.email == "ben.carter@harbor.example")) or 0)


def test_rows_come_from_the_cache_while_the_version_holds(foundry: Database) -> None:
    places, ben = Places(), _ben_id(foundry)
    with foundry.session() as session:
        places.begin(session)
        first = places.asker(session, ben)
        assert first is not None and first.email == "ben.carter@harbor.example"
    with foundry.session() as session, counted(foundry) as statements:
        places.begin(session)
        again = places.asker(session, ben)
        assert again is not None and again in session and again.name == first.name
        assert not [s for s in statements if "FROM people" in s]
        assert again.id == ben and places.person(session, "ben.carter@harbor.example") is again


def test_a_change_through_the_core_is_read_at_once(foundry: Database) -> None:
    places, ben = Places(), _ben_id(foundry)
    with foundry.session() as session:
        places.begin(session)
        assert places.asker(session, ben) is not None
        prop_id = session.scalar(select(Property.id))
        assert prop_id is not None and places.site(session, prop_id) is not None
    with foundry.session() as session:  # a change made elsewhere: the audit log moves the version
        person = session.get(Person, ben)
        assert person is not None
        person.name = "Benjamin Carter"
        session.add(AuditEntry(at=NOW, actor_id=ben, op="rename", detail={}))
    with foundry.session() as session:
        places.begin(session, fresh=True)
        renamed = places.asker(session, ben)
        assert renamed is not None and renamed.name == "Benjamin Carter"


def test_the_turn_version_is_each_threads_own(foundry: Database) -> None:
    places = Places()
    with foundry.session() as session:
        places.begin(session)
        mine = places.turn_version
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(places.turn_version))
    worker.start()
    worker.join()
    assert mine is not None and seen == [None]


def test_a_proposed_plan_leaves_no_write_lock_while_the_reply_is_worded(foundry: Database, monkeypatch: object) -> None:
    """The dry run writes inside a rolled-back savepoint; other writers must not wait for the rest of the turn."""
    import pytest

    from bot import dialogue as dialogue_module
    from bot.dialogue import Dialogue
    from bot.state import Conversation

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    other_writer_ok: list[bool] = []
    real_question = dialogue_module.question

    def question_while_another_writes(session: object, ops: object, tz: object, now: object = None) -> str:
        other = Database(foundry.url, auto_migrate=False)
        if other.url.startswith("sqlite"):
            with other.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA busy_timeout = 0")
                connection.execute(AuditEntry.__table__.insert().values(at=NOW, op="probe", detail={}))
                connection.commit()
        other.engine.dispose()
        other_writer_ok.append(True)
        return real_question(session, ops, tz, now)  # type: ignore[arg-type]

    monkeypatch.setattr(dialogue_module, "question", question_while_another_writes)
    answer = Dialogue(foundry).turn(
        Conversation(person="ben.carter@harbor.example", now=NOW.isoformat()), "give Omar Haddad the maintenance key"
    )
    assert answer["status"] == "confirm", answer
    assert other_writer_ok == [True]
