"""events in time order: an index on (at, id) for "the first events of a day" across many doors

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_at_id", "activity_events", ["at", "id"])


def downgrade() -> None:
    op.drop_index("ix_events_at_id", table_name="activity_events")
