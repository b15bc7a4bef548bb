"""Intercom calls through Twilio Voice: signed webhooks in, TwiML out (greeting, hold loop, goodbye).

Each intercom's Twilio number has ``{PUBLIC_URL}/twilio/voice/intercom?serial=<intercom serial>`` as its voice
webhook and ``{PUBLIC_URL}/twilio/voice/intercom/status`` as its status callback. Every request is checked
against TWILIO_AUTH_TOKEN (403 otherwise); the call is keyed by CallSid, so retries change nothing.
"""

from __future__ import annotations

import logging
import os

from fastapi import APIRouter, BackgroundTasks, Request, Response
from starlette.concurrency import run_in_threadpool
from twilio.twiml.voice_response import Gather, VoiceResponse

from access_core.db import Database
from bot.twilio_auth import public_url, signed_by_twilio
from bot.web.idempotency import SeenKeys
from bot.web.ratelimit import People, RateLimits
from bot.web.twilio_out import twilio_client
from concierge_catalog.call_summary import send_summary
from concierge_catalog.calls import MAX_PROMPTS, CallDesk, Step, desk_for

log = logging.getLogger(__name__)
VOICE = {"voice": "Polly.Joanna", "language": "en-US"}
HOLD_SECONDS = 8
TERMINAL = {"completed", "busy", "failed", "no-answer", "canceled"}
UNKNOWN_INTERCOM = "Sorry, this intercom is not set up for the concierge service. Please contact the building. Goodbye."
GREETING = (
    "Welcome to {place}. Please say the name of the person you are visiting, or say delivery, or press 1 for a "
    "delivery. Press 0 for the concierge."
)
AGAIN = "Sorry, I didn't catch that. Please say the name of the person you are visiting, or press 1 for a delivery."
TOO_MANY_CALLS = "Sorry, there have been too many calls from this number. Please try again in a few minutes. Goodbye."
NOT_UNDERSTOOD = "Sorry, I couldn't hear you. Please hold for the concierge."


def xml(response: VoiceResponse) -> Response:
    return Response(str(response), media_type="application/xml")


def greeting(step: Step) -> VoiceResponse:
    response = VoiceResponse()
    text = GREETING.format(place=step.property_name) if step.prompts <= 1 else AGAIN
    gather = Gather(
        input="speech dtmf",
        action=public_url("/twilio/voice/intercom/gather"),
        method="POST",
        num_digits=1,
        timeout=5,
        speech_timeout="auto",
        action_on_empty_result=True,
        hints="delivery, package, courier",
    )
    gather.say(text, **VOICE)
    response.append(gather)
    response.redirect(public_url("/twilio/voice/intercom/gather"), method="POST")  # Gather's timeout: nothing heard
    return response


def on_hold(step: Step, *, first: bool = False) -> VoiceResponse:
    """Where the caller is: greeted, waiting, with an agent, or done."""
    response = VoiceResponse()
    if step.state == "ringing":
        return greeting(step)
    if step.state in ("resolved", "abandoned"):
        response.say("Thank you for calling. Goodbye.", **VOICE)
        response.hangup()
        return response
    if step.opened:
        response.say(f"The {' and the '.join(step.opened)} {'is' if len(step.opened) == 1 else 'are'} open. Please come in.", **VOICE)
    elif step.state == "queued":
        response.say("Thank you. Please hold, a concierge will be with you shortly." if first else "Please continue to hold.", **VOICE)
    else:
        response.say("A concierge is looking after your call. Please hold.", **VOICE)
    response.pause(length=HOLD_SECONDS)
    response.redirect(public_url("/twilio/voice/intercom/hold"), method="POST")
    return response


def dial_twiml(phone: str, intro: str) -> str:
    """What a live call is redirected to: the caller is put through to ``phone``, then back on hold."""
    response = VoiceResponse()
    response.say(intro, **VOICE)
    dial = response.dial(
        action=public_url("/twilio/voice/intercom/dialed"), method="POST", timeout=25, caller_id=os.environ.get("TWILIO_FROM") or None
    )
    dial.number(phone)
    return str(response)


