"""Door codes are the server's: random, long, unique in their property on their day, with no existence oracle."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from access_core import doorcodes
from access_core.commands import from_op
from access_core.db import Database, begin_writing
from access_core.lookup import property_by_name, require_person
from access_core.models import Doorcode, Key
from access_core.principal import load_principal
from access_core.services.context import Context, Outcome
from access_core.services.dispatch import execute
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token

NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
LUCIA, JANE = "lucia.romero@example.com", "jane.park@example.com"
DAY = "2026-12-02"


def run(database: Database, who: str, op: dict[str, object]) -> Outcome:
    with database.session() as session:
        begin_writing(session)  # as every writer does: SQLite's writers wait their turn
        prop = property_by_name(session, "The Foundry")
        assert prop is not None
        return execute(Context(session, load_principal(session, require_person(session, who)), NOW, prop), from_op(op))


def test_a_code_is_long_random_and_never_the_callers(foundry: Database) -> None:
    made = run(foundry, LUCIA, {"op": "create_doorcode", "key": "Resident 2A", "date": DAY, "code": "0000"})
    code = made.detail["code"]
    assert code != "0000" and code.isdigit() and len(code) == doorcodes.CODE_DIGITS == 12
    with foundry.session() as session:
        stored = session.scalar(select(Doorcode).where(Doorcode.code == code))
        assert stored is not None and stored.property_id == stored.key.property_id


def test_two_keys_of_one_property_never_share_a_code_on_a_day(foundry: Database) -> None:
    with pytest.raises(IntegrityError), foundry.session() as session:
        prop = property_by_name(session, "The Foundry")
        assert prop is not None
        lucia = require_person(session, LUCIA)
        first, second = (
            session.scalar(select(Key).where(Key.property_id == prop.id, Key.name == name)) for name in ("Resident 2A", "Common Door Key")
        )
        assert first is not None and second is not None
        for key in (first, second):
            session.add(Doorcode(code="123456789012", key_id=key.id, property_id=prop.id, granter_id=lucia.id, day=date(2026, 12, 2)))
            session.flush()


def test_a_collision_draws_again_even_between_concurrent_workers(foundry: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every worker draws the same codes in the same order: each must end up with its own, none fails."""
    drawn = threading.local()

    def same_order(digits: int = doorcodes.CODE_DIGITS) -> str:
        drawn.count = getattr(drawn, "count", 0) + 1
        return f"{drawn.count:0{digits}d}"

    monkeypatch.setattr(doorcodes, "new_code", same_order)
    ops = [("Resident 2A", LUCIA), ("Common Door Key", LUCIA), ("Resident 4B", JANE)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        made = list(pool.map(lambda kw: run(foundry, kw[1], {"op": "create_doorcode", "key": kw[0], "date": DAY}), ops))
    codes = sorted(m.detail["code"] for m in made)
    assert codes == [f"{n:012d}" for n in (1, 2, 3)]


@pytest.fixture
def client(foundry: Database) -> TestClient:
    return TestClient(create_app(foundry, store=MemoryStore(), slack=False))


def test_rest_refuses_a_chosen_code_the_same_way_whether_it_exists_or_not(client: TestClient, foundry: Database) -> None:
    lucia = {"Authorization": f"Bearer {issue_token(foundry, LUCIA)}"}
    made = client.post("/api/v1/operations", headers=lucia, json={"op": "create_doorcode", "key": "Resident 2A", "date": "2030-01-10"})
    assert made.status_code == 200, made.text
    existing = made.json()["detail"]["code"]
    assert len(existing) == 12
    answers = []
    for chosen in (existing, "000000000000", "1", 0, "x" * 40):
        answer = client.post(
            "/api/v1/operations",
            headers=lucia,
            json={"op": "create_doorcode", "key": "Common Door Key", "date": "2030-01-10", "code": chosen},
        )
        answers.append((answer.status_code, answer.json()["detail"][0]["msg"]))
    assert answers == [(422, "Value error, door codes are made by the server; send no 'code'")] * 5
    with foundry.session() as session:
        assert session.scalars(select(Doorcode.code).where(Doorcode.day == date(2030, 1, 10))).all() == [existing]


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_the_migration_keeps_one_of_each_code_a_day_and_fills_the_property(database: Database) -> None:
    """Codes made before revision 0011 could repeat across keys of a property: the later one stops working."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from access_core.db import MIGRATIONS, migrate

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
        connection.commit()
    with database.engine.begin() as conn:
        conn.execute(text("INSERT INTO portfolios (id, name) VALUES (1, 'P')"))
        conn.execute(
            text(
                "INSERT INTO properties (id, portfolio_id, name, address, timezone, features, upgrades) "
                "VALUES (7, 1, 'Old Place', '', 'America/New_York', '[]', '[]')"
            )
        )
        conn.execute(text("INSERT INTO people (id, name, email) VALUES (1, 'Pat', 'pat@example.com')"))
        conn.execute(text("INSERT INTO keys (id, property_id, name, shareable) VALUES (1, 7, 'A', true), (2, 7, 'B', true)"))
        conn.execute(
            text(
                "INSERT INTO doorcodes (id, code, key_id, granter_id, day, active) VALUES "
                "(1, '481516', 1, 1, '2026-12-02', true), (2, '481516', 2, 1, '2026-12-02', true), "
                "(3, '481516', 2, 1, '2026-12-03', true)"
            )
        )
    migrate(database.engine)
    with database.session() as session:
        rows = session.scalars(select(Doorcode).order_by(Doorcode.id)).all()
        assert [(r.property_id, r.code, r.active) for r in rows if r.id != 2] == [(7, "481516", True), (7, "481516", True)]
        assert rows[1].active is False and rows[1].code != "481516"
