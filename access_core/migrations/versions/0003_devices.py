"""device fleet: change outbox, door versions, device messages, event inbox, alerts

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import access_core.types

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = access_core.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "device_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("compiled_at", UTC, nullable=True),
    )
    op.create_index("ix_device_changes_pending", "device_changes", ["compiled_at", "id"])
    op.create_table(
        "device_doors",
        sa.Column("door_id", sa.Integer(), sa.ForeignKey("doors.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("property_id", sa.Integer(), sa.ForeignKey("properties.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("acked_version", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", UTC, nullable=True),
    )
    op.create_index("ix_device_doors_property_id", "device_doors", ["property_id"])
    op.create_table(
        "device_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.String(64), nullable=False, unique=True),
        sa.Column("property_id", sa.Integer(), sa.ForeignKey("properties.id", ondelete="CASCADE"), nullable=False),
        sa.Column("door_id", sa.Integer(), sa.ForeignKey("doors.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("published_at", UTC, nullable=True),
        sa.UniqueConstraint("door_id", "version"),
    )
    op.create_index("ix_device_messages_unpublished", "device_messages", ["published_at", "id"])
    op.create_table(
        "device_inbox",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("processed_at", UTC, nullable=False),
    )
    op.create_table(
        "device_alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("property_id", sa.Integer(), sa.ForeignKey("properties.id", ondelete="CASCADE"), nullable=False),
        sa.Column("door_id", sa.Integer(), sa.ForeignKey("doors.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("notify", sa.JSON(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_device_alerts_property_id", "device_alerts", ["property_id"])


def downgrade() -> None:
    for table in ("device_alerts", "device_inbox", "device_messages", "device_doors", "device_changes"):
        op.drop_table(table)
