"""Concierge Pro intercom calls, their events and unlocks

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import access_core.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC_TIME = access_core.types.UTCDateTime(timezone=True)
ANSWERED = "state = 'answered'"


def upgrade() -> None:
    op.create_table(
        "intercom_calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sid", sa.String(64), nullable=False, unique=True),
        sa.Column("property_id", sa.Integer(), sa.ForeignKey("properties.id", ondelete="CASCADE"), nullable=False),
        sa.Column("door_id", sa.Integer(), sa.ForeignKey("doors.id", ondelete="SET NULL"), nullable=True),
        sa.Column("caller", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=True),
        sa.Column("heard", sa.String(400), nullable=True),
        sa.Column("visiting_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("prompts", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("snapshot", sa.String(200), nullable=True),
        sa.Column("ringing_at", UTC_TIME, nullable=False),
        sa.Column("queued_at", UTC_TIME, nullable=True),
        sa.Column("answered_at", UTC_TIME, nullable=True),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.Column("caller_left_at", UTC_TIME, nullable=True),
        sa.Column("note", sa.String(1000), nullable=False),
    )
    op.create_index("ix_intercom_calls_property_state", "intercom_calls", ["property_id", "state"])
    op.create_index(
        "uq_intercom_calls_one_per_agent",
        "intercom_calls",
        ["agent_id"],
        unique=True,
        sqlite_where=sa.text(ANSWERED),
        postgresql_where=sa.text(ANSWERED),
    )
    op.create_table(
        "intercom_call_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("intercom_calls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("door_id", sa.Integer(), sa.ForeignKey("doors.id", ondelete="SET NULL"), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_intercom_call_events_call_id", "intercom_call_events", ["call_id"])
    op.create_table(
        "intercom_call_summaries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("intercom_calls.id", ondelete="CASCADE"), nullable=False, unique=True),
        sa.Column("property_id", sa.Integer(), sa.ForeignKey("properties.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("text", sa.String(4000), nullable=False),
        sa.Column("notify", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.Column("send_error", sa.String(400), nullable=True),
    )
    op.create_index("ix_intercom_call_summaries_property_id", "intercom_call_summaries", ["property_id"])
    op.create_table(
        "intercom_snapshots",
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("intercom_calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("taken_at", UTC_TIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("intercom_snapshots")
    op.drop_index("ix_intercom_call_summaries_property_id", table_name="intercom_call_summaries")
    op.drop_table("intercom_call_summaries")
    op.drop_index("ix_intercom_call_events_call_id", table_name="intercom_call_events")
    op.drop_table("intercom_call_events")
    op.drop_index("uq_intercom_calls_one_per_agent", table_name="intercom_calls")
    op.drop_index("ix_intercom_calls_property_state", table_name="intercom_calls")
    op.drop_table("intercom_calls")
