"""Alembic's environment: the connection and the metadata come from the caller.

``access_core.db.migrate`` passes its connection; the bootstrap (``bot.bootstrap.alembic_config``)
passes every package's metadata for autogenerate. The core names only its own tables here.
"""

from alembic import context

from access_core.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    from access_core.db import make_engine

    connection = make_engine(context.config.get_main_option("sqlalchemy.url")).connect()

context.configure(
    connection=connection,
    target_metadata=context.config.attributes.get("target_metadata", [Base.metadata]),
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
