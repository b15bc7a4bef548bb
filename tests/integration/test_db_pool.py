"""Pooled PostgreSQL connections: one the server closed while it sat idle is replaced, not handed to a request."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from access_core import db as db_module
from access_core.db import Database

pytestmark = pytest.mark.postgres


def _kill_backends(database: Database) -> None:
    with database.engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(database.engine.url.set(query={}).render_as_string(hide_password=False))
    with admin.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_an_idle_connection_closed_by_the_server_is_replaced(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 0.0)
    fresh = Database(database.url, auto_migrate=False)
    try:
        _kill_backends(fresh)
        with fresh.session() as session:
            assert session.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        fresh.engine.dispose()


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_a_connection_used_a_moment_ago_is_not_pinged(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other side of the trade: within the idle window there is no ping, so a dead connection surfaces once."""
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 3600.0)
    fresh = Database(database.url, auto_migrate=False)
    try:
        _kill_backends(fresh)
        with pytest.raises(OperationalError), fresh.session() as session:
            session.execute(text("SELECT 1"))
        with fresh.session() as session:  # the pool was invalidated by that error: the next unit of work is fine
            assert session.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        fresh.engine.dispose()
