"""SMS through Twilio on the ASGI app: signed webhooks, TwiML replies, texts to guests through a local fake API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from fakes.http_fake import FakeServer
from fakes.twilio_api import fake_twilio
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from access_core.db import Database
from access_core.models import GuestShare
from bot.sms import split_sms
from bot.state import MemoryStore
from bot.web.app import create_app
from bot.web.models import SmsDelivery, SmsOptOut

TOKEN = "test-auth-token"
PUBLIC = "https://concierge.example"
JANE, ROSA, STRANGER = "+17185550142", "+17185550199", "+15005550006"
SHARE = "share my unit with Rosa Diaz tomorrow from 2pm to 5pm"


@pytest.fixture
def twilio_api() -> Iterator[FakeServer]:
    with fake_twilio() as fake:
        yield fake


@pytest.fixture
def client(foundry: Database, twilio_api: FakeServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    for name, value in {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_ACCOUNT_SID": "ACtest",
        "TWILIO_FROM": "+15005550001",
        "TWILIO_API_URL": twilio_api.url,
        "PUBLIC_URL": PUBLIC,
    }.items():
        monkeypatch.setenv(name, value)
    with TestClient(create_app(foundry, store=MemoryStore(), slack=False)) as test_client:
        yield test_client


def text(client: TestClient, sender: str, body: str, *, signature: str | None = None, path: str = "/twilio/sms") -> object:
    form = {"From": sender, "To": "+15005550001", "Body": body, "MessageSid": f"SM{uuid.uuid4().hex}", "AccountSid": "ACtest"}
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature} if signature else {})


def messages(response: object) -> list[str]:
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]  # type: ignore[attr-defined]


def shares(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count(GuestShare.id))) or 0)


def test_a_share_by_text_is_confirmed_then_texted_to_the_guest(client: TestClient, foundry: Database, twilio_api: FakeServer) -> None:
    before = shares(foundry)
    asked = messages(text(client, JANE, SHARE))
    assert "Rosa Diaz" in " ".join(asked) and "yes/no" in " ".join(asked)
    assert shares(foundry) == before and twilio_api.calls == []

    done = messages(text(client, JANE, "yes"))
    assert done[0].startswith("Shared Resident 4B with Rosa Diaz")
    assert shares(foundry) == before + 1
    sent = twilio_api.named("/Messages.json")
    assert len(sent) == 1
    assert sent[0].form["To"] == ROSA and "Jane Park shared Resident 4B" in sent[0].form["Body"]
    assert sent[0].path == "/2010-04-01/Accounts/ACtest/Messages.json"

    status = {"MessageSid": "SM" + "0" * 31 + "1", "MessageStatus": "delivered", "To": ROSA}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/twilio/sms/status", status)
    assert client.post("/twilio/sms/status", data=status, headers={"X-Twilio-Signature": signature}).status_code == 204
    with foundry.session() as session:
        assert session.get(SmsDelivery, status["MessageSid"]).status == "delivered"  # type: ignore[union-attr]


def test_a_door_code_goes_to_the_number_named(client: TestClient, twilio_api: FakeServer) -> None:
    assert "yes/no" in messages(text(client, JANE, "send a door code for tomorrow to +1 718 555 0177"))[0]
    done = messages(text(client, JANE, "yes"))[0]
    sent = twilio_api.named("/Messages.json")
    assert len(sent) == 1 and sent[0].form["To"] == "+17185550177"
    code = done.split()[1]
    assert code in sent[0].form["Body"]


@pytest.mark.parametrize("signature", ["", "forged+signature="])
def test_forged_or_missing_signatures_are_refused_and_change_nothing(
    client: TestClient, foundry: Database, twilio_api: FakeServer, signature: str
) -> None:
    messages(text(client, JANE, SHARE))
    before = shares(foundry)
    response = text(client, JANE, "yes", signature=signature)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert shares(foundry) == before and twilio_api.calls == []
    assert messages(text(client, JANE, "yes"))[0].startswith("Shared")


def test_the_signature_covers_the_public_url(client: TestClient) -> None:
    form = {"From": JANE, "Body": "help"}
    wrong = RequestValidator(TOKEN).compute_signature("http://testserver/twilio/sms", form)
    assert client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": wrong}).status_code == 403


def test_unknown_numbers_get_a_short_polite_answer(client: TestClient, twilio_api: FakeServer) -> None:
    answer = messages(text(client, STRANGER, "send a door code for tomorrow"))
    assert len(answer) == 1 and "isn't registered" in answer[0]
    assert twilio_api.calls == []


def test_stop_start_and_help(client: TestClient, foundry: Database) -> None:
    assert "unsubscribed" in messages(text(client, JANE, "STOP"))[0]
    with foundry.session() as session:
        assert session.get(SmsOptOut, JANE) is not None
    assert messages(text(client, JANE, "help me with the gym")) == []
    assert "subscribed again" in messages(text(client, JANE, "Start"))[0]
    assert "STOP" in messages(text(client, JANE, "HELP"))[0]
    assert messages(text(client, JANE, "what can you do"))


def test_rate_limit_per_number(client: TestClient) -> None:
    for _ in range(20):
        text(client, STRANGER, "hi")
    assert "too quickly" in messages(text(client, STRANGER, "hi"))[0]
    assert "isn't registered" in messages(text(client, JANE.replace("42", "43"), "hi"))[0]


def test_long_replies_are_split_at_words() -> None:
    parts = split_sms("word " * 100)
    assert len(parts) > 1 and all(len(p) <= 153 for p in parts)
    assert " ".join(parts) == ("word " * 100).strip()
    assert split_sms("short") == ["short"]


def test_an_opted_out_guest_is_not_texted(client: TestClient, twilio_api: FakeServer) -> None:
    messages(text(client, ROSA, "STOP"))
    messages(text(client, JANE, SHARE))
    assert messages(text(client, JANE, "yes"))[0].startswith("Shared")
    assert twilio_api.calls == []
