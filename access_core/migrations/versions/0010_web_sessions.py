"""web sessions kept on the server: a copied cookie stops working at sign-out or when its token is revoked

Revision ID: 0010
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import access_core.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=True),
        sa.Column("created_at", access_core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", access_core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("digest"),
    )
    op.create_index("ix_web_sessions_person_id", "web_sessions", ["person_id"])
    op.create_index("ix_web_sessions_token_digest", "web_sessions", ["token_digest"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_token_digest", table_name="web_sessions")
    op.drop_index("ix_web_sessions_person_id", table_name="web_sessions")
    op.drop_table("web_sessions")
