"""The docked chat's own endpoint: one message of one browser tab's conversation, and its plan as a card.

Each tab is its own conversation (its id lives in the tab's sessionStorage and is keyed with the signed-in person,
so no one reaches another person's conversation with it). A Confirm or Cancel button sends the id of the plan it
belongs to: the dialogue answers that plan only, and says when it is no longer waiting."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from access_core import listings
from access_core.directory import label_of
from bot.web.auth import signed_in
from bot.web.pages.common import Pages, SignInNeeded, Viewer
from bot.web.turns import Turns

CONVERSATION = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
LABELS = (("key", "Key"), ("door", "Door"), ("amenity", "Amenity"), ("service", "Service"), ("experience", "Experience"))


class ChatMessage(BaseModel):
    message: str = Field(max_length=4000)
    conversation: str = Field(max_length=64)
    """This browser tab's conversation id."""
    plan: str | None = Field(default=None, max_length=64)
    """The plan a Confirm or Cancel button answers."""


def add_routes(api: APIRouter, pages: Pages, turns: Turns) -> None:
    @api.post("/chat/turn")
    async def chat_turn(request: Request, body: ChatMessage) -> dict[str, Any]:
        if not CONVERSATION.match(body.conversation):
            raise HTTPException(422, "conversation: 16 to 64 letters, digits, - or _")
        handle = await run_in_threadpool(signed_in, request)
        if handle is None:
            raise HTTPException(401, "sign in first")
        answer = await turns.aexchange(f"web:{body.conversation}", handle, body.message, plan=body.plan)
        card = None
        if answer.turn["status"] == "confirm" and answer.turn["operations"]:
            card = await run_in_threadpool(_card, pages, request, answer.turn["operations"])
        return {"turn": answer.turn, "plan": answer.plan, "card": card}


def _card(pages: Pages, request: Request, operations: list[dict[str, Any]]) -> list[tuple[str, str]]:
    try:
        with pages.viewer(request) as viewer:
            return card_facts(viewer, operations)
    except SignInNeeded:
        return []


def card_facts(viewer: Viewer, operations: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """What a planned change does, as (label, value) rows: people by name, times in the property's zone, prices."""
    prices = {o.name: o for o in listings.offers(viewer.session, viewer.prop)} if viewer.prop is not None else {}
    rows: list[tuple[str, str]] = []
    for number, op in enumerate(operations, 1):
        if len(operations) > 1:
            rows.append(("Change", f"{number} of {len(operations)}: {str(op.get('op', '')).replace('_', ' ')}"))
        for field, label in (("person", "For"), ("guest", "Guest")):
            if op.get(field):
                rows.append((label, _who(viewer, op[field])))
        rows += [(label, str(op[field])) for field, label in LABELS if op.get(field)]
        if op.get("op") == "set_schedule":
            rows.append(("Schedule", str(op.get("schedule") or "always")))
        if op.get("starts_at"):
            rows.append(("From", _local(str(op["starts_at"]), viewer.tz)))
        if op.get("ends_at"):
            rows.append(("Until", _local(str(op["ends_at"]), viewer.tz)))
        elif op.get("op") == "grant_key":
            rows.append(("Until", "no end"))
        if op.get("at"):
            rows.append(("When", _local(str(op["at"]), viewer.tz)))
        if op.get("date"):
            rows.append(("Date", _local(str(op["date"]), viewer.tz)))
        offer = prices.get(str(op.get("service") or op.get("experience") or ""))
        if offer is not None:
            rows.append(("Price", offer.price_text(int(op.get("quantity") or 1))))
        elif op.get("op") == "reserve_amenity":
            rows.append(("Price", "free"))
    if viewer.prop is not None and any(op.get(f) for op in operations for f in ("starts_at", "ends_at", "at")):
        rows.append(("Time zone", viewer.prop.timezone))
    return rows


def _who(viewer: Viewer, ref: Any) -> str:
    if isinstance(ref, dict):
        return str(ref.get("name") or ref.get("email") or ref.get("phone") or "")
    name = label_of(viewer.session, str(ref))
    return f"{name} (you)" if str(ref) == viewer.person.handle else name


def _local(iso: str, tz: ZoneInfo) -> str:
    """A CONTRACT time as the wall-clock time in the property's zone: 'Fri 1 Jan 2027 09:00' (a date as a day)."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    if len(iso) == 10:
        return f"{moment:%a} {moment.day} {moment:%b %Y}"
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M}"
