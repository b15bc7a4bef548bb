"""The concierge: help, highlights, upgrades, the catalog, bookings and orders."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from access_core import listings, policy
from access_core.lookup import person_by_ref
from access_core.services import bookings
from access_core.timefmt import moment_text
from access_core.views import Ordered
from actions.slots import Slots
from actions.turn import Reply, TurnContext, answer, ask, confirm, refused
from concierge_catalog import orders
from concierge_catalog.help import rank
from concierge_catalog.highlights import highlights

KIND_WORDS = (("amenity", "amenity"), ("service", "service"), ("experience", "experience"), ("key", "key"), ("door", "door"))
"""What a property's own name stands for in a "how do I" question ("book the Residents' Lounge": an amenity)."""


def _as_kinds(slots: Slots) -> str:
    """The question with each exactly named thing of the property replaced by the word for its kind."""
    text = slots.text
    for mention in sorted(slots.mentions, key=lambda m: -m.start):
        if mention.fuzzy or mention.score < 100:
            continue
        word = next((w for kind, w in KIND_WORDS if mention.of(kind)), None)
        if word is not None:
            text = text[: mention.start] + word + text[mention.end :]
    return text


def ask_help(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    ranked = rank(_as_kinds(slots))
    best, score = ranked[0]
    if score == 0:
        names = ", ".join(s.name for s, _ in ranked)
        return answer({"section": None}, f"I can help with {names}. What would you like to do?")
    steps = " ".join(f"{n}. {step}" for n, step in enumerate(best.steps, 1))
    text = f"That's in {best.name} ({best.path}): {steps}"
    second, second_score = ranked[1]
    if second_score >= score * 0.8:
        text += f" If you meant something else, see {second.name} ({second.path})."
    return answer({"section": best.name}, text)


def ask_highlights(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    policy.require_sales(ctx.principal, ctx.prop)
    found = highlights(ctx.session, ctx.prop)
    if not found:
        return answer({"features": []}, f"{ctx.prop.name} is using every feature it has enabled.")
    lines = [f"{h.feature.replace('_', ' ')}: {h.why} {h.how}" for h in found]
    return answer({"features": [h.feature for h in found]}, "Enabled but not used yet:\n" + "\n".join(lines))


def ask_upgrades(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    policy.require_sales(ctx.principal, ctx.prop)
    upgrades = [u for u in ctx.prop.upgrades if u not in ctx.prop.features]
    if not upgrades:
        return answer({"upgrades": []}, f"{ctx.prop.name} has every product available to it.")
    listing = ", ".join(u.replace("_", " ") for u in upgrades)
    return answer({"upgrades": upgrades}, f"Available for {ctx.prop.name}: {listing}. Say 'submit a request for …' to ask sales.")


def ask_amenities(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    amenities = sorted(listings.amenities(ctx.session, ctx.prop), key=lambda a: a.id)
    lines = []
    for a in amenities:
        booking = f"bookable up to {a.max_hours:g} h, {a.capacity} at a time" if a.reservable else "no booking needed"
        lines.append(f"{a.name}: open {a.hours or 'always'}, {booking}")
    return answer({"amenities": [a.name for a in amenities]}, "\n".join(lines) or "No amenities listed.")


def _catalog(ctx: TurnContext, kind: str) -> list[listings.Offer]:
    return listings.offers(ctx.session, ctx.prop, kind)


def ask_services(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    items = _catalog(ctx, "service")
    lines = [f"{i.name} by {i.vendor}: {i.price_text()}" for i in items]
    return answer({"services": [i.name for i in items]}, "\n".join(lines) or "No local services listed.")


def ask_experiences(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    items = _catalog(ctx, "experience")
    when = slots.time
    if when is not None and when.starts_at is not None and when.ends_at is not None:  # "what's on this month?"
        items = [i for i in items if i.starts_at is not None and when.starts_at <= i.starts_at < when.ends_at]
    lines = [f"{i.name}: {moment_text(i.starts_at, ctx.tz) if i.starts_at else 'date to be set'}, {i.price_text()}" for i in items]
    empty = f"No experiences {when.text.strip()}." if when is not None else "No experiences listed."
    return answer({"experiences": [i.name for i in items]}, "\n".join(lines) or empty)


def reserve_amenity(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    amenities = set(bookings.amenity_names(ctx.session, ctx.prop))
    names = slots.found.get("amenity") or [n for n in slots.found.get("door", []) if n in amenities]
    if names:
        values["amenity"] = names[0]
    match = slots.time
    if match is not None and match.starts_at is not None:
        if match.kind == "range" and match.ends_at is not None:
            starts, ends = _on_day_said_before(ctx, values.get("day"), match.starts_at, match.ends_at)
            values["starts_at"], values["ends_at"] = starts.isoformat(), ends.isoformat()
        else:
            values["day"] = match.starts_at.astimezone(ctx.tz).date().isoformat()
    if not values.get("amenity"):
        bookable = bookings.amenity_names(ctx.session, ctx.prop, reservable=True)
        return ask(["amenity"], "Which amenity? " + (f"You can book {', '.join(bookable)}." if bookable else ""), values)
    problem = bookings.amenity_problem(ctx.session, ctx.prop, values["amenity"])
    party = _quantity(slots.text)
    if party is not None and not problem:
        problem = bookings.party_problem(ctx.session, ctx.prop, values["amenity"], party)
    if problem:
        return refused(problem)  # no use asking for a time first
    if not values.get("starts_at") or not values.get("ends_at"):
        return ask(["starts_at"], f"When would you like {values['amenity']}, from what time to what time?", values)
    op = {
        "op": "reserve_amenity",
        "amenity": values["amenity"],
        "person": ctx.person.handle,
        "starts_at": values["starts_at"],
        "ends_at": values["ends_at"],
    }
    reply = confirm([op], values=values)
    if party is not None and party > 1:
        reply.note = f"The reservation is in your name; the {party} of you go in together, on your access for the slot."
    return reply


def _on_day_said_before(ctx: TurnContext, day: str | None, starts: datetime, ends: datetime) -> tuple[datetime, datetime]:
    """ "tomorrow" then "from 2 to 4": hours said alone land on the day said a turn earlier."""
    today = ctx.now.astimezone(ctx.tz).date()
    local_start = starts.astimezone(ctx.tz)
    if day is None or local_start.date() != today or date.fromisoformat(day) == today:
        return starts, ends
    shift = date.fromisoformat(day) - today
    moved_start = datetime.combine(local_start.date() + shift, local_start.time(), tzinfo=ctx.tz)
    local_end = ends.astimezone(ctx.tz)
    moved_end = datetime.combine(local_end.date() + shift, local_end.time(), tzinfo=ctx.tz)
    return moved_start, moved_end


def cancel_reservation(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    if not slots.found.get("amenity") and (_order_item(slots) or orders.receipt_in(slots.text) or values.get("order_item")):
        return cancel_order(ctx, slots, values)
    names = slots.found.get("amenity") or slots.found.get("door") or []
    if not names:
        return ask(["amenity"], "Which reservation should I cancel?", values)
    op: dict[str, Any] = {
        "op": "cancel_reservation",
        "amenity": names[0],
        "person": ctx.person.handle,
        "starts_at": _slot_start(slots),
        "ends_at": None,
    }
    return confirm([op], values=values)


def book_service(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    offered = [i.name for i in _catalog(ctx, "service")]
    closest = _closest_names(slots.text, offered)
    if slots.found.get("service"):
        values["service"] = slots.found["service"][0]
    elif len(closest) == 1:
        values["service"] = closest[0]
    if slots.time is not None and slots.time.starts_at is not None:
        values["starts_at"] = slots.time.starts_at.isoformat()
    if not values.get("service"):
        choices = closest or offered
        return ask(["service"], f"Which service: {' or '.join(choices)}?" if choices else "Which service?", values)
    op = {"op": "book_service", "service": values["service"], "person": ctx.person.handle, "starts_at": values.get("starts_at")}
    return confirm([op], values=values)


def buy_experience(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    named = slots.first("experience") or _named_in(slots.text, [i.name for i in _catalog(ctx, "experience")])
    if named:
        values["experience"] = named
    values["quantity"] = _quantity(slots.text) or values.get("quantity") or 1
    if not values.get("experience"):
        names = ", ".join(i.name for i in _catalog(ctx, "experience"))
        return ask(["experience"], f"Which experience? {names}".strip(), values)
    return confirm(
        [{"op": "buy_experience", "experience": values["experience"], "person": ctx.person.handle, "quantity": values["quantity"]}],
        values=values,
    )


NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
QUANTITY = re.compile(
    r"\b(\d{1,2}|" + "|".join(NUMBERS) + r")\s+(?:tickets?|tix|seats?|spots?|places?|passes?|people|persons|guests|adults|of us)\b"
    r"|\bx\s?(\d{1,2})\b",
    re.I,
)
GENERIC_WORDS = {"the", "and", "for", "with", "pickup", "service", "services", "class", "night", "show"}


def _quantity(text: str) -> int | None:
    match = QUANTITY.search(text)
    if match is None:
        return None
    said = (match.group(1) or match.group(2)).lower()
    return NUMBERS.get(said) or int(said)


def _named_in(text: str, names: list[str]) -> str | None:
    """The one name whose distinctive words the text uses most ("wine tasting" for Rooftop Wine Tasting)."""
    winners = _closest_names(text, names)
    return winners[0] if len(winners) == 1 else None


def _closest_names(text: str, names: list[str]) -> list[str]:
    """The names sharing the most distinctive words with the text ("a cleaning": Apartment Cleaning, Dry Cleaning Pickup)."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    scores = {n: len({w for w in n.lower().split() if w not in GENERIC_WORDS and len(w) > 2} & words) for n in names}
    best = max(scores.values(), default=0)
    return [n for n, score in scores.items() if score == best] if best else []


def submit_request(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    upgrades = [u for u in slots.found.get("upgrade", []) if u in ctx.prop.upgrades]
    if upgrades:
        values["upgrade"] = upgrades[0]
    if not values.get("upgrade"):
        policy.require_sales(ctx.principal, ctx.prop)
        return ask(["upgrade"], "Which upgrade: " + ", ".join(ctx.prop.upgrades) + "?", values)
    return confirm([{"op": "submit_request", "upgrade": values["upgrade"]}], values=values)


def _slot_start(slots: Slots) -> str | None:
    match = slots.time
    if match is not None and match.starts_at is not None and match.kind == "range":
        return match.starts_at.isoformat()
    return None


MINE = re.compile(r"\b(?:my|mine|i|i've)\b", re.I)
EVERYONE = re.compile(r"\b(?:all|every|everyone|everybody|building|property|residents?'?s?|pending|open)\b", re.I)
RECEIPT_WORDS = re.compile(r"\b(?:receipts?|invoice|proof of purchase)\b", re.I)
TARGET_STATE = {"cancel_order": "cancelled", "confirm_order": "confirmed", "fulfill_order": "fulfilled"}


def _order_item(slots: Slots) -> str | None:
    return slots.first("service") or slots.first("experience")


def _said_about(slots: Slots, found: list[Ordered]) -> list[Ordered]:
    """Orders whose item the words name, when the names did not resolve exactly ("the cleaning booking")."""
    named = _named_in(slots.text, sorted({o.item_name for o in found}))
    return [o for o in found if o.item_name == named] if named else found


def ask_orders(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    """ "show my orders", "receipt for my dog walking", "receipt R-1-3"; the property's orders for P and F."""
    ref = orders.receipt_in(slots.text)
    if ref:
        order = orders.order_by_ref(ctx.session, ctx.principal, ctx.prop, ref)
        return answer({"receipt": orders.receipt(order, ctx.prop)}, orders.receipt_text(order, ctx.prop))
    item = _order_item(slots)
    everyone = (
        bool(EVERYONE.search(slots.text))
        and not MINE.search(slots.text)
        or not MINE.search(slots.text)
        and orders.may_view_all(ctx.principal, ctx.prop)
    )
    found = (orders.property_orders if everyone else orders.my_orders)(ctx.session, ctx.principal, ctx.prop, item=item)
    if not item:
        found = _said_about(slots, found)
    what = f"{item} orders" if item else "orders"
    if not found:
        return answer({"orders": []}, f"There are no {what} at {ctx.prop.name}." if everyone else f"You have no {what}.")
    if RECEIPT_WORDS.search(slots.text):
        return answer({"receipt": orders.receipt(found[0], ctx.prop)}, orders.receipt_text(found[0], ctx.prop))
    lines = [orders.line(o, ctx.prop) for o in found]
    title = f"Orders at {ctx.prop.name}" if everyone else "Your orders"
    return answer({"orders": [orders.receipt(o, ctx.prop) for o in found]}, f"{title}:\n" + "\n".join(lines))


def cancel_order(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    if slots.found.get("amenity") and not _order_item(slots) and not orders.receipt_in(slots.text):
        return cancel_reservation(ctx, slots, values)
    return _order_change(ctx, slots, values, "cancel_order")


def confirm_order(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    return _order_change(ctx, slots, values, "confirm_order")


def fulfill_order(ctx: TurnContext, slots: Slots, values: dict[str, Any]) -> Reply:
    return _order_change(ctx, slots, values, "fulfill_order")


def _order_change(ctx: TurnContext, slots: Slots, values: dict[str, Any], op: str) -> Reply:
    """The one order a message means (by receipt number, item, buyer, day), planned for a state change."""
    ref = orders.receipt_in(slots.text) or values.get("order")
    if ref:
        return confirm([{"op": op, "order": ref}], values=values)
    values["order_item"] = _order_item(slots) or values.get("order_item")
    buyer = next((h for h in slots.people if h != ctx.person.handle), None) or values.get("buyer")
    values["buyer"] = buyer
    found = _candidates(ctx, op, values["order_item"], buyer)
    found = _said_about(slots, found) if not values["order_item"] else found
    candidates = _on_the_day(ctx, slots, [o for o in found if o.state in orders.OPEN_STATES])
    candidates = [o for o in candidates if o.can_become(TARGET_STATE[op])] or candidates
    if not candidates:
        closed = "; ".join(f"{o.receipt_no} ({o.item_name}) is {o.state}" for o in found[:3])
        return answer(
            {"orders": [orders.receipt(o, ctx.prop) for o in found]}, f"I found no open order like that{': ' + closed if closed else ''}."
        )
    if len(candidates) > 1:
        choices = "; ".join(orders.line(o, ctx.prop) for o in candidates[:8])
        return ask(["order"], f"Which order? {choices}", values)
    return confirm([{"op": op, "order": candidates[0].receipt_no}], values=values)


def _candidates(ctx: TurnContext, op: str, item: str | None, buyer: str | None) -> list[Ordered]:
    if op == "cancel_order" and buyer is None:
        return orders.my_orders(ctx.session, ctx.principal, ctx.prop, item=item)
    person = person_by_ref(ctx.session, buyer) if buyer else None
    return orders.orders_to_handle(ctx.session, ctx.principal, ctx.prop, item=item, buyer_id=person.id if person else None)


def _on_the_day(ctx: TurnContext, slots: Slots, found: list[Ordered]) -> list[Ordered]:
    if slots.time is None or slots.time.starts_at is None or len(found) < 2:
        return found
    day = slots.time.starts_at.astimezone(ctx.tz).date()
    same = [o for o in found if o.starts_at is not None and o.starts_at.astimezone(ctx.tz).date() == day]
    return same or found
