"""orders with receipts and states; upgrade requests routed

Revision ID: 0007
Revises: 0006
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import access_core.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC_TIME = access_core.types.UTCDateTime(timezone=True)
ONE_OPEN = "state != 'closed'"


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("property_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("receipt_no", sa.String(40), nullable=True))
        batch.add_column(sa.Column("item_name", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("vendor", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("unit", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("unit_cents", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("total_cents", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("currency", sa.String(3), nullable=False, server_default="USD"))
        batch.add_column(sa.Column("requested_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("confirmed_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("fulfilled_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("cancelled_at", UTC_TIME, nullable=True))
    _fill_existing_orders()
    with op.batch_alter_table("orders") as batch:
        batch.alter_column("property_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("sequence", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("receipt_no", existing_type=sa.String(40), nullable=False)
        batch.alter_column("requested_at", existing_type=UTC_TIME, nullable=False)
        batch.create_foreign_key("fk_orders_property_id", "properties", ["property_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_orders_property_id", ["property_id"])
        batch.create_unique_constraint("uq_orders_property_id_sequence", ["property_id", "sequence"])
        batch.create_unique_constraint("uq_orders_receipt_no", ["receipt_no"])

    with op.batch_alter_table("upgrade_requests") as batch:
        batch.add_column(sa.Column("closed_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("route", sa.String(120), nullable=True))
        batch.add_column(sa.Column("routed_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("route_error", sa.String(400), nullable=True))
        batch.add_column(sa.Column("route_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("route_claimed_at", UTC_TIME, nullable=True))
    _close_duplicate_open_requests()
    op.create_index(
        "uq_upgrade_requests_one_open",
        "upgrade_requests",
        ["property_id", "upgrade"],
        unique=True,
        sqlite_where=sa.text(ONE_OPEN),
        postgresql_where=sa.text(ONE_OPEN),
    )


def _fill_existing_orders() -> None:
    """Orders made before receipts: number them per property and take today's catalog price."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT o.id, o.quantity, c.property_id, c.name, c.vendor, c.unit, c.price FROM orders o "
            "JOIN catalog_items c ON c.id = o.item_id ORDER BY c.property_id, o.id"
        )
    ).all()
    sequence: dict[int, int] = {}
    now = datetime.now(UTC)
    for order_id, quantity, property_id, name, vendor, unit, price in rows:
        sequence[property_id] = sequence.get(property_id, 0) + 1
        cents = round(float(price) * 100)
        bind.execute(
            sa.text(
                "UPDATE orders SET property_id = :p, sequence = :s, receipt_no = :r, item_name = :n, vendor = :v, unit = :u, "
                "unit_cents = :c, total_cents = :t, requested_at = :at WHERE id = :id"
            ),
            {
                "p": property_id,
                "s": sequence[property_id],
                "r": f"R-{property_id}-{sequence[property_id]}",
                "n": name,
                "v": vendor,
                "u": unit,
                "c": cents,
                "t": cents * int(quantity),
                "id": order_id,
                "at": UTC_TIME.process_bind_param(now, bind.dialect),
            },
        )


def _close_duplicate_open_requests() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, property_id, upgrade FROM upgrade_requests WHERE state != 'closed' ORDER BY id")).all()
    seen: set[tuple[int, str]] = set()
    for request_id, property_id, upgrade in rows:
        if (property_id, upgrade) in seen:
            bind.execute(sa.text("UPDATE upgrade_requests SET state = 'closed' WHERE id = :id"), {"id": request_id})
        seen.add((property_id, upgrade))


def downgrade() -> None:
    op.drop_index("uq_upgrade_requests_one_open", table_name="upgrade_requests")
    with op.batch_alter_table("upgrade_requests") as batch:
        for name in ("route_claimed_at", "route_attempts", "route_error", "routed_at", "route", "closed_at"):
            batch.drop_column(name)
    with op.batch_alter_table("orders") as batch:
        batch.drop_constraint("uq_orders_receipt_no", type_="unique")
        batch.drop_constraint("uq_orders_property_id_sequence", type_="unique")
        batch.drop_index("ix_orders_property_id")
        batch.drop_constraint("fk_orders_property_id", type_="foreignkey")
        for name in (
            "cancelled_at",
            "fulfilled_at",
            "confirmed_at",
            "requested_at",
            "currency",
            "total_cents",
            "unit_cents",
            "unit",
            "vendor",
            "item_name",
            "receipt_no",
            "sequence",
            "property_id",
        ):
            batch.drop_column(name)
