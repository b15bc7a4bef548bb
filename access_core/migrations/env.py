from alembic import context

from access_core.models import Base
from devices.models import DeviceBase

connection = context.config.attributes.get("connection")
if connection is None:
    from access_core.db import make_engine

    connection = make_engine(context.config.get_main_option("sqlalchemy.url")).connect()

context.configure(
    connection=connection,
    target_metadata=[Base.metadata, DeviceBase.metadata],
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
