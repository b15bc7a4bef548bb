"""The core's tables as one ``MetaData``: what migrations and schema creation need, without naming a model."""

from __future__ import annotations

from sqlalchemy import MetaData

from access_core.models import Base


def metadata() -> MetaData:
    """The core's tables (the bootstrap names every package's: the core's, the devices', the channels')."""
    return Base.metadata
