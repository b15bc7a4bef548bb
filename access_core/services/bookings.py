"""Amenity reservations; service bookings and experiences as orders with states and receipts; upgrade requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access_core import place_caps
from access_core.commands import (
    BookService,
    BuyExperience,
    CancelOrder,
    CancelReservation,
    ConfirmOrder,
    FulfillOrder,
    ReserveAmenity,
    SubmitRequest,
)
from access_core.decide import NO_RULES, DoorRules
from access_core.errors import Invalid, NotFound
from access_core.events import UpgradeRequested
from access_core.exception_days import amenity_rules, closed_day_in
from access_core.models import Amenity, CatalogItem, Order, Property, Reservation, UpgradeRequest
from access_core.money import currency_of
from access_core.schedule import parse_schedule
from access_core.services.context import Context, Outcome
from access_core.timefmt import moment_text
from access_core.uow import publish
from access_core.views import Site


def _amenity(ctx: Context, name: Any, *, lock: bool = False) -> Amenity:
    query = select(Amenity).where(Amenity.property_id == ctx.prop.id, func.lower(Amenity.name) == str(name or "").lower())
    if lock:
        query = query.with_for_update()
    amenity = ctx.session.scalar(query)
    if amenity is None:
        raise NotFound("amenity", str(name))
    return amenity


def not_reservable(amenity: Amenity) -> str | None:
    """DOMAIN "Catalog": an amenity that is not reservable cannot be booked; why, or None."""
    return None if amenity.reservable else f"{amenity.name} can't be reserved."


def amenity_problem(session: Session, prop: Site, name: str) -> str | None:
    """Why the amenity named can't be reserved at any time (asked before any time is), or None."""
    amenity = session.scalar(select(Amenity).where(Amenity.property_id == prop.id, Amenity.name == name))
    return None if amenity is None else not_reservable(amenity)


def party_problem(session: Session, prop: Site, name: str, party: int) -> str | None:
    """Why a party of ``party`` people can't use the amenity at once (more than its capacity), or None."""
    amenity = session.scalar(select(Amenity).where(Amenity.property_id == prop.id, Amenity.name == name))
    if amenity is None or party <= amenity.capacity:
        return None
    return f"{amenity.name} takes at most {amenity.capacity} at a time, so it can't be booked for {party} people."


def amenity_names(session: Session, prop: Site, *, reservable: bool | None = None) -> list[str]:
    """The property's amenities (only the reservable ones, or only the others), by name."""
    query = select(Amenity.name).where(Amenity.property_id == prop.id)
    if reservable is not None:
        query = query.where(Amenity.reservable.is_(reservable))
    return list(session.scalars(query.order_by(Amenity.id)))


def reservation_problem(ctx: Context, amenity: Amenity, starts: Any, ends: Any) -> str | None:
    """Why this slot can't be booked (DOMAIN "Catalog"), or None."""
    problem = not_reservable(amenity)
    if problem:
        return problem
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


def reserve_amenity(ctx: Context, cmd: ReserveAmenity) -> Outcome:
    place_caps.check_booker(ctx, cmd.person)
    amenity = _amenity(ctx, cmd.amenity, lock=True)
    starts, ends = cmd.starts_at, cmd.ends_at
    if starts is None or ends is None:
        raise Invalid("starts_at", f"When would you like {amenity.name}?")
    problem = reservation_problem(ctx, amenity, starts, ends)
    if problem:
        raise Invalid("starts_at", problem)
    overlapping = ctx.session.scalar(
        select(func.count(Reservation.id)).where(
            Reservation.amenity_id == amenity.id,
            Reservation.cancelled.is_(False),
            Reservation.starts_at < ends,
            Reservation.ends_at > starts,
        )
    )
    if (overlapping or 0) >= amenity.capacity:
        raise Invalid("starts_at", f"{amenity.name} is fully booked then ({amenity.capacity} at a time).")
    place_caps.check_amenity_places(ctx, amenity, starts, ends)
    reservation = Reservation(amenity_id=amenity.id, person_id=ctx.principal.person_id, starts_at=starts, ends_at=ends)
    ctx.session.add(reservation)
    ctx.session.flush()
    ctx.audit("reserve_amenity", amenity=amenity.name, starts_at=starts.isoformat())
    return Outcome(
        "reserved",
        {"amenity": amenity.name, "starts_at": starts, "ends_at": ends},
        [CancelReservation(reservation_id=reservation.id)],
        {"reservation": reservation.id},
    )


