"""Amenity reservations; service bookings and experiences as orders with states and receipts; upgrade requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from access_core import policy
from access_core.decide import NO_RULES, DoorRules
from access_core.errors import Invalid, NotFound
from access_core.exception_days import amenity_rules, closed_day_in
from access_core.models import Amenity, CatalogItem, Order, Property, Reservation, UpgradeRequest
from access_core.schedule import parse_schedule
from access_core.services.context import Context, Outcome, moment
from access_core.timefmt import moment_text, when


def _amenity(ctx: Context, name: Any, *, lock: bool = False) -> Amenity:
    query = select(Amenity).where(Amenity.property_id == ctx.prop.id, func.lower(Amenity.name) == str(name or "").lower())
    if lock:
        query = query.with_for_update()
    amenity = ctx.session.scalar(query)
    if amenity is None:
        raise NotFound("amenity", str(name))
    return amenity


def reservation_problem(ctx: Context, amenity: Amenity, starts: Any, ends: Any) -> str | None:
    """Why this slot can't be booked (DOMAIN "Catalog"), or None."""
    if not amenity.reservable:
        return f"{amenity.name} can't be reserved."
    if ends <= starts:
        return "A reservation must end after it starts."
    if starts < ctx.now:
        return "That time has already passed."
    hours = (ends - starts).total_seconds() / 3600
    if amenity.max_hours is not None and hours > amenity.max_hours + 1e-9:
        return f"{amenity.name} can be booked for at most {amenity.max_hours:g} hours at a time."
    rules = amenity_rules(ctx.session, amenity)
    if (closed := closed_day_in(rules, starts.astimezone(ctx.tz), ends.astimezone(ctx.tz))) is not None:
        return f"{amenity.name} is closed on {closed:%a %-d %b %Y}."
    schedule = parse_schedule(amenity.hours)
    if schedule is not None and not _inside(schedule, starts.astimezone(ctx.tz), ends.astimezone(ctx.tz), rules):
        return f"{amenity.name} is open {amenity.hours}; that slot falls outside its hours."
    return None


def _inside(schedule: Any, starts: Any, ends: Any, rules: DoorRules = NO_RULES) -> bool:
    from datetime import timedelta

    step, probe = timedelta(minutes=15), starts
    while probe < ends:
        if rules.schedule_failure(schedule, probe):
            return False
        probe += step
    last = ends - timedelta(minutes=1)
    return rules.schedule_failure(schedule, last) is None


def reserve_amenity(ctx: Context, op: dict[str, Any]) -> Outcome:
    policy.require_resident_services(ctx.session, ctx.principal, ctx.prop, ctx.now)
    amenity = _amenity(ctx, op.get("amenity"), lock=True)
    starts, ends = moment(op.get("starts_at"), "starts_at"), moment(op.get("ends_at"), "ends_at")
    if starts is None or ends is None:
        raise Invalid("starts_at", f"When would you like {amenity.name}?")
    problem = reservation_problem(ctx, amenity, starts, ends)
    if problem:
        raise Invalid("starts_at", problem)
    overlapping = ctx.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.amenity_id == amenity.id, Reservation.cancelled.is_(False),
        Reservation.starts_at < ends, Reservation.ends_at > starts))
    if (overlapping or 0) >= amenity.capacity:
        raise Invalid("starts_at", f"{amenity.name} is fully booked then ({amenity.capacity} at a time).")
    reservation = Reservation(amenity_id=amenity.id, person_id=ctx.principal.person_id, starts_at=starts, ends_at=ends)
    ctx.session.add(reservation)
    ctx.session.flush()
    ctx.audit("reserve_amenity", amenity=amenity.name, starts_at=starts.isoformat())
    return Outcome(f"Reserved {amenity.name} {when(starts, ends, ctx.tz)}.",
                   [{"op": "cancel_reservation", "reservation_id": reservation.id}], {"reservation": reservation.id})


