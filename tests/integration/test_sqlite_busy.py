"""SQLite's refusals under concurrent writers: recognised, and a chat turn started again from where it was."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from access_core.db import Database, is_busy, retry_busy
from bot.state import Conversation, MemoryStore
from bot.web.turns import Turns

NOW = "2026-12-01T10:00:00-05:00"


def test_a_stale_snapshot_write_is_recognised_as_busy(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'busy.db'}", auto_migrate=False)
    with database.engine.begin() as setup:
        setup.execute(text("CREATE TABLE t (x INTEGER)"))
    reader, writer = database.engine.connect(), database.engine.connect()
    try:
        reader.execute(text("SELECT count(*) FROM t")).scalar_one()  # the reader's snapshot starts here
        writer.execute(text("INSERT INTO t VALUES (1)"))
        writer.commit()
        with pytest.raises(OperationalError) as refused:
            reader.execute(text("INSERT INTO t VALUES (2)"))  # its snapshot is stale: refused at once
        assert is_busy(refused.value)
    finally:
        reader.close()
        writer.close()
        database.engine.dispose()


def test_other_errors_are_not_busy_and_are_not_retried() -> None:
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: t"))

    with pytest.raises(OperationalError):
        retry_busy(broken)
    assert calls == [1]


def test_a_refused_turn_starts_again_from_the_conversation_as_it_was(foundry: Database) -> None:
    """The first attempt answers the pending plan's "yes" and is then refused by SQLite: the retry still finds the plan."""
    turns = Turns(foundry, store=MemoryStore())
    proposed = turns.turn("web", "ben.carter@harbor.example", "give Omar Haddad the maintenance key")
    assert proposed["status"] == "confirm", proposed
    dialogue = turns._dialogue()
    real_turn = dialogue.turn
    refusals: list[int] = []

    def refused_once(conversation: Conversation, message: str, plan: str | None = None) -> dict[str, Any]:
        if not refusals:
            refusals.append(1)
            conversation.pending = None  # what answering the plan does, before SQLite refuses the commit
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))
        return real_turn(conversation, message, plan)

    dialogue.turn = refused_once  # type: ignore[method-assign]
    done = turns.turn("web", "ben.carter@harbor.example", "yes")
    assert refusals == [1] and done["status"] == "done", done


def test_a_request_the_database_refused_is_a_503_saying_nothing_changed(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from bot.web import concierge
    from bot.web.app import create_app

    def busy(*_args: object) -> None:
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(concierge, "person_for_token", busy)
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as client:
        answer = client.post("/api/chat", json={"message": "hi"}, headers={"Authorization": "Bearer tok"})
    assert answer.status_code == 503 and answer.headers["retry-after"] == "1"
    assert "nothing was changed" in answer.json()["detail"]


def test_a_dry_run_after_another_connections_commit_is_not_refused(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the turn's reads and its dry run another writer commits: the dry run starts a fresh transaction."""
    from access_core.models import AuditEntry
    from bot import dialogue as dialogue_module
    from bot.dialogue import Dialogue

    real_extract = dialogue_module.extract

    def extract_then_someone_writes(*args: Any, **kwargs: Any) -> Any:
        found = real_extract(*args, **kwargs)
        with foundry.engine.connect() as other:
            other.execute(AuditEntry.__table__.insert().values(at=datetime.now(UTC), op="elsewhere", detail={}))
            other.commit()
        return found

    monkeypatch.setattr(dialogue_module, "extract", extract_then_someone_writes)
    conversation = Conversation(person="ben.carter@harbor.example", now=NOW)
    dialogue = Dialogue(foundry)
    assert dialogue.turn(conversation, "give Omar Haddad the maintenance key")["status"] == "confirm"
    assert dialogue.turn(conversation, "yes")["status"] == "done"