def cancel_reservation(ctx: Context, cmd: CancelReservation) -> Outcome:
    place_caps.check_booker(ctx, cmd.person)
    query = select(Reservation).where(Reservation.person_id == ctx.principal.person_id, Reservation.cancelled.is_(False))
    if cmd.reservation_id:
        query = query.where(Reservation.id == cmd.reservation_id)
    else:
        query = query.where(Reservation.amenity_id == _amenity(ctx, cmd.amenity).id, Reservation.ends_at > ctx.now)
        if cmd.starts_at is not None:
            query = query.where(Reservation.starts_at == cmd.starts_at)
    found = ctx.session.scalars(query.order_by(Reservation.starts_at)).all()
    if not found:
        raise Invalid("amenity", "You have no reservation like that.")
    if len(found) > 1:
        raise Invalid("starts_at", "Which one? " + "; ".join(moment_text(r.starts_at, ctx.tz) for r in found))
    found[0].cancelled = True
    ctx.session.flush()
    ctx.audit("cancel_reservation", reservation=found[0].id)
    return Outcome("reservation_cancelled", {"amenity": found[0].amenity.name})


def _item(ctx: Context, kind: str, name: Any) -> CatalogItem:
    item = ctx.session.scalar(
        select(CatalogItem)
        .where(CatalogItem.property_id == ctx.prop.id, CatalogItem.kind == kind, func.lower(CatalogItem.name) == str(name or "").lower())
        .with_for_update()
    )
    if item is None:
        raise NotFound(kind, str(name))
    return item


def _next_sequence(ctx: Context) -> int:
    """The property's next receipt number; its row is locked so two orders never share one (PostgreSQL)."""
    ctx.session.execute(select(Property.id).where(Property.id == ctx.prop.id).with_for_update())
    last = ctx.session.scalar(select(func.max(Order.sequence)).where(Order.property_id == ctx.prop.id))
    return int(last or 0) + 1


def _place(ctx: Context, item: CatalogItem, *, quantity: int, starts: datetime | None, state: str) -> Order:
    """An order with the item's price as it is now and the property's next receipt number."""
    sequence = _next_sequence(ctx)
    unit_cents = round(item.price * 100)
    order = Order(
        item_id=item.id,
        person_id=ctx.principal.person_id,
        property_id=ctx.prop.id,
        starts_at=starts,
        quantity=quantity,
        state="requested",
        sequence=sequence,
        receipt_no=f"R-{ctx.prop.id}-{sequence}",
        item_name=item.name,
        vendor=item.vendor,
        unit=item.unit,
        unit_cents=unit_cents,
        total_cents=unit_cents * quantity,
        currency=currency_of(ctx.prop),
        requested_at=ctx.now,
    )
    if state != "requested":
        order.move_to(state, ctx.now)
    ctx.session.add(order)
    ctx.session.flush()
    return order


def book_service(ctx: Context, cmd: BookService) -> Outcome:
    """A service booking starts ``requested``; a manager (or the vendor) confirms it."""
    place_caps.check_booker(ctx, cmd.person)
    item = _item(ctx, "service", cmd.service)
    starts = cmd.starts_at
    if starts is not None and starts < ctx.now:
        raise Invalid("starts_at", "That time has already passed.")
    order = _place(ctx, item, quantity=1, starts=starts, state="requested")
    ctx.audit("book_service", service=item.name, order=order.id, receipt=order.receipt_no)
    return Outcome(
        "service_requested",
        {
            "item": item.name,
            "vendor": item.vendor,
            "starts_at": starts,
            "unit_cents": order.unit_cents,
            "currency": order.currency,
            "unit": item.unit,
            "receipt": order.receipt_no,
        },
        [CancelOrder(order=order.receipt_no)],
        {"order": order.id, "receipt": order.receipt_no},
    )


