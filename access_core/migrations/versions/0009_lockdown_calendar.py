"""exception days, lockdowns and property events; property country/subdivision; lockdown-exempt keys

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import access_core.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC_TIME = access_core.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("properties") as batch:
        batch.add_column(sa.Column("country", sa.String(2), nullable=True))
        batch.add_column(sa.Column("subdivision", sa.String(8), nullable=True))
    with op.batch_alter_table("keys") as batch:
        batch.add_column(sa.Column("lockdown_exempt", sa.Boolean(), nullable=False, server_default=sa.text("false")))
    op.create_table(
        "exception_days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("property_id", sa.Integer(), sa.ForeignKey("properties.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("door_ids", sa.JSON(), nullable=True),
    )
    op.create_index("ix_exception_days_property_day", "exception_days", ["property_id", "day"])
    op.create_table(
        "lockdowns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("property_id", sa.Integer(), sa.ForeignKey("properties.id", ondelete="CASCADE"), nullable=False),
        sa.Column("door_ids", sa.JSON(), nullable=True),
        sa.Column("reason", sa.String(400), nullable=True),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("started_by_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.Column("ended_by_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index("ix_lockdowns_property_ended", "lockdowns", ["property_id", "ended_at"])
    op.create_table(
        "property_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("property_id", sa.Integer(), sa.ForeignKey("properties.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("door_ids", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_property_events_property_at", "property_events", ["property_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_property_events_property_at", table_name="property_events")
    op.drop_table("property_events")
    op.drop_index("ix_lockdowns_property_ended", table_name="lockdowns")
    op.drop_table("lockdowns")
    op.drop_index("ix_exception_days_property_day", table_name="exception_days")
    op.drop_table("exception_days")
    with op.batch_alter_table("keys") as batch:
        batch.drop_column("lockdown_exempt")
    with op.batch_alter_table("properties") as batch:
        batch.drop_column("subdivision")
        batch.drop_column("country")