def redirect_to_phone(call_sid: str, phone: str) -> None:
    """Redirect a live call through Twilio's REST API (TWILIO_API_URL for a local fake)."""
    client = twilio_client()
    if client is None:
        raise RuntimeError("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)")
    client.calls(call_sid).update(twiml=dial_twiml(phone, "Connecting you to the resident. Please hold."))


class IntercomChannel:
    def __init__(self, database: Database, desk: CallDesk) -> None:
        self.database, self.desk = database, desk
        self.limits, self.people = RateLimits.from_env(database.url), People(database)

    def incoming(self, form: dict[str, str], serial: str) -> Response:
        caller = form.get("From", "")
        if caller and self.limits.spend({"calls": 1}, self.people.key(caller)) is not None:
            response = VoiceResponse()
            response.say(TOO_MANY_CALLS, **VOICE)
            response.hangup()
            return xml(response)
        step = self.desk.ring(form.get("CallSid", ""), serial, form.get("From", ""))
        if step is None:
            response = VoiceResponse()
            response.say(UNKNOWN_INTERCOM, **VOICE)
            response.hangup()
            return xml(response)
        return xml(on_hold(step, first=True))

    def gathered(self, form: dict[str, str]) -> Response:
        step = self.desk.heard(form.get("CallSid", ""), form.get("SpeechResult", ""), form.get("Digits", ""))
        if step is None:
            return xml(VoiceResponse())
        if step.state == "queued" and step.prompts >= MAX_PROMPTS and not (form.get("SpeechResult") or form.get("Digits")):
            response = VoiceResponse()
            response.say(NOT_UNDERSTOOD, **VOICE)
            response.redirect(public_url("/twilio/voice/intercom/hold"), method="POST")
            return xml(response)
        return xml(on_hold(step, first=True))


def router(database: Database) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    channel = IntercomChannel(database, desk_for(database))
    seen = SeenKeys(database)

    async def signed_form(request: Request) -> dict[str, str] | None:
        form = {k: str(v) for k, v in (await request.form()).items()}
        return form if signed_by_twilio(request, form) and form.get("CallSid") else None

    forbidden = Response("invalid signature", status_code=403)

    @api.post("/twilio/voice/intercom")
    async def incoming(request: Request, serial: str = "") -> Response:
        form = await signed_form(request)
        return forbidden if form is None else await run_in_threadpool(channel.incoming, form, serial)

    @api.post("/twilio/voice/intercom/gather")
    async def gathered(request: Request) -> Response:
        form = await signed_form(request)
        return forbidden if form is None else await run_in_threadpool(channel.gathered, form)

    @api.post("/twilio/voice/intercom/hold")
    async def hold(request: Request) -> Response:
        form = await signed_form(request)
        if form is None:
            return forbidden
        step = await run_in_threadpool(channel.desk.hold, form["CallSid"])
        return xml(on_hold(step) if step else VoiceResponse())

    @api.post("/twilio/voice/intercom/dialed")
    async def dialed(request: Request) -> Response:
        form = await signed_form(request)
        if form is None:
            return forbidden
        dialed_once = f"{form['CallSid']}:{form.get('DialCallSid') or form.get('DialCallStatus', '')}"
        if not await run_in_threadpool(seen.first_time, "voice-dialed", dialed_once):
            step = await run_in_threadpool(channel.desk.hold, form["CallSid"])  # a replay: where the call is, unchanged
            return xml(on_hold(step) if step else VoiceResponse())
        step = await run_in_threadpool(
            channel.desk.dial_ended, form["CallSid"], form.get("DialCallStatus", ""), form.get("DialCallDuration", "")
        )
        return xml(on_hold(step) if step else VoiceResponse())

    @api.post("/twilio/voice/intercom/status")
    async def status(request: Request, background: BackgroundTasks) -> Response:
        form = await signed_form(request)
        if form is None:
            return forbidden
        if form.get("CallStatus") in TERMINAL:
            summary = await run_in_threadpool(channel.desk.caller_left, form["CallSid"], form["CallStatus"])
            if summary is not None:
                background.add_task(send_summary, database, summary)
        return Response(status_code=204)

    return api
