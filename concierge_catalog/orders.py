"""Orders as people read them: receipts, lists and finding the order a message means.

Who sees what (``access_core.policy``): everyone their own orders; the property's full managers
and portfolio managers all of its orders; managers who handle orders (P, F, L) may look them up
to confirm, fulfil or decline them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access_core import policy
from access_core.errors import NotFound, Refused
from access_core.models import Order, Property
from access_core.money import money
from access_core.principal import Principal
from access_core.sources import zone
from access_core.timefmt import moment_text
from access_core.views import Ordered, Site

RECEIPT = re.compile(r"\b[Rr]-?(\d+)-(\d+)\b")
OPEN_STATES = ("requested", "confirmed")


def receipt_in(text: str) -> str | None:
    """A receipt number written in a message ("R-1-3", "r1-3"), in its canonical form."""
    match = RECEIPT.search(text)
    return f"R-{match.group(1)}-{match.group(2)}" if match else None


def receipt(order: Ordered, prop: Site) -> dict[str, Any]:
    """Everything a receipt shows; times in the property's zone."""
    tz = zone(prop.timezone)

    def local(moment: datetime | None) -> str | None:
        return moment.astimezone(tz).isoformat() if moment is not None else None

    return {
        "receipt": order.receipt_no,
        "order_id": order.id,
        "property": prop.name,
        "item": order.item_name,
        "kind": order.item.kind,
        "vendor": order.vendor,
        "unit": order.unit,
        "buyer": order.person.handle,
        "buyer_name": order.person.label,
        "when": local(order.starts_at),
        "quantity": order.quantity,
        "unit_price": f"{order.unit_cents / 100:.2f}",
        "total": f"{order.total_cents / 100:.2f}",
        "currency": order.currency,
        "state": order.state,
        "requested_at": local(order.requested_at),
        "confirmed_at": local(order.confirmed_at),
        "fulfilled_at": local(order.fulfilled_at),
        "cancelled_at": local(order.cancelled_at),
    }


def receipt_text(order: Ordered, prop: Site) -> str:
    tz = zone(prop.timezone)
    when = f", {moment_text(order.starts_at, tz)}" if order.starts_at else ""
    vendor = f" from {order.vendor}" if order.vendor else ""
    return (
        f"Receipt {order.receipt_no}: {order.item_name}{vendor}{when}; {order.quantity} x {money(order.unit_cents, order.currency)} = "
        f"{money(order.total_cents, order.currency)} {order.currency}; {order.state} (ordered {moment_text(order.requested_at, tz)})."
    )


def line(order: Ordered, prop: Site) -> str:
    tz = zone(prop.timezone)
    when = f" {moment_text(order.starts_at, tz)}" if order.starts_at else ""
    return (
        f"{order.receipt_no}: {order.item_name}{when} for {order.person.label}, {money(order.total_cents, order.currency)}, {order.state}"
    )


def find(
    session: Session,
    prop: Site,
    *,
    buyer_id: int | None = None,
    item: str | None = None,
    states: Iterable[str] | None = None,
    receipt_no: str | None = None,
) -> list[Ordered]:
    """Orders at the property, newest first (no permission check: callers below check)."""
    query = select(Order).where(Order.property_id == prop.id)
    if buyer_id is not None:
        query = query.where(Order.person_id == buyer_id)
    if item:
        query = query.where(func.lower(Order.item_name) == item.lower())
    if states is not None:
        query = query.where(Order.state.in_(list(states)))
    if receipt_no:
        query = query.where(func.upper(Order.receipt_no) == receipt_no.upper())
    return list(session.scalars(query.order_by(Order.sequence.desc())))


def my_orders(session: Session, principal: Principal, prop: Site, **where: Any) -> list[Ordered]:
    return find(session, prop, buyer_id=principal.person_id, **where)


def property_orders(session: Session, principal: Principal, prop: Site, **where: Any) -> list[Ordered]:
    policy.require_order_view(principal, prop)
    return find(session, prop, **where)


def orders_to_handle(session: Session, principal: Principal, prop: Site, **where: Any) -> list[Ordered]:
    """For confirming, fulfilling or declining: the managers who handle orders (P, F, L)."""
    policy.require_order_handling(principal, prop)
    return find(session, prop, **where)


def may_view_all(principal: Principal, prop: Site) -> bool:
    try:
        policy.require_order_view(principal, prop)
    except Refused:
        return False
    return True


def listing(session: Session, principal: Principal, prop: Site, *, everyone: bool | None = None) -> list[dict[str, Any]]:
    """The caller's orders, or the property's (default for those who may see them all)."""
    everyone = may_view_all(principal, prop) if everyone is None else everyone
    found = property_orders(session, principal, prop) if everyone else my_orders(session, principal, prop)
    return [receipt(o, prop) for o in found]


def order_by_ref(session: Session, principal: Principal, prop: Site, ref: str) -> Ordered:
    """One order, by receipt number or order id, for its buyer, P and F."""
    found = (
        find(session, prop, receipt_no=ref)
        if not ref.isdigit()
        else [o for o in [session.get(Order, int(ref))] if o is not None and o.property_id == prop.id]
    )
    if not found:
        raise NotFound("order", ref)
    policy.require_own_order_or_view(principal, prop, found[0].person_id)
    return found[0]


def order_receipt(session: Session, principal: Principal, prop: Property, ref: str) -> dict[str, Any]:
    return receipt(order_by_ref(session, principal, prop, ref), prop)