def cancel_reservation(ctx: Context, op: dict[str, Any]) -> Outcome:
    query = select(Reservation).where(Reservation.person_id == ctx.principal.person_id, Reservation.cancelled.is_(False))
    if op.get("reservation_id"):
        query = query.where(Reservation.id == op["reservation_id"])
    else:
        query = query.where(Reservation.amenity_id == _amenity(ctx, op.get("amenity")).id, Reservation.ends_at > ctx.now)
        starts = moment(op.get("starts_at"), "starts_at")
        if starts is not None:
            query = query.where(Reservation.starts_at == starts)
    found = ctx.session.scalars(query.order_by(Reservation.starts_at)).all()
    if not found:
        raise Invalid("amenity", "You have no reservation like that.")
    if len(found) > 1:
        raise Invalid("starts_at", "Which one? " + "; ".join(moment_text(r.starts_at, ctx.tz) for r in found))
    found[0].cancelled = True
    ctx.session.flush()
    ctx.audit("cancel_reservation", reservation=found[0].id)
    return Outcome(f"Cancelled your {found[0].amenity.name} reservation.")


def _item(ctx: Context, kind: str, name: Any) -> CatalogItem:
    item = ctx.session.scalar(select(CatalogItem).where(
        CatalogItem.property_id == ctx.prop.id, CatalogItem.kind == kind,
        func.lower(CatalogItem.name) == str(name or "").lower()).with_for_update())
    if item is None:
        raise NotFound(kind, str(name))
    return item


def money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def _next_sequence(ctx: Context) -> int:
    """The property's next receipt number; its row is locked so two orders never share one (PostgreSQL)."""
    ctx.session.execute(select(Property.id).where(Property.id == ctx.prop.id).with_for_update())
    last = ctx.session.scalar(select(func.max(Order.sequence)).where(Order.property_id == ctx.prop.id))
    return int(last or 0) + 1


def _place(ctx: Context, item: CatalogItem, *, quantity: int, starts: datetime | None, state: str) -> Order:
    """An order with the item's price as it is now and the property's next receipt number."""
    sequence = _next_sequence(ctx)
    unit_cents = round(item.price * 100)
    order = Order(item_id=item.id, person_id=ctx.principal.person_id, property_id=ctx.prop.id, starts_at=starts,
                  quantity=quantity, state="requested", sequence=sequence, receipt_no=f"R-{ctx.prop.id}-{sequence}",
                  item_name=item.name, vendor=item.vendor, unit=item.unit, unit_cents=unit_cents,
                  total_cents=unit_cents * quantity, currency="USD", requested_at=ctx.now)
    if state != "requested":
        order.move_to(state, ctx.now)
    ctx.session.add(order)
    ctx.session.flush()
    return order


def book_service(ctx: Context, op: dict[str, Any]) -> Outcome:
    """A service booking starts ``requested``; a manager (or the vendor) confirms it."""
    policy.require_resident_services(ctx.session, ctx.principal, ctx.prop, ctx.now)
    item = _item(ctx, "service", op.get("service"))
    starts = moment(op.get("starts_at"), "starts_at")
    if starts is not None and starts < ctx.now:
        raise Invalid("starts_at", "That time has already passed.")
    order = _place(ctx, item, quantity=1, starts=starts, state="requested")
    ctx.audit("book_service", service=item.name, order=order.id, receipt=order.receipt_no)
    at = f" for {moment_text(starts, ctx.tz)}" if starts else ""
    return Outcome(f"Requested {item.name} from {item.vendor}{at} ({money(order.unit_cents)} per {item.unit}); "
                   f"receipt {order.receipt_no}, waiting for confirmation.",
                   [{"op": "cancel_order", "order": order.receipt_no}], {"order": order.id, "receipt": order.receipt_no})


def buy_experience(ctx: Context, op: dict[str, Any]) -> Outcome:
    """Places are taken under a lock on the experience, so it never sells past its capacity; confirmed at once."""
    policy.require_resident_services(ctx.session, ctx.principal, ctx.prop, ctx.now)
    item = _item(ctx, "experience", op.get("experience"))
    quantity = int(op.get("quantity") or 1)
    if quantity < 1:
        raise Invalid("quantity", "How many places?")
    sold = ctx.session.scalar(select(func.coalesce(func.sum(Order.quantity), 0)).where(
        Order.item_id == item.id, Order.state != "cancelled")) or 0
    if item.capacity is not None and sold + quantity > item.capacity:
        raise Invalid("quantity", f"{item.name} has {max(item.capacity - sold, 0)} places left.")
    order = _place(ctx, item, quantity=quantity, starts=item.starts_at, state="confirmed")
    ctx.audit("buy_experience", experience=item.name, order=order.id, receipt=order.receipt_no)
    return Outcome(f"Booked {quantity} for {item.name}; {money(order.total_cents)}, receipt {order.receipt_no}.",
                   [{"op": "cancel_order", "order": order.receipt_no}], {"order": order.id, "receipt": order.receipt_no})


