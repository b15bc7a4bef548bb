"""Shared fixtures: a database per test, on SQLite and on PostgreSQL, with a property loaded."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from access_core.db import Database
from bot import bootstrap

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FOUNDRY = SHARED / "fixtures" / "foundry.yaml"
DEMO = ROOT / "demo" / "foundry.yaml"
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NOW = datetime.fromisoformat("2026-12-01T10:00:00-05:00")


def fixture_file() -> Path:
    return FOUNDRY if FOUNDRY.exists() else DEMO


def _pg_url(worker: str) -> tuple[str, str]:
    safe = re.sub(r"\W", "_", worker)
    schema = f"t_{safe}_{os.getpid()}"
    return f"{PG_URL}?options=-csearch_path%3D{schema}", schema


def _drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


_PG_DATABASES: dict[str, Database] = {}


def _postgres(worker: str) -> Database:
    if worker not in _PG_DATABASES:
        url, schema = _pg_url(worker)
        from sqlalchemy import create_engine

        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        _PG_DATABASES[worker] = bootstrap.database(url)
        import atexit

        atexit.register(_drop_schema, schema)
    return _PG_DATABASES[worker]


def _empty(database: Database) -> None:
    names = ", ".join(t.name for metadata in bootstrap.METADATA for t in metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(autouse=True)
def _no_rate_limits_left_behind() -> Iterator[None]:
    """A test's server installs per-person limits for the process (access_core.budgets): none outlive the test."""
    yield
    from access_core import budgets

    budgets.install(None)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database: an SQLite file, or a PostgreSQL schema of this worker."""
    if request.param == "sqlite":
        db = bootstrap.database(f"sqlite:///{tmp_path / 'test.db'}")
        yield db
        db.engine.dispose()
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    db = _postgres(worker)
    _empty(db)
    yield db


@pytest.fixture
def foundry(database: Database) -> Database:
    """The worked property of shared/fixtures loaded into the test database."""
    from access_core.loader import load_property_file

    with database.session() as session:
        load_property_file(session, fixture_file())
    return database


MAPLE = ROOT / "tests" / "fixtures" / "maple.yaml"


@pytest.fixture
def maple(database: Database) -> Database:
    """A second property (other names, Pacific time) for generality tests."""
    from access_core.loader import load_property_file

    with database.session() as session:
        load_property_file(session, MAPLE)
    return database


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The foundry in a database of the test module's own (an SQLite file or a PostgreSQL schema),
    loaded once; pair it with ``session`` to roll every test back."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    if request.param == "sqlite":
        db = bootstrap.database(f"sqlite:///{tmp_path_factory.mktemp(name) / 'foundry.db'}")
    else:
        url, schema = _pg_url(f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{name}")
        _drop_schema(schema)
        _admin(f"CREATE SCHEMA {schema}")
        db = bootstrap.database(url)
    from access_core.loader import load_property_file

    with db.session() as session:
        load_property_file(session, fixture_file())
    yield db
    db.engine.dispose()
    if request.param == "postgres":
        _drop_schema(schema)


def _admin(sql: str) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(sql))
    admin.dispose()


@pytest.fixture
def session(loaded: Database) -> Iterator[Session]:
    """A session inside a transaction that is always rolled back."""
    with loaded.engine.connect() as conn:
        outer = conn.begin()
        with Session(bind=conn, join_transaction_mode="create_savepoint") as s:
            yield s
        outer.rollback()
