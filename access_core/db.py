"""Engines, sessions and migrations: an SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, MetaData, create_engine, event, inspect
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from access_core.uow import SqlUnitOfWork, Wiring

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_URL = "sqlite:///concierge.db"
T = TypeVar("T")
SQLITE_IMMEDIATE = "concierge_sqlite_begin_immediate"
SQLITE_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, 517}  # 517: SQLITE_BUSY_SNAPSHOT
IDLE_PING_SECONDS = 10.0
"""A pooled server connection idle longer than this is checked before use (a busy one is not: no round trip per request)."""
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(explicit: str | None = None) -> str:
    """`--db`, else `DATABASE_URL`, else the SQLite file in the working folder."""
    url = explicit or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if "://" not in url:  # a file path: the embedded default in that file
        url = "sqlite:///" + os.path.expanduser(url)
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url)
    event.listen(engine, "checkin", _checked_in)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


def _checked_in(_dbapi_connection: object, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: object) -> None:
    """Pessimistic disconnect handling for connections that sat idle (the server may have closed them meanwhile).

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout, a round trip per unit of work; a connection
    used a moment ago is alive, and if the server went away since, the pool is invalidated on the error.
    """
    idle_since = record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:  # any failure: let the pool replace this connection
        raise DisconnectionError(str(exc)) from exc


def _sqlite_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get(SQLITE_IMMEDIATE)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_writing(session: Session) -> None:
    """About to write after reading: on SQLite, take the write lock now, in a fresh transaction.

    A deferred SQLite transaction that read and then writes fails at once (its snapshot is stale) when
    another connection committed in between, whatever the busy timeout. Ending the read-only transaction
    and beginning the next with ``BEGIN IMMEDIATE`` makes a concurrent writer wait its turn instead.
    Only for a session that has written nothing yet; elsewhere (PostgreSQL) nothing changes.
    """
    if session.get_bind().dialect.name != "sqlite" or session.new or session.dirty or session.deleted:
        return
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={SQLITE_IMMEDIATE: True})


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN itself.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(url: str | None = None, metadata: Sequence[MetaData] = ()) -> Config:
    """Alembic's configuration for our migrations; ``metadata`` (every package's, for autogenerate) from the bootstrap."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", database_url(url))
    if metadata:
        config.attributes["target_metadata"] = list(metadata)
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is there)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # SQLite's batch migrations copy a table and drop the old one: no cascade may follow the drop
            _foreign_keys(connection, on=False)  # outside any transaction, where SQLite honours it
        try:
            if MigrationContext.configure(connection).get_current_revision() == head:
                return
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                _foreign_keys(connection, on=True)


def _foreign_keys(connection: Connection, *, on: bool) -> None:
    connection.connection.dbapi_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")  # type: ignore[union-attr]


def is_migrated(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")


class Database:
    """One database: its engine and a session factory with its wiring; migrated on first use.

    Entry points build it through ``bot.bootstrap``, which gives the wiring (the device outbox, the
    subscribers of published events); a Database built without it changes the core and nothing else.
    """

    def __init__(self, url: str | None = None, *, auto_migrate: bool = True, wiring: Wiring | None = None) -> None:
        self.url = database_url(url)
        self.engine = make_engine(self.url)
        if auto_migrate:
            migrate(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.wiring = wiring or Wiring()
        self.wiring.attach(self.sessions)

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error (the block may commit early too)."""
        with self.sessions() as session:
            try:
                yield session
            except BaseException:
                session.rollback()
                raise
            session.commit()


def is_busy(exc: BaseException) -> bool:
    """SQLite refused the transaction: another connection holds the write lock, or committed since this one read.

    In WAL mode a transaction that read and then writes after another connection's commit fails at once
    (its snapshot is stale) whatever the busy timeout; the whole unit of work must start again.
    """
    original = getattr(exc, "orig", None)
    if not isinstance(exc, OperationalError) or not isinstance(original, sqlite3.OperationalError):
        return False
    code = getattr(original, "sqlite_errorcode", None)
    return code in SQLITE_BUSY_CODES or "database is locked" in str(original)


def retry_busy(work: Callable[[], T], *, attempts: int = 8) -> T:
    """Run a unit of work again (after a short random pause) while SQLite says it is busy.

    Only for work whose transaction is its only effect until it commits: a refused one was rolled back whole.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except OperationalError as exc:
            if attempt == attempts or not is_busy(exc):
                raise
            time.sleep(random.uniform(0.001, 0.005) * attempt)
    raise AssertionError("unreachable")
