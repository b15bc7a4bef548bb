"""One-way wiring: every entry point's database carries the device outbox; nothing else hears it; migrations hold."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from typer.testing import CliRunner

from access_core.db import Database
from access_core.models import Grant
from bot import bootstrap
from bot.cli import app
from devices.models import DeviceChange

SLACK_SDK_TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")
"""Kept by slack_sdk's own installation store (migration 0008), not by any of our metadata."""


def _changes(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(DeviceChange)) or 0


def _extend_first_grant(database: Database) -> None:
    with database.session() as session:
        grant = session.scalars(select(Grant).where(Grant.ends_at.is_not(None)).order_by(Grant.id)).first()
        assert grant is not None and grant.ends_at is not None
        grant.ends_at += timedelta(days=1)


def test_the_bootstraps_database_writes_device_changes_and_a_bare_one_does_not(foundry: Database) -> None:
    bootstrap.web_app(foundry, slack=False)  # building the web app once switched a hook on for every session
    bare = Database(foundry.url, auto_migrate=False)
    before = _changes(foundry)
    _extend_first_grant(bare)
    assert _changes(foundry) == before
    _extend_first_grant(foundry)
    assert _changes(foundry) == before + 1
    bare.engine.dispose()


def test_a_cli_command_writes_device_changes(tmp_path: Path) -> None:
    from conftest import fixture_file

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(app, ["load", str(fixture_file()), "--db", url])
    assert result.exit_code == 0, result.output
    database = Database(url)
    assert _changes(database) > 0
    database.engine.dispose()


def test_a_database_named_by_its_file_path_is_that_sqlite_file(tmp_path: Path) -> None:
    from conftest import fixture_file

    path = tmp_path / "by-path.db"
    result = CliRunner().invoke(app, ["load", str(fixture_file()), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0


@pytest.mark.parametrize("url", ["no-such-driver+x://", "{tmp}/missing/folder/x.db"])
def test_a_database_that_cannot_be_opened_is_one_clear_line(tmp_path: Path, url: str) -> None:
    from conftest import fixture_file

    result = CliRunner().invoke(app, ["load", str(fixture_file()), "--db", url.format(tmp=tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "Traceback" not in result.output, result.output


def test_the_migrations_build_every_table_of_every_package(database: Database) -> None:
    """From empty (the fixture's database was migrated by the bootstrap), on SQLite and PostgreSQL."""
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = [
            d
            for d in compare_metadata(context, list(bootstrap.METADATA))  # type: ignore[arg-type]
            if not any(name in str(d) for name in SLACK_SDK_TABLES)
        ]
    assert differences == []


def test_create_app_takes_a_database_built_by_the_bootstrap() -> None:
    from bot.web.app import create_app

    with pytest.raises(TypeError):
        create_app()  # type: ignore[call-arg]


def test_the_unit_of_work_commits_only_when_told_and_carries_the_wiring(foundry: Database) -> None:
    before = _changes(foundry)
    with foundry.unit_of_work() as uow:
        grant = uow.session.scalars(select(Grant).where(Grant.ends_at.is_not(None)).order_by(Grant.id)).first()
        assert grant is not None and grant.ends_at is not None
        grant.ends_at += timedelta(days=1)
        uow.session.flush()
    assert _changes(foundry) == before  # left without commit: rolled back, the outbox row with it
    with foundry.unit_of_work() as uow:
        grant = uow.session.scalars(select(Grant).where(Grant.ends_at.is_not(None)).order_by(Grant.id)).first()
        assert grant is not None and grant.ends_at is not None
        grant.ends_at += timedelta(days=1)
        uow.commit()
        assert uow.doors_of_keys([grant.key_id])  # the rules' reads, through the same session
    assert _changes(foundry) == before + 1


def test_published_events_reach_subscribers_after_commit_and_never_from_a_rolled_back_dry_run(tmp_path: Path) -> None:
    from access_core.events import UpgradeRequested
    from access_core.uow import Wiring, publish

    heard: list[int] = []
    wiring = Wiring(subscribers={UpgradeRequested: (lambda _engine, events: heard.extend(e.request_id for e in events),)})
    database = Database(f"sqlite:///{tmp_path / 'events.db'}", wiring=wiring)
    with database.session() as session:
        session.execute(select(1))
        dry_run = session.begin_nested()
        publish(session, UpgradeRequested(1))
        dry_run.rollback()
        publish(session, UpgradeRequested(2))
        assert heard == []  # not before the commit
    assert heard == [2]
    with pytest.raises(RuntimeError), database.session() as session:
        session.execute(select(1))
        publish(session, UpgradeRequested(3))
        raise RuntimeError("the unit of work fails")
    with database.session() as session:
        session.execute(select(1))
    assert heard == [2]
    database.engine.dispose()


class _Spy:
    """A flush watcher that only counts what it is shown."""

    def __init__(self) -> None:
        self.flushes = 0
        self.bulk = 0

    def after_flush(self, session: object) -> None:
        self.flushes += 1

    def bulk_statement(self, state: object) -> None:
        self.bulk += 1


def test_a_tried_plan_shows_the_flush_watchers_nothing_and_an_executed_one_does(foundry: Database) -> None:
    """A dry run's savepoint is always rolled back: the device outbox has nothing to describe, nor a row to write."""
    from datetime import datetime

    from access_core.commands import from_op
    from access_core.lookup import require_person
    from access_core.models import Property
    from access_core.principal import load_principal
    from access_core.services import dispatch
    from access_core.services.context import Context
    from access_core.uow import Wiring

    spy = _Spy()
    spied = Database(foundry.url, auto_migrate=False, wiring=Wiring(watchers=(spy,)))
    plan = [from_op({"op": "grant_key", "person": "carla.diaz@harbor.example", "key": "Maintenance Key", "resident": False})]
    with spied.session() as session:
        prop = session.scalars(select(Property).order_by(Property.id)).first()
        assert prop is not None
        ben = require_person(session, "ben.carter@harbor.example")
        ctx = Context(session, load_principal(session, ben), datetime.fromisoformat("2026-12-01T10:00:00-05:00"), prop)
        spy.flushes = spy.bulk = 0  # the reads above
        dispatch.try_operations(ctx, plan)
        assert (spy.flushes, spy.bulk) == (0, 0)
        dispatch.execute_all(ctx, plan, spend=False)
        session.flush()
        assert spy.flushes + spy.bulk > 0
        session.rollback()
    spied.engine.dispose()
