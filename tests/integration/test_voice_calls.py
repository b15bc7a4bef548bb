"""Concierge Pro intercom calls on the ASGI app: signed Twilio voice webhooks, TwiML, the agent console's JSON,
unlocks through the core, Twilio's REST API and Slack as local fakes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from fakes.http_fake import Call, FakeServer
from fakes.twilio_api import fake_twilio
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from access_core.db import Database
from access_core.models import (
    ActivityEvent,
    AuditEntry,
    IntercomCall,
    IntercomCallEvent,
    IntercomCallSummary,
    IntercomSnapshot,
)
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.auth import issue_token
from concierge_catalog.calls import desk_for

TOKEN = "test-auth-token"
PUBLIC = "https://concierge.example"
KIM, BEN, JANE, ELI, ZOE = (
    "kim.tran@callcenter.example",
    "ben.carter@harbor.example",
    "jane.park@example.com",
    "eli.novak@installers.example",
    "zoe.martin@desk.example",
)
COURIER = "+15005550006"
INTERCOM = "/twilio/voice/intercom?serial=I-5001"


@dataclass
class Clock:
    now: datetime = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Voice:
    """The app with a signed-in browser per person, and a Twilio that posts signed webhooks."""

    client: TestClient
    database: Database
    clock: Clock
    tokens: dict[str, str] = field(default_factory=dict)

    def twilio(self, path: str, form: dict[str, str], *, signature: str | None = None) -> Response:
        if signature is None:
            signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, form)
        return self.client.post(path, data=form, headers={"X-Twilio-Signature": signature} if signature else {})

    def ring(self, sid: str, path: str = INTERCOM) -> Response:
        return self.twilio(path, {"CallSid": sid, "From": COURIER, "To": "+15005550001", "CallStatus": "ringing"})

    def say(self, sid: str, speech: str = "", digits: str = "") -> Response:
        form = {"CallSid": sid, "SpeechResult": speech, "Digits": digits} if speech or digits else {"CallSid": sid}
        return self.twilio("/twilio/voice/intercom/gather", form)

    def agent(self, who: str, method: str, path: str, body: dict[str, Any] | None = None) -> Response:
        if who not in self.tokens:
            self.tokens[who] = issue_token(self.database, who)
        return self.client.request(method, path, json=body, headers={"Authorization": f"Bearer {self.tokens[who]}"})

    def act(self, who: str, call_id: int, action: str, body: dict[str, Any] | None = None) -> Response:
        return self.agent(who, "POST", f"/api/agent/calls/{call_id}/{action}", body or {})

    def call(self, sid: str) -> IntercomCall:
        with self.database.session() as session:
            call = session.scalar(select(IntercomCall).where(IntercomCall.sid == sid))
            assert call is not None
            return call

    def log(self, sid: str) -> list[str]:
        with self.database.session() as session:
            return list(
                session.scalars(
                    select(IntercomCallEvent.kind).join(IntercomCall).where(IntercomCall.sid == sid).order_by(IntercomCallEvent.id)
                )
            )

    def count(self, model: Any) -> int:
        with self.database.session() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    def queued(self, sid: str, speech: str = "I have a delivery") -> int:
        assert self.ring(sid).status_code == 200
        assert self.say(sid, speech).status_code == 200
        return self.call(sid).id


def twiml(response: Response) -> ElementTree.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return ElementTree.fromstring(response.text)


def spoken(root: ElementTree.Element) -> str:
    return " ".join(say.text or "" for say in root.iter("Say"))


def slack_answer(call: Call) -> tuple[int, Any]:
    method = call.path.rsplit("/", 1)[-1]
    if method == "users.lookupByEmail":
        return 200, {"ok": True, "user": {"id": "U-" + call.params["email"].split("@")[0]}}
    if method == "chat.postMessage":
        return 200, {"ok": True, "channel": call.params["channel"], "ts": "1.0"}
    return 200, {"ok": False, "error": "unknown_method"}


@pytest.fixture
def twilio_api() -> Iterator[FakeServer]:
    with fake_twilio() as fake:
        yield fake


@pytest.fixture
def slack_api() -> Iterator[FakeServer]:
    with FakeServer(slack_answer) as fake:
        yield fake


@pytest.fixture
def voice(foundry: Database, twilio_api: FakeServer, slack_api: FakeServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Voice]:
    for name, value in {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_ACCOUNT_SID": "ACtest",
        "TWILIO_FROM": "+15005550001",
        "TWILIO_API_URL": twilio_api.url,
        "PUBLIC_URL": PUBLIC,
        "SLACK_BOT_TOKEN": "xoxb-calls",
        "SLACK_API_URL": slack_api.url + "/api/",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("CONCIERGE_DEMO", "INTERCOM_SNAPSHOT_URL", "SLACK_CALLS_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    clock = Clock()
    desk_for(foundry).clock = clock
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as client:
        yield Voice(client, foundry, clock)


def test_a_delivery_call_from_greeting_to_summary(voice: Voice, slack_api: FakeServer) -> None:
    greeting = twiml(voice.ring("CA-delivery"))
    gather = greeting.find("Gather")
    assert gather is not None and gather.get("input") == "speech dtmf"
    assert gather.get("action") == PUBLIC + "/twilio/voice/intercom/gather" and gather.get("actionOnEmptyResult") == "true"
    assert "Welcome to The Foundry" in spoken(greeting) and "press 1" in spoken(greeting)
    assert voice.call("CA-delivery").state == "ringing"

    voice.clock.advance(12)
    hold = twiml(voice.say("CA-delivery", "yeah I've got a delivery from UPS"))
    assert "a concierge will be with you shortly" in spoken(hold)
    assert [r.text for r in hold.iter("Redirect")] == [PUBLIC + "/twilio/voice/intercom/hold"]
    call = voice.call("CA-delivery")
    assert (call.state, call.purpose, call.heard, call.snapshot) == (
        "queued",
        "delivery",
        "yeah I've got a delivery from UPS",
        "snap-CA-delivery.svg",
    )

    listed = voice.agent(KIM, "GET", "/api/agent/calls").json()["calls"]
    assert [(c["id"], c["state"], c["purpose"]) for c in listed] == [(call.id, "queued", "delivery")]
    assert listed[0]["delivery_doors"] == ["Front Entrance", "Package Room"]
    picture = voice.agent(KIM, "GET", listed[0]["snapshot"])
    assert picture.headers["content-type"] == "image/svg+xml" and b"Lobby Intercom" in picture.content

    voice.clock.advance(45)
    answered = voice.act(KIM, call.id, "answer")
    assert answered.status_code == 200 and answered.json()["call"]["seconds_to_answer"] == 45

    opened = voice.act(KIM, call.id, "unlock", {"door": "Package Room"})
    assert opened.status_code == 200, opened.text
    refused = voice.act(KIM, call.id, "unlock", {"door": "Unit 4B"})
    assert refused.status_code == 403 and refused.json()["rule"] == "delivery_doors_only"
    assert "Package Room is open" in spoken(twiml(voice.twilio("/twilio/voice/intercom/hold", {"CallSid": "CA-delivery"})))

    voice.clock.advance(30)
    resolved = voice.act(KIM, call.id, "resolve", {"note": "UPS parcel for 4B left in the package room"})
    assert resolved.status_code == 200 and resolved.json()["call"]["state"] == "resolved"
    assert "Goodbye" in spoken(twiml(voice.twilio("/twilio/voice/intercom/hold", {"CallSid": "CA-delivery"})))

    assert voice.log("CA-delivery") == ["ringing", "queued", "answered", "unlock", "unlock_refused", "resolved"]
    with voice.database.session() as session:
        rows = {e.kind: e for e in session.scalars(select(IntercomCallEvent).where(IntercomCallEvent.call_id == call.id))}
        unlock, refusal = rows["unlock"], rows["unlock_refused"]
        assert unlock.actor is not None and unlock.actor.email == KIM and unlock.door is not None and unlock.door.name == "Package Room"
        assert refusal.detail["door"] == "Unit 4B" and refusal.detail["rule"] == "delivery_doors_only"
        event = session.scalar(select(ActivityEvent).where(ActivityEvent.external_id == unlock.detail["event"]))
        assert event is not None and event.door.name == "Package Room" and event.credential == "remote" and event.granted
        assert event.actor is not None and event.actor.email == KIM and event.photo == "snap-CA-delivery.svg"
        audit = session.scalars(select(AuditEntry).where(AuditEntry.op == "unlock_door")).all()
        assert [(a.detail["call_id"], a.detail["call"], a.detail["door"]) for a in audit] == [(call.id, "CA-delivery", "Package Room")]
        assert (
            session.scalar(
                select(func.count(ActivityEvent.id)).where(
                    ActivityEvent.door.has(name="Unit 4B"), ActivityEvent.at >= voice.clock.now - timedelta(hours=1)
                )
            )
            == 0
        )
        final = session.get(IntercomCall, call.id)
        assert final is not None and final.seconds_to_answer == 45 and final.ended_at == voice.clock.now
        summary = session.scalar(select(IntercomCallSummary).where(IntercomCallSummary.call_id == call.id))
        assert summary is not None
        assert summary.notify == ["ana.lopez@harbor.example", BEN, "carla.diaz@harbor.example"]
        assert "delivery" in summary.text and "45 s to answer" in summary.text and "by Kim Tran" in summary.text
        assert "Unlocked: Package Room." in summary.text and "Refused: Unit 4B (delivery_doors_only)." in summary.text
        assert "UPS parcel for 4B" in summary.text and summary.sent_at is not None and summary.send_error is None
    posted = slack_api.named("chat.postMessage")
    assert sorted(p.params["channel"] for p in posted) == ["U-ana.lopez", "U-ben.carter", "U-carla.diaz"]
    assert "Package Room" in posted[0].params["text"]


@pytest.mark.parametrize("signature", ["", "forged+signature="])
@pytest.mark.parametrize("path", [INTERCOM, "/twilio/voice/intercom/gather", "/twilio/voice/intercom/status"])
def test_forged_or_missing_signatures_are_refused_and_store_nothing(voice: Voice, signature: str, path: str) -> None:
    form = {"CallSid": "CA-forged", "From": COURIER, "SpeechResult": "delivery", "CallStatus": "completed"}
    assert voice.twilio(path, form, signature=signature).status_code == 403
    assert (voice.count(IntercomCall), voice.count(IntercomCallEvent)) == (0, 0)


def test_the_signature_covers_the_intercom_serial(voice: Voice) -> None:
    form = {"CallSid": "CA-moved", "From": COURIER}
    signed_for_other = RequestValidator(TOKEN).compute_signature(PUBLIC + "/twilio/voice/intercom?serial=I-9999", form)
    assert voice.twilio(INTERCOM, form, signature=signed_for_other).status_code == 403
    assert voice.count(IntercomCall) == 0


def test_retried_webhooks_with_the_same_call_sid_duplicate_nothing(voice: Voice) -> None:
    first, again = voice.ring("CA-retry"), voice.ring("CA-retry")
    assert first.text == again.text
    voice.say("CA-retry", digits="1")
    voice.say("CA-retry", digits="1")
    assert twiml(voice.ring("CA-retry")).find("Gather") is None
    voice.twilio("/twilio/voice/intercom/status", {"CallSid": "CA-retry", "CallStatus": "completed"})
    voice.twilio("/twilio/voice/intercom/status", {"CallSid": "CA-retry", "CallStatus": "completed"})
    assert voice.log("CA-retry") == ["ringing", "queued", "caller_left", "abandoned"]
    assert (voice.count(IntercomCall), voice.count(IntercomSnapshot), voice.count(IntercomCallSummary)) == (1, 1, 1)


def test_an_unknown_intercom_is_answered_politely_and_nothing_is_stored(voice: Voice) -> None:
    root = twiml(voice.ring("CA-unknown", "/twilio/voice/intercom?serial=I-0000"))
    assert "not set up" in spoken(root) and root.find("Hangup") is not None and root.find("Gather") is None
    assert twiml(voice.ring("CA-front-door", "/twilio/voice/intercom?serial=R-1001")).find("Hangup") is not None
    assert voice.count(IntercomCall) == 0


def test_silence_is_asked_again_once_then_queued_as_unknown(voice: Voice) -> None:
    voice.ring("CA-quiet")
    again = twiml(voice.say("CA-quiet"))
    assert "didn't catch that" in spoken(again) and again.find("Gather") is not None
    assert (voice.call("CA-quiet").state, voice.call("CA-quiet").prompts) == ("ringing", 2)
    queued = twiml(voice.say("CA-quiet"))
    assert "hold for the concierge" in spoken(queued) and queued.find("Gather") is None
    call = voice.call("CA-quiet")
    assert (call.state, call.purpose, call.heard) == ("queued", "unknown", None)
    assert voice.log("CA-quiet") == ["ringing", "reprompt", "queued"]


@pytest.mark.parametrize(
    ("speech", "digits", "purpose", "visiting"),
    [
        ("hi I'm here to see Jane Park", "", "visit", JANE),
        ("visiting jane parke", "", "visit", JANE),
        ("for apartment 2 A please", "", "visit", "lucia.romero@example.com"),
        ("I'm looking for Bob Smith", "", "visit", None),
        ("", "1", "delivery", None),
        ("", "0", "unknown", None),
        ("Amazon package", "", "delivery", None),
        ("I have a delivery for Jane Park", "", "delivery", JANE),
    ],
)
def test_the_purpose_is_what_the_caller_said(voice: Voice, speech: str, digits: str, purpose: str, visiting: str | None) -> None:
    voice.ring("CA-purpose")
    voice.say("CA-purpose", speech, digits)
    call = voice.call("CA-purpose")
    with voice.database.session() as session:
        fresh = session.get(IntercomCall, call.id)
        assert fresh is not None
        assert (fresh.state, fresh.purpose, fresh.visiting.email if fresh.visiting else None) == ("queued", purpose, visiting)


def test_ringing_the_resident_dials_their_number_on_the_live_call(voice: Voice, twilio_api: FakeServer) -> None:
    call_id = voice.queued("CA-visit", "I'm here to see Jane Park")
    assert voice.act(KIM, call_id, "ring").status_code == 403  # not answered yet
    voice.act(KIM, call_id, "answer")
    rung = voice.act(KIM, call_id, "ring")
    assert rung.status_code == 200, rung.text
    updates = twilio_api.named("/Calls/CA-visit.json")
    assert len(updates) == 1 and updates[0].path == "/2010-04-01/Accounts/ACtest/Calls/CA-visit.json"
    dial = ElementTree.fromstring(updates[0].form["Twiml"]).find("Dial")
    assert dial is not None and [n.text for n in dial.iter("Number")] == ["+17185550142"]
    assert dial.get("action") == PUBLIC + "/twilio/voice/intercom/dialed" and dial.get("callerId") == "+15005550001"

    back = twiml(
        voice.twilio("/twilio/voice/intercom/dialed", {"CallSid": "CA-visit", "DialCallStatus": "completed", "DialCallDuration": "31"})
    )
    assert "concierge is looking after your call" in spoken(back)
    not_resident = voice.act(KIM, call_id, "ring", {"person": "max.weber@cleanco.example"})
    assert not_resident.status_code == 403 and not_resident.json()["rule"] == "residents_only"
    assert voice.log("CA-visit") == ["ringing", "queued", "answered", "ring_resident", "dial_ended"]
    assert len(twilio_api.named("/Calls/")) == 1


def test_a_failing_twilio_is_logged_on_the_call(voice: Voice, monkeypatch: pytest.MonkeyPatch) -> None:
    call_id = voice.queued("CA-down", "to see Jane Park")
    voice.act(KIM, call_id, "answer")
    monkeypatch.setenv("TWILIO_API_URL", "http://127.0.0.1:9")
    failed = voice.act(KIM, call_id, "ring")
    assert failed.status_code == 502 and failed.json()["rule"] == "twilio_failed"
    with voice.database.session() as session:
        row = session.scalar(select(IntercomCallEvent).where(IntercomCallEvent.kind == "ring_resident"))
        assert row is not None and row.detail["ok"] is False and row.detail["phone"] == "+17185550142"


def test_an_agent_takes_one_call_at_a_time(voice: Voice) -> None:
    first, second = voice.queued("CA-one"), voice.queued("CA-two")
    assert [c["id"] for c in voice.agent(KIM, "GET", "/api/agent/calls").json()["calls"]] == [first, second]
    assert voice.act(KIM, first, "answer").status_code == 200
    busy = voice.act(KIM, second, "answer")
    assert busy.status_code == 403 and busy.json()["rule"] == "one_call_at_a_time"
    taken = voice.act(BEN, first, "answer")
    assert taken.status_code == 403 and taken.json()["rule"] == "call_not_waiting"
    assert voice.act(BEN, first, "unlock", {"door": "Package Room"}).json()["rule"] == "not_your_call"
    assert voice.act(KIM, first, "resolve", {"note": "done"}).status_code == 200
    assert voice.act(KIM, second, "answer").status_code == 200
    assert voice.call("CA-two").agent_id is not None and voice.log("CA-two")[-1] == "answered"


def test_an_unlock_needs_the_agents_own_answered_call(voice: Voice) -> None:
    call_id = voice.queued("CA-early")
    early = voice.act(KIM, call_id, "unlock", {"door": "Package Room"})
    assert early.status_code == 403 and early.json()["rule"] == "not_your_call"
    voice.act(KIM, call_id, "answer")
    voice.act(KIM, call_id, "resolve")
    late = voice.act(KIM, call_id, "unlock", {"door": "Front Entrance"})
    assert late.status_code == 403 and late.json()["rule"] == "call_not_live"
    assert voice.count(ActivityEvent) == 13  # the file's events only
    assert voice.log("CA-early") == ["ringing", "queued", "unlock_refused", "answered", "resolved", "unlock_refused"]


def test_agents_and_people_of_other_properties_are_refused(voice: Voice, maple: Database) -> None:
    call_id = voice.queued("CA-foundry")
    other = voice.act(ZOE, call_id, "answer")
    assert other.status_code == 403 and other.json()["rule"] == "concierge_agent_required"
    assert voice.agent(ZOE, "GET", "/api/agent/calls").json()["calls"] == []
    assert voice.agent(ZOE, "GET", f"/api/agent/calls/{call_id}/snapshot").status_code == 403
    for who in (JANE, ELI):  # a resident, a device-only manager
        assert voice.agent(who, "GET", f"/api/agent/calls/{call_id}/snapshot").status_code == 403
        assert voice.act(who, call_id, "answer").status_code == 403
    assert voice.client.get("/api/agent/calls").status_code == 401
    assert voice.call("CA-foundry").state == "queued"


def test_a_caller_who_hangs_up_in_the_queue_has_abandoned(voice: Voice) -> None:
    call_id = voice.queued("CA-gone")
    voice.clock.advance(90)
    ack = voice.twilio("/twilio/voice/intercom/status", {"CallSid": "CA-gone", "CallStatus": "completed"})
    assert ack.status_code == 204
    call = voice.call("CA-gone")
    assert (call.state, call.ended_at, call.answered_at) == ("abandoned", voice.clock.now, None)
    assert voice.agent(KIM, "GET", "/api/agent/calls").json()["calls"] == []
    assert voice.act(KIM, call_id, "answer").json()["rule"] == "call_not_waiting"
    with voice.database.session() as session:
        summary = session.scalar(select(IntercomCallSummary))
        assert summary is not None and summary.text.splitlines()[1].startswith("Abandoned.")
        assert summary.detail["seconds_to_answer"] is None and summary.notify[0] == "ana.lopez@harbor.example"


def test_a_summary_is_kept_when_slack_fails(voice: Voice, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    voice.queued("CA-slackless")
    voice.twilio("/twilio/voice/intercom/status", {"CallSid": "CA-slackless", "CallStatus": "no-answer"})
    with voice.database.session() as session:
        summary = session.scalar(select(IntercomCallSummary))
        assert summary is not None and summary.sent_at is None and summary.send_error
        assert "Abandoned" in summary.text


def test_a_manager_may_answer_and_an_agent_sees_no_activity(voice: Voice) -> None:
    call_id = voice.queued("CA-manager")
    assert voice.act(BEN, call_id, "answer").status_code == 200
    assert voice.act(BEN, call_id, "unlock", {"door": "Front Entrance"}).status_code == 200
    assert voice.act(BEN, call_id, "unlock", {"door": "Gym"}).json()["rule"] == "delivery_doors_only"
    activity = voice.agent(KIM, "GET", "/api/v1/activity")
    assert activity.status_code == 403


def test_the_console_page_and_the_demo_sign_in_of_an_agent(voice: Voice, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCIERGE_DEMO", "1")
    voice.client.base_url = "https://testserver"  # type: ignore[assignment]  # PUBLIC_URL is https: the cookie is Secure
    assert voice.client.get("/concierge/agent", follow_redirects=False).headers["location"] == "/signin?next=/concierge/agent"
    assert KIM in [p["handle"] for p in voice.client.get("/api/session").json()["people"]]
    assert voice.client.post("/api/session", json={"as": KIM}).status_code == 200
    page = voice.client.get("/concierge/agent")
    assert page.status_code == 200 and "Open calls" in page.text and "Call history" in page.text
    script = voice.client.get("/static/agent.js").text
    assert "/api/agent/events" in script and "/api/agent/calls/" in script and "Unlock" in script
    voice.queued("CA-browser")
    assert [c["state"] for c in voice.client.get("/api/agent/calls").json()["calls"]] == ["queued"]


def test_an_unlock_asked_for_in_chat_belongs_to_the_agents_live_call(voice: Voice) -> None:
    """Kim answers a courier's call, then types the unlock in chat: it is logged with that call, snapshot and all."""
    from bot.dialogue import Dialogue
    from bot.state import Conversation

    twiml(voice.ring("CA-chat"))
    twiml(voice.say("CA-chat", "delivery"))
    call_id = voice.call("CA-chat").id
    assert voice.act(KIM, call_id, "answer").status_code == 200
    now = voice.clock.now.isoformat()
    conversation = Conversation(person=KIM, now=now)
    dialogue = Dialogue(voice.database)
    proposed = dialogue.turn(conversation, "let the courier into the package room")
    assert proposed["status"] == "confirm", proposed
    done = dialogue.turn(conversation, "yes")
    assert done["status"] == "done", done
    refused = dialogue.turn(conversation, "unlock unit 4B for the courier")
    assert refused["status"] == "refused", refused

    assert voice.log("CA-chat") == ["ringing", "queued", "answered", "unlock"]
    with voice.database.session() as session:
        unlock = session.scalar(select(IntercomCallEvent).where(IntercomCallEvent.call_id == call_id, IntercomCallEvent.kind == "unlock"))
        assert unlock is not None and unlock.detail["via"] == "chat" and unlock.detail["door"] == "Package Room"
        event = session.scalar(select(ActivityEvent).where(ActivityEvent.external_id == unlock.detail["event"]))
        assert event is not None and event.photo == "snap-CA-chat.svg"
        audit = session.scalars(select(AuditEntry).where(AuditEntry.op == "unlock_door")).all()
        assert [a.detail.get("call_id") for a in audit] == [call_id]


@pytest.fixture
def few_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCIERGE_LIMIT_CALLS", "2/minute")


def test_a_number_calling_again_and_again_is_turned_away(few_calls: None, voice: Voice) -> None:
    assert [voice.ring(f"CA-flood-{n}").status_code for n in range(2)] == [200, 200]
    turned_away = twiml(voice.ring("CA-flood-3"))
    assert "too many calls" in spoken(turned_away) and turned_away.find("Hangup") is not None
    assert voice.count(IntercomCall) == 2
