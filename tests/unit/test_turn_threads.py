"""How many turns a serving process answers at once."""

from __future__ import annotations

import pytest

from access_core.db import Database
from bot.web.turns import turn_threads


def test_one_thread_on_sqlite_two_on_a_database_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONCIERGE_TURN_THREADS", raising=False)
    assert turn_threads(Database("sqlite://", auto_migrate=False)) == 1
    assert turn_threads(Database("postgresql+psycopg://nobody@127.0.0.1:1/none", auto_migrate=False)) == 2  # never connects
    monkeypatch.setenv("CONCIERGE_TURN_THREADS", "3")
    assert turn_threads(Database("sqlite://", auto_migrate=False)) == 3