def order_named(ctx: Context, op: dict[str, Any]) -> Order:
    """The order an operation names: ``order`` (its receipt number) or ``order_id``, at this property."""
    ref = op.get("order") or op.get("order_id")
    query = select(Order).where(Order.property_id == ctx.prop.id).with_for_update()
    if isinstance(ref, int) or str(ref or "").isdigit():
        order = ctx.session.scalar(query.where(Order.id == int(str(ref))))
    else:
        order = ctx.session.scalar(query.where(func.upper(Order.receipt_no) == str(ref or "").strip().upper()))
    if order is None:
        raise Invalid("order", f"There is no order {ref or ''} here.".replace("  ", " "))
    return order


def _move(ctx: Context, order: Order, state: str) -> None:
    if not order.can_become(state):
        raise Invalid("order", f"Order {order.receipt_no} is {order.state}; it can't be {state} now.")
    order.move_to(state, ctx.now)
    ctx.session.flush()
    ctx.audit(f"{state}_order", order=order.id, receipt=order.receipt_no)


def cancel_order(ctx: Context, op: dict[str, Any]) -> Outcome:
    """The buyer, until it is fulfilled; or a manager who handles orders, declining it."""
    order = order_named(ctx, op)
    policy.require_order_cancelling(ctx.principal, ctx.prop, order.person_id)
    _move(ctx, order, "cancelled")
    return Outcome(f"Cancelled order {order.receipt_no} ({order.item_name}).", [], {"receipt": order.receipt_no})


def confirm_order(ctx: Context, op: dict[str, Any]) -> Outcome:
    order = order_named(ctx, op)
    policy.require_order_handling(ctx.principal, ctx.prop)
    _move(ctx, order, "confirmed")
    return Outcome(f"Confirmed order {order.receipt_no} ({order.item_name} for {order.person.label}).", [],
                   {"receipt": order.receipt_no})


def fulfill_order(ctx: Context, op: dict[str, Any]) -> Outcome:
    order = order_named(ctx, op)
    policy.require_order_handling(ctx.principal, ctx.prop)
    _move(ctx, order, "fulfilled")
    return Outcome(f"Marked order {order.receipt_no} ({order.item_name} for {order.person.label}) fulfilled.", [],
                   {"receipt": order.receipt_no})


def _open_request(ctx: Context, upgrade: str) -> UpgradeRequest | None:
    return ctx.session.scalar(select(UpgradeRequest).where(
        UpgradeRequest.property_id == ctx.prop.id, UpgradeRequest.upgrade == upgrade, UpgradeRequest.state != "closed"))


def submit_request(ctx: Context, op: dict[str, Any]) -> Outcome:
    """Stored once per open request (a unique index holds under concurrency); sent to sales after the commit."""
    from concierge_catalog.sales import route_after_commit

    policy.require_sales(ctx.principal, ctx.prop)
    upgrade = str(op.get("upgrade") or "")
    if upgrade not in ctx.prop.upgrades:
        raise Invalid("upgrade", f"{upgrade or 'That'} is not an upgrade available for {ctx.prop.name}.")
    open_request = _open_request(ctx, upgrade)
    if open_request is None:
        request = UpgradeRequest(property_id=ctx.prop.id, upgrade=upgrade, requested_by_id=ctx.principal.person_id,
                                 created_at=ctx.now, state="open")
        try:
            with ctx.session.begin_nested():
                ctx.session.add(request)
                ctx.session.flush()
        except IntegrityError:
            open_request = _open_request(ctx, upgrade)
            if open_request is None:
                raise
    if open_request is not None:
        return Outcome(f"A request for {upgrade} is already open (#{open_request.id}); the sales team has it.",
                       [], {"request": open_request.id})
    ctx.audit("submit_request", upgrade=upgrade, request=request.id)
    route_after_commit(ctx.session, request.id)
    return Outcome(f"Sent your request for {upgrade} to the sales team (#{request.id}).", [], {"request": request.id})
