"""The Concierge Pro agent console in real headless Chromium: a courier's intercom call, answered and let in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from twilio.request_validator import RequestValidator

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
TOKEN = "e2e-twilio-token"  # tests/e2e/conftest.py's TWILIO_TOKEN


def twilio(base: str, path: str, form: dict[str, str]) -> httpx.Response:
    signature = RequestValidator(TOKEN).compute_signature(base + path, form)
    return httpx.post(base + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)


@pytest.mark.e2e
def test_an_agent_answers_a_courier_and_opens_the_package_room(served: str, page: Any) -> None:
    from playwright.sync_api import expect

    greeting = twilio(served, "/twilio/voice/intercom?serial=I-5001",
                      {"CallSid": "CA-e2e-1", "From": "+12125550100", "To": "+15005550001", "CallStatus": "ringing"})
    assert greeting.status_code == 200 and "<Gather" in greeting.text, greeting.text
    queued = twilio(served, "/twilio/voice/intercom/gather", {"CallSid": "CA-e2e-1", "SpeechResult": "I have a delivery"})
    assert queued.status_code == 200, queued.text

    page.goto(served + "/concierge/agent")
    page.select_option("#people", "kim.tran@callcenter.example")
    page.click("#demo-form button")
    call = page.locator(".call").first
    expect(call).to_contain_text("queued")
    expect(call).to_contain_text("delivery")
    expect(call.locator("img")).to_have_attribute("src", "/api/agent/calls/1/snapshot")
    call.get_by_role("button", name="Answer").click()
    expect(call).to_contain_text("answered")
    call.get_by_role("button", name="Unlock Package Room").click()
    expect(call.locator("ol")).to_contain_text("unlock by Kim Tran: Package Room")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "agent-console-e2e.png"), full_page=True)
    call.get_by_role("button", name="Unlock Front Entrance").click()
    expect(call.locator("ol")).to_contain_text("unlock by Kim Tran: Front Entrance")
    call.get_by_role("button", name="Resolve").click()
    expect(page.locator("#status")).to_contain_text("resolved")
    expect(page.locator("#calls")).to_contain_text("No calls right now.")
