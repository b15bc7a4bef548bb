"""door codes unique per property and day; per-person caps on amenity and experience places

Revision ID: 0011
Revises: 0008
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("doorcodes") as batch:
        batch.add_column(sa.Column("property_id", sa.Integer(), nullable=True))
    op.execute("UPDATE doorcodes SET property_id = (SELECT keys.property_id FROM keys WHERE keys.id = doorcodes.key_id)")
    _retire_duplicates()
    with op.batch_alter_table("doorcodes") as batch:
        batch.alter_column("property_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key("fk_doorcodes_property_id", "properties", ["property_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_doorcodes_property_id", ["property_id"])
        batch.create_unique_constraint("uq_doorcodes_property_day_code", ["property_id", "day", "code"])
    with op.batch_alter_table("amenities") as batch:
        batch.add_column(sa.Column("max_places_per_person", sa.Integer(), nullable=True))
    with op.batch_alter_table("catalog_items") as batch:
        batch.add_column(sa.Column("max_places_per_person", sa.Integer(), nullable=True))


def _retire_duplicates() -> None:
    """Codes made before this revision could repeat across keys of one property on one day: the later ones stop
    working (made inactive, their code replaced by one no keypad can type) so the new constraint holds."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, property_id, day, code FROM doorcodes ORDER BY id")).all()
    seen: set[tuple[object, object, str]] = set()
    for row_id, property_id, day, code in rows:
        if (property_id, day, code) in seen:
            bind.execute(
                sa.text("UPDATE doorcodes SET active = :off, code = :code WHERE id = :id"),
                {"off": False, "code": f"x-{secrets.token_hex(6)}", "id": row_id},
            )
        seen.add((property_id, day, code))


def downgrade() -> None:
    with op.batch_alter_table("catalog_items") as batch:
        batch.drop_column("max_places_per_person")
    with op.batch_alter_table("amenities") as batch:
        batch.drop_column("max_places_per_person")
    with op.batch_alter_table("doorcodes") as batch:
        batch.drop_constraint("uq_doorcodes_property_day_code", type_="unique")
        batch.drop_index("ix_doorcodes_property_id")
        batch.drop_constraint("fk_doorcodes_property_id", type_="foreignkey")
        batch.drop_column("property_id")