def buy_experience(ctx: Context, cmd: BuyExperience) -> Outcome:
    """Places are taken under a lock on the experience, so it never sells past its capacity; confirmed at once."""
    place_caps.check_booker(ctx, cmd.person)
    item = _item(ctx, "experience", cmd.experience)
    quantity = cmd.quantity
    if quantity < 1:
        raise Invalid("quantity", "How many places?")
    sold = (
        ctx.session.scalar(select(func.coalesce(func.sum(Order.quantity), 0)).where(Order.item_id == item.id, Order.state != "cancelled"))
        or 0
    )
    if item.capacity is not None and sold + quantity > item.capacity:
        raise Invalid("quantity", f"{item.name} has {max(item.capacity - sold, 0)} places left.")
    place_caps.check_experience_places(ctx, item, quantity)
    order = _place(ctx, item, quantity=quantity, starts=item.starts_at, state="confirmed")
    ctx.audit("buy_experience", experience=item.name, order=order.id, receipt=order.receipt_no)
    return Outcome(
        "experience_booked",
        {
            "quantity": quantity,
            "item": item.name,
            "total_cents": order.total_cents,
            "currency": order.currency,
            "receipt": order.receipt_no,
        },
        [CancelOrder(order=order.receipt_no)],
        {"order": order.id, "receipt": order.receipt_no},
    )


def _move(ctx: Context, order: Order, state: str) -> None:
    if not order.can_become(state):
        raise Invalid("order", f"Order {order.receipt_no} is {order.state}; it can't be {state} now.")
    order.move_to(state, ctx.now)
    ctx.session.flush()
    ctx.audit(f"{state}_order", order=order.id, receipt=order.receipt_no)


def cancel_order(ctx: Context, cmd: CancelOrder) -> Outcome:
    """The buyer, until it is fulfilled; or a manager who handles orders, declining it."""
    order = ctx.order(cmd.order)
    _move(ctx, order, "cancelled")
    return Outcome("order_cancelled", _order_facts(order), [], {"receipt": order.receipt_no})


def confirm_order(ctx: Context, cmd: ConfirmOrder) -> Outcome:
    order = ctx.order(cmd.order)
    _move(ctx, order, "confirmed")
    return Outcome("order_confirmed", _order_facts(order), [], {"receipt": order.receipt_no})


def fulfill_order(ctx: Context, cmd: FulfillOrder) -> Outcome:
    order = ctx.order(cmd.order)
    _move(ctx, order, "fulfilled")
    return Outcome("order_fulfilled", _order_facts(order), [], {"receipt": order.receipt_no})


def _open_request(ctx: Context, upgrade: str) -> UpgradeRequest | None:
    return ctx.session.scalar(
        select(UpgradeRequest).where(
            UpgradeRequest.property_id == ctx.prop.id, UpgradeRequest.upgrade == upgrade, UpgradeRequest.state != "closed"
        )
    )


def submit_request(ctx: Context, cmd: SubmitRequest) -> Outcome:
    """Stored once per open request (a unique index holds under concurrency); sent to sales after the commit."""
    upgrade = cmd.upgrade or ""
    if upgrade not in ctx.prop.upgrades:
        raise Invalid("upgrade", f"{upgrade or 'That'} is not an upgrade available for {ctx.prop.name}.")
    open_request = _open_request(ctx, upgrade)
    if open_request is None:
        request = UpgradeRequest(
            property_id=ctx.prop.id, upgrade=upgrade, requested_by_id=ctx.principal.person_id, created_at=ctx.now, state="open"
        )
        try:
            with ctx.session.begin_nested():
                ctx.session.add(request)
                ctx.session.flush()
        except IntegrityError:
            open_request = _open_request(ctx, upgrade)
            if open_request is None:
                raise
    if open_request is not None:
        return Outcome("request_already_open", {"upgrade": upgrade, "request": open_request.id}, [], {"request": open_request.id})
    ctx.audit("submit_request", upgrade=upgrade, request=request.id)
    publish(ctx.session, UpgradeRequested(request.id))
    return Outcome("request_sent", {"upgrade": upgrade, "request": request.id}, [], {"request": request.id})


def _order_facts(order: Order) -> dict[str, Any]:
    return {"receipt": order.receipt_no, "item": order.item_name, "buyer": order.person.label}
