"""SMS through Twilio: a signed webhook in, TwiML out; guests' codes and shares texted through the REST API."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request, Response
from twilio.twiml.messaging_response import MessagingResponse

from access_core.lookup import person_by_ref
from access_core.phones import normalize_phone
from bot.state import Conversation
from bot.twilio_auth import signed_by_twilio as _verified
from bot.web.models import SmsOptOut
from bot.web.ratelimit import RateLimiter
from bot.web.turns import Turns
from bot.web.twilio_out import Texts

SEGMENT = 153
STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
START_WORDS = {"start", "unstop", "yes start"}
HELP_WORDS = {"help", "info"}
HELP_TEXT = (
    "Building concierge: text what you need, e.g. 'send a door code for tomorrow' or 'who came in today'. "
    "Reply STOP to stop texts, START to resume."
)
UNKNOWN_TEXT = "Sorry, this number isn't registered with your building. Please ask your property manager to add it."
SLOW_DOWN = "You're sending messages too quickly; please wait a minute."
_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")


def split_sms(text: str, limit: int = SEGMENT) -> list[str]:
    """One text, or several at word boundaries when it runs past one SMS."""
    text = " ".join(text.split())
    if len(text) <= 160:
        return [text]
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit + 1)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].strip())
        text = text[cut:].strip()
    return [*parts, text] if text else parts


def twiml(*texts: str) -> Response:
    response = MessagingResponse()
    for text in texts:
        for part in split_sms(text):
            response.message(part)
    return Response(str(response), media_type="application/xml")


class SmsChannel:
    """Maps a texting number to a person and the dialogue; handles opt-outs and texts to guests."""

    def __init__(self, turns: Turns) -> None:
        self.turns = turns
        self.texts = Texts(turns.database)
        self.limiter = RateLimiter("sms", int(os.environ.get("SMS_RATE_PER_MINUTE", "20")))

    def keyword(self, phone: str, word: str) -> Response | None:
        with self.turns.database.session() as session:
            opted_out = session.get(SmsOptOut, phone)
            if word in STOP_WORDS:
                if opted_out is None:
                    session.add(SmsOptOut(phone=phone, at=datetime.now(UTC)))
                return twiml("You're unsubscribed and will get no more texts. Reply START to resume.")
            if word in START_WORDS:
                if opted_out is not None:
                    session.delete(opted_out)
                return twiml("You're subscribed again. " + HELP_TEXT)
            if opted_out is not None:
                return twiml()
        return twiml(HELP_TEXT) if word in HELP_WORDS else None

    def message(self, phone: str, body: str, background: BackgroundTasks) -> Response:
        keyword = self.keyword(phone, " ".join(body.lower().split()).strip(".!"))
        if keyword is not None:
            return keyword
        if not self.limiter.allow(phone):
            return twiml(SLOW_DOWN)
        with self.turns.database.session() as session:
            known = person_by_ref(session, phone) is not None
        if not known:
            return twiml(UNKNOWN_TEXT)
        turn = self.turns.turn("sms", phone, body)
        self._remember_recipients(phone, body, turn)
        if turn["status"] == "done":
            background.add_task(self.text_guests, phone, turn)
        return twiml(turn["reply"])

    def _remember_recipients(self, phone: str, body: str, turn: dict[str, Any]) -> None:
        """A door code has no guest in its plan: keep the numbers the resident named for when it is made."""
        if turn["status"] == "confirm" and any(op.get("op") == "create_doorcode" for op in turn["operations"]):
            numbers = [n for n in (normalize_phone(m) for m in _PHONE.findall(body)) if n and n != phone]
            self.turns.store.save(f"sms-guests:{phone}", Conversation(person=phone, frame={"numbers": numbers}))

    def text_guests(self, phone: str, turn: dict[str, Any]) -> None:
        with self.turns.database.session() as session:
            sender = person_by_ref(session, phone)
            name = sender.label if sender else "Your host"
            messages: list[tuple[str, str]] = []
            for op in turn["operations"]:
                if op.get("op") == "share_key":
                    guest = person_by_ref(session, str((turn.get("result") or {}).get("guest") or op.get("guest")))
                    if guest is not None and guest.phone:
                        messages.append(
                            (guest.phone, f"{name} shared {op['key']} with you from {_when(op['starts_at'])} until {_when(op['ends_at'])}.")
                        )
                elif op.get("op") == "create_doorcode" and (code := (turn.get("result") or {}).get("code")):
                    saved = self.turns.store.load(f"sms-guests:{phone}")
                    for number in (saved.frame or {}).get("numbers", []) if saved else []:
                        messages.append((number, f"{name} sent you a door code for {op['key']}: {code}, valid on {op['date']}."))
        self.turns.store.drop(f"sms-guests:{phone}")
        for to, text in messages:
            self.texts.send(to, text)


def _when(iso: str | None) -> str:
    if not iso:
        return "further notice"
    return datetime.fromisoformat(iso).strftime("%a %-d %b %H:%M")


def router(turns: Turns) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    channel = SmsChannel(turns)

    @api.post("/twilio/sms")
    async def incoming(request: Request, background: BackgroundTasks) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        if not _verified(request, form):
            return Response("invalid signature", status_code=403)
        phone = normalize_phone(form.get("From", ""))
        if not phone:
            return twiml()
        from starlette.concurrency import run_in_threadpool

        sid = form.get("MessageSid") or form.get("SmsSid") or ""
        if not sid or not await run_in_threadpool(turns.first_time, "sms", sid):
            return twiml()  # a replayed (or sid-less) message is acted on once at most: no second door code
        return await run_in_threadpool(channel.message, phone, form.get("Body", ""), background)

    @api.post("/twilio/sms/status")
    async def status(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        if not _verified(request, form):
            return Response("invalid signature", status_code=403)
        if form.get("MessageSid") and form.get("MessageStatus"):
            channel.texts.record(form["MessageSid"], form.get("To"), form["MessageStatus"])
        return Response(status_code=204)

    return api
