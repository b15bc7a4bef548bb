"""The one place that wires a process: the database with its unit-of-work collaborators, the device bus, the web app.

Every entry point (the web app factory, the `concierge` commands, the device relay and simulator, the
workers, `concierge sales`, the benchmarks) builds what it needs here, so none can forget
the device outbox or the sales routing. This module may import every layer; nothing imports it but
entry points (and the tests, which build what the entry points build).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData

from access_core import db, schema
from access_core.events import PropertyAlert, UpgradeRequested
from access_core.uow import Wiring
from bot import lockdown_alerts
from bot.web.models import ChannelBase
from concierge_catalog import sales
from devices.bus import Bus, make_bus
from devices.models import DeviceBase
from devices.outbox import DeviceOutbox

if TYPE_CHECKING:
    from alembic.config import Config
    from fastapi import FastAPI

METADATA: tuple[MetaData, ...] = (schema.metadata(), DeviceBase.metadata, ChannelBase.metadata)
"""Every table the migrations create: the core's, the device fleet's, the channels'."""


def wiring() -> Wiring:
    """What every unit of work carries: the device outbox on each flush; once committed, sales hear of upgrade
    requests and the managers (on Slack) of lockdowns."""
    return Wiring(
        watchers=(DeviceOutbox(),), subscribers={UpgradeRequested: (sales.route_requested,), PropertyAlert: (lockdown_alerts.deliver,)}
    )


def database(url: str | None = None, *, auto_migrate: bool = True) -> db.Database:
    """The database of ``url`` (``--db``, else ``DATABASE_URL``, else ./concierge.db), migrated and wired."""
    return db.Database(url, auto_migrate=auto_migrate, wiring=wiring())


def bus() -> Bus:
    """The device bus: Redis Streams with ``REDIS_URL``, else in-process."""
    return make_bus()


def web_app(database_: db.Database | None = None, **options: Any) -> FastAPI:
    """The ASGI app over a wired database (``bot.web.app.create_app``'s options pass through)."""
    from bot.web.app import create_app

    return create_app(database_ or database(), **options)


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration with every package's metadata (for ``alembic revision --autogenerate``)."""
    return db.alembic_config(url, METADATA)
